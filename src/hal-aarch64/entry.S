/*
 * entry.S (aarch64) — the first instructions, the exception vector table, and the way out
 * to user code.
 *
 * The file starts with the 64-byte arm64 Image header, so QEMU (-kernel with a raw Image)
 * loads us at RAM base + text_offset = 0x40080000, passes x0 = the device tree's physical
 * address and enters at the header's first word. From there, with the MMU and caches off,
 * running at the physical address while linked in the high half (linker.ld), so every
 * address is taken PC-relative (adr/adrp) until step 5:
 *   1. mask all exceptions; if entered at EL2, drop to EL1 (anything else: message, halt);
 *   2. put SCTLR_EL1 in a known state and check we run where linker.ld placed us (the
 *      kernel is linked at one address and not relocatable yet);
 *   3. enable FP/SIMD for EL0/EL1 (before any C: clang vectorises memset and friends, and
 *      user programs use it), set a physical boot stack, invalidate then zero the bss;
 *   4. hal_aarch64_mmu_init() (mmu.c) builds the boot tables and turns the MMU on;
 *   5. jump to the high half, take the boot stack and the vector table at their kernel
 *      addresses, and call hal_aarch64_boot() (hal.c), which parses the device tree,
 *      finishes the page tables and enters the core. Nothing returns.
 * Until the MMU is on every data access is Device memory: no unaligned accesses here.
 *
 * The vector table. Kernel traps (current EL, SP_ELx): each entry first checks that a
 * trap frame below sp would land on mapped, writable memory (AT S1E1W, then PAR_EL1.F;
 * x0 is parked in TPIDR_EL1 meanwhile), else it moves to the emergency stack: a fiber
 * that ran off its stack into the guard page is then reported by name (trap.c ->
 * core_kernel_fault -> sched_guard_owner) instead of faulting again on every push. Then
 * it reserves a trap frame (hal_arch.h), saves x0/x1, puts its own index in x0 and joins
 * one common path, which saves the other registers plus ELR_EL1/SPSR_EL1, calls
 * hal_aarch64_trap(frame, index) (trap.c), restores everything and erets.
 * Traps from EL0: SP_EL1 points at the user thread's frame (struct hal_uframe, hal_arch.h),
 * so the entry saves every register, SP_EL0, ELR, SPSR and the FP/SIMD state straight into
 * it, loads the empty TTBR0 (software PAN, mmu.c) and calls hal_aarch64_user_trap(frame,
 * index), which never returns: the way back is hal_aarch64_user_resume.
 */
#include "hal_arch.h"

/* Semihosting (Arm "Semihosting for AArch32 and AArch64", v2): SYS_EXIT with
 * ADP_Stopped_ApplicationExit; QEMU's -semihosting makes the subcode its exit status. */
#define SEMIHOSTING_SYS_EXIT 0x18

/* PL011 at its QEMU virt address (hw/arm/virt.c memmap, VIRT_UART) for the messages below,
 * printed before any device tree is read; FR at 0x18, TXFF = FR bit 5 (PL011 TRM 3.3.3). */
#define EARLY_UART 0x09000000

	.section .text.head, "ax"
	.globl _start
_start:
	/* arm64 Image header, Linux Documentation/arm64/booting.rst section 4. */
	b	primary_entry		/* code0: branch to the real entry */
	.word	0			/* code1 */
	.quad	0x80000			/* text_offset: loaded at a 2 MiB-aligned base + this */
	.quad	_image_size		/* image_size: image + bss + stack + tables (linker.ld) */
	.quad	0xa			/* flags: little-endian, 4 KiB pages, base anywhere */
	.quad	0			/* res2 */
	.quad	0			/* res3 */
	.quad	0			/* res4 */
	.word	0x644d5241		/* magic "ARM\x64" */
	.word	0			/* res5: no PE/COFF header */

