/*
 * trap.c (riscv64) — what happens after entry.S has saved a trap frame.
 *
 * Every trap is taken in S-mode from S-mode for now (no user code yet), on the stack that
 * was current, with sstatus.SIE cleared by the hardware. Three cases:
 *   - the supervisor timer interrupt: disarm the SBI timer (so the still-pending STIP
 *     cannot storm), then core_timer_irq(), which may arm it again;
 *   - the one probe ebreak of hal_trap_init, recognised by its address: skip it;
 *   - anything else is a kernel bug: core_kernel_fault() names it and halts.
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
	if (cause == EXC_BREAKPOINT && tf->sepc == (uint64_t)(uintptr_t)hal_riscv64_probe_insn) {
		probe_hits++;
		tf->sepc += insn_length(tf->sepc);
		return;
	}
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

	probe_hits = 0;
	__asm__ volatile(".globl hal_riscv64_probe_insn\n"
			 "hal_riscv64_probe_insn:\n\t"
			 "ebreak" ::: "memory");
	return probe_hits == 1 ? 0 : -RUMPK_EFAULT;
}
