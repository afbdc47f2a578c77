/*
 * sched.c — the O(1) priority scheduler, fiber lifecycle, sleeping and wait queues.
 *
 * Per CPU (struct sched_cpu): the current fiber, one FIFO run queue per priority with a
 * bitmap of the non-empty ones (pick = count trailing zeros), a pairing heap of sleepers
 * ordered by wake-up time, and the list of exited fibers not yet reclaimed.
 *
 * Invariants, all guarded by "interrupts disabled" (one CPU, kernel never preempted):
 *   - the current fiber is on no queue; every other fiber is on exactly one of: a run
 *     queue (RUNNABLE), the sleep heap (SLEEPING), a wait queue (WAITING), the zombie list;
 *   - the idle fiber is the only one at priority SCHED_PRIOS - 1 and is always runnable or
 *     current, so a pick never comes back empty;
 *   - a switch never allocates or frees: exited fibers are reclaimed by the idle fiber and
 *     by fiber_spawn, never on the switch path; the only per-switch check is the canary.
 *
 * Time: sleepers and time slices share the HAL's one-shot timer through timer.c, which asks
 * sched_next_deadline(). The slice tick runs only while some fiber other than the current
 * one is runnable, so an idle or single-fiber system takes no timer interrupts at all.
 */
#include "sched.h"

#include "fault.h"
#include "kprintf.h"
#include "kutil.h"
#include "mem.h"
#include "timer.h"
#include "trace.h"

#define IDLE_PRIO (SCHED_PRIOS - 1)
/* A fiber found current at two consecutive slice ticks has had at least one tick period
 * and at most two: its slice is SCHED_SLICE_NS give or take a half. */
#define SLICE_TICK_NS (SCHED_SLICE_NS / 2)
#define IDLE_BIT (1u << IDLE_PRIO)
_Static_assert(SCHED_PRIOS <= 32, "the ready bitmap is 32 bits");

struct sched_cpu {
	struct fiber *current;
	struct fiber *idle;
	uint32_t ready; /* bit p: runq[p] is not empty */
	struct {
		struct fiber *head, *tail;
	} runq[SCHED_PRIOS];
	struct fiber *sleepers;    /* pairing heap root: the earliest wake_at */
	struct fiber *zombies;     /* exited, linked through next */
	uint64_t tick_deadline;    /* next slice tick, 0 when none is armed */
	struct fiber *tick_owner;  /* current at the previous tick */
	int need_resched;
	int account_all;           /* CPU time for every fiber, not only user threads (HUD) */
	struct sched_stats st;
};

static struct sched_cpu cpu0;
static struct fiber boot_fiber;
static struct fiber *all_fibers;
static uint32_t next_id;

static struct sched_cpu *this_cpu(void)
{
	return &cpu0;
}

/* ---- run queues ------------------------------------------------------------------------ */

/* Starts the slice tick if it is not running. Rare: once per busy period, not per switch. */
static void slice_tick_arm(struct sched_cpu *c)
{
	if (c->tick_deadline)
		return;
	c->tick_deadline = hal_time_ns() + SLICE_TICK_NS;
	c->tick_owner = 0;
	timer_reprogram();
}

static void rq_push(struct sched_cpu *c, struct fiber *f)
{
	f->state = FIBER_RUNNABLE;
	f->next = 0;
	f->prev = c->runq[f->prio].tail;
	if (f->prev)
		f->prev->next = f;
	else
		c->runq[f->prio].head = f;
	c->runq[f->prio].tail = f;
	c->ready |= 1u << f->prio;
	struct fiber *cur = c->current;
	if (!cur || cur == f)
		return;
	if (f->prio < cur->prio)
		c->need_resched = 1;
	else if (f->prio == cur->prio)
		slice_tick_arm(c); /* a peer now waits for the current fiber: count its slice */
}

static struct fiber *rq_pop_best(struct sched_cpu *c)
{
	unsigned p = (unsigned)__builtin_ctz(c->ready); /* idle keeps ready != 0 */
	struct fiber *f = c->runq[p].head;
	c->runq[p].head = f->next;
	if (f->next)
		f->next->prev = 0;
	else {
		c->runq[p].tail = 0;
		c->ready &= ~(1u << p);
	}
	f->next = f->prev = 0;
	return f;
}

