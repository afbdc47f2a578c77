/*
 * hal.h — the only door from the portable core to a machine.
 *
 * Each HAL (src/hal-<name>/) implements every hal_* function below exactly once; the core
 * implements the core_* callbacks. A new port is a new directory and changes nothing in the
 * core. Per-arch inline helpers (barriers, cpu_relax) come from the HAL's own hal_arch.h,
 * which the include path selects: the core never asks which machine it runs on.
 *
 * Interrupt model, the same on every HAL: "interrupts" are asynchronous events (the timer
 * today; devices later). They are delivered only while enabled. Core code runs with them
 * disabled except where it explicitly restores an enabled state; hal_cpu_idle() is the one
 * place the core waits for one. Kernel code is never preempted.
 *
 * Each function's comment gives: caller, interrupt state on entry, whether it may block,
 * and what it returns. Errors are negative RUMPK_E* codes from rumpk/abi.h.
 *
 * Core services a HAL may call besides the core_* callbacks below: kprintf/ksnprintf
 * (kprintf.h) for its rare "hal: ..." diagnostics, core_halt() (boot.h) when the machine
 * cannot boot, so that even then the last line is "halted, code N", and core_page_alloc /
 * core_page_free (below) for page-table pages. Nothing else.
 *
 * The HAL's hal_arch.h is split: its public half (what this file includes) holds only what
 * the core may use; trap frames, assembly offsets and sanitizer conditionals live in a
 * header private to the HAL directory, which the core never sees.
 */
#ifndef RUMPK_CORE_HAL_H
#define RUMPK_CORE_HAL_H

#include <stddef.h>
#include <stdint.h>

#include "rumpk/abi.h"
#include "hal_arch.h" /* the HAL's own inline helpers, found through the include path */

/* Bumped whenever a function is added, removed or changes meaning. */
#define HAL_API_VERSION 8

/* ---- boot ---------------------------------------------------------------------------- */

/*
 * core_main — implemented by the core. Called once by the HAL's boot code after its console
 * works, with interrupts disabled, on a stack of at least 16 KiB. `bi` stays valid forever
 * (the HAL keeps it in its own data). Never returns: the core ends with hal_halt().
 */
void core_main(const struct rumpk_boot_info *bi) __attribute__((noreturn));

/* hal_name — any caller, any state. A short constant name such as "riscv64-virt". */
const char *hal_name(void);

/* ---- console ------------------------------------------------------------------------- */

/*
 * hal_console_write — any caller, any interrupt state (the panic path included). Writes
 * `len` bytes in order. Does not sleep; may spin briefly while a UART FIFO drains.
 */
void hal_console_write(const char *buf, size_t len);

/*
 * hal_console_getc — any caller, any state, never blocks. Returns the next input byte
 * (0..255), -RUMPK_EAGAIN when none is waiting, or -RUMPK_EIO when the input has ended
 * for good (the sim's stdin at its end; a UART never ends).
 */
int hal_console_getc(void);

/*
 * core_console_rx — implemented by the core (console.c). The HAL's console receive
 * interrupt, interrupts disabled: input is waiting. The core takes it with
 * hal_console_getc until that answers -RUMPK_EAGAIN or -RUMPK_EIO. A HAL without a
 * receive interrupt need not call it: the core also polls before a reader sleeps.
 */
void core_console_rx(void);

/*
 * hal_console_rx_irq — core only, interrupts disabled, never blocks. on = 1 lets the
 * console's receive interrupt call core_console_rx (the default, and Peace mode's); on = 0
 * masks it: the I/O governor is in War mode and the core polls the console itself at every
 * return to user code, unless a reader is waiting for input (the core then turns it on
 * again until the reader has its bytes: with every process blocked nothing else would
 * poll). A HAL without a receive interrupt, or whose input is a signal that costs nothing
 * while no byte arrives (the sim's SIGIO), may ignore it.
 */
void hal_console_rx_irq(int on);

