/*
 * hal.c (aarch64) — boot (device tree -> boot info -> core_main), time, cpu and halt.
 *
 * hal_aarch64_boot() runs once, from entry.S, in the high half with the boot page tables
 * (mmu.c) and all exceptions masked. It checks the flattened device tree QEMU passed in x0
 * (a physical address: read through the linear map), finds the PL011, its interrupt and
 * the GIC in it,
 * and has fdt_boot_fill() (src/libk/fdt_boot.c, shared with the other bare-metal HALs)
 * fill `bootinfo`, which then stays untouched for the life of the machine (hal.h:
 * core_main's argument stays valid forever). Everything the tree says is checked before it
 * is used: here the tree's own header and place in RAM, and every MMIO range or initrd
 * against the windows mmu.c maps; cell counts and strings in fdt_boot.c. A broken tree or
 * an unusable device halts with a message naming what is wrong; a value the kernel can do
 * without (an odd initrd, a too-long command line) is dropped with one line saying so,
 * never silently. Then hal_aarch64_mmu_final() maps RAM in pages and empties TTBR0, and
 * the boot info's kernel range grows by the page tables it put after the image.
 *
 * Time is the generic timer's virtual counter (CNTVCT_EL0 at CNTFRQ_EL0 Hz) and the EL1
 * virtual timer (CNTV_*), whose interrupt gic.c routes to core_timer_irq(). Conversions
 * use 64-bit division only (no 128-bit helpers exist for this target) by splitting values
 * into whole seconds and a remainder.
 */
#include <libfdt.h>
#include <string.h>

#include "boot.h"
#include "fdt_boot.h"
#include "hal.h"
#include "kprintf.h"

#define NSEC_PER_SEC 1000000000ull

/* A boot that cannot go on: one "hal: ..." line saying why, then core_halt() prints the last
 * line, "halted, code 255" (the core services a HAL may use: hal.h). */
#define HALT_BOOT_FAILURE 255
#define boot_fail(...)                          \
	do {                                    \
		kprintf(__VA_ARGS__);           \
		core_halt(HALT_BOOT_FAILURE);   \
	} while (0)

/* Semihosting (Arm "Semihosting for AArch32 and AArch64", v2, SYS_EXIT): x0 = operation,
 * x1 -> { reason, subcode }; QEMU run with -semihosting exits with the subcode. */
#define SEMIHOSTING_SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

/* Fallback MMIO bases when the device tree has no such node: QEMU hw/arm/virt.c memmap. */
#define VIRT_UART 0x09000000ull
#define VIRT_GIC_DIST 0x08000000ull
#define VIRT_GIC_CPU 0x08010000ull
#define MMIO_PAGE 0x1000ull

extern char _kernel_start[], _kernel_end[]; /* linker.ld: image, bss, stack, page table */

static struct rumpk_boot_info bootinfo;
static uint64_t timer_hz; /* CNTFRQ_EL0, read once at boot */
volatile int hal_aarch64_halting; /* hal_halt() is about to try semihosting */

const char *hal_name(void)
{
	return "aarch64-virt";
}

/* ---- device tree -------------------------------------------------------------------- */

/* The time source, and fdt_boot_fill's jitter source. */
static uint64_t counter(void)
{
	isb(); /* no reading the counter ahead of the code before it */
	return sysreg_read(cntvct_el0);
}

/* The console: the PL011 that /chosen stdout-path names (a path or an alias, options after
 * ':'), else the first enabled arm,pl011, else virt.c's address. */
static uint64_t find_uart(const void *fdt, int chosen, int *uart_node)
{
	int len, node = -1;
	uint64_t base, size;
	const char *path = chosen >= 0 ? fdt_boot_prop_string(fdt, chosen, "stdout-path", &len)
				       : NULL;

	if (path) {
		const char *colon = memchr(path, ':', (size_t)len);
		node = fdt_boot_path(fdt, path, colon ? (int)(colon - path) : len);
	}
	if (node < 0 || fdt_node_check_compatible(fdt, node, "arm,pl011") != 0 ||
	    fdt_boot_reg(fdt, node, 0, &base, &size) != 0)
		base = fdt_boot_device_base(fdt, "arm,pl011", VIRT_UART, &node);
	if (!hal_aarch64_mmu_is_device(base, MMIO_PAGE))
		boot_fail("hal: the PL011 at %#llx is outside the device window mapped at boot "
			  "(below 1 GiB)\n", (unsigned long long)base);
	*uart_node = node;
	return base;
}

