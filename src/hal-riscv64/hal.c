/*
 * hal.c (riscv64) — boot (device tree -> boot info), time, timer, cpu and halt for
 * qemu-system-riscv64 -machine virt, S-mode under OpenSBI.
 *
 * Boot: entry.S calls hal_riscv64_boot(hartid, dtb) on the boot stack with .bss zeroed
 * and interrupts off. The UART comes up first at the virt default so every later problem
 * can be reported; then the device tree is validated (a broken one halts with a message)
 * and read once into `bootinfo`, which stays valid forever as hal.h promises. After that
 * the device tree is not consulted again (the core may parse it itself later).
 *
 * The kernel is quiet: this file prints only when the device tree is wrong or a limit is
 * hit, each time one "hal: ..." line saying what was ignored.
 *
 * Time: rdtime counts at timebase-frequency (10 MHz on virt). Conversions avoid 128-bit
 * division (no compiler-rt on this target) by splitting into whole seconds and remainder;
 * both stay exact for any frequency below 18 GHz.
 */
#include <libfdt.h>
#include <string.h>

#include "boot.h"
#include "hal.h"
#include "kprintf.h"

/* Defaults when the device tree says nothing: QEMU hw/riscv/virt.c virt_memmap[]
 * (VIRT_TEST, VIRT_UART0), create_fdt_uart() (clock-frequency 0x384000) and
 * include/hw/intc/riscv_aclint.h (RISCV_ACLINT_DEFAULT_TIMEBASE_FREQ). */
#define VIRT_TEST_BASE 0x100000ul
#define VIRT_UART0_BASE 0x10000000ul
#define VIRT_UART0_CLOCK 3686400u
#define VIRT_TIMEBASE_HZ 10000000ull

/* sifive_test finisher commands, QEMU include/hw/misc/sifive_test.h: PASS exits 0, FAIL
 * exits with the upper 16 bits of the written word. */
#define FINISHER_FAIL 0x3333u
#define FINISHER_PASS 0x5555u

/* SBI calls, RISC-V SBI specification v1.0: a7 = extension id, a6 = function id, the
 * result in a0 (error) and a1 (value). Chapter 4 BASE, chapter 6 TIME. */
#define SBI_EXT_BASE 0x10
#define SBI_BASE_PROBE_EXTENSION 3
#define SBI_EXT_TIME 0x54494D45
#define SBI_TIME_SET_TIMER 0

#define NSEC_PER_SEC 1000000000ull
#define HALT_BOOT_FAILURE 255 /* the code of a boot that cannot reach core_main */

extern char __kernel_start[], __kernel_end[]; /* linker.ld */

static struct rumpk_boot_info bootinfo;
static uint64_t timer_hz = VIRT_TIMEBASE_HZ;
static volatile uint32_t *finisher = (volatile uint32_t *)VIRT_TEST_BASE;

struct sbiret {
	long error;
	long value;
};

static struct sbiret sbi_call(uint64_t eid, uint64_t fid, uint64_t arg0)
{
	register uint64_t a0 __asm__("a0") = arg0;
	register uint64_t a1 __asm__("a1") = 0;
	register uint64_t a6 __asm__("a6") = fid;
	register uint64_t a7 __asm__("a7") = eid;

	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a6), "r"(a7) : "memory");
	return (struct sbiret){ (long)a0, (long)a1 };
}

/* set_timer(UINT64_MAX) is the SBI idiom for "no deadline"; any call also clears a
 * pending STIP (SBI v1.0 section 6.1). */
void hal_riscv64_sbi_set_timer(uint64_t ticks)
{
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, ticks);
}

const char *hal_name(void)
{
	return "riscv64-virt";
}

/* ---- time ------------------------------------------------------------------------------ */

uint64_t hal_time_ns(void)
{
	uint64_t t = rv_rdtime();
	return (t / timer_hz) * NSEC_PER_SEC + ((t % timer_hz) * NSEC_PER_SEC) / timer_hz;
}

/* Rounds up, so the tick the interrupt fires on never reads as earlier than ns. */
static uint64_t ns_to_ticks_ceil(uint64_t ns)
{
	uint64_t sec = ns / NSEC_PER_SEC, rem = ns % NSEC_PER_SEC;

	if (sec > UINT64_MAX / timer_hz - 1)
		return UINT64_MAX; /* beyond any reachable time: never fires */
	return sec * timer_hz + (rem * timer_hz + NSEC_PER_SEC - 1) / NSEC_PER_SEC;
}

