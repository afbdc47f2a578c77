/*
 * test_ring.c — ring semantics on one thread: empty, full, publish/release visibility,
 * index wrap-around at 2^32, batch edges; then the hardened (kernel) sides: attach from the
 * kernel's own state, every index outside the window refused, and 10^6 operations with
 * hostile values written into the shared header and slots before every one of them (each
 * call ends, stays inside the slots, and keeps the side's own counts consistent); and the
 * kernel's fiber rings, which panic instead of blocking on an impossible index.
 */
#include <check.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fake_hal.h"
#include "mem.h"
#include "ring.h" /* the kernel's fiber rings; includes rumpk/ring.h */
#include "sched.h"

#define CAP 16u

static void *mem;
static struct rumpk_ring_hdr *hdr;
static struct ring_prod P;
static struct ring_cons C;

static struct rumpk_packet pkt(uint64_t i)
{
	struct rumpk_packet p = { .kind = (uint16_t)i, .tag = (uint32_t)i, .arg = i, .id = ~i };
	return p;
}

static void setup_at(uint32_t start)
{
	free(mem);
	mem = aligned_alloc(64, ring_bytes(CAP));
	ck_assert_int_eq(ring_format(mem, CAP), 0);
	hdr = mem;
	hdr->head = hdr->tail = start;
	ring_prod_attach(&P, hdr, CAP);
	ring_cons_attach(&C, hdr, CAP);
}

static void setup(void)
{
	setup_at(0);
}

START_TEST(format_checks_capacity)
{
	char buf[1024] __attribute__((aligned(64)));
	ck_assert_int_eq(ring_format(buf, 0), -RUMPK_EINVAL);
	ck_assert_int_eq(ring_format(buf, 3), -RUMPK_EINVAL);
	ck_assert_int_eq(ring_format(buf, 24), -RUMPK_EINVAL);
	ck_assert_int_eq(ring_format(buf, 16), 0);
	ck_assert_uint_eq(ring_bytes(16), 192 + 16 * 32);
	ck_assert_uint_eq(((struct rumpk_ring_hdr *)buf)->magic, RUMPK_RING_MAGIC);
	ck_assert(ring_capacity_ok(1u << 31));
	ck_assert(!ring_capacity_ok(0xffffffffu));
}
END_TEST

START_TEST(empty_and_full)
{
	struct rumpk_packet out, p0 = pkt(0);
	ck_assert_int_eq(ring_pop(&C, &out), 0);
	ck_assert_uint_eq(ring_avail(&C), 0);
	ck_assert_uint_eq(ring_space(&P), CAP);
	for (uint32_t i = 0; i < CAP; i++) {
		struct rumpk_packet p = pkt(i);
		ck_assert_int_eq(ring_push(&P, &p), 1);
	}
	ck_assert_int_eq(ring_push(&P, &p0), 0); /* full */
	ck_assert_uint_eq(ring_space(&P), 0);
	ck_assert_uint_eq(ring_avail(&C), CAP);
	for (uint32_t i = 0; i < CAP; i++) {
		ck_assert_int_eq(ring_pop(&C, &out), 1);
		ck_assert_uint_eq(out.arg, i);
	}
	ck_assert_int_eq(ring_pop(&C, &out), 0);
	ck_assert_uint_eq(ring_space(&P), CAP);
}
END_TEST

START_TEST(unpublished_is_invisible_unreleased_is_not_free)
{
	struct rumpk_packet out, p = pkt(7);
	ck_assert_int_eq(ring_try_push(&P, &p), 1);
	ck_assert_int_eq(ring_pop(&C, &out), 0); /* not published yet */
	ring_publish(&P);
	ck_assert_int_eq(ring_try_pop(&C, &out), 1);
	ck_assert_uint_eq(out.arg, 7);
	for (uint32_t i = 1; i < CAP; i++)
		ck_assert_int_eq(ring_push(&P, &p), 1);
	ck_assert_int_eq(ring_push(&P, &p), 0); /* the popped slot is not released yet */
	ring_release(&C);
	ck_assert_int_eq(ring_push(&P, &p), 1);
}
END_TEST

