/*
 * trap.c (aarch64) — what happens after entry.S has saved a trap frame.
 *
 * Every exception is taken at EL1 from EL1 for now (no user code yet), on the stack that
 * was current, with PSTATE.DAIF all set by the hardware. Only the "current EL, SP_ELx"
 * vectors are expected:
 *   - IRQ: the GIC says which interrupt (gic.c); counted so hal_cpu_idle() knows one came;
 *   - synchronous, the one probe BRK of hal_trap_init(), recognised by its immediate while
 *     the probe is armed: skipped (ELR += 4);
 *   - synchronous, an undefined-instruction trap while hal_halt() is trying semihosting
 *     (QEMU without -semihosting): skipped, so hal_halt() reaches its wfi loop;
 *   - anything else — another synchronous exception, an SError, an FIQ, or any entry of
 *     the other vector groups — is a kernel bug: core_kernel_fault() names it and halts.
 *     If reporting it faults again, the machine just halts (no recursion).
 * A fault that leaves sp unusable (a stack overflow) cannot be reported yet: the vector
 * stores the frame on that same stack. A later issue gives traps their own stack.
 * No logging here (CONVENTIONS.md rule 11); the fault path prints through the core.
 */
#include <stddef.h>

#include "hal.h"

struct trap_frame {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t pad; /* keeps the frame a multiple of 16 bytes */
};
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "trap frame size (hal_arch.h)");
_Static_assert(offsetof(struct trap_frame, x[30]) == TF_X(30), "trap_frame.x");
_Static_assert(offsetof(struct trap_frame, elr) == TF_ELR, "trap_frame.elr");
_Static_assert(offsetof(struct trap_frame, spsr) == TF_SPSR, "trap_frame.spsr");

void hal_aarch64_trap(struct trap_frame *tf, uint64_t vector);

/* IRQ exceptions taken since boot; read by hal_cpu_idle() (hal.c). */
volatile uint64_t hal_aarch64_irq_count;

static volatile int probe_armed; /* hal_trap_init() is about to execute its BRK */
static volatile int probe_hits;  /* ... and the handler saw it */
static int in_fault;             /* core_kernel_fault() has been called */

/* Exception classes, ARM ARM, ESR_EL1.EC; the ones this file tests by value. */
#define EC_UNKNOWN 0x00   /* undefined instruction, e.g. HLT without semihosting */
#define EC_IABT_LOWER 0x20
#define EC_IABT_CUR 0x21
#define EC_PC_ALIGN 0x22
#define EC_DABT_LOWER 0x24
#define EC_DABT_CUR 0x25
#define EC_WATCH_LOWER 0x34
#define EC_WATCH_CUR 0x35
#define ISS_FNV (1u << 10) /* aborts: FAR_EL1 is not valid */

/* The name core_kernel_fault() prints for each class. Unlisted values are reserved. */
static const char *const ec_names[64] = {
	[EC_UNKNOWN] = "unknown instruction (undefined or not allowed)",
	[0x01] = "trapped WFI/WFE",
	[0x07] = "trapped FP/SIMD access",
	[0x0e] = "illegal execution state",
	[0x15] = "SVC from AArch64",
	[0x18] = "trapped MSR/MRS or system instruction",
	[EC_IABT_LOWER] = "instruction abort from EL0",
	[EC_IABT_CUR] = "instruction abort",
	[EC_PC_ALIGN] = "PC alignment fault",
	[EC_DABT_LOWER] = "data abort from EL0",
	[EC_DABT_CUR] = "data abort",
	[0x26] = "SP alignment fault",
	[0x2c] = "trapped floating-point exception",
	[0x2f] = "SError",
	[0x30] = "hardware breakpoint from EL0",
	[0x31] = "hardware breakpoint",
	[0x32] = "software step from EL0",
	[0x33] = "software step",
	[EC_WATCH_LOWER] = "watchpoint from EL0",
	[EC_WATCH_CUR] = "watchpoint",
	[EC_BRK64] = "BRK instruction (__builtin_trap?)",
};

static int is_abort(uint64_t ec)
{
	return ec == EC_IABT_LOWER || ec == EC_IABT_CUR || ec == EC_DABT_LOWER || ec == EC_DABT_CUR;
}