/* ---- sleep heap (pairing heap, keyed by wake_at) --------------------------------------- */

static struct fiber *heap_meld(struct fiber *a, struct fiber *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	if (b->wake_at < a->wake_at) {
		struct fiber *t = a;
		a = b;
		b = t;
	}
	b->hnext = a->hchild;
	if (b->hnext)
		b->hnext->hprev = b;
	b->hprev = a;
	a->hchild = b;
	return a;
}

/* The classic two-pass merge of a root's children, iteratively (no recursion on a kernel
 * stack, whatever the number of sleepers). */
static struct fiber *heap_merge_pairs(struct fiber *first)
{
	struct fiber *acc = 0, *res = 0;
	while (first) {
		struct fiber *a = first, *b = a->hnext;
		if (!b) {
			a->hnext = acc;
			acc = a;
			break;
		}
		first = b->hnext;
		a->hnext = b->hnext = 0;
		struct fiber *m = heap_meld(a, b);
		m->hnext = acc;
		acc = m;
	}
	while (acc) {
		struct fiber *n = acc->hnext;
		acc->hnext = 0;
		res = heap_meld(acc, res);
		acc = n;
	}
	return res;
}

static struct fiber *heap_pop(struct sched_cpu *c)
{
	struct fiber *f = c->sleepers;
	c->sleepers = heap_merge_pairs(f->hchild);
	f->hchild = f->hnext = f->hprev = 0;
	return f;
}

/* Takes an arbitrary sleeper out of the heap (fiber_kill): unlink it from its parent or
 * left sibling, then meld its merged children back into the root. */
static void heap_remove(struct sched_cpu *c, struct fiber *f)
{
	if (c->sleepers == f) {
		heap_pop(c);
		return;
	}
	if (f->hprev->hchild == f)
		f->hprev->hchild = f->hnext;
	else
		f->hprev->hnext = f->hnext;
	if (f->hnext)
		f->hnext->hprev = f->hprev;
	struct fiber *sub = heap_merge_pairs(f->hchild);
	f->hchild = f->hnext = f->hprev = 0;
	c->sleepers = heap_meld(c->sleepers, sub);
}

/* ---- switching ------------------------------------------------------------------------- */

static void check_canary(const struct fiber *f)
{
	if (f->canary && *f->canary != FIBER_CANARY)
		kpanic("fiber %u (%s): kernel stack overflow: the canary at %p was overwritten",
		       f->id, f->name, (void *)f->canary);
}

/* Makes the most urgent runnable fiber current and returns it (the caller's fiber itself if
 * it is still the most urgent). The caller has put the current fiber where it belongs (run
 * queue, heap, wait queue or zombie list) and switches if the answer is another fiber.
 * Interrupts disabled. */
static struct fiber *take_next(struct sched_cpu *c)
{
	struct fiber *prev = c->current;
	struct fiber *next = rq_pop_best(c);

	c->need_resched = 0;
	next->state = FIBER_RUNNING;
	if (next != prev) {
		check_canary(prev);
		c->current = next;
		c->tick_owner = 0; /* its slice starts at the next tick */
		if (prev->user || next->user || c->account_all) { /* CPU time: user threads */
			uint64_t now = hal_time_ns();
			if (prev->user || c->account_all)
				prev->cpu_ns += now - prev->slice_start;
			next->slice_start = now;
		}
		trace_sched(prev->id, next->id);
		next->switches_in++;
		c->st.switches++;
		if (!c->tick_deadline && (c->ready & (1u << next->prio)) && next != c->idle)
			slice_tick_arm(c);
	}
	return next;
}

static void switch_to_next(struct sched_cpu *c)
{
	struct fiber *prev = c->current;
	struct fiber *next = take_next(c);
	if (next != prev)
		hal_ctx_switch(&prev->ctx, &next->ctx);
}

struct fiber *sched_current(void)
{
	return this_cpu()->current;
}

void sched_account_all(void)
{
	hal_irq_state_t s = hal_irq_save();
	struct sched_cpu *c = this_cpu();
	if (!c->account_all) {
		c->account_all = 1;
		c->current->slice_start = hal_time_ns();
	}
	hal_irq_restore(s);
}