/*
 * hal_console_wait — core only (console_read), interrupts disabled, never blocks. Says that
 * a reader found the input ring empty and is about to sleep for input. API 8: the sim's
 * virtual mode releases its next scripted input line at the next scheduling decision
 * after this call, so input arrives at deterministic points (docs/simulation.md). A HAL
 * whose input arrives by itself (a UART, the sim's real mode) does nothing.
 */
void hal_console_wait(void);

/* ---- trace (API 8) --------------------------------------------------------------------- */

/*
 * hal_trace_write — core only (trace.c), interrupts disabled, never blocks for long. Appends
 * len bytes of the kernel's trace (the header, then whole records; docs/trace.md) to this
 * machine's trace sink: the sim's --trace FILE; bare metal keeps the first 64 KiB in
 * memory and counts what did not fit. len 0 (buf NULL) means the trace is complete (the
 * halt, orderly or a panic): a sink that keeps the trace in memory writes it out now
 * (bare metal: framed lines on the console, before the "halted" line). Called only while
 * trace= is on. Returns nothing: a sink that fails drops bytes, never the kernel.
 */
void hal_trace_write(const void *buf, size_t len);

/* ---- traps --------------------------------------------------------------------------- */

/*
 * hal_trap_init — called once by the core's `traps` boot stage, interrupts disabled.
 * Installs the trap vector and the interrupt controller, then proves the vector works by
 * taking one breakpoint trap and returning past it. Returns 0, or -RUMPK_EFAULT if the
 * probe trap did not arrive.
 */
int hal_trap_init(void);

/*
 * core_kernel_fault — implemented by the core. Called by a HAL's trap path when kernel code
 * itself faults (bad access, illegal instruction, unexpected exception), any state. `kind`
 * names the trap in the HAL's terms, `pc` is where it happened and `addr` the faulting
 * address (0 if none). Prints the facts and halts with code 255: never returns.
 */
void core_kernel_fault(const char *kind, uint64_t pc, uint64_t addr) __attribute__((noreturn));

/* ---- time ---------------------------------------------------------------------------- */

/* hal_time_ns — any caller, any state. Monotonic nanoseconds since an arbitrary boot epoch. */
uint64_t hal_time_ns(void);

/*
 * hal_timer_arm — core only, interrupts disabled. Arms the one-shot timer: core_timer_irq()
 * runs once hal_time_ns() >= deadline_ns (at once if it already is), then the timer is idle
 * until armed again. A later call replaces the earlier deadline. Returns nothing; never blocks.
 */
void hal_timer_arm(uint64_t deadline_ns);

/* hal_timer_disarm — core only, interrupts disabled. Cancels any pending deadline. */
void hal_timer_disarm(void);

/*
 * core_timer_irq — implemented by the core. Called by the HAL's interrupt path when the
 * armed deadline has passed, with interrupts disabled, on the kernel's interrupt context
 * (in_user = 0), or on a user thread's kernel stack after the timer interrupted user code
 * (in_user = 1; the HAL then calls core_user_return(f, HAL_USER_RESUME), where the core
 * acts on the need-resched the tick may have set). Must not block, log or allocate.
 */
void core_timer_irq(int in_user);

/* ---- execution contexts (fibers) ------------------------------------------------------- */

/*
 * struct hal_ctx is defined by each HAL in its hal_arch.h: what a switch saves (the stack
 * pointer at least; callee-saved registers go on the context's own stack). The core embeds
 * one per fiber and never looks inside. A zero-filled struct hal_ctx is a valid `from` for
 * the first switch away from the boot stack.
 */

/*
 * hal_ctx_init — core only, any interrupt state, never blocks. Prepares ctx so that the
 * first hal_ctx_switch() to it calls entry(arg) on the stack [stack_base, stack_base +
 * stack_size) (16-byte aligned, at least 4 KiB). entry must never return: a fiber ends by
 * switching away for the last time.
 */
void hal_ctx_init(struct hal_ctx *ctx, void *stack_base, size_t stack_size,
		  void (*entry)(void *arg), void *arg);

