/*
 * ringwatch.h — every ring the kernel serves, in one list, for whoever watches the kernel
 * work: the debugger's `info rings` (scripts/gdb/rumpk.py reads the list by its symbol) and,
 * later, the HUD. A ring joins when it is made and leaves before its memory goes. The only
 * thing a ring's own path does with its watch is ring_watch_note (a load, a compare, maybe
 * a store): the peak fill, noted where the kernel already looks at the indices (a drain, a
 * completion, console input), never per packet on a user's side.
 */
#ifndef RUMPK_RINGWATCH_H
#define RUMPK_RINGWATCH_H

#include <stdint.h>

#define RING_WATCH_NAME_MAX 24

enum ring_watch_unit {
	RING_WATCH_PACKETS = 1, /* 32-byte packets (docs/abi.md) */
	RING_WATCH_BYTES = 2,   /* bytes (the console's input) */
};

struct ring_watch {
	struct ring_watch *next, *prev;
	char name[RING_WATCH_NAME_MAX];  /* "console in", "pid 3 sq", "kring 2" */
	uint32_t unit;                    /* enum ring_watch_unit */
	uint32_t capacity;                /* slots */
	const volatile uint32_t *tail;    /* the producer's index (free-running) */
	const volatile uint32_t *head;    /* the consumer's index */
	uint32_t peak;                    /* the highest fill a note saw */
	uint32_t notes;
};

/* The list, newest first (NULL when empty). Read by the debugger; walk it with interrupts
 * disabled from C. */
extern struct ring_watch *ring_watch_list;

/* ring_watch_add — w (caller's memory, zeroed or not) joins the list under `name` (cut to
 * RING_WATCH_NAME_MAX - 1). Any context, interrupts any. */
void ring_watch_add(struct ring_watch *w, const char *name, uint32_t unit, uint32_t capacity,
		    const volatile uint32_t *tail, const volatile uint32_t *head);

/* ring_watch_del — w leaves the list (a w not on it, or zeroed, is ignored). Any context. */
void ring_watch_del(struct ring_watch *w);

/* ring_watch_fill — the ring's fill now (tail - head; a value above the capacity, which
 * only a hostile peer's index can give, reads as the capacity). */
static inline uint32_t ring_watch_fill(const struct ring_watch *w)
{
	uint32_t f = *w->tail - *w->head;
	return f > w->capacity ? w->capacity : f;
}

/* ring_watch_note — keeps the peak fill. Cheap enough for a drain or an input path. */
static inline void ring_watch_note(struct ring_watch *w)
{
	uint32_t f = ring_watch_fill(w);
	w->notes++;
	if (f > w->peak)
		w->peak = f;
}

#endif /* RUMPK_RINGWATCH_H */
