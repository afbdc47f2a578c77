/*
 * nipbox — rumpk's shell, process 1. Reads raw console bytes, edits lines (edit.c), splits
 * them into words (parse.c), runs built-ins or signed programs from /bin, and reaps the
 * programs it started in the background. docs/programs.md is its user's guide.
 *
 * THE CONSOLE PROTOCOL (a proposal the kernel side has to confirm; only wait_foreground()
 * and the read in main() depend on it):
 *
 *   - Handle 0 reads raw console bytes: a read blocks until at least one byte has arrived
 *     and returns what arrived (up to its length); 0 means the end of input (the sim's
 *     scripted input ran out). The kernel neither echoes nor edits: that is this file's
 *     job. Handles 1 and 2 write to the console.
 *   - Ctrl-C is delivered by the kernel: when byte 0x03 arrives while process 1 is blocked
 *     in SYS_WAIT for one given pid (a != 0, flags 0), the kernel kills that pid as
 *     SYS_KILL would (a spinning program dies at its next preemption, a blocked one has
 *     its call cut short with EKILLED), writes "^C\n" to the console, and drops the
 *     byte. At any other time 0x03 is queued like any byte, and the line editor takes it
 *     as "abandon this line".
 *   - So the shell waits for a foreground program with a plain blocking WAIT on its pid,
 *     and for background programs only with WAIT_NOHANG: a background program is never
 *     the target of Ctrl-C.
 *
 * Why: while it waits the shell cannot look at the console (there is no non-blocking or
 * timed read), and polling (WAIT_NOHANG + a timed read in a loop) would wake the CPU
 * for as long as a program runs, which Peace mode exists to avoid. Two requests in
 * flight (a READ and a WAIT) would need the kernel to keep blocking requests pending
 * and libnexus to keep answers for other tags. The console's input path already decides
 * whom to wake; checking there "is process 1 blocked waiting for pid P" is a few lines,
 * and the kill is SYS_KILL's own mechanism.
 *
 * Paths: the kernel takes absolute paths and has no working directory; the shell keeps
 * one (cd, pwd) and makes every path absolute before a call. Programs it starts do not
 * inherit it (nothing to inherit it into yet): give them absolute paths.
 */
#include "nexus.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "parse.h"

static struct ed ed;
static struct sh_cmd cmd;
static char cwd[SH_PATH_MAX + 1] = "/";
static int last_status;          /* $? */
static int last_bgpid;           /* $!: 0 until a program runs in the background */
static char iobuf[4096];         /* cat's and the motd's reads */

/* Background programs, for the "done" line (a pid not found here is still reaped). */
#define BG_MAX 16
static struct {
	int pid;
	char name[RUMPK_PROC_NAME_MAX];
} bg[BG_MAX];

/* ---- small helpers --------------------------------------------------------------------- */

/* The editor's screen bytes: into stdout's buffer, written once per console read. */
static void screen(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	for (size_t i = 0; i < n; i++)
		putchar(s[i]);
}

/* "who: what: why", e.g. "cat: /nope: no such file or directory". */
static void fail(const char *who, const char *what, int64_t err)
{
	fprintf(stderr, "%s: %s: %s\n", who, what, nexus_strerror(err));
}

/* Every byte of buf to handle 1, after what stdout holds (so the order stays). */
static int64_t write_all(const char *buf, uint64_t n)
{
	fflush(stdout);
	while (n) {
		int64_t w = nexus_write(1, buf, n);
		if (w <= 0)
			return w < 0 ? w : -RUMPK_EIO;
		buf += w;
		n -= (uint64_t)w;
	}
	return 0;
}

/* path made absolute from the working directory; complains as `who` if it is too long. */
static int absolute(const char *who, const char *path, char *out)
{
	if (sh_path_join(cwd, path, out) == 0)
		return 0;
	fprintf(stderr, "%s: %s: path too long (at most %d bytes)\n", who, path, SH_PATH_MAX);
	return -1;
}

/* A number argument (kill's pid, halt's code): 0, or -1 unless s is an optional '-' and
 * 1..10 decimal digits whose value is in [lo, hi]. */
