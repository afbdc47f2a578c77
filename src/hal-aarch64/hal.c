/*
 * hal.c (aarch64) — boot (device tree -> boot info -> core_main), time, cpu and halt.
 *
 * hal_aarch64_boot() runs once, from entry.S, with the MMU on and all exceptions masked.
 * It reads the flattened device tree QEMU passed in x0 with libfdt and fills `bootinfo`,
 * which then stays untouched for the life of the machine (hal.h: core_main's argument
 * stays valid forever). Everything the tree says is checked before it is used: the tree's
 * own header and place in RAM, cell counts, NUL-terminated strings, MMIO ranges inside the
 * window mmu.c maps. A broken tree or an unusable device halts with a message naming what
 * is wrong; a value the kernel can do without (an odd initrd, a too-long command line) is
 * dropped with one line saying so, never silently.
 *
 * Time is the generic timer's virtual counter (CNTVCT_EL0 at CNTFRQ_EL0 Hz) and the EL1
 * virtual timer (CNTV_*), whose interrupt gic.c routes to core_timer_irq(). Conversions
 * use 64-bit division only (no 128-bit helpers exist for this target) by splitting values
 * into whole seconds and a remainder.
 */
#include <libfdt.h>
#include <string.h>

#include "boot.h"
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

/* The value of n big-endian 32-bit cells (n <= 2, checked by the caller). */
static uint64_t cells_value(const fdt32_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

/*
 * A node's #address-cells or #size-cells, `dflt` when absent (Devicetree Specification
 * 2.3.5), -1 when malformed. Read here rather than with libfdt's fdt_address_cells(): its
 * file, fdt_addresses.c, also refers to fdt_appendprop, which this build does not compile.
 */
static int cell_count(const void *fdt, int node, const char *name, int dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
	if (!p)
		return dflt;
	return len == 4 ? (int)fdt32_to_cpu(*p) : -1;
}

/*
 * reg_get — the idx-th (address, size) pair of node's "reg", decoded with the
 * #address-cells / #size-cells of its parent. Returns 0, or -1 if there is no such pair
 * or the cells are of a width rumpk does not read (address 1-2 cells, size 0-2 cells).
 * Addresses are not translated through "ranges": on QEMU virt every device sits on the
 * root bus, where bus and CPU addresses are the same.
 */
static int reg_get(const void *fdt, int node, int idx, uint64_t *base, uint64_t *size)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac = cell_count(fdt, parent, "#address-cells", 2);
	int sc = cell_count(fdt, parent, "#size-cells", 1);
	int len;

	if (parent < 0 || ac < 1 || ac > 2 || sc < 0 || sc > 2)
		return -1;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	int stride = ac + sc;
	if (!reg || len < 0 || (size_t)len < (size_t)(idx + 1) * stride * sizeof(fdt32_t))
		return -1;
	reg += idx * stride;
	*base = cells_value(reg, ac);
	*size = cells_value(reg + ac, sc);
	return 0;
}

/* The NUL-terminated string value of a property (its length in *lenp), or NULL if it is
 * absent or not terminated within the property. */
static const char *prop_string(const void *fdt, int node, const char *name, int *lenp)
{
	int len;
	const char *s = fdt_getprop(fdt, node, name, &len);
	if (!s || len <= 0 || strnlen(s, (size_t)len) == (size_t)len)
		return NULL;
	*lenp = (int)strnlen(s, (size_t)len);
	return s;
}

/* A node is in use unless its "status" says otherwise (Devicetree Specification 2.3.4). */
static int node_enabled(const void *fdt, int node)
{
	int len;
	if (!fdt_getprop(fdt, node, "status", &len))
		return 1;
	const char *s = prop_string(fdt, node, "status", &len);
	return s && (strcmp(s, "okay") == 0 || strcmp(s, "ok") == 0);
}

/* A 32- or 64-bit integer property (linux,initrd-* come in either width). */
static int prop_u64(const void *fdt, int node, const char *name, uint64_t *out)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
	if (!p || (len != 4 && len != 8))
		return -1;
	*out = cells_value(p, len / 4);
	return 0;
}

static void add_mem(uint64_t base, uint64_t size)
{
	if (size == 0)
		return;
	if (bootinfo.nmem == RUMPK_BOOT_MAX_MEM) {
		kprintf("hal: RAM at %#llx (+%#llx) ignored: more than %d memory ranges\n",
			(unsigned long long)base, (unsigned long long)size, RUMPK_BOOT_MAX_MEM);
		return;
	}
	bootinfo.mem[bootinfo.nmem].base = base;
	bootinfo.mem[bootinfo.nmem].size = size;
	bootinfo.nmem++;
}

/* Dropping a reserved range would hand firmware memory to the allocator: stop instead. */
static void add_reserved(uint64_t base, uint64_t size)
{
	if (size == 0)
		return;
	if (bootinfo.nreserved == RUMPK_BOOT_MAX_RESERVED)
		boot_fail("hal: the device tree reserves more than %d ranges (RUMPK_BOOT_MAX_RESERVED)\n",
			  RUMPK_BOOT_MAX_RESERVED);
	bootinfo.reserved[bootinfo.nreserved].base = base;
	bootinfo.reserved[bootinfo.nreserved].size = size;
	bootinfo.nreserved++;
}

