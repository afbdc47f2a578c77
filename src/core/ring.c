/*
 * ring.c — kernel rings: allocation, and blocking send/receive for fibers.
 *
 * A fiber that finds its ring full (or empty) waits on the ring's wait queue; the other
 * side wakes one waiter after each packet it moves. Check and wait happen with interrupts
 * disabled, so a wake-up cannot fall between them; the wake itself is a pointer test when
 * nobody waits. No logging and no allocation on send/receive.
 *
 * Both ends are kernel fibers, and both use the hardened side of rumpk/ring.h: each owns its
 * index (attached from the kernel's own start, never from the header) and checks the other's
 * before using it. So a fiber blocks only on "full" or "empty" as the other kernel fiber left
 * it, never on a value it could not have written; an index outside the window means the
 * ring's memory was overwritten, a broken invariant: kpanic. These pages are never mapped
 * into user space; a ring shared with a user is driven with ring_hpush/ring_hpop directly,
 * which return instead of waiting.
 */
#include "ring.h"

#include "kprintf.h"
#include "mem.h"

static uint64_t slots_live;

struct kring *kring_create(uint32_t capacity, int *err)
{
	if (!ring_capacity_ok(capacity) || ring_bytes(capacity) > (PAGE_SIZE << PAGE_MAX_ORDER)) {
		*err = -RUMPK_EINVAL;
		return 0;
	}
	unsigned order = 0;
	while ((PAGE_SIZE << order) < ring_bytes(capacity))
		order++;
	struct kring *r = kmem_alloc(sizeof(*r));
	void *mem = page_alloc(order);
	if (!r || !mem) {
		kmem_free(r);
		page_free(mem, order);
		*err = -RUMPK_ENOMEM;
		return 0;
	}
	ring_format(mem, capacity);
	r->hdr = mem;
	r->capacity = capacity;
	static uint32_t made;
	char name[RING_WATCH_NAME_MAX];
	ksnprintf(name, sizeof(name), "kring %u", ++made);
	ring_watch_add(&r->watch, name, RING_WATCH_PACKETS, capacity, &r->hdr->tail,
		       &r->hdr->head);
	r->order = order;
	ring_prod_own(&r->prod, r->hdr, capacity, 0);
	ring_cons_own(&r->cons, r->hdr, capacity, 0);
	waitq_init(&r->not_empty);
	waitq_init(&r->not_full);
	slots_live += capacity;
	return r;
}

void kring_destroy(struct kring *r)
{
	if (!r)
		return;
	if (r->not_empty.head || r->not_full.head)
		kpanic("kring_destroy: ring %p still has waiting fibers", (void *)r);
	slots_live -= r->capacity;
	ring_watch_del(&r->watch);
	page_free(r->hdr, r->order);
	kmem_free(r);
}

int kring_send(struct kring *r, const struct rumpk_packet *p)
{
	hal_irq_state_t s = hal_irq_save();
	int32_t n;
	while ((n = ring_hpush(&r->prod, p)) == 0) {
		if (sched_wait(&r->not_full) < 0) {
			hal_irq_restore(s);
			return -RUMPK_EKILLED;
		}
	}
	if (n < 0)
		kpanic("kring_send: ring %p: consumer head %#x impossible for tail %#x (ring memory "
		       "overwritten)", (void *)r, r->hdr->head, r->prod.tail);
	ring_watch_note(&r->watch);
	sched_wake_one(&r->not_empty);
	hal_irq_restore(s);
	return 0;
}

int kring_recv(struct kring *r, struct rumpk_packet *p)
{
	hal_irq_state_t s = hal_irq_save();
	int32_t n;
	while ((n = ring_hpop(&r->cons, p)) == 0) {
		if (sched_wait(&r->not_empty) < 0) {
			hal_irq_restore(s);
			return -RUMPK_EKILLED;
		}
	}
	if (n < 0)
		kpanic("kring_recv: ring %p: producer tail %#x impossible for head %#x (ring memory "
		       "overwritten)", (void *)r, r->hdr->tail, r->cons.head);
	sched_wake_one(&r->not_full);
	hal_irq_restore(s);
	return 0;
}

uint64_t kring_slots_live(void)
{
	return slots_live;
}
