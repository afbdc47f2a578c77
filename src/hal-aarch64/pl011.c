/*
 * pl011.c (aarch64) — the console: the one PL011 UART of QEMU virt, polled.
 *
 * Registers and bits: ARM PrimeCell UART (PL011) Technical Reference Manual (DDI 0183),
 * section 3.3. Output waits for room in the transmit FIFO byte by byte (FR.TXFF); input
 * never waits (FR.RXFE). Output is usable from any context, the panic path included.
 *
 * Input: the receive and receive-timeout interrupts (IMSC.RXIM, RTIM) go through the GIC
 * (gic.c) to hal_aarch64_pl011_rx_irq, which lets the core drain the FIFO
 * (core_console_rx). The interrupt is level-sensitive: it stays up while the FIFO holds
 * bytes, and the core takes input only while its ring has room (flow control). So when
 * bytes are still waiting after core_console_rx, the receive interrupts are masked, and
 * hal_console_getc unmasks them the next time it finds the FIFO empty (the core polls
 * before a reader sleeps): no interrupt storm, and nothing waits forever. Polling works
 * the same with or without the interrupt. In the I/O governor's War mode the core masks
 * them too (hal_console_rx_irq(0)) and polls at every return to user code instead.
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
#define INT_RX (1 << 4)  /* IMSC/ICR: receive */
#define INT_RT (1 << 6)  /* IMSC/ICR: receive timeout */

static uintptr_t uart = KVA_OFFSET + 0x09000000; /* QEMU hw/arm/virt.c memmap, VIRT_UART */
static int rx_irq;       /* the GIC delivers our interrupt: rx interrupts may be unmasked */
static int rx_masked;    /* ... but are masked until the FIFO has been seen empty */
static int rx_polled;    /* ... and while the core polls (War mode: hal_console_rx_irq(0)) */

/* IMSC as the three flags say. */
static void rx_update(void)
{
	mmio_write32(uart + UART_IMSC, rx_irq && !rx_masked && !rx_polled ? INT_RX | INT_RT : 0);
}

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

void hal_aarch64_pl011_rx_enable(int on)
{
	rx_irq = on;
	rx_masked = 0;
	rx_update();
}

/* The core's switch (hal.h): War mode polls, so the receive interrupts stay masked. */
void hal_console_rx_irq(int on)
{
	rx_polled = !on;
	rx_update();
}

/* Input arrives by itself on a UART: a reader about to sleep changes nothing (hal.h). */
void hal_console_wait(void)
{
}

/* Interrupts disabled (the IRQ path). */
void hal_aarch64_pl011_rx_irq(void)
{
	core_console_rx();
	if (!(mmio_read32(uart + UART_FR) & FR_RXFE)) {
		mmio_write32(uart + UART_IMSC, 0); /* the ring is full: wait for a poll */
		rx_masked = 1;
	}
}

int hal_console_getc(void)
{
	if (mmio_read32(uart + UART_FR) & FR_RXFE) {
		if (rx_masked) {
			rx_masked = 0;
			rx_update();
		}
		return -RUMPK_EAGAIN;
	}
	return mmio_read32(uart + UART_DR) & 0xff; /* bits 8-11 are error flags */
}
