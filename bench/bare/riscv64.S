/*
 * riscv64.S — the "bare" peer of bench/boot_qemu.sh: the least a kernel image can do under
 * the same QEMU flags as rumpk (qemu-system-riscv64 -machine virt -bios default). OpenSBI
 * enters here in S-mode at 0x80200000 (bare.ld); this prints one line on the 16550 at
 * 0x10000000 (QEMU hw/riscv/virt.c virt_memmap[VIRT_UART0]) and ends QEMU with status 0
 * through sifive_test at 0x100000 (include/hw/misc/sifive_test.h: 0x5555 = PASS).
 */
	.section .text.entry, "ax", @progbits
	.globl _start
_start:
	li	t0, 0x10000000		/* 16550 THR (offset 0), LSR at offset 5 */
	la	t1, msg
1:	lbu	t2, 0(t1)
	beqz	t2, 3f
2:	lbu	t3, 5(t0)
	andi	t3, t3, 0x20		/* LSR.THRE */
	beqz	t3, 2b
	sb	t2, 0(t0)
	addi	t1, t1, 1
	j	1b
3:	li	t0, 0x100000
	li	t1, 0x5555
	sw	t1, 0(t0)
4:	wfi
	j	4b
msg:
	.asciz	"bare riscv64\n"