static int number(const char *s, int64_t lo, int64_t hi, int64_t *v)
{
	int neg = *s == '-', n = 0;
	int64_t x = 0;
	for (s += neg; *s >= '0' && *s <= '9' && n < 11; s++, n++)
		x = x * 10 + (*s - '0');
	x = neg ? -x : x;
	if (*s || n == 0 || n > 10 || x < lo || x > hi)
		return -1;
	*v = x;
	return 0;
}

/* Ends the shell: halts the machine as process 1; a nested shell (halt refused) exits. */
static void quit(int code) __attribute__((noreturn));
static void quit(int code)
{
	fflush(stdout);
	nexus_halt(code);
	exit(code);
}

/* ---- the console protocol's one place (see the top of this file) ----------------------- */

/*
 * wait_foreground — waits until the foreground program `pid` ends; its exit status goes
 * to *status. Returns pid or a negative error. Ctrl-C is the kernel's business while this
 * blocks (the protocol above); if the kernel ends up with another protocol (a timed
 * read, say), this is the one function to change: loop over nexus_wait(pid, status,
 * RUMPK_WAIT_NOHANG) and a look at the console that kills pid on 0x03.
 */
static int wait_foreground(int pid, int *status)
{
	return nexus_wait(pid, status, 0);
}

/* ---- background programs --------------------------------------------------------------- */

static void bg_add(int pid, const char *name)
{
	for (int i = 0; i < BG_MAX; i++)
		if (!bg[i].pid) {
			bg[i].pid = pid;
			strncpy(bg[i].name, name, sizeof(bg[i].name) - 1);
			bg[i].name[sizeof(bg[i].name) - 1] = 0;
			return;
		}
}

/* Reaps every child that has ended (only background ones can have: a foreground one was
 * waited for), one line each. Called before every prompt. */
static void reap(void)
{
	int status, pid;
	while ((pid = nexus_wait(0, &status, RUMPK_WAIT_NOHANG)) > 0) {
		const char *name = "";
		for (int i = 0; i < BG_MAX; i++)
			if (bg[i].pid == pid) {
				bg[i].pid = 0;
				name = bg[i].name;
			}
		printf("[%d] done: %s, exit status %d\n", pid, name, status);
	}
}

/* ---- built-ins ------------------------------------------------------------------------- */

static int b_help(int argc, char **argv);

static int b_echo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf("%s%s", argv[i], i + 1 < argc ? " " : "");
	printf("\n");
	return 0;
}

static int b_pwd(int argc, char **argv)
{
	printf("%s\n", cwd);
	return 0;
}

static int b_cd(int argc, char **argv)
{
	char path[SH_PATH_MAX + 1];
	struct rumpk_stat st;

	if (argc > 2) {
		fprintf(stderr, "cd: too many arguments (usage: cd [dir])\n");
		return 2;
	}
	const char *to = argc == 2 ? argv[1] : "/";
	if (absolute("cd", to, path) < 0)
		return 1;
	int r = nexus_stat(path, &st);
	if (r == 0 && st.type != RUMPK_FT_DIR)
		r = -RUMPK_ENOTDIR;
	if (r < 0) {
		fail("cd", to, r);
		return 1;
	}
	memcpy(cwd, path, strlen(path) + 1);
	return 0;
}

/* One ls line: "name" (a directory with a trailing /) or, with -l, type and permission
 * bits, size and name. mode < 0: stat failed, the bits are shown as unknown. */
static void ls_line(int lflag, uint32_t type, int64_t mode, uint64_t size, const char *name)
{
	int dir = type == RUMPK_FT_DIR;
	if (!lflag) {
		printf("%s%s\n", name, dir ? "/" : "");
		return;
	}
	char m[11] = "----------";
	m[0] = dir ? 'd' : '-';
	for (int i = 0; i < 9; i++)
		if (mode < 0)
			m[1 + i] = '?';
		else if (mode & (0400 >> i))
			m[1 + i] = "rwx"[i % 3];
	printf("%s %8llu %s%s\n", m, (unsigned long long)size, name, dir ? "/" : "");
}

