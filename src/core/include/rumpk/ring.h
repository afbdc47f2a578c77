/*
 * rumpk/ring.h — single-producer / single-consumer rings of 32-byte packets, Disruptor
 * style. One inline header shared by the kernel and user space (libnexus); it needs only
 * rumpk/abi.h and compiler builtins, so it works freestanding and hosted.
 *
 * Layout and the ownership of every shared field: struct rumpk_ring_hdr in abi.h.
 *
 * Each side keeps a private handle (never in shared memory):
 *   producer: its own tail (slots filled but maybe not yet published) and a cached copy of
 *             the consumer's head, re-read only when the cached value says "full";
 *   consumer: its own head (slots read but maybe not yet released) and a cached copy of
 *             the producer's tail, re-read only when the cached value says "empty".
 * So a steady stream costs one shared-line read per batch, not per packet, and each side
 * writes only its own cache line. Publishing (tail) and releasing (head) are separate calls
 * so callers can batch: fill n slots, publish once.
 *
 * Memory order: the producer writes slots, then store-release tail; the consumer
 * load-acquires tail, then reads slots. The consumer copies slots out, then store-releases
 * head; the producer load-acquires head, then overwrites slots. Nothing else is needed.
 *
 * Trust: the plain consumer/producer trust the other side. A kernel facing a user-space
 * producer uses the hardened consumer (ring_hpop_batch): it reads the producer's tail once
 * per call, clamps the count to the capacity it was given at attach time (never re-read from
 * shared memory), copies each packet exactly once into the caller's memory, and never loops
 * on a value the producer controls. Garbage indices cost the producer its packets (they are
 * consumed as whatever the slots hold, to be rejected by packet validation) and add to
 * `rejected`; the consumer always makes progress and never reads outside the slots.
 */
#ifndef RUMPK_RING_H
#define RUMPK_RING_H

#include <stddef.h>
#include <stdint.h>

#include "rumpk/abi.h"

/* Bytes of memory a ring of `capacity` slots needs (header + slots). */
static inline size_t ring_bytes(uint32_t capacity)
{
	return RUMPK_RING_SLOTS_OFFSET + (size_t)capacity * sizeof(struct rumpk_packet);
}

static inline int ring_capacity_ok(uint32_t capacity)
{
	return capacity && capacity <= (1u << 31) && (capacity & (capacity - 1)) == 0;
}

/* ring_format — writes an empty ring header into `mem` (ring_bytes(capacity) bytes, 64-byte
 * aligned). Returns 0, or -RUMPK_EINVAL if capacity is not a power of two. */
static inline int ring_format(void *mem, uint32_t capacity)
{
	struct rumpk_ring_hdr *h = (struct rumpk_ring_hdr *)mem;
	if (!ring_capacity_ok(capacity))
		return -RUMPK_EINVAL;
	__builtin_memset(h, 0, sizeof(*h));
	h->magic = RUMPK_RING_MAGIC;
	h->version = RUMPK_RING_VERSION;
	h->capacity = capacity;
	return 0;
}

static inline struct rumpk_packet *ring_slots(struct rumpk_ring_hdr *h)
{
	return (struct rumpk_packet *)((char *)h + RUMPK_RING_SLOTS_OFFSET);
}