/* The UART's interrupt: its node's first `interrupts` triple (GIC binding: type 0 = SPI,
 * 1 = PPI; number; flags), else QEMU virt's (hw/arm/virt.c: VIRT_UART is SPI 1). */
static uint32_t find_uart_irq(const void *fdt, int node)
{
	int len;
	const uint32_t *p = node >= 0 ? fdt_getprop(fdt, node, "interrupts", &len) : NULL;

	if (!p || len < 12)
		return 32 + 1;
	uint32_t type = fdt32_to_cpu(p[0]), num = fdt32_to_cpu(p[1]);
	if (type == 0 && num < 988)
		return 32 + num;
	if (type == 1 && num < 16)
		return 16 + num;
	kprintf("hal: the UART's interrupt (type %u, number %u) is not one the GIC takes: "
		"console input is polled\n", type, num);
	return 0;
}

/* The GICv2: reg[0] = distributor, reg[1] = CPU interface (Linux's
 * Documentation/devicetree/bindings/interrupt-controller/arm,gic.yaml). */
static void find_gic(const void *fdt)
{
	uint64_t dist = VIRT_GIC_DIST, cpu = VIRT_GIC_CPU, size;
	int node = fdt_boot_compatible(fdt, -1, "arm,cortex-a15-gic");

	if (node < 0 && fdt_boot_compatible(fdt, -1, "arm,gic-v3") >= 0)
		boot_fail("hal: this machine has a GICv3 and the aarch64 HAL drives a GICv2: "
			  "run QEMU with -machine virt,gic-version=2\n");
	if (node >= 0 && (fdt_boot_reg(fdt, node, 0, &dist, &size) != 0 ||
			  fdt_boot_reg(fdt, node, 1, &cpu, &size) != 0))
		boot_fail("hal: the GIC node's reg does not hold a distributor and a CPU interface\n");
	if (!hal_aarch64_mmu_is_device(dist, MMIO_PAGE) || !hal_aarch64_mmu_is_device(cpu, MMIO_PAGE))
		boot_fail("hal: the GIC at %#llx/%#llx is outside the device window mapped at boot "
			  "(below 1 GiB)\n", (unsigned long long)dist, (unsigned long long)cpu);
	hal_aarch64_gic_set_base(hal_aarch64_dev(dist), hal_aarch64_dev(cpu));
}

/* ---- boot --------------------------------------------------------------------------- */