static int b_ls(int argc, char **argv)
{
	char path[SH_PATH_MAX + 1], entry[SH_PATH_MAX + 1];
	struct rumpk_stat st;
	struct rumpk_dirent d;
	int lflag = 0, i = 1, r;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "-l") != 0) {
			fprintf(stderr, "ls: unknown option %s (usage: ls [-l] [dir])\n", argv[i]);
			return 2;
		}
		lflag = 1;
	}
	if (argc - i > 1) {
		fprintf(stderr, "ls: one directory at a time (usage: ls [-l] [dir])\n");
		return 2;
	}
	const char *what = i < argc ? argv[i] : ".";
	if (absolute("ls", what, path) < 0)
		return 1;
	if ((r = nexus_stat(path, &st)) < 0) {
		fail("ls", what, r);
		return 1;
	}
	if (st.type != RUMPK_FT_DIR) {
		ls_line(lflag, st.type, st.mode, st.size, what);
		return 0;
	}
	int h = nexus_open(path, RUMPK_O_DIRECTORY);
	if (h < 0) {
		fail("ls", what, h);
		return 1;
	}
	while ((r = nexus_readdir(h, &d)) > 0) {
		int64_t mode = -1;
		if (lflag && sh_path_join(path, d.name, entry) == 0 && nexus_stat(entry, &st) == 0)
			mode = st.mode;
		ls_line(lflag, d.type, mode, d.size, d.name);
	}
	nexus_close(h);
	if (r < 0) {
		fail("ls", what, r);
		return 1;
	}
	return 0;
}

/* Copies the file at absolute `path` to the console; errors name `what`. */
static int cat_one(const char *who, const char *what, const char *path)
{
	int64_t n, w = 0;
	int h = nexus_open(path, 0);
	if (h < 0) {
		fail(who, what, h);
		return 1;
	}
	while ((n = nexus_read(h, iobuf, sizeof(iobuf))) > 0)
		if ((w = write_all(iobuf, (uint64_t)n)) < 0)
			break;
	nexus_close(h);
	if (n < 0 || w < 0) {
		fail(who, what, n < 0 ? n : w);
		return 1;
	}
	return 0;
}

static int b_cat(int argc, char **argv)
{
	char path[SH_PATH_MAX + 1];
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "cat: no file named (usage: cat FILE...)\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (absolute("cat", argv[i], path) < 0)
			status = 1;
		else
			status |= cat_one("cat", argv[i], path);
	}
	return status;
}

static int b_ps(int argc, char **argv)
{
	static struct rumpk_procinfo p[64];
	static const char *const states[] = { "?", "run", "blocked", "zombie" };
	int n = nexus_ps(p, 64);

	if (n < 0) {
		fprintf(stderr, "ps: %s\n", nexus_strerror(n));
		return 1;
	}
	printf("  PID  PPID STATE       CPU(s)       HEAP NAME\n");
	for (int i = 0; i < n; i++) {
		uint64_t ms = p[i].cpu_ns / 1000000u;
		printf("%5u %5u %-7s %6llu.%03llu %10llu %.*s\n", p[i].pid, p[i].ppid,
		       p[i].state <= RUMPK_PROC_ZOMBIE ? states[p[i].state] : "?",
		       (unsigned long long)(ms / 1000), (unsigned long long)(ms % 1000),
		       (unsigned long long)p[i].heap, RUMPK_PROC_NAME_MAX, p[i].name);
	}
	return 0;
}

static int b_kill(int argc, char **argv)
{
	int64_t pid;
	if (argc != 2) {
		fprintf(stderr, "kill: usage: kill PID\n");
		return 2;
	}
	if (number(argv[1], 1, INT32_MAX, &pid) < 0) {
		fprintf(stderr, "kill: %s: not a process id\n", argv[1]);
		return 2;
	}
	int r = nexus_kill((int)pid);
	if (r < 0) {
		fail("kill", argv[1], r);
		return 1;
	}
	return 0;
}

