/*
 * entry.S (aarch64) — the first instructions, and the exception vector table.
 *
 * The file starts with the 64-byte arm64 Image header, so QEMU (-kernel with a raw Image)
 * loads us at RAM base + text_offset = 0x40080000, passes x0 = the device tree's physical
 * address and enters at the header's first word. From there, with the MMU and caches off:
 *   1. mask all exceptions; if entered at EL2, drop to EL1 (anything else: message, halt);
 *   2. put SCTLR_EL1 in a known state and check we run where linker.ld placed us (the
 *      kernel is linked at one address and not relocatable yet);
 *   3. enable FP/SIMD for EL0/EL1 (before any C, which may use it in later issues), set the
 *      boot stack, invalidate then zero the bss, install VBAR_EL1;
 *   4. hal_aarch64_mmu_init() (mmu.c) turns on the identity map, then hal_aarch64_boot()
 *      (hal.c) parses the device tree and enters the core. Neither returns.
 * Until the MMU is on every data access is Device memory: no unaligned accesses here.
 *
 * The vector table: each of the 16 entries reserves a trap frame (hal_arch.h) on the
 * current stack, saves x0/x1, puts its own index in x0 and joins one common path, which
 * saves the other registers plus ELR_EL1/SPSR_EL1, calls hal_aarch64_trap(frame, index)
 * (trap.c), restores everything (ELR possibly advanced by the handler) and erets.
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
	msr	spsel, #1		/* run on SP_EL1; the SP_EL0 vectors stay unused */
	ldr	x1, =SCTLR_RES1		/* MMU, caches and alignment checks off, little-endian */
	msr	sctlr_el1, x1
	isb
	adr	x1, _start		/* where we run ... */
	ldr	x2, =_start		/* ... and where we were linked */
	cmp	x1, x2
	b.ne	bad_load

	mov	x1, #CPACR_FPEN_ALL
	msr	cpacr_el1, x1
	isb
	ldr	x1, =boot_stack_top
	mov	sp, x1

	/*
	 * bss, boot stack and page table: invalidate the data cache lines first (a previous
	 * boot stage may have left lines for this memory; they must not be evicted over what
	 * we write with the cache off), then zero the bss proper. Line size: CTR_EL0.DminLine
	 * is log2 of the line in 4-byte words (ARM ARM, CTR_EL0). __bss_start is page-aligned.
	 */
	ldr	x1, =__bss_start
	ldr	x2, =_kernel_end
	mrs	x3, ctr_el0
	ubfx	x3, x3, #16, #4
	mov	x4, #4
	lsl	x4, x4, x3
1:	dc	ivac, x1
	add	x1, x1, x4
	cmp	x1, x2
	b.lo	1b
	dsb	sy
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end		/* both 16-byte aligned (linker.ld) */
2:	cmp	x1, x2
	b.hs	3f
	stp	xzr, xzr, [x1], #16
	b	2b
3:
	ldr	x1, =hal_aarch64_vectors
	msr	vbar_el1, x1
	isb
	bl	hal_aarch64_mmu_init
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
	.ascii	"rumpk: loaded away from its link address 0x40080000 "
	.asciz	"(RAM base 0x40000000 + text_offset); it cannot relocate yet\n"
	.ltorg

/* ---- exception vectors ---------------------------------------------------------------- */

	.text
	.balign	2048
	.globl	hal_aarch64_vectors
hal_aarch64_vectors:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.balign	0x80
	sub	sp, sp, #TF_SIZE
	stp	x0, x1, [sp, #TF_X(0)]
	mov	x0, #\n
	b	trap_common
	.endr

/* x0 = the vector index, sp = the frame with x0/x1 already saved. */
trap_common:
	stp	x2, x3, [sp, #TF_X(2)]
	stp	x4, x5, [sp, #TF_X(4)]
	stp	x6, x7, [sp, #TF_X(6)]
	stp	x8, x9, [sp, #TF_X(8)]
	stp	x10, x11, [sp, #TF_X(10)]
	stp	x12, x13, [sp, #TF_X(12)]
	stp	x14, x15, [sp, #TF_X(14)]
	stp	x16, x17, [sp, #TF_X(16)]
	stp	x18, x19, [sp, #TF_X(18)]
	stp	x20, x21, [sp, #TF_X(20)]
	stp	x22, x23, [sp, #TF_X(22)]
	stp	x24, x25, [sp, #TF_X(24)]
	stp	x26, x27, [sp, #TF_X(26)]
	stp	x28, x29, [sp, #TF_X(28)]
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
	ldp	x2, x3, [sp, #TF_X(2)]
	ldp	x4, x5, [sp, #TF_X(4)]
	ldp	x6, x7, [sp, #TF_X(6)]
	ldp	x8, x9, [sp, #TF_X(8)]
	ldp	x10, x11, [sp, #TF_X(10)]
	ldp	x12, x13, [sp, #TF_X(12)]
	ldp	x14, x15, [sp, #TF_X(14)]
	ldp	x16, x17, [sp, #TF_X(16)]
	ldp	x18, x19, [sp, #TF_X(18)]
	ldp	x20, x21, [sp, #TF_X(20)]
	ldp	x22, x23, [sp, #TF_X(22)]
	ldp	x24, x25, [sp, #TF_X(24)]
	ldp	x26, x27, [sp, #TF_X(26)]
	ldp	x28, x29, [sp, #TF_X(28)]
	add	sp, sp, #TF_SIZE
	eret

/* ---- boot stack --------------------------------------------------------------------- */

	.section .stack, "aw", %nobits
	.balign	16
boot_stack:
	.space	BOOT_STACK_SIZE
	.globl	boot_stack_top
boot_stack_top:
