/*
 * format.c — libnexus's printf engine (nexus_vformat) and the string flavour of it
 * (nexus_vsnprintf). No floating point (rv64imac programs have no float runtime) and no
 * allocation: everything is formatted into a few bytes of stack and handed to a sink.
 *
 * One conversion is: '%' flags* width? ('.' precision)? length? conversion. Integers are
 * reduced to a 64-bit magnitude and a sign first, so one routine (put_int) lays out all of
 * them: [spaces] [sign or 0x] [zeros] digits [spaces], following C11 7.21.6.1. Anything
 * that is not a conversion this engine knows is copied to the output as written, so a bad
 * format is visible instead of silently eating arguments.
 */
#include "nexus_libc.h"

#include <string.h>

enum {
	F_LEFT = 1,   /* '-': pad on the right */
	F_ZERO = 2,   /* '0': pad integers with zeros after the sign */
	F_SPACE = 4,  /* ' ': a space where a '+' would go */
	F_PLUS = 8,   /* '+': always a sign for signed conversions */
	F_ALT = 16,   /* '#': 0x for x/X, a leading 0 for o */
};

/* Lengths, in the order of the C type ladder. */
enum len { L_NONE, L_HH, L_H, L_L, L_LL, L_Z, L_J, L_T };

struct out {
	nexus_sink_fn sink;
	void *ctx;
	size_t total;
};

static void emit(struct out *o, const char *s, size_t n)
{
	if (n) {
		o->sink(o->ctx, s, n);
		o->total += n;
	}
}

/* `n` copies of `c` (' ' or '0'), in pieces of a small constant run. */
static void emit_pad(struct out *o, char c, size_t n)
{
	static const char spaces[16] = "                ";
	static const char zeros[16] = "0000000000000000";
	const char *run = c == '0' ? zeros : spaces;

	while (n) {
		size_t k = n < sizeof(spaces) ? n : sizeof(spaces);
		emit(o, run, k);
		n -= k;
	}
}

/*
 * One integer. `mag` is the magnitude, `neg` its sign; `base` 8, 10 or 16; `conv` the
 * conversion letter (case of hex digits, which prefix '#' gives); prec < 0 means none.
 */
static void put_int(struct out *o, uint64_t mag, int neg, unsigned base, char conv,
		    int flags, size_t width, int prec)
{
	const char *digits = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24]; /* 22 octal digits hold 2^64 - 1 */
	size_t nd = 0;
	char prefix[2];
	size_t np = 0;

	if (!(mag == 0 && prec == 0)) { /* a zero with precision 0 has no digits */
		do {
			buf[sizeof(buf) - 1 - nd++] = digits[mag % base];
			mag /= base;
		} while (mag);
	}
	size_t zeros = prec > 0 && (size_t)prec > nd ? (size_t)prec - nd : 0;

	if (neg)
		prefix[np++] = '-';
	else if (flags & F_PLUS)
		prefix[np++] = '+';
	else if (flags & F_SPACE)
		prefix[np++] = ' ';
	if (conv == 'p') {
		prefix[np++] = '0';
		prefix[np++] = 'x';
		if (nd == 0 && zeros == 0) /* NULL with precision 0 still shows a digit */
			zeros = 1;
	} else if ((flags & F_ALT) && base == 16 && nd && buf[sizeof(buf) - nd] != '0') {
		prefix[np++] = '0'; /* C: 0x only for a non-zero value */
		prefix[np++] = conv;
	} else if ((flags & F_ALT) && base == 8 && zeros == 0 &&
		   (nd == 0 || buf[sizeof(buf) - nd] != '0')) {
		zeros = 1; /* C: precision raised just enough for a leading 0 */
	}

	size_t len = np + zeros + nd;
	size_t pad = width > len ? width - len : 0;
	if ((flags & F_ZERO) && !(flags & F_LEFT) && prec < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!(flags & F_LEFT))
		emit_pad(o, ' ', pad);
	emit(o, prefix, np);
	emit_pad(o, '0', zeros);
	emit(o, buf + sizeof(buf) - nd, nd);
	if (flags & F_LEFT)
		emit_pad(o, ' ', pad);
}

/* A string or a character: at most prec bytes of s (prec < 0: all), space-padded. */
static void put_str(struct out *o, const char *s, size_t n, int flags, size_t width)
{
	size_t pad = width > n ? width - n : 0;

	if (!(flags & F_LEFT))
		emit_pad(o, ' ', pad);
	emit(o, s, n);
	if (flags & F_LEFT)
		emit_pad(o, ' ', pad);
}

/* Reads a non-negative decimal number, saturating at INT_MAX. */
static int read_num(const char **pp)
{
	const char *p = *pp;
	int v = 0;

	while (*p >= '0' && *p <= '9') {
		int d = *p++ - '0';
		v = v > (__INT_MAX__ - d) / 10 ? __INT_MAX__ : v * 10 + d;
	}
	*pp = p;
	return v;
}

/*
 * The argument of a signed conversion, promoted to 64 bits. va_list is handed around by
 * pointer: C11 7.16 allows passing it on only that way when the callee uses it.
 */
