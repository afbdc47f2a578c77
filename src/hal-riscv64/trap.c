/*
 * trap.c (riscv64) — what happens after entry.S has saved a frame, and user mode.
 *
 * Traps from S-mode arrive on the trap stack (entry.S) with sstatus.SIE cleared by the
 * hardware:
 *   - the supervisor timer interrupt: disarm the SBI timer (so the still-pending STIP
 *     cannot storm), then core_timer_irq(0), which may arm it again;
 *   - the supervisor external interrupt: the PLIC (plic.c, the UART's receive);
 *   - the one probe ebreak of hal_trap_init, recognised by its address: skip it;
 *   - anything else is a kernel bug: core_kernel_fault() names it and halts (a fiber
 *     whose stack ran into its guard page is named by the core; a page fault on a page
 *     of the current user space is named as a kernel access to user memory).
 *
 * Traps from U-mode arrive on the user thread's kernel stack, below its frame (struct
 * hal_uframe, saved by entry.S), interrupts off: a timer or external interrupt is handled
 * with them off (hal.h: core_timer_irq(1), core_console_rx), then they are enabled and
 * the core is called: ecall is the doorbell (the pc moves past it), every exception a
 * fault cause; then core_user_return and back through the frame (user_leave). Exception
 * to fault cause, Privileged Architecture v1.12 table 4.2: instruction/load/store page or
 * access faults -> EXEC/READ/WRITE with stval, illegal instruction -> ILLEGAL, ebreak ->
 * BREAKPOINT, address-misaligned -> MISALIGNED (OpenSBI emulates misaligned loads and
 * stores; misaligned atomics reach us). The stack rule is the hosted HAL's: a load or
 * store fault at an address the space does not map, within [sp - 4 KiB, sp + 64 KiB) of
 * the user's sp, is RUMPK_FAULT_STACK.
 * No logging here (CONVENTIONS.md rule 11); the fault path prints through the core.
 */
#include <stddef.h>

#include "hal.h"

struct trap_frame {
	uint64_t x[32]; /* x[0] unused; x[2] is the sp the trap interrupted */
	uint64_t sepc;
	uint64_t sstatus;
	uint64_t scause;
	uint64_t stval;
};
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "trap frame size (hal_arch.h)");
_Static_assert(offsetof(struct trap_frame, x[31]) == TF_X(31), "trap_frame.x");
_Static_assert(offsetof(struct trap_frame, sepc) == TF_SEPC, "trap_frame.sepc");
_Static_assert(offsetof(struct trap_frame, sstatus) == TF_SSTATUS, "trap_frame.sstatus");
_Static_assert(offsetof(struct trap_frame, scause) == TF_SCAUSE, "trap_frame.scause");
_Static_assert(offsetof(struct trap_frame, stval) == TF_STVAL, "trap_frame.stval");

void hal_riscv64_trap(struct trap_frame *tf);

/* Exception names, RISC-V Privileged Architecture v1.12, table 4.2 (scause values). */
static const char *const exception_names[] = {
	[0] = "instruction address misaligned",
	[1] = "instruction access fault",
	[2] = "illegal instruction",
	[3] = "breakpoint",
	[4] = "load address misaligned",
	[5] = "load access fault",
	[6] = "store/AMO address misaligned",
	[7] = "store/AMO access fault",
	[8] = "environment call from U-mode",
	[9] = "environment call from S-mode",
	[12] = "instruction page fault",
	[13] = "load page fault",
	[15] = "store/AMO page fault",
};

/* Interrupt names, same table (scause with the interrupt bit set). */
static const char *const interrupt_names[] = {
	[1] = "supervisor software interrupt",
	[5] = "supervisor timer interrupt",
	[9] = "supervisor external interrupt",
};

#define KERNEL_USER_ACCESS \
	"kernel access to user memory outside the copy routines (sstatus.SUM clear)"

extern const char hal_riscv64_probe_insn[]; /* the ebreak in hal_trap_init */
static volatile int probe_hits;

