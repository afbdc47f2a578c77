/*
 * bench_switch.c — the hosted HAL's context switch (src/hal-hosted/switch.S, the code the
 * kernel runs) against two peers, each timed as a round trip: switch to a context that
 * switches straight back. Peers: Boost.Context's jump_fcontext (hand-written assembly, the
 * usual yardstick for user-space fibers; static library, so no PLT hop) and glibc's
 * swapcontext (saves the signal mask with a system call each way). Pairs in ABBA order
 * (bench_abba.h), medians of 21 in `make bench`.
 * Lines: `switch: rumpk / fcontext` (goal <= 0.7) and `switch: swapcontext / rumpk`
 * (goal >= 30): both read "how many times", and each is followed by its verdict.
 *
 * The work differs in one respect, on purpose: jump_fcontext saves and reloads the MXCSR
 * and x87 control words in every switch; rumpk's switch does not, because in the kernel
 * they are kernel-wide state, not per context (src/hal-hosted/switch.S says why that is
 * safe and what it is worth). Both sides save rbx, rbp, r12-r15 and leave by an indirect
 * jump.
 */
#include <stddef.h>
#include <ucontext.h>

#include "bench_abba.h"
#include "hal.h"

/* Boost.Context's C entry points (boost/context/detail/fcontext.hpp), declared here so
 * this C file needs no C++ header. */
typedef void *fcontext_t;
typedef struct {
	fcontext_t fctx;
	void *data;
} transfer_t;
transfer_t jump_fcontext(fcontext_t to, void *vp);
fcontext_t make_fcontext(void *sp, size_t size, void (*fn)(transfer_t));

#define STACK_SIZE (64 * 1024)
static _Alignas(64) unsigned char stack_rumpk[STACK_SIZE];
static _Alignas(64) unsigned char stack_fc[STACK_SIZE];
static _Alignas(64) unsigned char stack_uc[STACK_SIZE];

/* rumpk: the boot context and one fiber */
static struct hal_ctx main_ctx, fiber_ctx;

static void fiber_entry(void *arg)
{
	(void)arg;
	for (;;)
		hal_ctx_switch(&fiber_ctx, &main_ctx);
}

static uint64_t run_rumpk(uint64_t n)
{
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 0; i < n; i++)
		hal_ctx_switch(&main_ctx, &fiber_ctx);
	return bench_now_ns() - t0;
}

/* Boost.Context */
static fcontext_t fc;

static void fc_entry(transfer_t t)
{
	for (;;)
		t = jump_fcontext(t.fctx, NULL);
}

static uint64_t run_fcontext(uint64_t n)
{
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 0; i < n; i++)
		fc = jump_fcontext(fc, NULL).fctx;
	return bench_now_ns() - t0;
}

/* glibc */
static ucontext_t uc_main, uc_fiber;

static void uc_entry(void)
{
	for (;;)
		swapcontext(&uc_fiber, &uc_main);
}

static uint64_t run_swapcontext(uint64_t n)
{
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 0; i < n; i++)
		swapcontext(&uc_main, &uc_fiber);
	return bench_now_ns() - t0;
}

int main(void)
{
	int full = bench_full();

	hal_ctx_init(&fiber_ctx, stack_rumpk, sizeof(stack_rumpk), fiber_entry, NULL);
	fc = make_fcontext(stack_fc + sizeof(stack_fc), sizeof(stack_fc), fc_entry);
	if (getcontext(&uc_fiber) != 0) {
		fprintf(stderr, "bench_switch: getcontext failed\n");
		return 1;
	}
	uc_fiber.uc_stack.ss_sp = stack_uc;
	uc_fiber.uc_stack.ss_size = sizeof(stack_uc);
	uc_fiber.uc_link = NULL;
	makecontext(&uc_fiber, uc_entry, 0);

	struct abba_result fc_r = abba_pairs("switch", "rumpk", run_rumpk, "fcontext", run_fcontext,
					     full ? 2000000 : 20000, full ? 21 : 3);
	printf("switch: rumpk / fcontext = %.3f: goal <= 0.7 %s\n", fc_r.ratio,
	       fc_r.ratio <= 0.7 ? "met" : "NOT met");
	/* swapcontext is ~100x slower: fewer round trips keep this pair's run short */
	struct abba_result uc_r = abba_pairs("switch", "swapcontext", run_swapcontext, "rumpk",
					     run_rumpk, full ? 200000 : 2000, full ? 21 : 3);
	printf("switch: swapcontext / rumpk = %.1f: goal >= 30 %s\n", uc_r.ratio,
	       uc_r.ratio >= 30 ? "met" : "NOT met");
	return 0;
}
