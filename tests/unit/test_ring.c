/*
 * test_ring.c — ring semantics on one thread: empty, full, publish/release visibility,
 * index wrap-around at 2^32, batch edges, and the hardened consumer against 10^6 hostile
 * index writes (no hang, bounded work, every impossible index counted).
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_hal.h"
#include "rumpk/ring.h"

#define CAP 16u

static void *mem;
static struct rumpk_ring_hdr *hdr;
static struct ring_prod P;
static struct ring_cons C;

static struct rumpk_packet pkt(uint64_t i)
{
	struct rumpk_packet p = { .kind = (uint32_t)i, .flags = 0, .arg = i };
	memcpy(p.id, &i, sizeof(i));
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

/* The producer is hostile: it scribbles random values over its tail between hardened pops.
 * Every call must end, copy no more than min(max, capacity), keep the consumer's own head
 * moving exactly by what it returned, and count each impossible tail once. */
START_TEST(hardened_consumer_survives_random_indices)
{
	struct rumpk_packet out[CAP * 2];
	uint64_t state = 0x9e3779b97f4a7c15ull, expect_rejected = 0, consumed = 0;
	for (int i = 0; i < 1000000; i++) {
		state ^= state << 13; /* xorshift64 */
		state ^= state >> 7;
		state ^= state << 17;
		uint32_t tail = (uint32_t)state;
		switch (state >> 62) { /* bias some writes to the interesting edges */
		case 0: tail = C.head + (uint32_t)(state >> 32) % (CAP + 2); break;
		case 1: tail = C.head - 1 - (uint32_t)(state >> 40) % 4; break;
		default: break;
		}
		hdr->tail = tail;
		hdr->head = (uint32_t)(state >> 17); /* and over the consumer's shared head too */
		uint32_t max = (uint32_t)(state >> 50) % (CAP * 2 + 1);
		uint32_t before = C.head;
		if (tail - before > CAP)
			expect_rejected++;
		uint32_t n = ring_hpop_batch(&C, out, max);
		if (n > max || n > CAP || C.head - before != n)
			ck_abort_msg("call %d: tail %#x max %u returned %u, head moved %u", i, tail, max,
				     n, C.head - before);
		consumed += n;
	}
	ck_assert_uint_eq(C.rejected, expect_rejected);
	ck_assert_uint_gt(expect_rejected, 100000); /* the test really was hostile */
	ck_assert_uint_gt(consumed, 0);
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
	tcase_add_test(tc, hardened_consumer_survives_random_indices);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return unit_main(s);
}
