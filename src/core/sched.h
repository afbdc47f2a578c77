/*
 * sched.h — fibers and the LWKT-style scheduler.
 *
 * A fiber is a kernel thread of control with its own stack. One O(1) priority scheduler
 * per CPU (one CPU today; everything per-CPU lives in struct sched_cpu so a second one is a
 * second instance, not a rewrite) runs them: a FIFO run queue per priority and a bitmap of
 * the non-empty ones, so picking the next fiber is one count-trailing-zeros, whatever the
 * number of fibers.
 *
 * Kernel code is never preempted: fibers run with interrupts enabled, an interrupt only
 * moves fibers between queues and sets need_resched, and a switch happens only where a fiber
 * blocks, yields, sleeps or exits. Every function here may be called with interrupts in any
 * state from fiber context, and restores that state; none may be called from an interrupt
 * handler except sched_timer_irq() and the wake functions.
 */
#ifndef RUMPK_SCHED_H
#define RUMPK_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include "hal.h"
#include "param.h"

enum fiber_state {
	FIBER_RUNNABLE = 1, /* on a run queue */
	FIBER_RUNNING,      /* the CPU's current fiber */
	FIBER_SLEEPING,     /* in the sleep heap until wake_at */
	FIBER_WAITING,      /* on a wait queue */
	FIBER_ZOMBIE,       /* exited; its stack is freed by the next fiber to run */
};

struct fiber;

/* A wait queue: fibers blocked until someone calls sched_wake_one/all on it. */
struct waitq {
	struct fiber *head, *tail;
};

struct fiber {
	struct hal_ctx ctx;           /* the HAL's saved state: first, touched on every switch */
	struct fiber *next, *prev;    /* run queue or wait queue links */
	struct fiber *hchild, *hnext; /* sleep heap links (pairing heap) */
	struct fiber *hprev;          /* parent if first child, else left sibling (removal) */
	struct waitq *wq;             /* FIBER_WAITING: the queue it is on */
	uint64_t wake_at;             /* FIBER_SLEEPING: wake no earlier than this */
	uint64_t slice_start;         /* when it last got the CPU */
	uint64_t *canary;             /* lowest word of the usable stack */
	void *stack;                  /* the stack block (NULL for the boot fiber) */
	unsigned stack_order;         /* its page order */
	uint32_t reserve;             /* bytes at the stack's top kept for its owner */
	int guarded;                  /* the lowest stack page is a HAL guard page */
	uint32_t id;
	uint8_t prio;                 /* 0 = most urgent .. SCHED_PRIOS - 1 (idle) */
	uint8_t state;                /* enum fiber_state */
	uint8_t killed;               /* fiber_kill: its waits return -RUMPK_EKILLED */
	void (*fn)(void *);
	void *arg;
	const char *name;
	struct fiber *all_next;       /* every live fiber, for lookups and reports */
	uint64_t switches_in;         /* times it got the CPU */
	void *user;                   /* the user thread this fiber carries (user.c), or NULL */
	uint64_t cpu_ns;              /* time on the CPU, counted for fibers with `user` only */
};

/* sched_account_all — from now on every fiber's cpu_ns is counted (normally only user
 * threads'): one more clock read per switch. The HUD turns it on. */
void sched_account_all(void);

/* A fiber as sched_fibers reports it. */
struct fiber_info {
	uint32_t id;
	char name[24];     /* a copy, cut to 23 bytes */
	uint8_t state;     /* enum fiber_state; the CPU's current fiber is FIBER_RUNNING */
	uint8_t prio;
	uint8_t user;      /* it carries a user thread */
	uint64_t cpu_ns;
};

/* sched_fibers — up to max live fibers (not zombies), newest first; returns how many. */
int sched_fibers(struct fiber_info *out, int max);

struct sched_stats {
	uint64_t fibers;      /* live fibers, boot and idle included */
	uint64_t switches;    /* context switches */
	uint64_t spawned;     /* fibers ever created */
	uint64_t reaped;      /* fibers whose stack and struct were freed */
	uint64_t idles;       /* times the idle fiber put the CPU to sleep */
	uint64_t slices;      /* time slices that ran out while others waited */
};

/* sched_init — once, from the scheduler boot stage, interrupts disabled. The running boot
 * context becomes fiber 0 ("boot", SCHED_PRIO_DEFAULT) and an idle fiber is created at the
 * lowest priority. Returns 0 or -RUMPK_ENOMEM. */
int sched_init(void);

