/*
 * test_ctx.c — execution contexts: hal_ctx_init, hal_ctx_switch and hal_stack_guard as the
 * hosted HAL implements them. Not a fake: the fake HAL links the hosted HAL's own context
 * code (switch.S, hal_ctx.c, host_cpu.c), and both hosted presets run this suite, so the
 * AddressSanitizer fiber annotations are exercised too.
 *
 * Covered: a zero-filled boot context switching away and back; ping-pong and a ring of
 * three contexts, many rounds, each entry getting its own arg; every callee-saved integer
 * register (rbx rbp r12-r15) surviving switches in both directions with the kernel's FP
 * control words intact, and a new context starting with them; the control words being
 * kernel-wide, not per context (switch.S): carried across a switch in ordinary builds, a
 * named panic in hosted-asan, which checks the rule on every switch; deep recursion on a
 * context stack with a switch at the deepest point; 16-byte alignment at entry (and glibc's
 * SSE code running there); a context re-initialised on a stack abandoned mid-call; guard
 * pages on and off; and, in forked children that must exit 255, a guard-page hit and an
 * entry that returns, both reported by the core's kernel-fault path.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_hal.h"
#include "hosted_priv.h" /* HAL_HOSTED_ASAN */

#define PAGE 4096
#define STACK_SIZE (64 * 1024)

static struct hal_ctx boot; /* the test's own stack: starts all zero, as hal.h allows */

static void *stack_alloc(size_t size)
{
	void *p = aligned_alloc(PAGE, size);
	ck_assert_ptr_nonnull(p);
	return p;
}

static void setup(void)
{
	fake_reset();
	memset(&boot, 0, sizeof(boot));
}

/* ---- ping-pong and a ring ---------------------------------------------------------------- */

struct player {
	struct hal_ctx ctx;
	struct hal_ctx *next; /* where it switches after its turn (set by the boot side) */
	void *arg_seen;       /* what entry received */
	uint64_t turns;
	uint64_t last_seq;    /* value of `seq` at its latest turn */
};

static struct player players[3];
static uint64_t seq;

static void player_entry(void *arg)
{
	struct player *p = arg;
	p->arg_seen = arg;
	for (;;) {
		p->turns++;
		p->last_seq = ++seq;
		hal_ctx_switch(&p->ctx, p->next);
	}
}

START_TEST(ping_pong_and_ring)
{
	enum { ROUNDS = 100000 };
	void *stacks[3];

	seq = 0;
	for (int i = 0; i < 3; i++) {
		stacks[i] = stack_alloc(STACK_SIZE);
		memset(&players[i], 0, sizeof(players[i]));
		hal_ctx_init(&players[i].ctx, stacks[i], STACK_SIZE, player_entry, &players[i]);
	}
	for (uint64_t r = 0; r < ROUNDS; r++) {
		if (r & 1) {
			/* star: boot -> i -> boot, for each i */
			for (int i = 0; i < 3; i++) {
				players[i].next = &boot;
				hal_ctx_switch(&boot, &players[i].ctx);
				ck_assert_uint_eq(players[i].last_seq, seq);
			}
		} else {
			/* ring: boot -> 0 -> 1 -> 2 -> boot, context to context */
			players[0].next = &players[1].ctx;
			players[1].next = &players[2].ctx;
			players[2].next = &boot;
			hal_ctx_switch(&boot, &players[0].ctx);
			ck_assert_uint_eq(players[0].last_seq + 1, players[1].last_seq);
			ck_assert_uint_eq(players[1].last_seq + 1, players[2].last_seq);
			ck_assert_uint_eq(players[2].last_seq, seq);
		}
	}
	for (int i = 0; i < 3; i++) {
		ck_assert_ptr_eq(players[i].arg_seen, &players[i]);
		ck_assert_uint_eq(players[i].turns, ROUNDS);
	}
	ck_assert_uint_eq(seq, 3 * ROUNDS);
#ifdef HAL_HOSTED_ASAN
	/* the boot stack's bounds were learned on its first switch away, and hold us (the
	 * frame address: a local's may be on ASan's fake stack) */
	uintptr_t here = (uintptr_t)__builtin_frame_address(0);
	ck_assert_uint_ne(boot.stack_size, 0);
	ck_assert(here >= (uintptr_t)boot.stack_bottom);
	ck_assert(here < (uintptr_t)boot.stack_bottom + boot.stack_size);
#endif
	/* the contexts are abandoned mid-switch; their stacks are just memory again */
	for (int i = 0; i < 3; i++)
		free(stacks[i]);
}
END_TEST

