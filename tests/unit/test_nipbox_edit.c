/*
 * test_nipbox_edit.c — nipbox's line editor and word/path parsing (src/user/nipbox/edit.c,
 * parse.c) on the host: console bytes in, the exact screen bytes and finished lines out.
 * Editing keys, history, escape sequences split across reads, the 4 KiB cap (a 1 MiB
 * line), garbage and NUL bytes; then quoting, $?, $!, &, comments, limits and path joining.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "parse.h"

/* ---- a screen and a feeder -------------------------------------------------------------- */

static struct screen {
	char *buf;
	size_t len, cap;
} scr;

static void emit(void *ctx, const char *s, size_t n)
{
	struct screen *sc = ctx;
	if (sc->len + n + 1 > sc->cap) {
		sc->cap = (sc->len + n + 1) * 2;
		sc->buf = realloc(sc->buf, sc->cap);
		ck_assert_ptr_nonnull(sc->buf);
	}
	memcpy(sc->buf + sc->len, s, n);
	sc->len += n;
	sc->buf[sc->len] = 0;
}

static struct ed ed;

#define LINES_MAX 256
static struct {
	enum ed_event ev[LINES_MAX];
	char *line[LINES_MAX]; /* the line at ED_LINE, else NULL */
	int n;
} got;

static void setup(void)
{
	scr.len = 0;
	if (scr.buf)
		scr.buf[0] = 0;
	ed_init(&ed, emit, &scr);
	for (int i = 0; i < got.n; i++)
		free(got.line[i]);
	got.n = 0;
}

static void teardown(void)
{
	ed_free(&ed);
}

/* Feeds n bytes; records every event but ED_NONE. */
static void feed(const void *bytes, size_t n)
{
	const uint8_t *b = bytes;
	for (size_t i = 0; i < n; i++) {
		enum ed_event ev = ed_key(&ed, b[i]);
		if (ev == ED_NONE)
			continue;
		if (got.n == LINES_MAX)
			ck_abort_msg("too many events");
		got.ev[got.n] = ev;
		got.line[got.n] = ev == ED_LINE ? strdup(ed.line) : NULL;
		got.n++;
	}
}

static void feeds(const char *s)
{
	feed(s, strlen(s));
}

static void screen_is(const char *want)
{
	ck_assert_msg(scr.len == strlen(want) && memcmp(scr.buf ? scr.buf : "", want, scr.len) == 0,
		      "screen \"%s\" (%zu bytes), want \"%s\"", scr.buf ? scr.buf : "", scr.len,
		      want);
}

static void clear_screen(void)
{
	scr.len = 0;
}

#define EV(i, e) ck_assert_int_eq(got.ev[i], e)
#define LINE(i, s)                                                                         \
	do {                                                                               \
		EV(i, ED_LINE);                                                            \
		ck_assert_str_eq(got.line[i], s);                                          \
	} while (0)

/* ---- editing ------------------------------------------------------------------------------ */

START_TEST(typing_echoes_and_enter_finishes)
{
	feeds("ls -l");
	screen_is("ls -l");
	ck_assert_int_eq(got.n, 0);
	feeds("\r");
	screen_is("ls -l\n");
	ck_assert_int_eq(got.n, 1);
	LINE(0, "ls -l");
}
END_TEST

START_TEST(cr_lf_is_one_enter)
{
	feeds("a\r\nb\n\n\r\r");
	ck_assert_int_eq(got.n, 5);
	LINE(0, "a");
	LINE(1, "b");
	LINE(2, "");
	LINE(3, "");
	LINE(4, "");
	screen_is("a\nb\n\n\n\n");
}
END_TEST

START_TEST(backspace_at_the_start_does_nothing)
{
	feeds("\x7f\x08\x7f");
	screen_is("");
	feeds("ab\x7f");
	screen_is("ab\b \b");
	feeds("\x08\x08\x08" "c\n");
	screen_is("ab\b \b\b \bc\n");
	LINE(0, "c");
}
END_TEST

START_TEST(ctrl_u_erases_the_line)
{
	feeds("hello\x15");
	screen_is("hello\b \b\b \b\b \b\b \b\b \b");
	feeds("\x15x\n");
	screen_is("hello\b \b\b \b\b \b\b \b\b \bx\n");
	ck_assert_int_eq(got.n, 1);
	LINE(0, "x");
}
END_TEST