primary_entry:
	/* for debuggers: the outermost frame (x30 holds no return address); .debug_frame so
	 * nothing of it lands in the loaded image */
	.cfi_sections .debug_frame
	.cfi_startproc
	.cfi_undefined x30
	msr	daifset, #0xf
	mov	x19, x0			/* x19: the DTB address, kept across the calls below */
	mrs	x1, CurrentEL
	ubfx	x1, x1, #2, #2
	cmp	x1, #2
	b.eq	from_el2
	cmp	x1, #1
	b.ne	bad_el

at_el1:
	msr	spsel, #1		/* EL1 runs on SP_EL1 (SP_EL0 is the user's stack) */
	ldr	x1, =SCTLR_RES1		/* MMU, caches and alignment checks off, little-endian */
	msr	sctlr_el1, x1
	isb
	adr	x1, _start		/* where we run ... */
	ldr	x2, =KERNEL_PHYS	/* ... and where linker.ld loads us */
	cmp	x1, x2
	b.ne	bad_load

	mov	x1, #CPACR_FPEN_ALL
	msr	cpacr_el1, x1
	isb
	adrp	x1, boot_stack_top
	add	x1, x1, :lo12:boot_stack_top
	mov	sp, x1			/* physical for now */

	/*
	 * bss, stacks and page tables: invalidate the data cache lines first (a previous
	 * boot stage may have left lines for this memory; they must not be evicted over what
	 * we write with the cache off), then zero the bss proper. Line size: CTR_EL0.DminLine
	 * is log2 of the line in 4-byte words (ARM ARM, CTR_EL0). __bss_start is page-aligned.
	 */
	adrp	x1, __bss_start
	adrp	x2, _kernel_end
	mrs	x3, ctr_el0
	ubfx	x3, x3, #16, #4
	mov	x4, #4
	lsl	x4, x4, x3
1:	dc	ivac, x1
	add	x1, x1, x4
	cmp	x1, x2
	b.lo	1b
	dsb	sy
	adrp	x1, __bss_start
	adrp	x2, __bss_end		/* both 16-byte aligned (linker.ld) */
	add	x2, x2, :lo12:__bss_end
2:	cmp	x1, x2
	b.hs	3f
	stp	xzr, xzr, [x1], #16
	b	2b
3:
	bl	hal_aarch64_mmu_init
	ldr	x1, =high_half		/* the link address: TTBR1 from here on */
	br	x1
high_half:
	ldr	x1, =boot_stack_top
	mov	sp, x1
	ldr	x1, =hal_aarch64_vectors
	msr	vbar_el1, x1
	isb
	mov	x0, x19
	bl	hal_aarch64_boot
4:	wfi				/* not reached: hal_aarch64_boot never returns */
	b	4b
	.cfi_endproc

/*
 * Entered at EL2 (e.g. -machine virt,virtualization=on): make EL1 a plain AArch64 kernel
 * level with nothing trapped to EL2, and eret to at_el1 with all exceptions masked.
 * Register values from the ARM ARM: HCR_EL2, CPTR_EL2 (RES1 bits 0-9, 12, 13), CNTHCTL_EL2
 * (EL1PCTEN, EL1PCEN), SPSR_EL2 (M = EL1h, DAIF set).
 */
from_el2:
	mov	x1, #(1 << 31)		/* HCR_EL2.RW: EL1 is AArch64; no other traps */
	msr	hcr_el2, x1
	mov	x1, #0x33ff		/* CPTR_EL2: RES1 only, so TFP = 0 */
	msr	cptr_el2, x1
	msr	hstr_el2, xzr
	mrs	x1, cnthctl_el2
	orr	x1, x1, #3		/* EL1 may use the physical counter and timer */
	msr	cnthctl_el2, x1
	msr	cntvoff_el2, xzr	/* virtual count = physical count */
	mov	x1, #0x3c5		/* SPSR_EL2: D, A, I, F masked; M = EL1h */
	msr	spsr_el2, x1
	adr	x1, at_el1
	msr	elr_el2, x1
	eret

bad_el:
	adr	x0, msg_el
	b	early_fail
