/*
 * ring.c — kernel rings: allocation, and blocking send/receive for fibers.
 *
 * A fiber that finds its ring full (or empty) waits on the ring's wait queue; the other
 * side wakes one waiter after each packet it moves. Check and wait happen with interrupts
 * disabled, so a wake-up cannot fall between them; the wake itself is a pointer test when
 * nobody waits. No logging and no allocation on send/receive.
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
	r->order = order;
	ring_prod_attach(&r->prod, r->hdr, capacity);
	ring_cons_attach(&r->cons, r->hdr, capacity);
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
	page_free(r->hdr, r->order);
	kmem_free(r);
}

void kring_send(struct kring *r, const struct rumpk_packet *p)
{
	hal_irq_state_t s = hal_irq_save();
	while (!ring_push(&r->prod, p))
		sched_wait(&r->not_full);
	sched_wake_one(&r->not_empty);
	hal_irq_restore(s);
}

void kring_recv(struct kring *r, struct rumpk_packet *p)
{
	hal_irq_state_t s = hal_irq_save();
	while (!ring_pop(&r->cons, p))
		sched_wait(&r->not_empty);
	sched_wake_one(&r->not_full);
	hal_irq_restore(s);
}

uint64_t kring_slots_live(void)
{
	return slots_live;
}