int sched_fibers(struct fiber_info *out, int max)
{
	int n = 0;
	hal_irq_state_t s = hal_irq_save();
	struct sched_cpu *c = this_cpu();
	for (struct fiber *f = all_fibers; f && n < max; f = f->all_next) {
		if (f->state == FIBER_ZOMBIE)
			continue;
		out[n].id = f->id;
		size_t k = 0;
		for (; f->name && f->name[k] && k < sizeof(out[n].name) - 1; k++)
			out[n].name[k] = f->name[k];
		out[n].name[k] = '\0';
		out[n].state = f == c->current ? FIBER_RUNNING : f->state;
		out[n].prio = f->prio;
		out[n].user = f->user != 0;
		out[n].cpu_ns = fiber_cpu_ns(f);
		n++;
	}
	hal_irq_restore(s);
	return n;
}

void fiber_yield(void)
{
	struct sched_cpu *c = this_cpu();
	hal_irq_state_t s = hal_irq_save();
	/* anyone at our priority or more urgent? (bits 0..prio) */
	uint32_t mask = c->current->prio >= 31 ? ~0u : (2u << c->current->prio) - 1;
	if (c->ready & mask) {
		rq_push(c, c->current);
		switch_to_next(c);
	}
	hal_irq_restore(s);
}

int sched_need_resched(void)
{
	return this_cpu()->need_resched;
}

void fiber_yield_if_needed(void)
{
	if (this_cpu()->need_resched)
		fiber_yield();
}

int sched_sleep_until(uint64_t deadline_ns)
{
	struct sched_cpu *c = this_cpu();
	hal_irq_state_t s = hal_irq_save();
	struct fiber *f = c->current;
	if (!f->killed && hal_time_ns() < deadline_ns) {
		f->state = FIBER_SLEEPING;
		f->wake_at = deadline_ns;
		f->hchild = f->hnext = f->hprev = 0;
		c->sleepers = heap_meld(c->sleepers, f);
		if (c->sleepers == f)
			timer_reprogram();
		switch_to_next(c);
	}
	int r = f->killed ? -RUMPK_EKILLED : 0;
	hal_irq_restore(s);
	return r;
}

void waitq_init(struct waitq *wq)
{
	wq->head = wq->tail = 0;
}

int sched_wait(struct waitq *wq)
{
	struct sched_cpu *c = this_cpu();
	hal_irq_state_t s = hal_irq_save();
	struct fiber *f = c->current;
	if (f->killed) {
		hal_irq_restore(s);
		return -RUMPK_EKILLED;
	}
	/* Fault point "wakeup": woken at once, its condition untouched (the others of its
	 * priority run first, as after a real wake-up): the contract's "callers re-check". */
	if (fault_inject(RUMPK_INJ_WAKEUP, 0)) {
		rq_push(c, f);
		switch_to_next(c);
		int r = f->killed ? -RUMPK_EKILLED : 0;
		hal_irq_restore(s);
		return r;
	}
	f->state = FIBER_WAITING;
	f->wq = wq;
	f->next = 0;
	f->prev = wq->tail;
	if (wq->tail)
		wq->tail->next = f;
	else
		wq->head = f;
	wq->tail = f;
	switch_to_next(c);
	int r = f->killed ? -RUMPK_EKILLED : 0;
	hal_irq_restore(s);
	return r;
}

/* Takes a waiting fiber off its queue (wake or kill). Interrupts disabled. */
static void waitq_unlink(struct fiber *f)
{
	struct waitq *wq = f->wq;
	if (f->prev)
		f->prev->next = f->next;
	else
		wq->head = f->next;
	if (f->next)
		f->next->prev = f->prev;
	else
		wq->tail = f->prev;
	f->next = f->prev = 0;
	f->wq = 0;
}

void fiber_kill(struct fiber *f)
{
	struct sched_cpu *c = this_cpu();
	hal_irq_state_t s = hal_irq_save();
	if (f->state != FIBER_ZOMBIE) {
		f->killed = 1;
		if (f->state == FIBER_WAITING) {
			waitq_unlink(f);
			rq_push(c, f);
		} else if (f->state == FIBER_SLEEPING) {
			heap_remove(c, f);
			rq_push(c, f);
			timer_reprogram();
		}
	}
	hal_irq_restore(s);
}

