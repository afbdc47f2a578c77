/*
 * test_libnexus.c — libnexus's small libc (src/user/libnexus: format.c, stdio.c, malloc.c,
 * str.c, stdlib.c) on the host, through its nexus_ names, with glibc as the oracle where
 * C defines the answer: snprintf over generated formats and values, strtol & co over
 * many strings and bases, ctype over every byte, the string functions over random
 * strings. The heap gets randomized stress with content checks and a limit.
 *
 * The test provides the three seams of nexus_sys.h: writes are captured per handle (and
 * can fail or be short), the heap grows over a static arena up to a settable limit (and
 * can be made non-contiguous), and nexus_abort exits with a code that says whether the
 * expected message reached handle 2 first, for Check's exit tests.
 */
#include <check.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nexus_libc.h"
#include "nexus_sys.h"
#include "rumpk/abi.h"

/* ck_assert marks a point in a file on every success (a system call): hot loops use this,
 * which only acts on failure. */
#define EXPECT(cond, ...)                                                              \
	do {                                                                           \
		if (!(cond))                                                           \
			ck_abort_msg(__VA_ARGS__);                                     \
	} while (0)

#define X_true(c) EXPECT(c, "%s:%d: %s", __FILE__, __LINE__, #c)
#define X_cmp(a, op, b) EXPECT((a)op(b), "%s:%d: %s %s %s", __FILE__, __LINE__, #a, #op, #b)
#define X_int_eq(a, b) X_cmp(a, ==, b)
#define X_int_lt(a, b) X_cmp(a, <, b)
#define X_uint_eq(a, b) X_cmp(a, ==, b)
#define X_uint_le(a, b) X_cmp(a, <=, b)
#define X_uint_gt(a, b) X_cmp(a, >, b)
#define X_ptr_eq(a, b) X_cmp((const void *)(a), ==, (const void *)(b))
#define X_ptr_null(a) X_cmp((const void *)(a), ==, NULL)
#define X_str_eq(a, b) EXPECT(strcmp(a, b) == 0, "%s:%d: \"%s\" vs \"%s\"", __FILE__, __LINE__, a, b)
#define X_mem_eq(a, b, n) EXPECT(memcmp(a, b, n) == 0, "%s:%d: %s vs %s", __FILE__, __LINE__, #a, #b)

/* ---- the seams ------------------------------------------------------------------------ */

#define CAP_MAX 65536
static struct capture {
	char data[CAP_MAX];
	size_t len;
	unsigned writes;
} cap[4];
static char order[64];      /* handle of each write, in order, as '1'/'2' ... */
static size_t norder;
static int64_t write_error;  /* returned by every write when non-zero */
static uint64_t write_max;   /* short writes: at most this many bytes per call (0: all) */
static int write_zero;       /* return 0 (a broken answer) */

/* nexus.c's, which the test does not compile: stdio.c sets it to its flush. */
void (*nexus_exit_hook)(void);

int64_t nexus_sys_write(uint32_t handle, const void *buf, uint64_t len)
{
	ck_assert_uint_lt(handle, 4);
	ck_assert_uint_gt(len, 0); /* libnexus never writes nothing */
	if (write_error)
		return write_error;
	if (write_zero)
		return 0;
	if (write_max && len > write_max)
		len = write_max;
	struct capture *c = &cap[handle];
	ck_assert_uint_le(c->len + len, CAP_MAX);
	memcpy(c->data + c->len, buf, len);
	c->len += len;
	c->data[c->len] = '\0';
	c->writes++;
	if (norder < sizeof(order) - 1)
		order[norder++] = (char)('0' + handle);
	return (int64_t)len;
}

#define ARENA_SIZE (16u << 20)
static _Alignas(4096) unsigned char arena[ARENA_SIZE];
static uint64_t arena_used;   /* bytes handed out, gaps included */
static uint64_t heap_limit = ARENA_SIZE;
static uint64_t heap_gap;     /* leave this many bytes before each growth: not contiguous */
static unsigned grow_calls, grow_ok;

int64_t nexus_sys_heap_grow(uint64_t bytes)
{
	grow_calls++;
	ck_assert_msg(bytes && bytes % 4096 == 0, "heap_grow(%llu): not a page multiple",
		      (unsigned long long)bytes);
	uint64_t at = arena_used + (grow_ok ? heap_gap : 0);
	if (bytes > heap_limit || at + bytes > heap_limit)
		return -RUMPK_ENOMEM;
	arena_used = at + bytes;
	grow_ok++;
	return (int64_t)(uintptr_t)(arena + at);
}

static const char *abort_expect; /* the text handle 2 must hold when nexus_abort runs */
#define ABORT_AS_EXPECTED 42
#define ABORT_OTHERWISE 43

void nexus_abort(const char *why)
{
	int ok = abort_expect && strstr(cap[2].data, abort_expect) && why && *why;
	if (!ok)
		fprintf(stderr, "nexus_abort(%s) with stderr \"%s\"\n", why, cap[2].data);
	exit(ok ? ABORT_AS_EXPECTED : ABORT_OTHERWISE);
}

static void reset_output(void)
{
	nexus_stdio_flush();
	memset(cap, 0, sizeof(cap));
	norder = 0;
	order[0] = '\0';
	write_error = 0;
	write_max = 0;
	write_zero = 0;
}

/* A deterministic generator (xorshift64*), so failures reproduce. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* ---- formatting against glibc --------------------------------------------------------- */

static unsigned long compared;

/* Formats with both and compares text and return value; va_list versions. */
static void same_v(const char *fmt, ...)
{
	char a[512], b[512];
	va_list ap, aq;

	va_start(ap, fmt);
	va_copy(aq, ap);
	int na = nexus_vsnprintf(a, sizeof(a), fmt, ap);
	int nb = vsnprintf(b, sizeof(b), fmt, aq);
	va_end(aq);
	va_end(ap);
	compared++;
	EXPECT(na == nb && strcmp(a, b) == 0, "format \"%s\": libnexus \"%s\" (%d), glibc \"%s\" (%d)",
		      fmt, a, na, b, nb);
}

static const char *const lengths[] = { "hh", "h", "", "l", "ll", "z", "j", "t" };