START_TEST(ctrl_c_abandons_the_line)
{
	feeds("abc\x03");
	screen_is("abc^C\n");
	ck_assert_int_eq(got.n, 1);
	EV(0, ED_CANCEL);
	feeds("d\n");
	LINE(1, "d");
	feeds("\x1b[A"); /* the abandoned line is not in the history */
	screen_is("abc^C\nd\nd");
}
END_TEST

START_TEST(ctrl_d_only_on_an_empty_line)
{
	feeds("a\x04");
	ck_assert_int_eq(got.n, 0);
	feeds("\x7f\x04");
	ck_assert_int_eq(got.n, 1);
	EV(0, ED_EOF);
	screen_is("a\b \b");
}
END_TEST

START_TEST(history_up_and_down)
{
	feeds("one\ntwo\nthree\n");
	clear_screen();
	feeds("dr");
	feeds("\x1b[A");
	screen_is("dr\b \b\b \bthree");
	clear_screen();
	feeds("\x1b[A\x1bOA");
	screen_is("\b \b\b \b\b \b\b \b\b \btwo\b \b\b \b\b \bone");
	clear_screen();
	feeds("\x1b[A"); /* past the oldest: nothing */
	screen_is("");
	feeds("\x1b[B\x1b[B\x1b[B");
	screen_is("\b \b\b \b\b \btwo\b \b\b \b\b \bthree\b \b\b \b\b \b\b \b\b \bdr");
	clear_screen();
	feeds("\x1b[B"); /* past the draft: nothing */
	screen_is("");
	feeds("\x1b[A\x1b[A!\n"); /* a recalled line can be edited and run */
	LINE(3, "two!");
	feeds("\x1b[A\n");
	LINE(4, "two!");
}
END_TEST

START_TEST(history_keeps_32_without_repeats_or_empties)
{
	char l[16];
	for (int i = 0; i < 40; i++) {
		snprintf(l, sizeof(l), "cmd%d\n", i);
		feeds(l);
		feeds(l); /* a repeat of the newest is not kept again */
		feeds("\n");
	}
	ck_assert_uint_eq(ed.nhist, ED_HIST_MAX);
	ck_assert_str_eq(ed.hist[0], "cmd8");
	ck_assert_str_eq(ed.hist[ED_HIST_MAX - 1], "cmd39");
	for (int i = 0; i < 50; i++)
		feeds("\x1b[A");
	feeds("\n");
	ck_assert_str_eq(got.line[got.n - 1], "cmd8");
}
END_TEST

START_TEST(escape_sequences_split_across_reads)
{
	/* up with parameters (Ctrl-Up), Delete, bracketed paste markers around pasted text,
	 * F1, Alt+x: only the arrows act, nothing of the others reaches the screen or the
	 * line (the pasted text is typed text) */
	static const char in[] = "first\nab\x1b[1;5A\x1b[3~\x1b[200~cd\x1b[201~\x1bOP\x1bx\x1b[B!\n";
	size_t n = sizeof(in) - 1;
	char *want_screen;
	size_t want_len;

	feed(in, n);
	ck_assert_int_eq(got.n, 2);
	LINE(0, "first");
	LINE(1, "ab!");
	want_screen = strndup(scr.buf, scr.len);
	want_len = scr.len;
	ck_assert_str_eq(want_screen,
			 "first\nab\b \b\b \bfirstcd\b \b\b \b\b \b\b \b\b \b\b \b\b \bab!\n");
	/* every split point, the second part in a later read: the same screen and lines */
	for (size_t cut = 1; cut < n; cut++) {
		teardown();
		setup();
		feed(in, cut);
		feed(in + cut, n - cut);
		ck_assert_int_eq(got.n, 2);
		LINE(1, "ab!");
		ck_assert_uint_eq(scr.len, want_len);
		ck_assert(memcmp(scr.buf, want_screen, want_len) == 0);
	}
	free(want_screen);
}
END_TEST

START_TEST(escape_cut_short_by_a_control)
{
	feeds("ab\x1b[\r"); /* Enter inside a sequence is still Enter */
	LINE(0, "ab");
	feeds("\x1b\x03"); /* so is Ctrl-C after a lone ESC */
	EV(1, ED_CANCEL);
	feeds("\x1b\x1b[Ax\n"); /* ESC ESC [ A: the second ESC starts the sequence */
	LINE(2, "abx");
}
END_TEST

/* The cap: 1 MiB on one line echoes 4095 characters, prints one error line at Enter,
 * runs nothing, and the next line works. */