void hal_timer_arm(uint64_t deadline_ns)
{
	hal_riscv64_sbi_set_timer(ns_to_ticks_ceil(deadline_ns));
}

void hal_timer_disarm(void)
{
	hal_riscv64_sbi_set_timer(UINT64_MAX);
}

/* ---- cpu ------------------------------------------------------------------------------- */

hal_irq_state_t hal_irq_save(void)
{
	return csr_read_clear(sstatus, SSTATUS_SIE) & SSTATUS_SIE;
}

void hal_irq_restore(hal_irq_state_t state)
{
	if (state & SSTATUS_SIE)
		csr_set(sstatus, SSTATUS_SIE); /* a pending interrupt is taken right here */
	else
		csr_clear(sstatus, SSTATUS_SIE);
}

void hal_irq_enable(void)
{
	csr_set(sstatus, SSTATUS_SIE);
}

/*
 * wfi resumes once (sip & sie) != 0, whatever sstatus.SIE says (Privileged spec v1.12,
 * 3.3.3), so with SIE clear no wake-up is lost: an interrupt that became pending after
 * the caller's last check makes wfi return at once. Opening SIE for one instruction
 * then lets the trap vector take it before we close SIE again.
 */
void hal_cpu_idle(void)
{
	__asm__ volatile("wfi" ::: "memory");
	csr_set(sstatus, SSTATUS_SIE);
	csr_clear(sstatus, SSTATUS_SIE);
}

void hal_halt(int code)
{
	int status = hal_exit_status(code);

	csr_clear(sstatus, SSTATUS_SIE);
	csr_write(sie, 0); /* nothing may wake the wfi loop below */
	*finisher = status == 0 ? FINISHER_PASS : ((uint32_t)status << 16) | FINISHER_FAIL;
	for (;;)
		__asm__ volatile("wfi");
}

/* ---- device tree ----------------------------------------------------------------------- */

/* A u32 property (#address-cells and friends), or dflt if absent or malformed. */
static uint32_t prop_u32(const void *fdt, int node, const char *name, uint32_t dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
	return p && len == 4 ? fdt32_ld(p) : dflt;
}

/* A property of one or two cells (4 or 8 bytes); returns 0 if absent or malformed. */
static int prop_u64(const void *fdt, int node, const char *name, uint64_t *out)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (p && len == 4)
		*out = fdt32_ld(p);
	else if (p && len == 8)
		*out = (uint64_t)fdt32_ld(p) << 32 | fdt32_ld(p + 1);
	else
		return 0;
	return 1;
}

/* DT spec v0.4 section 2.3.4: a node is usable unless status says otherwise. */
static int node_enabled(const void *fdt, int node)
{
	const char *s = fdt_getprop(fdt, node, "status", NULL);
	return !s || strcmp(s, "okay") == 0 || strcmp(s, "ok") == 0;
}

/* #address-cells / #size-cells of a bus node: defaults 2 and 1 (DT spec v0.4, 2.3.5). */
static void bus_cells(const void *fdt, int bus, uint32_t *ac, uint32_t *sc)
{
	*ac = prop_u32(fdt, bus, "#address-cells", 2);
	*sc = prop_u32(fdt, bus, "#size-cells", 1);
}

static uint64_t read_cells(const fdt32_t *p, uint32_t n)
{
	uint64_t v = 0;
	for (uint32_t i = 0; i < n; i++)
		v = v << 32 | fdt32_ld(p + i);
	return v;
}

/*
 * Appends the (address, size) pairs of `node`'s reg to out[*n..max), cells as given by its
 * bus. Addresses are used untranslated: every bus on virt maps 1:1 (empty "ranges").
 * Returns how many pairs did not fit; pairs of size 0 are skipped.
 */
static int reg_append(const void *fdt, int node, uint32_t ac, uint32_t sc,
		      struct rumpk_mem_range *out, uint32_t *n, uint32_t max)
{
	int len, dropped = 0;
	const fdt32_t *p = fdt_getprop(fdt, node, "reg", &len);
	uint32_t cells = ac + sc;

