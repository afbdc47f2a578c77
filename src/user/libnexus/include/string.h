/*
 * string.h (libnexus) — what user programs get from <string.h>.
 *
 * Decision: two headers, one per library. This directory comes first on a program's
 * include path, so this file is the one <string.h> finds; it pulls in libk's
 * (src/libk/include/string.h: mem*, strlen, strnlen, strchr, strrchr, strcmp, strncmp,
 * which src/libk/string.c implements for kernels and programs alike) with #include_next,
 * and adds the functions only programs have, implemented in libnexus (str.c, through the
 * wrappers in libc.c). libk stays free of user-only code, since it is linked into the
 * bare-metal kernels. Behaviour on bad input: docs/libnexus.md.
 */
#ifndef RUMPK_NEXUS_STRING_H
#define RUMPK_NEXUS_STRING_H

#include_next <string.h>

char *strcpy(char *restrict dst, const char *restrict src);
char *strncpy(char *restrict dst, const char *restrict src, size_t n);
char *strcat(char *restrict dst, const char *restrict src);
char *strncat(char *restrict dst, const char *restrict src, size_t n);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char *strpbrk(const char *s, const char *accept);
char *strstr(const char *hay, const char *needle);
char *strtok_r(char *restrict s, const char *restrict delim, char **restrict save);
char *strdup(const char *s);  /* NULL when malloc fails; free() the result */
char *strndup(const char *s, size_t n);
void *memccpy(void *restrict dst, const void *restrict src, int c, size_t n);

#endif /* RUMPK_NEXUS_STRING_H */