int fiber_killed(const struct fiber *f)
{
	return f->killed;
}

int sched_wake_one(struct waitq *wq)
{
	struct fiber *f = wq->head;
	if (!f)
		return 0;
	hal_irq_state_t s = hal_irq_save();
	f = wq->head;
	int n = 0;
	if (f) {
		waitq_unlink(f);
		rq_push(this_cpu(), f);
		n = 1;
	}
	hal_irq_restore(s);
	return n;
}

int sched_wake_all(struct waitq *wq)
{
	int n = 0;
	while (sched_wake_one(wq))
		n++;
	return n;
}

void completion_init(struct completion *cm, uint32_t count)
{
	waitq_init(&cm->wq);
	cm->count = count;
}

void completion_signal(struct completion *cm)
{
	hal_irq_state_t s = hal_irq_save();
	if (cm->count && --cm->count == 0)
		sched_wake_all(&cm->wq);
	hal_irq_restore(s);
}

int completion_wait(struct completion *cm)
{
	int r = 0;
	hal_irq_state_t s = hal_irq_save();
	while (cm->count && r == 0)
		r = sched_wait(&cm->wq);
	hal_irq_restore(s);
	return r;
}

/* ---- time ------------------------------------------------------------------------------ */

void sched_timer_irq(uint64_t now)
{
	struct sched_cpu *c = this_cpu();
	if (!c->current)
		return; /* the scheduler is not up yet (early boot stages) */
	while (c->sleepers && c->sleepers->wake_at <= now)
		rq_push(c, heap_pop(c));
	if (c->tick_deadline && now >= c->tick_deadline) {
		struct fiber *cur = c->current;
		if (cur == c->tick_owner && (c->ready & (1u << cur->prio))) {
			c->need_resched = 1; /* ran a whole slice while a peer waited */
			c->st.slices++;
		}
		c->tick_owner = cur;
		c->tick_deadline = (c->ready & (1u << cur->prio)) && cur != c->idle ? now + SLICE_TICK_NS : 0;
	}
}

uint64_t sched_next_deadline(void)
{
	struct sched_cpu *c = this_cpu();
	uint64_t d = c->sleepers ? c->sleepers->wake_at : UINT64_MAX;
	if (c->tick_deadline && c->tick_deadline < d)
		d = c->tick_deadline;
	return d;
}

/* ---- lifecycle ------------------------------------------------------------------------- */

/* Frees the stacks and structs of exited fibers. Never called on the switch path. */
static void reap(struct sched_cpu *c)
{
	while (c->zombies) {
		struct fiber *z = c->zombies;
		c->zombies = z->next;
		for (struct fiber **pp = &all_fibers; *pp; pp = &(*pp)->all_next) {
			if (*pp == z) {
				*pp = z->all_next;
				break;
			}
		}
		hal_ctx_release(&z->ctx);
		if (z->guarded)
			hal_stack_guard(z->stack, 0);
		page_free(z->stack, z->stack_order);
		kmem_free(z);
		c->st.fibers--;
		c->st.reaped++;
	}
}

static void fiber_entry(void *arg)
{
	struct fiber *f = arg;
	hal_irq_enable();
	f->fn(f->arg);
	sched_exit();
}

void sched_exit(void)
{
	struct sched_cpu *c = this_cpu();
	hal_irq_save();
	struct fiber *f = c->current;
	if (f == &boot_fiber || f == c->idle)
		kpanic("sched_exit: fiber %u (%s) may not exit", f->id, f->name);
	f->state = FIBER_ZOMBIE;
	f->next = c->zombies;
	c->zombies = f;
	hal_ctx_exit(&f->ctx, &take_next(c)->ctx);
}

