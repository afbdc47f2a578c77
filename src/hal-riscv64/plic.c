/*
 * plic.c (riscv64) — the platform-level interrupt controller, for the one interrupt rumpk
 * takes from it: the UART's receive (the console input ring's Peace mode).
 *
 * Register map: the RISC-V PLIC specification v1.0.0, chapter "Memory Map": source
 * priorities at base + 4 * irq, the enable bits of context c at base + 0x2000 + 0x80 * c,
 * its threshold at base + 0x200000 + 0x1000 * c and its claim/complete register 4 bytes
 * after. On QEMU's virt (hw/riscv/virt.c: VIRT_PLIC at 0x0c000000, UART0_IRQ 10) each
 * hart has two contexts, M-mode then S-mode, so hart 0's S-mode is context 1; hal.c reads
 * the base, the UART's irq and the context from the device tree and passes them here
 * before paging is on (mmu.c maps the three pages used).
 *
 * Interrupt path, interrupts off: claim, core_console_rx() for the UART, complete. The
 * core takes input only while its ring has room; a UART left with bytes would raise its
 * level interrupt again at once, so uart.c masks it then and unmasks it when a later read
 * finds its FIFO empty (the reader's poll). No logging, no allocation.
 */
#include "hal.h"

#define PLIC_PRIORITY(irq) (4u * (irq))
#define PLIC_ENABLE(ctx) (0x2000u + 0x80u * (ctx))
#define PLIC_THRESHOLD(ctx) (0x200000u + 0x1000u * (ctx))
#define PLIC_CLAIM(ctx) (0x200004u + 0x1000u * (ctx))
#define PLIC_MAX_IRQ 1023u

static uint64_t plic;
static uint32_t ctx, uart_irq;
static uint64_t spurious; /* claims that named no source we enabled (for gdb) */

static inline volatile uint32_t *reg(uint32_t off)
{
	return (volatile uint32_t *)(uintptr_t)(plic + off);
}

/* Where the PLIC is, the S-mode context of this hart and the UART's source number: hal.c
 * reads them from the device tree before paging is on (and maps the pages used). */
void hal_riscv64_plic_setup(uint64_t base, uint32_t context, uint32_t irq)
{
	plic = base;
	ctx = context;
	uart_irq = irq;
}

int hal_riscv64_plic_init(void)
{
	if (!plic || uart_irq == 0 || uart_irq > PLIC_MAX_IRQ)
		return -RUMPK_ENOSYS;
	*reg(PLIC_PRIORITY(uart_irq)) = 1;
	*reg(PLIC_ENABLE(ctx) + 4 * (uart_irq / 32)) = 1u << (uart_irq % 32);
	*reg(PLIC_THRESHOLD(ctx)) = 0;
	hal_riscv64_uart_rx_irq(1);
	return 0;
}

void hal_riscv64_external_irq(void)
{
	uint32_t irq = *reg(PLIC_CLAIM(ctx));

	if (irq == uart_irq) {
		core_console_rx();
		hal_riscv64_uart_rx_done();
	} else {
		spurious++;
	}
	if (irq)
		*reg(PLIC_CLAIM(ctx)) = irq;
}
