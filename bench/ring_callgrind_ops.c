/*
 * ring_callgrind_ops.c — the workload bench_ring_callgrind counts instructions of under
 * valgrind --tool=callgrind. One thread, one ring of 1024 32-byte slots per library, and
 * one noinline function per measurement; the driver runs this program once per function
 * with --collect-atstart=no --toggle-collect=<function>, so a count covers exactly that
 * function (its loop included: the same loop shape on both sides).
 *
 *   ring_callgrind_ops FUNCTION N
 *     ops_rumpk        N pairs of ring_push + ring_pop (publish and release every packet)
 *     ops_ck           N pairs of ck_ring_enqueue_spsc_pkt + ck_ring_dequeue_spsc_pkt
 *     ops_rumpk_local  as ops_rumpk, with the handles copied into locals for the loop
 *     ops_rumpk_batch  N packets as ring_push_batch + ring_pop_batch of 32
 *     ops_ck_batch     N packets as ck's best loop for the same: 32 enqueues, 32 dequeues
 *     ops_rte_batch    N packets as rte_ring_sp_enqueue_burst_elem + sc_dequeue_burst_elem
 *                      of 32 (DPDK, built only when bench_ring's DPDK peer is: RUMPK_BENCH_DPDK)
 *     ops_rumpk_hard   N pairs of ring_hpush + ring_hpop (the kernel's hardened sides)
 *
 * Each function gets its ring state through pointers, as a caller elsewhere in the kernel
 * would (rumpk: the producer and consumer handles; ck: struct ck_ring and its buffer), and
 * checks every result, so neither side is optimised into something no real caller gets.
 * ops_rumpk_local shows what the handle design buys a loop that owns its handles: they are
 * private, so the compiler may keep them in registers (ck's indices live in the shared
 * struct ck_ring and cannot be copied out).
 * Not named bench_*: `make bench` runs every bench_* program, and this one is only
 * meaningful under valgrind.
 */
#include <ck_ring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rumpk/ring.h"

#ifdef RUMPK_BENCH_DPDK
#include <rte_ring.h>
#include <rte_ring_elem.h>
#endif

#define CAP 1024u
#define BATCH 32u
#define KIND 0x2au

CK_RING_PROTOTYPE(pkt, rumpk_packet)

static _Alignas(64) unsigned char rumpk_mem[RUMPK_RING_SLOTS_OFFSET + CAP * sizeof(struct rumpk_packet)];
static _Alignas(64) struct ck_ring ck;
static _Alignas(64) struct rumpk_packet ck_slots[CAP];

/* Makes the compiler produce all 32 bytes of a popped packet in memory, as a caller that
 * passes it on would need (otherwise it copies out only the fields the loop reads). */
#define USE(pkt) __asm__ volatile("" : : "m"(pkt))

/* Each returns the sum of the args that came out plus 2^32 per failed call, so the
 * result is used and checked against N(N-1)/2. */
__attribute__((noinline)) uint64_t ops_rumpk(struct ring_prod *p, struct ring_cons *c, uint64_t n);
__attribute__((noinline)) uint64_t ops_rumpk_local(struct ring_prod *p, struct ring_cons *c, uint64_t n);
__attribute__((noinline)) uint64_t ops_ck(struct ck_ring *r, struct rumpk_packet *slots, uint64_t n);
__attribute__((noinline)) uint64_t ops_rumpk_batch(struct ring_prod *p, struct ring_cons *c, uint64_t n);
__attribute__((noinline)) uint64_t ops_ck_batch(struct ck_ring *r, struct rumpk_packet *slots, uint64_t n);
__attribute__((noinline)) uint64_t ops_rumpk_hard(struct ring_prod *p, struct ring_cons *c, uint64_t n);

/* The loop of ops_rumpk and ops_rumpk_local, inlined into each. */
static inline uint64_t ops_rumpk_body(struct ring_prod *p, struct ring_cons *c, uint64_t n)
{
	struct rumpk_packet out, in;
	uint64_t sum = 0;
	memset(&out, 0, sizeof(out));
	memset(&in, 0, sizeof(in));
	out.kind = KIND;
	for (uint64_t i = 0; i < n; i++) {
		out.arg = i;
		if (!ring_push(p, &out))
			sum += 1ull << 32;
		if (!ring_pop(c, &in))
			sum += 1ull << 32;
		USE(in);
		sum += in.arg;
	}
	return sum;
}

