/*
 * user.h — user threads: the core's layer between the HAL's user mode (hal.h "user mode")
 * and whatever runs programs (the process table builds on it). Nothing here knows pids,
 * syscalls or files.
 *
 * A user thread is a kernel fiber (UTHREAD_STACK_ORDER pages of stack) whose stack top
 * holds its HAL trap frame; below the frame is the kernel stack its traps run on. It runs
 * user code in one address space (the owner's: this layer never creates or destroys a
 * space) and reports to its owner through three ops, always on the thread's own fiber:
 *   doorbell  the program rang the doorbell; may block (a blocked thread is killable)
 *   fault     the program trapped; returns HAL_USER_RESUME, _RESCHED or _KILL
 *   exited    the thread is ending (killed, killed for a fault, or uthread_exit); last
 *             call the owner gets. Must not wait (a killed fiber's waits return at once).
 * On every way back to user code (core_user_return) the thread yields if need-resched is
 * set and ends if a kill is pending: a user thread is preempted and killed only at the
 * user boundary, never inside kernel code.
 *
 * Teardown order, exactly:
 *   1. the thread ends on its own fiber: ops->exited(owner) runs;
 *   2. this layer frees the struct uthread (the owner's pointer to it is dead once exited
 *      has been called: no uthread_kill or uthread_cpu_ns after that) and the fiber exits;
 *   3. the scheduler reclaims the fiber's stack, frame included, later (sched_reap, the
 *      idle fiber, the next spawn).
 * The owner may free its own memory from inside exited or at any time after it; it
 * destroys the address space there or later (user code can no longer run in it). A
 * thread killed before it ever ran user code still gets its exited call.
 */
#ifndef RUMPK_USER_H
#define RUMPK_USER_H

#include <stdint.h>

#include "hal.h"

struct uthread;

struct uthread_ops {
	void (*doorbell)(void *owner);
	int (*fault)(void *owner, uint32_t cause, uint64_t addr, uint64_t pc, uint32_t access);
	void (*exited)(void *owner);
	/* optional: called on every way back to user code that is not ending the thread,
	 * after any yield (the process layer polls its ring there in War mode); may block */
	void (*boundary)(void *owner);
};

/*
 * uthread_start — a new user thread that will enter user code at `entry` with stack pointer
 * `sp` in space `as` (every other register zero, the ABI's initial FP state), with ops and
 * owner as above. Runnable at once, priority UTHREAD_PRIO. Fiber context. Returns the
 * thread, or NULL with *err set: -RUMPK_EINVAL (no ops, an op missing, no space),
 * -RUMPK_ENOMEM.
 */
struct uthread *uthread_start(const char *name, struct hal_as *as, uint64_t entry, uint64_t sp,
			      const struct uthread_ops *ops, void *owner, int *err);

/*
 * uthread_kill — asks t to end. The kill is taken at t's next user boundary (at once for a
 * thread in user code: it is runnable, and it ends at its next trap or preemption; a
 * thread blocked in a wait or sleep has it cancelled, so it runs and ends promptly; the
 * caller itself, from inside an op, ends when the op returns). Idempotent. Any context
 * that may call the scheduler; never blocks.
 */
void uthread_kill(struct uthread *t);

/* uthread_exit — ends the calling user thread now (from inside an op, e.g. SYS_EXIT):
 * exited runs, then the thread is gone. */
void uthread_exit(void) __attribute__((noreturn));

/* uthread_current — the user thread the running fiber carries, or NULL for a plain kernel
 * fiber. */
struct uthread *uthread_current(void);

/* uthread_killed — 1 if t has a kill pending (an op may stop early on it). */
int uthread_killed(const struct uthread *t);

/* uthread_cpu_ns — nanoseconds t's fiber has had the CPU (user and kernel time). */
uint64_t uthread_cpu_ns(const struct uthread *t);

/* uthread_frame — t's HAL trap frame (hal_uframe_pc/sp read it). */
struct hal_uframe *uthread_frame(const struct uthread *t);

struct uthread_stats {
	uint64_t live;      /* started and not yet ended */
	uint64_t started;
	uint64_t faults;    /* core_user_fault calls */
	uint64_t doorbells; /* core_user_doorbell calls */
	uint64_t preempts;  /* yields at the user boundary for need-resched */
	uint64_t kills;     /* threads ended by a kill (uthread_kill or a fault's KILL) */
};
void uthread_stats(struct uthread_stats *out);

#endif /* RUMPK_USER_H */
