/*
 * trap.c (aarch64) — what happens after entry.S has saved a trap frame, and user mode:
 * the frame contract of hal.h (struct hal_uframe), the way in from EL0 and the way out.
 *
 * Kernel traps (current EL, SP_ELx; PSTATE.DAIF all set by the hardware):
 *   - IRQ: the GIC says which interrupt (gic.c); counted so hal_cpu_idle() knows one came;
 *   - synchronous, the one probe BRK of hal_trap_init(), recognised by its immediate while
 *     the probe is armed: skipped (ELR += 4);
 *   - synchronous, an undefined-instruction trap while hal_halt() is trying semihosting
 *     (QEMU without -semihosting): skipped, so hal_halt() reaches its wfi loop;
 *   - anything else — another synchronous exception, an SError, an FIQ, or any entry of
 *     the other kernel vector groups — is a kernel bug: core_kernel_fault() names it and
 *     halts (a fault address in a fiber's guard page names that fiber's overflow; entry.S
 *     has moved to the emergency stack then; a data abort on a page the current user space
 *     maps is named as a software-PAN violation). If reporting faults again, the machine
 *     halts.
 * Traps from EL0 (hal_aarch64_user_trap, on the thread's kernel stack below its frame):
 *   - SVC: the doorbell, core_user_doorbell;
 *   - aborts, undefined instructions, SP/PC alignment, BRK and the rest of the synchronous
 *     classes: core_user_fault with a RUMPK_FAULT_* cause, the address, the pc and the access;
 *     a READ/WRITE fault on an address the space does not map, within [sp - 4 KiB,
 *     sp + 64 KiB) of the user's sp, is RUMPK_FAULT_STACK (the sim's rule, hal-hosted);
 *   - IRQ: the GIC's handler with in_user = 1 (core_timer_irq(1) for the timer);
 * then core_user_return and the one way out, user_leave: the space's TTBR0 into the frame,
 * hal_aarch64_user_resume (entry.S). Interrupts are enabled around the core callbacks, as
 * hal.h promises them. No logging on any of these paths (CONVENTIONS.md rule 11).
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

/* A user thread's state (hal.h); offsets in hal_arch.h, shared with entry.S. */
struct hal_uframe {
	uint64_t x[31];
	uint64_t sp, elr, spsr;
	uint64_t fpcr, fpsr;
	uint64_t q[32][2];
	uint64_t ttbr0;
	struct hal_as *as;
	uint64_t pad[2];
};
_Static_assert(sizeof(struct hal_uframe) == UF_SIZE, "uframe size (hal_arch.h)");
_Static_assert(UF_SIZE % 64 == 0, "uframe: a multiple of 64 bytes (hal.h)");
_Static_assert(offsetof(struct hal_uframe, sp) == UF_SP, "uframe.sp");
_Static_assert(UF_X(29) == TF_X(29) && TF_X(2) == 16, "entry.S saves x2..x29 at 8 * n in both");
_Static_assert(offsetof(struct hal_uframe, elr) == UF_ELR, "uframe.elr");
_Static_assert(offsetof(struct hal_uframe, spsr) == UF_SPSR, "uframe.spsr");
_Static_assert(offsetof(struct hal_uframe, fpcr) == UF_FPCR, "uframe.fpcr");
_Static_assert(offsetof(struct hal_uframe, fpsr) == UF_FPSR, "uframe.fpsr");
_Static_assert(offsetof(struct hal_uframe, q) == UF_Q(0), "uframe.q");
_Static_assert(UF_Q(0) % 16 == 0, "q registers are stored 16-byte aligned");
_Static_assert(offsetof(struct hal_uframe, ttbr0) == UF_TTBR0, "uframe.ttbr0");
_Static_assert(offsetof(struct hal_uframe, as) == UF_AS, "uframe.as");

/* IRQ exceptions taken since boot; read by hal_cpu_idle() (hal.c). */
volatile uint64_t hal_aarch64_irq_count;

static volatile int probe_armed; /* hal_trap_init() is about to execute its BRK */
static volatile int probe_hits;  /* ... and the handler saw it */
static int in_fault;             /* core_kernel_fault() has been called */

/* Exception classes, ARM ARM, ESR_EL1.EC; the ones this file tests by value. */
#define EC_UNKNOWN 0x00   /* undefined instruction, e.g. HLT without semihosting */
#define EC_SVC64 0x15
#define EC_SP_ALIGN 0x26
#define EC_FP_EXC 0x2c
#define EC_BKPT_LOWER 0x30
#define EC_STEP_LOWER 0x32
#define ISS_WNR (1u << 6)  /* data aborts: the access was a write */
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
	if (ec == EC_DABT_CUR && !(esr & ISS_FNV) && hal_aarch64_user_mapped(sysreg_read(far_el1)))
		kind = "data abort: kernel access to user memory outside the copy routines "
		       "(software PAN)";
	else if (is_abort(ec))
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
		hal_aarch64_gic_irq(0);
		return;
	case VEC_CUR_SPX + VEC_SERROR:
		fault("SError (asynchronous external abort)", tf->elr, 0);
	case VEC_CUR_SPX + VEC_FIQ:
		fault("FIQ (rumpk routes no interrupt to FIQ)", tf->elr, 0);
	}
	if (vector < VEC_CUR_SPX)
		fault("exception while on SP_EL0 (the kernel runs on SP_EL1)", tf->elr, 0);
	fault("exception from AArch32 EL0 (rumpk runs AArch64 programs only)", tf->elr, 0);
}

