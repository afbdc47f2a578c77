/*
 * pl011.c (aarch64) — the console: the one PL011 UART of QEMU virt, polled.
 *
 * Registers and bits: ARM PrimeCell UART (PL011) Technical Reference Manual (DDI 0183),
 * section 3.3. Output waits for room in the transmit FIFO byte by byte (FR.TXFF); input
 * never waits (FR.RXFE). No interrupts: the console input ring of a later issue polls.
 * Usable from any context, the panic path included, because it keeps no state beyond the
 * base address, which hal.c sets before core_main and never changes afterwards.
 * Bytes go out exactly as given (hal.h), '\n' included: with -serial stdio on a terminal,
 * QEMU leaves the host tty's output processing on, which adds the '\r'.
 */
#include "hal.h"

#define UART_DR 0x00   /* data */
#define UART_FR 0x18   /* flags */
#define UART_LCR_H 0x2c /* line control */
#define UART_CR 0x30   /* control */
#define UART_IMSC 0x38 /* interrupt mask */
#define UART_ICR 0x44  /* interrupt clear */

#define FR_BUSY (1 << 3)
#define FR_RXFE (1 << 4)
#define FR_TXFF (1 << 5)
#define LCR_H_FEN (1 << 4)     /* FIFOs on */
#define LCR_H_WLEN8 (3 << 5)   /* 8 data bits; no parity, 1 stop bit are the zeros */
#define CR_UARTEN (1 << 0)
#define CR_TXE (1 << 8)
#define CR_RXE (1 << 9)

static uintptr_t uart = 0x09000000; /* QEMU hw/arm/virt.c memmap, VIRT_UART */

/* Waits until the last byte has left the shift register (before the machine stops). */
void hal_aarch64_pl011_flush(void)
{
	while (mmio_read32(uart + UART_FR) & FR_BUSY)
		;
}

/*
 * 8N1, FIFOs on, UART + TX + RX enabled, interrupts masked. The baud rate divisor is left
 * as the firmware set it: QEMU ignores it, and computing one needs the UART clock from the
 * device tree's clock phandles, which nothing here needs yet.
 */
void hal_aarch64_pl011_init(uintptr_t base)
{
	uart = base;
	hal_aarch64_pl011_flush(); /* BUSY stays set while the FIFO holds bytes, enabled or not */
	mmio_write32(uart + UART_CR, 0); /* LCR_H may only change while disabled */
	mmio_write32(uart + UART_LCR_H, LCR_H_WLEN8 | LCR_H_FEN);
	mmio_write32(uart + UART_IMSC, 0);
	mmio_write32(uart + UART_ICR, 0x7ff);
	mmio_write32(uart + UART_CR, CR_UARTEN | CR_TXE | CR_RXE);
}

static void put(char c)
{
	while (mmio_read32(uart + UART_FR) & FR_TXFF)
		;
	mmio_write32(uart + UART_DR, (unsigned char)c);
}

void hal_console_write(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		put(buf[i]);
}

int hal_console_getc(void)
{
	if (mmio_read32(uart + UART_FR) & FR_RXFE)
		return -RUMPK_EAGAIN;
	return mmio_read32(uart + UART_DR) & 0xff; /* bits 8-11 are error flags */
}