/*
 * hal_ctx_switch — the scheduler only, interrupts disabled. Saves the running context's
 * callee-saved integer registers and stack pointer into `from` and resumes `to`; returns
 * when some later switch resumes `from`. Floating-point control words (x86_64 MXCSR and
 * the x87 control word, which the psABI makes callee-saved) are not switched: they are
 * kernel-wide, and kernel code that changes them restores them before it can block or
 * yield (the hosted ASan build checks this on every switch). Hand-written assembly on
 * every HAL. Hot path: no logging, no allocation, no interrupt-state change.
 */
void hal_ctx_switch(struct hal_ctx *from, struct hal_ctx *to);

/*
 * hal_ctx_exit — the scheduler only, interrupts disabled. The last switch away from a
 * context that will never run again (an exited fiber): like hal_ctx_switch but it never
 * returns, and the HAL may drop per-context state on the way (hosted ASan: the fake stack).
 */
void hal_ctx_exit(struct hal_ctx *from, struct hal_ctx *to) __attribute__((noreturn));

/*
 * hal_ctx_release — core only, never blocks. Before the memory of a dead context's stack is
 * reused: the HAL forgets what it kept about that stack (hosted ASan: its poisoned frames,
 * which would otherwise fault the next user of the memory). A no-op on bare metal.
 */
void hal_ctx_release(struct hal_ctx *ctx);

/*
 * hal_stack_guard — core only, never blocks. on = 1: make the page-aligned 4 KiB page
 * at `page` (the lowest page of a fiber stack) fault on any access, so an overflow traps
 * (and reaches core_kernel_fault with an address inside it); on = 0: make it ordinary
 * memory again, before the stack is freed. Returns 0, or -RUMPK_ENOSYS where the HAL has no
 * page protection (the core then relies on its stack canary alone).
 */
int hal_stack_guard(void *page, int on);

/* ---- address spaces and user memory ----------------------------------------------------- */

/*
 * A user address space. struct hal_as is the HAL's (page tables on bare metal, a reserved
 * host region on hosted); the core holds a pointer and never looks inside. Every range is
 * page aligned (4 KiB). Permissions are HAL_PROT_* bits; a range is never both writable and
 * executable (W^X: such a request fails with -RUMPK_EINVAL). Memory a map call provides is
 * zeroed. The kernel never dereferences a user address: it goes through hal_copy_*_user,
 * which check the whole range against the space's own mappings first.
 *
 * Until a HAL implements these, hal_as_create returns -RUMPK_ENOSYS and the core does not
 * map programs on it (it still verifies and validates them).
 */
#define HAL_PROT_R 0x1u
#define HAL_PROT_W 0x2u
#define HAL_PROT_X 0x4u

struct hal_as;

/*
 * The argument rules every HAL's hal_as_map/protect/unmap/share apply first, one copy for
 * all of them, so every port answers the same bad call with the same error:
 * hal_as_check_range — [va, va + size) page aligned, not empty (else -RUMPK_EINVAL), inside
 * [lo, hi) without wrapping (else -RUMPK_ERANGE); hal_as_check_prot — only HAL_PROT_* bits,
 * never W with X (-RUMPK_EINVAL). Both return 0 when the arguments pass.
 */
static inline int hal_as_check_range(uint64_t va, uint64_t size, uint64_t lo, uint64_t hi)
{
	if (((va | size) & 4095u) || size == 0)
		return -RUMPK_EINVAL;
	if (va + size < va || va < lo || va + size > hi)
		return -RUMPK_ERANGE;
	return 0;
}

static inline int hal_as_check_prot(unsigned prot)
{
	if (prot & ~(HAL_PROT_R | HAL_PROT_W | HAL_PROT_X))
		return -RUMPK_EINVAL;
	if ((prot & HAL_PROT_W) && (prot & HAL_PROT_X))
		return -RUMPK_EINVAL; /* W^X, always */
	return 0;
}