/*
 * stats: struct rumpk_stats, one "name value" line per field, names as in abi.h (the
 * session tests' leak gate reads them by name: keep them stable). The kernel writes
 * min(size, sizeof) bytes and says how many: a field past what it wrote is not printed,
 * so an older kernel shows fewer lines, never zeros it did not send.
 */
#define STAT(f) { #f, offsetof(struct rumpk_stats, f) }
static const struct {
	const char *name;
	unsigned off;
} stat_fields[] = {
	STAT(uptime_ns), STAT(mem_total_pages), STAT(mem_free_pages), STAT(mem_objects),
	STAT(procs_live), STAT(procs_zombies), STAT(procs_spawned), STAT(procs_killed),
	STAT(faults), STAT(packets), STAT(packets_refused), STAT(ring_slots), STAT(fibers),
	STAT(switches), STAT(idles), STAT(gov_to_war), STAT(gov_to_peace), STAT(gov_rate),
	STAT(console_in), STAT(console_dropped), STAT(console_out), STAT(spaces_live),
	STAT(handles_open),
};
#undef STAT

static int b_stats(int argc, char **argv)
{
	static struct rumpk_stats s;
	int64_t r = nexus_call(RUMPK_SYS_STATS, 0, sizeof(s), (uint64_t)(uintptr_t)&s, 0);

	if (argc != 1) {
		fprintf(stderr, "stats: usage: stats\n");
		return 2;
	}
	if (r == -RUMPK_ENOSYS) {
		printf("stats: not available\n"); /* a kernel without SYS_STATS */
		return 1;
	}
	if (r < 0) {
		fprintf(stderr, "stats: %s\n", nexus_strerror(r));
		return 1;
	}
	if (r < 8) {
		fprintf(stderr, "stats: the kernel answered %lld bytes, fewer than a header\n",
			(long long)r);
		return 1;
	}
	printf("version %u\n", (unsigned)s.version);
	printf("flags %#x%s%s\n", (unsigned)s.flags,
	       s.flags & RUMPK_STATS_ENTROPY_WEAK ? " entropy-weak" : "",
	       s.flags & RUMPK_STATS_WAR ? " war" : "");
	for (unsigned i = 0; i < sizeof(stat_fields) / sizeof(stat_fields[0]); i++) {
		if (stat_fields[i].off + sizeof(uint64_t) > (uint64_t)r)
			break;
		uint64_t v;
		memcpy(&v, (const char *)&s + stat_fields[i].off, sizeof(v));
		printf("%s %llu\n", stat_fields[i].name, (unsigned long long)v);
	}
	return 0;
}

static int b_halt(int argc, char **argv)
{
	int64_t code = 0;
	if (argc > 2 || (argc == 2 && number(argv[1], INT32_MIN, INT32_MAX, &code) < 0)) {
		fprintf(stderr, "halt: usage: halt [code] (a number)\n");
		return 2;
	}
	fflush(stdout);
	int r = nexus_halt((int)code);
	fprintf(stderr, "halt: %s\n", nexus_strerror(r)); /* only process 1 may halt */
	return 1;
}

static const struct builtin {
	const char *name, *usage, *what;
	int (*run)(int argc, char **argv);
} builtins[] = {
	{ "help", "help", "this list", b_help },
	{ "ls", "ls [-l] [dir]", "list a directory (-l: type, permissions, size)", b_ls },
	{ "cat", "cat FILE...", "print files", b_cat },
	{ "echo", "echo [word...]", "print the words", b_echo },
	{ "ps", "ps", "list processes: pid, parent, state, CPU time, heap, name", b_ps },
	{ "kill", "kill PID", "end a process", b_kill },
	{ "stats", "stats", "the kernel's statistics", b_stats },
	{ "halt", "halt [code]", "stop the machine with an exit code (default 0)", b_halt },
	{ "cd", "cd [dir]", "change the working directory (default /)", b_cd },
	{ "pwd", "pwd", "print the working directory", b_pwd },
};
#define NBUILTINS (sizeof(builtins) / sizeof(builtins[0]))