START_TEST(one_mib_line)
{
	size_t n = 1u << 20;
	char *big = malloc(n);
	memset(big, 'x', n);
	for (size_t i = 0; i < n; i += 4096) /* in reads of 4 KiB, like a console */
		feed(big + i, 4096);
	ck_assert_int_eq(got.n, 0);
	ck_assert_uint_eq(scr.len, ED_LINE_MAX - 1);
	feeds("\x7f\x1b[A"); /* ignored past the cap: the screen no longer shows the line */
	ck_assert_uint_eq(scr.len, ED_LINE_MAX - 1);
	feeds("\n");
	ck_assert_int_eq(got.n, 1);
	EV(0, ED_DISCARDED);
	const char *tail = scr.buf + ED_LINE_MAX - 1;
	ck_assert_str_eq(tail, "\nnipbox: line too long (more than 4095 characters), discarded\n");
	for (size_t i = 0; i < ED_LINE_MAX - 1; i++)
		ck_assert_int_eq(scr.buf[i], 'x');
	feeds("echo ok\n");
	LINE(1, "echo ok");
	ck_assert_uint_eq(ed.nhist, 1); /* the long line is not in the history */
	free(big);
}
END_TEST

START_TEST(exactly_at_the_cap)
{
	char *l = malloc(ED_LINE_MAX + 1);
	memset(l, 'y', ED_LINE_MAX - 1);
	l[ED_LINE_MAX - 1] = '\n';
	feed(l, ED_LINE_MAX); /* 4095 characters: kept */
	EV(0, ED_LINE);
	ck_assert_uint_eq(strlen(got.line[0]), ED_LINE_MAX - 1);
	memset(l, 'y', ED_LINE_MAX);
	l[ED_LINE_MAX] = '\n';
	feed(l, ED_LINE_MAX + 1); /* 4096: one too many */
	EV(1, ED_DISCARDED);
	feed(l, 10);
	feeds("\x15"); /* Ctrl-U past the cap starts afresh, erasing what was shown */
	feeds("z\n");
	LINE(2, "z");
	free(l);
}
END_TEST

/* Garbage: nothing but printable ASCII, backspace and newline ever reaches the screen,
 * and lines hold printable ASCII only. */
START_TEST(binary_garbage_is_not_echoed_raw)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	uint8_t buf[4096];
	for (int round = 0; round < 64; round++) {
		for (size_t i = 0; i < sizeof(buf); i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[i] = (uint8_t)x;
		}
		enum ed_event ev;
		for (size_t i = 0; i < sizeof(buf); i++) {
			ev = ed_key(&ed, buf[i]);
			if (ev == ED_LINE)
				for (const char *p = ed.line; *p; p++)
					ck_assert(*p >= 0x20 && *p <= 0x7e);
		}
		for (size_t i = 0; i < scr.len; i++) {
			unsigned char c = (unsigned char)scr.buf[i];
			ck_assert_msg((c >= 0x20 && c <= 0x7e) || c == '\b' || c == '\n',
				      "byte %#x reached the screen", c);
		}
		clear_screen();
	}
	/* the bytes that are dropped, one by one: no screen output, nothing kept */
	teardown();
	setup();
	for (int c = 0; c < 256; c++) {
		if ((c >= 0x20 && c <= 0x7e) || c == '\r' || c == '\n' || c == 3 || c == 4 ||
		    c == 8 || c == 0x15 || c == 0x1b || c == 0x7f)
			continue;
		ed_key(&ed, (uint8_t)c);
	}
	screen_is("");
	ck_assert_uint_eq(ed.len, 0);
}
END_TEST

START_TEST(a_nul_byte_is_dropped)
{
	feed("a\0b\n", 4);
	LINE(0, "ab");
	screen_is("ab\n");
}
END_TEST

/* ---- words --------------------------------------------------------------------------------- */

static struct sh_cmd cmd;
static int bgpid; /* $! for the next parse; 0: none */

static void parse_ok(const char *line, int status)
{
	const char *why = NULL;
	struct sh_vars vars = { .status = status, .bgpid = bgpid };
	ck_assert_msg(sh_parse(line, &vars, &cmd, &why) == 0, "%s: %s", line, why);
	ck_assert_ptr_null(cmd.argv[cmd.argc]);
}

static void parse_fails_with(const char *line, int status, const char *why_part)
{
	const char *why = NULL;
	struct sh_vars vars = { .status = status, .bgpid = bgpid };
	ck_assert_int_eq(sh_parse(line, &vars, &cmd, &why), -1);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, why_part), "%s: \"%s\" lacks \"%s\"", line, why, why_part);
}