	if (!p || ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return 0;
	for (int i = 0; (size_t)(i + 1) * cells * 4 <= (size_t)len; i++) {
		uint64_t base = read_cells(p + i * cells, ac);
		uint64_t size = read_cells(p + i * cells + ac, sc);
		if (size == 0)
			continue;
		if (*n == max) {
			dropped++;
			continue;
		}
		out[*n].base = base;
		out[*n].size = size;
		(*n)++;
	}
	return dropped;
}

/* The first reg address of the first enabled node compatible with `compat`, or dflt. */
static uint64_t device_base(const void *fdt, const char *compat, uint64_t dflt, int *nodep)
{
	int node = -1;
	struct rumpk_mem_range r;
	uint32_t n = 0, ac, sc;

	while ((node = fdt_node_offset_by_compatible(fdt, node, compat)) >= 0) {
		if (!node_enabled(fdt, node))
			continue;
		bus_cells(fdt, fdt_parent_offset(fdt, node), &ac, &sc);
		reg_append(fdt, node, ac, sc, &r, &n, 1);
		if (n == 1) {
			*nodep = node;
			return r.base;
		}
	}
	*nodep = -1;
	return dflt;
}

/* /memory nodes (device_type = "memory") -> bootinfo.mem. Extra ranges cost only RAM. */
static void find_memory(const void *fdt)
{
	int node = -1, dropped = 0;
	uint32_t ac, sc;

	while ((node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory",
						     sizeof("memory"))) >= 0) {
		if (!node_enabled(fdt, node))
			continue;
		bus_cells(fdt, fdt_parent_offset(fdt, node), &ac, &sc);
		dropped += reg_append(fdt, node, ac, sc, bootinfo.mem, &bootinfo.nmem,
				      RUMPK_BOOT_MAX_MEM);
	}
	if (dropped)
		kprintf("hal: the device tree lists %d memory ranges beyond the limit of %d: "
			"that RAM is not used\n", dropped, RUMPK_BOOT_MAX_MEM);
}

/* The FDT memory-reservation block and /reserved-memory children -> bootinfo.reserved.
 * Dropping one could hand firmware memory to the allocator, so overflow stops the boot. */
static void find_reserved(const void *fdt)
{
	int dropped = 0, node, parent;
	uint64_t base, size;
	uint32_t ac, sc;

	for (int i = 0; i < fdt_num_mem_rsv(fdt); i++) {
		if (fdt_get_mem_rsv(fdt, i, &base, &size) < 0 || size == 0)
			continue;
		if (bootinfo.nreserved == RUMPK_BOOT_MAX_RESERVED) {
			dropped++;
			continue;
		}
		bootinfo.reserved[bootinfo.nreserved].base = base;
		bootinfo.reserved[bootinfo.nreserved].size = size;
		bootinfo.nreserved++;
	}
	parent = fdt_path_offset(fdt, "/reserved-memory");
	if (parent >= 0) {
		bus_cells(fdt, parent, &ac, &sc);
		fdt_for_each_subnode(node, fdt, parent)
			dropped += reg_append(fdt, node, ac, sc, bootinfo.reserved,
					      &bootinfo.nreserved, RUMPK_BOOT_MAX_RESERVED);
	}
	if (dropped) {
		kprintf("hal: the device tree reserves %d memory ranges beyond the limit of %d "
			"(RUMPK_BOOT_MAX_RESERVED): cannot boot safely\n", dropped,
			RUMPK_BOOT_MAX_RESERVED);
		core_halt(HALT_BOOT_FAILURE);
	}
}

/* /chosen: the initrd QEMU loaded (-initrd) and the command line (-append). */
static void read_chosen(const void *fdt, int chosen)
{
	uint64_t start, end;
	int has_start, has_end, len;

	has_start = prop_u64(fdt, chosen, "linux,initrd-start", &start);
	has_end = prop_u64(fdt, chosen, "linux,initrd-end", &end);
	if (has_start && has_end && end > start) {
		bootinfo.initrd.base = start;
		bootinfo.initrd.size = end - start;
	} else if (has_start || has_end) {
		kprintf("hal: /chosen has an incomplete or empty initrd range: no initrd\n");
	}

	const char *args = fdt_getprop(fdt, chosen, "bootargs", &len);
	if (args && len > 0) {
		size_t n = strnlen(args, (size_t)len);
		if (n < RUMPK_BOOT_CMDLINE_MAX) {
			memcpy(bootinfo.cmdline, args, n);
			bootinfo.cmdline[n] = '\0';
		} else {
			kprintf("hal: kernel command line is %zu bytes, the limit is %d: ignored\n", n,
				RUMPK_BOOT_CMDLINE_MAX - 1);
		}
	}
}

/* splitmix64's finaliser: spreads every input bit over the whole word. */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 * Entropy for the boot key. /chosen rng-seed (QEMU >= 7.1 passes 32 random bytes) is
 * folded into the 32 bytes and then wiped from the device tree, so nothing that reads the
 * tree later learns it. Without a full seed, rdtime jitter across a loop whose duration
 * varies with host scheduling is mixed in and the result is flagged WEAK for the core.
 */