/* /memory nodes: every node whose device_type is "memory", each of its reg pairs. */
static void parse_memory(const void *fdt)
{
	uint64_t base, size;

	for (int n = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7); n >= 0;
	     n = fdt_node_offset_by_prop_value(fdt, n, "device_type", "memory", 7)) {
		if (!node_enabled(fdt, n))
			continue;
		for (int i = 0; reg_get(fdt, n, i, &base, &size) == 0; i++)
			add_mem(base, size);
	}
}

/* The header's memory-reservation block, then the reg of every /reserved-memory child
 * (children with only a "size" are allocated by an OS, which rumpk is not: none here). */
static void parse_reserved(const void *fdt)
{
	uint64_t base, size;
	int rm = fdt_path_offset(fdt, "/reserved-memory");
	int n;

	for (int i = 0; i < fdt_num_mem_rsv(fdt); i++)
		if (fdt_get_mem_rsv(fdt, i, &base, &size) == 0)
			add_reserved(base, size);
	if (rm < 0)
		return;
	fdt_for_each_subnode(n, fdt, rm) {
		if (!node_enabled(fdt, n))
			continue;
		for (int i = 0; reg_get(fdt, n, i, &base, &size) == 0; i++)
			add_reserved(base, size);
	}
}

static void parse_initrd(const void *fdt, int chosen)
{
	uint64_t start, end;
	int has_start = prop_u64(fdt, chosen, "linux,initrd-start", &start) == 0;
	int has_end = prop_u64(fdt, chosen, "linux,initrd-end", &end) == 0;

	if (!has_start && !has_end)
		return;
	if (!has_start || !has_end || end < start) {
		kprintf("hal: /chosen linux,initrd-start/-end are missing, malformed or reversed: "
			"initrd ignored\n");
		return;
	}
	if (!hal_aarch64_mmu_is_ram(start, end - start)) {
		kprintf("hal: initrd [%#llx, %#llx) lies outside the RAM mapped at boot "
			"(%#llx + 1 GiB): ignored\n", (unsigned long long)start,
			(unsigned long long)end, RAM_WINDOW_BASE);
		return;
	}
	bootinfo.initrd.base = start;
	bootinfo.initrd.size = end - start;
}

/* bootargs longer than the boot info holds are refused whole, never cut (cmdline.c's rule). */
static void parse_cmdline(const void *fdt, int chosen)
{
	int len;
	const char *args = fdt_getprop(fdt, chosen, "bootargs", &len);

	if (!args)
		return;
	args = prop_string(fdt, chosen, "bootargs", &len);
	if (!args) {
		kprintf("hal: /chosen bootargs is not a NUL-terminated string: ignored\n");
		return;
	}
	if (len > RUMPK_BOOT_CMDLINE_MAX - 1) {
		kprintf("hal: kernel command line is %d bytes, the limit is %d: ignored\n", len,
			RUMPK_BOOT_CMDLINE_MAX - 1);
		return;
	}
	memcpy(bootinfo.cmdline, args, (size_t)len + 1);
}

static uint64_t counter(void)
{
	isb(); /* no reading the counter ahead of the code before it */
	return sysreg_read(cntvct_el0);
}

/* splitmix64's finaliser: every input bit reaches every output bit. Not a CSPRNG; the
 * core hashes the entropy into its boot key and knows from the flag how much to trust it. */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 * Entropy: the seeds QEMU (dtb-randomness, on by default) and bootloaders put in /chosen,
 * folded into the 32 bytes and then wiped from the tree so they are never seen twice. Less
 * than 32 seed bytes: topped up with counter jitter around busy loops of varying length,
 * and flagged RUMPK_BOOT_ENTROPY_WEAK.
 */
static void parse_entropy(void *fdt, int chosen)
{
	static const char *const seeds[] = { "rng-seed", "kaslr-seed" };
	uint8_t *e = bootinfo.entropy;
	size_t got = 0;

	for (size_t s = 0; chosen >= 0 && s < sizeof(seeds) / sizeof(seeds[0]); s++) {
		int len;
		uint8_t *p = fdt_getprop_w(fdt, chosen, seeds[s], &len);
		if (!p || len <= 0)
			continue;
		for (int i = 0; i < len; i++)
			e[(got + (size_t)i) % RUMPK_BOOT_ENTROPY_BYTES] ^= p[i];
		memset(p, 0, (size_t)len);
		got += (size_t)len;
	}
	if (got >= RUMPK_BOOT_ENTROPY_BYTES)
		return;
	uint64_t h = counter();
	for (int i = 0; i < 8 * RUMPK_BOOT_ENTROPY_BYTES; i++) {
		for (volatile uint64_t spin = h & 0xff; spin; spin--)
			;
		h = mix64(h ^ counter());
		e[i % RUMPK_BOOT_ENTROPY_BYTES] ^= (uint8_t)(h >> 56);
	}
	bootinfo.flags |= RUMPK_BOOT_ENTROPY_WEAK;
}