/* One integer conversion with its argument passed as the length says. */
static void same_int(const char *fmt, int len, char conv, uint64_t v)
{
	int sgn = conv == 'd' || conv == 'i';

	switch (len) {
	case 0: case 1: case 2: /* hh, h and none all take an int */
		if (sgn)
			same_v(fmt, (int)v);
		else
			same_v(fmt, (unsigned)v);
		break;
	case 3: if (sgn) same_v(fmt, (long)v); else same_v(fmt, (unsigned long)v); break;
	case 4: if (sgn) same_v(fmt, (long long)v); else same_v(fmt, (unsigned long long)v); break;
	case 5: if (sgn) same_v(fmt, (ptrdiff_t)v); else same_v(fmt, (size_t)v); break;
	case 6: if (sgn) same_v(fmt, (intmax_t)v); else same_v(fmt, (uintmax_t)v); break;
	default: same_v(fmt, (ptrdiff_t)v); break;
	}
}

static const uint64_t int_values[] = {
	0, 1, (uint64_t)-1, 7, 8, 9, 10, 15, 16, 100, 127, 128, 255, 256, 32767, 32768,
	(uint64_t)-32768, 65535, 65536, INT_MAX, (uint64_t)(int64_t)INT_MIN, UINT_MAX,
	(uint64_t)UINT_MAX + 1, 1234567890123ull, (uint64_t)LLONG_MAX, (uint64_t)LLONG_MIN,
	ULLONG_MAX - 1, 0x0123456789abcdefull, (uint64_t)-1000000007,
};

/* Every flag set (no '#' where C leaves it undefined), width, precision, length and
 * value, for each integer conversion. */
START_TEST(integers_exhaustive)
{
	static const char convs[] = "diuxXo";
	static const char *const widths[] = { "", "1", "5", "12", "25" };
	static const char *const precs[] = { "", ".", ".0", ".1", ".3", ".10", ".25" };
	static const char flagchars[] = "-0 +#";

	for (const char *c = convs; *c; c++) {
		for (unsigned fl = 0; fl < 32; fl++) {
			char flags[8];
			size_t nf = 0;
			for (unsigned k = 0; k < 5; k++)
				if (fl & (1u << k))
					flags[nf++] = flagchars[k];
			flags[nf] = '\0';
			if ((fl & 16) && (*c == 'd' || *c == 'i' || *c == 'u'))
				continue; /* '#' with d, i, u is undefined (C11 7.21.6.1p6) */
			for (size_t w = 0; w < sizeof(widths) / sizeof(*widths); w++)
				for (size_t p = 0; p < sizeof(precs) / sizeof(*precs); p++)
					for (int l = 0; l < 8; l++) {
						char fmt[32];
						snprintf(fmt, sizeof(fmt), "[%%%s%s%s%s%c]", flags,
							 widths[w], precs[p], lengths[l], *c);
						for (size_t v = 0; v < sizeof(int_values) /
									   sizeof(*int_values);
						     v++)
							same_int(fmt, l, *c, int_values[v]);
					}
		}
	}
	ck_assert_uint_gt(compared, 500000);
}
END_TEST

/* The named edge cases, and '*' in every position. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
START_TEST(integers_edges)
{
	same_v("%d|%i|%lld|%lld", INT_MIN, INT_MAX, LLONG_MIN, LLONG_MAX);
	same_v("%.0d|%.0u|%.0x|%.0o|%5.0d|%-5.0x|", 0, 0u, 0u, 0u, 0, 0u);
	same_v("%#x|%#X|%#o|%#.0o|%#.0x|%#5x|%#05x|%#-6o|", 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u);
	same_v("%#x|%#X|%#o|%#08x|%#.5o|%#10.4X|", 255u, 255u, 8u, 255u, 8u, 0xabu);
	same_v("%+d|% d|%+ d|% +d|%+.0d|% .0d|", 5, 5, 5, -5, 0, 0);
	same_v("%-05d|%0-5d|%05.2d|%-+5d|", 42, 42, 42, 42);
	same_v("%*d|%*d|%-*d|%*d|", 6, 42, -6, 42, 6, 42, 0, 42);
	same_v("%.*d|%.*d|%.*d|%*.*d|", 4, 42, -1, 42, 0, 0, -8, 3, 7);
	same_v("%hhd|%hhu|%hd|%hu|%hhx|", 300, 300, 70000, 70000, -1);
	same_v("%lu|%lx|%zu|%zx|%jd|%td|", ULONG_MAX, ULONG_MAX, SIZE_MAX, (size_t)0x1234,
	       INTMAX_MIN, PTRDIFF_MIN);
	same_v("%o|%llo|%#llo|", UINT_MAX, ULLONG_MAX, ULLONG_MAX);
	same_v("%40.30lld|%-40.30llx|", LLONG_MIN, ULLONG_MAX);

	/* A width past INT_MAX from '*' with INT_MIN: '-' and 2^31, too long to print here
	 * but the count must be right (checked against the rule, not glibc, which fails). */
	ck_assert_int_eq(nexus_snprintf(NULL, 0, "%*d", INT_MIN, 1), -1);
	ck_assert_int_eq(nexus_snprintf(NULL, 0, "%*d", INT_MAX, 1), INT_MAX);
}
END_TEST

START_TEST(strings_chars_pointers)
{
	same_v("%s|%10s|%-10s|%.2s|%.0s|%*.*s|%-*s|", "abc", "abc", "abc", "abc", "abc", 6, 1,
	       "xyz", -5, "ab");
	same_v("%-5s|%5s|%.3s|%.10s|%s|", "hello world", "hi", "hello", "hi", "");
	same_v("%c%c%3c%-3c|%c|", 'a', 'Z', 'x', 'y', 200);
	same_v("100%% %s %%%d", "sure", 7);
	same_v("%s", "no conversions at all, a long run of plain text to copy in one piece");

	/* %p is 0x and lowercase hex, like glibc for every non-NULL pointer. */
	static const uintptr_t ptrs[] = { 1, 0x10, 0xdeadbeef, 0x7fffffffe000, UINTPTR_MAX,
					  0x1234abcd };
	for (size_t i = 0; i < sizeof(ptrs) / sizeof(*ptrs); i++) {
		void *p = (void *)ptrs[i];
		same_v("%p|%20p|%-20p|%3p|", p, p, p, p);
	}
	/* NULL: "0x0" (glibc prints "(nil)"): the same shape as every other pointer. */
	char buf[64];
	nexus_snprintf(buf, sizeof(buf), "%p|%5p|%-5p|%.0p", NULL, NULL, NULL, NULL);
	ck_assert_str_eq(buf, "0x0|  0x0|0x0  |0x0");
	/* %s of NULL: "(null)", cut by a precision like any string. */
	nexus_snprintf(buf, sizeof(buf), "%s|%8s|%.3s", (char *)NULL, (char *)NULL, (char *)NULL);
	ck_assert_str_eq(buf, "(null)|  (null)|(nu");
}
END_TEST

