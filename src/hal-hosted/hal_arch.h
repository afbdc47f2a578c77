/*
 * hal_arch.h (hosted, x86_64) — inline helpers the core may use on hot paths, the
 * execution context the core embeds in each fiber, and below them the hosted HAL's own
 * context-frame vocabulary.
 *
 * The core reaches this file through hal.h but must use only the first section (and treat
 * struct hal_ctx as opaque); everything under "HAL-internal" is for src/hal-hosted/ alone.
 * switch.S includes this file through the C preprocessor, so the frame offsets are plain
 * numbers shared by switch.S and hal_ctx.c (which asserts them).
 */
#ifndef RUMPK_HAL_ARCH_H
#define RUMPK_HAL_ARCH_H

#define HAL_CACHE_LINE 64
#define HAL_ELF_MACHINE 62 /* EM_X86_64: the e_machine of programs this HAL runs */

#ifndef __ASSEMBLER__
#include <stddef.h>

/* hal_cpu_relax — inside a short spin (never as a way to wait for an event). */
static inline void hal_cpu_relax(void)
{
	__builtin_ia32_pause();
}

/*
 * struct hal_ctx — a suspended execution context. Only `sp` is used by the switch itself:
 * the callee-saved registers live in a frame on the context's own stack at sp. The stack
 * bounds exist for AddressSanitizer's fiber annotations (hal_ctx.c); they are always
 * present so the struct has one layout in every build. All zero is a valid `from`: the
 * boot stack's bounds are learned on its first switch away (ASan builds only).
 */
struct hal_ctx {
	void *sp;                 /* saved stack pointer; the frame below is at sp */
	const void *stack_bottom; /* lowest address of the stack, NULL while unknown */
	size_t stack_size;        /* its size in bytes, 0 while unknown */
};
#endif

/* ---- HAL-internal ----------------------------------------------------------------------- */

/* AddressSanitizer builds (preset hosted-asan) wrap the switch with its fiber calls. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAL_HOSTED_ASAN 1
#endif
#endif

/* struct hal_ctx offsets for switch.S. */
#define HAL_CTX_SP 0

/* The frame hal_ctx_switch leaves at ctx->sp (and hal_ctx_init builds for a new context),
 * lowest address first. No FP control words: they are kernel-wide (switch.S). */
#define CTX_F_R15 0
#define CTX_F_R14 8
#define CTX_F_R13 16
#define CTX_F_R12 24
#define CTX_F_RBX 32
#define CTX_F_RBP 40
#define CTX_F_RIP 48 /* where the switch resumes: the caller's return address */
#define CTX_FRAME_SIZE 56

#ifndef __ASSEMBLER__
/* switch.S: the first "return address" of a new context; calls entry(arg). */
void hal_hosted_ctx_start(void);
#ifdef HAL_HOSTED_ASAN
/* switch.S: the bare switch, which ASan builds wrap in C; returns, in the resumed
 * context, the `from` of the switch that resumed it. */
struct hal_ctx *hal_hosted_ctx_swap(struct hal_ctx *from, struct hal_ctx *to);
/* hal_ctx.c: a new context's first instructions on its own stack (ASan bookkeeping). */
void hal_hosted_ctx_begin(struct hal_ctx *prev);
#endif
#endif

#endif /* RUMPK_HAL_ARCH_H */