bad_load:
	adr	x0, msg_load
/* Prints the NUL-terminated message at x0 on the PL011, then ends QEMU with status 255. */
early_fail:
	mov	x1, #EARLY_UART
1:	ldrb	w2, [x0], #1
	cbz	w2, 3f
2:	ldr	w3, [x1, #0x18]
	tbnz	w3, #5, 2b
	str	w2, [x1]
	b	1b
3:	mov	x0, #SEMIHOSTING_SYS_EXIT
	adr	x1, exit_block
	hlt	#0xf000
4:	wfi
	b	4b

	.balign	8
exit_block:
	.quad	0x20026			/* ADP_Stopped_ApplicationExit */
	.quad	255
msg_el:
	.asciz	"rumpk: entered at EL3; it boots at EL1 or EL2 (QEMU: -machine virt without secure=on)\n"
msg_load:
	.ascii	"rumpk: loaded away from its load address 0x40080000 "
	.asciz	"(RAM base 0x40000000 + text_offset); it cannot relocate yet\n"
	.ltorg

/* ---- exception vectors ---------------------------------------------------------------- */

/* x2..x29 at [sp + 8 * n]: the same offsets in a kernel trap frame (TF_X) and a user
 * frame (UF_X), asserted in trap.c. */
.macro	save_x2_x29
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
.endm
.macro	load_x2_x29
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
.endm

/* A kernel trap (index n): the stack check, then the frame (see the top of this file). */
.macro	kernel_vector n
	.balign	0x80
	msr	tpidr_el1, x0
	sub	x0, sp, #TF_SIZE
	at	s1e1w, x0
	isb
	mrs	x0, par_el1
	tbnz	x0, #0, 8f		/* PAR_EL1.F: the frame's lowest byte would fault */
	sub	x0, sp, #1
	at	s1e1w, x0
	isb
	mrs	x0, par_el1
	tbz	x0, #0, 9f
8:	adrp	x0, emergency_stack_top
	add	x0, x0, :lo12:emergency_stack_top
	mov	sp, x0
9:	mrs	x0, tpidr_el1
	sub	sp, sp, #TF_SIZE
	stp	x0, x1, [sp, #TF_X(0)]
	mov	x0, #\n
	b	trap_common
.endm

/* A trap from EL0 (index n): sp is the user thread's frame. */
.macro	user_vector n
	.balign	0x80
	stp	x0, x1, [sp, #UF_X(0)]
	mov	x0, #\n
	b	user_common
.endm

	.text
	.balign	2048
	.globl	hal_aarch64_vectors
hal_aarch64_vectors:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
	kernel_vector \n
	.endr
	.irp	n, 8, 9, 10, 11
	user_vector \n
	.endr
	.irp	n, 12, 13, 14, 15
	kernel_vector \n		/* AArch32 EL0: never entered (no SPSR ever says so) */
	.endr

/* x0 = the vector index, sp = the frame with x0/x1 already saved. */
trap_common:
	save_x2_x29
	mrs	x2, elr_el1
	mrs	x3, spsr_el1
	stp	x30, x2, [sp, #TF_X(30)]	/* TF_ELR follows x30 */
	str	x3, [sp, #TF_SPSR]
	mov	x1, x0
	mov	x0, sp
	bl	hal_aarch64_trap

	ldp	x30, x2, [sp, #TF_X(30)]
	ldr	x3, [sp, #TF_SPSR]
	msr	elr_el1, x2
	msr	spsr_el1, x3
	ldp	x0, x1, [sp, #TF_X(0)]
	load_x2_x29
	add	sp, sp, #TF_SIZE
	eret

/* x0 = the vector index, sp = the user frame with x0/x1 already saved. */
user_common:
	save_x2_x29
	mrs	x2, sp_el0
	stp	x30, x2, [sp, #UF_X(30)]	/* UF_SP follows x30 */
	mrs	x2, elr_el1
	mrs	x3, spsr_el1
	stp	x2, x3, [sp, #UF_ELR]
	mrs	x2, fpcr
	mrs	x3, fpsr
	stp	x2, x3, [sp, #UF_FPCR]
	add	x2, sp, #UF_Q(0)
	stp	q0, q1, [x2, #0]
	stp	q2, q3, [x2, #32]
	stp	q4, q5, [x2, #64]
	stp	q6, q7, [x2, #96]
	stp	q8, q9, [x2, #128]
	stp	q10, q11, [x2, #160]
	stp	q12, q13, [x2, #192]
	stp	q14, q15, [x2, #224]
	stp	q16, q17, [x2, #256]
	stp	q18, q19, [x2, #288]
	stp	q20, q21, [x2, #320]
	stp	q22, q23, [x2, #352]
	stp	q24, q25, [x2, #384]
	stp	q26, q27, [x2, #416]
	stp	q28, q29, [x2, #448]
	stp	q30, q31, [x2, #480]
#ifndef RUMPK_AARCH64_NO_SWPAN
	adrp	x2, hal_aarch64_kernel_ttbr0	/* software PAN: no user table in the kernel */
	ldr	x2, [x2, :lo12:hal_aarch64_kernel_ttbr0]
	msr	ttbr0_el1, x2
	isb
#endif
	mov	x1, x0
	mov	x0, sp
	mov	x29, #0			/* the kernel's frame chain starts here */
	bl	hal_aarch64_user_trap	/* never returns */
	udf	#0

/*
 * void hal_aarch64_user_resume(struct hal_uframe *f) — back to user code through f, with
 * interrupts masked (the eret's SPSR unmasks them). SP_EL1 stays at f for the next trap.
 * The frame's TTBR0 (the space's table and ASID) is loaded last before the registers.
 */
	.globl	hal_aarch64_user_resume
	.type	hal_aarch64_user_resume, %function
hal_aarch64_user_resume:
	msr	daifset, #2
	mov	sp, x0
	ldp	x2, x3, [sp, #UF_FPCR]
	msr	fpcr, x2
	msr	fpsr, x3
	add	x2, sp, #UF_Q(0)
	ldp	q0, q1, [x2, #0]
	ldp	q2, q3, [x2, #32]
	ldp	q4, q5, [x2, #64]
	ldp	q6, q7, [x2, #96]
	ldp	q8, q9, [x2, #128]
	ldp	q10, q11, [x2, #160]
	ldp	q12, q13, [x2, #192]
	ldp	q14, q15, [x2, #224]
	ldp	q16, q17, [x2, #256]
	ldp	q18, q19, [x2, #288]
	ldp	q20, q21, [x2, #320]
	ldp	q22, q23, [x2, #352]
	ldp	q24, q25, [x2, #384]
	ldp	q26, q27, [x2, #416]
	ldp	q28, q29, [x2, #448]
	ldp	q30, q31, [x2, #480]
	ldp	x2, x3, [sp, #UF_ELR]
	msr	elr_el1, x2
	msr	spsr_el1, x3
	ldp	x30, x2, [sp, #UF_X(30)]
	msr	sp_el0, x2
	ldr	x2, [sp, #UF_TTBR0]
	msr	ttbr0_el1, x2
	isb
#ifdef RUMPK_AARCH64_NO_SWPAN
	adrp	x3, hal_aarch64_kernel_ttbr0	/* the measuring build: the kernel keeps it */
	str	x2, [x3, :lo12:hal_aarch64_kernel_ttbr0]
#endif
	load_x2_x29
	ldp	x0, x1, [sp, #UF_X(0)]
	eret
	.size	hal_aarch64_user_resume, . - hal_aarch64_user_resume

/* ---- boot stack --------------------------------------------------------------------- */

	.section .stack, "aw", %nobits
	.balign	16
boot_stack:
	.space	BOOT_STACK_SIZE
	.globl	boot_stack_top
boot_stack_top:
	.balign	16
	.space	EMERGENCY_STACK_SIZE
	.globl	emergency_stack_top
emergency_stack_top:
