/*
 * test_kprintf.c — the core's formatter against glibc's snprintf as the oracle, plus the
 * console path (one write per call), truncation, and error names.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fake_hal.h"
#include "kprintf.h"

/* Formats one case with both implementations and compares text and return value. */
#define SAME(fmt, ...)                                                                 \
	do {                                                                           \
		char a[256], b[256];                                                   \
		int na = ksnprintf(a, sizeof(a), fmt, __VA_ARGS__);                    \
		int nb = snprintf(b, sizeof(b), fmt, __VA_ARGS__);                     \
		ck_assert_msg(strcmp(a, b) == 0 && na == nb,                           \
			      "format \"%s\": kernel \"%s\" (%d), libc \"%s\" (%d)", fmt, a, \
			      na, b, nb);                                              \
	} while (0)

START_TEST(integers)
{
	static const long long vals[] = { 0, 1, -1, 9, 10, 42, -42, 65535, -2147483648LL,
					  2147483647, INT64_MAX, INT64_MIN, 1000000007 };
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		long long v = vals[i];
		SAME("%lld", v);
		SAME("%d", (int)v);
		SAME("%i|%5d|%-5d|%05d|%+d|% d", (int)v, (int)v, (int)v, (int)v, (int)v, (int)v);
		SAME("%.3d|%8.3d|%-8.3d|%08.3d", (int)v, (int)v, (int)v, (int)v);
		SAME("%llu|%llx|%llX|%llo", (unsigned long long)v, (unsigned long long)v,
		     (unsigned long long)v, (unsigned long long)v);
		SAME("%#llx|%#llo|%#X|%#o", (unsigned long long)v, (unsigned long long)v,
		     (unsigned)v, (unsigned)v);
		SAME("%hd|%hhd|%hu|%hhu|%hx", (short)v, (signed char)v, (unsigned short)v,
		     (unsigned char)v, (unsigned short)v);
		SAME("%zu|%zd|%jd|%td|%lu", (size_t)v, (ptrdiff_t)v, (intmax_t)v, (ptrdiff_t)v,
		     (unsigned long)v);
		SAME("%*d|%-*d|%.*d", 7, (int)v, 7, (int)v, 4, (int)v);
		SAME("%.0d|%.0x|%#.0o", (int)v, (unsigned)v, (unsigned)v);
	}
}
END_TEST

START_TEST(strings_chars_pointers)
{
	SAME("%s|%10s|%-10s|%.2s|%*.*s|", "abc", "abc", "abc", "abc", 6, 1, "xyz");
	SAME("%c%c%3c%-3c|", 'a', 'Z', 'x', 'y');
	SAME("100%% %s", "sure");
	SAME("%p|%20p|%-20p|", (void *)0x1234abcdULL, (void *)0xdeadbeefULL, (void *)16);
	SAME("%s", "");
	char buf[32];
	ksnprintf(buf, sizeof(buf), "%s", (const char *)NULL);
	ck_assert_str_eq(buf, "(null)");
}
END_TEST

START_TEST(truncation)
{
	char buf[8];
	memset(buf, 'X', sizeof(buf));
	int n = ksnprintf(buf, 5, "hello, %s", "world");
	ck_assert_int_eq(n, 12);
	ck_assert_str_eq(buf, "hell");
	ck_assert_int_eq(buf[5], 'X'); /* nothing past size is touched */
	ck_assert_int_eq(ksnprintf(NULL, 0, "%d", 12345), 5);
	ck_assert_int_eq(ksnprintf(buf, 1, "abc"), 3);
	ck_assert_str_eq(buf, "");
}
END_TEST

/* The compiler rightly refuses these formats; the kernel must still print them visibly. */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wformat"
#pragma clang diagnostic ignored "-Wformat-invalid-specifier"
START_TEST(unknown_conversion_is_visible)
{
	char buf[32];
	ksnprintf(buf, sizeof(buf), "a%qb");
	ck_assert_str_eq(buf, "a%qb");
	ksnprintf(buf, sizeof(buf), "end%");
	ck_assert_str_eq(buf, "end%");
	ksnprintf(buf, sizeof(buf), "end%5l");
	ck_assert_str_eq(buf, "end%5l");
}
END_TEST
#pragma clang diagnostic pop

START_TEST(console_one_write_per_call)
{
	fake_reset();
	int n = kprintf("stage %02d/%02d %s ok\n", 3, 4, "traps");
	ck_assert_int_eq(n, 21);
	ck_assert_str_eq(fake.console, "stage 03/04 traps ok\n");
	ck_assert_uint_eq(fake.console_writes, 1);
	ck_assert_int_eq(fake.irq_enabled, 0);

	/* longer than the internal buffer: flushed in pieces, all bytes in order */
	char big[1000];
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fake_reset();
	fake.irq_enabled = 1;
	ck_assert_int_eq(kprintf("<%s>", big), 1001);
	ck_assert_uint_eq(fake.console_len, 1001);
	ck_assert_int_eq(fake.console[0], '<');
	ck_assert_int_eq(fake.console[1000], '>');
	ck_assert_int_eq(fake.irq_enabled, 1); /* restored after the call */
}
END_TEST

START_TEST(error_names)
{
	ck_assert_str_eq(rumpk_strerror(0), "OK");
	ck_assert_str_eq(rumpk_strerror(-RUMPK_EINVAL), "EINVAL");
	ck_assert_str_eq(rumpk_strerror(RUMPK_ENOMEM), "ENOMEM");
	for (int e = 0; e <= RUMPK_ERRNO_MAX; e++)
		ck_assert_str_ne(rumpk_strerror(-e), "E?");
	ck_assert_str_eq(rumpk_strerror(-(RUMPK_ERRNO_MAX + 1)), "E?");
	ck_assert_str_eq(rumpk_strerror(INT32_MIN + 1), "E?");
}
END_TEST

START_TEST(panic_prints_and_halts_255)
{
	jmp_buf jb;
	fake_reset();
	fake.halt_jmp = &jb;
	if (setjmp(jb) == 0)
		kpanic("broken invariant %d", 7);
	ck_assert_str_eq(fake.console, "panic: broken invariant 7\nhalted, code 255\n");
	ck_assert_int_eq(fake.halt_code, 255);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kprintf");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, integers);
	tcase_add_test(tc, strings_chars_pointers);
	tcase_add_test(tc, truncation);
	tcase_add_test(tc, unknown_conversion_is_visible);
	tcase_add_test(tc, console_one_write_per_call);
	tcase_add_test(tc, error_names);
	tcase_add_test(tc, panic_prints_and_halts_255);
	suite_add_tcase(s, tc);
	return unit_main(s);
}