/* ---- callee-saved registers ------------------------------------------------------------ */

/*
 * ctx_regs_switch(from, to, seed, csr, out) — loads rbx rbp r12 r13 r14 r15 with seed + 0,
 * 0x100, ... 0x500, MXCSR with the low half of csr and the x87 control word with bits
 * 32..47, calls hal_ctx_switch(from, to), and once resumed stores the six registers in
 * out[0..5], MXCSR in the low half of out[6] and the control word above it; then restores
 * its caller's state. Assembly, because only there do these registers hold known values
 * across the call.
 */
void ctx_regs_switch(struct hal_ctx *from, struct hal_ctx *to, uint64_t seed, uint64_t csr,
		     uint64_t *out);
__asm__(".text\n"
	".globl ctx_regs_switch\n"
	".type ctx_regs_switch, @function\n"
	"ctx_regs_switch:\n\t"
	"pushq %rbp\n\t"
	"pushq %rbx\n\t"
	"pushq %r12\n\t"
	"pushq %r13\n\t"
	"pushq %r14\n\t"
	"pushq %r15\n\t"
	"subq $40, %rsp\n\t"        /* 6 pushes + 40 = 88: rsp 16-byte aligned at the call */
	"stmxcsr 0(%rsp)\n\t"       /* the caller's control words */
	"fnstcw 4(%rsp)\n\t"
	"movq %r8, 16(%rsp)\n\t"    /* out */
	"movq %rcx, 8(%rsp)\n\t"    /* csr */
	"ldmxcsr 8(%rsp)\n\t"
	"fldcw 12(%rsp)\n\t"
	"movq %rdx, %rbx\n\t"
	"leaq 0x100(%rdx), %rbp\n\t"
	"leaq 0x200(%rdx), %r12\n\t"
	"leaq 0x300(%rdx), %r13\n\t"
	"leaq 0x400(%rdx), %r14\n\t"
	"leaq 0x500(%rdx), %r15\n\t"
	"call hal_ctx_switch\n\t"
	"movq 16(%rsp), %r8\n\t"
	"movq %rbx, 0(%r8)\n\t"
	"movq %rbp, 8(%r8)\n\t"
	"movq %r12, 16(%r8)\n\t"
	"movq %r13, 24(%r8)\n\t"
	"movq %r14, 32(%r8)\n\t"
	"movq %r15, 40(%r8)\n\t"
	"stmxcsr 48(%r8)\n\t"
	"fnstcw 52(%r8)\n\t"
	"ldmxcsr 0(%rsp)\n\t"
	"fldcw 4(%rsp)\n\t"
	"addq $40, %rsp\n\t"
	"popq %r15\n\t"
	"popq %r14\n\t"
	"popq %r13\n\t"
	"popq %r12\n\t"
	"popq %rbx\n\t"
	"popq %rbp\n\t"
	"ret\n\t"
	".size ctx_regs_switch, . - ctx_regs_switch\n");

#define MXCSR_STATUS 0x3fu /* exception flags: caller-saved, may change */
/* The kernel's control words (psABI 3.4.1 initial values), which every context switches
 * with: switch.S does not save them per context. */
#define CSR_KERNEL (0x1f80u | 0x037full << 32)
/* Words unlike the kernel's: round toward zero, x87 double precision. */
#define CSR_ODD (0x7f80u | 0x0e7full << 32)

