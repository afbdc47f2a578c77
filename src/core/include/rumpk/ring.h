/*
 * rumpk/ring.h — single-producer / single-consumer rings of 32-byte packets, Disruptor
 * style. One inline header shared by the kernel and user space (libnexus); it needs only
 * rumpk/abi.h and compiler builtins, so it works freestanding and hosted.
 *
 * Layout: struct rumpk_ring_hdr in abi.h (set-up line, producer's line, consumer's line),
 * then a power-of-two number of slots. The contract for the shared fields:
 *
 *   field     written by        read by           ordering
 *   tail      the producer      the consumer      producer fills slots, then store-release
 *                                                 tail; consumer load-acquires tail, then
 *                                                 reads the slots below it
 *   head      the consumer      the producer      consumer copies slots out, then
 *                                                 store-release head; producer load-acquires
 *                                                 head, then overwrites the slots below it
 *   flags     the consumer      the producer      RUMPK_RING_NEED_WAKEUP (doorbell logic)
 *   magic, version, capacity    the creator, once; read-only afterwards, and never trusted
 *                                                 by a kernel side (it keeps its own capacity)
 *
 * Indices are free-running uint32_t counters (slot = index & (capacity - 1)): the producer
 * has tail - head slots in use, always 0..capacity for an honest pair.
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
 * Two kinds of side:
 *   trusting  (ring_prod_attach / ring_cons_attach, ring_push, ring_pop, ...): both sides
 *             belong to one party. Attach takes the starting indices from the header.
 *   hardened  (ring_prod_own / ring_cons_own, ring_hpush*, ring_hpop*): a kernel facing a
 *             ring that user space also writes (completion ring: kernel produces; submission
 *             ring: kernel consumes). io_uring's rule: the peer's index is a claim, not a fact.
 *             - The side owns its index: attach takes the start from the kernel (the value it
 *               formatted the ring with) and the capacity from the kernel, never from shared
 *               memory; the shared copy of its own index is only ever written, never read
 *               back, so a user overwriting it changes nothing the kernel does.
 *             - It reads the peer's index with one load per refresh (no second fetch), and
 *               accepts it only inside the window an honest peer could have produced: a tail
 *               in [head, head + capacity], a head in [tail - capacity, tail]. Anything else
 *               (random, huge, behind, ahead, wrapped the wrong way) is nonsense: the call
 *               moves nothing, adds one to `rejected` and returns -RUMPK_ERANGE. The
 *               cached copy only ever holds a value that passed the check.
 *             - It never waits: every call returns at once with a count (> 0), 0 (ring full
 *               for the producer, empty for the consumer) or -RUMPK_ERANGE, does at most
 *               min(n, capacity) packet copies, and touches only slot memory and the two
 *               index words. Blocking, retrying or killing the peer is the caller's choice.
 *             - Slot contents stay untrusted: the consumer copies each packet out once, and
 *               the caller validates only that copy.
 *   The kernel's own fiber rings (src/core/ring.h, kring) drive both ends with the hardened
 *   calls; their pages are never mapped into user space.
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
	uint64_t rejected;   /* hardened producer: consumer heads that made no sense */
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
	p->rejected = 0;
}

/* ring_prod_own — hardened producer: the kernel owns tail. Starts at `start` (what the
 * kernel formatted the ring with; the ring is empty then) and `capacity` (the kernel's
 * own value); reads nothing from shared memory and publishes its starting tail. */
