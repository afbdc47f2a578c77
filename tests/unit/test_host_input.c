/*
 * test_host_input.c — virtual mode's host side of input and jitter (the real files
 * src/hal-hosted/host_console.c and host_virtual.c; docs/simulation.md):
 *
 * scripted input is released a line at a time (up to and including '\n'), nothing before
 * a release; the part of a line the kernel did not take is offered again before the next
 * line; a line longer than the buffer comes in pieces; the last line needs no '\n'; the end
 * of input is one more release; from a pipe, a partial line is released as one read
 * brought it. The jitter stream is a function of its key, across its 4 KiB blocks.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_hal.h"
#include "host.h"

/* host_console.c's SIGIO handler calls up into hal.c; scripted input never installs it */
void hosted_console_signal(void)
{
	abort();
}

static char path[] = "/tmp/rumpk-test-input-XXXXXX";

static void script(const char *bytes, size_t n)
{
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, bytes, n), (ssize_t)n);
	close(fd);
	host_console_set_scripted(path);
	unlink(path);
}

/* Takes every released byte into buf; returns how many (getc's -1 ends it). */
static size_t take(char *buf, size_t max)
{
	size_t n = 0;
	int c;
	while (n < max && (c = host_console_getc()) >= 0)
		buf[n++] = (char)c;
	return n;
}

START_TEST(lines_one_release_at_a_time)
{
	char buf[16];
	script("a\nbc\ntail", 9);
	ck_assert_int_eq(host_console_getc(), -1); /* nothing before a release */
	ck_assert_int_eq(host_console_release(), 1);
	ck_assert_uint_eq(take(buf, sizeof(buf)), 2);
	ck_assert_mem_eq(buf, "a\n", 2);
	ck_assert_int_eq(host_console_release(), 1);
	ck_assert_uint_eq(take(buf, sizeof(buf)), 3);
	ck_assert_mem_eq(buf, "bc\n", 3);
	ck_assert_int_eq(host_console_input_left(), 1);
	ck_assert_int_eq(host_console_release(), 1); /* the last line, without '\n' */
	ck_assert_uint_eq(take(buf, sizeof(buf)), 4);
	ck_assert_mem_eq(buf, "tail", 4);
	ck_assert_int_eq(host_console_release(), 1); /* then the end, once */
	ck_assert_int_eq(host_console_getc(), -2);
	ck_assert_int_eq(host_console_input_left(), 0);
	ck_assert_int_eq(host_console_release(), 0);
	ck_assert_int_eq(host_console_getc(), -2);
}
END_TEST

START_TEST(rest_of_a_line_comes_first)
{
	char buf[16];
	script("hello\nnext\n", 11);
	ck_assert_int_eq(host_console_release(), 1);
	ck_assert_uint_eq(take(buf, 2), 2); /* the kernel's ring had room for two */
	ck_assert_int_eq(host_console_release(), 1);
	ck_assert_uint_eq(take(buf, sizeof(buf)), 4);
	ck_assert_mem_eq(buf, "llo\n", 4);
	ck_assert_int_eq(host_console_release(), 1);
	ck_assert_uint_eq(take(buf, sizeof(buf)), 5);
	ck_assert_mem_eq(buf, "next\n", 5);
}
END_TEST

START_TEST(long_line_in_pieces)
{
	enum { LEN = 150000 };
	char *line = malloc(LEN + 1), *got = malloc(LEN + 1);
	for (size_t i = 0; i < LEN; i++)
		line[i] = (char)('a' + i % 26);
	line[LEN] = '\n';
	script(line, LEN + 1);
	size_t n = 0, releases = 0;
	while (n < LEN + 1) {
		ck_assert_int_eq(host_console_release(), 1);
		size_t k = take(got + n, LEN + 1 - n);
		ck_assert_uint_gt(k, 0);
		n += k;
		releases++;
	}
	ck_assert_mem_eq(got, line, LEN + 1);
	ck_assert_uint_eq(releases, 3); /* 64 KiB, 64 KiB, the rest */
	ck_assert_int_eq(host_console_release(), 1);
	ck_assert_int_eq(host_console_getc(), -2);
	free(line);
	free(got);
}
END_TEST

START_TEST(pipe_partial_line_as_read)
{
	char buf[16];
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(dup2(p[0], 0), 0);
	host_console_set_scripted(NULL);
	ck_assert_int_eq(write(p[1], "\x03", 1), 1); /* a lone Ctrl-C, and the writer waits */
	ck_assert_int_eq(host_console_release(), 1);
	ck_assert_uint_eq(take(buf, sizeof(buf)), 1);
	ck_assert_int_eq(buf[0], 3);
	ck_assert_int_eq(write(p[1], "ls\nps\n", 6), 6); /* whole lines: one at a time again */
	ck_assert_int_eq(host_console_release(), 1);
	ck_assert_uint_eq(take(buf, sizeof(buf)), 3);
	ck_assert_mem_eq(buf, "ls\n", 3);
	close(p[1]);
	ck_assert_int_eq(host_console_release(), 1);
	ck_assert_uint_eq(take(buf, sizeof(buf)), 3);
	ck_assert_int_eq(host_console_release(), 1);
	ck_assert_int_eq(host_console_getc(), -2);
}
END_TEST

START_TEST(jitter_is_a_function_of_the_key)
{
	uint8_t k1[32] = { 1 }, k2[32] = { 2 };
	enum { N = 3000 }; /* 12,000 bytes: across three blocks */
	static uint32_t a[N], b[N];
	host_virtual_seed(k1);
	for (int i = 0; i < N; i++)
		a[i] = host_virtual_rand(1000000);
	host_virtual_seed(k1);
	for (int i = 0; i < N; i++) {
		b[i] = host_virtual_rand(1000000);
		ck_assert_uint_lt(b[i], 1000000);
	}
	ck_assert_mem_eq(a, b, sizeof(a));
	host_virtual_seed(k2);
	int same = 0;
	for (int i = 0; i < N; i++)
		same += host_virtual_rand(1000000) == a[i];
	ck_assert_int_lt(same, 10);
	ck_assert_uint_eq(host_virtual_rand(0), 0);
	ck_assert_uint_eq(host_virtual_rand(1), 0);
	/* the blocks differ from each other (each has its own key) */
	ck_assert_int_ne(memcmp(a, a + 1024, 1024 * sizeof(a[0])), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("host_input");
	TCase *tc = tcase_create("scripted");
	tcase_add_test(tc, lines_one_release_at_a_time);
	tcase_add_test(tc, rest_of_a_line_comes_first);
	tcase_add_test(tc, long_line_in_pieces);
	tcase_add_test(tc, pipe_partial_line_as_read);
	suite_add_tcase(s, tc);
	TCase *tj = tcase_create("jitter");
	tcase_add_test(tj, jitter_is_a_function_of_the_key);
	suite_add_tcase(s, tj);
	return unit_main(s);
}