static inline uint32_t ring_load_acquire(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void ring_store_release(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline void ring_copy_packet(struct rumpk_packet *dst, const struct rumpk_packet *src)
{
	__builtin_memcpy(dst, src, sizeof(*dst)); /* inlined: two 16-byte moves */
}

/* ---- producer -------------------------------------------------------------------------- */

struct ring_prod {
	struct rumpk_packet *slots; /* the header sits right below: ring_hdr_of(slots) */
	uint32_t mask;       /* capacity - 1, from attach (never re-read from shared memory) */
	uint32_t tail;       /* next slot to fill; published up to the header's tail */
	uint32_t head_cache; /* last head read from the consumer */
};

static inline struct rumpk_ring_hdr *ring_hdr_of(struct rumpk_packet *slots)
{
	return (struct rumpk_ring_hdr *)((char *)slots - RUMPK_RING_SLOTS_OFFSET);
}

/* ring_prod_attach — `capacity` is what the creator formatted the ring with. */
static inline void ring_prod_attach(struct ring_prod *p, struct rumpk_ring_hdr *h, uint32_t capacity)
{
	p->slots = ring_slots(h);
	p->mask = capacity - 1;
	p->tail = h->tail;
	p->head_cache = ring_load_acquire(&h->head);
}

/* Free slots after re-reading the consumer's head. An impossible head (ahead of our tail)
 * is not a real consumer: the ring counts as full. */
static inline uint32_t ring_space_refresh(struct ring_prod *p)
{
	p->head_cache = ring_load_acquire(&ring_hdr_of(p->slots)->head);
	uint32_t used = p->tail - p->head_cache;
	return used > p->mask + 1 ? 0 : p->mask + 1 - used;
}

/* ring_space — free slots; re-reads the consumer's head only if the cached one says full. */
static inline uint32_t ring_space(struct ring_prod *p)
{
	uint32_t used = p->tail - p->head_cache;
	return used > p->mask ? ring_space_refresh(p) : p->mask + 1 - used;
}

/* One packet into the next slot, published or not. The handle's fields are read into
 * locals first: the packet copy may alias them as far as the compiler knows. */
static inline int ring_put(struct ring_prod *p, const struct rumpk_packet *pkt, int publish)
{
	struct rumpk_packet *slots = p->slots;
	uint32_t t = p->tail, mask = p->mask;
	if (t - p->head_cache > mask && !ring_space_refresh(p))
		return 0;
	ring_copy_packet(&slots[t & mask], pkt);
	p->tail = t + 1;
	if (publish)
		ring_store_release(&ring_hdr_of(slots)->tail, t + 1);
	return 1;
}

/* ring_try_push — fills one slot without publishing it. 1, or 0 if the ring is full. */
static inline int ring_try_push(struct ring_prod *p, const struct rumpk_packet *pkt)
{
	return ring_put(p, pkt, 0);
}

/* ring_publish — makes every filled slot visible to the consumer. */
static inline void ring_publish(struct ring_prod *p)
{
	ring_store_release(&ring_hdr_of(p->slots)->tail, p->tail);
}

/* ring_push — one packet, published at once. 1, or 0 if full. */
static inline int ring_push(struct ring_prod *p, const struct rumpk_packet *pkt)
{
	return ring_put(p, pkt, 1);
}

/* ring_push_batch — up to n packets, one publish. Returns how many went in. */
static inline uint32_t ring_push_batch(struct ring_prod *p, const struct rumpk_packet *pkts, uint32_t n)
{
	struct rumpk_packet *slots = p->slots;
	uint32_t t = p->tail, mask = p->mask;
	uint32_t used = t - p->head_cache;
	uint32_t space = used > mask + 1 ? 0 : mask + 1 - used;
	if (space < n) /* the cache may be stale: one shared read per batch at most */
		space = ring_space_refresh(p);
	if (n > space)
		n = space;
	for (uint32_t i = 0; i < n; i++)
		ring_copy_packet(&slots[(t + i) & mask], &pkts[i]);
	p->tail = t + n;
	if (n)
		ring_store_release(&ring_hdr_of(slots)->tail, t + n);
	return n;
}

/* ---- consumer -------------------------------------------------------------------------- */

struct ring_cons {
	struct rumpk_packet *slots; /* the header sits right below: ring_hdr_of(slots) */
	uint32_t mask;       /* capacity - 1, from attach */
	uint32_t head;       /* next slot to read; released up to the header's head */
	uint32_t tail_cache; /* last tail read from the producer */
	uint64_t rejected;   /* hardened consumer: producer indices that made no sense */
};

static inline void ring_cons_attach(struct ring_cons *c, struct rumpk_ring_hdr *h, uint32_t capacity)
{
	c->slots = ring_slots(h);
	c->mask = capacity - 1;
	c->head = h->head;
	c->tail_cache = c->head;
	c->rejected = 0;
}

/* ring_avail — filled slots; re-reads the producer's tail only if the cache says empty. */
static inline uint32_t ring_avail(struct ring_cons *c)
{
	if (c->tail_cache == c->head)
		c->tail_cache = ring_load_acquire(&ring_hdr_of(c->slots)->tail);
	return c->tail_cache - c->head;
}

/* One packet out of the next slot, its slot released or not (locals as in ring_put). */
static inline int ring_get(struct ring_cons *c, struct rumpk_packet *out, int release)
{
	struct rumpk_packet *slots = c->slots;
	uint32_t h = c->head;
	if (c->tail_cache == h) {
		uint32_t t = ring_load_acquire(&ring_hdr_of(slots)->tail);
		c->tail_cache = t;
		if (t == h)
			return 0;
	}
	ring_copy_packet(out, &slots[h & c->mask]);
	c->head = h + 1;
	if (release)
		ring_store_release(&ring_hdr_of(slots)->head, h + 1);
	return 1;
}

/* ring_try_pop — copies out one packet without releasing its slot. 1, or 0 if empty. */
static inline int ring_try_pop(struct ring_cons *c, struct rumpk_packet *out)
{
	return ring_get(c, out, 0);
}

/* ring_release — hands every slot read so far back to the producer. */
static inline void ring_release(struct ring_cons *c)
{
	ring_store_release(&ring_hdr_of(c->slots)->head, c->head);
}

/* ring_pop — one packet, its slot released at once. 1, or 0 if empty. */
static inline int ring_pop(struct ring_cons *c, struct rumpk_packet *out)
{
	return ring_get(c, out, 1);
}

/* ring_pop_batch — up to max packets, one release. Returns how many were copied out. */
static inline uint32_t ring_pop_batch(struct ring_cons *c, struct rumpk_packet *out, uint32_t max)
{
	struct rumpk_packet *slots = c->slots;
	uint32_t h = c->head, mask = c->mask;
	uint32_t n = c->tail_cache - h;
	if (n < max) { /* the cache may be stale: one shared read per batch */
		c->tail_cache = ring_load_acquire(&ring_hdr_of(slots)->tail);
		n = c->tail_cache - h;
	}
	if (n > max)
		n = max;
	for (uint32_t i = 0; i < n; i++)
		ring_copy_packet(&out[i], &slots[(h + i) & mask]);
	c->head = h + n;
	if (n)
		ring_store_release(&ring_hdr_of(slots)->head, h + n);
	return n;
}

/* ring_hpop_batch — the hardened consumer for an untrusted producer: see the top of this
 * file. Reads the producer's tail exactly once; copies at most min(max, capacity) packets,
 * each once; counts an impossible tail in c->rejected. */
static inline uint32_t ring_hpop_batch(struct ring_cons *c, struct rumpk_packet *out, uint32_t max)
{
	struct rumpk_packet *slots = c->slots;
	uint32_t h = c->head, cap = c->mask + 1;
	uint32_t n = ring_load_acquire(&ring_hdr_of(slots)->tail) - h;
	if (n > cap) {
		c->rejected++;
		n = cap;
	}
	if (n > max)
		n = max;
	for (uint32_t i = 0; i < n; i++)
		ring_copy_packet(&out[i], &slots[(h + i) & c->mask]);
	c->head = h + n;
	if (n)
		ring_store_release(&ring_hdr_of(slots)->head, h + n);
	return n;
}

#endif /* RUMPK_RING_H */
