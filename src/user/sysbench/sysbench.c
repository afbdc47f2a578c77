/*
 * sysbench [-n COUNT] [-b BATCH] [-s SPAWNS] — times the system call paths a program
 * uses, with the kernel's clock (nexus_time_ns), and prints one machine-readable line per
 * figure for bench/bench_user.sh, which runs it alternately with its Linux peer
 * (bench/user_peer.c) and takes the ratios:
 *
 *   sysbench: getpid_peace n=N ns=T war=W   N getpids, one nexus_call each, started right
 *                                           after 150 ms without packets (the governor is at
 *                                           Peace: every call rings the doorbell)
 *   sysbench: getpid n=N ns=T war=W         N getpids, one nexus_call each, after a warm-up
 *   sysbench: getpid_batch b=B n=N ns=T war=W  N getpids in batches of B (nexus_call_many),
 *                                           after a warm-up that lets the governor go to War
 *   sysbench: spawn_first ns=T status=S     the boot's first spawn + wait of /bin/true
 *   sysbench: spawn n=S ns=T                S more spawn + wait of /bin/true
 *
 * T is the total for the line; war=1 when the kernel's statistics said War mode at the
 * end of the timed loop. The kernel remembers accepted images (exec_check_cached): a
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

/* spawn /bin/true and wait for it; its exit status, or a negative error. */
static int spawn_true(void)
{
	static const char *const argv[] = { "true", 0 };
	int status = -1;
	int pid = nexus_spawn("/bin/true", argv);
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
		uint64_t *v = strcmp(argv[i], "-n") == 0 ? &n : strcmp(argv[i], "-b") == 0 ? &b
			    : strcmp(argv[i], "-s") == 0 ? &s : NULL;
		if (!v) {
			fprintf(stderr, "sysbench: unknown argument %s (usage: sysbench [-n COUNT] "
					"[-b BATCH] [-s SPAWNS])\n", argv[i]);
			return 2;
		}
		if (option(argv[i], arg, 1, v == &b ? BATCH_MAX : 100000000, v) < 0)
			return 2;
	}
	int64_t pid = nexus_getpid();
	if (pid < 0)
		return fail("getpid", pid);

	/* the first spawn of this boot, before anything else warms the kernel */
	int64_t t0 = nexus_time_ns();
	int st = spawn_true();
	int64_t t1 = nexus_time_ns();
	if (st < 0)
		return fail("spawn /bin/true", st);
	printf("sysbench: spawn_first ns=%lld status=%d\n", (long long)(t1 - t0), st);

	/* Peace: 150 ms without packets (more than the governor's 100 ms quiet time), then a
	 * burst short enough (1,000 calls) to end before two busy 10 ms windows pass */
	int64_t r = nexus_sleep_ns(150000000ull);
	if (r < 0)
		return fail("sleep", r);
	uint64_t np = n < 1000 ? n : 1000;
	t0 = nexus_time_ns();
	r = singles(np, pid);
	t1 = nexus_time_ns();
	if (r < 0)
		return fail("getpid", r);
	printf("sysbench: getpid_peace n=%llu ns=%lld war=%d\n", (unsigned long long)np,
	       (long long)(t1 - t0), war());

	/* one packet per call, after a warm-up of a tenth */
	if ((r = singles(n / 10 + 1, pid)) < 0)
		return fail("getpid", r);
	t0 = nexus_time_ns();
	r = singles(n, pid);
	t1 = nexus_time_ns();
	if (r < 0)
		return fail("getpid", r);
	printf("sysbench: getpid n=%llu ns=%lld war=%d\n", (unsigned long long)n,
	       (long long)(t1 - t0), war());

	/* batches: warm up for at least 50 ms (five governor windows) first */
	int64_t w0 = nexus_time_ns(), w = w0;
	while (w >= 0 && w - w0 < 50000000) {
		if ((r = batches(1024, (uint32_t)b, pid)) < 0)
			return fail("getpid batch", r);
		w = nexus_time_ns();
	}
	t0 = nexus_time_ns();
	r = batches(n, (uint32_t)b, pid);
	t1 = nexus_time_ns();
	if (r < 0)
		return fail("getpid batch", r);
	printf("sysbench: getpid_batch b=%llu n=%llu ns=%lld war=%d\n", (unsigned long long)b,
	       (unsigned long long)n, (long long)(t1 - t0), war());

	/* repeated spawns: the image cache skips the signature check */
	t0 = nexus_time_ns();
	for (uint64_t i = 0; i < s; i++)
		if ((st = spawn_true()) != 0)
			return fail("spawn /bin/true", st < 0 ? st : -RUMPK_EIO);
	t1 = nexus_time_ns();
	printf("sysbench: spawn n=%llu ns=%lld\n", (unsigned long long)s, (long long)(t1 - t0));
	return 0;
}
