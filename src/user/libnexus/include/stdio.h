/*
 * stdio.h (libnexus) — formatted output, without a FILE library: output goes to handles
 * (1 = stdout, 2 = stderr, or one open() returned). stdout is line-buffered (flushed at
 * '\n', when its 512-byte buffer fills, by fflush and at exit); other handles get each
 * call's output at once. Printing to another handle flushes stdout first.
 *
 * FILE exists only so that fprintf(stderr, ...) and friends work: a FILE is a handle,
 * and stdout/stderr are the only ones. No input, no floating point (%f & co are printed
 * as written). The printf family returns the byte count or a negative RUMPK_E* error;
 * puts/fputs/putchar/fputc return EOF on error, as C says. Conversions and what bad
 * formats do: docs/libnexus.md.
 */
#ifndef RUMPK_NEXUS_STDIO_H
#define RUMPK_NEXUS_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

typedef struct nexus_file FILE;
extern FILE nexus_stdout_file, nexus_stderr_file;
#define stdout (&nexus_stdout_file)
#define stderr (&nexus_stderr_file)

#define NEXUS_PRINTF(f, a) __attribute__((format(printf, f, a)))

int printf(const char *restrict fmt, ...) NEXUS_PRINTF(1, 2);
int vprintf(const char *restrict fmt, va_list ap);
int dprintf(int handle, const char *restrict fmt, ...) NEXUS_PRINTF(2, 3);
int vdprintf(int handle, const char *restrict fmt, va_list ap);
int fprintf(FILE *restrict f, const char *restrict fmt, ...) NEXUS_PRINTF(2, 3);
int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap);
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
	NEXUS_PRINTF(3, 4);
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap);
/* sprintf: snprintf without a limit, for old code; prefer snprintf. */
int sprintf(char *restrict buf, const char *restrict fmt, ...) NEXUS_PRINTF(2, 3);

int puts(const char *s);
int fputs(const char *restrict s, FILE *restrict f);
int putchar(int c);
int fputc(int c, FILE *f);
int putc(int c, FILE *f);
/* Writes stdout's pending bytes (f == stdout or NULL); 0, or EOF if the write failed. */
int fflush(FILE *f);

#undef NEXUS_PRINTF

#endif /* RUMPK_NEXUS_STDIO_H */