static struct fiber *spawn(const char *name, void (*fn)(void *), void *arg, unsigned prio,
			   unsigned order, size_t reserve, int *err)
{
	struct sched_cpu *c = this_cpu();
	struct fiber *f = kmem_alloc(sizeof(*f));
	void *stack = page_alloc(order);
	if (!f || !stack) {
		kmem_free(f);
		page_free(stack, order);
		*err = -RUMPK_ENOMEM;
		return 0;
	}
	size_t size = (PAGE_SIZE << order) - reserve;
	f->stack = stack;
	f->stack_order = (unsigned)order;
	f->reserve = (uint32_t)reserve;
	f->guarded = hal_stack_guard(stack, 1) == 0;
	char *lo = (char *)stack + (f->guarded ? PAGE_SIZE : 0);
	f->canary = (uint64_t *)lo;
	*f->canary = FIBER_CANARY;
	/* the HAL gets the stack above the canary, keeping 16-byte alignment */
	hal_ctx_init(&f->ctx, lo + 16, size - (size_t)(lo + 16 - (char *)stack), fiber_entry, f);
	f->id = ++next_id;
	f->prio = (uint8_t)prio;
	f->fn = fn;
	f->arg = arg;
	f->name = name ? name : "fiber";
	f->all_next = all_fibers;
	all_fibers = f;
	c->st.fibers++;
	c->st.spawned++;
	rq_push(c, f);
	return f;
}

struct fiber *fiber_spawn_stack(const char *name, void (*fn)(void *), void *arg, unsigned prio,
				unsigned order, size_t reserve, int *err)
{
	int dummy;
	if (!err)
		err = &dummy;
	if (!fn || prio >= IDLE_PRIO || order < FIBER_STACK_ORDER || order > PAGE_MAX_ORDER ||
	    (reserve & 63) || reserve >= (PAGE_SIZE << order) / 2) {
		*err = -RUMPK_EINVAL;
		return 0;
	}
	hal_irq_state_t s = hal_irq_save();
	reap(this_cpu());
	struct fiber *f = spawn(name, fn, arg, prio, order, reserve, err);
	hal_irq_restore(s);
	return f;
}

struct fiber *fiber_spawn(const char *name, void (*fn)(void *), void *arg, unsigned prio, int *err)
{
	return fiber_spawn_stack(name, fn, arg, prio, FIBER_STACK_ORDER, 0, err);
}

uint64_t fiber_cpu_ns(const struct fiber *f)
{
	hal_irq_state_t s = hal_irq_save();
	uint64_t ns = f->cpu_ns;
	if (f == this_cpu()->current && (f->user || this_cpu()->account_all))
		ns += hal_time_ns() - f->slice_start;
	hal_irq_restore(s);
	return ns;
}

void *fiber_stack_reserve(const struct fiber *f)
{
	return (char *)f->stack + (PAGE_SIZE << f->stack_order) - f->reserve;
}

/* The lowest-priority fiber: reclaims exited fibers, then either hands the CPU to whoever
 * became runnable or sleeps in hal_cpu_idle() until an interrupt. Never busy-waits. */
static void idle_main(void *arg)
{
	struct sched_cpu *c = arg;
	for (;;) {
		hal_irq_state_t s = hal_irq_save();
		reap(c);
		if (c->ready & ~IDLE_BIT) {
			rq_push(c, c->current);
			switch_to_next(c);
		} else {
			c->st.idles++;
			hal_cpu_idle();
		}
		hal_irq_restore(s);
	}
}

int sched_init(void)
{
	struct sched_cpu *c = this_cpu();
	int err = 0;
	hal_irq_state_t s = hal_irq_save();

	boot_fiber.state = FIBER_RUNNING;
	boot_fiber.prio = SCHED_PRIO_DEFAULT;
	boot_fiber.name = "boot";
	boot_fiber.all_next = all_fibers;
	all_fibers = &boot_fiber;
	c->st.fibers = 1;
	c->current = &boot_fiber;
	c->idle = spawn("idle", idle_main, c, IDLE_PRIO, FIBER_STACK_ORDER, 0, &err);
	hal_irq_restore(s);
	return c->idle ? 0 : err;
}

void sched_reap(void)
{
	hal_irq_state_t s = hal_irq_save();
	reap(this_cpu());
	hal_irq_restore(s);
}

void sched_stats(struct sched_stats *out)
{
	hal_irq_state_t s = hal_irq_save();
	*out = this_cpu()->st;
	hal_irq_restore(s);
}

struct fiber *sched_guard_owner(uint64_t addr)
{
	for (struct fiber *f = all_fibers; f; f = f->all_next) {
		uint64_t lo = (uint64_t)(uintptr_t)f->stack;
		if (f->stack && addr >= lo && addr < lo + (f->guarded ? PAGE_SIZE : 0) + 16)
			return f;
	}
	return 0;
}
