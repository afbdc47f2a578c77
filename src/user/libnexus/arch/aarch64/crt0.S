/*
 * crt0.S (aarch64) — a program's first instructions, and nexus_exit (nexus.h).
 *
 * The loader leaves sp 16-byte aligned at argc with every relocation applied (sp must
 * stay 16-byte aligned for any access through it). x29 = x30 = 0 end frame walks.
 */
	.text
	.globl _start
	.type _start, %function
_start:
	.cfi_sections .debug_frame /* no .eh_frame: nothing unwinds user code */
	.cfi_startproc
	.cfi_undefined x30
	mov x29, #0
	mov x30, #0
	mov x0, sp
	and x1, x0, #~15
	mov sp, x1
	bl nexus_start
	udf #0x4e58
	.cfi_endproc
	.size _start, . - _start

/* Until the doorbell (a later issue): status stays in w0, then an undefined instruction. */
	.globl nexus_exit
	.type nexus_exit, %function
nexus_exit:
	udf #0x4e58
	.size nexus_exit, . - nexus_exit

	.section .note.GNU-stack, "", %progbits
