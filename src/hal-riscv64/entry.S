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
 * hal_riscv64_trap_vector: stvec in direct mode (4-byte aligned, low bits 00). Every trap is
 * from S-mode for now, so it pushes a TF_SIZE frame on the current stack, saves all 31
 * GPRs and sepc/sstatus/scause/stval, and calls hal_riscv64_trap(frame). On return it
 * reloads sepc and sstatus from the frame (the C side may move sepc past an instruction),
 * restores every GPR and leaves with sret.
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
	addi	sp, sp, -TF_SIZE
	sd	x1, TF_X(1)(sp)
	sd	x3, TF_X(3)(sp)
	sd	x4, TF_X(4)(sp)
	sd	x5, TF_X(5)(sp)
	sd	x6, TF_X(6)(sp)
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
	addi	t0, sp, TF_SIZE		/* the interrupted sp */
	sd	t0, TF_X(2)(sp)
	csrr	t0, sepc
	sd	t0, TF_SEPC(sp)
	csrr	t0, sstatus
	sd	t0, TF_SSTATUS(sp)
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
	addi	sp, sp, TF_SIZE
	sret

	/* The boot stack: NOLOAD, after .bss (linker.ld), so the zeroing loop never runs over
	 * the stack it is standing on and the image stays small. */
	.section .boot_stack, "aw", @nobits
	.balign 16
hal_riscv64_boot_stack:
	.space BOOT_STACK_SIZE
hal_riscv64_boot_stack_top:
