/*
 * stdlib.h (libnexus) — the heap, number conversions, sorting, the environment.
 * It stands in for libk's stdlib.h (which holds nothing) in user programs.
 *
 * No errno exists: strtol & co clamp on overflow (LONG_MIN/LONG_MAX, ULONG_MAX) and say
 * nothing more; nexus_strtoi64/nexus_strtou64 (declared here too) return the error.
 * malloc's failure is NULL; misuse (double free, corrupted heap) ends the program with a
 * message on stderr. exit() flushes stdout and ends the program (nexus_exit).
 * Details: docs/libnexus.md.
 */
#ifndef RUMPK_NEXUS_STDLIB_H
#define RUMPK_NEXUS_STDLIB_H

#include <stddef.h>
#include <stdint.h>

void exit(int status) __attribute__((noreturn));
#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

void *malloc(size_t size);
void free(void *p);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);

long strtol(const char *restrict s, char **restrict end, int base);
unsigned long strtoul(const char *restrict s, char **restrict end, int base);
long long strtoll(const char *restrict s, char **restrict end, int base);
unsigned long long strtoull(const char *restrict s, char **restrict end, int base);
int atoi(const char *s);
long atol(const char *s);
int abs(int v);
long labs(long v);
long long llabs(long long v);

void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmp)(const void *, const void *));

char *getenv(const char *name);

/*
 * The checked conversions: 0, -RUMPK_EINVAL (no digits, bad base: *out = 0, *end = s) or
 * -RUMPK_ERANGE (*out clamped, *end past the digits). As strtoll/strtoull otherwise.
 */
int nexus_strtoi64(const char *s, char **end, int base, int64_t *out);
int nexus_strtou64(const char *s, char **end, int base, uint64_t *out);

#endif /* RUMPK_NEXUS_STDLIB_H */
