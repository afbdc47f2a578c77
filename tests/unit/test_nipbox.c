/*
 * test_nipbox.c — the shell (src/user/nipbox) run whole on the host, before any kernel can
 * run it: its calls go through the real membrane (libnexus sys.c, calls.c) and the
 * kernel's real drain (syscall.c), and a scripted fake kernel answers the packets. Files
 * are the real VFS over the fake machine's initrd (every signed program in /bin, and
 * etc/motd); the console is a list of reads; programs "run" as the fake says (hello
 * prints its arguments, spin runs until killed, a Ctrl-C during a foreground wait kills
 * it as docs/programs.md proposes, ldtest is refused as unsigned).
 *
 * nipbox.c's main is renamed nipbox_main for this file only (a compile definition); its
 * stdio is glibc's here, pointed at the same transcript as the WRITE packets.
 */
#define _GNU_SOURCE
#include <check.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_hal.h"
#include "mem.h"
#include "nexus.h"
#include "syscall.h"
#include "tarfs.h"
#include "vfs.h"

int nipbox_main(int argc, char **argv, char **envp);

#define PROV 0x0badc0ffee0ddf00ull

/* ---- the transcript: WRITE packets and glibc's stdout/stderr, in order -------------------- */

static char *out;
static size_t outlen, outcap;

static void put(const char *s, size_t n)
{
	if (outlen + n + 1 > outcap) {
		outcap = (outlen + n + 1) * 2;
		out = realloc(out, outcap);
	}
	memcpy(out + outlen, s, n);
	outlen += n;
	out[outlen] = 0;
}

static ssize_t cookie_write(void *c, const char *buf, size_t n)
{
	(void)c;
	put(buf, n);
	return (ssize_t)n;
}

/* ---- the fake kernel --------------------------------------------------------------------- */

static const char *const *script; /* console reads, NULL-terminated */
static size_t script_pos;
static jmp_buf halted;
static int halt_code = -1;

#define KIDS 16
static struct kid {
	int pid, alive, reaped, status;
	char name[32];
} kids[KIDS];
static int nkids;

static unsigned char *page;
static struct sys_rings kr;
static struct sys_counters counters;

static struct kid *kid(int pid)
{
	for (int i = 0; i < nkids; i++)
		if (kids[i].pid == pid)
			return &kids[i];
	return NULL;
}

static int64_t exec(const struct rumpk_exec_args *x)
{
	const char *path = (const char *)(uintptr_t)x->path;
	const char *const *argv = (const char *const *)(uintptr_t)x->argv;
	struct rumpk_stat st;
	int r = vfs_stat(path, &st);
	if (r < 0)
		return r;
	const char *name = strrchr(path, '/') + 1;
	if (strcmp(name, "ldtest") == 0)
		return -RUMPK_EPERM; /* as if not signed */
	struct kid *k = &kids[nkids++];
	k->pid = nkids + 1;
	snprintf(k->name, sizeof(k->name), "%s", name);
	k->alive = strcmp(name, "spin") == 0;
	k->status = 0;
	if (strcmp(name, "hello") == 0) {
		put("hello\n", 6);
		for (uint32_t i = 1; i < x->argc; i++) {
			put(argv[i], strlen(argv[i]));
			put("\n", 1);
		}
	}
	if (strcmp(name, "crash") == 0)
		k->status = 139;
	return k->pid;
}

static int64_t wait_for(uint32_t pid, uint32_t flags, uint32_t *a2)
{
	struct kid *k = NULL;
	if (pid) {
		k = kid((int)pid);
		if (!k || k->reaped)
			return -RUMPK_ECHILD;
		ck_assert_uint_eq(flags, 0); /* the shell waits for a foreground program so */
		if (k->alive) {
			/* a blocking wait on a program that does not end: the test's user presses
			 * Ctrl-C; the kernel kills it and says so (the proposed protocol) */
			k->alive = 0;
			k->status = 130;
			put("^C\n", 3);
		}
	} else {
		ck_assert_uint_eq(flags, RUMPK_WAIT_NOHANG); /* background programs: never blocks */
		int any = 0;
		for (int i = 0; i < nkids && !k; i++) {
			any |= !kids[i].reaped;
			if (!kids[i].reaped && !kids[i].alive)
				k = &kids[i];
		}
		if (!k)
			return any ? -RUMPK_EAGAIN : -RUMPK_ECHILD;
	}
	k->reaped = 1;
	*a2 = (uint32_t)k->status;
	return k->pid;
}