/* The console: the PL011 that /chosen stdout-path names (a path or an alias, options after
 * ':'), else the first enabled arm,pl011, else virt.c's address. */
static uint64_t find_uart(const void *fdt, int chosen)
{
	int len, node = -1;
	uint64_t base, size;
	const char *path = chosen >= 0 ? prop_string(fdt, chosen, "stdout-path", &len) : NULL;

	if (path) {
		const char *colon = memchr(path, ':', (size_t)len);
		node = fdt_path_offset_namelen(fdt, path, colon ? (int)(colon - path) : len);
		if (node >= 0 && fdt_node_check_compatible(fdt, node, "arm,pl011") != 0)
			node = -1;
	}
	if (node < 0) {
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,pl011");
		while (node >= 0 && !node_enabled(fdt, node))
			node = fdt_node_offset_by_compatible(fdt, node, "arm,pl011");
	}
	if (node < 0 || reg_get(fdt, node, 0, &base, &size) != 0)
		return VIRT_UART;
	if (!hal_aarch64_mmu_is_device(base, MMIO_PAGE))
		boot_fail("hal: the PL011 at %#llx is outside the device window mapped at boot "
			  "(below 1 GiB)\n", (unsigned long long)base);
	return base;
}

/* The GICv2: reg[0] = distributor, reg[1] = CPU interface (Linux's
 * Documentation/devicetree/bindings/interrupt-controller/arm,gic.yaml). */
static void find_gic(const void *fdt)
{
	uint64_t dist = VIRT_GIC_DIST, cpu = VIRT_GIC_CPU, size;
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,cortex-a15-gic");

	if (node < 0 && fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3") >= 0)
		boot_fail("hal: this machine has a GICv3 and the aarch64 HAL drives a GICv2: "
			  "run QEMU with -machine virt,gic-version=2\n");
	if (node >= 0 && (reg_get(fdt, node, 0, &dist, &size) != 0 ||
			  reg_get(fdt, node, 1, &cpu, &size) != 0))
		boot_fail("hal: the GIC node's reg does not hold a distributor and a CPU interface\n");
	if (!hal_aarch64_mmu_is_device(dist, MMIO_PAGE) || !hal_aarch64_mmu_is_device(cpu, MMIO_PAGE))
		boot_fail("hal: the GIC at %#llx/%#llx is outside the device window mapped at boot "
			  "(below 1 GiB)\n", (unsigned long long)dist, (unsigned long long)cpu);
	hal_aarch64_gic_set_base((uintptr_t)dist, (uintptr_t)cpu);
}

/* ---- boot --------------------------------------------------------------------------- */

void hal_aarch64_boot(uint64_t dtb)
{
	void *fdt = (void *)(uintptr_t)dtb;

	hal_aarch64_pl011_init(VIRT_UART); /* so the checks below can speak */
	timer_hz = sysreg_read(cntfrq_el0);
	if (timer_hz == 0 || timer_hz > UINT64_MAX / NSEC_PER_SEC)
		boot_fail("hal: CNTFRQ_EL0 is %llu Hz; the firmware must set the counter frequency\n",
			  (unsigned long long)timer_hz);

	if ((dtb & 7) || !hal_aarch64_mmu_is_ram(dtb, FDT_V1_SIZE))
		boot_fail("hal: no device tree at x0 = %#llx: boot the raw Image (rumpk-aarch64.bin), "
			  "not the ELF, so QEMU passes one\n", (unsigned long long)dtb);
	int err = fdt_check_header(fdt);
	if (err)
		boot_fail("hal: the device tree at %#llx is broken: %s\n", (unsigned long long)dtb,
			  fdt_strerror(err));
	if (!hal_aarch64_mmu_is_ram(dtb, fdt_totalsize(fdt)))
		boot_fail("hal: the device tree at %#llx (%u bytes) runs past the RAM mapped at boot\n",
			  (unsigned long long)dtb, fdt_totalsize(fdt));

	int chosen = fdt_path_offset(fdt, "/chosen");
	uint64_t uart = find_uart(fdt, chosen);
	if (uart != VIRT_UART)
		hal_aarch64_pl011_init((uintptr_t)uart);
	find_gic(fdt);

	bootinfo.version = RUMPK_BOOT_INFO_VERSION;
	parse_memory(fdt);
	parse_reserved(fdt);
	bootinfo.kernel.base = (uint64_t)(uintptr_t)_kernel_start;
	bootinfo.kernel.size = (uint64_t)(_kernel_end - _kernel_start);
	bootinfo.dtb.base = dtb;
	bootinfo.dtb.size = fdt_totalsize(fdt);
	if (chosen >= 0) {
		parse_initrd(fdt, chosen);
		parse_cmdline(fdt, chosen);
	}
	parse_entropy(fdt, chosen);
	bootinfo.timer_hz = timer_hz;
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