/* 0 if out[] holds what ctx_regs_switch loaded, else the first bad index + 1 */
static int regs_mismatch(const uint64_t *out, uint64_t seed, uint64_t csr)
{
	for (int i = 0; i < 6; i++)
		if (out[i] != seed + 0x100u * (uint64_t)i)
			return i + 1;
	if (((uint32_t)out[6] & ~MXCSR_STATUS) != (uint32_t)csr)
		return 7;
	if ((uint16_t)(out[6] >> 32) != (uint16_t)(csr >> 32))
		return 8;
	return 0;
}

static struct hal_ctx regs_ctx;
static int regs_fiber_bad; /* first failure seen on the fiber's side, 0 if none */
static uint32_t regs_fiber_mxcsr0;
static uint16_t regs_fiber_cw0;

static void regs_entry(void *arg)
{
	uint64_t seed = (uint64_t)(uintptr_t)arg;
	uint64_t out[7];

	__asm__ volatile("stmxcsr %0" : "=m"(regs_fiber_mxcsr0));
	__asm__ volatile("fnstcw %0" : "=m"(regs_fiber_cw0));
	for (;;) {
		memset(out, 0, sizeof(out));
		ctx_regs_switch(&regs_ctx, &boot, seed, CSR_KERNEL, out);
		int bad = regs_mismatch(out, seed, CSR_KERNEL);
		if (bad && !regs_fiber_bad)
			regs_fiber_bad = bad;
		seed += 0x10000;
	}
}

START_TEST(callee_saved_registers_survive)
{
	void *stack = stack_alloc(STACK_SIZE);
	uint64_t seed = 0x1111111100000000ull; /* the boot side's; the fiber's start at its arg */
	uint64_t out[7];

	hal_ctx_init(&regs_ctx, stack, STACK_SIZE, regs_entry, (void *)(uintptr_t)0x7777000000000000ull);
	for (int i = 0; i < 10000; i++) {
		memset(out, 0, sizeof(out));
		ctx_regs_switch(&boot, &regs_ctx, seed, CSR_KERNEL, out);
		int bad = regs_mismatch(out, seed, CSR_KERNEL);
		/* register numbers: 0-5 rbx rbp r12-r15, 6 MXCSR, 7 x87 control word */
		ck_assert_msg(bad == 0, "boot side, round %d: register %d changed", i, bad - 1);
		ck_assert_msg(regs_fiber_bad == 0, "fiber side: register %d changed", regs_fiber_bad - 1);
		seed += 0x10000;
	}
	/* the new context started with the kernel's control words */
	ck_assert_uint_eq(regs_fiber_mxcsr0 & ~MXCSR_STATUS, 0x1f80u);
	ck_assert_uint_eq(regs_fiber_cw0, 0x037fu);
	free(stack);
}
END_TEST

/* A context that switches with control words other than the kernel's breaks switch.S's
 * rule. Ordinary builds: the words simply stay in the CPU, so the context switched to runs
 * with them (this test pins that, so nobody mistakes them for per-context state). ASan
 * builds: the switch refuses with a named panic (an exit test, 255). */
static void odd_entry(void *arg)
{
	(void)arg;
	__asm__ volatile("stmxcsr %0" : "=m"(regs_fiber_mxcsr0));
	__asm__ volatile("fnstcw %0" : "=m"(regs_fiber_cw0));
	for (;;)
		hal_ctx_switch(&regs_ctx, &boot);
}

#ifdef HAL_HOSTED_ASAN
static void check_fp_panic_and_exit(void)
{
	const char *m = strstr(fake.console, "panic: hal_ctx_switch: FP control words MXCSR 0x7f");
	ck_assert_msg(m != NULL, "no FP control word panic:\n%s", fake.console);
	ck_assert_msg(strstr(m, "x87 0xe7f are not the kernel's (0x1f80, 0x37f)") != NULL,
		      "panic without the words:\n%s", fake.console);
	_exit(fake.halt_code);
}
#endif

