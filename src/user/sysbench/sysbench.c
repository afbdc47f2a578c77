/*
 * sysbench [-n COUNT] [-b BATCH] [-s SPAWNS] [-p PROGRAM] [-t] — times the system call
 * paths a program uses, with the kernel's clock (nexus_time_ns), and prints one
 * machine-readable line per figure for bench/bench_user.sh, which runs it alternately with
 * its Linux peer (bench/user_peer.c) and takes the ratios, and for bench/bench_bare.py
 * (the same figures on QEMU):
 *
 *   sysbench: getpid_peace n=N ns=T war=W   N getpids, one nexus_call each, started right
 *                                           after 150 ms without packets (the governor is at
 *                                           Peace: every call rings the doorbell)
 *   sysbench: getpid n=N ns=T war=W         N getpids, one nexus_call each, after a warm-up
 *   sysbench: getpid_batch b=B n=N ns=T war=W  N getpids in batches of B (nexus_call_many),
 *                                           after a warm-up that lets the governor go to War
 *   sysbench: spawn_first ns=T status=S     the boot's first spawn + wait of PROGRAM
 *   sysbench: spawn n=S ns=T                S more spawn + wait of PROGRAM
 *
 * T is the total for the line; war=1 when the kernel's statistics said War mode at the
 * end of the timed loop. PROGRAM is /bin/true unless -p names another (run without
 * arguments; its exit status must be 0). -t adds ticks=K to every line: the same interval
 * read from the machine's own counter in user mode (riscv64 rdtime, aarch64 cntvct_el0,
 * x86_64 rdtsc), so the guest's figures need no kernel clock. The kernel remembers accepted images (exec_check_cached): a
 * repeated spawn reads and hashes /bin/true but skips its signature check, then validates
 * and loads it again. Every getpid answer is checked. No floating
 * point (rv64imac has no runtime for it). Defaults: -n 100000 -b 16 -s 200.
 */
#include <nexus.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_MAX 1024
static struct rumpk_packet reqs[BATCH_MAX];
static int64_t res[BATCH_MAX];

static int fail(const char *what, int64_t err)
{
	fprintf(stderr, "sysbench: %s: %s\n", what, nexus_strerror(err));
	return 1;
}

/* 1 if the governor is in War mode now, 0 if not, negative if the kernel cannot say. */
static int war(void)
{
	struct rumpk_stats st;
	memset(&st, 0, sizeof(st));
	int64_t r = nexus_call(RUMPK_SYS_STATS, 0, sizeof(st), (uint64_t)(uintptr_t)&st, 0);
	if (r < 0)
		return (int)r;
	return (st.flags & RUMPK_STATS_WAR) != 0;
}

/* n getpids one at a time; 0 or a negative error (a wrong pid is -RUMPK_EIO). */
static int64_t singles(uint64_t n, int64_t pid)
{
	for (uint64_t i = 0; i < n; i++) {
		int64_t r = nexus_call(RUMPK_SYS_GETPID, 0, 0, 0, 0);
		if (r != pid)
			return r < 0 ? r : -RUMPK_EIO;
	}
	return 0;
}

/* n getpids in batches of b. */
static int64_t batches(uint64_t n, uint32_t b, int64_t pid)
{
	while (n) {
		uint32_t k = (uint32_t)(n < b ? n : b);
		memset(reqs, 0, k * sizeof(reqs[0]));
		for (uint32_t i = 0; i < k; i++)
			reqs[i].kind = RUMPK_SYS_GETPID;
		int r = nexus_call_many(reqs, res, k);
		if (r < 0)
			return r;
		for (uint32_t i = 0; i < k; i++)
			if (res[i] != pid)
				return res[i] < 0 ? res[i] : -RUMPK_EIO;
		n -= k;
	}
	return 0;
}

static int show_ticks;

/* The machine's counter as user code reads it (only with -t: reading it must be allowed). */
static uint64_t ticks(void)
{
	uint64_t t;
#if defined(__riscv)
	__asm__ volatile("rdtime %0" : "=r"(t));
#elif defined(__aarch64__)
	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(t));
#else
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	t = (uint64_t)hi << 32 | lo;
#endif
	return t;
}

/* A timed interval: the kernel's clock, and with -t the machine's counter. */
struct span {
	int64_t ns0, ns;
	uint64_t tk0, tk;
};

static void span_start(struct span *sp)
{
	sp->tk0 = show_ticks ? ticks() : 0;
	sp->ns0 = nexus_time_ns();
}

static void span_stop(struct span *sp)
{
	sp->ns = nexus_time_ns() - sp->ns0;
	sp->tk = show_ticks ? ticks() - sp->tk0 : 0;
}

/* " ticks=K" with -t, else nothing. */
static const char *tick_field(const struct span *sp)
{
	static char buf[40];
	buf[0] = '\0';
	if (show_ticks)
		snprintf(buf, sizeof(buf), " ticks=%llu", (unsigned long long)sp->tk);
	return buf;
}