uint64_t ops_rumpk(struct ring_prod *p, struct ring_cons *c, uint64_t n)
{
	return ops_rumpk_body(p, c, n);
}

uint64_t ops_rumpk_local(struct ring_prod *pp, struct ring_cons *cp, uint64_t n)
{
	struct ring_prod p = *pp;
	struct ring_cons c = *cp;
	uint64_t sum = ops_rumpk_body(&p, &c, n);
	*pp = p;
	*cp = c;
	return sum;
}

uint64_t ops_ck(struct ck_ring *r, struct rumpk_packet *slots, uint64_t n)
{
	struct rumpk_packet out, in;
	uint64_t sum = 0;
	memset(&out, 0, sizeof(out));
	memset(&in, 0, sizeof(in));
	out.kind = KIND;
	for (uint64_t i = 0; i < n; i++) {
		out.arg = i;
		if (!ck_ring_enqueue_spsc_pkt(r, slots, &out))
			sum += 1ull << 32;
		if (!ck_ring_dequeue_spsc_pkt(r, slots, &in))
			sum += 1ull << 32;
		USE(in);
		sum += in.arg;
	}
	return sum;
}

uint64_t ops_rumpk_batch(struct ring_prod *p, struct ring_cons *c, uint64_t n)
{
	struct rumpk_packet out[BATCH], in[BATCH];
	uint64_t sum = 0;
	memset(out, 0, sizeof(out));
	for (uint64_t i = 0; i < n; i += BATCH) {
		for (uint32_t j = 0; j < BATCH; j++) {
			out[j].kind = KIND;
			out[j].arg = i + j;
		}
		if (ring_push_batch(p, out, BATCH) != BATCH)
			sum += 1ull << 32;
		uint32_t m = ring_pop_batch(c, in, BATCH);
		if (m != BATCH)
			sum += 1ull << 32;
		USE(in);
		for (uint32_t j = 0; j < m; j++)
			sum += in[j].arg;
	}
	return sum;
}

uint64_t ops_ck_batch(struct ck_ring *r, struct rumpk_packet *slots, uint64_t n)
{
	struct rumpk_packet out[BATCH], in[BATCH];
	uint64_t sum = 0;
	memset(out, 0, sizeof(out));
	for (uint64_t i = 0; i < n; i += BATCH) {
		for (uint32_t j = 0; j < BATCH; j++) {
			out[j].kind = KIND;
			out[j].arg = i + j;
		}
		uint32_t k = 0;
		while (k < BATCH && ck_ring_enqueue_spsc_pkt(r, slots, &out[k]))
			k++;
		if (k != BATCH)
			sum += 1ull << 32;
		uint32_t m = 0;
		while (m < BATCH && ck_ring_dequeue_spsc_pkt(r, slots, &in[m]))
			m++;
		if (m != BATCH)
			sum += 1ull << 32;
		USE(in);
		for (uint32_t j = 0; j < m; j++)
			sum += in[j].arg;
	}
	return sum;
}

uint64_t ops_rumpk_hard(struct ring_prod *p, struct ring_cons *c, uint64_t n)
{
	struct rumpk_packet out, in;
	uint64_t sum = 0;
	memset(&out, 0, sizeof(out));
	memset(&in, 0, sizeof(in));
	out.kind = KIND;
	for (uint64_t i = 0; i < n; i++) {
		out.arg = i;
		if (ring_hpush(p, &out) != 1)
			sum += 1ull << 32;
		if (ring_hpop(c, &in) != 1)
			sum += 1ull << 32;
		USE(in);
		sum += in.arg;
	}
	return sum;
}

#ifdef RUMPK_BENCH_DPDK
__attribute__((noinline)) uint64_t ops_rte_batch(struct rte_ring *r, uint64_t n);