START_TEST(wraps_at_2_pow_32)
{
	setup_at(0xfffffff0u + (uint32_t)_i);
	uint64_t next_in = 0, next_out = 0;
	struct rumpk_packet batch[5], out[7];
	for (int round = 0; round < 40; round++) { /* crosses 2^32 in the middle */
		for (int k = 0; k < 5; k++)
			batch[k] = pkt(next_in + (uint64_t)k);
		next_in += ring_push_batch(&P, batch, 5);
		uint32_t n = ring_pop_batch(&C, out, 7);
		for (uint32_t k = 0; k < n; k++)
			ck_assert_uint_eq(out[k].arg, next_out++);
	}
	while (ring_pop(&C, &out[0]))
		ck_assert_uint_eq(out[0].arg, next_out++);
	ck_assert_uint_eq(next_out, next_in);
	ck_assert_uint_ge(next_in, 100);
	ck_assert_uint_lt(hdr->tail, 0x1000u); /* the index really wrapped */
}
END_TEST

START_TEST(batch_edges)
{
	struct rumpk_packet in[CAP + 5], out[CAP + 5];
	for (uint32_t i = 0; i < CAP + 5; i++)
		in[i] = pkt(i);
	ck_assert_uint_eq(ring_push_batch(&P, in, 0), 0);
	ck_assert_uint_eq(hdr->tail, 0); /* an empty batch publishes nothing */
	ck_assert_uint_eq(ring_push_batch(&P, in, CAP + 5), CAP); /* clipped to the space */
	ck_assert_uint_eq(ring_push_batch(&P, in, 1), 0);
	ck_assert_uint_eq(ring_pop_batch(&C, out, 0), 0);
	ck_assert_uint_eq(ring_pop_batch(&C, out, 3), 3);
	ck_assert_uint_eq(ring_push_batch(&P, in + CAP, 5), 3); /* exactly the 3 released */
	ck_assert_uint_eq(ring_pop_batch(&C, out + 3, CAP + 5), CAP);
	for (uint32_t i = 0; i < CAP + 3; i++)
		ck_assert_uint_eq(out[i].arg, i);
}
END_TEST

START_TEST(hostile_consumer_head_means_full)
{
	struct rumpk_packet p = pkt(1);
	hdr->head = 12345; /* a head the producer never reached */
	ck_assert_int_eq(ring_push(&P, &p), 1); /* cached head still fine */
	for (uint32_t i = 1; i < CAP; i++)
		ring_push(&P, &p);
	ck_assert_uint_eq(ring_space(&P), 0); /* re-read: impossible, so treated as full */
	ck_assert_int_eq(ring_push(&P, &p), 0);
}
END_TEST

/* ---- hardened sides ------------------------------------------------------------------ */

/* A ring whose last slot ends where a PROT_NONE page begins, so a slot index that escaped
 * its mask faults even without ASan; the bytes before the header are a canary (a write
 * below the ring shows there). */
#define CANARY 0xa5
static unsigned char *guard_base;
static size_t guard_len;

static struct rumpk_ring_hdr *guarded_ring(uint32_t cap, uint32_t start)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t body = (ring_bytes(cap) + page - 1) / page * page;
	if (guard_base)
		munmap(guard_base, guard_len);
	guard_len = body + page;
	guard_base = mmap(NULL, guard_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(guard_base, MAP_FAILED);
	ck_assert_int_eq(mprotect(guard_base + body, page, PROT_NONE), 0);
	memset(guard_base, CANARY, body);
	struct rumpk_ring_hdr *h = (void *)(guard_base + body - ring_bytes(cap));
	ck_assert_int_eq(ring_format(h, cap), 0);
	h->head = h->tail = start;
	return h;
}

