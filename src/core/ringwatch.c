/*
 * ringwatch.c — the list of rings (ringwatch.h).
 */
#include "ringwatch.h"

#include "hal.h"

struct ring_watch *ring_watch_list;

void ring_watch_add(struct ring_watch *w, const char *name, uint32_t unit, uint32_t capacity,
		    const volatile uint32_t *tail, const volatile uint32_t *head)
{
	size_t i = 0;
	for (; name[i] && i < RING_WATCH_NAME_MAX - 1; i++)
		w->name[i] = name[i];
	w->name[i] = '\0';
	w->unit = unit;
	w->capacity = capacity;
	w->tail = tail;
	w->head = head;
	w->peak = 0;
	w->notes = 0;
	hal_irq_state_t s = hal_irq_save();
	/* Already listed (its memory reused without a del: a test's aborted boot)? Unlink it
	 * first, so the list can never loop. Adds are rare (a spawn), the list short. */
	struct ring_watch *before = 0;
	for (struct ring_watch *x = ring_watch_list; x; before = x, x = x->next)
		if (x == w) {
			if (before)
				before->next = w->next;
			else
				ring_watch_list = w->next;
			if (w->next)
				w->next->prev = before;
			break;
		}
	w->prev = 0;
	w->next = ring_watch_list;
	if (ring_watch_list)
		ring_watch_list->prev = w;
	ring_watch_list = w;
	hal_irq_restore(s);
}

void ring_watch_del(struct ring_watch *w)
{
	hal_irq_state_t s = hal_irq_save();
	if (w->prev)
		w->prev->next = w->next;
	else if (ring_watch_list == w)
		ring_watch_list = w->next;
	else {
		hal_irq_restore(s); /* not on the list */
		return;
	}
	if (w->next)
		w->next->prev = w->prev;
	w->next = w->prev = 0;
	hal_irq_restore(s);
}