static int64_t mechanism(void *ctx, const struct sys_call *c, uint32_t *a2)
{
	(void)ctx;
	void *p = (void *)(uintptr_t)c->arg;
	switch (c->kind) {
	case RUMPK_SYS_WRITE:
		if (c->a != 1 && c->a != 2)
			return -RUMPK_EBADF;
		put(p, c->b);
		return c->b;
	case RUMPK_SYS_READ:
		if (c->a == 0) {
			const char *s = script[script_pos];
			if (!s)
				return 0; /* the end of input */
			size_t n = strlen(s);
			ck_assert_uint_le(n, c->b);
			memcpy(p, s, n);
			script_pos++;
			return (int64_t)n;
		}
		return c->a >= 3 ? vfs_read((int)c->a - 3, p, c->b) : -RUMPK_EBADF;
	case RUMPK_SYS_OPEN: {
		int h = vfs_open(p, c->a);
		return h < 0 ? h : h + 3;
	}
	case RUMPK_SYS_CLOSE:
		return vfs_close((int)c->a - 3);
	case RUMPK_SYS_READDIR:
		return vfs_readdir((int)c->a - 3, p);
	case RUMPK_SYS_STAT: {
		const struct rumpk_stat_args *s = p;
		return vfs_stat((const char *)(uintptr_t)s->path, (void *)(uintptr_t)s->out);
	}
	case RUMPK_SYS_EXEC:
		return exec(p);
	case RUMPK_SYS_WAIT:
		return wait_for(c->a, c->b, a2);
	case RUMPK_SYS_KILL: {
		struct kid *k = kid((int)c->a);
		if (c->a == 1)
			return -RUMPK_EPERM;
		if (!k || !k->alive)
			return -RUMPK_ESRCH;
		k->alive = 0;
		k->status = 137;
		return 0;
	}
	case RUMPK_SYS_PS: {
		struct rumpk_procinfo *pi = p;
		uint32_t n = 0;
		memset(pi, 0, c->b * sizeof(*pi));
		pi[n++] = (struct rumpk_procinfo){ .pid = 1, .state = RUMPK_PROC_BLOCKED,
						   .cpu_ns = 1234567890, .heap = 65536,
						   .name = "nipbox" };
		for (int i = 0; i < nkids && n < c->b; i++)
			if (!kids[i].reaped) {
				pi[n] = (struct rumpk_procinfo){ .pid = (uint32_t)kids[i].pid, .ppid = 1,
								 .state = kids[i].alive ? RUMPK_PROC_RUNNABLE
											: RUMPK_PROC_ZOMBIE };
				snprintf(pi[n].name, sizeof(pi[n].name), "%s", kids[i].name);
				n++;
			}
		return n;
	}
	case RUMPK_SYS_GETPID:
		return 1;
	case RUMPK_SYS_HALT:
		halt_code = (int)c->a;
		longjmp(halted, 1); /* the machine stops: nothing after this runs */
	default:
		return -RUMPK_ENOSYS; /* STATS too: its layout is not defined yet */
	}
}

static void doorbell(void)
{
	ck_assert_int_ge(sys_drain(&kr, PROV, 1000, mechanism, NULL, &counters), 0);
}

static void setup(void)
{
	char why[128];
	struct rumpk_boot_info bi;
	struct tarfs *fs;
	struct tar_error e;
	size_t size;
	const void *initrd;

	fake_reset();
	fake_boot_info(&bi, "");
	ck_assert_int_eq(mem_init(&bi, why, sizeof(why)), 0);
	initrd = fake_initrd(&size);
	ck_assert_msg(tar_mount(initrd, size, &fs, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(vfs_mount("/", &tar_vfs_ops, fs), 0);

	page = aligned_alloc(4096, RUMPK_RING_PAGE_SIZE);
	memset(page, 0, RUMPK_RING_PAGE_SIZE);
	struct rumpk_ring_hdr *sq = (void *)(page + RUMPK_SQ_OFFSET);
	struct rumpk_ring_hdr *cq = (void *)(page + RUMPK_CQ_OFFSET);
	ck_assert_int_eq(ring_format(sq, RUMPK_SQ_SLOTS), 0);
	ck_assert_int_eq(ring_format(cq, RUMPK_CQ_SLOTS), 0);
	sys_rings_own(&kr, sq, RUMPK_SQ_SLOTS, cq, RUMPK_CQ_SLOTS);
	sq->flags = RUMPK_RING_NEED_WAKEUP;
	nexus_sys_attach(page, PROV, doorbell);

	cookie_io_functions_t io = { .write = cookie_write };
	stdout = fopencookie(NULL, "w", io);
	stderr = fopencookie(NULL, "w", io);
	setvbuf(stdout, NULL, _IONBF, 0);
	setvbuf(stderr, NULL, _IONBF, 0);
}

/* Runs the shell over the console reads in `reads` until it halts; returns the code. */
static int session(const char *const *reads)
{
	static char *argv[] = { "nipbox", NULL }, *envp[] = { NULL };
	script = reads;
	script_pos = 0;
	outlen = 0;
	put("", 0);
	if (setjmp(halted) == 0) {
		nipbox_main(1, argv, envp);
		ck_abort_msg("nipbox returned from main");
	}
	if (getenv("NIPBOX_TRANSCRIPT")) /* to read a session: NIPBOX_TRANSCRIPT=1 test_nipbox */
		(void)!write(2, out, outlen);
	return halt_code;
}

/* The transcript holds each of `parts` in order (NULL-terminated). */
static void in_order(const char *const *parts)
{
	const char *at = out;
	for (; *parts; parts++) {
		const char *f = strstr(at, *parts);
		ck_assert_msg(f, "\"%s\" not found (in order) in the transcript:\n%s", *parts, out);
		at = f + strlen(*parts);
	}
}

static void absent(const char *s)
{
	ck_assert_msg(!strstr(out, s), "\"%s\" in the transcript:\n%s", s, out);
}

#define PROMPT "nipbox:/$ "

/* ---- sessions ------------------------------------------------------------------------------- */

START_TEST(motd_prompt_and_end_of_input)
{
	static const char *const in[] = { NULL };
	ck_assert_int_eq(session(in), 0);
	ck_assert_str_eq(out, FAKE_MOTD PROMPT "\n"); /* the end of input ends the prompt's line */
}
END_TEST

START_TEST(ctrl_d_on_an_empty_line_halts_with_0)
{
	static const char *const in[] = { "ab\x04", "\x15", "\x04", "echo never\n", NULL };
	ck_assert_int_eq(session(in), 0);
	ck_assert_str_eq(out, FAKE_MOTD PROMPT "ab\b \b\b \b\n");
}
END_TEST

START_TEST(builtins)
{
	static const char *const in[] = {
		"echo one 'two  three' \"$?\"\n", "pwd\n", "cd /bin\n", "pwd\n", "cd ../etc\n",
		"cat motd\n", "cd nope\n", "cd /etc/motd\n", "cat /nope /etc\n", "echo $?\n",
		"cd\n", "ls\n", "ls -l etc\n", "ls -x\n", "ls /etc/motd\n", "help\n", "stats\n",
		"echo $?\n", "halt 3\n", NULL
	};
	ck_assert_int_eq(session(in), 3);
	static const char *const want[] = {
		PROMPT "echo one 'two  three' \"$?\"\none two  three 0\n",
		PROMPT "pwd\n/\n", "nipbox:/bin$ pwd\n/bin\n",
		"nipbox:/etc$ cat motd\n" FAKE_MOTD,
		"cd: nope: no such file or directory\n",
		"cd: /etc/motd: not a directory\n",
		"cat: /nope: no such file or directory\ncat: /etc: is a directory\n",
		"echo $?\n1\n",
		PROMPT "ls\nbin/\netc/\n",
		"ls -l etc\n-rw-r--r--       29 motd\n",
		"ls: unknown option -x (usage: ls [-l] [dir])\n",
		"ls /etc/motd\n/etc/motd\n",
		"  kill PID       end a process\n",
		"stats\nstats: not available\n", "echo $?\n1\n", PROMPT "halt 3\n",
		NULL
	};
	in_order(want);
}
END_TEST

START_TEST(ls_l_lists_bin)
{
	static const char *const in[] = { "ls -l /bin\n", NULL };
	session(in);
	for (size_t i = 0; i < fake_bin_count(); i++) {
		char line[64];
		snprintf(line, sizeof(line), " %s\n", fake_bin_programs[i]);
		ck_assert_msg(strstr(out, line), "%s not listed:\n%s", fake_bin_programs[i], out);
	}
	static const char *const want[] = { "ls -l /bin\n-r", NULL };
	in_order(want);
}
END_TEST

START_TEST(programs_and_errors)
{
	static const char *const in[] = {
		"hello a 'b c'\n", "echo $?\n", "frob x\n", "echo $?\n", "ldtest\n", "echo $?\n",
		"/bin/nope\n", "./hello\n", "crash null\n", "echo $?\n", NULL
	};
	ck_assert_int_eq(session(in), 0);
	static const char *const want[] = {
		"hello a 'b c'\nhello\na\nb c\n", "echo $?\n0\n",
		"frob x\nnipbox: frob: command not found\n", "echo $?\n127\n",
		"ldtest\nexec: /bin/ldtest: not permitted\n", "echo $?\n126\n",
		"/bin/nope\nexec: /bin/nope: no such file or directory\n",
		"./hello\nexec: /hello: no such file or directory\n",
		"crash null\n", "echo $?\n139\n", NULL
	};
	in_order(want);
}
END_TEST

START_TEST(background_kill_ps_and_reaping)
{
	static const char *const in[] = {
		"spin &\n", "hello x &\n", "ps\n", "kill 2\n", "kill 2\n", "kill 1\n",
		"kill 2x\n", "echo $?\n", "echo done\n", "ps\n", "pwd &\n", NULL
	};
	ck_assert_int_eq(session(in), 0);
	static const char *const want[] = {
		"spin &\n[2] spin\n" PROMPT,
		"hello x &\nhello\nx\n[3] hello\n[3] done: hello, exit status 0\n" PROMPT,
		"ps\n  PID  PPID STATE       CPU(s)       HEAP NAME\n"
		"    1     0 blocked      1.234      65536 nipbox\n"
		"    2     1 run          0.000          0 spin\n",
		"kill 2\n[2] done: spin, exit status 137\n" PROMPT,
		"kill 2\nkill: 2: no such process\n",
		"kill 1\nkill: 1: not permitted\n",
		"kill 2x\nkill: 2x: not a process id\n", "echo $?\n2\n",
		"ps\n  PID  PPID STATE       CPU(s)       HEAP NAME\n"
		"    1     0 blocked      1.234      65536 nipbox\n" PROMPT,
		"pwd &\nnipbox: pwd: a built-in cannot run in the background\n", NULL
	};
	in_order(want);
	absent("[3] done: hello, exit status 0\n[3]");
}
END_TEST

START_TEST(ctrl_c_ends_the_foreground_program)
{
	static const char *const in[] = { "spin\n", "echo $?\n", "abc\x03", "echo $?\n", NULL };
	ck_assert_int_eq(session(in), 0);
	static const char *const want[] = { PROMPT "spin\n^C\n" PROMPT "echo $?\n130\n",
					    PROMPT "abc^C\n" PROMPT "echo $?\n0\n", NULL };
	in_order(want);
}
END_TEST

/* 1 MiB on one line, in console-sized reads: 4095 characters echoed, one error line,
 * nothing run, and the next line works. */
START_TEST(a_one_mib_line)
{
	static char chunk[513];
	static const char *in[2048 + 3];
	memset(chunk, 'x', 512);
	size_t n = 0;
	while (n < 2048)
		in[n++] = chunk;
	in[n++] = "\n";
	in[n++] = "echo after\n";
	in[n] = NULL;
	ck_assert_int_eq(session(in), 0);
	static const char *const want[] = {
		PROMPT, "\nnipbox: line too long (more than 4095 characters), discarded\n" PROMPT
		"echo after\nafter\n", NULL
	};
	in_order(want);
	const char *x = strstr(out, PROMPT) + strlen(PROMPT);
	ck_assert_uint_eq(strspn(x, "x"), 4095);
	ck_assert_uint_eq(counters.packets < 3000, 1); /* echo is one WRITE per read, at most */
}
END_TEST

START_TEST(syntax_errors)
{
	static const char *const in[] = { "echo 'open\n", "echo $?\n", "spin & hello\n",
					  "   # nothing\n", "&\n", NULL };
	ck_assert_int_eq(session(in), 0);
	static const char *const want[] = {
		"nipbox: unterminated ' quote\n", "echo $?\n2\n",
		"nipbox: text after '&' (it must end the line)\n", "# nothing\n" PROMPT,
		"nipbox: nothing to run before '&'\n", NULL
	};
	in_order(want);
}
END_TEST

int main(int argc, char **argv, char **envp) /* nexus.h declares a program's main so */
{
	(void)argc;
	(void)argv;
	(void)envp;
	Suite *s = suite_create("nipbox");
	TCase *tc = tcase_create("sessions");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, motd_prompt_and_end_of_input);
	tcase_add_test(tc, ctrl_d_on_an_empty_line_halts_with_0);
	tcase_add_test(tc, builtins);
	tcase_add_test(tc, ls_l_lists_bin);
	tcase_add_test(tc, programs_and_errors);
	tcase_add_test(tc, background_kill_ps_and_reaping);
	tcase_add_test(tc, ctrl_c_ends_the_foreground_program);
	tcase_add_test(tc, a_one_mib_line);
	tcase_add_test(tc, syntax_errors);
	suite_add_tcase(s, tc);
	return unit_main(s);
}