START_TEST(control_words_are_not_per_context)
{
	void *stack = stack_alloc(STACK_SIZE);
	uint64_t out[7];

	regs_fiber_mxcsr0 = 0;
	regs_fiber_cw0 = 0;
	hal_ctx_init(&regs_ctx, stack, STACK_SIZE, odd_entry, NULL);
#ifdef HAL_HOSTED_ASAN
	fake.on_halt = check_fp_panic_and_exit;
#endif
	ctx_regs_switch(&boot, &regs_ctx, 0, CSR_ODD, out);
#ifdef HAL_HOSTED_ASAN
	ck_abort_msg("a switch with the control words changed did not panic");
#else
	ck_assert_uint_eq(regs_fiber_mxcsr0 & ~MXCSR_STATUS, (uint32_t)CSR_ODD);
	ck_assert_uint_eq(regs_fiber_cw0, (uint16_t)(CSR_ODD >> 32));
	/* and back: ctx_regs_switch restored the boot side's own words afterwards */
	free(stack);
#endif
}
END_TEST

/* ---- deep recursion ----------------------------------------------------------------------- */

enum { DEPTH = 2000, FRAME_BYTES = 200 };

#ifdef HAL_HOSTED_ASAN
void *__asan_get_current_fake_stack(void);
static int fake_stacks(void)
{
	return __asan_get_current_fake_stack() != NULL;
}
#else
static int fake_stacks(void)
{
	return 0;
}
#endif
static struct hal_ctx deep_ctx;
static uintptr_t deep_top;
static size_t deep_used;
static uint64_t deep_sum;

static __attribute__((noinline)) uint64_t recurse(unsigned depth)
{
	volatile uint8_t buf[FRAME_BYTES];
	uint64_t s;

	for (unsigned i = 0; i < FRAME_BYTES; i++)
		buf[i] = (uint8_t)(depth + i);
	if (depth == 0) {
		deep_used = deep_top - (uintptr_t)__builtin_frame_address(0);
		hal_ctx_switch(&deep_ctx, &boot); /* sleep at the deepest point */
		s = 0;
	} else {
		s = recurse(depth - 1);
	}
	for (unsigned i = 0; i < FRAME_BYTES; i++)
		s += buf[i];
	return s;
}

static void deep_entry(void *arg)
{
	deep_sum = recurse(DEPTH);
	hal_ctx_switch(&deep_ctx, &boot);
	ck_abort_msg("the deep context was resumed after it finished");
}

START_TEST(deep_recursion_on_a_context_stack)
{
	size_t size = 1024 * 1024;
	uint8_t *stack = stack_alloc(size);
	uint64_t expect = 0;

	for (unsigned d = 0; d <= DEPTH; d++)
		for (unsigned i = 0; i < FRAME_BYTES; i++)
			expect += (uint8_t)(d + i);
	deep_top = (uintptr_t)stack + size;
	hal_ctx_init(&deep_ctx, stack, size, deep_entry, NULL);
	hal_ctx_switch(&boot, &deep_ctx);
	/* each frame holds buf, unless ASan's detect_stack_use_after_return moved it to its
	 * fake stack; then at least a return address and a frame pointer */
	ck_assert_msg(deep_used > DEPTH * (fake_stacks() ? 16 : FRAME_BYTES),
		      "only %zu bytes of stack used", deep_used);
	ck_assert_uint_lt(deep_used, size);
	hal_ctx_switch(&boot, &deep_ctx); /* unwind all the way back */
	ck_assert_uint_eq(deep_sum, expect);
	free(stack);
}
END_TEST

/* ---- alignment at entry ----------------------------------------------------------------- */

struct align_probe {
	struct hal_ctx ctx;
	uintptr_t frame;    /* __builtin_frame_address(0) in entry: rsp at entry - 8 */
	int big;            /* stack big enough for printf (several KiB, more under ASan) */
	char text[32];      /* glibc's printf of a double: SSE code that needs the ABI alignment */
};

static void align_entry(void *arg)
{
	struct align_probe *p = arg;
	p->frame = (uintptr_t)__builtin_frame_address(0);
	if (p->big)
		snprintf(p->text, sizeof(p->text), "%.3f|%Lf", 1.25, (long double)2.5);
	hal_ctx_switch(&p->ctx, &boot);
	ck_abort_msg("the alignment probe was resumed");
}

