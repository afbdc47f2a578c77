/*
 * user.c — user threads (user.h) and the core's user-mode callbacks of hal.h:
 * core_user_doorbell, core_user_fault and core_user_return dispatch to the current
 * thread's ops. The HAL calls them on the thread's kernel stack, below its frame, with
 * interrupts enabled.
 *
 * Ownership: struct uthread is this file's (kmem), freed by the thread itself as it ends;
 * the fiber and its stack (frame included) are the scheduler's, reclaimed after the fiber
 * exits; the space and the owner are the owner's (user.h gives the order).
 *
 * A kill is two marks: t->kill_pending, taken in core_user_return (and before the first
 * entry), and fiber_kill, which cancels the wait or sleep the thread may be blocked in,
 * so that it reaches its user boundary promptly. Hot paths (every trap and doorbell) do
 * no logging and no allocation.
 */
#include "user.h"

#include "kprintf.h"
#include "mem.h"
#include "param.h"
#include "sched.h"

struct uthread {
	struct fiber *fiber;
	struct hal_uframe *frame;  /* at the top of the fiber's stack */
	struct hal_as *as;
	const struct uthread_ops *ops;
	void *owner;
	uint64_t entry, sp;        /* the first entry */
	int kill_pending;
};

static struct uthread_stats st;

static struct uthread *current_thread(void)
{
	struct fiber *f = sched_current();
	struct uthread *t = f ? f->user : 0;
	if (!t)
		kpanic("user: a user-mode callback on fiber %u (%s), which carries no user thread",
		       f ? f->id : 0, f ? f->name : "none");
	return t;
}

/* The end of a thread, on its own fiber (user.h's teardown order). */
static void __attribute__((noreturn)) end_thread(struct uthread *t, int killed)
{
	hal_irq_state_t s = hal_irq_save();
	t->fiber->user = 0; /* from here on a plain fiber about to exit */
	hal_irq_restore(s);
	if (killed)
		st.kills++;
	st.live--;
	t->ops->exited(t->owner);
	kmem_free(t);
	sched_exit();
}

static void uthread_main(void *arg)
{
	struct uthread *t = arg;

	hal_uframe_init(t->frame, t->entry, t->sp);
	if (t->kill_pending)
		end_thread(t, 1);
	hal_user_enter(t->as, t->frame);
}

struct uthread *uthread_start(const char *name, struct hal_as *as, uint64_t entry, uint64_t sp,
			      const struct uthread_ops *ops, void *owner, int *err)
{
	int dummy;
	if (!err)
		err = &dummy;
	if (!as || !ops || !ops->doorbell || !ops->fault || !ops->exited) {
		*err = -RUMPK_EINVAL;
		return 0;
	}
	struct uthread *t = kmem_alloc(sizeof(*t));
	if (!t) {
		*err = -RUMPK_ENOMEM;
		return 0;
	}
	t->as = as;
	t->entry = entry;
	t->sp = sp;
	t->ops = ops;
	t->owner = owner;
	size_t reserve = (hal_uframe_size() + 63) & ~(size_t)63;
	hal_irq_state_t s = hal_irq_save(); /* the fiber must not run before it is complete */
	t->fiber = fiber_spawn_stack(name ? name : "user", uthread_main, t, UTHREAD_PRIO,
				     UTHREAD_STACK_ORDER, reserve, err);
	if (!t->fiber) {
		hal_irq_restore(s);
		kmem_free(t);
		return 0;
	}
	t->fiber->user = t;
	t->frame = fiber_stack_reserve(t->fiber);
	st.live++;
	st.started++;
	hal_irq_restore(s);
	return t;
}

void uthread_kill(struct uthread *t)
{
	t->kill_pending = 1;
	fiber_kill(t->fiber);
}

void uthread_exit(void)
{
	end_thread(current_thread(), 0);
}

struct uthread *uthread_current(void)
{
	struct fiber *f = sched_current();
	return f ? f->user : 0;
}

int uthread_killed(const struct uthread *t)
{
	return t->kill_pending;
}

uint64_t uthread_cpu_ns(const struct uthread *t)
{
	return fiber_cpu_ns(t->fiber);
}

struct hal_uframe *uthread_frame(const struct uthread *t)
{
	return t->frame;
}

void uthread_stats(struct uthread_stats *out)
{
	*out = st;
}

/* ---- hal.h's user-mode callbacks ------------------------------------------------------ */

void core_user_doorbell(struct hal_uframe *f)
{
	struct uthread *t = current_thread();
	(void)f;
	st.doorbells++;
	t->ops->doorbell(t->owner);
}

int core_user_fault(struct hal_uframe *f, uint32_t cause, uint64_t addr, uint64_t pc,
		    uint32_t access)
{
	struct uthread *t = current_thread();
	(void)f;
	st.faults++;
	int action = t->ops->fault(t->owner, cause, addr, pc, access);
	if (action != HAL_USER_RESUME && action != HAL_USER_RESCHED)
		action = HAL_USER_KILL; /* anything else is a kill, never a return to user code */
	return action;
}

void core_user_return(struct hal_uframe *f, int action)
{
	struct uthread *t = current_thread();
	(void)f;
	if (action == HAL_USER_KILL) {
		t->kill_pending = 1;
		fiber_kill(t->fiber);
	}
	if (!t->kill_pending && (action == HAL_USER_RESCHED || sched_need_resched())) {
		st.preempts++;
		fiber_yield();
	}
	if (!t->kill_pending && t->ops->boundary)
		t->ops->boundary(t->owner);
	if (t->kill_pending)
		end_thread(t, 1);
}
