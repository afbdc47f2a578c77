/*
 * switch.S (hosted, x86_64 SysV) — execution contexts: hal_ctx_switch and the trampoline
 * a new context starts in.
 *
 * A switch is a function call that returns on another stack. Only what the callee must
 * preserve is saved, and it is saved on the stack being left; struct hal_ctx keeps just
 * the stack pointer. The integer set comes from the System V AMD64 ABI (x86-64 psABI 1.0,
 * 3.2.1 "Registers and the Stack Frame", table "Register Usage"): rbx, rbp, r12-r15 are
 * callee-saved; rsp is the context itself. Everything else, the vector registers
 * included, is caller-saved, so the compiler has already spilled whatever it still needs
 * around the call. The frame, lowest address first (offsets in hal_arch.h):
 *
 *   sp -> r15 | r14 | r13 | r12 | rbx | rbp | resume rip
 *
 * 56 bytes: the caller's call left rsp = 8 mod 16, so sp = 8 mod 16 too. hal_ctx_init
 * (hal_ctx.c) builds the same frame for a new context, with rip = hal_hosted_ctx_start,
 * rbx = entry, r12 = arg, placed so that the trampoline runs with rsp 16-byte aligned and
 * its `call` enters entry(arg) with rsp = 8 mod 16, as for any function.
 *
 * The MXCSR control bits and the x87 control word are callee-saved as well (same table),
 * and the switch does NOT save them: they are kernel-wide state, not per-context state.
 * Every kernel context runs with the psABI's initial words (MXCSR 0x1f80, x87 CW 0x037f;
 * 3.4.1 "Initial Stack and Register State"), and no context may switch while it has them
 * changed (the core has no floating point at all; the hosted user boundary of a later
 * issue saves the user's FP state, words included, in the trap frame and loads the
 * kernel's before any kernel code runs). Under that rule a switch returns with exactly
 * the words its caller had, which is all the ABI asks of a callee; a new context inherits
 * the kernel's words from whoever first switches to it. Linux makes the same split: its
 * switch_to saves no FP control state; FPU state belongs to the user boundary. The
 * hosted-asan build checks the rule on every switch (hal_ctx.c). What it is worth, as
 * rumpk / fcontext per round trip (boot -> fiber -> boot; Boost's jump_fcontext saves and
 * reloads both words; 21 ABBA pairs each, AMD EPYC under KVM; the variants were timed in
 * a scratch harness by the same method, the first and last with bench/bench_switch.c):
 *   both words saved and reloaded (before): 0.97-1.00
 *   MXCSR only:                             0.97-0.99 (ldmxcsr is most of the cost)
 *   x87 control word only:                  0.67
 *   both saved, never reloaded:             0.89-0.93 (even the two stores cost)
 *   neither (this file):                    0.51-0.57 (4 runs), about 13 vs 26 ns
 *
 * The switch leaves by `pop; jmp *reg` rather than `ret`: it returns to another context's
 * call site, which the return-stack predictor never saw pushed, so every `ret` here would
 * mispredict. In the scratch harness, without the control words: ret 1.69-1.73x
 * fcontext, pop + jmp 0.59x (with them, earlier: ret 20.7 ns, pop + jmp 10.4 ns).
 *
 * AddressSanitizer builds (HAL_HOSTED_ASAN) must tell ASan about each stack change, which
 * needs C around the switch: there this code is hal_hosted_ctx_swap and hal_ctx.c's
 * hal_ctx_switch wraps it. The switch returns the `from` of the switch that resumed the
 * context (in rax) so that the wrapper, and a new context's hal_hosted_ctx_begin, can
 * store the bounds ASan reports for the stack just left (how the boot stack's are learned).
 *
 * The .cfi rules hold on both stacks, since both hold a frame of the same shape, so gdb
 * unwinds from any instruction here; the trampoline marks the outermost frame of a
 * context (rip undefined), so a backtrace in a fiber ends cleanly at its entry.
 */
#include "hosted_priv.h"

#ifdef HAL_HOSTED_ASAN
#define SWITCH hal_hosted_ctx_swap
#else
#define SWITCH hal_ctx_switch
#endif

	.text

/* void hal_ctx_switch(struct hal_ctx *from (rdi), struct hal_ctx *to (rsi)) */
	.globl	SWITCH
	.type	SWITCH, @function
	.p2align 4
SWITCH:
	.cfi_startproc
#ifndef HAL_HOSTED_ASAN
	/* virtual mode (hal.c): a switch is a charge point; one compare when it is off */
	cmpq	$0, hosted_switch_hook(%rip)
	.cfi_remember_state
	jne	.Lswitch_hook
.Lswitch_body:
#endif
	pushq	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbp, 0
	pushq	%rbx
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbx, 0
	pushq	%r12
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r12, 0
	pushq	%r13
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r13, 0
	pushq	%r14
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r14, 0
	pushq	%r15
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r15, 0

	movq	%rsp, HAL_CTX_SP(%rdi)	/* from is saved; from here on we are `to` */
	movq	HAL_CTX_SP(%rsi), %rsp

	popq	%r15
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r15
	popq	%r14
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r14
	popq	%r13
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r13
	popq	%r12
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r12
	popq	%rbx
	.cfi_adjust_cfa_offset -8
	.cfi_restore %rbx
	popq	%rbp
	.cfi_adjust_cfa_offset -8
	.cfi_restore %rbp
	movq	%rdi, %rax		/* the resumed side learns who resumed it */
	popq	%rcx			/* leave by jump, not ret (see above) */
	.cfi_adjust_cfa_offset -8
	.cfi_register %rip, %rcx
	jmpq	*%rcx
#ifndef HAL_HOSTED_ASAN
.Lswitch_hook:
	.cfi_restore_state
	pushq	%rdi			/* from, to: the hook is a C call */
	.cfi_adjust_cfa_offset 8
	pushq	%rsi
	.cfi_adjust_cfa_offset 8
	subq	$8, %rsp		/* entry left rsp = 8 mod 16: 0 mod 16 at the call */
	.cfi_adjust_cfa_offset 8
	call	*hosted_switch_hook(%rip)
	addq	$8, %rsp
	.cfi_adjust_cfa_offset -8
	popq	%rsi
	.cfi_adjust_cfa_offset -8
	popq	%rdi
	.cfi_adjust_cfa_offset -8
	jmp	.Lswitch_body
#endif
	.cfi_endproc
	.size	SWITCH, . - SWITCH

/*
 * hal_hosted_ctx_start — where a new context's first switch "returns" to: rbx = entry,
 * r12 = arg, rax = the context that switched here, rsp 16-byte aligned. entry must never
 * return; if it does, ud2 raises SIGILL, which host_cpu.c reports as a kernel fault at
 * this address.
 */
	.globl	hal_hosted_ctx_start
	.type	hal_hosted_ctx_start, @function
	.p2align 4
hal_hosted_ctx_start:
	.cfi_startproc
	.cfi_undefined %rip		/* the outermost frame: gdb's backtrace ends here */
#ifdef HAL_HOSTED_ASAN
	movq	%rax, %rdi
	call	hal_hosted_ctx_begin
#endif
	movq	%r12, %rdi
	call	*%rbx
	ud2
	.cfi_endproc
	.size	hal_hosted_ctx_start, . - hal_hosted_ctx_start

	.section .note.GNU-stack, "", @progbits