static void check_canary(const struct rumpk_ring_hdr *h)
{
	for (const unsigned char *b = guard_base; b < (const unsigned char *)h; b++)
		if (*b != CANARY)
			ck_abort_msg("byte %td below the ring header was written", (const unsigned char *)h - b);
}

static uint64_t xs(uint64_t *s) /* xorshift64 */
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

START_TEST(own_attach_reads_no_shared_index)
{
	struct rumpk_packet in[3] = { pkt(1), pkt(2), pkt(3) }, out[4];
	hdr->head = 0xdeadbeefu; /* what a user left there before the kernel attached */
	hdr->tail = 0x12345678u;
	hdr->capacity = 7;
	ring_prod_own(&P, hdr, CAP, 5);
	ck_assert_uint_eq(P.tail, 5);
	ck_assert_uint_eq(P.head_cache, 5); /* not 0xdeadbeef */
	ck_assert_uint_eq(hdr->tail, 5);    /* its own index published */
	ring_cons_own(&C, hdr, CAP, 5);
	ck_assert_uint_eq(C.head, 5);
	ck_assert_uint_eq(C.tail_cache, 5);
	ck_assert_uint_eq(hdr->head, 5);
	ck_assert_int_eq(ring_hpush_batch(&P, in, 3), 3);
	hdr->capacity = 1u << 30; /* never read back */
	ck_assert_int_eq(ring_hpop_batch(&C, out, 4), 3);
	for (int k = 0; k < 3; k++)
		ck_assert_uint_eq(out[k].arg, (uint64_t)k + 1);
	ck_assert_uint_eq(P.rejected + C.rejected, 0);
}
END_TEST

/* Honest peers: the hardened calls are a working ring (FIFO, full, empty, wrap at 2^32). */
START_TEST(hardened_pair_is_a_ring)
{
	uint32_t start = 0xffffffe0u + (uint32_t)_i * 5;
	hdr = guarded_ring(CAP, start);
	ring_prod_own(&P, hdr, CAP, start);
	ring_cons_own(&C, hdr, CAP, start);
	struct rumpk_packet in[CAP + 3], out[CAP + 3];
	uint64_t next_in = 0, next_out = 0;
	for (int round = 0; round < 30; round++) {
		uint32_t n = (uint32_t)(round * 7 % (CAP + 3)), max = (uint32_t)(round * 5 % (CAP + 3));
		for (uint32_t k = 0; k < n; k++)
			in[k] = pkt(next_in + k);
		int32_t pushed = ring_hpush_batch(&P, in, n);
		ck_assert_int_ge(pushed, 0);
		next_in += (uint32_t)pushed;
		int32_t got = ring_hpop_batch(&C, out, max);
		ck_assert_int_ge(got, 0);
		for (int32_t k = 0; k < got; k++)
			ck_assert_uint_eq(out[k].arg, next_out++);
	}
	while (ring_hpush(&P, &in[0]) == 1) /* fill up: full is 0, not a wait */
		next_in++;
	ck_assert_int_eq(ring_hpush(&P, &in[0]), 0);
	ck_assert_uint_eq(P.tail - C.head, CAP);
	int32_t got;
	while ((got = ring_hpop(&C, &out[0])) == 1)
		next_out++;
	ck_assert_int_eq(got, 0); /* empty */
	ck_assert_uint_eq(next_in, next_out);
	ck_assert_uint_gt(next_in, 100);
	ck_assert_uint_lt(C.head, 0x1000u); /* the indices really wrapped */
	ck_assert_uint_eq(P.rejected + C.rejected, 0);
	check_canary(hdr);
}
END_TEST

/* Every peer index outside the window is refused with nothing moved; every one inside is
 * taken at its word (an honest peer could have written it). */