/*
 * hal_as_create — core only, fiber context, may allocate. A new, empty address space; its
 * user addresses are [*user_lo, *user_hi) (on bare metal the same for every space; on the
 * hosted HAL, where all spaces share the process, a range of its own). Returns 0,
 * -RUMPK_ENOMEM or -RUMPK_ENOSYS.
 */
int hal_as_create(struct hal_as **out, uint64_t *user_lo, uint64_t *user_hi);

/* hal_as_destroy — core only. Unmaps everything and frees the space. NULL is ignored. */
void hal_as_destroy(struct hal_as *as);

/*
 * hal_as_map — core only. Maps [va, va + size) with zeroed memory and permissions prot.
 * Returns 0; -RUMPK_EINVAL (unaligned, empty, W and X together); -RUMPK_ERANGE (outside the
 * user range or wrapping); -RUMPK_EEXIST (overlaps a mapping); -RUMPK_ENOMEM.
 */
int hal_as_map(struct hal_as *as, uint64_t va, uint64_t size, unsigned prot);

/* hal_as_protect — core only. Changes the permissions of a fully mapped range. Returns 0,
 * -RUMPK_EINVAL (alignment, W with X), -RUMPK_EFAULT (not entirely mapped), -RUMPK_ENOMEM
 * (splitting a mapping needed memory the HAL could not get; nothing changed). */
int hal_as_protect(struct hal_as *as, uint64_t va, uint64_t size, unsigned prot);

/* hal_as_unmap — core only. Unmaps a fully mapped range (its memory is freed). Returns 0,
 * -RUMPK_EINVAL, -RUMPK_EFAULT or -RUMPK_ENOMEM (as for protect). */
int hal_as_unmap(struct hal_as *as, uint64_t va, uint64_t size);

/* hal_as_switch — core only, interrupts disabled. Makes `as` the space user code runs in
 * (NULL: none). */
void hal_as_switch(struct hal_as *as);

/*
 * hal_copy_to_user / hal_copy_from_user — core only, any context that may touch user
 * memory. Copy len bytes between kernel memory and [uaddr, uaddr + len) of `as`, which must
 * lie entirely in its mappings and be writable (to) / readable (from). Returns 0 or
 * -RUMPK_EFAULT with nothing copied.
 */
int hal_copy_to_user(struct hal_as *as, uint64_t uaddr, const void *src, size_t len);
int hal_copy_from_user(struct hal_as *as, void *dst, uint64_t uaddr, size_t len);

/*
 * hal_as_share — core only, fiber context. Maps the kernel's page `kpage` (4 KiB, page
 * aligned, from the core's page allocator) at va in `as` with prot (HAL_PROT_R, or R|W;
 * never X: -RUMPK_EINVAL), so kernel and process see the same bytes: the kernel through
 * kpage, the process through va (the ring page). hal_as_unmap / hal_as_destroy remove only
 * the mapping; the page stays the kernel's, contents intact, and the core frees it after
 * the space is gone. Returns 0, or what hal_as_map would (EINVAL, ERANGE, EEXIST, ENOMEM),
 * or -RUMPK_ENOSYS where the HAL has no spaces.
 */
int hal_as_share(struct hal_as *as, uint64_t va, void *kpage, unsigned prot);

/*
 * hal_copy_str_from_user — core only, like hal_copy_from_user. Copies the NUL-terminated
 * string at uaddr (paths, argv) into dst[0..max), reading no byte the space does not map
 * readable and none past the NUL. Returns its length (without the NUL; dst is then
 * NUL-terminated), -RUMPK_EFAULT (an unreadable byte before the NUL) or -RUMPK_ERANGE (no
 * NUL in the first max bytes); dst holds garbage on failure. max >= 1.
 */
int64_t hal_copy_str_from_user(struct hal_as *as, char *dst, uint64_t uaddr, size_t max);

/*
 * hal_phys_to_kernel — any caller, never blocks. A kernel pointer to [pa, pa + len) of
 * physical memory (boot-info ranges: the initrd, the device tree), or NULL if the HAL
 * cannot reach all of it. The core never turns a boot-info address into a pointer by a
 * cast. Identity on every HAL today (the hosted "physical" addresses are the sim's).
 */
