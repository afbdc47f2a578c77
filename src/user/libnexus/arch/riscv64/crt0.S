/*
 * crt0.S (riscv64) — a program's first instructions, nexus_trap_exit and nexus_trap_doorbell (nexus.h).
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

/* The exit trap (no kernel to tell): the status stays in the first argument register,
 * then an undefined instruction. */
	.globl nexus_trap_exit
	.type nexus_trap_exit, @function
nexus_trap_exit:
	unimp
	.size nexus_trap_exit, . - nexus_trap_exit

/* The trap-instruction doorbell (docs/abi.md). */
	.globl nexus_trap_doorbell
	.type nexus_trap_doorbell, @function
nexus_trap_doorbell:
	ecall
	ret
	.size nexus_trap_doorbell, . - nexus_trap_doorbell

	.section .note.GNU-stack, "", %progbits