START_TEST(unknown_conversions_are_visible)
{
	char buf[64];

	ck_assert_int_eq(nexus_snprintf(buf, sizeof(buf), "a%qb"), 4);
	ck_assert_str_eq(buf, "a%qb");
	nexus_snprintf(buf, sizeof(buf), "end%");
	ck_assert_str_eq(buf, "end%");
	nexus_snprintf(buf, sizeof(buf), "end%-5l");
	ck_assert_str_eq(buf, "end%-5l");
	/* no floating point: %f is printed as written and takes no argument */
	nexus_snprintf(buf, sizeof(buf), "%f %d %.2e", 5);
	ck_assert_str_eq(buf, "%f 5 %.2e");
	/* %n stores nothing */
	int n = 1234;
	nexus_snprintf(buf, sizeof(buf), "ab%nc", &n);
	ck_assert_str_eq(buf, "ab%nc");
	ck_assert_int_eq(n, 1234);
	/* no wide characters */
	nexus_snprintf(buf, sizeof(buf), "%ls|%lc|%d", 3); /* no argument is taken */
	ck_assert_str_eq(buf, "%ls|%lc|3");
}
END_TEST
#pragma GCC diagnostic pop

/* Random formats: random pieces of text and conversions, compared as a whole. */
START_TEST(random_formats)
{
	for (int iter = 0; iter < 20000; iter++) {
		char fmt[128];
		size_t n = 0;
		int convs = (int)(rnd() % 3) + 1;
		for (int k = 0; k < convs; k++) {
			n += (size_t)snprintf(fmt + n, sizeof(fmt) - n, "%.*s",
					      (int)(rnd() % 4), "ab c");
			fmt[n++] = '%';
			for (unsigned f = (unsigned)(rnd() % 32), b = 0; b < 5; b++)
				if ((f >> b) & 1)
					fmt[n++] = "-0 +"[b % 4];
			if (rnd() % 2)
				n += (size_t)snprintf(fmt + n, sizeof(fmt) - n, "%u",
						      (unsigned)(rnd() % 20));
			if (rnd() % 2)
				n += (size_t)snprintf(fmt + n, sizeof(fmt) - n, ".%u",
						      (unsigned)(rnd() % 20));
			fmt[n++] = "dxXou"[rnd() % 5];
			fmt[n] = '\0';
		}
		/* Up to three int arguments, all ints (no length): the conversions are
		 * all of int or unsigned, same width on both sides. */
		int a = (int)rnd(), b = (int)rnd(), c = (int)(rnd() % 1000);
		same_v(fmt, a, b, c);
	}
}
END_TEST

START_TEST(snprintf_truncation)
{
	char buf[8];

	memset(buf, 'X', sizeof(buf));
	ck_assert_int_eq(nexus_snprintf(buf, 5, "hello, %s", "world"), 12);
	ck_assert_str_eq(buf, "hell");
	ck_assert_int_eq(buf[5], 'X'); /* nothing past size is touched */
	ck_assert_int_eq(nexus_snprintf(NULL, 0, "%d", 12345), 5);
	ck_assert_int_eq(nexus_snprintf(buf, 1, "abc"), 3);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(nexus_snprintf(buf, sizeof(buf), "%s", "1234567"), 7);
	ck_assert_str_eq(buf, "1234567");
	ck_assert_int_eq(nexus_snprintf(buf, sizeof(buf), "%s", "12345678"), 8);
	ck_assert_str_eq(buf, "1234567");
}
END_TEST

/* ---- output to handles ---------------------------------------------------------------- */

START_TEST(stdout_is_line_buffered)
{
	reset_output();
	ck_assert_int_eq(nexus_printf("abc %d", 1), 5);
	ck_assert_uint_eq(cap[1].writes, 0); /* no newline yet */
	ck_assert_int_eq(nexus_printf("!\n"), 2);
	ck_assert_uint_eq(cap[1].writes, 1); /* the whole line in one write */
	ck_assert_str_eq(cap[1].data, "abc 1!\n");

	ck_assert_int_eq(nexus_puts("line"), 0);
	ck_assert_uint_eq(cap[1].writes, 2);
	ck_assert_int_eq(nexus_hputc(1, 'x'), 'x');
	ck_assert_int_eq(nexus_hputc(1, 0), 0); /* a NUL byte is a byte too */
	ck_assert_int_eq(nexus_hputs(1, "yz"), 0);
	ck_assert_uint_eq(cap[1].writes, 2);
	ck_assert_int_eq(nexus_stdio_flush(), 0); /* what the exit path calls */
	ck_assert_uint_eq(cap[1].writes, 3);
	ck_assert_uint_eq(cap[1].len, 7 + 5 + 4);
	ck_assert_mem_eq(cap[1].data + 12, "x\0yz", 4);
	ck_assert_int_eq(nexus_stdio_flush(), 0); /* nothing pending: no write */
	ck_assert_uint_eq(cap[1].writes, 3);

	/* longer than the buffer: written in buffer-sized pieces, every byte in order */
	reset_output();
	char big[2000];
	for (size_t i = 0; i < sizeof(big) - 1; i++)
		big[i] = (char)('a' + i % 26);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(nexus_printf("<%s>", big), 2001);
	ck_assert_uint_eq(cap[1].writes, 2001 / NEXUS_STDOUT_BUFSIZE);
	nexus_stdio_flush();
	ck_assert_uint_eq(cap[1].len, 2001);
	ck_assert_int_eq(cap[1].data[0], '<');
	ck_assert_int_eq(memcmp(cap[1].data + 1, big, sizeof(big) - 1), 0);
	ck_assert_int_eq(cap[1].data[2000], '>');
}
END_TEST

START_TEST(other_handles_and_order)
{
	reset_output();
	nexus_printf("out-1 ");
	ck_assert_int_eq(nexus_dprintf(2, "err %s\n", "one"), 8);
	nexus_printf("out-2\n");
	ck_assert_int_eq(nexus_dprintf(3, "three"), 5);
	ck_assert_str_eq(order, "1213"); /* stdout's pending bytes go first */
	ck_assert_str_eq(cap[1].data, "out-1 out-2\n");
	ck_assert_str_eq(cap[2].data, "err one\n");
	ck_assert_uint_eq(cap[2].writes, 1); /* one call, one write */
	ck_assert_str_eq(cap[3].data, "three");

	/* a long message to stderr: several writes, in order */
	reset_output();
	char big[700];
	memset(big, 'e', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(nexus_dprintf(2, "%s|", big), 700);
	ck_assert_uint_eq(cap[2].len, 700);
	ck_assert_int_eq(cap[2].data[699], '|');
	ck_assert_uint_eq(cap[2].writes, 3);

	ck_assert_int_eq(nexus_dprintf(-1, "x"), -RUMPK_EBADF);
	ck_assert_int_eq(nexus_hputs(-5, "x"), -RUMPK_EBADF);
	ck_assert_int_eq(nexus_write_all(-1, "x", 1), -RUMPK_EBADF);
}
END_TEST

START_TEST(write_errors)
{
	reset_output();
	write_error = -RUMPK_EBADF;
	ck_assert_int_eq(nexus_printf("lost\n"), -RUMPK_EBADF);
	ck_assert_int_eq(nexus_dprintf(2, "lost too"), -RUMPK_EBADF);
	ck_assert_int_eq(nexus_puts("x"), -RUMPK_EBADF);
	ck_assert_int_eq(nexus_hputc(2, 'c'), -RUMPK_EBADF);
	nexus_printf("pending");
	ck_assert_int_eq(nexus_stdio_flush(), -RUMPK_EBADF);
	write_error = 0;
	ck_assert_int_eq(nexus_printf("next\n"), 5); /* the failed bytes were dropped */
	ck_assert_str_eq(cap[1].data, "next\n");

	/* short writes are completed */
	reset_output();
	write_max = 3;
	ck_assert_int_eq(nexus_printf("%s\n", "abcdefghij"), 11);
	ck_assert_str_eq(cap[1].data, "abcdefghij\n");
	ck_assert_uint_eq(cap[1].writes, 4);

	/* a write that reports 0 bytes is an error, not a loop */
	reset_output();
	write_zero = 1;
	ck_assert_int_eq(nexus_dprintf(2, "x"), -RUMPK_EIO);
}
END_TEST

/* ---- conversions against glibc -------------------------------------------------------- */

static const char *const num_strings[] = {
	"", " ", "0", "-0", "+0", "42", "  -42", "\t\n+17xyz", "\v\f\r 99", "0x", "0X",
	"0x1f", "0X1F", "0xg", "-0x80000000", " +0x", "0x0x", "0777", "08", "0b101", "z", "Zz",
	"1_000", "1e5", "+-1", "- 1", "--1", "-", "+", "9223372036854775807",
	"9223372036854775808", "-9223372036854775808", "-9223372036854775809",
	"18446744073709551615", "18446744073709551616", "-18446744073709551615",
	"-18446744073709551616", "99999999999999999999999999", "7fffffffffffffff",
	"8000000000000000", "ffffffffffffffff", "10000000000000000", "-1",
	"1010101010101010101010101010101010101010101010101010101010101010",
	"11111111111111111111111111111111111111111111111111111111111111111",
	"zzzzzzzzzzzzz", "3w5e11264sgsf", "3w5e11264sgsg", "-3w5e11264sgsg", "1777777777777777777777",
	"2000000000000000000000", "01777777777777777777777", "0x7FFFFFFFFFFFFFFF",
	"-0x8000000000000000", "-0x8000000000000001", "0xFFFFFFFFFFFFFFFF", "0x10000000000000000",
	" \t-0", "12abc", "0009", "000000000000000000000000000000000001", "0.5", "\2001",
};

static void check_strto(const char *s, int base)
{
	char *e1, *e2;
	char msg[160];

	snprintf(msg, sizeof(msg), "\"%s\" base %d", s, base);

	errno = 0;
	long l1 = nexus_strtol(s, &e1, base);
	long l2 = strtol(s, &e2, base);
	EXPECT(l1 == l2 && e1 == e2, "strtol %s: %ld +%td vs glibc %ld +%td", msg, l1,
		      e1 - s, l2, e2 - s);
	int glibc_range = errno == ERANGE;

	int64_t v;
	int r = nexus_strtoi64(s, &e1, base, &v);
	EXPECT(v == l2 && e1 == e2, "strtoi64 %s", msg);
	if (glibc_range)
		EXPECT(r == -RUMPK_ERANGE, "strtoi64 %s: %d, glibc ERANGE", msg, r);
	else if (e2 == s)
		EXPECT(r == -RUMPK_EINVAL, "strtoi64 %s: %d, glibc no digits", msg, r);
	else
		EXPECT(r == 0, "strtoi64 %s: %d", msg, r);

	errno = 0;
	unsigned long u1 = nexus_strtoul(s, &e1, base);
	unsigned long u2 = strtoul(s, &e2, base);
	EXPECT(u1 == u2 && e1 == e2, "strtoul %s: %lu +%td vs glibc %lu +%td", msg, u1,
		      e1 - s, u2, e2 - s);
	glibc_range = errno == ERANGE;
	uint64_t uv;
	r = nexus_strtou64(s, &e1, base, &uv);
	EXPECT(uv == u2 && e1 == e2, "strtou64 %s", msg);
	EXPECT(r == (glibc_range ? -RUMPK_ERANGE : e2 == s ? -RUMPK_EINVAL : 0),
		      "strtou64 %s: %d", msg, r);

	X_true(nexus_strtoll(s, &e1, base) == strtoll(s, &e2, base) && e1 == e2);
	X_true(nexus_strtoull(s, &e1, base) == strtoull(s, &e2, base) && e1 == e2);
	/* endptr may be NULL */
	X_true(nexus_strtol(s, NULL, base) == l2);
	compared++;
}

START_TEST(strtol_against_glibc)
{
	static const int bases[] = { 0, 2, 8, 10, 16, 36, 3, 7, 35 };

	for (size_t i = 0; i < sizeof(num_strings) / sizeof(*num_strings); i++)
		for (size_t b = 0; b < sizeof(bases) / sizeof(*bases); b++)
			check_strto(num_strings[i], bases[b]);

	/* random strings of digits, letters, signs and spaces near the overflow edges */
	for (int iter = 0; iter < 20000; iter++) {
		char s[40];
		size_t n = rnd() % 30;
		for (size_t k = 0; k < n; k++)
			s[k] = "0123456789abcdefxzXZ+- 0017fF"[rnd() % 29];
		s[n] = '\0';
		check_strto(s, (int)(rnd() % 37 == 0 ? 0 : rnd() % 35 + 2));
	}
}
END_TEST

START_TEST(strtol_bad_base_and_atoi)
{
	const char *s = "123";
	char *end = (char *)"untouched";
	int64_t v = 7;
	uint64_t u = 7;

	for (int base = -1; base <= 40; base += 1) {
		if (base == 0 || (base >= 2 && base <= 36))
			continue;
		ck_assert_int_eq(nexus_strtoi64(s, &end, base, &v), -RUMPK_EINVAL);
		ck_assert(end == s && v == 0);
		ck_assert_int_eq(nexus_strtou64(s, &end, base, &u), -RUMPK_EINVAL);
		ck_assert(end == s && u == 0);
		ck_assert_int_eq(nexus_strtol(s, NULL, base), 0);
	}
	ck_assert_int_eq(nexus_atoi("  -42abc"), -42);
	ck_assert_int_eq(nexus_atoi("x"), 0);
	ck_assert_int_eq(nexus_atoi("2147483647"), INT_MAX);
	ck_assert_int_eq(nexus_atoi("2147483648"), INT_MAX);   /* clamped, not wrapped */
	ck_assert_int_eq(nexus_atoi("-2147483649"), INT_MIN);
	ck_assert_int_eq(nexus_atoi("99999999999999999999"), INT_MAX);
	ck_assert_int_eq(nexus_atoi("0x10"), 0); /* base 10 */
	ck_assert(nexus_atol("-9223372036854775808") == LONG_MIN);
	ck_assert_int_eq(nexus_abs(-5), 5);
	ck_assert_int_eq(nexus_abs(INT_MIN), INT_MIN); /* documented: no trap */
	ck_assert(nexus_labs(LONG_MIN + 1) == LONG_MAX);
	ck_assert(nexus_llabs(-3) == 3);
}
END_TEST

/* ---- ctype and strings against glibc -------------------------------------------------- */

START_TEST(ctype_every_value)
{
	for (int c = -300; c < 600; c++) {
		int in = c >= 0 && c <= 255;
		int e = c == EOF;
#define SAMECLASS(f)                                                                   \
	EXPECT(!!nexus_##f(c) == ((in || e) ? !!f(c) : 0), #f "(%d)", c)
		SAMECLASS(isdigit);
		SAMECLASS(isxdigit);
		SAMECLASS(isalpha);
		SAMECLASS(isalnum);
		SAMECLASS(isupper);
		SAMECLASS(islower);
		SAMECLASS(isspace);
		SAMECLASS(isblank);
		SAMECLASS(isprint);
		SAMECLASS(isgraph);
		SAMECLASS(ispunct);
		SAMECLASS(iscntrl);
#undef SAMECLASS
		X_int_eq(nexus_toupper(c), (in || e) ? toupper(c) : c);
		X_int_eq(nexus_tolower(c), (in || e) ? tolower(c) : c);
	}
}
END_TEST

static void random_string(char *s, size_t max, const char *alphabet)
{
	size_t n = rnd() % max, k = strlen(alphabet);
	for (size_t i = 0; i < n; i++)
		s[i] = alphabet[rnd() % k];
	s[n] = '\0';
}

START_TEST(strings_against_glibc)
{
	for (int iter = 0; iter < 20000; iter++) {
		char a[24], b[8], d1[64], d2[64];
		random_string(a, sizeof(a), "abcab ,;x");
		random_string(b, sizeof(b), "abc ,;");
		size_t n = rnd() % 12;

		X_uint_eq(nexus_strspn(a, b), strspn(a, b));
		X_uint_eq(nexus_strcspn(a, b), strcspn(a, b));
		X_ptr_eq(nexus_strpbrk(a, b), strpbrk(a, b));
		X_ptr_eq(nexus_strstr(a, b), strstr(a, b));

		memset(d1, 'Q', sizeof(d1));
		memset(d2, 'Q', sizeof(d2));
		X_ptr_eq(nexus_strcpy(d1, a), d1);
		strcpy(d2, a);
		X_mem_eq(d1, d2, sizeof(d1));
		X_ptr_eq(nexus_strcat(d1, b), d1);
		strcat(d2, b);
		X_mem_eq(d1, d2, sizeof(d1));
		X_ptr_eq(nexus_strncat(d1, a, n), d1);
		strncat(d2, a, n);
		X_mem_eq(d1, d2, sizeof(d1));

		memset(d1, 'Q', sizeof(d1));
		memset(d2, 'Q', sizeof(d2));
		X_ptr_eq(nexus_strncpy(d1, a, n), d1);
		strncpy(d2, a, n);
		X_mem_eq(d1, d2, sizeof(d1)); /* padding with NULs, no terminator if full */

		memset(d1, 'Q', sizeof(d1));
		memset(d2, 'Q', sizeof(d2));
		X_ptr_eq(nexus_memccpy(d1, a, ',', n) ? (void *)1 : NULL,
				 memccpy(d2, a, ',', n) ? (void *)1 : NULL);
		X_mem_eq(d1, d2, sizeof(d1));

		/* strtok_r: the same token sequence */
		char t1[24], t2[24], *s1 = NULL, *s2 = NULL;
		strcpy(t1, a);
		strcpy(t2, a);
		char *x = nexus_strtok_r(t1, b, &s1), *y = strtok_r(t2, b, &s2);
		for (;;) {
			X_int_eq(!x, !y);
			if (!x)
				break;
			X_str_eq(x, y);
			X_int_eq(x - t1, y - t2);
			x = nexus_strtok_r(NULL, b, &s1);
			y = strtok_r(NULL, b, &s2);
		}
		X_ptr_null(nexus_strtok_r(NULL, b, &s1)); /* stays at the end */
	}
	const char *abc = "abc";
	X_ptr_eq(nexus_strstr(abc, ""), abc);
	X_ptr_null(nexus_strstr(abc, "abcd"));
}
END_TEST

START_TEST(strdup_and_strndup)
{
	char *a = nexus_strdup("hello");
	ck_assert_str_eq(a, "hello");
	char *b = nexus_strndup("hello", 3);
	ck_assert_str_eq(b, "hel");
	char *c = nexus_strndup("hi", 10);
	ck_assert_str_eq(c, "hi");
	char *d = nexus_strdup("");
	ck_assert_str_eq(d, "");
	nexus_free(a);
	nexus_free(b);
	nexus_free(c);
	nexus_free(d);
	ck_assert_int_eq(nexus_heap_check(NULL), 0);
	heap_limit = 0; /* nothing more to grow, and no free block is large enough */
	char big[70000];
	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_ptr_null(nexus_strdup(big));
}
END_TEST

/* ---- sorting -------------------------------------------------------------------------- */

struct rec {
	uint32_t key;
	uint32_t seq;
	uint32_t pad;
};

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int cmp_u8(const void *a, const void *b)
{
	return *(const unsigned char *)a - *(const unsigned char *)b;
}

static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	return (x->key > y->key) - (x->key < y->key);
}

START_TEST(qsort_and_bsearch)
{
	for (int iter = 0; iter < 2000; iter++) {
		size_t n = rnd() % 300;
		int mod = (int)(rnd() % 3 == 0 ? 4 : 1000000); /* many equal keys sometimes */
		int a[300], b[300];
		unsigned char c[300], d[300];
		struct rec r[300];
		for (size_t i = 0; i < n; i++) {
			a[i] = b[i] = (int)(rnd() % (uint64_t)mod) - mod / 2;
			c[i] = d[i] = (unsigned char)rnd();
			r[i] = (struct rec){ (uint32_t)(rnd() % 50), (uint32_t)i, 0 };
		}
		nexus_qsort(a, n, sizeof(int), cmp_int);
		qsort(b, n, sizeof(int), cmp_int);
		X_int_eq(memcmp(a, b, n * sizeof(int)), 0);
		nexus_qsort(c, n, 1, cmp_u8);
		qsort(d, n, 1, cmp_u8);
		X_int_eq(memcmp(c, d, n), 0);
		nexus_qsort(r, n, sizeof(*r), cmp_rec);
		unsigned long seen = 0;
		for (size_t i = 0; i < n; i++) {
			if (i)
				X_uint_le(r[i - 1].key, r[i].key);
			seen += r[i].seq;
		}
		X_uint_eq(seen, n ? n * (n - 1) / 2 : 0); /* a permutation */

		for (int k = -3; k < 3 && n; k++) {
			int key = a[rnd() % n] + k;
			int *p = nexus_bsearch(&key, a, n, sizeof(int), cmp_int);
			int *q = bsearch(&key, a, n, sizeof(int), cmp_int);
			X_int_eq(!p, !q);
			if (p)
				X_int_eq(*p, key);
		}
	}
	nexus_qsort(NULL, 0, 4, cmp_int);
	X_ptr_null(nexus_bsearch(&(int){ 1 }, NULL, 0, 4, cmp_int));
}
END_TEST

/* ---- the heap ------------------------------------------------------------------------- */

static void heap_ok(struct nexus_heap_stats *st)
{
	ck_assert_int_eq(nexus_heap_check(st), 0);
}

START_TEST(malloc_basics)
{
	struct nexus_heap_stats st;

	ck_assert_ptr_null(nexus_malloc_usable_size(NULL) ? (void *)1 : NULL);
	void *z1 = nexus_malloc(0), *z2 = nexus_malloc(0);
	ck_assert_ptr_nonnull(z1);
	ck_assert_ptr_nonnull(z2);
	ck_assert_ptr_ne(z1, z2);
	for (size_t size = 1; size < 5000; size += 37) {
		unsigned char *p = nexus_malloc(size);
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq((uintptr_t)p % 16, 0);
		ck_assert_uint_ge(nexus_malloc_usable_size(p), size);
		ck_assert_uint_lt(nexus_malloc_usable_size(p), size + 32);
		memset(p, 0xa5, nexus_malloc_usable_size(p)); /* all of it is usable */
		if (size % 3)
			nexus_free(p);
	}
	nexus_free(NULL);
	heap_ok(&st);
	ck_assert_uint_eq(st.regions, 1);
	ck_assert_uint_eq(st.used_bytes + st.free_bytes + 16, st.heap_bytes);

	/* calloc: zeroed even when the block is reused; overflow refused */
	unsigned char *p = nexus_malloc(256);
	memset(p, 0xff, 256);
	nexus_free(p);
	unsigned char *q = nexus_calloc(16, 16);
	ck_assert_ptr_eq(q, p);
	for (int i = 0; i < 256; i++)
		ck_assert_int_eq(q[i], 0);
	ck_assert_ptr_null(nexus_calloc(SIZE_MAX / 2, 3));
	ck_assert_ptr_null(nexus_calloc((size_t)1 << 32, (size_t)1 << 32));
	ck_assert_ptr_nonnull(nexus_calloc(0, 5));
	ck_assert_ptr_null(nexus_malloc(SIZE_MAX));
	ck_assert_ptr_null(nexus_malloc(SIZE_MAX - 15));
	heap_ok(NULL);
}
END_TEST

START_TEST(malloc_merges_and_reuses)
{
	struct nexus_heap_stats st;
	void *p[64];

	for (int i = 0; i < 64; i++)
		p[i] = nexus_malloc(100 + (size_t)i * 8);
	unsigned grows = grow_calls;
	for (int i = 0; i < 64; i += 2)
		nexus_free(p[i]);
	heap_ok(&st);
	ck_assert_uint_eq(st.used_blocks, 32);
	for (int i = 1; i < 64; i += 2)
		nexus_free(p[i]);
	heap_ok(&st);
	ck_assert_uint_eq(st.used_blocks, 0);
	ck_assert_uint_eq(st.free_blocks, 1); /* everything merged back into one block */
	/* the same amount again needs no growth */
	for (int i = 0; i < 64; i++)
		p[i] = nexus_malloc(100 + (size_t)i * 8);
	ck_assert_uint_eq(grow_calls, grows);
	heap_ok(NULL);
}
END_TEST

START_TEST(realloc_in_place_and_moving)
{
	char *a = nexus_malloc(100);
	char *b = nexus_malloc(100);
	char *c = nexus_malloc(100);
	memset(a, 'a', 100);
	nexus_free(b);
	/* grows into the free neighbour: same address, contents kept */
	ck_assert_ptr_eq(nexus_realloc(a, 200), a);
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(a[i], 'a');
	/* shrinking stays in place and gives the tail back */
	ck_assert_ptr_eq(nexus_realloc(a, 20), a);
	heap_ok(NULL);
	ck_assert_ptr_eq(nexus_malloc(150), a + 48); /* the freed tail (a 48-byte block
						     * for 20 bytes, then a header) fits */
	/* no room next to it: moves, copying the contents */
	memset(c, 'c', 100);
	char *c2 = nexus_realloc(c, 50000);
	ck_assert_ptr_nonnull(c2);
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(c2[i], 'c');
	/* the last block grows in place by growing the heap */
	unsigned before = grow_ok;
	char *d = nexus_malloc(300000);
	memset(d, 'd', 300000);
	ck_assert_ptr_eq(nexus_realloc(d, 900000), d);
	ck_assert_uint_gt(grow_ok, before);
	ck_assert_int_eq(d[299999], 'd');
	memset(d, 'e', 900000);
	heap_ok(NULL);
	/* realloc(NULL) is malloc, realloc(p, 0) frees */
	char *e = nexus_realloc(NULL, 10);
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_null(nexus_realloc(e, 0));
	/* a failed realloc leaves the block alone */
	heap_limit = arena_used;
	ck_assert_ptr_null(nexus_realloc(d, 8u << 20));
	ck_assert_ptr_null(nexus_realloc(d, SIZE_MAX));
	ck_assert_int_eq(d[899999], 'e');
	heap_ok(NULL);
}
END_TEST

/* A live block of the stress test: its bytes are all `fill`. */
struct live {
	unsigned char *p;
	size_t size;
	unsigned char fill;
};

static void check_fill(const struct live *l)
{
	for (size_t i = 0; i < l->size; i++)
		if (l->p[i] != l->fill)
			ck_abort_msg("block %p (%zu bytes) changed at %zu", (void *)l->p, l->size, i);
}

static size_t stress_size(void)
{
	switch (rnd() % 8) {
	case 0: return rnd() % 17;
	case 1: return rnd() % 70000;
	default: return rnd() % 600;
	}
}

/* Random malloc/calloc/realloc/free with every block's contents checked; `limit` > 0
 * caps the heap, so some calls fail and must change nothing. */
static void stress(int ops, uint64_t limit)
{
	enum { SLOTS = 400 };
	static struct live live[SLOTS];
	unsigned failures = 0;

	memset(live, 0, sizeof(live));
	if (limit)
		heap_limit = limit;
	for (int op = 0; op < ops; op++) {
		struct live *l = &live[rnd() % SLOTS];
		unsigned char fill = (unsigned char)(op * 7 + 1);
		if (l->p)
			check_fill(l);
		switch (rnd() % 4) {
		case 0: /* free, or malloc into an empty slot */
		case 1:
			if (l->p) {
				nexus_free(l->p);
				l->p = NULL;
			} else {
				size_t size = stress_size();
				int zeroed = rnd() % 4 == 0;
				l->p = zeroed ? nexus_calloc(1, size) : nexus_malloc(size);
				if (!l->p) {
					failures++;
					break;
				}
				X_uint_eq((uintptr_t)l->p % 16, 0);
				for (size_t i = 0; zeroed && i < size; i++)
					X_int_eq(l->p[i], 0);
				l->size = size;
				l->fill = fill;
				memset(l->p, fill, size);
			}
			break;
		default: { /* realloc, keeping the common prefix */
			size_t size = stress_size();
			unsigned char *q = nexus_realloc(l->p, size);
			if (!q && size) {
				failures++;
				break; /* l->p is untouched: check_fill will tell */
			}
			if (!size) {
				/* realloc(p, 0) freed p; realloc(NULL, 0) is malloc(0) */
				l->p = l->p ? NULL : q;
				l->size = 0;
				break;
			}
			struct live prefix = { q, l->p && l->size < size ? l->size : (l->p ? size : 0),
					       l->fill };
			check_fill(&prefix);
			l->p = q;
			l->size = size;
			l->fill = fill;
			memset(q, fill, size);
			break;
		}
		}
		if (op % 1000 == 0)
			heap_ok(NULL);
	}
	struct nexus_heap_stats st;
	heap_ok(&st);
	for (int i = 0; i < SLOTS; i++)
		if (live[i].p) {
			check_fill(&live[i]);
			nexus_free(live[i].p);
		}
	heap_ok(&st);
	X_uint_eq(st.used_blocks, 0);
	X_uint_eq(st.free_blocks, st.regions); /* all merged, region by region */
	if (limit) {
		X_uint_gt(failures, 0); /* the limit was really reached */
		X_uint_le(st.heap_bytes, limit);
	}
}

START_TEST(malloc_stress)
{
	stress(200000, 0);
}
END_TEST

START_TEST(malloc_stress_at_the_limit)
{
	stress(100000, 1u << 20);
}
END_TEST

START_TEST(malloc_stress_non_contiguous)
{
	heap_gap = 8192; /* every growth leaves a hole: each opens a new region */
	stress(20000, 0);
	struct nexus_heap_stats st;
	heap_ok(&st);
	ck_assert_uint_gt(st.regions, 1);
}
END_TEST

START_TEST(malloc_exhaustion)
{
	enum { N = 1000 };
	static unsigned char *p[N];
	struct nexus_heap_stats st;
	int n = 0;

	heap_limit = 256 * 1024;
	for (; n < N; n++) {
		p[n] = nexus_malloc(1000);
		if (!p[n])
			break;
		memset(p[n], n & 0xff, 1000);
	}
	ck_assert_int_gt(n, 200);
	ck_assert_int_lt(n, N);
	/* nothing more fits: every call fails cleanly, and nothing was harmed */
	ck_assert_ptr_null(nexus_malloc(1000));
	ck_assert_ptr_null(nexus_calloc(10, 100));
	ck_assert_ptr_null(nexus_realloc(p[0], 100000));
	heap_ok(&st);
	ck_assert_uint_le(st.heap_bytes, heap_limit);
	ck_assert_uint_eq(st.used_blocks, (unsigned)n);
	for (int i = 0; i < n; i++)
		for (int k = 0; k < 1000; k++)
			X_int_eq(p[i][k], i & 0xff);
	/* free half, and the space is reused without growing */
	unsigned grows = grow_ok;
	for (int i = 0; i < n; i += 2)
		nexus_free(p[i]);
	for (int i = 0; i < n; i += 2)
		ck_assert_ptr_nonnull(p[i] = nexus_malloc(1000));
	ck_assert_uint_eq(grow_ok, grows);
	for (int i = 0; i < n; i++)
		nexus_free(p[i]);
	heap_ok(&st);
	ck_assert_uint_eq(st.free_blocks, 1);
	/* a single block as large as the whole limit allows */
	void *big = nexus_malloc(st.free_bytes - 16);
	ck_assert_ptr_nonnull(big);
	heap_ok(NULL);
}
END_TEST

/* ---- misuse is reported and aborts (exit tests: nexus_abort exits) ------------------- */

START_TEST(double_free_aborts)
{
	void *p = nexus_malloc(40);
	nexus_malloc(40);
	nexus_free(p);
	abort_expect = "malloc: free of 0x";
	nexus_free(p);
	ck_abort_msg("double free not detected");
}
END_TEST

START_TEST(double_free_after_merge_aborts)
{
	void *a = nexus_malloc(40), *b = nexus_malloc(40);
	nexus_malloc(40);
	nexus_free(a);
	nexus_free(b); /* merged into a's block: b's header is gone */
	abort_expect = "double free";
	nexus_free(b);
	ck_abort_msg("double free not detected");
}
END_TEST

START_TEST(overrun_aborts)
{
	char *a = nexus_malloc(40);
	char *b = nexus_malloc(40);
	memset(a, 'x', 40 + 16 + 8); /* past a's usable 48 bytes into b's header */
	abort_expect = "heap corrupted after this block";
	nexus_free(a);
	ck_abort_msg("overrun not detected (b %p)", (void *)b);
}
END_TEST

START_TEST(overrun_into_header_aborts)
{
	char *a = nexus_malloc(40);
	char *b = nexus_malloc(40);
	memset(a, 'x', 60);
	abort_expect = "corrupted block header";
	nexus_free(b);
	ck_abort_msg("corrupted header not detected");
}
END_TEST

START_TEST(wild_and_interior_pointers_abort)
{
	char *a = nexus_malloc(100);
	int local;
	if (_i == 0) {
		abort_expect = "not a pointer malloc returned";
		nexus_free(&local);
	} else if (_i == 1) {
		abort_expect = "not a pointer malloc returned";
		nexus_free(a + 8); /* not 16-aligned */
	} else {
		abort_expect = "corrupted block header";
		nexus_realloc(a + 32, 10); /* aligned, but no header there */
	}
	ck_abort_msg("bad pointer not detected");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("libnexus");
	TCase *fmt = tcase_create("format");
	tcase_add_test(fmt, integers_exhaustive);
	tcase_add_test(fmt, integers_edges);
	tcase_add_test(fmt, strings_chars_pointers);
	tcase_add_test(fmt, unknown_conversions_are_visible);
	tcase_add_test(fmt, random_formats);
	tcase_add_test(fmt, snprintf_truncation);
	tcase_set_timeout(fmt, 60);
	suite_add_tcase(s, fmt);

	TCase *out = tcase_create("output");
	tcase_add_test(out, stdout_is_line_buffered);
	tcase_add_test(out, other_handles_and_order);
	tcase_add_test(out, write_errors);
	suite_add_tcase(s, out);

	TCase *conv = tcase_create("conversions-strings");
	tcase_add_test(conv, strtol_against_glibc);
	tcase_add_test(conv, strtol_bad_base_and_atoi);
	tcase_add_test(conv, ctype_every_value);
	tcase_add_test(conv, strings_against_glibc);
	tcase_add_test(conv, strdup_and_strndup);
	tcase_add_test(conv, qsort_and_bsearch);
	tcase_set_timeout(conv, 30);
	suite_add_tcase(s, conv);

	TCase *heap = tcase_create("heap");
	tcase_add_test(heap, malloc_basics);
	tcase_add_test(heap, malloc_merges_and_reuses);
	tcase_add_test(heap, realloc_in_place_and_moving);
	tcase_add_test(heap, malloc_stress);
	tcase_add_test(heap, malloc_stress_at_the_limit);
	tcase_add_test(heap, malloc_stress_non_contiguous);
	tcase_add_test(heap, malloc_exhaustion);
	tcase_add_exit_test(heap, double_free_aborts, ABORT_AS_EXPECTED);
	tcase_add_exit_test(heap, double_free_after_merge_aborts, ABORT_AS_EXPECTED);
	tcase_add_exit_test(heap, overrun_aborts, ABORT_AS_EXPECTED);
	tcase_add_exit_test(heap, overrun_into_header_aborts, ABORT_AS_EXPECTED);
	tcase_add_loop_exit_test(heap, wild_and_interior_pointers_abort, ABORT_AS_EXPECTED, 0, 3);
	tcase_set_timeout(heap, 60);
	suite_add_tcase(s, heap);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
