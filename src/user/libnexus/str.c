/*
 * str.c — the string and character functions a shell and small tools need beyond libk's
 * (src/libk/string.c has mem*, strlen, strnlen, strchr, strrchr, strcmp, strncmp; those
 * are compiled into the bare-metal kernels too, so user-only functions live here).
 * Byte loops throughout: these are not on any hot path of the system.
 */
#include "nexus_libc.h"

#include <string.h>

char *nexus_strcpy(char *dst, const char *src)
{
	char *d = dst;

	while ((*d++ = *src++))
		;
	return dst;
}

char *nexus_strncpy(char *dst, const char *src, size_t n)
{
	size_t i = 0;

	for (; i < n && src[i]; i++)
		dst[i] = src[i];
	for (; i < n; i++) /* C: the rest of dst is zero-filled */
		dst[i] = '\0';
	return dst;
}

char *nexus_strcat(char *dst, const char *src)
{
	nexus_strcpy(dst + strlen(dst), src);
	return dst;
}

char *nexus_strncat(char *dst, const char *src, size_t n)
{
	char *d = dst + strlen(dst);

	while (n-- && *src)
		*d++ = *src++;
	*d = '\0';
	return dst;
}

/* A 256-bit set of the bytes in `chars`, for strspn & co. */
struct byteset {
	uint64_t w[4];
};

static void byteset_make(struct byteset *b, const char *chars)
{
	b->w[0] = b->w[1] = b->w[2] = b->w[3] = 0;
	for (const unsigned char *c = (const unsigned char *)chars; *c; c++)
		b->w[*c >> 6] |= (uint64_t)1 << (*c & 63);
}

static int byteset_has(const struct byteset *b, unsigned char c)
{
	return (int)((b->w[c >> 6] >> (c & 63)) & 1);
}

size_t nexus_strspn(const char *s, const char *accept)
{
	struct byteset b;
	size_t n = 0;

	byteset_make(&b, accept);
	while (s[n] && byteset_has(&b, (unsigned char)s[n]))
		n++;
	return n;
}

size_t nexus_strcspn(const char *s, const char *reject)
{
	struct byteset b;
	size_t n = 0;

	byteset_make(&b, reject);
	while (s[n] && !byteset_has(&b, (unsigned char)s[n]))
		n++;
	return n;
}

char *nexus_strpbrk(const char *s, const char *accept)
{
	s += nexus_strcspn(s, accept);
	return *s ? (char *)s : NULL;
}

/* Quadratic in the worst case; fine for the lengths a shell handles. */
char *nexus_strstr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0)
		return (char *)hay;
	for (; (hay = strchr(hay, needle[0])); hay++)
		if (strncmp(hay, needle, n) == 0)
			return (char *)hay;
	return NULL;
}

char *nexus_strtok_r(char *s, const char *delim, char **save)
{
	if (!s)
		s = *save;
	if (!s)
		return NULL; /* a previous call already reached the end */
	s += nexus_strspn(s, delim);
	if (!*s) {
		*save = NULL;
		return NULL;
	}
	char *end = s + nexus_strcspn(s, delim);
	if (*end) {
		*end = '\0';
		*save = end + 1;
	} else {
		*save = NULL;
	}
	return s;
}

/* A copy of the first `len` bytes of s plus a NUL, or NULL. */
static char *dup_bytes(const char *s, size_t len)
{
	char *d = len < (size_t)-1 ? nexus_malloc(len + 1) : NULL;

	if (d) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

char *nexus_strndup(const char *s, size_t n)
{
	return dup_bytes(s, strnlen(s, n));
}

char *nexus_strdup(const char *s)
{
	return dup_bytes(s, strlen(s));
}

void *nexus_memccpy(void *dst, const void *src, int c, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	for (size_t i = 0; i < n; i++) {
		d[i] = s[i];
		if (s[i] == (unsigned char)c)
			return d + i + 1;
	}
	return NULL;
}

/* ---- ctype: ASCII, the "C" locale -------------------------------------------------- */

int nexus_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

int nexus_isupper(int c)
{
	return c >= 'A' && c <= 'Z';
}

int nexus_islower(int c)
{
	return c >= 'a' && c <= 'z';
}

int nexus_isalpha(int c)
{
	return nexus_isupper(c) || nexus_islower(c);
}

int nexus_isalnum(int c)
{
	return nexus_isalpha(c) || nexus_isdigit(c);
}

int nexus_isxdigit(int c)
{
	return nexus_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int nexus_isspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r'); /* \t \n \v \f \r */
}

int nexus_isblank(int c)
{
	return c == ' ' || c == '\t';
}

int nexus_isprint(int c)
{
	return c >= 0x20 && c < 0x7f;
}

int nexus_isgraph(int c)
{
	return c > 0x20 && c < 0x7f;
}

int nexus_ispunct(int c)
{
	return nexus_isgraph(c) && !nexus_isalnum(c);
}

int nexus_iscntrl(int c)
{
	return (c >= 0 && c < 0x20) || c == 0x7f;
}

int nexus_toupper(int c)
{
	return nexus_islower(c) ? c - 'a' + 'A' : c;
}

int nexus_tolower(int c)
{
	return nexus_isupper(c) ? c - 'A' + 'a' : c;
}
