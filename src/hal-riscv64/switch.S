/*
 * switch.S (riscv64) — execution contexts: hal_ctx_switch and the trampoline a new context
 * starts in.
 *
 * A switch is a call that returns on another stack. Only what the callee must preserve is
 * saved, on the stack being left; struct hal_ctx keeps just sp. The set comes from the
 * RISC-V psABI (riscv-elf-psabi-doc, "Integer Register Convention"): sp and s0-s11 are
 * preserved across calls; ra is saved too, as the address the switch returns to. rv64imac
 * has no F/D registers, so there are no fs0-fs11 to keep. The frame, lowest address first
 * (offsets in hal_arch.h), 112 bytes so sp stays 16-byte aligned:
 *
 *   sp -> ra | s0 | s1 | ... | s11 | pad
 *
 * hal_ctx_init (hal.c) builds the same frame for a new context: ra = hal_riscv64_ctx_start,
 * s1 = entry, s2 = arg, s0 = 0, at the 16-byte aligned top of its stack, so the trampoline
 * calls entry(arg) with sp 16-byte aligned as the psABI requires at every call ("Integer
 * Calling Convention": sp aligned to 128 bits on procedure entry).
 *
 * The switch leaves by `jr t1`, not `ret`: it returns to a call site of another context,
 * which the return-address stack never saw pushed. `ret` (jalr x0, 0(ra)) is the hint to
 * pop that stack; a jalr through a register other than x1/x5 gives no hint (unprivileged
 * ISA v20191213, section 2.5, table 2.1), so the target comes from the indirect-branch
 * predictor. The hosted switch measured the same choice at 2x (hal-hosted/switch.S); QEMU
 * models no branch prediction, so it is unmeasured here.
 *
 * The .cfi rules hold on both stacks (same frame shape on each); the trampoline is the
 * outermost frame of a context (ra undefined), so gdb's backtrace in a fiber ends there.
 * .debug_frame, since linker.ld discards .eh_frame.
 */
#include "hal_arch.h"

	.cfi_sections .debug_frame
	.text

/* void hal_ctx_switch(struct hal_ctx *from (a0), struct hal_ctx *to (a1)) */
	.globl	hal_ctx_switch
	.type	hal_ctx_switch, @function
	.balign	4
hal_ctx_switch:
	.cfi_startproc
	addi	sp, sp, -CTX_FRAME_SIZE
	.cfi_adjust_cfa_offset CTX_FRAME_SIZE
	sd	ra, CTX_F_RA(sp)
	sd	s0, CTX_F_S(0)(sp)
	sd	s1, CTX_F_S(1)(sp)
	sd	s2, CTX_F_S(2)(sp)
	sd	s3, CTX_F_S(3)(sp)
	sd	s4, CTX_F_S(4)(sp)
	sd	s5, CTX_F_S(5)(sp)
	sd	s6, CTX_F_S(6)(sp)
	sd	s7, CTX_F_S(7)(sp)
	sd	s8, CTX_F_S(8)(sp)
	sd	s9, CTX_F_S(9)(sp)
	sd	s10, CTX_F_S(10)(sp)
	sd	s11, CTX_F_S(11)(sp)
	.cfi_rel_offset ra, CTX_F_RA
	.cfi_rel_offset s0, CTX_F_S(0)
	.cfi_rel_offset s1, CTX_F_S(1)
	.cfi_rel_offset s2, CTX_F_S(2)
	.cfi_rel_offset s3, CTX_F_S(3)
	.cfi_rel_offset s4, CTX_F_S(4)
	.cfi_rel_offset s5, CTX_F_S(5)
	.cfi_rel_offset s6, CTX_F_S(6)
	.cfi_rel_offset s7, CTX_F_S(7)
	.cfi_rel_offset s8, CTX_F_S(8)
	.cfi_rel_offset s9, CTX_F_S(9)
	.cfi_rel_offset s10, CTX_F_S(10)
	.cfi_rel_offset s11, CTX_F_S(11)

	sd	sp, HAL_CTX_SP(a0)	/* from is saved; from here on we are `to` */
	ld	sp, HAL_CTX_SP(a1)

	ld	t1, CTX_F_RA(sp)	/* where `to` resumes */
	ld	s0, CTX_F_S(0)(sp)
	ld	s1, CTX_F_S(1)(sp)
	ld	s2, CTX_F_S(2)(sp)
	ld	s3, CTX_F_S(3)(sp)
	ld	s4, CTX_F_S(4)(sp)
	ld	s5, CTX_F_S(5)(sp)
	ld	s6, CTX_F_S(6)(sp)
	ld	s7, CTX_F_S(7)(sp)
	ld	s8, CTX_F_S(8)(sp)
	ld	s9, CTX_F_S(9)(sp)
	ld	s10, CTX_F_S(10)(sp)
	ld	s11, CTX_F_S(11)(sp)
	.cfi_register ra, t1
	.cfi_restore s0
	.cfi_restore s1
	.cfi_restore s2
	.cfi_restore s3
	.cfi_restore s4
	.cfi_restore s5
	.cfi_restore s6
	.cfi_restore s7
	.cfi_restore s8
	.cfi_restore s9
	.cfi_restore s10
	.cfi_restore s11
	addi	sp, sp, CTX_FRAME_SIZE
	.cfi_adjust_cfa_offset -CTX_FRAME_SIZE
	jr	t1			/* leave by jump, not ret (see above) */
	.cfi_endproc
	.size	hal_ctx_switch, . - hal_ctx_switch

/*
 * hal_riscv64_ctx_start — where a new context's first switch "returns" to: s1 = entry,
 * s2 = arg, sp 16-byte aligned. entry must never return; if it does, unimp is an illegal
 * instruction, which trap.c reports as a kernel fault at this address.
 */
	.globl	hal_riscv64_ctx_start
	.type	hal_riscv64_ctx_start, @function
	.balign	4
hal_riscv64_ctx_start:
	.cfi_startproc
	.cfi_undefined ra		/* the outermost frame: gdb's backtrace ends here */
	mv	a0, s2
	jalr	s1
	unimp
	.cfi_endproc
	.size	hal_riscv64_ctx_start, . - hal_riscv64_ctx_start
