/*
 * crt0.S (x86_64) — a program's first instructions, nexus_trap_exit and nexus_trap_doorbell (nexus.h).
 *
 * The loader leaves rsp 16-byte aligned at argc (psABI 3.4.1's initial stack) with every
 * relocation applied. rbp = 0 ends frame-pointer walks; `call` then leaves rsp at
 * 8 mod 16 in nexus_start, as the psABI wants at a function's entry.
 */
	.text
	.globl _start
	.type _start, @function
_start:
	.cfi_sections .debug_frame /* no .eh_frame: nothing unwinds user code */
	.cfi_startproc
	.cfi_undefined rip
	xorl %ebp, %ebp
	movq %rsp, %rdi
	andq $-16, %rsp
	call nexus_start
	ud2
	.cfi_endproc
	.size _start, . - _start

/* The exit trap (no kernel to tell): the status stays in the first argument register,
 * then an undefined instruction. */
	.globl nexus_trap_exit
	.type nexus_trap_exit, @function
nexus_trap_exit:
	ud2
	.size nexus_trap_exit, . - nexus_trap_exit

/* The trap-instruction doorbell (docs/abi.md). */
	.globl nexus_trap_doorbell
	.type nexus_trap_doorbell, @function
nexus_trap_doorbell:
	ud2 /* the sim always hands out a doorbell pointer: never used */
	.size nexus_trap_doorbell, . - nexus_trap_doorbell

	.section .note.GNU-stack, "", %progbits