void hal_aarch64_boot(uint64_t dtb)
{
	hal_aarch64_pl011_init(hal_aarch64_dev(VIRT_UART)); /* so the checks below can speak */
	timer_hz = sysreg_read(cntfrq_el0);
	if (timer_hz == 0 || timer_hz > UINT64_MAX / NSEC_PER_SEC)
		boot_fail("hal: CNTFRQ_EL0 is %llu Hz; the firmware must set the counter frequency\n",
			  (unsigned long long)timer_hz);

	if ((dtb & 7) || !hal_aarch64_mmu_is_ram(dtb, FDT_V1_SIZE))
		boot_fail("hal: no device tree at x0 = %#llx: boot the raw Image (rumpk-aarch64.bin), "
			  "not the ELF, so QEMU passes one\n", (unsigned long long)dtb);
	void *fdt = hal_phys_to_kernel(dtb, FDT_V1_SIZE);
	int err = fdt_check_header(fdt);
	if (err)
		boot_fail("hal: the device tree at %#llx is broken: %s\n", (unsigned long long)dtb,
			  fdt_strerror(err));
	if (!hal_aarch64_mmu_is_ram(dtb, fdt_totalsize(fdt)))
		boot_fail("hal: the device tree at %#llx (%u bytes) runs past the RAM mapped at boot\n",
			  (unsigned long long)dtb, fdt_totalsize(fdt));

	int chosen = fdt_boot_path(fdt, "/chosen", sizeof("/chosen") - 1);
	int uart_node;
	uint64_t uart = find_uart(fdt, chosen, &uart_node);
	if (uart != VIRT_UART)
		hal_aarch64_pl011_init(hal_aarch64_dev(uart));
	find_gic(fdt);
	hal_aarch64_gic_enable_uart(find_uart_irq(fdt, uart_node));

	fdt_boot_fill(&bootinfo, fdt, dtb, counter);
	bootinfo.kernel.base = (uint64_t)(uintptr_t)_kernel_start - KVA_OFFSET; /* physical */
	bootinfo.kernel.size = (uint64_t)(_kernel_end - _kernel_start);
	bootinfo.timer_hz = timer_hz;
	/* Only the RAM window mmu.c mapped can be read; an initrd elsewhere is dropped. */
	uint64_t start = bootinfo.initrd.base, end = start + bootinfo.initrd.size;
	if (bootinfo.initrd.size && !hal_aarch64_mmu_is_ram(start, bootinfo.initrd.size)) {
		kprintf("hal: initrd [%#llx, %#llx) lies outside the RAM mapped at boot "
			"(%#llx + 1 GiB): ignored\n", (unsigned long long)start,
			(unsigned long long)end, RAM_WINDOW_BASE);
		bootinfo.initrd.base = bootinfo.initrd.size = 0;
	}
	/* Only the RAM window is mapped (mmu.c): RAM beyond it is clipped off, saying so. */
	for (uint32_t r = 0; r < bootinfo.nmem && r < RUMPK_BOOT_MAX_MEM; r++) {
		struct rumpk_mem_range *m = &bootinfo.mem[r];
		uint64_t lo = m->base, hi = m->base + m->size, wend = RAM_WINDOW_BASE + WINDOW_SIZE;
		uint64_t clo = lo < RAM_WINDOW_BASE ? RAM_WINDOW_BASE : lo, chi = hi > wend ? wend : hi;
		if (clo == lo && chi == hi)
			continue;
		kprintf("hal: RAM [%#llx, %#llx) reaches outside [%#llx, %#llx), the window the kernel "
			"maps: only the part inside is used\n", (unsigned long long)lo,
			(unsigned long long)hi, (unsigned long long)RAM_WINDOW_BASE,
			(unsigned long long)wend);
		m->base = clo;
		m->size = chi > clo ? chi - clo : 0;
	}
	/* RAM in pages, the identity map gone; the kernel's page tables follow the image */
	bootinfo.kernel.size += hal_aarch64_mmu_final(&bootinfo);
	core_main(&bootinfo); /* all exceptions still masked since entry.S */
}

/* ---- time --------------------------------------------------------------------------- */

/* floor(t * 1e9 / hz), exactly: t = q * hz + r. (r * 1e9 fits: r < hz <= 2^64 / 1e9.) */
uint64_t hal_time_ns(void)
{
	uint64_t t = counter();
	return (t / timer_hz) * NSEC_PER_SEC + ((t % timer_hz) * NSEC_PER_SEC) / timer_hz;
}

/*
 * The compare value is ceil(deadline * hz / 1e9), computed as whole seconds and remainder:
 * rounding up means that when the timer fires, hal_time_ns() is already >= the deadline.
 * A deadline too far to express in ticks never fires.
 */
void hal_timer_arm(uint64_t deadline_ns)
{
	uint64_t sec = deadline_ns / NSEC_PER_SEC, rem = deadline_ns % NSEC_PER_SEC;
	uint64_t ticks = UINT64_MAX;

	if (sec <= (UINT64_MAX - timer_hz) / timer_hz)
		ticks = sec * timer_hz + (rem * timer_hz + NSEC_PER_SEC - 1) / NSEC_PER_SEC;
	sysreg_write(cntv_cval_el0, ticks);
	sysreg_write(cntv_ctl_el0, CNTV_CTL_ENABLE); /* IMASK clear: the interrupt is signalled */
	isb();
}