static void parse_fails(const char *line, const char *why_part)
{
	parse_fails_with(line, 0, why_part);
}

START_TEST(words_split_on_blanks)
{
	parse_ok("  ls\t-l   /bin  ", 0);
	ck_assert_int_eq(cmd.argc, 3);
	ck_assert_str_eq(cmd.argv[0], "ls");
	ck_assert_str_eq(cmd.argv[1], "-l");
	ck_assert_str_eq(cmd.argv[2], "/bin");
	ck_assert_int_eq(cmd.background, 0);
	parse_ok("", 0);
	ck_assert_int_eq(cmd.argc, 0);
	parse_ok("   # only a comment", 0);
	ck_assert_int_eq(cmd.argc, 0);
	parse_ok("echo a#b # c", 0);
	ck_assert_int_eq(cmd.argc, 2);
	ck_assert_str_eq(cmd.argv[1], "a#b");
}
END_TEST

START_TEST(quotes_and_backslashes)
{
	parse_ok("echo 'a  b' \"c  d\" e\\ f '' \"\" x'y'\"z\"", 0);
	ck_assert_int_eq(cmd.argc, 7);
	ck_assert_str_eq(cmd.argv[1], "a  b");
	ck_assert_str_eq(cmd.argv[2], "c  d");
	ck_assert_str_eq(cmd.argv[3], "e f");
	ck_assert_str_eq(cmd.argv[4], "");
	ck_assert_str_eq(cmd.argv[5], "");
	ck_assert_str_eq(cmd.argv[6], "xyz");
	parse_ok("echo '$?' \"\\$? \\\" \\\\ \\n\" \\& \\# trailing\\", 3);
	ck_assert_int_eq(cmd.argc, 6);
	ck_assert_str_eq(cmd.argv[1], "$?");
	ck_assert_str_eq(cmd.argv[2], "$? \" \\ \\n");
	ck_assert_str_eq(cmd.argv[3], "&");
	ck_assert_str_eq(cmd.argv[4], "#");
	ck_assert_str_eq(cmd.argv[5], "trailing\\");
	ck_assert_int_eq(cmd.background, 0);
	parse_fails("echo 'open", "unterminated ' quote");
	parse_fails("echo \"open", "unterminated \" quote");
}
END_TEST

START_TEST(status_expands)
{
	parse_ok("echo $? x$?y \"[$?]\" $ $x", 127);
	ck_assert_int_eq(cmd.argc, 6);
	ck_assert_str_eq(cmd.argv[1], "127");
	ck_assert_str_eq(cmd.argv[2], "x127y");
	ck_assert_str_eq(cmd.argv[3], "[127]");
	ck_assert_str_eq(cmd.argv[4], "$");
	ck_assert_str_eq(cmd.argv[5], "$x");
	parse_ok("echo $?", 0);
	ck_assert_str_eq(cmd.argv[1], "0");
	parse_ok("echo $?", -2147483647 - 1);
	ck_assert_str_eq(cmd.argv[1], "-2147483648");
}
END_TEST

START_TEST(bang_is_the_last_background_pid)
{
	bgpid = 0; /* none yet: $! is empty (the word it stands alone in is then empty) */
	parse_ok("kill $! x$!y", 0);
	ck_assert_int_eq(cmd.argc, 3);
	ck_assert_str_eq(cmd.argv[1], "");
	ck_assert_str_eq(cmd.argv[2], "xy");
	bgpid = 42;
	parse_ok("kill $! \"[$!]\" '$!' \\$! $?", 3);
	ck_assert_int_eq(cmd.argc, 6);
	ck_assert_str_eq(cmd.argv[1], "42");
	ck_assert_str_eq(cmd.argv[2], "[42]");
	ck_assert_str_eq(cmd.argv[3], "$!");
	ck_assert_str_eq(cmd.argv[4], "$!");
	ck_assert_str_eq(cmd.argv[5], "3");
	bgpid = 0;
}
END_TEST

START_TEST(ampersand_runs_in_the_background)
{
	parse_ok("spin &", 0);
	ck_assert_int_eq(cmd.argc, 1);
	ck_assert_int_eq(cmd.background, 1);
	parse_ok("hello a&   # comment", 0);
	ck_assert_int_eq(cmd.argc, 2);
	ck_assert_str_eq(cmd.argv[1], "a");
	ck_assert_int_eq(cmd.background, 1);
	parse_fails("spin & hello", "text after '&'");
	parse_fails("spin && hello", "text after '&'");
	parse_fails("  &", "nothing to run");
}
END_TEST