void *hal_phys_to_kernel(uint64_t pa, uint64_t len);

/* ---- user mode -------------------------------------------------------------------------- */

/*
 * A user thread is a kernel fiber whose stack top holds its trap frame (struct hal_uframe,
 * the HAL's layout: every register the user can see, FP/SIMD state included: x86_64 an
 * XSAVE area, aarch64 q0-q31 + fpcr/fpsr, rv64imac none). The core reserves
 * hal_uframe_size() bytes, 64-byte aligned, above the fiber's call stack, initialises the
 * frame, and on that fiber calls hal_user_enter, which never returns. From then on the
 * fiber's kernel stack below the frame runs only the HAL's trap paths, which call the
 * core_user_* callbacks below and return to user code through the same frame. Every way
 * back to user code passes core_user_return, where the core yields on need-resched and
 * ends the thread on a pending kill: a user thread is only ever switched or killed there.
 */
struct hal_uframe;

/* hal_uframe_size — any caller. Bytes of a frame (a multiple of 64). */
size_t hal_uframe_size(void);

/*
 * hal_uframe_init — core only. Fills f (64-byte aligned, hal_uframe_size() bytes) for a
 * first entry at pc with stack pointer sp: every other register 0, FP/SIMD state the
 * ABI's initial one (x86_64: MXCSR 0x1f80, x87 CW 0x037f, vector registers zero), user
 * mode with interrupts enabled. Never blocks.
 */
void hal_uframe_init(struct hal_uframe *f, uint64_t pc, uint64_t sp);

/* hal_uframe_pc / hal_uframe_sp — any caller. The user pc and stack pointer in f (for
 * reports and tests). */
uint64_t hal_uframe_pc(const struct hal_uframe *f);
uint64_t hal_uframe_sp(const struct hal_uframe *f);

/*
 * hal_user_enter — core only, on the user thread's own fiber, interrupts enabled, f at the
 * top of that fiber's stack. Makes `as` current (hal_as_switch) and returns to user code
 * through f. Never returns: the fiber's kernel stack below f is reused by the trap paths.
 * On a HAL without user mode yet this is a kernel fault with a message.
 */
void hal_user_enter(struct hal_as *as, struct hal_uframe *f) __attribute__((noreturn));

/*
 * hal_user_doorbell — any caller. The value for the auxv's doorbell entry: on the hosted
 * HAL the address of an argument-less function a program calls (`void (*)(void)`, a C
 * call: callee-saved registers and the FP control words survive it), which switches to
 * the thread's kernel stack like a trap; 0 where the doorbell is an instruction (ecall,
 * svc).
 */
uint64_t hal_user_doorbell(void);

/* Actions of core_user_fault, taken by core_user_return. */
#define HAL_USER_RESUME 0  /* go back to user code (at the faulting pc: fixed up, or retried) */
#define HAL_USER_RESCHED 1 /* yield first, then resume */
#define HAL_USER_KILL 2    /* end the thread (never returns to user code) */

/*
 * The three user callbacks, implemented by the core (user.c). The HAL calls them on the
 * user thread's fiber, on its kernel stack below f, with interrupts enabled (fiber
 * context: they may block, switch and take any time), after the user's full state has
 * been saved into f and the kernel's FP control state loaded.
 *
 * core_user_doorbell — the program rang the doorbell (hosted: called the auxv entry;
 *   bare metal: ecall/svc). Returns; the HAL then calls core_user_return(f, RESUME).
 * core_user_fault — user code trapped: cause is a RUMPK_FAULT_* (abi.h), addr the faulting
 *   address (0 if the machine gives none), pc the faulting instruction, access the
 *   HAL_PROT_* bit of the attempted access (R load, W store, X fetch; 0 when not a memory
 *   access). Returns the HAL_USER_* action; the HAL then calls core_user_return(f, it).
 * core_user_return — the one way back to user code: acts on `action`, then yields while
 *   need-resched is set, and ends the thread (never returns) if it is killed or the
 *   action was HAL_USER_KILL. Returns when the HAL may resume f.
 */
