/*
 * crt0.S (aarch64) — a program's first instructions, nexus_trap_exit and nexus_trap_doorbell (nexus.h).
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

/* The exit trap (no kernel to tell): the status stays in the first argument register,
 * then an undefined instruction. */
	.globl nexus_trap_exit
	.type nexus_trap_exit, %function
nexus_trap_exit:
	udf #0x4e58
	.size nexus_trap_exit, . - nexus_trap_exit

/* The trap-instruction doorbell (docs/abi.md). */
	.globl nexus_trap_doorbell
	.type nexus_trap_doorbell, %function
nexus_trap_doorbell:
	svc #0
	ret
	.size nexus_trap_doorbell, . - nexus_trap_doorbell

	.section .note.GNU-stack, "", %progbits
