/*
 * ring.h — kernel rings: a rumpk/ring.h ring in pages of its own, plus the wait queues that
 * let a fiber block until the ring is non-empty (consumer) or non-full (producer).
 * The lock-free accessors themselves are in include/rumpk/ring.h, shared with user space.
 */
#ifndef RUMPK_KRING_H
#define RUMPK_KRING_H

#include <stdint.h>

#include "rumpk/ring.h"
#include "ringwatch.h"
#include "sched.h"

struct kring {
	struct rumpk_ring_hdr *hdr;
	uint32_t capacity;
	unsigned order;          /* page order of the ring's memory */
	struct ring_prod prod;   /* kernel-side producer handle */
	struct ring_cons cons;   /* kernel-side consumer handle */
	struct waitq not_empty;  /* consumers waiting for a packet */
	struct waitq not_full;   /* producers waiting for a slot */
	struct ring_watch watch; /* "kring N" in the list of rings (ringwatch.h) */
};

/* kring_create — a ring of `capacity` (power of two) slots in zeroed pages. NULL with *err
 * (-RUMPK_EINVAL, -RUMPK_ENOMEM). Fiber context. */
struct kring *kring_create(uint32_t capacity, int *err);
void kring_destroy(struct kring *r);

/* kring_send / kring_recv — one packet, blocking the calling fiber while the ring is full /
 * empty, waking the other side. Both sides must be fibers of this kernel; the ring's pages
 * are never mapped into user space. An impossible index (ring memory overwritten) panics.
 * Returns 0, or -RUMPK_EKILLED (nothing moved) if the calling fiber is killed while it
 * waits (fiber_kill). */
int kring_send(struct kring *r, const struct rumpk_packet *p);
int kring_recv(struct kring *r, struct rumpk_packet *p);

/* Ring slots currently allocated to kernel rings (a leak gate reads it). */
uint64_t kring_slots_live(void);

#endif /* RUMPK_KRING_H */
