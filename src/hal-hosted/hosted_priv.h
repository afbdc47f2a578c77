/*
 * hosted_priv.h — the hosted HAL's private vocabulary: what src/hal-hosted/ (and the unit
 * tests that link its code) may see and the core may not. hal_arch.h is the public half.
 *
 * Plain numbers for the assembly (switch.S, user.S) come first; C declarations follow,
 * using stdint types only, so the bottom (host_cpu.c) can include this file as well.
 */
#ifndef RUMPK_HOSTED_PRIV_H
#define RUMPK_HOSTED_PRIV_H

#include "hal_arch.h"

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
#include <stdint.h>
/* The same frame as a type, for debuggers (scripts/gdb/rumpk.py unwinds a suspended fiber
 * from it): fields named after gdb's registers, `pc` the resume address. */
struct hal_switch_frame {
	uint64_t r15, r14, r13, r12, rbx, rbp, pc;
};
_Static_assert(sizeof(struct hal_switch_frame) == CTX_FRAME_SIZE, "switch frame size");
_Static_assert(__builtin_offsetof(struct hal_switch_frame, pc) == CTX_F_RIP, "switch frame pc");
#endif

/*
 * struct hal_uframe — a user thread's trap frame (user.S, hal_user.c, host_cpu.c), at the
 * top of its fiber's stack, 64-byte aligned. Byte offsets:
 *   0..127   the 16 general registers in this order: rax rbx rcx rdx rsi rdi rbp rsp
 *            r8 .. r15 (UF_GPR(n) = n * 8)
 *   128 rip, 136 rflags
 *   144 kind: how the state was saved: UF_KIND_FULL (a trap: every register and the
 *       XSAVE area) or UF_KIND_CALL (the doorbell, a C call: only what a callee keeps;
 *       the FP control words at 148/152, the XSAVE area is stale)
 *   148 mxcsr, 152 x87 control word (UF_KIND_CALL only)
 *   156 trap: what brought the thread in (UF_TRAP_*), 160 cause (RUMPK_FAULT_*),
 *   164 access (HAL_PROT_* bit), 168 addr: filled by the signal handler
 *   176 the space (struct hal_as *) user code runs in
 *   184 scratch of the way out (the user rsp - 16 it returns through)
 *   192 the XSAVE (or FXSAVE) area, 64-byte aligned, hosted_xsave_size bytes
 */
#define UF_GPR(n) ((n) * 8)
#define UF_RAX 0
#define UF_RBX 8
#define UF_RCX 16
#define UF_RDX 24
#define UF_RSI 32
#define UF_RDI 40
#define UF_RBP 48
#define UF_RSP 56
#define UF_R8 64
#define UF_R9 72
#define UF_R10 80
#define UF_R11 88
#define UF_R12 96
#define UF_R13 104
#define UF_R14 112
#define UF_R15 120
#define UF_RIP 128
#define UF_RFLAGS 136
#define UF_KIND 144
#define UF_MXCSR 148
#define UF_FCW 152
#define UF_TRAP 156
#define UF_CAUSE 160
#define UF_ACCESS 164
#define UF_ADDR 168
#define UF_AS 176
#define UF_TMP 184
#define UF_XSAVE 192

#define UF_KIND_FULL 0
#define UF_KIND_CALL 1
#define UF_TRAP_TIMER 1
#define UF_TRAP_FAULT 2
#define UF_TRAP_CONSOLE 3 /* SIGIO in user code: console input, taken in the kernel */

/* rflags bits the way back into user code and the trap entry clear: TF (a single-step
 * trap nobody handles), DF (the psABI wants it clear at calls), AC (alignment checks
 * would fault kernel code). */
#define UF_RFLAGS_CLEAR 0x40500

#ifndef __ASSEMBLER__
#include <stdint.h>

struct hal_ctx;
struct hal_as;

struct hal_uframe {
	uint64_t gpr[16];
	uint64_t rip, rflags;
	uint32_t kind, mxcsr, fcw, trap, cause, access;
	uint64_t addr;
	struct hal_as *as;
	uint64_t tmp;
	uint8_t xsave[] __attribute__((aligned(64)));
};

/* switch.S: the first "return address" of a new context; calls entry(arg). */
void hal_hosted_ctx_start(void);
#ifdef HAL_HOSTED_ASAN
/* switch.S: the bare switch, which ASan builds wrap in C; returns, in the resumed
 * context, the `from` of the switch that resumed it. */
struct hal_ctx *hal_hosted_ctx_swap(struct hal_ctx *from, struct hal_ctx *to);
/* hal_ctx.c: a new context's first instructions on its own stack (ASan bookkeeping). */
void hal_hosted_ctx_begin(struct hal_ctx *prev);
#endif

/* Virtual mode's charge points (hal.c sets them; NULL: the real clock, nothing to do).
 * hosted_switch_hook: called at the start of every hal_ctx_switch/hal_ctx_exit (switch.S
 * tests it with one compare), interrupts disabled. hosted_bell_hook: every doorbell, on
 * the thread's kernel stack before core_user_doorbell; f holds the caller's rdi and rsi. */
extern void (*volatile hosted_switch_hook)(void);
extern void (*volatile hosted_bell_hook)(struct hal_uframe *f);

/* ---- user mode (user.S, hal_user.c; the signal handlers in host_cpu.c read them) ---- */

/* 1 while user code runs (set on the way out, cleared by the trap and doorbell entries):
 * a signal is the user's when this is set and rip is not inside the way out's final
 * instructions [hosted_user_exit_begin, hosted_user_exit_end). */
extern volatile uint8_t hosted_in_user;
/* The frame of the thread whose user code runs (or last ran). */
extern struct hal_uframe *volatile hosted_cur_frame;
extern const char hosted_user_exit_begin[], hosted_user_exit_end[];
/* Where a signal handler redirects a user trap: rsp = rdi = the frame, the user's FP
 * state live. Saves it, loads the kernel's, calls hosted_user_trap(f). */
void hosted_user_trap_entry(void);
/* The doorbell programs call (hal_user_doorbell()). */
void hosted_user_doorbell_entry(void);
/* Restores f and jumps to user code (user.S). rsp - 16 .. rsp of the user must be
 * writable user memory: hal_user.c checks before it calls. */
void hosted_user_resume(struct hal_uframe *f) __attribute__((noreturn));
/* XSAVE parameters (hal_user.c, from CPUID): 1 = XSAVE/XRSTOR, 0 = FXSAVE/FXRSTOR; the
 * feature mask (edx:eax); 1 if AVX state exists (vzeroupper on kernel entry). */
extern uint32_t hosted_xsave_mode, hosted_xsave_mask_lo, hosted_xsave_mask_hi;
extern uint32_t hosted_avx;
/* hal_user.c: the C halves of the trap and doorbell entries; never return. */
void hosted_user_trap(struct hal_uframe *f) __attribute__((noreturn));
void hosted_user_doorbell_trap(struct hal_uframe *f) __attribute__((noreturn));
#endif

#endif /* RUMPK_HOSTED_PRIV_H */