void core_user_doorbell(struct hal_uframe *f);
int core_user_fault(struct hal_uframe *f, uint32_t cause, uint64_t addr, uint64_t pc,
		    uint32_t access);
void core_user_return(struct hal_uframe *f, int action);

/*
 * core_page_alloc / core_page_free — core services a HAL may call from fiber context
 * (never from an interrupt): 2^order zeroed, naturally aligned 4 KiB pages from the core's
 * allocator (page tables), or NULL; free takes the same order.
 */
void *core_page_alloc(unsigned order);
void core_page_free(void *p, unsigned order);

/* ---- framebuffer ----------------------------------------------------------------------- */

/*
 * A framebuffer the core draws into (fbcon.c: the console; hud.c: the live panel): 32-bit
 * pixels 0x00RRGGBB, row after row, `stride` pixels from one row's start to the next. The
 * memory is the core's to write at any time; the HAL shows it (the sim: an SDL2 window).
 */
struct hal_fb {
	uint32_t *pixels;
	uint32_t width, height; /* pixels */
	uint32_t stride;        /* pixels per row, >= width */
};

/* hal_fb_get — core only, any state. Fills *fb and returns 0 when this machine has a
 * framebuffer (the sim with --display sdl), else -RUMPK_ENOSYS (the core then draws
 * nothing and starts no HUD). The answer never changes during a boot. */
int hal_fb_get(struct hal_fb *fb);

/* hal_fb_flush — core only, any state, never blocks. [x, x+w) x [y, y+h) changed: the HAL
 * shows it soon (the sim marks it for its window's next frame). Cheap enough per write. */
void hal_fb_flush(uint32_t x, uint32_t y, uint32_t w, uint32_t h);

/* hal_fb_text — core only. The console's text grid (rows of `cols` bytes, `rows` of them,
 * the core's memory, kept current by fbcon.c) for a HAL that saves it beside a picture of
 * the framebuffer at halt (the sim's --screenshot FILE writes FILE.txt). Called once. */
void hal_fb_text(const uint8_t *cells, uint32_t cols, uint32_t rows);

/* ---- cpu ----------------------------------------------------------------------------- */

typedef uint64_t hal_irq_state_t;

/* hal_irq_save — any caller. Disables interrupts; returns the previous state. */
hal_irq_state_t hal_irq_save(void);

/*
 * hal_irq_restore — any caller. Restores a state returned by hal_irq_save(); an interrupt
 * that became pending while disabled is delivered before this returns.
 */
void hal_irq_restore(hal_irq_state_t state);

/* hal_irq_enable — core only. Enables interrupts (pending ones are delivered at once). */
void hal_irq_enable(void);

/*
 * hal_cpu_idle — core only, called with interrupts DISABLED. Atomically enables interrupts
 * and waits until at least one has been delivered (no wake-up can be lost between the
 * caller's last check and the wait), then returns with interrupts disabled again.
 * This is the only way the core waits; it never busy-waits.
 */
void hal_cpu_idle(void);

/*
 * hal_halt — any caller, any state. Ends the machine with exit status `code`: 0 for
 * success, 1..255 for failure (values outside are clamped to that range, so a failure never
 * reads as success). On QEMU this is QEMU's own exit status. Never returns.
 */
void hal_halt(int code) __attribute__((noreturn));

/* Halt codes the core gives that a HAL may want to recognise (the sim prints a replay line
 * for them in virtual mode): a panic or kernel fault, and the halt leak gate (leakgate.h). */
#define HAL_HALT_PANIC 255
#define HAL_HALT_LEAK 102

/* The clamp every hal_halt() applies: 0 stays 0, anything else lands in 1..255. */
static inline int hal_exit_status(int code)
{
	if (code == 0)
		return 0;
	if (code < 1 || code > 255)
		return 255;
	return code;
}

#endif /* RUMPK_CORE_HAL_H */