/* ---- user mode ------------------------------------------------------------------------- */

size_t hal_uframe_size(void)
{
	return sizeof(struct hal_uframe);
}

/* EL0t with every interrupt unmasked (SPSR = 0); FPCR 0 is the AAPCS64's initial state
 * (round to nearest, no traps), FPSR 0 no flags; all registers zero. */
void hal_uframe_init(struct hal_uframe *f, uint64_t pc, uint64_t sp)
{
	__builtin_memset(f, 0, sizeof(*f));
	f->elr = pc;
	f->sp = sp;
}

uint64_t hal_uframe_pc(const struct hal_uframe *f)
{
	return f->elr;
}

uint64_t hal_uframe_sp(const struct hal_uframe *f)
{
	return f->sp;
}

uint64_t hal_user_doorbell(void)
{
	return 0; /* svc #0 (libnexus's crt0.S) */
}

/* The one way out: the space becomes current and its table goes into the frame, then
 * entry.S restores f and erets. Interrupts masked from here to the eret. */
static void __attribute__((noreturn)) user_leave(struct hal_uframe *f)
{
	hal_irq_save();
	hal_as_switch(f->as);
	f->ttbr0 = hal_aarch64_as_ttbr0(f->as);
	hal_aarch64_user_resume(f);
}

void hal_user_enter(struct hal_as *as, struct hal_uframe *f)
{
	f->as = as;
	f->spsr = 0; /* EL0t, DAIF clear: whatever the core wrote, user code runs at EL0 */
	user_leave(f);
}

/* A synchronous exception from EL0 as a hal.h fault: cause, address, access. */
static uint32_t user_cause(struct hal_uframe *f, uint64_t esr, uint64_t *addr, uint32_t *access)
{
	uint64_t ec = ESR_EC(esr), fsc = ESR_ISS(esr) & 0x3f;

	*addr = fault_address(esr);
	*access = 0;
	switch (ec) {
	case EC_DABT_LOWER:
		if (fsc == 0x21)
			return RUMPK_FAULT_MISALIGNED;
		*access = (esr & ISS_WNR) ? HAL_PROT_W : HAL_PROT_R;
		return (esr & ISS_WNR) ? RUMPK_FAULT_WRITE : RUMPK_FAULT_READ;
	case EC_IABT_LOWER:
		*access = HAL_PROT_X;
		return RUMPK_FAULT_EXEC;
	case EC_PC_ALIGN:
		*access = HAL_PROT_X;
		return RUMPK_FAULT_MISALIGNED;
	case EC_SP_ALIGN:
		*addr = f->sp;
		return RUMPK_FAULT_MISALIGNED;
	case EC_BRK64:
	case EC_BKPT_LOWER:
	case EC_STEP_LOWER:
	case EC_WATCH_LOWER:
		return RUMPK_FAULT_BREAKPOINT;
	case EC_FP_EXC:
		return RUMPK_FAULT_ARITH;
	default:
		return RUMPK_FAULT_ILLEGAL; /* undefined, trapped system instruction, ... */
	}
}

/* RUMPK_FAULT_STACK by the rule at the top of this file. */
static uint32_t refine_cause(struct hal_uframe *f, uint32_t cause, uint64_t a)
{
	uint8_t b;

	if (cause != RUMPK_FAULT_READ && cause != RUMPK_FAULT_WRITE)
		return cause;
	if (hal_copy_from_user(f->as, &b, a, 1) == 0)
		return cause; /* mapped: a permission fault, not an overflow */
	if (a + 4096 >= f->sp && a < f->sp + 65536)
		return RUMPK_FAULT_STACK;
	return cause;
}

void hal_aarch64_user_trap(void *frame, uint64_t vector)
{
	struct hal_uframe *f = frame;
	int action = HAL_USER_RESUME;

	switch (vector) {
	case VEC_LOWER64 + VEC_SYNC: {
		uint64_t esr = sysreg_read(esr_el1);
		if (ESR_EC(esr) == EC_SVC64) {
			hal_irq_enable();
			core_user_doorbell(f);
			break;
		}
		uint64_t addr;
		uint32_t access, cause = user_cause(f, esr, &addr, &access);
		hal_irq_enable();
		cause = refine_cause(f, cause, addr);
		action = core_user_fault(f, cause, addr, f->elr, access);
		break;
	}
	case VEC_LOWER64 + VEC_IRQ:
		hal_aarch64_irq_count++;
		hal_aarch64_gic_irq(1);
		hal_irq_enable();
		break;
	case VEC_LOWER64 + VEC_FIQ:
		fault("FIQ from EL0 (rumpk routes no interrupt to FIQ)", f->elr, 0);
	default:
		fault("SError from EL0 (asynchronous external abort)", f->elr, 0);
	}
	core_user_return(f, action);
	user_leave(f);
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