static int64_t arg_signed(va_list *ap, enum len len)
{
	switch (len) {
	case L_HH: return (signed char)va_arg(*ap, int);
	case L_H: return (short)va_arg(*ap, int);
	case L_L: return va_arg(*ap, long);
	case L_LL: return va_arg(*ap, long long);
	case L_Z: return va_arg(*ap, ptrdiff_t); /* the signed type of size_t's width */
	case L_J: return va_arg(*ap, intmax_t);
	case L_T: return va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, int);
	}
}

static uint64_t arg_unsigned(va_list *ap, enum len len)
{
	switch (len) {
	case L_HH: return (unsigned char)va_arg(*ap, unsigned);
	case L_H: return (unsigned short)va_arg(*ap, unsigned);
	case L_L: return va_arg(*ap, unsigned long);
	case L_LL: return va_arg(*ap, unsigned long long);
	case L_Z: return va_arg(*ap, size_t);
	case L_J: return va_arg(*ap, uintmax_t);
	case L_T: return (uint64_t)va_arg(*ap, ptrdiff_t); /* as its unsigned counterpart */
	default: return va_arg(*ap, unsigned);
	}
}

size_t nexus_vformat(nexus_sink_fn sink, void *ctx, const char *fmt, va_list ap_in)
{
	struct out o = { sink, ctx, 0 };
	va_list ap;

	va_copy(ap, ap_in);
	while (*fmt) {
		if (*fmt != '%') {
			const char *run = fmt;
			while (*fmt && *fmt != '%')
				fmt++;
			emit(&o, run, (size_t)(fmt - run));
			continue;
		}
		const char *spec = fmt++; /* kept to print an unknown conversion as written */
		int flags = 0;
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
		size_t width = 0;
		if (*fmt == '*') {
			int w = va_arg(ap, int);
			fmt++;
			if (w < 0) {
				flags |= F_LEFT;
				width = (size_t)0 - (size_t)(long)w; /* also right for INT_MIN */
			} else {
				width = (size_t)w;
			}
		} else {
			width = (size_t)read_num(&fmt);
		}
		int prec = -1;
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
				if (prec < 0)
					prec = -1; /* C: as if the precision were omitted */
			} else {
				prec = read_num(&fmt);
			}
		}
		enum len len = L_NONE;
		switch (*fmt) {
		case 'h':
			fmt++;
			len = L_H;
			if (*fmt == 'h') {
				fmt++;
				len = L_HH;
			}
			break;
		case 'l':
			fmt++;
			len = L_L;
			if (*fmt == 'l') {
				fmt++;
				len = L_LL;
			}
			break;
		case 'z': fmt++; len = L_Z; break;
		case 'j': fmt++; len = L_J; break;
		case 't': fmt++; len = L_T; break;
		default: break;
		}
		if (flags & F_PLUS) /* C: '+' overrides ' ', '-' overrides '0' */
			flags &= ~F_SPACE;
		char conv = *fmt;
		if ((conv == 'c' || conv == 's') && len != L_NONE)
			conv = '?'; /* wide characters (%lc, %ls): unknown here */
		switch (conv) {
		case 'd':
		case 'i': {
			int64_t v = arg_signed(&ap, len);
			uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
			put_int(&o, mag, v < 0, 10, conv, flags, width, prec);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			unsigned base = conv == 'u' ? 10 : conv == 'o' ? 8 : 16;
			put_int(&o, arg_unsigned(&ap, len), 0, base, conv,
				flags & ~(F_PLUS | F_SPACE), width, prec);
			break;
		}
		case 'p':
			put_int(&o, (uint64_t)(uintptr_t)va_arg(ap, void *), 0, 16, 'p',
				flags & ~(F_PLUS | F_SPACE | F_ALT), width, prec);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);
			put_str(&o, &c, 1, flags, width);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			put_str(&o, s, prec < 0 ? strlen(s) : strnlen(s, (size_t)prec), flags,
				width);
			break;
		}
		case '%':
			emit(&o, "%", 1);
			break;
		default:
			/* Unknown (or the format ended): the conversion as written. */
			if (*fmt)
				fmt++;
			emit(&o, spec, (size_t)(fmt - spec));
			continue;
		}
		fmt++;
	}
	va_end(ap);
	return o.total;
}

/* ---- into a caller's buffer --------------------------------------------------------- */

struct strbuf {
	char *buf;
	size_t cap; /* bytes of text that fit: size - 1 */
	size_t len; /* bytes stored so far (<= cap) */
};

static void strbuf_sink(void *ctx, const char *s, size_t n)
{
	struct strbuf *b = ctx;
	size_t room = b->cap - b->len;

	if (n > room)
		n = room;
	if (n == 0)
		return; /* buf may be NULL when size was 0 */
	memcpy(b->buf + b->len, s, n);
	b->len += n;
}

int nexus_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct strbuf b = { buf, size ? size - 1 : 0, 0 };
	size_t total = nexus_vformat(strbuf_sink, &b, fmt, ap);

	if (size)
		buf[b.len] = '\0';
	return total > (size_t)__INT_MAX__ ? -1 : (int)total;
}

int nexus_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = nexus_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