static int b_help(int argc, char **argv)
{
	printf("Built-ins:\n");
	for (unsigned i = 0; i < NBUILTINS; i++)
		printf("  %-14s %s\n", builtins[i].usage, builtins[i].what);
	printf("Anything else runs /bin/NAME with its arguments (a name with a / is a path);\n"
	       "a line ending in & runs it in the background. $? is the last exit status,\n"
	       "$! the pid of the last background program;\n"
	       "'...' and \"...\" quote. Keys: backspace, Ctrl-U (erase line), Ctrl-C (cancel\n"
	       "the line, or end the program running), up/down (history), Ctrl-D on an empty\n"
	       "line halts.\n");
	return 0;
}

/* ---- running a line -------------------------------------------------------------------- */

/* Runs argv as a program: /bin/NAME, or a path if the name has a slash. Returns $?. */
static int run_program(char **argv, int background)
{
	char path[SH_PATH_MAX + 1];
	const char *name = argv[0];
	int slash = strchr(name, '/') != NULL;

	if (slash ? absolute("nipbox", name, path) < 0
		  : snprintf(path, sizeof(path), "/bin/%s", name) >= (int)sizeof(path)) {
		if (!slash)
			fprintf(stderr, "nipbox: %s: command not found (name too long)\n", name);
		return 126;
	}
	int pid = nexus_spawn(path, (const char *const *)argv);
	if (pid == -RUMPK_ENOENT && !slash) {
		fprintf(stderr, "nipbox: %s: command not found\n", name);
		return 127;
	}
	if (pid < 0) {
		fail("exec", path, pid);
		return pid == -RUMPK_ENOENT ? 127 : 126;
	}
	if (background) {
		bg_add(pid, name);
		last_bgpid = pid;
		printf("[%d] %s\n", pid, name);
		return 0;
	}
	int status = 0, r = wait_foreground(pid, &status);
	if (r < 0) {
		fprintf(stderr, "nipbox: waiting for %s (pid %d): %s\n", name, pid,
			nexus_strerror(r));
		return 1;
	}
	return status;
}

static void run_line(const char *line)
{
	const char *why;

	struct sh_vars vars = { .status = last_status, .bgpid = last_bgpid };

	if (sh_parse(line, &vars, &cmd, &why) < 0) {
		fprintf(stderr, "nipbox: %s\n", why);
		last_status = 2;
		return;
	}
	if (!cmd.argc)
		return;
	for (unsigned i = 0; i < NBUILTINS; i++)
		if (strcmp(cmd.argv[0], builtins[i].name) == 0) {
			if (cmd.background) {
				fprintf(stderr, "nipbox: %s: a built-in cannot run in the background\n",
					cmd.argv[0]);
				last_status = 2;
			} else {
				last_status = builtins[i].run(cmd.argc, cmd.argv);
			}
			return;
		}
	last_status = run_program(cmd.argv, cmd.background);
}

static void prompt(void)
{
	reap();
	printf("nipbox:%s$ ", cwd);
}

int main(int argc, char **argv, char **envp)
{
	static uint8_t in[512];

	ed_init(&ed, screen, NULL);
	struct rumpk_stat st;
	if (nexus_stat("/etc/motd", &st) == 0) /* the welcome text, if the initrd has one */
		cat_one("nipbox", "/etc/motd", "/etc/motd");
	prompt();
	for (;;) {
		fflush(stdout);
		int64_t n = nexus_read(0, in, sizeof(in));
		if (n == 0) {
			printf("\n"); /* the end of input: as Ctrl-D, the prompt's line ended */
			quit(0);
		}
		if (n < 0) {
			fprintf(stderr, "nipbox: reading the console: %s\n", nexus_strerror(n));
			quit(1);
		}
		for (int64_t i = 0; i < n; i++) {
			switch (ed_key(&ed, in[i])) {
			case ED_NONE:
				continue;
			case ED_LINE:
				run_line(ed.line);
				break;
			case ED_EOF:
				printf("\n");
				quit(0);
			case ED_CANCEL:
			case ED_DISCARDED:
				break;
			}
			prompt();
		}
	}
}
