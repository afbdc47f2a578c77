/*
 * hal.c (riscv64) — boot (device tree -> boot info), time, timer, cpu and halt for
 * qemu-system-riscv64 -machine virt, S-mode under OpenSBI.
 *
 * Boot: entry.S calls hal_riscv64_boot(hartid, dtb) on the boot stack with .bss zeroed
 * and interrupts off. The UART comes up first at the virt default so every later problem
 * can be reported; then the device tree is validated (a broken one halts with a message),
 * its UART and sifive_test are looked up, and it is read once into `bootinfo` by
 * fdt_boot_fill() (src/libk/fdt_boot.c, shared with the other bare-metal HALs), which
 * stays valid forever as hal.h promises. After that the device tree is not consulted again
 * (the core may parse it itself later).
 *
 * The kernel is quiet: this file prints only when the device tree is wrong or a limit is
 * hit, each time one "hal: ..." line saying what was ignored.
 *
 * Time: rdtime counts at timebase-frequency (10 MHz on virt). Conversions avoid 128-bit
 * division (no compiler-rt on this target) by splitting into whole seconds and remainder;
 * both stay exact for any frequency below 18 GHz.
 */
#include <libfdt.h>

#include "boot.h"
#include "fdt_boot.h"
#include "hal.h"
#include "kprintf.h"

/* Defaults when the device tree says nothing: QEMU hw/riscv/virt.c virt_memmap[]
 * (VIRT_TEST, VIRT_UART0), create_fdt_uart() (clock-frequency 0x384000) and
 * include/hw/intc/riscv_aclint.h (RISCV_ACLINT_DEFAULT_TIMEBASE_FREQ). */
#define VIRT_TEST_BASE 0x100000ul
#define VIRT_PLIC_BASE 0x0c000000ul
#define VIRT_UART0_IRQ 10u
#define VIRT_PLIC_HART0_S_CONTEXT 1u
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

/* Keeps struct hal_switch_frame in the debug info for scripts/gdb/rumpk.py. */
const struct hal_switch_frame *hal_switch_frame_for_debuggers __attribute__((used));

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

/* ---- execution contexts (switch.S does the switching) ------------------------------ */

_Static_assert(offsetof(struct hal_ctx, sp) == HAL_CTX_SP, "hal_ctx.sp (hal_arch.h)");
_Static_assert(CTX_FRAME_SIZE % 16 == 0, "the saved frame keeps sp 16-byte aligned");

/* Builds, at the 16-byte aligned top of the stack, the frame switch.S would have saved, so
 * the first switch to ctx "returns" into hal_riscv64_ctx_start, which calls entry(arg). */
void hal_ctx_init(struct hal_ctx *ctx, void *stack_base, size_t stack_size,
		  void (*entry)(void *arg), void *arg)
{
	uintptr_t top = ((uintptr_t)stack_base + stack_size) & ~(uintptr_t)15;
	uint64_t *frame = (uint64_t *)(top - CTX_FRAME_SIZE);

	for (unsigned i = 0; i < CTX_FRAME_SIZE / 8; i++)
		frame[i] = 0; /* the frame pointer among them: frame chains end here */
	frame[CTX_F_RA / 8] = (uint64_t)(uintptr_t)hal_riscv64_ctx_start;
	frame[CTX_F_S(1) / 8] = (uint64_t)(uintptr_t)entry;
	frame[CTX_F_S(2) / 8] = (uint64_t)(uintptr_t)arg;
	ctx->sp = frame;
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

/* ---- boot ---------------------------------------------------------------------------- */

/* fdt_boot_fill's jitter source. */
static uint64_t rdtime(void)
{
	return rv_rdtime();
}

/* Stops the boot before core_main: the last line is still "halted, code N". */
static void __attribute__((noreturn)) dtb_broken(uint64_t dtb, const char *why)
{
	kprintf("hal: the device tree at %#llx passed by the firmware in a1 is unusable (%s): "
		"cannot boot\n", (unsigned long long)dtb, why);
	core_halt(HALT_BOOT_FAILURE);
}

/* The PLIC context of hart 0's S-mode: the index of the first (phandle, cause) pair of the
 * PLIC's interrupts-extended whose cause is 9, the S-mode external interrupt (the device
 * tree binding sifive,plic-1.0.0; QEMU lists each hart's M then S context). */
static uint32_t plic_s_context(const void *fdt, int node)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, "interrupts-extended", &len);

	for (int i = 0; p && i + 1 < len / 4; i += 2)
		if (fdt32_to_cpu(p[i + 1]) == IRQ_S_EXTERNAL)
			return (uint32_t)(i / 2);
	return VIRT_PLIC_HART0_S_CONTEXT;
}

