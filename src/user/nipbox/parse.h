/*
 * parse.h — nipbox's command line words and paths. Pure functions (no calls to the
 * kernel, no allocation), tested on the host by tests/unit/test_nipbox_edit.c.
 *
 * Words (sh_parse):
 *   - spaces and tabs separate words; quotes and backslashes join them;
 *   - '...' keeps everything literally; "..." keeps everything except that $? and $! expand
 *     and \" \\ \$ stand for the character; outside quotes \c stands for c;
 *   - $? (outside single quotes) is the last exit status in decimal; $! the pid of the
 *     last program started in the background (empty before the first);
 *   - an unquoted # at the start of a word begins a comment to the end of the line;
 *   - an unquoted & ends the command and runs it in the background; only blanks or a
 *     comment may follow it.
 *
 * Paths (sh_path_join): the kernel takes absolute paths only and has no working
 * directory, so the shell keeps one and makes every path absolute itself.
 */
#ifndef NIPBOX_PARSE_H
#define NIPBOX_PARSE_H

#include <stddef.h>

#define SH_ARGV_MAX 64       /* words of one command: RUMPK_EXEC_ARGC_MAX */
#define SH_WORDS_MAX 8192    /* bytes of all words after expansion, each with its NUL */
#define SH_PATH_MAX 256      /* bytes of an absolute path without its NUL (VFS_PATH_MAX) */

struct sh_cmd {
	int argc;                      /* 0: nothing to run (an empty line or a comment) */
	char *argv[SH_ARGV_MAX + 1];   /* NULL-terminated, pointing into words */
	int background;                /* the line ended with & */
	char words[SH_WORDS_MAX];
};

/* The values $? and $! expand to. */
struct sh_vars {
	int status; /* $?: the last exit status */
	int bgpid;  /* $!: the last background program's pid; 0: none yet ($! is empty) */
};

/*
 * sh_parse — splits `line` into cmd's words, expanding $? and $! from `vars`. Returns 0, or -1
 * with *why set to a message in words: an unterminated quote, more than SH_ARGV_MAX
 * words, more than SH_WORDS_MAX bytes of words, text after &, & with nothing before it.
 */
int sh_parse(const char *line, const struct sh_vars *vars, struct sh_cmd *cmd, const char **why);

/*
 * sh_path_join — the absolute, normalised form of `path` taken from directory `cwd`
 * (itself absolute and normalised): "." and empty components dropped, ".." removes the
 * previous component (never above "/"), no trailing slash except for "/" itself.
 * Returns 0, or -1 when the result would not fit in SH_PATH_MAX bytes (out untouched
 * beyond its size). out must hold SH_PATH_MAX + 1 bytes.
 */
int sh_path_join(const char *cwd, const char *path, char *out);

#endif /* NIPBOX_PARSE_H */
