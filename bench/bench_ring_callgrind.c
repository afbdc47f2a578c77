/*
 * bench_ring_callgrind.c — instructions per ring operation, rumpk/ring.h against Concurrency
 * Kit's ck_ring (struct-copying SPSC interface), counted by valgrind's callgrind.
 *
 * Runs ring_callgrind_ops (beside this program in the build tree) once per measured
 * function under `valgrind --tool=callgrind --collect-atstart=no --toggle-collect=<function>`
 * and divides the instructions counted inside the function (Ir) by the packets it moved.
 * Each count includes the function's own loop, which has the same shape on both sides; one
 * thread, so the rings never fill or run dry. Instruction counts are deterministic, so each
 * figure is one run, not a median of pairs; the smoke run (make test) only moves fewer
 * packets.
 *
 * Lines (each reads "rumpk's instructions over ck_ring's"; goal for push+pop: <= 1):
 *   ring callgrind: rumpk / ck_ring per push+pop      ring_push + ring_pop against
 *                                                     enqueue + dequeue, state via pointers
 *   ring callgrind: rumpk local handles / ck_ring ... the same loop with rumpk's private
 *                                                     handles copied into locals
 *   ring callgrind: rumpk batched / ck_ring loop ...  per packet: push_batch + pop_batch of
 *                                                     32 against 32 enqueues + 32 dequeues
 *   ring callgrind: rumpk batched / rte_ring burst    per packet: the same against DPDK's
 *                                                     burst calls of 32 (when built with
 *                                                     DPDK, RUMPK_BENCH_DPDK)
 *   ring callgrind: rumpk hardened / ck_ring ...      ring_hpush + ring_hpop (the kernel's
 *                                                     sides) against enqueue + dequeue
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#ifndef RUMPK_VALGRIND
#define RUMPK_VALGRIND "valgrind" /* CMake passes the one find_program() found */
#endif

static char helper[PATH_MAX];
static char tmpdir[PATH_MAX];

/* find_helper — ring_callgrind_ops in the directory this program runs from. */
static int find_helper(void)
{
	char self[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0)
		return -1;
	self[len] = 0;
	char *slash = strrchr(self, '/');
	if (!slash)
		return -1;
	*slash = 0;
	snprintf(helper, sizeof(helper), "%s/ring_callgrind_ops", self);
	return access(helper, X_OK);
}

static void show_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		fputs(line, stderr);
	fclose(f);
}

/* count — instructions valgrind counted inside the helper's function `fn` while it moved
 * `n` packets; -1 (after saying why) if valgrind or the helper failed. */
static double count(const char *fn, uint64_t n)
{
	char out[PATH_MAX + 64], log[PATH_MAX + 64], opt_out[PATH_MAX + 96], opt_fn[128], num[32];
	snprintf(out, sizeof(out), "%s/%s.out", tmpdir, fn);
	snprintf(log, sizeof(log), "%s/%s.log", tmpdir, fn);
	snprintf(opt_out, sizeof(opt_out), "--callgrind-out-file=%s", out);
	snprintf(opt_fn, sizeof(opt_fn), "--toggle-collect=%s", fn);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)n);

	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "bench_ring_callgrind: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execlp(RUMPK_VALGRIND, "valgrind", "--tool=callgrind", opt_out, "--collect-atstart=no",
		       opt_fn, helper, fn, num, (char *)NULL);
		fprintf(stderr, "bench_ring_callgrind: cannot run %s: %s (scripts/deps.sh "
			"installs valgrind)\n", RUMPK_VALGRIND, strerror(errno));
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "bench_ring_callgrind: valgrind on %s %s %s failed (status %d); its "
			"output:\n", helper, fn, num, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		show_file(log);
		unlink(out);
		unlink(log);
		return -1;
	}

	/* The callgrind file's "totals: <Ir>" line (older valgrinds: "summary:"). */
	FILE *f = fopen(out, "r");
	char line[256];
	double ir = -1;
	if (f) {
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "totals: %lf", &ir) == 1 || sscanf(line, "summary: %lf", &ir) == 1)
				break;
		fclose(f);
	}
	if (ir <= 0)
		fprintf(stderr, "bench_ring_callgrind: %s: no instruction total in %s (was %s inlined "
			"or renamed?)\n", fn, out, fn);
	unlink(out);
	unlink(log);
	return ir > 0 ? ir / (double)n : -1;
}

int main(void)
{
	uint64_t n = bench_full() ? 1000000 : 32000; /* a multiple of the helper's batch, 32 */
	int rc = 1;

	if (find_helper() != 0) {
		fprintf(stderr, "bench_ring_callgrind: %s not found or not executable (build the "
			"ring_callgrind_ops target)\n", helper[0] ? helper : "ring_callgrind_ops");
		return 1;
	}
	const char *t = getenv("TMPDIR");
	snprintf(tmpdir, sizeof(tmpdir), "%s/rumpk-callgrind-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(tmpdir)) {
		fprintf(stderr, "bench_ring_callgrind: mkdtemp %s: %s\n", tmpdir, strerror(errno));
		return 1;
	}

	static const char *const fns[] = { "ops_rumpk", "ops_ck", "ops_rumpk_local", "ops_rumpk_batch",
					   "ops_ck_batch", "ops_rumpk_hard", "ops_rte_batch" };
#ifdef RUMPK_BENCH_DPDK
	int nfns = 7;
#else
	int nfns = 6;
#endif
	double ir[7];
	int ok = 1;
	for (int i = 0; i < nfns && ok; i++)
		ok = (ir[i] = count(fns[i], n)) > 0;
	if (ok) {
		double r = ir[0], c = ir[1], rl = ir[2], rb = ir[3], cb = ir[4], rh = ir[5];
		printf("ring callgrind: one thread, %llu packets per function, instructions (Ir) counted "
		       "by callgrind --toggle-collect=<function>, loop included; ratios read rumpk / "
		       "ck_ring (goal for push+pop <= 1)\n", (unsigned long long)n);
		printf("ring callgrind: rumpk / ck_ring per push+pop = %.3f (rumpk %.1f Ir, ck_ring %.1f Ir "
		       "per pair; ring state via pointers)\n", r / c, r, c);
		printf("ring callgrind: rumpk local handles / ck_ring per push+pop = %.3f (rumpk %.1f Ir, "
		       "ck_ring %.1f Ir per pair)\n", rl / c, rl, c);
		printf("ring callgrind: rumpk batched / ck_ring loop per packet = %.3f (rumpk %.1f Ir, "
		       "ck_ring %.1f Ir per packet; batches of 32)\n", rb / cb, rb, cb);
		if (nfns > 6)
			printf("ring callgrind: rumpk batched / rte_ring burst per packet = %.3f (rumpk %.1f "
			       "Ir, rte_ring %.1f Ir per packet; batches of 32)\n", rb / ir[6], rb, ir[6]);
		printf("ring callgrind: rumpk hardened / ck_ring per push+pop = %.3f (ring_hpush + "
		       "ring_hpop %.1f Ir, ck_ring %.1f Ir per pair)\n", rh / c, rh, c);
		rc = 0;
	}
	rmdir(tmpdir);
	return rc;
}