/* An abort's name with its cause, from the fault status code (ISS.DFSC/IFSC, bits [5:0],
 * ARM ARM, ESR_EL1): the level of a translation-table fault is left out. */
static const char *abort_kind(uint64_t ec, uint64_t fsc)
{
	int data = ec == EC_DABT_LOWER || ec == EC_DABT_CUR;

	switch (fsc & 0x3c) {
	case 0x00:
		return data ? "data abort: address size fault" : "instruction abort: address size fault";
	case 0x04:
		return data ? "data abort: translation fault" : "instruction abort: translation fault";
	case 0x08:
		return data ? "data abort: access flag fault" : "instruction abort: access flag fault";
	case 0x0c:
		return data ? "data abort: permission fault" : "instruction abort: permission fault";
	}
	if (fsc == 0x21)
		return "data abort: alignment fault";
	if (fsc == 0x10)
		return data ? "data abort: synchronous external abort"
			    : "instruction abort: synchronous external abort";
	return ec_names[ec];
}

/* FAR_EL1 holds an address only for these classes (ARM ARM, FAR_EL1), and for aborts only
 * when ISS.FnV is clear; otherwise the core gets 0. */
static uint64_t fault_address(uint64_t esr)
{
	uint64_t ec = ESR_EC(esr);

	if (is_abort(ec) && (esr & ISS_FNV))
		return 0;
	if (is_abort(ec) || ec == EC_PC_ALIGN || ec == EC_WATCH_LOWER || ec == EC_WATCH_CUR)
		return sysreg_read(far_el1);
	return 0;
}

/* Hands a kernel fault to the core, once: if reporting it faults in turn, printing again
 * would only recurse, so the second fault just ends the machine. */
static void __attribute__((noreturn)) fault(const char *kind, uint64_t pc, uint64_t addr)
{
	if (in_fault++)
		hal_halt(255);
	core_kernel_fault(kind, pc, addr);
}

static void sync_exception(struct trap_frame *tf)
{
	uint64_t esr = sysreg_read(esr_el1);
	uint64_t ec = ESR_EC(esr);
	const char *kind;

	if (ec == EC_BRK64 && (ESR_ISS(esr) & 0xffff) == BRK_PROBE && probe_armed) {
		probe_hits++;
		tf->elr += 4; /* BRK is reported with ELR at itself, not after it */
		return;
	}
	if (ec == EC_UNKNOWN && hal_aarch64_halting) {
		tf->elr += 4; /* hal_halt's HLT without -semihosting: on to its wfi loop */
		return;
	}
	if (is_abort(ec))
		kind = abort_kind(ec, ESR_ISS(esr) & 0x3f);
	else
		kind = ec_names[ec];
	fault(kind ? kind : "synchronous exception of a reserved class", tf->elr,
	      fault_address(esr));
}

void hal_aarch64_trap(struct trap_frame *tf, uint64_t vector)
{
	switch (vector) {
	case VEC_CUR_SPX + VEC_SYNC:
		sync_exception(tf);
		return;
	case VEC_CUR_SPX + VEC_IRQ:
		hal_aarch64_irq_count++;
		hal_aarch64_gic_irq();
		return;
	case VEC_CUR_SPX + VEC_SERROR:
		fault("SError (asynchronous external abort)", tf->elr, 0);
	case VEC_CUR_SPX + VEC_FIQ:
		fault("FIQ (rumpk routes no interrupt to FIQ)", tf->elr, 0);
	}
	if (vector < VEC_CUR_SPX)
		fault("exception while on SP_EL0 (the kernel runs on SP_EL1)", tf->elr, 0);
	fault("exception from EL0 (no user code runs yet)", tf->elr, 0);
}

int hal_trap_init(void)
{
	sysreg_write(vbar_el1, (uint64_t)(uintptr_t)hal_aarch64_vectors);
	isb();
	hal_aarch64_gic_init();
	probe_hits = 0;
	probe_armed = 1;
	__asm__ volatile("brk %0" ::"i"(BRK_PROBE) : "memory");
	probe_armed = 0;
	return probe_hits == 1 ? 0 : -RUMPK_EFAULT;
}
