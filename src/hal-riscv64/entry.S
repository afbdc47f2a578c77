/*
 * entry.S (riscv64) — the first instructions, and the trap vector.
 *
 * _start: OpenSBI enters here in S-mode at 0x80200000 (the lowest PT_LOAD address; linker.ld
 * keeps .text.entry first), with a0 = hart id, a1 = physical address of the device tree,
 * the MMU off and sstatus.SIE clear. OpenSBI starts only the boot hart; any other stays
 * stopped in SBI HSM until someone starts it, so no parking loop is needed here.
 * Invariant on the way into C: sp is 16-byte aligned at the top of the boot stack, .bss is
 * zero, a0/a1 are untouched.
 *
 * hal_riscv64_trap_vector: stvec in direct mode (4-byte aligned, low bits 00). sscratch
 * tells the two kinds of trap apart: 0 while the hart is in S-mode, the user thread's frame
 * while it runs user code.
 *   - From S-mode: a TF_SIZE frame on the trap stack (on top of it, or below the
 *     interrupted sp when that is already on it), all 31 GPRs, the interrupted sp and
 *     sepc/sstatus/scause/stval, SUM cleared for the handler; then hal_riscv64_trap(frame).
 *     On return sepc and sstatus come back from the frame (the C side may move sepc past
 *     an instruction), every GPR too, the interrupted sp last, and sret.
 *   - From U-mode: every register into the frame (struct hal_uframe, hal_arch.h), sscratch
 *     back to 0, then hal_riscv64_user_trap(frame) on the kernel stack below the frame; it
 *     never returns here: the way back is hal_riscv64_user_resume.
 * The trap stack has a guard page below it (linker.ld), like the boot stack.
 */
#include "hal_arch.h"

	.cfi_sections .debug_frame	/* .eh_frame is discarded (linker.ld) */
	.section .text.entry, "ax", @progbits
	.globl _start
_start:
	.cfi_startproc
	.cfi_undefined ra		/* the outermost frame: gdb's backtrace ends here */
	la	sp, hal_riscv64_boot_stack_top
	csrw	sie, zero		/* no interrupt source enabled until hal_trap_init */
	/* zero .bss: linker.ld aligns both ends to 8; the boot stack lies outside it */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	call	hal_riscv64_boot	/* a0 = hart id, a1 = dtb; never returns */
3:	wfi
	j	3b
	.cfi_endproc

	.text
	.globl hal_riscv64_trap_vector
	.balign 4
hal_riscv64_trap_vector:
	/* sscratch is 0 in S-mode and the user thread's frame in U-mode (the one way out,
	 * hal_riscv64_user_resume, sets it with interrupts off just before sret) */
	csrrw	sp, sscratch, sp
	bnez	sp, from_user

	/* From S-mode: sp = 0, sscratch = the interrupted sp. Two scratch words hold t0/t1
	 * while the new sp is chosen; sscratch is 0 again before anything can fault. */
	la	sp, trap_scratch
	sd	t0, 0(sp)
	sd	t1, 8(sp)
	csrrw	t0, sscratch, zero
	/* already on the trap stack (a fault inside a trap handler): go on below it; else
	 * take the top of the trap stack, so a kernel stack overflowed into its guard page
	 * is reported instead of faulting again here */
	la	t1, hal_riscv64_trap_stack
	bltu	t0, t1, 1f
	la	t1, hal_riscv64_trap_stack_top
	bgtu	t0, t1, 1f
	mv	sp, t0
	j	2f
