/*
 * kprintf.c — printf-style formatting for the kernel, without libc and without floating
 * point (the cross targets have no soft-float runtime).
 *
 * Design: one formatter (kvsnprintf) writes through a small sink that either fills a
 * caller's buffer or, for kprintf, flushes a KPRINTF_BUF-byte stack buffer to the console.
 * The whole kprintf call holds interrupts off, so one call's bytes reach the console
 * together. Division by 10/8/16 is on 64-bit values only (no 128-bit helpers needed).
 */
#include "kprintf.h"

#include <stdint.h>

#include "boot.h"
#include "console.h"
#include "hal.h"
#include "kutil.h"
#include "param.h"
#include "rumpk/abi.h"

struct sink {
	char *buf;     /* destination */
	size_t size;   /* capacity of buf */
	size_t pos;    /* bytes in buf (buffer mode) */
	size_t total;  /* bytes the output would have had */
	int console;   /* flush to the console when buf fills */
};

static void sink_flush(struct sink *s)
{
	if (s->console && s->pos) {
		console_out(s->buf, s->pos);
		s->pos = 0;
	}
}

static void sink_put(struct sink *s, char c)
{
	s->total++;
	if (s->console) {
		if (s->pos == s->size)
			sink_flush(s);
		s->buf[s->pos++] = c;
	} else if (s->pos + 1 < s->size) {
		s->buf[s->pos++] = c;
	}
}

static void sink_pad(struct sink *s, char c, int n)
{
	while (n-- > 0)
		sink_put(s, c);
}

#define F_LEFT 0x01
#define F_ZERO 0x02
#define F_SPACE 0x04
#define F_PLUS 0x08
#define F_ALT 0x10

/* Emits one integer conversion. `neg` says the magnitude v came from a negative value. */
static void put_int(struct sink *s, uint64_t v, int neg, unsigned base, int upper, int flags,
		    int width, int prec)
{
	char digits[24];
	int nonzero = v != 0;
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	while (v) {
		digits[n++] = set[v % base];
		v /= base;
	}
	if (prec < 0 && n == 0)
		digits[n++] = '0';
	int zeros = prec > n ? prec - n : 0;
	char sign = neg ? '-' : (flags & F_PLUS) ? '+' : (flags & F_SPACE) ? ' ' : 0;
	const char *prefix = "";
	if ((flags & F_ALT) && base == 16 && nonzero)
		prefix = upper ? "0X" : "0x";
	if ((flags & F_ALT) && base == 8 && zeros == 0 && (n == 0 || digits[n - 1] != '0'))
		prefix = "0";
	int len = n + zeros + (sign ? 1 : 0) + (int)kstrlen(prefix);
	int pad = width > len ? width - len : 0;

	if (!(flags & F_LEFT) && !((flags & F_ZERO) && prec < 0))
		sink_pad(s, ' ', pad);
	if (sign)
		sink_put(s, sign);
	for (const char *p = prefix; *p; p++)
		sink_put(s, *p);
	if (!(flags & F_LEFT) && (flags & F_ZERO) && prec < 0)
		sink_pad(s, '0', pad);
	sink_pad(s, '0', zeros);
	while (n)
		sink_put(s, digits[--n]);
	if (flags & F_LEFT)
		sink_pad(s, ' ', pad);
}