START_TEST(word_limits)
{
	static char line[8192];
	size_t n = 0;
	for (int i = 0; i < SH_ARGV_MAX; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "w%d ", i);
	parse_ok(line, 0);
	ck_assert_int_eq(cmd.argc, SH_ARGV_MAX);
	strcat(line, "one-too-many");
	parse_fails(line, "too many words (at most 64)");
	/* a 4095-byte line of $? expands past 8 KiB of words: refused, nothing cut */
	for (n = 0; n + 2 <= ED_LINE_MAX - 1; n += 2)
		memcpy(line + n, "$?", 2);
	line[n] = 0;
	parse_fails_with(line, -2147483647 - 1, "too long once $? and $! are expanded");
	ck_assert_int_eq(cmd.argc, 0);
	parse_ok(line, 7); /* one digit each: 2047 bytes, fits */
	ck_assert_int_eq(cmd.argc, 1);
	ck_assert_uint_eq(strlen(cmd.argv[0]), n / 2);
}
END_TEST

/* ---- paths ----------------------------------------------------------------------------------- */

START_TEST(paths_join_and_normalise)
{
	static const struct {
		const char *cwd, *path, *want;
	} cases[] = {
		{ "/", "bin", "/bin" },
		{ "/", ".", "/" },
		{ "/", "..", "/" },
		{ "/bin", "..", "/" },
		{ "/bin", "../etc/motd", "/etc/motd" },
		{ "/bin", "/etc//./motd/", "/etc/motd" },
		{ "/a/b", "../../../c", "/c" },
		{ "/a/b", "", "/a/b" },
		{ "/a", "./b/./c/..", "/a/b" },
		{ "/", "...", "/..." },
	};
	char out[SH_PATH_MAX + 1];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(sh_path_join(cases[i].cwd, cases[i].path, out), 0);
		ck_assert_msg(strcmp(out, cases[i].want) == 0, "%s + %s = %s, want %s",
			      cases[i].cwd, cases[i].path, out, cases[i].want);
	}
}
END_TEST

START_TEST(path_limit)
{
	char p[400], out[SH_PATH_MAX + 1];
	memset(p, 'a', sizeof(p));
	p[0] = '/';
	p[SH_PATH_MAX] = 0; /* "/" + 255 letters: 256 bytes, the limit */
	ck_assert_int_eq(sh_path_join("/", p, out), 0);
	ck_assert_uint_eq(strlen(out), SH_PATH_MAX);
	p[SH_PATH_MAX] = 'a';
	p[SH_PATH_MAX + 1] = 0;
	ck_assert_int_eq(sh_path_join("/", p, out), -1);
	ck_assert_int_eq(sh_path_join(out, "b", out), -1); /* cwd at the limit + more */
	ck_assert_int_eq(sh_path_join(out, "..", out), 0);  /* and back up */
	ck_assert_str_eq(out, "/");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("nipbox-edit");
	TCase *tc = tcase_create("editor");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, typing_echoes_and_enter_finishes);
	tcase_add_test(tc, cr_lf_is_one_enter);
	tcase_add_test(tc, backspace_at_the_start_does_nothing);
	tcase_add_test(tc, ctrl_u_erases_the_line);
	tcase_add_test(tc, ctrl_c_abandons_the_line);
	tcase_add_test(tc, ctrl_d_only_on_an_empty_line);
	tcase_add_test(tc, history_up_and_down);
	tcase_add_test(tc, history_keeps_32_without_repeats_or_empties);
	tcase_add_test(tc, escape_sequences_split_across_reads);
	tcase_add_test(tc, escape_cut_short_by_a_control);
	tcase_add_test(tc, one_mib_line);
	tcase_add_test(tc, exactly_at_the_cap);
	tcase_add_test(tc, binary_garbage_is_not_echoed_raw);
	tcase_add_test(tc, a_nul_byte_is_dropped);
	suite_add_tcase(s, tc);

	TCase *tw = tcase_create("words-paths");
	tcase_add_test(tw, words_split_on_blanks);
	tcase_add_test(tw, quotes_and_backslashes);
	tcase_add_test(tw, status_expands);
	tcase_add_test(tw, bang_is_the_last_background_pid);
	tcase_add_test(tw, ampersand_runs_in_the_background);
	tcase_add_test(tw, word_limits);
	tcase_add_test(tw, paths_join_and_normalise);
	tcase_add_test(tw, path_limit);
	suite_add_tcase(s, tw);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
