/*
 * hal_arch.h (hosted, x86_64) — inline helpers the core may use on hot paths and the
 * execution context the core embeds in each fiber: the public half of the HAL's arch
 * header.
 *
 * The core reaches this file through hal.h and treats struct hal_ctx as opaque. What only
 * src/hal-hosted/ may see (frame offsets for the assembly, the user trap frame, the ASan
 * conditionals) is in hosted_priv.h, which the core never includes.
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

#endif /* RUMPK_HAL_ARCH_H */
