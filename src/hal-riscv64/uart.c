/*
 * uart.c (riscv64) — the console: the virt machine's one 16550A UART.
 *
 * No buffering: hal_console_write spins on LSR.THRE per byte and hal_console_getc peeks at
 * LSR.DR, so both work from any context, the panic path and the boot code before
 * core_main included. Input also raises the receive interrupt (IER.ERBFI, through the
 * PLIC: plic.c) once hal_trap_init asks for it. When the core leaves bytes in the FIFO
 * (its ring is full) the interrupt is masked, since the level would stay up; the next
 * hal_console_getc that finds the FIFO empty unmasks it. In the I/O governor's War mode the
 * core masks it too (hal_console_rx_irq(0)) and polls at every return to user code. Bytes
 * go out untranslated: QEMU's stdio backend leaves the host terminal's output processing
 * (OPOST/ONLCR) on, so "\n" already shows as a new line, and the boot tests strip CR anyway.
 *
 * Register map and bits: the TI PC16550D data sheet (QEMU hw/char/serial.c models it);
 * one byte per register, reg-shift 0 on virt.
 */
#include "hal.h"

#define UART_DEFAULT_BAUD 115200

#define RBR 0 /* receive buffer (read, DLAB=0) */
#define THR 0 /* transmit holding (write, DLAB=0) */
#define DLL 0 /* divisor latch low (DLAB=1) */
#define IER 1 /* interrupt enable (DLAB=0) */
#define DLM 1 /* divisor latch high (DLAB=1) */
#define FCR 2 /* FIFO control (write) */
#define LCR 3 /* line control */
#define LSR 5 /* line status */

#define IER_ERBFI 0x01   /* interrupt when received data is available */
#define FCR_ENABLE 0x01
#define FCR_CLEAR 0x06   /* reset both FIFOs */
#define FCR_TRIGGER_14 0xc0 /* receive interrupt at 14 bytes (or the character timeout) */
#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define LSR_DR 0x01      /* a received byte is waiting */
#define LSR_THRE 0x20    /* the transmit holding register can take a byte */
#define LSR_TEMT 0x40    /* transmitter completely empty */

/* Until hal_riscv64_uart_init runs this is 0 and output is dropped rather than sent to a
 * wild address. */
static volatile uint8_t *uart;
static int rx_wanted, rx_on; /* the receive interrupt: asked for, and enabled now */
static int rx_polled;        /* the core polls (War mode: hal_console_rx_irq(0)) */

static inline uint8_t reg_read(int r)
{
	return uart[r];
}

static inline void reg_write(int r, uint8_t v)
{
	uart[r] = v;
}

/* Programs 8N1 at 115200 baud with FIFOs on and UART interrupts off. clock_hz is the
 * device tree's clock-frequency (0 if absent: the divisor is then left as the firmware
 * set it; QEMU ignores it anyway). */
void hal_riscv64_uart_init(uintptr_t base, uint32_t clock_hz)
{
	uart = (volatile uint8_t *)base;
	/* let OpenSBI's last bytes leave before the FIFO reset; bounded, never hangs boot */
	for (int i = 0; i < 100000 && !(reg_read(LSR) & LSR_TEMT); i++)
		hal_cpu_relax();
	reg_write(IER, 0);
	if (clock_hz) {
		uint32_t div = clock_hz / (16 * UART_DEFAULT_BAUD);
		if (div == 0)
			div = 1;
		reg_write(LCR, LCR_DLAB);
		reg_write(DLL, div & 0xff);
		reg_write(DLM, (div >> 8) & 0xff);
	}
	reg_write(LCR, LCR_8N1);
	/* Trigger level 14: QEMU's serial_can_receive() offers the backend only as many bytes
	 * as the level minus what waits, so level 1 takes input one byte per main-loop turn
	 * (a 1 MiB line: ~45 s); fewer bytes arrive by the character-timeout interrupt. */
	reg_write(FCR, FCR_ENABLE | FCR_CLEAR | FCR_TRIGGER_14);
}

void hal_console_write(const char *buf, size_t len)
{
	if (!uart)
		return;
	for (size_t i = 0; i < len; i++) {
		while (!(reg_read(LSR) & LSR_THRE))
			hal_cpu_relax();
		reg_write(THR, (uint8_t)buf[i]);
	}
}

int hal_console_getc(void)
{
	if (!uart)
		return -RUMPK_EAGAIN;
	if (!(reg_read(LSR) & LSR_DR)) {
		if (rx_wanted && !rx_on && !rx_polled) {
			rx_on = 1;
			reg_write(IER, IER_ERBFI);
		}
		return -RUMPK_EAGAIN;
	}
	return reg_read(RBR);
}

void hal_riscv64_uart_rx_irq(int on)
{
	rx_wanted = on;
	rx_on = on && !rx_polled;
	if (uart)
		reg_write(IER, rx_on ? IER_ERBFI : 0);
}

/* The core's switch (hal.h): War mode polls, so the receive interrupt stays masked. */
void hal_console_rx_irq(int on)
{
	rx_polled = !on;
	hal_riscv64_uart_rx_irq(rx_wanted);
}

/* Input arrives by itself on a UART: a reader about to sleep changes nothing (hal.h). */
void hal_console_wait(void)
{
}

void hal_riscv64_uart_rx_done(void)
{
	if (rx_on && (reg_read(LSR) & LSR_DR)) {
		rx_on = 0;
		reg_write(IER, 0);
	}
}