1:	la	sp, hal_riscv64_trap_stack_top
2:	addi	sp, sp, -TF_SIZE
	sd	t0, TF_X(2)(sp)		/* the interrupted sp */
	la	t0, trap_scratch
	ld	t1, 0(t0)
	sd	t1, TF_X(5)(sp)
	ld	t1, 8(t0)
	sd	t1, TF_X(6)(sp)
	sd	x1, TF_X(1)(sp)
	sd	x3, TF_X(3)(sp)
	sd	x4, TF_X(4)(sp)
	sd	x7, TF_X(7)(sp)
	sd	x8, TF_X(8)(sp)
	sd	x9, TF_X(9)(sp)
	sd	x10, TF_X(10)(sp)
	sd	x11, TF_X(11)(sp)
	sd	x12, TF_X(12)(sp)
	sd	x13, TF_X(13)(sp)
	sd	x14, TF_X(14)(sp)
	sd	x15, TF_X(15)(sp)
	sd	x16, TF_X(16)(sp)
	sd	x17, TF_X(17)(sp)
	sd	x18, TF_X(18)(sp)
	sd	x19, TF_X(19)(sp)
	sd	x20, TF_X(20)(sp)
	sd	x21, TF_X(21)(sp)
	sd	x22, TF_X(22)(sp)
	sd	x23, TF_X(23)(sp)
	sd	x24, TF_X(24)(sp)
	sd	x25, TF_X(25)(sp)
	sd	x26, TF_X(26)(sp)
	sd	x27, TF_X(27)(sp)
	sd	x28, TF_X(28)(sp)
	sd	x29, TF_X(29)(sp)
	sd	x30, TF_X(30)(sp)
	sd	x31, TF_X(31)(sp)
	csrr	t0, sepc
	sd	t0, TF_SEPC(sp)
	csrr	t0, sstatus
	sd	t0, TF_SSTATUS(sp)
	li	t1, SSTATUS_SUM		/* an interrupt inside a user copy: the handler gets */
	csrc	sstatus, t1		/* no user access (sret restores the copy's SUM) */
	csrr	t0, scause
	sd	t0, TF_SCAUSE(sp)
	csrr	t0, stval
	sd	t0, TF_STVAL(sp)

	mv	a0, sp
	call	hal_riscv64_trap

	ld	t0, TF_SEPC(sp)
	csrw	sepc, t0
	ld	t0, TF_SSTATUS(sp)
	csrw	sstatus, t0
	ld	x1, TF_X(1)(sp)
	ld	x3, TF_X(3)(sp)
	ld	x4, TF_X(4)(sp)
	ld	x5, TF_X(5)(sp)
	ld	x6, TF_X(6)(sp)
	ld	x7, TF_X(7)(sp)
	ld	x8, TF_X(8)(sp)
	ld	x9, TF_X(9)(sp)
	ld	x10, TF_X(10)(sp)
	ld	x11, TF_X(11)(sp)
	ld	x12, TF_X(12)(sp)
	ld	x13, TF_X(13)(sp)
	ld	x14, TF_X(14)(sp)
	ld	x15, TF_X(15)(sp)
	ld	x16, TF_X(16)(sp)
	ld	x17, TF_X(17)(sp)
	ld	x18, TF_X(18)(sp)
	ld	x19, TF_X(19)(sp)
	ld	x20, TF_X(20)(sp)
	ld	x21, TF_X(21)(sp)
	ld	x22, TF_X(22)(sp)
	ld	x23, TF_X(23)(sp)
	ld	x24, TF_X(24)(sp)
	ld	x25, TF_X(25)(sp)
	ld	x26, TF_X(26)(sp)
	ld	x27, TF_X(27)(sp)
	ld	x28, TF_X(28)(sp)
	ld	x29, TF_X(29)(sp)
	ld	x30, TF_X(30)(sp)
	ld	x31, TF_X(31)(sp)
	ld	sp, TF_X(2)(sp)
	sret

	/* From U-mode: sp = the thread's frame (its kernel stack lies below it), sscratch =
	 * the user's sp. Everything the user can see goes into the frame. */