START_TEST(hardened_window_edges)
{
	static const int64_t rel[] = { 0, 1, 2, CAP - 1, CAP, CAP + 1, CAP + 2, -1, -2,
				       0x7fffffff, 0x80000000, 0xffffffff, 0x100000000 - CAP };
	for (unsigned k = 0; k < sizeof(rel) / sizeof(rel[0]); k++) {
		uint32_t start = 0xfffffff8u; /* the window crosses 2^32 */
		struct rumpk_packet in[CAP], out[CAP + 1];
		for (uint32_t i = 0; i < CAP; i++)
			in[i] = pkt(i);
		/* consumer: a tail of head + rel is fine iff 0 <= rel <= CAP */
		hdr = guarded_ring(CAP, start);
		ring_cons_own(&C, hdr, CAP, start);
		hdr->tail = start + (uint32_t)rel[k];
		int32_t got = ring_hpop_batch(&C, out, CAP + 1);
		if ((uint32_t)rel[k] <= CAP) {
			ck_assert_int_eq(got, (int32_t)(uint32_t)rel[k]);
			ck_assert_uint_eq(C.rejected, 0);
		} else {
			ck_assert_int_eq(got, -RUMPK_ERANGE);
			ck_assert_uint_eq(C.rejected, 1);
			ck_assert_uint_eq(C.head, start);
			ck_assert_uint_eq(hdr->head, start);
		}
		/* producer, ring full by its cache: a head of tail - CAP + rel is fine iff
		 * 0 <= rel <= CAP, and frees rel slots */
		hdr = guarded_ring(CAP, start);
		ring_prod_own(&P, hdr, CAP, start);
		ck_assert_int_eq(ring_hpush_batch(&P, in, CAP), CAP); /* the cache suffices */
		uint32_t t = P.tail;
		hdr->head = t - CAP + (uint32_t)rel[k];
		int32_t put = ring_hpush_batch(&P, in, CAP);
		if ((uint32_t)rel[k] <= CAP) {
			ck_assert_int_eq(put, (int32_t)(uint32_t)rel[k]);
			ck_assert_uint_eq(P.rejected, 0);
		} else {
			ck_assert_int_eq(put, -RUMPK_ERANGE);
			ck_assert_uint_eq(P.rejected, 1);
			ck_assert_uint_eq(P.tail, t);
			ck_assert_uint_eq(hdr->tail, t);
		}
		check_canary(hdr);
	}
}
END_TEST

/* A hostile value for the peer's index, relative to `own` (the kernel side's index): random,
 * huge, behind, ahead, wrapped, the exact window edges, or a plausible one inside. */
static uint32_t hostile(uint64_t *s, uint32_t own, int producer_side)
{
	uint64_t r = xs(s);
	uint32_t small = (uint32_t)(r >> 40) % (CAP + 3);
	/* the window: [own - CAP, own] for a head seen by the producer, [own, own + CAP] for a
	 * tail seen by the consumer; `lo` is its lower end */
	uint32_t lo = producer_side ? own - CAP : own;
	switch ((r >> 8) % 10) {
	case 0: return (uint32_t)(r >> 32);                 /* random */
	case 1: return 0xffffffffu - (uint32_t)(r >> 60);   /* huge */
	case 2: return lo - 1 - small;                      /* behind the window */
	case 3: return lo + CAP + 1 + small;                /* ahead of it */
	case 4: return lo + 0x80000000u + small;            /* half a wrap away */
	case 5: return lo;                                  /* the edges */
	case 6: return lo + CAP;
	default: return lo + small % (CAP + 1);             /* inside */
	}
}

/* The user side scribbles over everything it can reach before every kernel operation: the
 * peer index (with values from hostile()), the kernel's own shared index, flags, capacity,
 * magic and random slot bytes. The kernel side is checked against a model of what it may
 * do: every call returns at once, refuses exactly the out-of-window values it reads, moves
 * its own index by exactly what it returns (<= min(n, capacity)), writes nothing outside its
 * slots and its own index word, copies out exactly the packets it reports, and its cached
 * peer index is always one that passed the check. */
