/*
 * switch.S (hosted, x86_64 SysV) — execution contexts: hal_ctx_switch and the trampoline
 * a new context starts in.
 *
 * A switch is a function call that returns on another stack. Only what the callee must
 * preserve is saved, and it is saved on the stack being left; struct hal_ctx keeps just
 * the stack pointer. The set comes from the System V AMD64 ABI (x86-64 psABI 1.0, 3.2.1
 * "Registers and the Stack Frame", table "Register Usage"): rbx, rbp, r12-r15, the
 * MXCSR control bits and the x87 control word are callee-saved; rsp is the context
 * itself. Everything else, the vector registers included, is caller-saved, so the
 * compiler has already spilled whatever it still needs around the call. The frame,
 * lowest address first (offsets in hal_arch.h):
 *
 *   sp -> MXCSR (4 bytes) | x87 CW (2) | pad | r15 | r14 | r13 | r12 | rbx | rbp | resume rip
 *
 * 64 bytes: the caller's call left rsp = 8 mod 16, so sp is 16-byte aligned. hal_ctx_init
 * (hal_ctx.c) builds the same frame for a new context, with rip = hal_hosted_ctx_start,
 * rbx = entry, r12 = arg and the ABI's initial control words (MXCSR 0x1f80, CW 0x037f;
 * psABI 3.4.1 "Initial Stack and Register State"), placed so that the trampoline runs
 * with rsp 16-byte aligned and its `call` enters entry(arg) with rsp = 8 mod 16, as for
 * any function.
 *
 * The switch leaves by `pop; jmp *reg` rather than `ret`: it returns to another context's
 * call site, which the return-stack predictor never saw pushed, so every `ret` here would
 * mispredict. Measured with bench/bench_switch.c (round trip boot -> fiber -> boot, 21
 * paired runs against Boost.Context's jump_fcontext, 3 runs each, AMD EPYC under KVM):
 *   ret:        20.7 ns per round trip, rumpk / fcontext = 1.95 (range 1.93..1.96)
 *   pop + jmp:  10.4 ns per round trip, rumpk / fcontext = 0.97 (range 0.91..0.99)
 * Also tried: reloading MXCSR/CW only when the two contexts' words differ costs 21.4 ns
 * (reading back the words just stored by stmxcsr/fnstcw stalls store forwarding).
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
#include "hal_arch.h"

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
	subq	$8, %rsp
	.cfi_adjust_cfa_offset 8
	stmxcsr	CTX_F_CSR(%rsp)
	fnstcw	CTX_F_CSR+4(%rsp)

	movq	%rsp, HAL_CTX_SP(%rdi)	/* from is saved; from here on we are `to` */
	movq	HAL_CTX_SP(%rsi), %rsp

	ldmxcsr	CTX_F_CSR(%rsp)
	fldcw	CTX_F_CSR+4(%rsp)
	addq	$8, %rsp
	.cfi_adjust_cfa_offset -8
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
