/*
 * hal_user.c — user mode on the hosted HAL (a "top" file: kernel types only), with user.S
 * (the register-level entries) and host_cpu.c (the signal handlers that redirect user
 * traps). hal.h's "user mode" section is the contract; hosted_priv.h has the frame.
 *
 * A user thread's frame sits at the top of its fiber's stack; below it, the kernel stack
 * its traps run on. The three ways in all end in this file on that kernel stack:
 *   timer  SIGALRM with user code interrupted -> hosted_user_trap: core_timer_irq(1)
 *   fault  SIGSEGV/SIGBUS/SIGILL/SIGFPE/SIGTRAP in user code -> hosted_user_trap:
 *          core_user_fault(cause, addr, pc, access)
 *   bell   the program calls the auxv doorbell -> hosted_user_doorbell_trap:
 *          core_user_doorbell
 * then core_user_return (need-resched, pending kill), then user_leave, the one way out.
 *
 * The stack rule (RUMPK_FAULT_STACK): a load or store fault at an address that no range of
 * the space maps and that lies within [rsp - 4 KiB, rsp + 64 KiB) of the interrupted
 * user rsp is a stack overflow (with -mno-red-zone a program touches nothing far below
 * its rsp; a push or call faults at rsp - 8, a big frame at up to its size above the new
 * rsp). The way out also reports RUMPK_FAULT_STACK when the 16 bytes it must write below
 * the user's rsp are not writable user memory.
 */
#include "hal.h"
#include "hosted_as.h"
#include "hosted_priv.h"

_Static_assert(__builtin_offsetof(struct hal_uframe, rip) == UF_RIP, "uframe.rip");
_Static_assert(__builtin_offsetof(struct hal_uframe, rflags) == UF_RFLAGS, "uframe.rflags");
_Static_assert(__builtin_offsetof(struct hal_uframe, kind) == UF_KIND, "uframe.kind");
_Static_assert(__builtin_offsetof(struct hal_uframe, mxcsr) == UF_MXCSR, "uframe.mxcsr");
_Static_assert(__builtin_offsetof(struct hal_uframe, fcw) == UF_FCW, "uframe.fcw");
_Static_assert(__builtin_offsetof(struct hal_uframe, trap) == UF_TRAP, "uframe.trap");
_Static_assert(__builtin_offsetof(struct hal_uframe, cause) == UF_CAUSE, "uframe.cause");
_Static_assert(__builtin_offsetof(struct hal_uframe, access) == UF_ACCESS, "uframe.access");
_Static_assert(__builtin_offsetof(struct hal_uframe, addr) == UF_ADDR, "uframe.addr");
_Static_assert(__builtin_offsetof(struct hal_uframe, as) == UF_AS, "uframe.as");
_Static_assert(__builtin_offsetof(struct hal_uframe, tmp) == UF_TMP, "uframe.tmp");
_Static_assert(__builtin_offsetof(struct hal_uframe, xsave) == UF_XSAVE, "uframe.xsave");
_Static_assert(UF_XSAVE % 64 == 0, "XSAVE needs 64-byte alignment");

volatile uint8_t hosted_in_user;
void (*volatile hosted_bell_hook)(struct hal_uframe *f);
struct hal_uframe *volatile hosted_cur_frame;
uint32_t hosted_xsave_mode, hosted_xsave_mask_lo, hosted_xsave_mask_hi, hosted_avx;
static uint32_t xsave_size; /* 0 until probed */

/* x87 | SSE | AVX | AVX-512 (opmask, ZMM_Hi256, Hi16_ZMM): the state a program can touch
 * with ordinary instructions. Not AMX tiles (8 KiB, and Linux enables them per process on
 * request) nor supervisor or MPX state. Intel SDM vol. 1, 13.1 "XSAVE-supported features". */
#define XFEATURES_USER 0xe7u

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

/* Decides XSAVE or FXSAVE and the area's size, once (CPUID leaf 1 ECX.OSXSAVE[27]; XCR0
 * by xgetbv; each component's offset and size from leaf 0xD sub-leaf i: SDM vol. 1, 13.2). */
static void probe_xsave(void)
{
	uint32_t r[4];

	if (xsave_size)
		return;
	cpuid(1, 0, r);
	if (!(r[2] & (1u << 27))) {
		hosted_xsave_mode = 0;
		xsave_size = 512; /* FXSAVE: x87 + SSE */
		return;
	}
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	uint32_t mask = lo & XFEATURES_USER;
	uint32_t size = 512 + 64; /* legacy area + XSAVE header */
	for (unsigned i = 2; i < 8; i++) {
		if (!(mask & (1u << i)))
			continue;
		cpuid(0xd, i, r);
		if (r[1] + r[0] > size)
			size = r[1] + r[0]; /* ebx = offset, eax = size (standard format) */
	}
	hosted_xsave_mask_lo = mask;
	hosted_xsave_mask_hi = 0;
	hosted_avx = (mask & 4u) != 0;
	hosted_xsave_mode = 1;
	xsave_size = size;
}

