/*
 * libc.c — the standard C names, each a thin wrapper over its nexus_ implementation
 * (nexus_libc.h explains the split). Only programs link this file: the host test suite
 * links the nexus_ functions next to glibc and must not see these names.
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nexus.h"
#include "nexus_libc.h"

/* ---- stdio.h ------------------------------------------------------------------------ */

struct nexus_file {
	int handle;
};

FILE nexus_stdout_file = { NEXUS_STDOUT };
FILE nexus_stderr_file = { NEXUS_STDERR };

int vprintf(const char *restrict fmt, va_list ap)
{
	return nexus_vprintf(fmt, ap);
}

int printf(const char *restrict fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = nexus_vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int vdprintf(int handle, const char *restrict fmt, va_list ap)
{
	return nexus_vdprintf(handle, fmt, ap);
}

int dprintf(int handle, const char *restrict fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = nexus_vdprintf(handle, fmt, ap);
	va_end(ap);
	return n;
}

int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
	return nexus_vdprintf(f->handle, fmt, ap);
}

int fprintf(FILE *restrict f, const char *restrict fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = nexus_vdprintf(f->handle, fmt, ap);
	va_end(ap);
	return n;
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
{
	return nexus_vsnprintf(buf, size, fmt, ap);
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = nexus_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int sprintf(char *restrict buf, const char *restrict fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = nexus_vsnprintf(buf, (size_t)-1, fmt, ap);
	va_end(ap);
	return n;
}

int puts(const char *s)
{
	return nexus_puts(s) < 0 ? EOF : 0;
}

int fputs(const char *restrict s, FILE *restrict f)
{
	return nexus_hputs(f->handle, s) < 0 ? EOF : 0;
}

int putchar(int c)
{
	int r = nexus_hputc(NEXUS_STDOUT, c);
	return r < 0 ? EOF : r;
}

int fputc(int c, FILE *f)
{
	int r = nexus_hputc(f->handle, c);
	return r < 0 ? EOF : r;
}

int putc(int c, FILE *f)
{
	return fputc(c, f);
}

int fflush(FILE *f)
{
	if (f && f != stdout)
		return 0; /* nothing else is buffered */
	return nexus_stdio_flush() < 0 ? EOF : 0;
}

/* ---- stdlib.h ----------------------------------------------------------------------- */

void *malloc(size_t size)
{
	return nexus_malloc(size);
}

void free(void *p)
{
	nexus_free(p);
}

void *calloc(size_t n, size_t size)
{
	return nexus_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	return nexus_realloc(p, size);
}

long strtol(const char *restrict s, char **restrict end, int base)
{
	return nexus_strtol(s, end, base);
}

unsigned long strtoul(const char *restrict s, char **restrict end, int base)
{
	return nexus_strtoul(s, end, base);
}

long long strtoll(const char *restrict s, char **restrict end, int base)
{
	return nexus_strtoll(s, end, base);
}

unsigned long long strtoull(const char *restrict s, char **restrict end, int base)
{
	return nexus_strtoull(s, end, base);
}

int atoi(const char *s)
{
	return nexus_atoi(s);
}

long atol(const char *s)
{
	return nexus_atol(s);
}

int abs(int v)
{
	return nexus_abs(v);
}

long labs(long v)
{
	return nexus_labs(v);
}

long long llabs(long long v)
{
	return nexus_llabs(v);
}

void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	nexus_qsort(base, n, size, cmp);
}

void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmp)(const void *, const void *))
{
	return nexus_bsearch(key, base, n, size, cmp);
}

char *getenv(const char *name)
{
	return (char *)nexus_getenv(name);
}

/* ---- string.h ----------------------------------------------------------------------- */

char *strcpy(char *restrict dst, const char *restrict src)
{
	return nexus_strcpy(dst, src);
}

char *strncpy(char *restrict dst, const char *restrict src, size_t n)
{
	return nexus_strncpy(dst, src, n);
}