void hal_timer_disarm(void)
{
	sysreg_write(cntv_ctl_el0, 0);
	isb();
}

/* ---- execution contexts (switch.S does the switching) ------------------------------ */

_Static_assert(offsetof(struct hal_ctx, sp) == HAL_CTX_SP, "hal_ctx.sp (hal_arch.h)");

/* Keeps struct hal_switch_frame in the debug info for scripts/gdb/rumpk.py. */
const struct hal_switch_frame *hal_switch_frame_for_debuggers __attribute__((used));
_Static_assert(CTX_FRAME_SIZE % 16 == 0, "the saved frame keeps sp 16-byte aligned");

/* Builds, at the 16-byte aligned top of the stack, the frame switch.S would have saved, so
 * the first switch to ctx "returns" into hal_aarch64_ctx_start, which calls entry(arg). */
void hal_ctx_init(struct hal_ctx *ctx, void *stack_base, size_t stack_size,
		  void (*entry)(void *arg), void *arg)
{
	uintptr_t top = ((uintptr_t)stack_base + stack_size) & ~(uintptr_t)15;
	uint64_t *frame = (uint64_t *)(top - CTX_FRAME_SIZE);

	for (unsigned i = 0; i < CTX_FRAME_SIZE / 8; i++)
		frame[i] = 0; /* the frame pointer among them: frame chains end here */
	frame[CTX_F_X(30) / 8] = (uint64_t)(uintptr_t)hal_aarch64_ctx_start;
	frame[CTX_F_X(19) / 8] = (uint64_t)(uintptr_t)entry;
	frame[CTX_F_X(20) / 8] = (uint64_t)(uintptr_t)arg;
	ctx->sp = frame;
}

/* ---- cpu ---------------------------------------------------------------------------- */

/* The state is DAIF's I bit: nonzero = interrupts were masked. */
hal_irq_state_t hal_irq_save(void)
{
	uint64_t daif = sysreg_read(daif);
	__asm__ volatile("msr daifset, %0" ::"i"(DAIFSET_I) : "memory");
	return daif & DAIF_I;
}

/* The isb after unmasking makes a pending interrupt be taken before we return. */
void hal_irq_restore(hal_irq_state_t state)
{
	if (state & DAIF_I)
		__asm__ volatile("msr daifset, %0" ::"i"(DAIFSET_I) : "memory");
	else
		__asm__ volatile("msr daifclr, %0\n\tisb" ::"i"(DAIFSET_I) : "memory");
}

void hal_irq_enable(void)
{
	hal_irq_restore(0);
}

/*
 * WFI wakes on a pending interrupt even while PSTATE.I masks it (ARM ARM, "Wait for
 * Interrupt"), so an interrupt that arrives after the caller's last check still ends the
 * wait: no lost wake-up. Unmasking for one instruction then takes it; WFI may also wake
 * for nothing, hence the loop until an IRQ exception really was taken.
 */
void hal_cpu_idle(void)
{
	uint64_t seen = hal_aarch64_irq_count;

	do {
		__asm__ volatile("dsb sy\n\twfi\n\tmsr daifclr, %0\n\tisb\n\tmsr daifset, %0"
				 ::"i"(DAIFSET_I) : "memory");
	} while (hal_aarch64_irq_count == seen);
}

void hal_halt(int code)
{
	uint64_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint64_t)hal_exit_status(code) };

	__asm__ volatile("msr daifset, #0xf" ::: "memory");
	hal_aarch64_pl011_flush();
	hal_aarch64_halting = 1; /* without -semihosting, HLT is undefined: trap.c skips it */
	register uint64_t x0 __asm__("x0") = SEMIHOSTING_SYS_EXIT;
	register uint64_t x1 __asm__("x1") = (uint64_t)(uintptr_t)block;
	__asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
	for (;;) /* no semihosting (QEMU without -semihosting, real hardware): stop here */
		__asm__ volatile("wfi");
}
