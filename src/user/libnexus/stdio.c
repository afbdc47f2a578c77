/*
 * stdio.c — formatted and plain output to handles, over the one output seam
 * nexus_sys_write (nexus_sys.h). Buffering rules are in nexus_libc.h: stdout (handle 1)
 * is line-buffered in one static buffer; any other handle gets what one call produced,
 * gathered in a stack buffer, as few writes as possible (one when it fits).
 *
 * Invariant: `out_stdout.len` bytes wait in `stdout_buf` and nothing else does; every
 * byte that reaches another handle was preceded by a flush of those, so a console that
 * shows both handles shows them in program order.
 */
#include "nexus_libc.h"
#include "nexus_sys.h"

#include <string.h>

#include "rumpk/abi.h"

/* Output gathered for one handle until `len` reaches `cap` or the call ends. */
struct outbuf {
	int handle;
	int err;      /* first failed write's negative RUMPK_E*, 0 if none */
	int newline;  /* a '\n' went in since the last flush */
	size_t len;
	size_t cap;
	char *buf;
};

static char stdout_buf[NEXUS_STDOUT_BUFSIZE];
static struct outbuf out_stdout = { NEXUS_STDOUT, 0, 0, 0, sizeof(stdout_buf), stdout_buf };

int nexus_write_all(int handle, const void *buf, size_t len)
{
	const char *p = buf;

	if (handle < 0)
		return -RUMPK_EBADF;
	while (len) {
		int64_t n = nexus_sys_write((uint32_t)handle, p, len);
		if (n < 0)
			return (int)n;
		if (n == 0 || (uint64_t)n > len)
			return -RUMPK_EIO; /* a broken answer: never loop on it */
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Writes what `b` holds; on failure the bytes are dropped and the error kept in b->err. */
static int outbuf_flush(struct outbuf *b)
{
	int r = b->len ? nexus_write_all(b->handle, b->buf, b->len) : 0;

	b->len = 0;
	b->newline = 0;
	if (r < 0 && b->err == 0)
		b->err = r;
	return r;
}

static void outbuf_sink(void *ctx, const char *s, size_t n)
{
	struct outbuf *b = ctx;

	if (memchr(s, '\n', n))
		b->newline = 1;
	while (n) {
		if (b->len == b->cap)
			outbuf_flush(b);
		size_t k = b->cap - b->len;
		if (k > n)
			k = n;
		memcpy(b->buf + b->len, s, k);
		b->len += k;
		s += k;
		n -= k;
	}
}

static void stdio_exit_flush(void)
{
	nexus_stdio_flush();
}

/*
 * Runs `fn(sink, ctx, arg)` with output going to `handle`, applying the buffering rules;
 * returns the byte count `fn` reports or the first write error of this call.
 */
typedef size_t (*produce_fn)(nexus_sink_fn sink, void *ctx, const void *arg, va_list ap);

static int to_handle(int handle, produce_fn fn, const void *arg, va_list ap)
{
	if (handle < 0)
		return -RUMPK_EBADF;
	if (handle == NEXUS_STDOUT) {
		nexus_exit_hook = stdio_exit_flush; /* nexus_exit flushes what is left */
		out_stdout.err = 0;
		size_t n = fn(outbuf_sink, &out_stdout, arg, ap);
		if (out_stdout.newline)
			outbuf_flush(&out_stdout);
		if (out_stdout.err)
			return out_stdout.err;
		return n > (size_t)__INT_MAX__ ? -RUMPK_ERANGE : (int)n;
	}
	if (out_stdout.len)
		nexus_stdio_flush();
	char local[256];
	struct outbuf b = { handle, 0, 0, 0, sizeof(local), local };
	size_t n = fn(outbuf_sink, &b, arg, ap);
	outbuf_flush(&b);
	if (b.err)
		return b.err;
	return n > (size_t)__INT_MAX__ ? -RUMPK_ERANGE : (int)n;
}

static size_t produce_format(nexus_sink_fn sink, void *ctx, const void *fmt, va_list ap)
{
	return nexus_vformat(sink, ctx, fmt, ap);
}

/* Plain bytes (puts, putc): `arg` is a struct bytes; `line` adds a '\n'. */
struct bytes {
	const char *p;
	size_t n;
	int line;
};

static size_t produce_bytes(nexus_sink_fn sink, void *ctx, const void *arg, va_list ap)
{
	const struct bytes *b = arg;

	if (b->n)
		sink(ctx, b->p, b->n);
	if (b->line)
		sink(ctx, "\n", 1);
	return b->n + (b->line ? 1 : 0);
}

int nexus_vdprintf(int handle, const char *fmt, va_list ap)
{
	return to_handle(handle, produce_format, fmt, ap);
}

int nexus_dprintf(int handle, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = nexus_vdprintf(handle, fmt, ap);
	va_end(ap);
	return n;
}

int nexus_vprintf(const char *fmt, va_list ap)
{
	return nexus_vdprintf(NEXUS_STDOUT, fmt, ap);
}

int nexus_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = nexus_vdprintf(NEXUS_STDOUT, fmt, ap);
	va_end(ap);
	return n;
}

/* to_handle for plain bytes: a va_list must still be passed, so make one. */
static int put_bytes(int handle, const struct bytes *b, ...)
{
	va_list ap;

	va_start(ap, b);
	int r = to_handle(handle, produce_bytes, b, ap);
	va_end(ap);
	return r;
}

int nexus_hputs(int handle, const char *s)
{
	struct bytes b = { s, strlen(s), 0 };
	int r = put_bytes(handle, &b);

	return r < 0 ? r : 0;
}

int nexus_puts(const char *s)
{
	struct bytes b = { s, strlen(s), 1 };
	int r = put_bytes(NEXUS_STDOUT, &b);

	return r < 0 ? r : 0;
}

int nexus_hputc(int handle, int c)
{
	char ch = (char)c;
	struct bytes b = { &ch, 1, 0 };
	int r = put_bytes(handle, &b);

	return r < 0 ? r : (unsigned char)c;
}

int nexus_stdio_flush(void)
{
	out_stdout.err = 0;
	return outbuf_flush(&out_stdout);
}