char *strcat(char *restrict dst, const char *restrict src)
{
	return nexus_strcat(dst, src);
}

char *strncat(char *restrict dst, const char *restrict src, size_t n)
{
	return nexus_strncat(dst, src, n);
}

size_t strspn(const char *s, const char *accept)
{
	return nexus_strspn(s, accept);
}

size_t strcspn(const char *s, const char *reject)
{
	return nexus_strcspn(s, reject);
}

char *strpbrk(const char *s, const char *accept)
{
	return nexus_strpbrk(s, accept);
}

char *strstr(const char *hay, const char *needle)
{
	return nexus_strstr(hay, needle);
}

char *strtok_r(char *restrict s, const char *restrict delim, char **restrict save)
{
	return nexus_strtok_r(s, delim, save);
}

char *strdup(const char *s)
{
	return nexus_strdup(s);
}

char *strndup(const char *s, size_t n)
{
	return nexus_strndup(s, n);
}

void *memccpy(void *restrict dst, const void *restrict src, int c, size_t n)
{
	return nexus_memccpy(dst, src, c, n);
}

/* ---- ctype.h ------------------------------------------------------------------------ */

int isdigit(int c) { return nexus_isdigit(c); }
int isxdigit(int c) { return nexus_isxdigit(c); }
int isalpha(int c) { return nexus_isalpha(c); }
int isalnum(int c) { return nexus_isalnum(c); }
int isupper(int c) { return nexus_isupper(c); }
int islower(int c) { return nexus_islower(c); }
int isspace(int c) { return nexus_isspace(c); }
int isblank(int c) { return nexus_isblank(c); }
int isprint(int c) { return nexus_isprint(c); }
int isgraph(int c) { return nexus_isgraph(c); }
int ispunct(int c) { return nexus_ispunct(c); }
int iscntrl(int c) { return nexus_iscntrl(c); }
int toupper(int c) { return nexus_toupper(c); }
int tolower(int c) { return nexus_tolower(c); }

/* ---- the calls (one packet each; docs/abi.md) ------------------------------------------ */

void exit(int status)
{
	nexus_exit(status);
}

void _exit(int status)
{
	nexus_exit_hook = 0; /* _exit does not flush */
	nexus_exit(status);
}

ssize_t read(int handle, void *buf, size_t len)
{
	return nexus_read(handle, buf, len);
}

ssize_t write(int handle, const void *buf, size_t len)
{
	return nexus_write(handle, buf, len);
}

int open(const char *path, int flags)
{
	return nexus_open(path, (uint32_t)flags);
}

int close(int handle)
{
	return nexus_close(handle);
}

off_t lseek(int handle, off_t off, int whence)
{
	return nexus_seek(handle, off, (uint32_t)whence);
}

int getpid(void)
{
	return nexus_getpid();
}

unsigned sleep(unsigned seconds)
{
	return nexus_sleep_ns((uint64_t)seconds * 1000000000ull) < 0 ? seconds : 0;
}

int usleep(uint64_t microseconds)
{
	return nexus_sleep_ns(microseconds * 1000ull);
}

struct nexus_dir {
	int handle;
	int err;
	struct dirent ent;
};

DIR *opendir(const char *path)
{
	int h = nexus_open(path, RUMPK_O_DIRECTORY);
	if (h < 0)
		return NULL;
	DIR *d = nexus_malloc(sizeof(*d));
	if (!d) {
		nexus_close(h);
		return NULL;
	}
	d->handle = h;
	d->err = 0;
	return d;
}

struct dirent *readdir(DIR *d)
{
	int r = nexus_readdir(d->handle, (struct rumpk_dirent *)&d->ent);
	if (r < 0)
		d->err = r;
	return r == 1 ? &d->ent : NULL;
}

int closedir(DIR *d)
{
	int err = d->err, r = nexus_close(d->handle);
	nexus_free(d);
	return err ? err : r;
}
