/*
 * fpcheck MS — an aarch64 test program (not in /bin: the boot test boot.session-fp packs
 * it into its own initrd): proves that the kernel keeps a program's FP/SIMD state, q0-q31
 * and FPCR, across preemption.
 *
 * In rounds of 10 ms for MS ms, one asm block loads q0-q31 with values made from a seed and
 * the round (q_n = { s + n, ~(s + n) }) and FPCR with a rounding mode from the seed, spins on
 * the counter (cntvct_el0) until the round's end, then checks every register. Nothing in
 * between may change them but the kernel. It starts a second copy of itself with another
 * seed, and the two are preempted by each other (the timer interrupts user code, the kernel switches at the
 * user boundary), so a kernel that did not save and restore the state would hand one
 * copy's registers to the other. A gap of more than 1 ms between two counter reads means
 * the round was preempted; a run that never was proves nothing and fails too.
 * (A host that stalls QEMU also makes such a gap: "preempted" can be wrong towards passing.)
 * Prints one line; exits 0 only if every round of both copies kept every register and one
 * was preempted.
 */
#include <nexus.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUND_MS 10

static uint64_t counter_hz(void)
{
	uint64_t f;
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
	return f;
}

static uint64_t counter(void)
{
	uint64_t t;
	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(t));
	return t;
}

/* One round: returns 0 if every register held, n + 1 if q_n changed, 33 if FPCR did; the
 * longest gap between two counter reads goes to *gap. */
static int hold(uint64_t s, uint64_t fpcr, uint64_t until, uint64_t *gap)
{
	uint64_t res, maxgap;

	__asm__ volatile(
		"mrs x12, fpcr\n\t"
		"msr fpcr, %[fpcr]\n\t"
		".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n\t"
		"add x10, %[s], #\\n\n\t"
		"mvn x11, x10\n\t"
		"fmov d\\n, x10\n\t"
		"mov v\\n\\().d[1], x11\n\t"
		".endr\n\t"
		"mov %[gap], #0\n\t"
		"isb\n\t"
		"mrs x15, cntvct_el0\n"
		"1:\n\t"
		"isb\n\t"
		"mrs x13, cntvct_el0\n\t"
		"sub x14, x13, x15\n\t"
		"cmp x14, %[gap]\n\t"
		"csel %[gap], x14, %[gap], hi\n\t"
		"mov x15, x13\n\t"
		"cmp x13, %[until]\n\t"
		"b.lo 1b\n\t"
		".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n\t"
		"mov %[res], #(\\n + 1)\n\t"
		"add x10, %[s], #\\n\n\t"
		"mvn x11, x10\n\t"
		"fmov x13, d\\n\n\t"
		"cmp x13, x10\n\t"
		"b.ne 9f\n\t"
		"mov x13, v\\n\\().d[1]\n\t"
		"cmp x13, x11\n\t"
		"b.ne 9f\n\t"
		".endr\n\t"
		"mov %[res], #33\n\t"
		"mrs x13, fpcr\n\t"
		"cmp x13, %[fpcr]\n\t"
		"b.ne 9f\n\t"
		"mov %[res], #0\n"
		"9:\n\t"
		"msr fpcr, x12\n\t"
		: [res] "=&r"(res), [gap] "=&r"(maxgap)
		: [s] "r"(s), [fpcr] "r"(fpcr), [until] "r"(until)
		: "x10", "x11", "x12", "x13", "x14", "x15", "cc", "memory",
		  "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12",
		  "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23",
		  "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31");
	*gap = maxgap;
	return (int)res;
}

/* Rounds for ms: 0, or the failing register's line printed and 1. *preempted counts the
 * rounds with a gap of more than 1 ms between two counter reads. */
static int rounds(uint64_t seed, uint64_t ms, uint64_t *preempted)
{
	uint64_t hz = counter_hz();
	/* FPCR.RMode, bits [23:22]: a rounding mode per seed, never the kernel's default 0 */
	uint64_t fpcr = (uint64_t)(1 + seed % 3) << 22;

	*preempted = 0;
	for (uint64_t r = 0; r < ms / ROUND_MS; r++) {
		uint64_t gap, s = seed * 0x9e3779b97f4a7c15ull + r * 64;
		int bad = hold(s, fpcr, counter() + hz / 1000 * ROUND_MS, &gap);
		if (bad) {
			char reg[8] = "fpcr";
			if (bad != 33)
				snprintf(reg, sizeof(reg), "q%d", bad - 1);
			printf("fpcheck %llu: FAIL: %s changed in round %llu\n",
			       (unsigned long long)seed, reg, (unsigned long long)r);
			return 1;
		}
		*preempted += gap > hz / 1000;
	}
	return 0;
}

/* fpcheck MS: starts `fpcheck MS child` (seed 2), runs its own rounds (seed 1) meanwhile,
 * waits for it and prints one line. The child prints only a failure. */
int main(int argc, char **argv, char **envp)
{
	uint64_t ms = argc >= 2 ? strtoull(argv[1], NULL, 0) : 0, preempted;

	if (argc == 3 && strcmp(argv[2], "child") == 0)
		return rounds(2, ms, &preempted);
	if (argc != 2 || ms < ROUND_MS) {
		fprintf(stderr, "usage: fpcheck MS (at least %d)\n", ROUND_MS);
		return 2;
	}
	const char *child_argv[] = { "fpcheck", argv[1], "child", NULL };
	int pid = nexus_spawn("/bin/fpcheck", child_argv), status = -1;
	if (pid < 0) {
		printf("fpcheck: FAIL: cannot start its second copy: %s\n", nexus_strerror(pid));
		return 1;
	}
	int bad = rounds(1, ms, &preempted);
	int w = nexus_wait(pid, &status, 0);
	if (bad || w < 0 || status != 0) {
		printf("fpcheck: FAIL: %s (second copy: %s, status %d)\n",
		       bad ? "this copy's registers changed" : "this copy's registers held",
		       w < 0 ? nexus_strerror(w) : "waited for", status);
		return 1;
	}
	if (!preempted) {
		printf("fpcheck: FAIL: never preempted in %llu rounds: nothing was shown\n",
		       (unsigned long long)(ms / ROUND_MS));
		return 1;
	}
	printf("fpcheck: ok: q0-q31 and fpcr intact in both copies over %llu rounds each\n",
	       (unsigned long long)(ms / ROUND_MS));
	return 0;
}