uint64_t ops_rte_batch(struct rte_ring *r, uint64_t n)
{
	struct rumpk_packet out[BATCH], in[BATCH];
	uint64_t sum = 0;
	memset(out, 0, sizeof(out));
	for (uint64_t i = 0; i < n; i += BATCH) {
		for (uint32_t j = 0; j < BATCH; j++) {
			out[j].kind = KIND;
			out[j].arg = i + j;
		}
		if (rte_ring_sp_enqueue_burst_elem(r, out, sizeof(out[0]), BATCH, NULL) != BATCH)
			sum += 1ull << 32;
		uint32_t m = rte_ring_sc_dequeue_burst_elem(r, in, sizeof(in[0]), BATCH, NULL);
		if (m != BATCH)
			sum += 1ull << 32;
		USE(in);
		for (uint32_t j = 0; j < m; j++)
			sum += in[j].arg;
	}
	return sum;
}
#endif

int main(int argc, char **argv)
{
	struct ring_prod p;
	struct ring_cons c;
	uint64_t n = argc > 2 ? strtoull(argv[2], NULL, 10) : 0, sum;
	const char *f = argc > 1 ? argv[1] : "";

	if (n == 0 || n % BATCH) {
		fprintf(stderr, "usage: ring_callgrind_ops ops_rumpk|ops_ck|ops_rumpk_local|ops_rumpk_batch|ops_ck_batch|ops_rumpk_hard|ops_rte_batch N "
			"(N > 0, a multiple of %u)\n", BATCH);
		return 2;
	}
	ring_format(rumpk_mem, CAP);
	ring_prod_attach(&p, (struct rumpk_ring_hdr *)rumpk_mem, CAP);
	ring_cons_attach(&c, (struct rumpk_ring_hdr *)rumpk_mem, CAP);
	ck_ring_init(&ck, CAP);
	if (strcmp(f, "ops_rumpk") == 0)
		sum = ops_rumpk(&p, &c, n);
	else if (strcmp(f, "ops_rumpk_local") == 0)
		sum = ops_rumpk_local(&p, &c, n);
	else if (strcmp(f, "ops_ck") == 0)
		sum = ops_ck(&ck, ck_slots, n);
	else if (strcmp(f, "ops_rumpk_batch") == 0)
		sum = ops_rumpk_batch(&p, &c, n);
	else if (strcmp(f, "ops_ck_batch") == 0)
		sum = ops_ck_batch(&ck, ck_slots, n);
	else if (strcmp(f, "ops_rumpk_hard") == 0) {
		ring_prod_own(&p, (struct rumpk_ring_hdr *)rumpk_mem, CAP, 0);
		ring_cons_own(&c, (struct rumpk_ring_hdr *)rumpk_mem, CAP, 0);
		sum = ops_rumpk_hard(&p, &c, n);
	}
#ifdef RUMPK_BENCH_DPDK
	else if (strcmp(f, "ops_rte_batch") == 0) {
		/* as bench_ring: count 1024 with EXACT_SZ holds 1024, in memory for 2048 */
		ssize_t bytes = rte_ring_get_memsize_elem(sizeof(struct rumpk_packet), 2 * CAP);
		struct rte_ring *r = bytes > 0 ? aligned_alloc(128, ((size_t)bytes + 127) & ~(size_t)127) : NULL;
		if (!r || rte_ring_init(r, "callgrind", CAP, RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ)) {
			fprintf(stderr, "ring_callgrind_ops: rte_ring_init failed\n");
			return 1;
		}
		sum = ops_rte_batch(r, n);
	}
#endif
	else {
		fprintf(stderr, "ring_callgrind_ops: unknown function '%s' (ops_rumpk, ops_ck, "
			"ops_rumpk_local, ops_rumpk_batch, ops_ck_batch, ops_rumpk_hard, ops_rte_batch)\n", f);
		return 2;
	}
	if (sum != n * (n - 1) / 2) {
		fprintf(stderr, "ring_callgrind_ops: %s: %llu packets came out wrong (sum %llu, want %llu)\n",
			f, (unsigned long long)n, (unsigned long long)sum,
			(unsigned long long)(n * (n - 1) / 2));
		return 1;
	}
	return 0;
}