static const char *cause_name(uint64_t scause)
{
	uint64_t code = scause & ~SCAUSE_INTERRUPT;
	const char *name = 0;

	if (scause & SCAUSE_INTERRUPT) {
		if (code < sizeof(interrupt_names) / sizeof(interrupt_names[0]))
			name = interrupt_names[code];
		return name ? name : "unexpected interrupt";
	}
	if (code < sizeof(exception_names) / sizeof(exception_names[0]))
		name = exception_names[code];
	return name ? name : "unknown exception";
}

/* Length of the instruction at pc: 16-bit compressed unless the low two bits are 0b11
 * (ISA manual v20191213, section 1.5). Reading one halfword is safe: pc is 2-aligned. */
static uint64_t insn_length(uint64_t pc)
{
	uint16_t low = *(const volatile uint16_t *)(uintptr_t)pc;
	return (low & 3) == 3 ? 4 : 2;
}

void hal_riscv64_trap(struct trap_frame *tf)
{
	uint64_t cause = tf->scause;

	if (cause == (SCAUSE_INTERRUPT | IRQ_S_TIMER)) {
		hal_riscv64_sbi_set_timer(UINT64_MAX);
		core_timer_irq(0);
		return;
	}
	if (cause == (SCAUSE_INTERRUPT | IRQ_S_EXTERNAL)) {
		hal_riscv64_external_irq();
		return;
	}
	if (cause == EXC_BREAKPOINT && tf->sepc == (uint64_t)(uintptr_t)hal_riscv64_probe_insn) {
		probe_hits++;
		tf->sepc += insn_length(tf->sepc);
		return;
	}
	if ((cause == 12 || cause == 13 || cause == 15) &&
	    hal_riscv64_current_user_mapped(tf->stval))
		core_kernel_fault(cause == 12   ? "instruction page fault: kernel jump into user memory"
				  : cause == 13 ? "load page fault: " KERNEL_USER_ACCESS
						: "store/AMO page fault: " KERNEL_USER_ACCESS,
				  tf->sepc, tf->stval);
	core_kernel_fault(cause_name(cause), tf->sepc, tf->stval);
}

/* Direct mode: the vector is 4-byte aligned, so the MODE bits (1:0) are 0. */
void hal_riscv64_trap_install(void)
{
	csr_write(stvec, (uint64_t)(uintptr_t)hal_riscv64_trap_vector);
}

int hal_trap_init(void)
{
	hal_riscv64_trap_install();
	csr_set(sie, SIE_STIE); /* sstatus.SIE stays clear: the core enables when it waits */
	if (hal_riscv64_plic_init() == 0)
		csr_set(sie, SIE_SEIE);

	probe_hits = 0;
	__asm__ volatile(".globl hal_riscv64_probe_insn\n"
			 "hal_riscv64_probe_insn:\n\t"
			 "ebreak" ::: "memory");
	return probe_hits == 1 ? 0 : -RUMPK_EFAULT;
}

/* ---- user mode ------------------------------------------------------------------------- */

struct hal_uframe {
	uint64_t x[32]; /* x[0]: the user pc; x[1..31] the registers */
	uint64_t cause, tval;
	struct hal_as *as;
	uint64_t pad[5];
};
_Static_assert(sizeof(struct hal_uframe) == UF_SIZE, "uframe size (hal_arch.h)");
_Static_assert(UF_SIZE % 64 == 0, "hal.h: a multiple of 64");
_Static_assert(offsetof(struct hal_uframe, x[31]) == UF_X(31), "uframe.x");
_Static_assert(offsetof(struct hal_uframe, cause) == UF_CAUSE, "uframe.cause");
_Static_assert(offsetof(struct hal_uframe, tval) == UF_TVAL, "uframe.tval");
_Static_assert(offsetof(struct hal_uframe, as) == UF_AS, "uframe.as");

#define REG_SP 2

size_t hal_uframe_size(void)
{
	return sizeof(struct hal_uframe);
}