START_TEST(hardened_sides_survive_hostile_indices)
{
	uint64_t s = 0x9e3779b97f4a7c15ull + (uint64_t)_i;
	uint32_t start = (uint32_t)xs(&s);
	struct rumpk_ring_hdr *hp = guarded_ring(CAP, start); /* kernel produces (completions) */
	ring_prod_own(&P, hp, CAP, start);
	static unsigned char base2[8192] __attribute__((aligned(64)));
	struct rumpk_ring_hdr *hc = (void *)base2; /* kernel consumes (submissions) */
	ring_format(hc, CAP);
	ring_cons_own(&C, hc, CAP, start);
	uint32_t m_tail = start, m_headc = start, m_head = start, m_tailc = start;
	uint64_t m_prej = 0, m_crej = 0, moved = 0, refused = 0;
	struct rumpk_packet buf[CAP * 2 + 1], sentinel;
	memset(&sentinel, 0x5a, sizeof(sentinel));
	for (int i = 0; i < 500000; i++) { /* two seeds: 10^6 operations */
		int producer = (xs(&s) & 1) != 0;
		struct rumpk_ring_hdr *h = producer ? hp : hc;
		uint32_t v = hostile(&s, producer ? m_tail : m_head, producer);
		uint64_t r = xs(&s);
		if (producer) {
			h->head = v;
			if (r & 1)
				h->tail = (uint32_t)(r >> 32); /* the kernel's own index: ignored */
		} else {
			h->tail = v;
			if (r & 1)
				h->head = (uint32_t)(r >> 32);
		}
		h->flags = (uint32_t)(r >> 16);
		h->capacity = (uint32_t)(r >> 24);
		h->magic = (uint32_t)r;
		ring_slots(h)[(r >> 40) % CAP].arg = r; /* slot contents are the user's too */
		uint32_t n = (uint32_t)(xs(&s) % (CAP * 2 + 1));
		int32_t ret;
		if (producer) {
			for (uint32_t k = 0; k < n; k++)
				buf[k] = pkt(k);
			uint32_t space = CAP - (m_tail - m_headc), want;
			int refuse = 0;
			if (space < n) { /* the model reads the head only when the cache runs short */
				if (m_tail - v > CAP)
					refuse = 1;
				else
					m_headc = v, space = CAP - (m_tail - v);
			}
			want = n < space ? n : space;
			ret = ring_hpush_batch(&P, buf, n);
			if (refuse) {
				m_prej++;
				if (ret != -RUMPK_ERANGE || P.tail != m_tail)
					ck_abort_msg("op %d: head %#x, tail %#x: returned %d, tail now %#x", i, v,
						     m_tail, ret, P.tail);
			} else {
				if (ret != (int32_t)want || P.tail != m_tail + want)
					ck_abort_msg("op %d: head %#x, tail %#x, n %u: returned %d (want %u)", i, v,
						     m_tail, n, ret, want);
				m_tail += want;
				if (want && h->tail != m_tail)
					ck_abort_msg("op %d: published tail %#x, own %#x", i, h->tail, m_tail);
			}
			ck_assert_uint_eq(P.head_cache, m_headc);
			ck_assert_uint_le(P.tail - P.head_cache, CAP);
			ck_assert_uint_eq(P.rejected, m_prej);
		} else {
			for (uint32_t k = 0; k < CAP * 2 + 1; k++)
				buf[k] = sentinel;
			uint32_t avail = m_tailc - m_head, want;
			int refuse = 0;
			if (avail < n) {
				if (v - m_head > CAP)
					refuse = 1;
				else
					m_tailc = v, avail = v - m_head;
			}
			want = n < avail ? n : avail;
			ret = ring_hpop_batch(&C, buf, n);
			if (refuse) {
				m_crej++;
				if (ret != -RUMPK_ERANGE || C.head != m_head)
					ck_abort_msg("op %d: tail %#x, head %#x: returned %d, head now %#x", i, v,
						     m_head, ret, C.head);
			} else {
				if (ret != (int32_t)want || C.head != m_head + want)
					ck_abort_msg("op %d: tail %#x, head %#x, max %u: returned %d (want %u)", i,
						     v, m_head, n, ret, want);
				m_head += want;
				if (want && h->head != m_head)
					ck_abort_msg("op %d: released head %#x, own %#x", i, h->head, m_head);
			}
			for (uint32_t k = ret > 0 ? (uint32_t)ret : 0; k < CAP * 2 + 1; k++)
				if (memcmp(&buf[k], &sentinel, sizeof(sentinel)) != 0)
					ck_abort_msg("op %d: returned %d but wrote out[%u]", i, ret, k);
			ck_assert_uint_eq(C.tail_cache, m_tailc);
			ck_assert_uint_le(C.tail_cache - C.head, CAP);
			ck_assert_uint_eq(C.rejected, m_crej);
		}
		moved += ret > 0 ? (uint32_t)ret : 0;
		refused += ret < 0;
	}
	check_canary(hp);
	ck_assert_uint_gt(refused, 50000); /* the test really was hostile */
	ck_assert_uint_gt(moved, 500000);  /* and the sides kept working */
	ck_assert_uint_eq(m_prej + m_crej, refused);
}
END_TEST