static void put_str(struct sink *s, const char *str, int flags, int width, int prec)
{
	if (!str)
		str = "(null)";
	int n = 0;
	while (str[n] && (prec < 0 || n < prec))
		n++;
	int pad = width > n ? width - n : 0;
	if (!(flags & F_LEFT))
		sink_pad(s, ' ', pad);
	for (int i = 0; i < n; i++)
		sink_put(s, str[i]);
	if (flags & F_LEFT)
		sink_pad(s, ' ', pad);
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			sink_put(s, *fmt);
			continue;
		}
		const char *start = fmt++;
		int flags = 0, width = 0, prec = -1;

		for (;; fmt++) {
			if (*fmt == '-')
				flags |= F_LEFT;
			else if (*fmt == '0')
				flags |= F_ZERO;
			else if (*fmt == ' ')
				flags |= F_SPACE;
			else if (*fmt == '+')
				flags |= F_PLUS;
			else if (*fmt == '#')
				flags |= F_ALT;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				flags |= F_LEFT;
				width = -width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9' && width < 100000)
				width = width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9' && prec < 100000)
					prec = prec * 10 + (*fmt++ - '0');
			}
		}
		/* length: 0 int, 1 long / long long / size_t / intmax_t / ptrdiff_t (all 64-bit
		 * on every rumpk target), -1 short, -2 char */
		int len = 0;
		if (*fmt == 'h') {
			len = -1;
			if (*++fmt == 'h') {
				len = -2;
				fmt++;
			}
		} else if (*fmt == 'l') {
			len = 1;
			if (*++fmt == 'l')
				fmt++;
		} else if (*fmt == 'z' || *fmt == 'j' || *fmt == 't') {
			len = 1;
			fmt++;
		}

		uint64_t u;
		int64_t v;
		switch (*fmt) {
		case 'd':
		case 'i':
			v = len == 1 ? va_arg(ap, int64_t) : va_arg(ap, int);
			if (len == -1)
				v = (short)v;
			if (len == -2)
				v = (signed char)v;
			u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
			put_int(s, u, v < 0, 10, 0, flags, width, prec);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = len == 1 ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
			if (len == -1)
				u = (unsigned short)u;
			if (len == -2)
				u = (unsigned char)u;
			put_int(s, u, 0, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16, *fmt == 'X',
				flags & ~(F_PLUS | F_SPACE), width, prec);
			break;
		case 'p':
			put_int(s, (uint64_t)(uintptr_t)va_arg(ap, void *), 0, 16, 0,
				(flags & ~(F_PLUS | F_SPACE)) | F_ALT, width, prec);
			break;
		case 'c':
			sink_pad(s, ' ', !(flags & F_LEFT) && width > 1 ? width - 1 : 0);
			sink_put(s, (char)va_arg(ap, int));
			sink_pad(s, ' ', (flags & F_LEFT) && width > 1 ? width - 1 : 0);
			break;
		case 's':
			put_str(s, va_arg(ap, const char *), flags, width, prec);
			break;
		case '%':
			sink_put(s, '%');
			break;
		default:
			/* Unknown or truncated conversion: show it literally. */
			for (const char *p = start; p <= fmt && *p; p++)
				sink_put(s, *p);
			if (!*fmt)
				return;
			break;
		}
	}
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { .buf = buf, .size = size };
	format(&s, fmt, ap);
	if (size)
		buf[s.pos] = '\0';
	return (int)s.total;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static int kvprintf(const char *fmt, va_list ap)
{
	char buf[KPRINTF_BUF];
	struct sink s = { .buf = buf, .size = sizeof(buf), .console = 1 };
	hal_irq_state_t irq = hal_irq_save();
	format(&s, fmt, ap);
	sink_flush(&s);
	hal_irq_restore(irq);
	return (int)s.total;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

void kpanic(const char *fmt, ...)
{
	va_list ap;
	hal_irq_save();
	kprintf("panic: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	core_halt(255);
}

static const char *const errnames[RUMPK_ERRNO_MAX + 1] = {
	[RUMPK_OK] = "OK",
	[RUMPK_EINVAL] = "EINVAL",
	[RUMPK_ENOMEM] = "ENOMEM",
	[RUMPK_EAGAIN] = "EAGAIN",
	[RUMPK_ENOENT] = "ENOENT",
	[RUMPK_EFAULT] = "EFAULT",
	[RUMPK_ERANGE] = "ERANGE",
	[RUMPK_ETIMEDOUT] = "ETIMEDOUT",
	[RUMPK_ENOSYS] = "ENOSYS",
	[RUMPK_EIO] = "EIO",
	[RUMPK_EVERSION] = "EVERSION",
	[RUMPK_ENOEXEC] = "ENOEXEC",
	[RUMPK_EPERM] = "EPERM",
	[RUMPK_ENOTDIR] = "ENOTDIR",
	[RUMPK_EISDIR] = "EISDIR",
	[RUMPK_EBADF] = "EBADF",
	[RUMPK_EMFILE] = "EMFILE",
	[RUMPK_EEXIST] = "EEXIST",
	[RUMPK_ESRCH] = "ESRCH",
	[RUMPK_ECHILD] = "ECHILD",
	[RUMPK_EPROV] = "EPROV",
	[RUMPK_EKILLED] = "EKILLED",
};

const char *rumpk_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err > RUMPK_ERRNO_MAX || !errnames[err])
		return "E?";
	return errnames[err];
}
