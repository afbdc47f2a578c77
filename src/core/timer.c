/*
 * timer.c — the core's owner of the HAL's one-shot timer.
 *
 * Two clients share it: a periodic tick (the timer boot stage and selftest=timer use it)
 * and the scheduler (sleepers and time slices, sched_next_deadline()). timer_reprogram()
 * arms the HAL for the earliest of their deadlines, or disarms it when nobody needs one, so
 * an idle machine takes no interrupts.
 *
 * Ownership: the state below is written by core_timer_irq() (interrupt context) and by
 * callers that run with interrupts disabled, so one CPU never sees a torn update. The
 * handler counts, checks the interrupt was not early, advances the tick from its previous
 * deadline (so the period does not drift), lets the scheduler wake sleepers, re-arms and
 * returns: no logging, no allocation.
 */
#include "timer.h"

#include "fault.h"
#include "hal.h"
#include "sched.h"

static struct {
	uint64_t period_ns;  /* 0 when the periodic tick is stopped */
	uint64_t deadline;   /* its next deadline */
	uint64_t armed;      /* what the HAL timer is armed for; UINT64_MAX when disarmed */
	uint64_t want;       /* the deadline `armed` stands for (they differ by an injection) */
	struct timer_stats st;
} tick = { .armed = UINT64_MAX, .want = UINT64_MAX };

/* Fault points "timerlate" and "timerearly": the one-shot armed up to TIMER_SKEW_MAX_NS
 * after or before the deadline it stands for. Late only delays (sleepers never wake
 * early); an early interrupt finds nothing due and the deadline is armed again, so what
 * runs is the path a HAL's imprecise timer takes. */
#define TIMER_SKEW_MAX_NS 20000000ull /* 20 ms */

static uint64_t skewed(uint64_t d)
{
	uint64_t r;

	if (fault_inject(RUMPK_INJ_TIMERLATE, &r))
		return d + 1 + r % TIMER_SKEW_MAX_NS;
	if (fault_inject(RUMPK_INJ_TIMEREARLY, &r)) {
		uint64_t early = 1 + r % TIMER_SKEW_MAX_NS;
		return d > early ? d - early : 0;
	}
	return d;
}

void timer_reprogram(void)
{
	uint64_t d = tick.period_ns ? tick.deadline : UINT64_MAX;
	uint64_t s = sched_next_deadline();
	if (s < d)
		d = s;
	if (d == tick.want)
		return;
	tick.want = d;
	if (d == UINT64_MAX) {
		tick.armed = d;
		hal_timer_disarm();
	} else {
		tick.armed = skewed(d);
		hal_timer_arm(tick.armed);
	}
}

void core_timer_irq(int in_user)
{
	(void)in_user; /* the same work either way: core_user_return acts on need-resched */
	uint64_t now = hal_time_ns();

	tick.st.irqs++;
	if (now < tick.armed)
		tick.st.early++;
	else if (now - tick.armed > tick.st.max_late_ns)
		tick.st.max_late_ns = now - tick.armed;
	tick.armed = tick.want = UINT64_MAX; /* the HAL's one-shot has fired */
	if (tick.period_ns && now >= tick.deadline) {
		tick.st.ticks++;
		tick.deadline += tick.period_ns;
		if (tick.deadline <= now) /* fell behind (a stopped debugger): skip, don't storm */
			tick.deadline = now + tick.period_ns;
	}
	sched_timer_irq(now);
	timer_reprogram();
}

void timer_tick_start(uint64_t period_ns)
{
	tick.period_ns = period_ns;
	tick.deadline = hal_time_ns() + period_ns;
	timer_reprogram();
}

void timer_tick_stop(void)
{
	tick.period_ns = 0;
	timer_reprogram();
}

void timer_stats(struct timer_stats *out)
{
	hal_irq_state_t s = hal_irq_save();
	*out = tick.st;
	hal_irq_restore(s);
}