/* fiber_spawn — a new runnable fiber that calls fn(arg) with interrupts enabled; when fn
 * returns the fiber exits. prio < SCHED_PRIOS - 1 (the last level is the idle fiber's).
 * Returns NULL with *err set (-RUMPK_EINVAL, -RUMPK_ENOMEM). */
struct fiber *fiber_spawn(const char *name, void (*fn)(void *), void *arg, unsigned prio, int *err);

/*
 * fiber_spawn_stack — fiber_spawn with a stack of 2^order pages (order >= FIBER_STACK_ORDER)
 * whose top `reserve` bytes (a multiple of 64, less than half the stack) are kept out of the
 * fiber's call stack: fiber_stack_reserve() gives their address, 64-byte aligned. The user
 * thread layer keeps its trap frame there (user.c). Same errors as fiber_spawn.
 */
struct fiber *fiber_spawn_stack(const char *name, void (*fn)(void *), void *arg, unsigned prio,
				unsigned order, size_t reserve, int *err);
void *fiber_stack_reserve(const struct fiber *f);

/* fiber_cpu_ns — nanoseconds f has had the CPU so far; counted only while f->user is set
 * (user threads: the switch reads the clock only when one of its two fibers is one). */
uint64_t fiber_cpu_ns(const struct fiber *f);

/*
 * fiber_kill — marks f killed (for good) and cancels what it waits for: a fiber blocked
 * in sched_wait or sched_sleep_until becomes runnable at once and that call returns
 * -RUMPK_EKILLED; every later wait or sleep of f returns -RUMPK_EKILLED without
 * blocking. A running or runnable fiber just carries the mark (fiber_killed) until it
 * next waits or someone checks it (the user boundary does). Exited fibers are ignored.
 * Fiber context or interrupts disabled; never blocks. Kernel fibers that are never killed
 * see no change.
 */
void fiber_kill(struct fiber *f);
int fiber_killed(const struct fiber *f);

/* sched_exit — ends the calling fiber; its memory is reclaimed by the next one to run. */
void sched_exit(void) __attribute__((noreturn));

struct fiber *sched_current(void);

/* fiber_yield — lets every other runnable fiber of the same or higher priority run first. */
void fiber_yield(void);

/* sched_sleep_until — blocks until hal_time_ns() >= deadline_ns (never earlier). Returns 0,
 * or -RUMPK_EKILLED (then possibly early) if the fiber was or became killed (fiber_kill). */
int sched_sleep_until(uint64_t deadline_ns);

/* Wait queues. sched_wait blocks the caller until woken; callers re-check their condition
 * (with interrupts disabled across check and wait, so a wake-up cannot slip between).
 * Returns 0 when woken, or -RUMPK_EKILLED when the fiber is killed (fiber_kill) while
 * waiting or already was (then without blocking): a caller looping on its condition must
 * stop on that value, or it spins. */
void waitq_init(struct waitq *wq);
int sched_wait(struct waitq *wq);
/* Wake the first / every waiter; return how many were woken. Interrupt-safe. */
int sched_wake_one(struct waitq *wq);
int sched_wake_all(struct waitq *wq);

/* A one-shot event many fibers can wait for (e.g. "all workers finished"). */
struct completion {
	struct waitq wq;
	uint32_t count; /* how many signals are still awaited */
};
void completion_init(struct completion *c, uint32_t count);
void completion_signal(struct completion *c);
int completion_wait(struct completion *c); /* 0, or -RUMPK_EKILLED (sched_wait) */

/* need_resched: set when the current fiber's slice ran out while others of its priority
 * were runnable, or a more urgent fiber woke. Fibers that compute for long call
 * fiber_yield_if_needed(); user mode (a later issue) is switched at the user boundary. */
int sched_need_resched(void);
void fiber_yield_if_needed(void);

/* Called by the timer code (interrupt context): wakes sleepers whose deadline passed and
 * accounts the running slice. */
void sched_timer_irq(uint64_t now);
/* The earliest instant the scheduler needs a timer interrupt, or UINT64_MAX. */
uint64_t sched_next_deadline(void);

void sched_stats(struct sched_stats *out);

/* sched_reap — frees exited fibers now (the idle fiber does it too, whenever it runs). */
void sched_reap(void);

/* sched_guard_owner — the fiber whose stack guard page (or canary word) holds addr, or NULL:
 * how a kernel fault is recognised as a stack overflow. */
struct fiber *sched_guard_owner(uint64_t addr);

#endif /* RUMPK_SCHED_H */
