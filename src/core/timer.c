/*
 * timer.c — periodic tick over the HAL's one-shot timer.
 *
 * Ownership: the tick state below is written by core_timer_irq() (interrupt context) and by
 * timer_tick_start/stop, which run with interrupts disabled, so one CPU never sees a torn
 * update. The handler counts, checks the deadline was honoured, re-arms from the previous
 * deadline (not from "now", so the period does not drift) and returns: no logging, no
 * allocation. Scheduler slices hook in here in a later issue.
 */
#include "timer.h"

#include "hal.h"

static struct {
	uint64_t period_ns;  /* 0 when stopped */
	uint64_t deadline;   /* the armed deadline */
	struct timer_stats st;
} tick;

void core_timer_irq(void)
{
	uint64_t now = hal_time_ns();

	tick.st.irqs++;
	if (now < tick.deadline)
		tick.st.early++;
	else if (now - tick.deadline > tick.st.max_late_ns)
		tick.st.max_late_ns = now - tick.deadline;
	if (!tick.period_ns)
		return;
	tick.deadline += tick.period_ns;
	if (tick.deadline <= now) /* fell behind (e.g. a stopped debugger): skip, don't storm */
		tick.deadline = now + tick.period_ns;
	hal_timer_arm(tick.deadline);
}

void timer_tick_start(uint64_t period_ns)
{
	tick.period_ns = period_ns;
	tick.deadline = hal_time_ns() + period_ns;
	hal_timer_arm(tick.deadline);
}

void timer_tick_stop(void)
{
	tick.period_ns = 0;
	hal_timer_disarm();
}

void timer_stats(struct timer_stats *out)
{
	hal_irq_state_t s = hal_irq_save();
	*out = tick.st;
	hal_irq_restore(s);
}
