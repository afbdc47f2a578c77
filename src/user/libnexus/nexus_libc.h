/*
 * nexus_libc.h (private to libnexus) — the small libc's implementation, under nexus_
 * names only.
 *
 * Why two layers: the work is done by nexus_-prefixed functions in format.c, stdio.c,
 * malloc.c, str.c and stdlib.c, which include nothing but freestanding headers,
 * <string.h> (memcpy & co: libk's for programs, glibc's on the host), this header and
 * nexus_sys.h. tests/unit/test_libnexus.c compiles exactly those files into a host
 * program next to glibc, with no clash. The standard names (printf, malloc, strtol ...)
 * are one-line wrappers in libc.c, which only programs link, declared by the public
 * headers in include/ (stdio.h, stdlib.h, string.h, ctype.h). docs/libnexus.md lists
 * every function and what it does with bad input.
 *
 * No function here is reentrant against itself from a signal handler, and none takes a
 * lock: a rumpk process has one thread.
 */
#ifndef RUMPK_NEXUS_LIBC_H
#define RUMPK_NEXUS_LIBC_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* ---- format.c: the printf engine ------------------------------------------------------ */

/* Receives the formatted text in pieces, in order; `n` may be 0 never, `s` is not
 * NUL-terminated. */
typedef void (*nexus_sink_fn)(void *ctx, const char *s, size_t n);

/*
 * nexus_vformat — formats `fmt` with the arguments in `ap`, handing the text to `sink`
 * piece by piece. Returns the number of bytes handed over. Conversions: d i u x X o c s p %,
 * flags - 0 space + #, width and precision (digits or *), lengths hh h l ll z j t.
 * Bad input: an unknown conversion (also %n, %lc/%ls, and every floating-point
 * conversion) is printed as written and consumes no argument; a format ending inside a conversion prints
 * that tail; %s of NULL prints "(null)" (cut by a precision like any string); %p prints
 * 0x and lowercase hex, and NULL as "0x0"; a negative * width means '-' and its magnitude,
 * a negative * precision means none.
 */
size_t nexus_vformat(nexus_sink_fn sink, void *ctx, const char *fmt, va_list ap);

/* C's vsnprintf/snprintf: at most size-1 bytes and a NUL into buf (nothing if size is 0,
 * when buf may be NULL); returns the length the whole text has, or -1 past INT_MAX. */
int nexus_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int nexus_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- stdio.c: output to handles ------------------------------------------------------- */

#define NEXUS_STDOUT 1
#define NEXUS_STDERR 2
#define NEXUS_STDOUT_BUFSIZE 512

/*
 * Output through nexus_sys_write. Handle 1 (stdout) is line-buffered in one static
 * buffer of NEXUS_STDOUT_BUFSIZE bytes: flushed when full, at the end of any call that
 * wrote a '\n', and by nexus_stdio_flush (which the exit path calls). Every other handle
 * is unbuffered across calls: one call formats into a stack buffer and writes it as one
 * piece when it fits (so a short message is one write). Before writing to any other
 * handle, pending stdout bytes are flushed, so the two appear on a shared console in the
 * order the program produced them.
 * A write that fails drops the bytes it carried (they are not retried later).
 */
/* Formatted output to `handle`: the byte count, or a negative RUMPK_E* error if any write
 * of this call failed (-RUMPK_EBADF for a negative handle; -RUMPK_ERANGE when the count
 * passes INT_MAX, though every byte was written). */