from_user:
	sd	x1, UF_X(1)(sp)
	sd	x3, UF_X(3)(sp)
	sd	x4, UF_X(4)(sp)
	sd	x5, UF_X(5)(sp)
	sd	x6, UF_X(6)(sp)
	sd	x7, UF_X(7)(sp)
	sd	x8, UF_X(8)(sp)
	sd	x9, UF_X(9)(sp)
	sd	x10, UF_X(10)(sp)
	sd	x11, UF_X(11)(sp)
	sd	x12, UF_X(12)(sp)
	sd	x13, UF_X(13)(sp)
	sd	x14, UF_X(14)(sp)
	sd	x15, UF_X(15)(sp)
	sd	x16, UF_X(16)(sp)
	sd	x17, UF_X(17)(sp)
	sd	x18, UF_X(18)(sp)
	sd	x19, UF_X(19)(sp)
	sd	x20, UF_X(20)(sp)
	sd	x21, UF_X(21)(sp)
	sd	x22, UF_X(22)(sp)
	sd	x23, UF_X(23)(sp)
	sd	x24, UF_X(24)(sp)
	sd	x25, UF_X(25)(sp)
	sd	x26, UF_X(26)(sp)
	sd	x27, UF_X(27)(sp)
	sd	x28, UF_X(28)(sp)
	sd	x29, UF_X(29)(sp)
	sd	x30, UF_X(30)(sp)
	sd	x31, UF_X(31)(sp)
	csrrw	t0, sscratch, zero	/* the user sp; sscratch 0: kernel code from here */
	sd	t0, UF_X(2)(sp)
	csrr	t0, sepc
	sd	t0, UF_PC(sp)
	csrr	t0, scause
	sd	t0, UF_CAUSE(sp)
	csrr	t0, stval
	sd	t0, UF_TVAL(sp)
	mv	a0, sp
	call	hal_riscv64_user_trap	/* never returns: it leaves by hal_riscv64_user_resume */
	unimp

/*
 * void hal_riscv64_user_resume(struct hal_uframe *f) — the one way to user code: with
 * interrupts off (sstatus.SIE clear until sret; U-mode takes them whatever SIE says),
 * sepc = f's pc, sret to U-mode with SPIE set and SUM clear, sscratch = f for the next trap,
 * every register from f.
 */
	.globl	hal_riscv64_user_resume
	.balign	4
hal_riscv64_user_resume:
	csrci	sstatus, SSTATUS_SIE
	ld	t0, UF_PC(a0)
	csrw	sepc, t0
	li	t0, SSTATUS_SPP | SSTATUS_SUM
	csrc	sstatus, t0
	li	t0, SSTATUS_SPIE
	csrs	sstatus, t0
	csrw	sscratch, a0
	ld	x1, UF_X(1)(a0)
	ld	x2, UF_X(2)(a0)
	ld	x3, UF_X(3)(a0)
	ld	x4, UF_X(4)(a0)
	ld	x5, UF_X(5)(a0)
	ld	x6, UF_X(6)(a0)
	ld	x7, UF_X(7)(a0)
	ld	x8, UF_X(8)(a0)
	ld	x9, UF_X(9)(a0)
	ld	x11, UF_X(11)(a0)
	ld	x12, UF_X(12)(a0)
	ld	x13, UF_X(13)(a0)
	ld	x14, UF_X(14)(a0)
	ld	x15, UF_X(15)(a0)
	ld	x16, UF_X(16)(a0)
	ld	x17, UF_X(17)(a0)
	ld	x18, UF_X(18)(a0)
	ld	x19, UF_X(19)(a0)
	ld	x20, UF_X(20)(a0)
	ld	x21, UF_X(21)(a0)
	ld	x22, UF_X(22)(a0)
	ld	x23, UF_X(23)(a0)
	ld	x24, UF_X(24)(a0)
	ld	x25, UF_X(25)(a0)
	ld	x26, UF_X(26)(a0)
	ld	x27, UF_X(27)(a0)
	ld	x28, UF_X(28)(a0)
	ld	x29, UF_X(29)(a0)
	ld	x30, UF_X(30)(a0)
	ld	x31, UF_X(31)(a0)
	ld	a0, UF_X(10)(a0)
	sret

	/* The boot stack: NOLOAD, after .bss (linker.ld), so the zeroing loop never runs over
	 * the stack it is standing on and the image stays small. */
	.section .boot_stack, "aw", @nobits
	.balign 4096
hal_riscv64_boot_stack:
	.space BOOT_STACK_SIZE
hal_riscv64_boot_stack_top:

	/* The trap stack (see the vector), and the vector's two scratch words. */
	.section .trap_stack, "aw", @nobits
	.balign 4096
	.globl hal_riscv64_trap_stack, hal_riscv64_trap_stack_top
hal_riscv64_trap_stack:
	.space TRAP_STACK_SIZE
hal_riscv64_trap_stack_top:

	.bss
	.balign 16
trap_scratch:
	.space 16
