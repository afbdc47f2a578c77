/*
 * hal_ctx.c — the hosted HAL's execution contexts and stack guard pages (a "top" file:
 * kernel types only; mprotect is host_page_protect() in host_cpu.c).
 *
 * hal_ctx_init builds, at the top of a new stack, the frame switch.S would have saved, so
 * the first switch to it "returns" into hal_hosted_ctx_start, which calls entry(arg). In
 * ordinary builds hal_ctx_switch is switch.S itself; nothing here is on the switch path.
 * The MXCSR and x87 control words are not part of a context (switch.S says why): a new
 * context runs with the kernel's, inherited from the context that first switches to it.
 *
 * AddressSanitizer builds: ASan tracks which stack the thread runs on (to unpoison it on
 * noreturn calls and to describe stack addresses), so every switch is bracketed by
 * __sanitizer_start_switch_fiber (before, with the target's stack bounds) and
 * __sanitizer_finish_switch_fiber (after, on the new stack, with the fake-stack pointer
 * saved before). finish also reports the bounds of the stack just left: for the boot
 * context, whose zero-filled hal_ctx knows no bounds, that is how they are learned — by
 * whichever context it first switched to — before anyone can switch back to it. Contract
 * of compiler-rt's include/sanitizer/common_interface_defs.h (the prototypes are declared
 * here: this file sees no host header). The same C wrapper checks switch.S's rule that no
 * context switches with FP control words other than the kernel's (a kpanic naming both),
 * since the switch no longer carries them per context; ordinary builds do not pay for it.
 *
 * This file, switch.S and host_cpu.c form the library rumpk_hal_hosted_cpu, which the unit
 * tests' fake HAL links as well: the tests run this very code.
 */
#include "hal.h"
#include "host.h"
#include "hosted_priv.h"
#include "kprintf.h" /* kpanic */
#include "mem.h"     /* PAGE_SIZE */

/* Virtual mode's charge point at every switch (hosted_priv.h; hal.c sets it). */
void (*volatile hosted_switch_hook)(void);

/* Keeps struct hal_switch_frame in the debug info for scripts/gdb/rumpk.py. */
const struct hal_switch_frame *hal_switch_frame_for_debuggers __attribute__((used));

_Static_assert(offsetof(struct hal_ctx, sp) == HAL_CTX_SP, "hal_ctx.sp (hal_arch.h)");
/* a call leaves rsp = 8 mod 16; the 7 words pushed, rip included, make it 0 mod 16 again */
_Static_assert(CTX_FRAME_SIZE % 16 == 8, "the saved frame plus the call keep rsp aligned");

#ifdef HAL_HOSTED_ASAN
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom, size_t size);
void __sanitizer_finish_switch_fiber(void *fake_stack_save, const void **bottom_old,
				     size_t *size_old);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);

/* The kernel's FP control words, psABI section 3.4.1: all exceptions masked, round to
 * nearest, no flush-to-zero; x87 in extended precision. */
#define MXCSR_KERNEL 0x1f80u
#define MXCSR_STATUS 0x3fu /* exception flags: caller-saved, any value */
#define X87_CW_KERNEL 0x037fu

/* switch.S's rule: a context switches only with the kernel's control words, because the
 * switch does not carry them per context. */
static void check_fp_control(void)
{
	uint32_t mxcsr;
	uint16_t cw;

	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	__asm__ volatile("fnstcw %0" : "=m"(cw));
	if ((mxcsr & ~MXCSR_STATUS) != MXCSR_KERNEL || cw != X87_CW_KERNEL)
		kpanic("hal_ctx_switch: FP control words MXCSR %#x, x87 %#x are not the kernel's "
		       "(%#x, %#x): code that changes them must restore them before it blocks",
		       mxcsr, cw, MXCSR_KERNEL, X87_CW_KERNEL);
}

/* After a switch, on the new stack: completes ASan's view and records the bounds of the
 * stack left behind if its context did not know them (the boot context). */
