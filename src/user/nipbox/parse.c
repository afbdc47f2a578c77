/*
 * parse.c — nipbox's words and paths (the rules are in parse.h).
 *
 * sh_parse copies the line's words into cmd->words as it reads them, one pass, no
 * backtracking: a quote or backslash only changes how the next characters are copied.
 * Every byte written is checked against the end of cmd->words, so no input can write
 * past it; the check names the limit instead of cutting a word short.
 */
#include "parse.h"

#include <string.h>

struct out {
	char *w, *end;
	int full;
};

static void put(struct out *o, char c)
{
	if (o->w == o->end)
		o->full = 1;
	else
		*o->w++ = c;
}

/* $? and $!: a number in decimal, INT_MIN included. */
static void put_number(struct out *o, int status)
{
	char digits[12];
	int n = 0;
	unsigned v = status < 0 ? 0u - (unsigned)status : (unsigned)status;
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (status < 0)
		put(o, '-');
	while (n)
		put(o, digits[--n]);
}

static int blank(char c)
{
	return c == ' ' || c == '\t';
}

/* $? or $! at p (just after the '$'): puts its value and returns 1, else 0. $! is empty
 * until a program has been started in the background. */
static int put_var(struct out *o, const char *p, const struct sh_vars *vars)
{
	if (*p == '?') {
		put_number(o, vars->status);
		return 1;
	}
	if (*p == '!') {
		if (vars->bgpid > 0)
			put_number(o, vars->bgpid);
		return 1;
	}
	return 0;
}

int sh_parse(const char *line, const struct sh_vars *vars, struct sh_cmd *cmd, const char **why)
{
	struct out o = { cmd->words, cmd->words + SH_WORDS_MAX, 0 };
	const char *p = line;
	int inword = 0;

	cmd->argc = 0;
	cmd->background = 0;
	cmd->argv[0] = NULL;
	for (;;) {
		char c = *p;
		if (c == 0 || blank(c) || c == '&') {
			if (inword)
				put(&o, 0);
			inword = 0;
			if (c == '&') {
				for (p++; blank(*p); p++)
					;
				if (*p && *p != '#') {
					*why = "text after '&' (it must end the line)";
					return -1;
				}
				if (!cmd->argc) {
					*why = "nothing to run before '&'";
					return -1;
				}
				cmd->background = 1;
				break;
			}
			if (!c)
				break;
			p++;
			continue;
		}
		if (!inword) {
			if (c == '#')
				break; /* a comment */
			if (cmd->argc == SH_ARGV_MAX) {
				*why = "too many words (at most 64)";
				return -1;
			}
			cmd->argv[cmd->argc++] = o.w;
			inword = 1;
		}
		p++;
		if (c == '\'') {
			while (*p && *p != '\'')
				put(&o, *p++);
			if (!*p) {
				*why = "unterminated ' quote";
				return -1;
			}
			p++;
		} else if (c == '"') {
			while (*p && *p != '"') {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\' || p[1] == '$')) {
					put(&o, p[1]);
					p += 2;
				} else if (*p == '$' && put_var(&o, p + 1, vars)) {
					p += 2;
				} else {
					put(&o, *p++);
				}
			}
			if (!*p) {
				*why = "unterminated \" quote";
				return -1;
			}
			p++;
		} else if (c == '\\') {
			put(&o, *p ? *p++ : '\\');
		} else if (c == '$' && put_var(&o, p, vars)) {
			p++;
		} else {
			put(&o, c);
		}
	}
	if (o.full) {
		*why = "line too long once $? and $! are expanded (8 KiB of words at most)";
		cmd->argc = 0;
		cmd->argv[0] = NULL;
		return -1;
	}
	cmd->argv[cmd->argc] = NULL;
	return 0;
}

/* Appends path's components to out (length *len), resolving "." and "..". */
static int walk(const char *path, char *out, size_t *len)
{
	while (*path) {
		while (*path == '/')
			path++;
		const char *s = path;
		while (*path && *path != '/')
			path++;
		size_t n = (size_t)(path - s);
		if (n == 0 || (n == 1 && s[0] == '.'))
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (*len && out[*len - 1] != '/')
				(*len)--;
			if (*len)
				(*len)--; /* the slash before the removed component */
			continue;
		}
		if (*len + 1 + n > SH_PATH_MAX)
			return -1;
		out[(*len)++] = '/';
		memcpy(out + *len, s, n);
		*len += n;
	}
	return 0;
}

int sh_path_join(const char *cwd, const char *path, char *out)
{
	char tmp[SH_PATH_MAX + 1];
	size_t len = 0;

	if (path[0] != '/' && walk(cwd, tmp, &len) < 0)
		return -1;
	if (walk(path, tmp, &len) < 0)
		return -1;
	if (!len)
		tmp[len++] = '/';
	tmp[len] = 0;
	memcpy(out, tmp, len + 1);
	return 0;
}
