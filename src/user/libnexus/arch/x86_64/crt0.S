/*
 * crt0.S (x86_64) — a program's first instructions, and nexus_exit (nexus.h).
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

/* Until the doorbell (a later issue): status stays in edi, then an undefined instruction. */
	.globl nexus_exit
	.type nexus_exit, @function
nexus_exit:
	ud2
	.size nexus_exit, . - nexus_exit

	.section .note.GNU-stack, "", %progbits