size_t hal_uframe_size(void)
{
	probe_xsave();
	return (UF_XSAVE + xsave_size + 63) & ~(size_t)63;
}

void hal_uframe_init(struct hal_uframe *f, uint64_t pc, uint64_t sp)
{
	size_t n = hal_uframe_size();

	__builtin_memset(f, 0, n);
	f->rip = pc;
	f->gpr[UF_RSP / 8] = sp;
	f->rflags = 0x202; /* IF (reads as set in user mode) and the always-one bit 1 */
	f->kind = UF_KIND_FULL;
	/* The legacy area's FCW (offset 0) and MXCSR (offset 24), SDM vol. 1, 10.5.1; with
	 * XSTATE_BV = 0 in the header, XRSTOR puts every component in its initial state
	 * (x87 CW 0x037f, vector registers zero) but loads MXCSR from here. */
	f->xsave[0] = 0x7f;
	f->xsave[1] = 0x03;
	f->xsave[24] = 0x80;
	f->xsave[25] = 0x1f;
}

uint64_t hal_uframe_pc(const struct hal_uframe *f)
{
	return f->rip;
}

uint64_t hal_uframe_sp(const struct hal_uframe *f)
{
	return f->gpr[UF_RSP / 8];
}

uint64_t hal_user_doorbell(void)
{
	return (uint64_t)(uintptr_t)hosted_user_doorbell_entry;
}

/* The one way out: the 16 bytes below the user's rsp must be writable user memory (else
 * a stack fault, and a thread that is not killed for it is killed anyway: it cannot go
 * back); then the space becomes current and user.S restores f. Fiber context. */
static void __attribute__((noreturn)) user_leave(struct hal_uframe *f)
{
	for (int tries = 0;; tries++) {
		uint64_t sp = f->gpr[UF_RSP / 8];
		if (sp >= 16 && hosted_as_covered(f->as, sp - 16, 16, HAL_PROT_W))
			break;
		if (tries)
			core_user_return(f, HAL_USER_KILL);
		core_user_return(f, core_user_fault(f, RUMPK_FAULT_STACK, sp - 16, f->rip,
						    HAL_PROT_W));
	}
	hal_irq_state_t s = hal_irq_save();
	hal_as_switch(f->as);
	hosted_cur_frame = f;
	hal_irq_restore(s);
	hosted_user_resume(f);
}

void hal_user_enter(struct hal_as *as, struct hal_uframe *f)
{
	f->as = as;
	user_leave(f);
}

/* RUMPK_FAULT_STACK by the rule at the top of this file. */
static uint32_t refine_cause(const struct hal_uframe *f)
{
	uint64_t start, end, rsp = f->gpr[UF_RSP / 8], a = f->addr;
	unsigned prot;

	if (f->cause != RUMPK_FAULT_READ && f->cause != RUMPK_FAULT_WRITE)
		return f->cause;
	if (hosted_as_lookup(f->as, a, &start, &end, &prot) == 0)
		return f->cause; /* mapped: a permission fault, not an overflow */
	if (a + 4096 >= rsp && a < rsp + 65536)
		return RUMPK_FAULT_STACK;
	return f->cause;
}

void hosted_user_trap(struct hal_uframe *f)
{
	int action = HAL_USER_RESUME;

	if (f->trap == UF_TRAP_TIMER) {
		hal_irq_state_t s = hal_irq_save();
		core_timer_irq(1);
		hal_irq_restore(s);
	} else if (f->trap == UF_TRAP_CONSOLE) {
		/* input arrived while user code ran: take it here, so that what it decides (a
		 * reader woken, Ctrl-C killing this very thread) acts at this boundary */
		hal_irq_state_t s = hal_irq_save();
		core_console_rx();
		hal_irq_restore(s);
	} else {
		uint64_t pc = f->rip;
		if (f->cause == RUMPK_FAULT_BREAKPOINT)
			pc -= 1; /* int3 is a trap: rip is past the one-byte instruction */
		action = core_user_fault(f, refine_cause(f), f->addr, pc, f->access);
	}
	core_user_return(f, action);
	user_leave(f);
}

void hosted_user_doorbell_trap(struct hal_uframe *f)
{
	if (hosted_bell_hook)
		hosted_bell_hook(f); /* virtual mode: a charge point (hal.c) */
	core_user_doorbell(f);
	core_user_return(f, HAL_USER_RESUME);
	user_leave(f);
}