START_TEST(entry_stack_is_16_byte_aligned)
{
	/* hal.h promises 16-byte aligned stacks; any such base and size must work */
	static const size_t sizes[] = { STACK_SIZE, STACK_SIZE - 16, STACK_SIZE - 48, 4096 };
	uint8_t *stack = stack_alloc(STACK_SIZE + PAGE);

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (size_t off = 0; off <= 48; off += 16) {
			struct align_probe p;
			memset(&p, 0, sizeof(p));
			p.big = sizes[s] >= 32 * 1024;
			hal_ctx_init(&p.ctx, stack + off, sizes[s], align_entry, &p);
			hal_ctx_switch(&boot, &p.ctx);
			ck_assert_msg(p.frame % 16 == 0, "entry frame %#lx not 16-byte aligned (size %zu, offset %zu)",
				      (unsigned long)p.frame, sizes[s], off);
			ck_assert(p.frame > (uintptr_t)stack + off);
			ck_assert(p.frame < (uintptr_t)stack + off + sizes[s]);
			if (p.big)
				ck_assert_str_eq(p.text, "1.250|2.500000");
		}
	}
	free(stack);
}
END_TEST

/* ---- a stack abandoned mid-call, initialised again ------------------------------------- */

static struct hal_ctx reuse_ctx;
static int reuse_runs;

static __attribute__((noinline)) void reuse_leaf(void)
{
	volatile char buf[512]; /* under ASan: a frame with redzones, left poisoned below */
	buf[0] = 1;
	reuse_runs++;
	hal_ctx_switch(&reuse_ctx, &boot);
	buf[511] = buf[0];
}

static void reuse_entry(void *arg)
{
	reuse_leaf();
	ck_abort_msg("the abandoned context was resumed");
}

START_TEST(abandoned_stack_can_be_initialised_again)
{
	uint8_t *stack = stack_alloc(STACK_SIZE);

	for (int i = 0; i < 3; i++) {
		hal_ctx_init(&reuse_ctx, stack, STACK_SIZE, reuse_entry, NULL);
		hal_ctx_switch(&boot, &reuse_ctx);
		ck_assert_int_eq(reuse_runs, i + 1);
	}
	/* after init the whole stack is ordinary memory again (ASan: no stale redzones) */
	hal_ctx_init(&reuse_ctx, stack, STACK_SIZE, reuse_entry, NULL);
	memset(stack, 0, STACK_SIZE - 256);
	free(stack);
}
END_TEST

/* ---- guard pages -------------------------------------------------------------------------- */

/* 1 if the kernel can read the byte at p (a pipe write copies from it without a signal). */
static int readable(const void *p)
{
	int fd[2];
	ck_assert_int_eq(pipe(fd), 0);
	ssize_t n = write(fd[1], p, 1);
	int err = errno;
	close(fd[0]);
	close(fd[1]);
	if (n < 0)
		ck_assert_int_eq(err, EFAULT);
	return n == 1;
}

START_TEST(guard_page_on_and_off)
{
	uint8_t *stack = stack_alloc(4 * PAGE);

	stack[0] = 42;
	ck_assert(readable(stack));
	ck_assert_int_eq(hal_stack_guard(stack, 1), 0);
	ck_assert(!readable(stack));
	ck_assert(readable(stack + PAGE)); /* one page only */
	ck_assert_int_eq(hal_stack_guard(stack, 0), 0);
	ck_assert(readable(stack));
	ck_assert_int_eq(stack[0], 42);
	stack[0] = 43;
	/* not page aligned: mprotect refuses, the HAL says so */
	ck_assert_int_eq(hal_stack_guard(stack + 16, 1), -RUMPK_EFAULT);
	free(stack);
}
END_TEST

static uintptr_t fault_lo, fault_hi; /* where the reported address (or pc) must lie */
static int fault_by_pc;              /* 1: check the pc, 0: the faulting address */
static const char *fault_text;       /* what the console must say */

/* fake.on_halt: runs in the forked child, inside the SIGSEGV/SIGILL handler. */
static void check_fault_and_exit(void)
{
	const char *m = strstr(fake.console, fault_text);
	ck_assert_msg(m != NULL, "console lacks \"%s\":\n%s", fault_text, fake.console);
	const char *pc = strstr(m, " at pc 0x");
	const char *addr = strstr(m, ", address 0x");
	ck_assert_msg(pc && addr, "no pc/address in:\n%s", fake.console);
	uint64_t v = strtoull(fault_by_pc ? pc + 7 : addr + 10, NULL, 16);
	ck_assert_msg(v >= fault_lo && v < fault_hi, "reported %#llx, expected [%#llx, %#llx):\n%s",
		      (unsigned long long)v, (unsigned long long)fault_lo,
		      (unsigned long long)fault_hi, fake.console);
	_exit(fake.halt_code);
}

static struct hal_ctx fault_ctx;
static volatile uint64_t overflow_limit = UINT64_MAX;

static __attribute__((noinline)) uint64_t overflow(uint64_t n)
{
	volatile char buf[512];
	buf[0] = (char)n;
	buf[sizeof(buf) - 1] = (char)n;
	if (n >= overflow_limit)
		return 0;
	return overflow(n + 1) + (uint64_t)buf[0];
}

static void overflow_entry(void *arg)
{
	overflow(0);
	ck_abort_msg("the recursion ended without touching the guard page");
}

/* exits 255 through fake.on_halt, or 1 on a failed check */
START_TEST(guard_page_hit_is_a_kernel_fault)
{
	uint8_t *stack = stack_alloc(STACK_SIZE);

	fake_host_traps();
	ck_assert_int_eq(hal_stack_guard(stack, 1), 0);
	fault_lo = (uintptr_t)stack;
	fault_hi = fault_lo + PAGE;
	fault_by_pc = 0;
	fault_text = "kernel fault: bad memory access (SIGSEGV) at pc 0x";
	fake.on_halt = check_fault_and_exit;
	hal_ctx_init(&fault_ctx, stack + PAGE, STACK_SIZE - PAGE, overflow_entry, NULL);
	hal_ctx_switch(&boot, &fault_ctx);
	ck_abort_msg("the overflowing context switched back");
}
END_TEST

static void returning_entry(void *arg)
{
	(void)arg;
}

/* exits 255 through fake.on_halt: the trampoline traps when entry returns */
START_TEST(entry_that_returns_is_a_kernel_fault)
{
	uint8_t *stack = stack_alloc(STACK_SIZE);

	fake_host_traps();
	fault_lo = (uintptr_t)hal_hosted_ctx_start;
	fault_hi = fault_lo + 64;
	fault_by_pc = 1;
	fault_text = "kernel fault: illegal instruction (SIGILL) at pc 0x";
	fake.on_halt = check_fault_and_exit;
	hal_ctx_init(&fault_ctx, stack, STACK_SIZE, returning_entry, NULL);
	hal_ctx_switch(&boot, &fault_ctx);
	ck_abort_msg("a context whose entry returned switched back");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ctx");
	TCase *tc = tcase_create("switch");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, ping_pong_and_ring);
	tcase_add_test(tc, callee_saved_registers_survive);
#ifdef HAL_HOSTED_ASAN
	tcase_add_exit_test(tc, control_words_are_not_per_context, 255);
#else
	tcase_add_test(tc, control_words_are_not_per_context);
#endif
	tcase_add_test(tc, deep_recursion_on_a_context_stack);
	tcase_add_test(tc, entry_stack_is_16_byte_aligned);
	tcase_add_test(tc, abandoned_stack_can_be_initialised_again);
	suite_add_tcase(s, tc);
	TCase *tg = tcase_create("guard");
	tcase_add_checked_fixture(tg, setup, NULL);
	tcase_add_test(tg, guard_page_on_and_off);
	tcase_add_exit_test(tg, guard_page_hit_is_a_kernel_fault, 255);
	tcase_add_exit_test(tg, entry_that_returns_is_a_kernel_fault, 255);
	suite_add_tcase(s, tg);
	return unit_main(s);
}
