/*
 * gic.c (aarch64) — the GICv2 interrupt controller: distributor + CPU interface.
 *
 * Register offsets and bits: ARM Generic Interrupt Controller Architecture Specification
 * v2.0 (IHI 0048B), chapter 4. QEMU virt (-machine virt, default gic-version=2) has one
 * GICv2 without the security extensions, so every interrupt is in group 0 and signalled
 * as IRQ once GICC_CTLR.Enable is set.
 *
 * Two interrupts are enabled: the EL1 virtual timer and the PL011's (pl011.c takes its
 * input and calls core_console_rx). The timer's interrupt is level-sensitive: the handler
 * turns the timer off (CNTV_CTL_EL0 = 0, which drops the line) BEFORE core_timer_irq(),
 * which may arm it again, and only then writes EOIR; a line still high at EOI makes the
 * interrupt pending again, which is right when the new deadline has already passed. The
 * timer is asked too (CNTV_CTL_EL0.ISTATUS), so a stale delivery never reaches the core.
 * The bases and the UART's INTID are set once by hal.c from the device tree before
 * hal_trap_init() runs. An interrupt taken while user code ran reaches core_timer_irq(1)
 * (trap.c then passes the user boundary).
 */
#include "hal.h"

/* Distributor registers (IHI 0048B table 4-1). */
#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_ISENABLER(n) (0x100 + 4 * (n))
#define GICD_ICENABLER(n) (0x180 + 4 * (n))
#define GICD_ICPENDR(n) (0x280 + 4 * (n))
#define GICD_ICACTIVER(n) (0x380 + 4 * (n))
#define GICD_IPRIORITYR(n) (0x400 + 4 * (n)) /* 4 one-byte priorities per word */
#define GICD_ITARGETSR(n) (0x800 + 4 * (n))  /* 4 one-byte CPU target masks per word */

/* CPU interface registers (IHI 0048B table 4-2). */
#define GICC_CTLR 0x000
#define GICC_PMR 0x004
#define GICC_IAR 0x00c
#define GICC_EOIR 0x010

#define GIC_INTID_MASK 0x3ff
#define GIC_SPURIOUS 1020 /* 1020..1023 are special INTIDs; 1023 = nothing pending */

/* The EL1 virtual timer's PPI: QEMU hw/arm/virt.c ARCH_TIMER_VIRT_IRQ = 11, i.e. PPI 11 =
 * INTID 16 + 11 = 27 (also the Arm Base System Architecture's recommended number). */
#define INTID_VTIMER 27
/* Any priority above the mask lets it through; lower numbers are more urgent. */
#define PRIO_VTIMER 0x80
#define PRIO_UART 0x80

#define CNTV_CTL_ISTATUS (1 << 2) /* ARM ARM, CNTV_CTL_EL0: the condition is met */

static uintptr_t gicd = KVA_OFFSET + 0x08000000; /* QEMU hw/arm/virt.c memmap, VIRT_GIC_DIST */
static uintptr_t gicc = KVA_OFFSET + 0x08010000; /* ... VIRT_GIC_CPU */
static uint32_t intid_uart; /* 0: none (input is polled) */

void hal_aarch64_gic_enable_uart(uint32_t intid)
{
	intid_uart = intid;
}

/* One byte field of a banked-by-four register array (priorities, targets). */
static void set_byte(uintptr_t reg, uint32_t intid, uint32_t v)
{
	uintptr_t r = reg + 4 * (intid / 4);
	uint32_t shift = (intid % 4) * 8;
	mmio_write32(r, (mmio_read32(r) & ~(0xffu << shift)) | (v << shift));
}

void hal_aarch64_gic_set_base(uintptr_t dist, uintptr_t cpu)
{
	gicd = dist;
	gicc = cpu;
}

/* Starts from nothing enabled, pending or active, then lets the virtual timer through. */
void hal_aarch64_gic_init(void)
{
	uint32_t lines = (mmio_read32(gicd + GICD_TYPER) & 0x1f) + 1; /* ITLinesNumber + 1 */

	mmio_write32(gicd + GICD_CTLR, 0);
	for (uint32_t n = 0; n < lines; n++) {
		mmio_write32(gicd + GICD_ICENABLER(n), 0xffffffff);
		mmio_write32(gicd + GICD_ICPENDR(n), 0xffffffff);
		mmio_write32(gicd + GICD_ICACTIVER(n), 0xffffffff);
	}
	set_byte(gicd + GICD_IPRIORITYR(0), INTID_VTIMER, PRIO_VTIMER);
	mmio_write32(gicd + GICD_ISENABLER(INTID_VTIMER / 32), 1u << (INTID_VTIMER % 32));
	if (intid_uart >= 32 && intid_uart < 32 * lines) {
		/* an SPI: level-sensitive is the reset configuration; CPU interface 0 */
		set_byte(gicd + GICD_IPRIORITYR(0), intid_uart, PRIO_UART);
		set_byte(gicd + GICD_ITARGETSR(0), intid_uart, 0x01);
		mmio_write32(gicd + GICD_ISENABLER(intid_uart / 32), 1u << (intid_uart % 32));
		hal_aarch64_pl011_rx_enable(1);
	}
	mmio_write32(gicd + GICD_CTLR, 1);
	mmio_write32(gicc + GICC_PMR, 0xff); /* lowest mask: every priority passes */
	mmio_write32(gicc + GICC_CTLR, 1);
}

/* One IRQ exception: acknowledge, handle, end. Interrupts stay masked throughout. */
void hal_aarch64_gic_irq(int in_user)
{
	uint32_t iar = mmio_read32(gicc + GICC_IAR);
	uint32_t id = iar & GIC_INTID_MASK;

	if (id >= GIC_SPURIOUS)
		return; /* spurious: no EOI for these */
	if (id == INTID_VTIMER) {
		uint64_t ctl = sysreg_read(cntv_ctl_el0);
		if ((ctl & (CNTV_CTL_ENABLE | CNTV_CTL_ISTATUS)) ==
		    (CNTV_CTL_ENABLE | CNTV_CTL_ISTATUS)) {
			sysreg_write(cntv_ctl_el0, 0);
			isb();
			core_timer_irq(in_user);
		}
	} else if (id == intid_uart && intid_uart) {
		hal_aarch64_pl011_rx_irq();
	} else {
		/* nothing else was enabled: switch it off again rather than let it storm */
		mmio_write32(gicd + GICD_ICENABLER(id / 32), 1u << (id % 32));
	}
	mmio_write32(gicc + GICC_EOIR, iar);
}