void hal_uframe_init(struct hal_uframe *f, uint64_t pc, uint64_t sp)
{
	__builtin_memset(f, 0, sizeof(*f));
	f->x[UF_PC / 8] = pc;
	f->x[REG_SP] = sp;
}

uint64_t hal_uframe_pc(const struct hal_uframe *f)
{
	return f->x[UF_PC / 8];
}

uint64_t hal_uframe_sp(const struct hal_uframe *f)
{
	return f->x[REG_SP];
}

uint64_t hal_user_doorbell(void)
{
	return 0; /* ecall */
}

static void __attribute__((noreturn)) user_leave(struct hal_uframe *f)
{
	hal_irq_save(); /* off until sret; hal_riscv64_user_resume keeps them off */
	hal_as_switch(f->as);
	hal_riscv64_user_resume(f);
}

void hal_user_enter(struct hal_as *as, struct hal_uframe *f)
{
	f->as = as;
	user_leave(f);
}

/* The fault cause and access of a U-mode exception (RUMPK_FAULT_* and HAL_PROT_*). */
static uint32_t user_cause(const struct hal_uframe *f, uint32_t *access, uint64_t *addr)
{
	uint64_t sp = f->x[REG_SP], a = f->tval;
	uint32_t cause;

	*addr = a;
	switch (f->cause) {
	case 0: /* instruction address misaligned */
		*access = HAL_PROT_X;
		return RUMPK_FAULT_MISALIGNED;
	case 4: /* load address misaligned */
		*access = HAL_PROT_R;
		return RUMPK_FAULT_MISALIGNED;
	case 6: /* store/AMO address misaligned */
		*access = HAL_PROT_W;
		return RUMPK_FAULT_MISALIGNED;
	case 1: /* instruction access fault */
	case 12: /* instruction page fault */
		*access = HAL_PROT_X;
		return RUMPK_FAULT_EXEC;
	case 5: /* load access fault */
	case 13: /* load page fault */
		*access = HAL_PROT_R;
		cause = RUMPK_FAULT_READ;
		break;
	case 7: /* store/AMO access fault */
	case 15: /* store/AMO page fault */
		*access = HAL_PROT_W;
		cause = RUMPK_FAULT_WRITE;
		break;
	case EXC_BREAKPOINT:
		*access = 0;
		*addr = 0;
		return RUMPK_FAULT_BREAKPOINT;
	default: /* illegal instruction (stval: its bits, not an address), anything else */
		*access = 0;
		*addr = 0;
		return RUMPK_FAULT_ILLEGAL;
	}
	if (!hal_riscv64_user_mapped(f->as, a) && a + 4096 >= sp && a < sp + 65536)
		return RUMPK_FAULT_STACK;
	return cause;
}

void hal_riscv64_user_trap(struct hal_uframe *f)
{
	int action = HAL_USER_RESUME;
	uint64_t cause = f->cause;

	if (cause == (SCAUSE_INTERRUPT | IRQ_S_TIMER)) {
		hal_riscv64_sbi_set_timer(UINT64_MAX);
		core_timer_irq(1);
		hal_irq_enable();
	} else if (cause == (SCAUSE_INTERRUPT | IRQ_S_EXTERNAL)) {
		/* input while user code ran: taken here, so what it decides (Ctrl-C killing
		 * this very thread) acts at this boundary */
		hal_riscv64_external_irq();
		hal_irq_enable();
	} else if (cause & SCAUSE_INTERRUPT) {
		hal_irq_enable(); /* not enabled in sie: nothing to do */
	} else if (cause == EXC_ECALL_U) {
		f->x[UF_PC / 8] += 4; /* ecall has no compressed form */
		hal_irq_enable();
		core_user_doorbell(f);
	} else {
		uint32_t access;
		uint64_t addr;
		uint32_t c = user_cause(f, &access, &addr);
		hal_irq_enable();
		action = core_user_fault(f, c, addr, f->x[UF_PC / 8], access);
	}
	core_user_return(f, action);
	user_leave(f);
}