void hal_riscv64_boot(uint64_t hartid, uint64_t dtb)
{
	void *fdt = (void *)(uintptr_t)dtb;
	uint64_t uart_base, test_base, plic_base;
	uint32_t uart_clock, uart_irq = VIRT_UART0_IRQ, plic_ctx = VIRT_PLIC_HART0_S_CONTEXT;
	int node, err;
	struct sbiret probe;

	(void)hartid; /* OpenSBI starts one hart only (entry.S); SMP comes later */
	hal_riscv64_trap_install(); /* a fault from here on is named, not a silent hang */
	hal_riscv64_uart_init(VIRT_UART0_BASE, VIRT_UART0_CLOCK);

	if (dtb == 0 || (dtb & 7) != 0) /* the DT spec v0.4 5.1 wants 8-byte alignment */
		dtb_broken(dtb, "null or misaligned");
	err = fdt_check_header(fdt);
	if (err)
		dtb_broken(dtb, fdt_strerror(err));

	uart_base = fdt_boot_device_base(fdt, "ns16550a", VIRT_UART0_BASE, &node);
	uart_clock = node >= 0 ? fdt_boot_prop_u32(fdt, node, "clock-frequency", 0)
			       : VIRT_UART0_CLOCK;
	if (node >= 0)
		uart_irq = fdt_boot_prop_u32(fdt, node, "interrupts", 0);
	if (uart_base != VIRT_UART0_BASE || uart_clock != VIRT_UART0_CLOCK)
		hal_riscv64_uart_init(uart_base, uart_clock);
	test_base = fdt_boot_device_base(fdt, "sifive,test0", VIRT_TEST_BASE, &node);
	finisher = (volatile uint32_t *)(uintptr_t)test_base;
	plic_base = fdt_boot_device_base(fdt, "riscv,plic0", VIRT_PLIC_BASE, &node);
	if (node >= 0)
		plic_ctx = plic_s_context(fdt, node);
	hal_riscv64_plic_setup(plic_base, plic_ctx, uart_irq);

	probe = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, SBI_EXT_TIME);
	if (probe.error || probe.value == 0) {
		kprintf("hal: the SBI firmware has no TIME extension (SBI v0.2 or later needed): "
			"cannot boot\n");
		core_halt(HALT_BOOT_FAILURE);
	}

	fdt_boot_fill(&bootinfo, fdt, dtb, rdtime);
	bootinfo.kernel.base = (uint64_t)(uintptr_t)__kernel_start;
	bootinfo.kernel.size = (uint64_t)(__kernel_end - __kernel_start);

	node = fdt_boot_path(fdt, "/cpus", sizeof("/cpus") - 1);
	if (node < 0 || fdt_boot_prop_u64(fdt, node, "timebase-frequency", &timer_hz) < 0 ||
	    timer_hz == 0) {
		kprintf("hal: /cpus has no timebase-frequency: assuming QEMU virt's %llu Hz\n",
			VIRT_TIMEBASE_HZ);
		timer_hz = VIRT_TIMEBASE_HZ;
	}
	bootinfo.timer_hz = timer_hz;

	/* paging: MMIO pages the HAL touches (plic.c's three), then the kernel map */
	const uint64_t mmio[] = {
		test_base, 4096, uart_base, 4096, plic_base, 4096,
		plic_base + 0x2000 + 0x80 * plic_ctx, 4,
		plic_base + 0x200000 + 0x1000 * plic_ctx, 8,
	};
	hal_riscv64_mmu_init(&bootinfo, mmio, sizeof(mmio) / sizeof(mmio[0]) / 2);

	csr_clear(sstatus, SSTATUS_SIE);
	core_main(&bootinfo);
}
