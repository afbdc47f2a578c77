/*
 * test_cmdline.c — key lookup on the kernel command line, including hostile input.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "fake_hal.h"
#include "rumpk/abi.h"

START_TEST(lookup)
{
	char v[16];
	ck_assert_int_eq(cmdline_get("a=1 bb=22 c", "bb", v, sizeof(v)), 2);
	ck_assert_str_eq(v, "22");
	ck_assert_int_eq(cmdline_get("a=1 bb=22 c", "c", v, sizeof(v)), 0);
	ck_assert_str_eq(v, "");
	ck_assert_int_eq(cmdline_get("a=1 bb=22 c", "b", v, sizeof(v)), -RUMPK_ENOENT);
	ck_assert_int_eq(cmdline_get("abc=1", "ab", v, sizeof(v)), -RUMPK_ENOENT);
	ck_assert_int_eq(cmdline_get("", "a", v, sizeof(v)), -RUMPK_ENOENT);
	ck_assert_int_eq(cmdline_get("  \t a=x\n", "a", v, sizeof(v)), 1);
	ck_assert_str_eq(v, "x");
	ck_assert_int_eq(cmdline_get("k=1 k=2", "k", v, sizeof(v)), 1);
	ck_assert_str_eq(v, "2"); /* the last occurrence wins */
	ck_assert_int_eq(cmdline_get("k==", "k", v, sizeof(v)), 1);
	ck_assert_str_eq(v, "=");
}
END_TEST

START_TEST(too_long_value_is_reported)
{
	char v[4];
	ck_assert_int_eq(cmdline_get("k=abcdef", "k", v, sizeof(v)), -RUMPK_ERANGE);
	ck_assert_str_eq(v, "abc");
	ck_assert_int_eq(cmdline_get("k=abc", "k", v, sizeof(v)), 3);
	ck_assert_int_eq(cmdline_get("k=abc", "k", v, 0), -RUMPK_EINVAL);
}
END_TEST

START_TEST(unterminated_line_is_bounded)
{
	/* exactly RUMPK_BOOT_CMDLINE_MAX bytes and no NUL: under ASan a read past the end of
	 * this allocation fails the test */
	char *line = malloc(RUMPK_BOOT_CMDLINE_MAX);
	char v[8];
	ck_assert_ptr_nonnull(line);
	memset(line, 'x', RUMPK_BOOT_CMDLINE_MAX);
	memcpy(line + RUMPK_BOOT_CMDLINE_MAX - 6, " k=abc", 6);
	ck_assert_int_eq(cmdline_get(line, "k", v, sizeof(v)), 3);
	ck_assert_str_eq(v, "abc");
	ck_assert_int_eq(cmdline_get(line, "j", v, sizeof(v)), -RUMPK_ENOENT);
	ck_assert_int_eq(cmdline_has_item(line, "k", "abc"), 1);
	free(line);
}
END_TEST

START_TEST(items)
{
	ck_assert_int_eq(cmdline_has_item("selftest=sched,crypto", "selftest", "crypto"), 1);
	ck_assert_int_eq(cmdline_has_item("selftest=sched,crypto", "selftest", "sched"), 1);
	ck_assert_int_eq(cmdline_has_item("selftest=sched,crypto", "selftest", "sch"), 0);
	ck_assert_int_eq(cmdline_has_item("selftest=all", "selftest", "anything"), 1);
	ck_assert_int_eq(cmdline_has_item("selftest=", "selftest", "x"), 0);
	ck_assert_int_eq(cmdline_has_item("selftest=,,x,", "selftest", "x"), 1);
	ck_assert_int_eq(cmdline_has_item("other=x", "selftest", "x"), 0);
}
END_TEST

START_TEST(list_walk)
{
	const char *pos = "ab,,c,toolong";
	char it[4];
	ck_assert_int_eq(cmdline_list_next(&pos, it, sizeof(it)), 2);
	ck_assert_str_eq(it, "ab");
	ck_assert_int_eq(cmdline_list_next(&pos, it, sizeof(it)), 0);
	ck_assert_str_eq(it, "");
	ck_assert_int_eq(cmdline_list_next(&pos, it, sizeof(it)), 1);
	ck_assert_str_eq(it, "c");
	ck_assert_int_eq(cmdline_list_next(&pos, it, sizeof(it)), 7); /* full length, cut copy */
	ck_assert_str_eq(it, "too");
	ck_assert_int_eq(cmdline_list_next(&pos, it, sizeof(it)), -RUMPK_ENOENT);
	pos = "";
	ck_assert_int_eq(cmdline_list_next(&pos, it, sizeof(it)), -RUMPK_ENOENT);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cmdline");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, lookup);
	tcase_add_test(tc, too_long_value_is_reported);
	tcase_add_test(tc, unterminated_line_is_bounded);
	tcase_add_test(tc, items);
	tcase_add_test(tc, list_walk);
	suite_add_tcase(s, tc);
	return unit_main(s);
}
