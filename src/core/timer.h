/*
 * timer.h — the core's side of the one-shot HAL timer: one owner for the periodic tick and
 * the scheduler's deadlines, interrupts counted in the handler.
 */
#ifndef RUMPK_TIMER_H
#define RUMPK_TIMER_H

#include <stdint.h>

struct timer_stats {
	uint64_t irqs;      /* timer interrupts taken (incremented in core_timer_irq) */
	uint64_t ticks;     /* periodic tick deadlines reached (incremented there too) */
	uint64_t early;     /* interrupts that arrived before their deadline: must stay 0 */
	uint64_t max_late_ns; /* worst lateness seen, for reports */
};

/* timer_tick_start — interrupts disabled. Starts a periodic tick of period_ns (> 0). */
void timer_tick_start(uint64_t period_ns);

/* timer_tick_stop — interrupts disabled. Stops the tick and disarms the HAL timer. */
void timer_tick_stop(void);

/* timer_reprogram — interrupts disabled. Arms the HAL timer for the earliest deadline any
 * client needs (or disarms it). Call after changing what sched_next_deadline() returns. */
void timer_reprogram(void);

/* timer_stats — a consistent copy of the counters (takes interrupts off briefly). */
void timer_stats(struct timer_stats *out);

#endif /* RUMPK_TIMER_H */