static void gather_entropy(void *fdt, int chosen)
{
	int len = 0;
	uint8_t *seed = chosen >= 0 ? fdt_getprop_w(fdt, chosen, "rng-seed", &len) : NULL;

	if (seed && len > 0) {
		for (int i = 0; i < len; i++)
			bootinfo.entropy[i % RUMPK_BOOT_ENTROPY_BYTES] ^= seed[i];
		memset(seed, 0, (size_t)len);
		if (len >= RUMPK_BOOT_ENTROPY_BYTES)
			return;
	}
	bootinfo.flags |= RUMPK_BOOT_ENTROPY_WEAK;
	uint64_t h = rv_rdtime();
	for (int w = 0; w < RUMPK_BOOT_ENTROPY_BYTES / 8; w++) {
		for (int round = 0; round < 64; round++) {
			uint64_t t0 = rv_rdtime();
			for (volatile uint64_t spin = h & 0xff; spin; spin--)
				;
			h = mix64(h ^ t0 ^ (rv_rdtime() - t0) << 32);
		}
		for (int b = 0; b < 8; b++)
			bootinfo.entropy[w * 8 + b] ^= (uint8_t)(h >> (8 * b));
	}
}

/* Stops the boot before core_main: the last line is still "halted, code N". */
static void __attribute__((noreturn)) dtb_broken(uint64_t dtb, const char *why)
{
	kprintf("hal: the device tree at %#llx passed by the firmware in a1 is unusable (%s): "
		"cannot boot\n", (unsigned long long)dtb, why);
	core_halt(HALT_BOOT_FAILURE);
}

void hal_riscv64_boot(uint64_t hartid, uint64_t dtb)
{
	void *fdt = (void *)(uintptr_t)dtb;
	uint64_t uart_base, test_base;
	uint32_t uart_clock;
	int node, chosen, err;
	struct sbiret probe;

	(void)hartid; /* OpenSBI starts one hart only (entry.S); SMP comes later */
	hal_riscv64_trap_install(); /* a fault from here on is named, not a silent hang */
	hal_riscv64_uart_init(VIRT_UART0_BASE, VIRT_UART0_CLOCK);

	if (dtb == 0 || (dtb & 7) != 0) /* the DT spec v0.4 5.1 wants 8-byte alignment */
		dtb_broken(dtb, "null or misaligned");
	err = fdt_check_header(fdt);
	if (err)
		dtb_broken(dtb, fdt_strerror(err));

	uart_base = device_base(fdt, "ns16550a", VIRT_UART0_BASE, &node);
	uart_clock = node >= 0 ? prop_u32(fdt, node, "clock-frequency", 0) : VIRT_UART0_CLOCK;
	if (uart_base != VIRT_UART0_BASE || uart_clock != VIRT_UART0_CLOCK)
		hal_riscv64_uart_init(uart_base, uart_clock);
	test_base = device_base(fdt, "sifive,test0", VIRT_TEST_BASE, &node);
	finisher = (volatile uint32_t *)(uintptr_t)test_base;

	probe = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, SBI_EXT_TIME);
	if (probe.error || probe.value == 0) {
		kprintf("hal: the SBI firmware has no TIME extension (SBI v0.2 or later needed): "
			"cannot boot\n");
		core_halt(HALT_BOOT_FAILURE);
	}

	bootinfo.version = RUMPK_BOOT_INFO_VERSION;
	find_memory(fdt);
	find_reserved(fdt);
	bootinfo.kernel.base = (uint64_t)(uintptr_t)__kernel_start;
	bootinfo.kernel.size = (uint64_t)(__kernel_end - __kernel_start);
	bootinfo.dtb.base = dtb;
	bootinfo.dtb.size = fdt_totalsize(fdt);
	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen >= 0)
		read_chosen(fdt, chosen);
	gather_entropy(fdt, chosen);

	node = fdt_path_offset(fdt, "/cpus");
	if (node < 0 || !prop_u64(fdt, node, "timebase-frequency", &timer_hz) || timer_hz == 0) {
		kprintf("hal: /cpus has no timebase-frequency: assuming QEMU virt's %llu Hz\n",
			VIRT_TIMEBASE_HZ);
		timer_hz = VIRT_TIMEBASE_HZ;
	}
	bootinfo.timer_hz = timer_hz;

	csr_clear(sstatus, SSTATUS_SIE);
	core_main(&bootinfo);
}
