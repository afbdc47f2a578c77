/*
 * crt0.S (riscv64) — a program's first instructions, and nexus_exit (nexus.h).
 *
 * The loader leaves sp 16-byte aligned at argc with every relocation applied. gp is not
 * set: programs are linked with -mno-relax, so no code addresses anything through it.
 * ra = fp = 0 end frame walks.
 */
	.text
	.globl _start
	.type _start, @function
_start:
	.cfi_sections .debug_frame /* no .eh_frame: nothing unwinds user code */
	.cfi_startproc
	.cfi_undefined ra
	mv a0, sp
	andi sp, sp, -16
	li ra, 0
	li s0, 0
	call nexus_start
	unimp
	.cfi_endproc
	.size _start, . - _start

/* Until the doorbell (a later issue): status stays in a0, then an illegal instruction. */
	.globl nexus_exit
	.type nexus_exit, @function
nexus_exit:
	unimp
	.size nexus_exit, . - nexus_exit

	.section .note.GNU-stack, "", %progbits