static inline void ring_prod_own(struct ring_prod *p, struct rumpk_ring_hdr *h, uint32_t capacity,
				 uint32_t start)
{
	p->slots = ring_slots(h);
	p->mask = capacity - 1;
	p->tail = start;
	p->head_cache = start;
	p->rejected = 0;
	ring_store_release(&h->tail, start);
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

/* ring_cons_own — hardened consumer: the kernel owns head (see ring_prod_own). */
static inline void ring_cons_own(struct ring_cons *c, struct rumpk_ring_hdr *h, uint32_t capacity,
				 uint32_t start)
{
	c->slots = ring_slots(h);
	c->mask = capacity - 1;
	c->head = start;
	c->tail_cache = start;
	c->rejected = 0;
	ring_store_release(&h->head, start);
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

/* ---- hardened sides (a kernel facing user space: see the top of this file) ------------ */

#define RING_HMAX 0x7fffffffu /* a hardened call moves at most this many (its count is int32_t) */

/* ring_hpush_batch — hardened producer: up to n packets, one publish. Returns how many
 * went in (> 0), 0 if the ring is full (or n is 0), or -RUMPK_ERANGE if the consumer's
 * head is outside [tail - capacity, tail] (nothing written, p->rejected counts it). Reads
 * the shared head at most once, and only when the cached one leaves less than n free. */
static inline int32_t ring_hpush_batch(struct ring_prod *p, const struct rumpk_packet *pkts, uint32_t n)
{
	struct rumpk_packet *slots = p->slots;
	uint32_t t = p->tail, mask = p->mask;
	uint32_t space = mask + 1 - (t - p->head_cache); /* cache checked when read: <= cap used */
	if (space < n) {
		uint32_t head = ring_load_acquire(&ring_hdr_of(slots)->head);
		if (t - head > mask + 1) {
			p->rejected++;
			return -RUMPK_ERANGE;
		}
		p->head_cache = head;
		space = mask + 1 - (t - head);
	}
	if (n > space)
		n = space;
	if (n > RING_HMAX)
		n = RING_HMAX;
	for (uint32_t i = 0; i < n; i++)
		ring_copy_packet(&slots[(t + i) & mask], &pkts[i]);
	p->tail = t + n;
	if (n)
		ring_store_release(&ring_hdr_of(slots)->tail, t + n);
	return (int32_t)n;
}

/* ring_hspace — hardened producer: free slots (> 0), 0 if the ring is full, or
 * -RUMPK_ERANGE if the consumer's head is outside [tail - capacity, tail] (counted in
 * p->rejected). Reads the shared head only when the cached one says full. */
static inline int32_t ring_hspace(struct ring_prod *p)
{
	uint32_t t = p->tail, mask = p->mask;
	uint32_t space = mask + 1 - (t - p->head_cache);
	if (space == 0) {
		uint32_t head = ring_load_acquire(&ring_hdr_of(p->slots)->head);
		if (t - head > mask + 1) {
			p->rejected++;
			return -RUMPK_ERANGE;
		}
		p->head_cache = head;
		space = mask + 1 - (t - head);
	}
	return space > RING_HMAX ? (int32_t)RING_HMAX : (int32_t)space;
}

/* ring_hpush — one packet, published at once: 1, 0 if full, or -RUMPK_ERANGE. */
static inline int32_t ring_hpush(struct ring_prod *p, const struct rumpk_packet *pkt)
{
	return ring_hpush_batch(p, pkt, 1);
}

/* ring_hpop_batch — hardened consumer: up to max packets, each copied once into `out`, one
 * release. Returns how many (> 0), 0 if the ring is empty (or max is 0), or -RUMPK_ERANGE if
 * the producer's tail is outside [head, head + capacity] (nothing read, c->rejected counts
 * it). Reads the shared tail at most once, and only when the cached one holds fewer than
 * max packets. */
static inline int32_t ring_hpop_batch(struct ring_cons *c, struct rumpk_packet *out, uint32_t max)
{
	struct rumpk_packet *slots = c->slots;
	uint32_t h = c->head, mask = c->mask;
	uint32_t n = c->tail_cache - h; /* cache checked when read: <= cap */
	if (n < max) {
		uint32_t tail = ring_load_acquire(&ring_hdr_of(slots)->tail);
		if (tail - h > mask + 1) {
			c->rejected++;
			return -RUMPK_ERANGE;
		}
		c->tail_cache = tail;
		n = tail - h;
	}
	if (n > max)
		n = max;
	if (n > RING_HMAX)
		n = RING_HMAX;
	for (uint32_t i = 0; i < n; i++)
		ring_copy_packet(&out[i], &slots[(h + i) & mask]);
	c->head = h + n;
	if (n)
		ring_store_release(&ring_hdr_of(slots)->head, h + n);
	return (int32_t)n;
}

/* ring_hpop — one packet, its slot released at once: 1, 0 if empty, or -RUMPK_ERANGE. */
static inline int32_t ring_hpop(struct ring_cons *c, struct rumpk_packet *out)
{
	return ring_hpop_batch(c, out, 1);
}

#endif /* RUMPK_RING_H */