/* ---- kernel fiber rings ---------------------------------------------------------------- */

static struct kring *kr;

static void kring_setup(void)
{
	fake_machine();
	int err;
	kr = kring_create(8, &err);
	ck_assert_ptr_nonnull(kr);
}

static void send_past_impossible_head(void)
{
	struct rumpk_packet p = pkt(1);
	for (int i = 0; i < 8; i++)
		kring_send(kr, &p); /* fills it from the cached head: no read */
	kr->hdr->head = 0x80000000u; /* an index no consumer could have written */
	kring_send(kr, &p);          /* must re-read the head: refused, not waited on */
}

static void recv_past_impossible_tail(void)
{
	struct rumpk_packet p;
	kr->hdr->tail = 9; /* one more than the ring holds */
	kring_recv(kr, &p);
}

START_TEST(kring_panics_instead_of_blocking)
{
	ck_assert_ptr_nonnull(strstr(fake_must_panic(send_past_impossible_head), "consumer head 0x80000000"));
	kring_destroy(kr);
	int err;
	kr = kring_create(8, &err);
	ck_assert_ptr_nonnull(strstr(fake_must_panic(recv_past_impossible_tail), "producer tail 0x9"));
}
END_TEST

/* A plausible value in the shared header is taken at its word, and the owner's next write
 * puts its own index back: the ring goes on. */
START_TEST(kring_own_index_is_private)
{
	struct rumpk_packet p, q;
	for (uint64_t i = 0; i < 5; i++) {
		p = pkt(i);
		kring_send(kr, &p);
	}
	kr->hdr->tail = 3; /* a user could claim less was published ... */
	kring_recv(kr, &q);
	ck_assert_uint_eq(q.arg, 0);
	kr->hdr->head = 0; /* ... or that nothing was released */
	p = pkt(5);
	kring_send(kr, &p);
	ck_assert_uint_eq(kr->hdr->tail, 6); /* the producer's private tail, not 3 + 1 */
	for (uint64_t i = 1; i <= 5; i++) {
		kring_recv(kr, &q);
		ck_assert_uint_eq(q.arg, i);
	}
	ck_assert_uint_eq(kr->prod.rejected + kr->cons.rejected, 0);
	kring_destroy(kr);
}
END_TEST

/* The list of rings (ringwatch.h): a kring joins when made and leaves when destroyed, under
 * its own name; fill follows the indices, the peak is what a note saw, a hostile fill reads
 * as the capacity, and adding a watch twice never makes the list loop. */