static void finish_switch(void *fake_stack, struct hal_ctx *prev)
{
	const void *bottom;
	size_t size;

	__sanitizer_finish_switch_fiber(fake_stack, &bottom, &size);
	if (prev->stack_size == 0) {
		prev->stack_bottom = bottom;
		prev->stack_size = size;
	}
}

void hal_ctx_switch(struct hal_ctx *from, struct hal_ctx *to)
{
	void *fake_stack = NULL; /* this context's fake stack, kept here while it sleeps */

	if (hosted_switch_hook) /* switch.S makes this call itself in ordinary builds */
		hosted_switch_hook();
	check_fp_control();
	__sanitizer_start_switch_fiber(&fake_stack, to->stack_bottom, to->stack_size);
	struct hal_ctx *prev = hal_hosted_ctx_swap(from, to);
	finish_switch(fake_stack, prev);
}

void hal_hosted_ctx_begin(struct hal_ctx *prev)
{
	finish_switch(NULL, prev);
}

void hal_ctx_exit(struct hal_ctx *from, struct hal_ctx *to)
{
	/* NULL: this context never comes back, so ASan frees its fake stack now */
	if (hosted_switch_hook)
		hosted_switch_hook();
	check_fp_control();
	__sanitizer_start_switch_fiber(NULL, to->stack_bottom, to->stack_size);
	hal_hosted_ctx_swap(from, to);
	__builtin_trap(); /* a dead context was resumed */
}

void hal_ctx_release(struct hal_ctx *ctx)
{
	if (ctx->stack_size)
		__asan_unpoison_memory_region(ctx->stack_bottom, ctx->stack_size);
}
#else
void hal_ctx_exit(struct hal_ctx *from, struct hal_ctx *to)
{
	hal_ctx_switch(from, to);
	__builtin_trap(); /* a dead context was resumed: SIGILL, a kernel fault */
}

void hal_ctx_release(struct hal_ctx *ctx)
{
	(void)ctx;
}
#endif

void hal_ctx_init(struct hal_ctx *ctx, void *stack_base, size_t stack_size,
		  void (*entry)(void *arg), void *arg)
{
	uintptr_t top = ((uintptr_t)stack_base + stack_size) & ~(uintptr_t)15;
	/* 16 spare bytes above the frame: the trampoline's rsp stays 16-byte aligned, and
	 * they read as a zero return address / frame pointer to a frame-pointer walker */
	uint64_t *frame = (uint64_t *)(top - 16 - CTX_FRAME_SIZE);

#ifdef HAL_HOSTED_ASAN
	/* the memory may have been a stack before: forget its old frames' redzones */
	__asan_unpoison_memory_region(stack_base, stack_size);
#endif
	frame[CTX_F_R15 / 8] = 0;
	frame[CTX_F_R14 / 8] = 0;
	frame[CTX_F_R13 / 8] = 0;
	frame[CTX_F_R12 / 8] = (uint64_t)(uintptr_t)arg;
	frame[CTX_F_RBX / 8] = (uint64_t)(uintptr_t)entry;
	frame[CTX_F_RBP / 8] = 0;
	frame[CTX_F_RIP / 8] = (uint64_t)(uintptr_t)hal_hosted_ctx_start;
	frame[CTX_FRAME_SIZE / 8] = 0;
	frame[CTX_FRAME_SIZE / 8 + 1] = 0;
	ctx->sp = frame;
	ctx->stack_bottom = stack_base;
	ctx->stack_size = stack_size;
}

/* The guest RAM is an mmap'd memfd (host_ram_alloc), so any of its
 * pages can be made inaccessible; a touch then raises SIGSEGV, which host_cpu.c turns into
 * core_kernel_fault() on its alternate signal stack (the overflowing stack is unusable). */
int hal_stack_guard(void *page, int on)
{
	return host_page_protect(page, PAGE_SIZE, !on) == 0 ? 0 : -RUMPK_EFAULT;
}