int nexus_vdprintf(int handle, const char *fmt, va_list ap);
int nexus_dprintf(int handle, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int nexus_vprintf(const char *fmt, va_list ap);
int nexus_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* `s` to `handle` (no newline added): 0, or a negative RUMPK_E* error. */
int nexus_hputs(int handle, const char *s);
/* `s` and a newline to stdout: 0, or a negative RUMPK_E* error. */
int nexus_puts(const char *s);
/* One byte to `handle`: the byte as unsigned char, or a negative RUMPK_E* error. */
int nexus_hputc(int handle, int c);
/* Writes the pending stdout bytes: 0, or the negative RUMPK_E* error of the failed write
 * (the bytes are dropped then). */
int nexus_stdio_flush(void);

/* nexus.c (nexus.h): what nexus_exit calls first; stdio sets it to flush stdout once it
 * buffers anything, so a program that never prints does not link stdio for its exit. */
extern void (*nexus_exit_hook)(void);
/* All `len` bytes to `handle`, retrying short writes: 0, or a negative RUMPK_E* error. */
int nexus_write_all(int handle, const void *buf, size_t len);

/* ---- malloc.c: the heap ------------------------------------------------------------- */

/*
 * C's malloc family over nexus_sys_heap_grow; every block is 16-byte aligned.
 * malloc(0) returns a distinct minimal block; calloc checks n * size for overflow (NULL);
 * realloc(NULL, n) is malloc(n), realloc(p, 0) frees p and returns NULL; a failed
 * realloc leaves p untouched. free(NULL) does nothing. Freeing a pointer that is not a
 * live block (a double free, a pointer into the middle of a block, outside the heap) or
 * finding a corrupted header writes "malloc: ..." to handle 2 and calls nexus_abort.
 */
void *nexus_malloc(size_t size);
void nexus_free(void *p);
void *nexus_calloc(size_t n, size_t size);
void *nexus_realloc(void *p, size_t size);
/* The usable size of live block p (>= what was asked), 0 for NULL. */
size_t nexus_malloc_usable_size(void *p);

struct nexus_heap_stats {
	uint64_t heap_bytes; /* obtained from nexus_sys_heap_grow */
	uint64_t used_bytes; /* in live blocks, headers included */
	uint64_t free_bytes; /* in free blocks, headers included */
	uint32_t used_blocks;
	uint32_t free_blocks;
	uint32_t regions; /* 1 while the kernel keeps the heap contiguous */
	uint32_t reserved;
};
/*
 * nexus_heap_check — walks every block and the free lists and checks each header's
 * canary, the size chain, that no two free blocks touch and that the lists hold exactly
 * the free blocks. Returns 0 (and fills *st if not NULL) or -RUMPK_EFAULT at the first
 * inconsistency (it reports nothing and does not abort: a debugging and test aid).
 */
int nexus_heap_check(struct nexus_heap_stats *st);

/* ---- str.c: strings and characters --------------------------------------------------- */

/* As C (POSIX for strtok_r, strdup, strndup). strdup/strndup return NULL when malloc
 * does. strtok_r: `save` must be what the previous call left (s == NULL continues). */
char *nexus_strcpy(char *dst, const char *src);
char *nexus_strncpy(char *dst, const char *src, size_t n);
char *nexus_strcat(char *dst, const char *src);
char *nexus_strncat(char *dst, const char *src, size_t n);
size_t nexus_strspn(const char *s, const char *accept);
size_t nexus_strcspn(const char *s, const char *reject);
char *nexus_strpbrk(const char *s, const char *accept);
char *nexus_strstr(const char *hay, const char *needle);
char *nexus_strtok_r(char *s, const char *delim, char **save);
char *nexus_strdup(const char *s);
char *nexus_strndup(const char *s, size_t n);
void *nexus_memccpy(void *dst, const void *src, int c, size_t n);

/* ctype in the "C" locale (ASCII): any int is accepted; values outside 0..255 (EOF
 * included) are in no class and toupper/tolower return them unchanged. */
int nexus_isdigit(int c);
int nexus_isxdigit(int c);
int nexus_isalpha(int c);
int nexus_isalnum(int c);
int nexus_isupper(int c);
int nexus_islower(int c);
int nexus_isspace(int c);
int nexus_isblank(int c);
int nexus_isprint(int c);
int nexus_isgraph(int c);
int nexus_ispunct(int c);
int nexus_iscntrl(int c);
int nexus_toupper(int c);
int nexus_tolower(int c);

/* ---- stdlib.c: conversions and sorting ------------------------------------------------ */

/*
 * The checked converters behind strtol & co (there is no errno in libnexus). They parse
 * as C's strto* do: leading isspace, an optional sign, "0x"/"0X" for base 16 or 0, a
 * leading "0" meaning octal for base 0, digits up to base 36; *end (if end) points past
 * the last digit used, or at s when there were none. The value goes to *out, and they
 * return 0, or:
 *   -RUMPK_EINVAL  no digits, or a base other than 0 and 2..36 (*out = 0, *end = s);
 *   -RUMPK_ERANGE  the value does not fit: *out is clamped (INT64_MIN/MAX, or UINT64_MAX
 *                  for the unsigned one) and *end still points past every digit.
 * The unsigned one, like strtoull, accepts a '-' and negates the value modulo 2^64
 * ("-1" gives UINT64_MAX); a magnitude above UINT64_MAX is -RUMPK_ERANGE either way.
 */
int nexus_strtoi64(const char *s, char **end, int base, int64_t *out);
int nexus_strtou64(const char *s, char **end, int base, uint64_t *out);
/* C's, built on the above: overflow clamps and nothing else tells it. */
long nexus_strtol(const char *s, char **end, int base);
unsigned long nexus_strtoul(const char *s, char **end, int base);
long long nexus_strtoll(const char *s, char **end, int base);
unsigned long long nexus_strtoull(const char *s, char **end, int base);
/* atoi/atol: strtol in base 10, then converted to int (out of int range: clamped to
 * INT_MIN/INT_MAX rather than left to wrap); no digits gives 0. */
int nexus_atoi(const char *s);
long nexus_atol(const char *s);
/* abs of INT_MIN (and labs of LONG_MIN ...) is undefined in C; here it returns the
 * argument unchanged (two's complement wrap), never traps. */
int nexus_abs(int v);
long nexus_labs(long v);
long long nexus_llabs(long long v);
/* qsort: a heapsort (no recursion, O(n log n) worst case, not stable); nothing happens
 * for n < 2 or size 0. bsearch: C's. */
void nexus_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void *nexus_bsearch(const void *key, const void *base, size_t n, size_t size,
		    int (*cmp)(const void *, const void *));

#endif /* RUMPK_NEXUS_LIBC_H */