static int listed(const struct ring_watch *w)
{
	int n = 0;
	for (const struct ring_watch *x = ring_watch_list; x; x = x->next) {
		ck_assert_int_lt(n++, 1000); /* no loop */
		if (x == w)
			return 1;
	}
	return 0;
}

START_TEST(kring_is_watched)
{
	int err;
	struct kring *kr = kring_create(8, &err);
	ck_assert_ptr_nonnull(kr);
	ck_assert(listed(&kr->watch));
	ck_assert_int_eq(strncmp(kr->watch.name, "kring ", 6), 0);
	ck_assert_uint_eq(kr->watch.capacity, 8);
	struct rumpk_packet p = { .kind = 1 }, q;
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(kring_send(kr, &p), 0);
	ck_assert_uint_eq(ring_watch_fill(&kr->watch), 5);
	ck_assert_uint_eq(kr->watch.peak, 5);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(kring_recv(kr, &q), 0);
	ck_assert_uint_eq(ring_watch_fill(&kr->watch), 1);
	ck_assert_uint_eq(kr->watch.peak, 5); /* a peak stays */
	const struct ring_watch *gone = &kr->watch;
	kring_destroy(kr);
	for (const struct ring_watch *x = ring_watch_list; x; x = x->next)
		ck_assert_ptr_ne(x, gone);
}
END_TEST

START_TEST(watch_list_edges)
{
	static uint32_t tail, head;
	static struct ring_watch a, b;
	ring_watch_add(&a, "a name longer than the twenty-four bytes", RING_WATCH_BYTES, 16, &tail,
		       &head);
	ck_assert_uint_eq(strlen(a.name), RING_WATCH_NAME_MAX - 1);
	ring_watch_add(&b, "b", RING_WATCH_PACKETS, 4, &tail, &head);
	ring_watch_add(&a, "a", RING_WATCH_BYTES, 16, &tail, &head); /* again: moved, not looped */
	ck_assert_ptr_eq(ring_watch_list, &a);
	ck_assert_ptr_eq(a.next, &b);
	ck_assert(listed(&b));
	tail = 3, head = 0;
	ring_watch_note(&a);
	ck_assert_uint_eq(a.peak, 3);
	tail = 100, head = 0; /* a hostile producer: reads as full, never more */
	ck_assert_uint_eq(ring_watch_fill(&b), 4);
	ring_watch_note(&b);
	ck_assert_uint_eq(b.peak, 4);
	ring_watch_del(&a);
	ring_watch_del(&a); /* twice: ignored */
	ck_assert(!listed(&a));
	ck_assert(listed(&b));
	ring_watch_del(&b);
	ck_assert(!listed(&b));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ring");
	TCase *tc = tcase_create("spsc");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, format_checks_capacity);
	tcase_add_test(tc, empty_and_full);
	tcase_add_test(tc, unpublished_is_invisible_unreleased_is_not_free);
	tcase_add_loop_test(tc, wraps_at_2_pow_32, 0, 8);
	tcase_add_test(tc, batch_edges);
	tcase_add_test(tc, hostile_consumer_head_means_full);
	tcase_add_test(tc, own_attach_reads_no_shared_index);
	tcase_add_loop_test(tc, hardened_pair_is_a_ring, 0, 8);
	tcase_add_test(tc, hardened_window_edges);
	tcase_add_loop_test(tc, hardened_sides_survive_hostile_indices, 0, 2);
	tcase_set_timeout(tc, 120); /* the hostile run takes ~20 s under ASan on a busy machine */
	suite_add_tcase(s, tc);
	TCase *tk = tcase_create("kring");
	tcase_add_checked_fixture(tk, kring_setup, NULL);
	tcase_add_test(tk, kring_panics_instead_of_blocking);
	tcase_add_test(tk, kring_own_index_is_private);
	tcase_add_test(tk, kring_is_watched);
	tcase_add_test(tk, watch_list_edges);
	suite_add_tcase(s, tk);
	return unit_main(s);
}
