/*
 * stress_ring.c — two threads, one ring: a producer pushes N packets (mixed single pushes,
 * batches and hardened batches), a consumer pops them (mixed single pops, batches and
 * hardened batches). Checks FIFO order per packet (0 lost, 0 duplicated), every payload
 * field, that a hardened side never refuses an honest peer, and a checksum against its
 * closed form. Not a Check suite: a plain program so ThreadSanitizer sees only ring code.
 *
 *   stress_ring [N] [CAPACITY]      default N = 10^8, capacity 1024
 * `make test` runs 10^8 (hosted), 10^7 (hosted-asan) and 10^6 under ThreadSanitizer; the
 * documented long run is `build/hosted/tests/unit/stress_ring 1000000000`.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rumpk/ring.h"

static uint64_t N;
static uint32_t cap;

/* A hardened side refused an honest peer's index: the ring is broken, and the other thread
 * may be waiting for packets that will never come, so end the process here. */
static void refused(const char *side, uint32_t own, uint32_t seen)
{
	fprintf(stderr, "stress_ring: the hardened %s refused an honest index %#x (own %#x)\n", side,
		seen, own);
	exit(1);
}
static struct rumpk_ring_hdr *hdr;

static uint64_t mix(uint64_t i)
{
	return i * 0x9e3779b97f4a7c15ull ^ (i >> 7);
}

static void make(struct rumpk_packet *p, uint64_t i)
{
	uint64_t m = mix(i);
	p->kind = (uint16_t)i;
	p->flags = (uint16_t)(i >> 32);
	p->tag = (uint32_t)(i >> 16);
	p->a = (uint32_t)m;
	p->b = (uint32_t)(m >> 32);
	p->arg = i;
	p->id = m;
}

static void *producer(void *arg)
{
	struct ring_prod P;
	struct rumpk_packet batch[32];
	uint64_t i = 0;
	(void)arg;
	ring_prod_own(&P, hdr, cap, 0); /* the hardened attach: the ring was formatted at 0 */
	while (i < N) {
		if ((i & 0x3ff) < 0x80) { /* one in eight stretches: single pushes */
			make(&batch[0], i);
			while (!ring_push(&P, &batch[0]))
				;
			i++;
			continue;
		}
		uint32_t n = (uint32_t)(N - i < 32 ? N - i : 32);
		for (uint32_t k = 0; k < n; k++)
			make(&batch[k], i + k);
		uint32_t done = 0;
		if ((i & 0xfff) < 0x800) {
			while (done < n)
				done += ring_push_batch(&P, batch + done, n - done);
		} else { /* half the batches through the hardened producer */
			while (done < n) {
				int32_t m = ring_hpush_batch(&P, batch + done, n - done);
				if (m < 0)
					refused("producer", P.tail, hdr->head);
				done += (uint32_t)m;
			}
		}
		i += n;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	N = argc > 1 ? strtoull(argv[1], NULL, 10) : 100000000ull;
	cap = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 1024;
	if (!N || !ring_capacity_ok(cap)) {
		fprintf(stderr, "usage: stress_ring [N > 0] [power-of-two capacity]\n");
		return 2;
	}
	hdr = aligned_alloc(64, (ring_bytes(cap) + 63) & ~(size_t)63);
	ring_format(hdr, cap);

	pthread_t t;
	pthread_create(&t, NULL, producer, NULL);

	struct ring_cons C;
	struct rumpk_packet out[48], want;
	uint64_t next = 0, sum = 0, bad = 0;
	ring_cons_own(&C, hdr, cap, 0);
	while (next < N) {
		uint32_t n;
		if ((next & 0x7ff) < 0x100)
			n = ring_pop(&C, out);
		else if ((next & 0xfff) < 0x800)
			n = ring_pop_batch(&C, out, 48);
		else { /* the hardened consumer */
			int32_t m = ring_hpop_batch(&C, out, 48);
			if (m < 0)
				refused("consumer", C.head, hdr->tail);
			n = (uint32_t)m;
		}
		for (uint32_t k = 0; k < n; k++, next++) {
			make(&want, next);
			if (memcmp(&out[k], &want, sizeof(want)) != 0 && bad++ < 5)
				fprintf(stderr, "stress_ring: packet %llu arrived as arg %llu kind %u\n",
					(unsigned long long)next, (unsigned long long)out[k].arg,
					out[k].kind);
			sum += out[k].arg;
		}
	}
	pthread_join(t, NULL);
	struct rumpk_packet extra;
	int leftover = ring_pop(&C, &extra);
	/* sum of 0..N-1: N(N-1)/2, computed without overflow for N up to 2^32 and beyond */
	uint64_t closed = N % 2 ? N * ((N - 1) / 2) : (N / 2) * (N - 1);
	printf("stress_ring: %llu packets, capacity %u: %llu out of order or corrupt, %d extra, "
	       "checksum %s\n",
	       (unsigned long long)N, cap, (unsigned long long)bad, leftover,
	       sum == closed ? "matches N(N-1)/2" : "WRONG");
	return bad || leftover || sum != closed;
}