static const char *program = "/bin/true";

/* spawn PROGRAM and wait for it; its exit status, or a negative error. */
static int spawn_true(void)
{
	const char *name = strrchr(program, '/') ? strrchr(program, '/') + 1 : program;
	const char *const argv[] = { name, 0 };
	int status = -1;
	int pid = nexus_spawn(program, argv);
	if (pid < 0)
		return pid;
	int r = nexus_wait(pid, &status, 0);
	return r < 0 ? r : status;
}

static int option(const char *flag, const char *arg, uint64_t lo, uint64_t hi, uint64_t *v)
{
	char *end;
	if (arg && nexus_strtou64(arg, &end, 10, v) == 0 && !*end && *v >= lo && *v <= hi)
		return 0;
	fprintf(stderr, "sysbench: %s needs a number from %llu to %llu, not %s\n", flag,
		(unsigned long long)lo, (unsigned long long)hi, arg ? arg : "nothing");
	return -1;
}

int main(int argc, char **argv, char **envp)
{
	uint64_t n = 100000, b = 16, s = 200;
	(void)envp;

	for (int i = 1; i < argc; i += 2) {
		const char *arg = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "-t") == 0) {
			show_ticks = 1;
			i--;
			continue;
		}
		if (strcmp(argv[i], "-p") == 0 && arg) {
			program = arg;
			continue;
		}
		uint64_t *v = strcmp(argv[i], "-n") == 0 ? &n : strcmp(argv[i], "-b") == 0 ? &b
			    : strcmp(argv[i], "-s") == 0 ? &s : NULL;
		if (!v) {
			fprintf(stderr, "sysbench: unknown argument %s (usage: sysbench [-n COUNT] "
					"[-b BATCH] [-s SPAWNS] [-p PROGRAM] [-t])\n", argv[i]);
			return 2;
		}
		if (option(argv[i], arg, 1, v == &b ? BATCH_MAX : 100000000, v) < 0)
			return 2;
	}
	int64_t pid = nexus_getpid();
	if (pid < 0)
		return fail("getpid", pid);

	/* the first spawn of this boot, before anything else warms the kernel */
	struct span sp;
	span_start(&sp);
	int st = spawn_true();
	span_stop(&sp);
	if (st < 0)
		return fail("spawn", st);
	printf("sysbench: spawn_first ns=%lld status=%d%s\n", (long long)sp.ns, st, tick_field(&sp));

	/* Peace: 150 ms without packets (more than the governor's 100 ms quiet time), then a
	 * burst short enough (1,000 calls) to end before two busy 10 ms windows pass */
	int64_t r = nexus_sleep_ns(150000000ull);
	if (r < 0)
		return fail("sleep", r);
	uint64_t np = n < 1000 ? n : 1000;
	span_start(&sp);
	r = singles(np, pid);
	span_stop(&sp);
	if (r < 0)
		return fail("getpid", r);
	printf("sysbench: getpid_peace n=%llu ns=%lld war=%d%s\n", (unsigned long long)np,
	       (long long)sp.ns, war(), tick_field(&sp));

	/* one packet per call, after a warm-up of a tenth */
	if ((r = singles(n / 10 + 1, pid)) < 0)
		return fail("getpid", r);
	span_start(&sp);
	r = singles(n, pid);
	span_stop(&sp);
	if (r < 0)
		return fail("getpid", r);
	printf("sysbench: getpid n=%llu ns=%lld war=%d%s\n", (unsigned long long)n,
	       (long long)sp.ns, war(), tick_field(&sp));

	/* batches: warm up for at least 50 ms (five governor windows) first */
	int64_t w0 = nexus_time_ns(), w = w0;
	while (w >= 0 && w - w0 < 50000000) {
		if ((r = batches(1024, (uint32_t)b, pid)) < 0)
			return fail("getpid batch", r);
		w = nexus_time_ns();
	}
	span_start(&sp);
	r = batches(n, (uint32_t)b, pid);
	span_stop(&sp);
	if (r < 0)
		return fail("getpid batch", r);
	printf("sysbench: getpid_batch b=%llu n=%llu ns=%lld war=%d%s\n", (unsigned long long)b,
	       (unsigned long long)n, (long long)sp.ns, war(), tick_field(&sp));

	/* repeated spawns: the image cache skips the signature check */
	span_start(&sp);
	for (uint64_t i = 0; i < s; i++)
		if ((st = spawn_true()) != 0)
			return fail("spawn", st < 0 ? st : -RUMPK_EIO);
	span_stop(&sp);
	printf("sysbench: spawn n=%llu ns=%lld%s\n", (unsigned long long)s, (long long)sp.ns,
	       tick_field(&sp));
	return 0;
}
