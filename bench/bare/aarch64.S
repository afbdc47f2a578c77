/*
 * aarch64.S — the "bare" peer of bench/boot_qemu.sh: the least a kernel image can do under
 * the same QEMU flags as rumpk (qemu-system-aarch64 -machine virt -cpu cortex-a72
 * -semihosting). A raw arm64 Image like rumpk's (the 64-byte header of Linux
 * Documentation/arm64/booting.rst, loaded at 0x40080000): it prints one line on the PL011
 * at 0x09000000 (QEMU hw/arm/virt.c memmap; FR at 0x18, TXFF = bit 5) and ends QEMU with
 * status 0 through semihosting SYS_EXIT (0x18, ADP_Stopped_ApplicationExit 0x20026).
 */
	.section .text.head, "ax"
	.globl _start
_start:
	b	1f			/* code0 */
	.word	0			/* code1 */
	.quad	0x80000			/* text_offset */
	.quad	_image_size		/* image_size (non-zero: text_offset is honoured) */
	.quad	0xa			/* flags: little-endian, 4 KiB pages, base anywhere */
	.quad	0, 0, 0			/* res2-res4 */
	.word	0x644d5241		/* magic "ARM\x64" */
	.word	0			/* res5 */
1:	mov	x1, #0x09000000
	adr	x0, msg
2:	ldrb	w2, [x0], #1
	cbz	w2, 4f
3:	ldr	w3, [x1, #0x18]
	tbnz	w3, #5, 3b
	str	w2, [x1]
	b	2b
4:	mov	x0, #0x18
	adr	x1, exit_block
	hlt	#0xf000
5:	wfi
	b	5b
	.balign	8
exit_block:
	.quad	0x20026, 0
msg:
	.asciz	"bare aarch64\n"
