/*
 * switch.S (aarch64) — execution contexts: hal_ctx_switch and the trampoline a new context
 * starts in.
 *
 * A switch is a call that returns on another stack. Only what the callee must preserve is
 * saved, on the stack being left; struct hal_ctx keeps just sp. The set comes from the
 * Procedure Call Standard for the Arm 64-bit Architecture (AAPCS64, "General-purpose
 * Registers"): x19-x28 are callee-saved, x29 is the frame pointer, x30 (lr) the address
 * the switch returns to, sp the context itself. AAPCS64 also makes d8-d15 (the low halves
 * of v8-v15) callee-saved, but the kernel is compiled with -mgeneral-regs-only
 * (cmake/toolchain-aarch64.cmake), so no kernel code ever holds a value in them and this
 * switch does not save them: anything linked into the kernel must be built that way too.
 * User programs' FP/SIMD state belongs to the trap path, not here. The frame, lowest
 * address first (offsets in hal_arch.h), 96 bytes so sp stays 16-byte aligned (AAPCS64
 * "The Stack": SP mod 16 = 0; SCTLR_EL1.SA traps otherwise):
 *
 *   sp -> x19 | x20 | ... | x28 | x29 | x30
 *
 * hal_ctx_init (hal.c) builds the same frame for a new context: x30 =
 * hal_aarch64_ctx_start, x19 = entry, x20 = arg, x29 = 0, at the 16-byte aligned top of
 * its stack, so the trampoline calls entry(arg) with sp 16-byte aligned.
 *
 * The switch leaves by `br x30`, not `ret`: it returns to a call site of another context,
 * which the return-address predictor never saw pushed, and `ret` is the hint that pops it
 * (ARM ARM, RET: "hints that this is a subroutine return"); BR gives no such hint. The
 * hosted switch measured the same choice at 2x (hal-hosted/switch.S); QEMU models no
 * branch prediction, so it is unmeasured here.
 *
 * The .cfi rules hold on both stacks (same frame shape on each); the trampoline is the
 * outermost frame of a context (x30 undefined), so gdb's backtrace in a fiber ends there.
 * .debug_frame, like entry.S, so nothing of it lands in the loaded image.
 */
#include "hal_arch.h"

	.cfi_sections .debug_frame
	.text

/* void hal_ctx_switch(struct hal_ctx *from (x0), struct hal_ctx *to (x1)) */
	.globl	hal_ctx_switch
	.type	hal_ctx_switch, %function
	.balign	16
hal_ctx_switch:
	.cfi_startproc
	sub	sp, sp, #CTX_FRAME_SIZE
	.cfi_adjust_cfa_offset CTX_FRAME_SIZE
	stp	x19, x20, [sp, #CTX_F_X(19)]
	stp	x21, x22, [sp, #CTX_F_X(21)]
	stp	x23, x24, [sp, #CTX_F_X(23)]
	stp	x25, x26, [sp, #CTX_F_X(25)]
	stp	x27, x28, [sp, #CTX_F_X(27)]
	stp	x29, x30, [sp, #CTX_F_X(29)]
	.cfi_rel_offset x19, CTX_F_X(19)
	.cfi_rel_offset x20, CTX_F_X(20)
	.cfi_rel_offset x21, CTX_F_X(21)
	.cfi_rel_offset x22, CTX_F_X(22)
	.cfi_rel_offset x23, CTX_F_X(23)
	.cfi_rel_offset x24, CTX_F_X(24)
	.cfi_rel_offset x25, CTX_F_X(25)
	.cfi_rel_offset x26, CTX_F_X(26)
	.cfi_rel_offset x27, CTX_F_X(27)
	.cfi_rel_offset x28, CTX_F_X(28)
	.cfi_rel_offset x29, CTX_F_X(29)
	.cfi_rel_offset x30, CTX_F_X(30)

	mov	x9, sp
	str	x9, [x0, #HAL_CTX_SP]	/* from is saved; from here on we are `to` */
	ldr	x9, [x1, #HAL_CTX_SP]
	mov	sp, x9

	ldp	x19, x20, [sp, #CTX_F_X(19)]
	ldp	x21, x22, [sp, #CTX_F_X(21)]
	ldp	x23, x24, [sp, #CTX_F_X(23)]
	ldp	x25, x26, [sp, #CTX_F_X(25)]
	ldp	x27, x28, [sp, #CTX_F_X(27)]
	ldp	x29, x30, [sp, #CTX_F_X(29)]
	.cfi_restore x19
	.cfi_restore x20
	.cfi_restore x21
	.cfi_restore x22
	.cfi_restore x23
	.cfi_restore x24
	.cfi_restore x25
	.cfi_restore x26
	.cfi_restore x27
	.cfi_restore x28
	.cfi_restore x29
	.cfi_restore x30
	add	sp, sp, #CTX_FRAME_SIZE
	.cfi_adjust_cfa_offset -CTX_FRAME_SIZE
	br	x30			/* leave by jump, not ret (see above) */
	.cfi_endproc
	.size	hal_ctx_switch, . - hal_ctx_switch

/*
 * hal_aarch64_ctx_start — where a new context's first switch "returns" to: x19 = entry,
 * x20 = arg, sp 16-byte aligned. entry must never return; if it does, udf is an undefined
 * instruction, which trap.c reports as a kernel fault at this address.
 */
	.globl	hal_aarch64_ctx_start
	.type	hal_aarch64_ctx_start, %function
	.balign	16
hal_aarch64_ctx_start:
	.cfi_startproc
	.cfi_undefined x30		/* the outermost frame: gdb's backtrace ends here */
	mov	x0, x20
	blr	x19
	udf	#0
	.cfi_endproc
	.size	hal_aarch64_ctx_start, . - hal_aarch64_ctx_start
