/*
 * bench_ring.c — rumpk's SPSC ring (rumpk/ring.h) across two threads, against named peers
 * measured in the same run, like for like: one packet per call against Concurrency Kit's
 * ck_ring, batches against DPDK's rte_ring burst calls.
 *
 * Setup: the main thread is pinned to one CPU, and for every timed run a fresh peer thread
 * is created pinned to another (the first two CPUs the process may use), the same for every
 * ring. Packets are struct rumpk_packet (32 bytes); rings hold 1024 packets unless a line
 * names another size, a run-time value for every library, as a real caller's would be.
 *   rumpk    ring_format(); capacity 1024 holds 1024.
 *   ck_ring  the struct-copying SPSC interface (CK_RING_PROTOTYPE(pkt, rumpk_packet):
 *            ck_ring_enqueue_spsc_pkt / dequeue_spsc_pkt copy the whole 32-byte packet, as
 *            ours does; not the pointer ring). 1024 slots, of which it uses 1023.
 *   rte_ring DPDK 22.11's rte_ring_init() on our own memory (no EAL start-up needed), flags
 *            RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ with count 1024: 1024 usable
 *            slots (EXACT_SZ makes it allocate 2048), 32-byte elements through
 *            rte_ring_sp_enqueue_burst_elem / rte_ring_sc_dequeue_burst_elem. Built only
 *            when `scripts/deps.sh --bench` has unpacked DPDK's headers (RUMPK_BENCH_DPDK);
 *            `make bench` always has them.
 * Every packet carries its sequence number and the consumer checks each one, so a run that
 * loses, duplicates or reorders a packet fails the benchmark. Timed span: from the moment
 * both threads are ready to the later of the two finishing.
 *
 * Ratio lines are measured over 31 pairs (3 in the smoke run) in ABBA order (pair i runs the peer first when i is even, rumpk
 * first when odd), and after every pair a short bare cache-line bounce is timed: each line
 * prints the median and range of that bounce, which shows the thread placement the figure
 * came from (the host moves vCPUs between placements whose bounce differs ~5x).
 *
 * Lines, and which way each ratio reads (peer time over rumpk time: > 1 means rumpk is
 * faster):
 *   ring: ck_ring / rumpk unbatched     ring_push / ring_pop against ck's enqueue / dequeue,
 *                                       one packet per call on both sides (goal >= 1.2).
 *   ring: rte_ring / rumpk batched      ring_push_batch / ring_pop_batch against rte_ring's
 *                                       burst calls, up to 32 packets per call (goal >= 1.0).
 *   ring: rte_ring / rumpk hardened     as batched, with the kernel's hardened sides on
 *                                       both ends (ring_hpush_batch / ring_hpop_batch).
 *   ring: rumpk ping-pong / bounce      round trip of one packet out on one rumpk ring and
 *                                       back on a second, over the round trip of two threads
 *                                       taking turns writing a counter on one shared 64-byte
 *                                       line: how many bare cache-line round trips a ring
 *                                       round trip costs (goal <= 1.2).
 *   ring: ck_ring ping-pong / bounce    the same for ck_ring, for reference.
 *   ring: two-line bounce / bounce      each thread writes its own line and spins on the
 *                                       other's: the least any handoff through one channel per
 *                                       direction (two rings) can cost.
 *   ring N slots: ...                   `make bench` only: the batched line at 256 and 4096
 *                                       slots and the rumpk ping-pong at 8.
 * Spinning sides wait with the CPU's pause hint, the same on every variant.
 */
#define _GNU_SOURCE
#include <ck_ring.h>
#include <pthread.h>
#include <sched.h>

#include "bench.h"
#include "rumpk/ring.h"

#ifdef RUMPK_BENCH_DPDK
#include <rte_ring.h>
#include <rte_ring_elem.h>
#endif

#define MAX_CAP 4096u /* largest ring either library is given */
#define BATCH 32u     /* packets per batch call */
#define KIND 0x2au    /* an arbitrary packet kind, checked on arrival */

CK_RING_PROTOTYPE(pkt, rumpk_packet)

/* Two rings of each kind: [0] main -> peer, [1] peer -> main (ping-pong only). */
static _Alignas(64) unsigned char rumpk_mem[2][RUMPK_RING_SLOTS_OFFSET + MAX_CAP * sizeof(struct rumpk_packet)];
static _Alignas(64) struct ck_ring ck[2];
static _Alignas(64) struct rumpk_packet ck_slots[2][MAX_CAP];
/* the bare cache line both threads write in turn; [1] is the second line of the two-line
 * bounce */
static _Alignas(64) struct {
	uint64_t v;
	uint8_t pad[56];
} line[2];

#ifdef RUMPK_BENCH_DPDK
static struct rte_ring *rte; /* one ring, main -> peer; memory for MAX_CAP with EXACT_SZ */
#endif

static uint32_t cap; /* slots in every ring of the current measurement (a run-time value for
			both libraries, as a real caller's would be) */

static int cpus[2]; /* main thread's CPU, peer thread's CPU */

static inline void relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield");
#endif
}

static struct rumpk_ring_hdr *rhdr(int i)
{
	return (struct rumpk_ring_hdr *)rumpk_mem[i];
}

/* ---- the two-thread harness ------------------------------------------------------------ */

/* Each side returns how many packets arrived wrong (0 for a side that only sends). */
typedef uint64_t (*side_fn)(uint64_t n);

static struct {
	side_fn peer;
	uint64_t n;
	int ready;         /* peer pinned and about to start */
	uint64_t peer_end; /* bench_now_ns() when the peer finished */
	uint64_t peer_bad;
} run;

static int pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *peer_main(void *arg)
{
	(void)arg;
	if (pin(cpus[1]) != 0) {
		fprintf(stderr, "bench_ring: cannot pin the peer thread to CPU %d\n", cpus[1]);
		exit(1);
	}
	__atomic_store_n(&run.ready, 1, __ATOMIC_RELEASE);
	run.peer_bad = run.peer(run.n);
	run.peer_end = bench_now_ns();
	return NULL;
}

/* two_threads — main runs `self`, a fresh pinned thread runs `peer`; rings are reset first.
 * Returns ns from both being ready to the later one finishing. Exits if a packet was wrong. */
static uint64_t two_threads(const char *what, side_fn self, side_fn peer, uint64_t n)
{
	pthread_t t;
	for (int i = 0; i < 2; i++) {
		ring_format(rumpk_mem[i], cap);
		ck_ring_init(&ck[i], cap);
		line[i].v = 0;
	}
#ifdef RUMPK_BENCH_DPDK
	if (rte_ring_init(rte, "bench", cap, RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ) != 0 ||
	    rte_ring_get_capacity(rte) != cap) {
		fprintf(stderr, "bench_ring: rte_ring_init(count %u, EXACT_SZ) failed or holds %u\n", cap,
			rte_ring_get_capacity(rte));
		exit(1);
	}
#endif
	run.peer = peer;
	run.n = n;
	run.ready = 0;
	if (pthread_create(&t, NULL, peer_main, NULL) != 0) {
		fprintf(stderr, "bench_ring: pthread_create failed\n");
		exit(1);
	}
	while (!__atomic_load_n(&run.ready, __ATOMIC_ACQUIRE))
		relax();
	uint64_t t0 = bench_now_ns();
	uint64_t bad = self(n);
	uint64_t t1 = bench_now_ns();
	pthread_join(t, NULL);
	bad += run.peer_bad;
	if (bad) {
		fprintf(stderr, "bench_ring: %s: %llu of %llu packets arrived wrong (lost, duplicated or "
			"reordered)\n", what, (unsigned long long)bad, (unsigned long long)n);
		exit(1);
	}
	return (run.peer_end > t1 ? run.peer_end : t1) - t0;
}

static void fill(struct rumpk_packet *b, uint32_t k, uint64_t first)
{
	for (uint32_t j = 0; j < k; j++) {
		b[j].kind = KIND;
		b[j].arg = first + j;
	}
}

static uint64_t check(const struct rumpk_packet *b, uint32_t k, uint64_t first)
{
	uint64_t bad = 0;
	for (uint32_t j = 0; j < k; j++)
		bad += (b[j].arg != first + j) | (b[j].kind != KIND);
	return bad;
}

/* ---- throughput, batched --------------------------------------------------------------- */

static uint64_t rumpk_send_batched(uint64_t n)
{
	struct ring_prod p;
	struct rumpk_packet b[BATCH];
	memset(b, 0, sizeof(b));
	ring_prod_attach(&p, rhdr(0), cap);
	for (uint64_t i = 0; i < n;) {
		uint32_t k = n - i < BATCH ? (uint32_t)(n - i) : BATCH;
		fill(b, k, i);
		for (uint32_t done = 0; done < k;) {
			uint32_t m = ring_push_batch(&p, b + done, k - done);
			if (!m)
				relax();
			done += m;
		}
		i += k;
	}
	return 0;
}

static uint64_t rumpk_recv_batched(uint64_t n)
{
	struct ring_cons c;
	struct rumpk_packet b[BATCH];
	uint64_t bad = 0;
	ring_cons_attach(&c, rhdr(0), cap);
	for (uint64_t got = 0; got < n;) {
		uint32_t m = ring_pop_batch(&c, b, BATCH);
		if (!m) {
			relax();
			continue;
		}
		bad += check(b, m, got);
		got += m;
	}
	return bad;
}

static uint64_t rumpk_send_hardened(uint64_t n)
{
	struct ring_prod p;
	struct rumpk_packet b[BATCH];
	memset(b, 0, sizeof(b));
	ring_prod_own(&p, rhdr(0), cap, 0);
	for (uint64_t i = 0; i < n;) {
		uint32_t k = n - i < BATCH ? (uint32_t)(n - i) : BATCH;
		fill(b, k, i);
		for (uint32_t done = 0; done < k;) {
			int32_t m = ring_hpush_batch(&p, b + done, k - done);
			if (m < 0)
				return 1; /* an honest consumer's head refused: counted as wrong */
			if (!m)
				relax();
			done += (uint32_t)m;
		}
		i += k;
	}
	return 0;
}

static uint64_t rumpk_recv_hardened(uint64_t n)
{
	struct ring_cons c;
	struct rumpk_packet b[BATCH];
	uint64_t bad = 0;
	ring_cons_own(&c, rhdr(0), cap, 0);
	for (uint64_t got = 0; got < n;) {
		int32_t m = ring_hpop_batch(&c, b, BATCH);
		if (m < 0)
			return bad + 1;
		if (!m) {
			relax();
			continue;
		}
		bad += check(b, (uint32_t)m, got);
		got += (uint32_t)m;
	}
	return bad;
}

#ifdef RUMPK_BENCH_DPDK
static uint64_t rte_send_batched(uint64_t n)
{
	struct rumpk_packet b[BATCH];
	memset(b, 0, sizeof(b));
	for (uint64_t i = 0; i < n;) {
		uint32_t k = n - i < BATCH ? (uint32_t)(n - i) : BATCH;
		fill(b, k, i);
		for (uint32_t done = 0; done < k;) {
			uint32_t m = rte_ring_sp_enqueue_burst_elem(rte, b + done, sizeof(b[0]), k - done,
								    NULL);
			if (!m)
				relax();
			done += m;
		}
		i += k;
	}
	return 0;
}

static uint64_t rte_recv_batched(uint64_t n)
{
	struct rumpk_packet b[BATCH];
	uint64_t bad = 0;
	for (uint64_t got = 0; got < n;) {
		uint32_t m = rte_ring_sc_dequeue_burst_elem(rte, b, sizeof(b[0]), BATCH, NULL);
		if (!m) {
			relax();
			continue;
		}
		bad += check(b, m, got);
		got += m;
	}
	return bad;
}
#endif

/* ---- throughput, one packet per call --------------------------------------------------- */

static uint64_t rumpk_send_single(uint64_t n)
{
	struct ring_prod p;
	struct rumpk_packet pkt;
	memset(&pkt, 0, sizeof(pkt));
	pkt.kind = KIND;
	ring_prod_attach(&p, rhdr(0), cap);
	for (uint64_t i = 0; i < n; i++) {
		pkt.arg = i;
		while (!ring_push(&p, &pkt))
			relax();
	}
	return 0;
}

static uint64_t rumpk_recv_single(uint64_t n)
{
	struct ring_cons c;
	struct rumpk_packet pkt;
	uint64_t bad = 0;
	ring_cons_attach(&c, rhdr(0), cap);
	for (uint64_t i = 0; i < n; i++) {
		while (!ring_pop(&c, &pkt))
			relax();
		bad += check(&pkt, 1, i);
	}
	return bad;
}

static uint64_t ck_send_single(uint64_t n)
{
	struct rumpk_packet pkt;
	memset(&pkt, 0, sizeof(pkt));
	pkt.kind = KIND;
	for (uint64_t i = 0; i < n; i++) {
		pkt.arg = i;
		while (!ck_ring_enqueue_spsc_pkt(&ck[0], ck_slots[0], &pkt))
			relax();
	}
	return 0;
}

static uint64_t ck_recv_single(uint64_t n)
{
	struct rumpk_packet pkt;
	uint64_t bad = 0;
	for (uint64_t i = 0; i < n; i++) {
		while (!ck_ring_dequeue_spsc_pkt(&ck[0], ck_slots[0], &pkt))
			relax();
		bad += check(&pkt, 1, i);
	}
	return bad;
}

/* ---- ping-pong ------------------------------------------------------------------------- */

static uint64_t rumpk_ping(uint64_t n)
{
	struct ring_prod p;
	struct ring_cons c;
	struct rumpk_packet out, in;
	uint64_t bad = 0;
	memset(&out, 0, sizeof(out));
	out.kind = KIND;
	ring_prod_attach(&p, rhdr(0), cap);
	ring_cons_attach(&c, rhdr(1), cap);
	for (uint64_t i = 0; i < n; i++) {
		out.arg = i;
		while (!ring_push(&p, &out))
			relax();
		while (!ring_pop(&c, &in))
			relax();
		bad += check(&in, 1, i);
	}
	return bad;
}

static uint64_t rumpk_pong(uint64_t n)
{
	struct ring_prod p;
	struct ring_cons c;
	struct rumpk_packet pkt;
	uint64_t bad = 0;
	ring_cons_attach(&c, rhdr(0), cap);
	ring_prod_attach(&p, rhdr(1), cap);
	for (uint64_t i = 0; i < n; i++) {
		while (!ring_pop(&c, &pkt))
			relax();
		bad += check(&pkt, 1, i);
		while (!ring_push(&p, &pkt))
			relax();
	}
	return bad;
}

static uint64_t ck_ping(uint64_t n)
{
	struct rumpk_packet out, in;
	uint64_t bad = 0;
	memset(&out, 0, sizeof(out));
	out.kind = KIND;
	for (uint64_t i = 0; i < n; i++) {
		out.arg = i;
		while (!ck_ring_enqueue_spsc_pkt(&ck[0], ck_slots[0], &out))
			relax();
		while (!ck_ring_dequeue_spsc_pkt(&ck[1], ck_slots[1], &in))
			relax();
		bad += check(&in, 1, i);
	}
	return bad;
}

static uint64_t ck_pong(uint64_t n)
{
	struct rumpk_packet pkt;
	uint64_t bad = 0;
	for (uint64_t i = 0; i < n; i++) {
		while (!ck_ring_dequeue_spsc_pkt(&ck[0], ck_slots[0], &pkt))
			relax();
		bad += check(&pkt, 1, i);
		while (!ck_ring_enqueue_spsc_pkt(&ck[1], ck_slots[1], &pkt))
			relax();
	}
	return bad;
}

/* The floor: main writes odd values, the peer answers with the next even one. */
static uint64_t bounce_ping(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		__atomic_store_n(&line[0].v, 2 * i + 1, __ATOMIC_RELEASE);
		while (__atomic_load_n(&line[0].v, __ATOMIC_ACQUIRE) != 2 * i + 2)
			relax();
	}
	return 0;
}

static uint64_t bounce_pong(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		while (__atomic_load_n(&line[0].v, __ATOMIC_ACQUIRE) != 2 * i + 1)
			relax();
		__atomic_store_n(&line[0].v, 2 * i + 2, __ATOMIC_RELEASE);
	}
	return 0;
}

/* Each side writes only its own line and reads the other's: the least a handoff through
 * two one-way channels (one line each way) can cost. */
static uint64_t bounce2_ping(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		__atomic_store_n(&line[0].v, i + 1, __ATOMIC_RELEASE);
		while (__atomic_load_n(&line[1].v, __ATOMIC_ACQUIRE) != i + 1)
			relax();
	}
	return 0;
}

static uint64_t bounce2_pong(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		while (__atomic_load_n(&line[0].v, __ATOMIC_ACQUIRE) != i + 1)
			relax();
		__atomic_store_n(&line[1].v, i + 1, __ATOMIC_RELEASE);
	}
	return 0;
}

/* ---- the runs bench_pairs times -------------------------------------------------------- */

static uint64_t t_rumpk_batched(uint64_t n)
{
	return two_threads("rumpk batched", rumpk_send_batched, rumpk_recv_batched, n);
}
static uint64_t t_rumpk_hardened(uint64_t n)
{
	return two_threads("rumpk hardened", rumpk_send_hardened, rumpk_recv_hardened, n);
}
#ifdef RUMPK_BENCH_DPDK
static uint64_t t_rte_batched(uint64_t n)
{
	return two_threads("rte_ring burst", rte_send_batched, rte_recv_batched, n);
}
#endif
static uint64_t t_rumpk_single(uint64_t n)
{
	return two_threads("rumpk unbatched", rumpk_send_single, rumpk_recv_single, n);
}
static uint64_t t_ck_single(uint64_t n)
{
	return two_threads("ck_ring unbatched", ck_send_single, ck_recv_single, n);
}
static uint64_t t_rumpk_pingpong(uint64_t n)
{
	return two_threads("rumpk ping-pong", rumpk_ping, rumpk_pong, n);
}
static uint64_t t_ck_pingpong(uint64_t n)
{
	return two_threads("ck_ring ping-pong", ck_ping, ck_pong, n);
}
static uint64_t t_bounce(uint64_t n)
{
	return two_threads("bounce", bounce_ping, bounce_pong, n);
}
static uint64_t t_bounce2(uint64_t n)
{
	return two_threads("two-line bounce", bounce2_ping, bounce2_pong, n);
}

/* ---- ABBA pairs with the bounce of the run ------------------------------------------- */

static uint64_t n_bounce; /* round trips of the short bounce timed after every pair */

/* ring_ratio — `pairs` pairs of peer and rumpk runs in ABBA order (peer first in even
 * pairs), each pair followed by a short one-line bounce. Prints the median ratio peer/rumpk
 * with its range, both sides' median ns per packet, the bounce's median and range, and the
 * goal with whether the median meets it (goal 0: reported only). */
static double ring_ratio(const char *name, const char *peer_name, uint64_t (*peer)(uint64_t),
			 const char *rumpk_name, uint64_t (*rumpk)(uint64_t), uint64_t n, int pairs,
			 double goal)
{
	double r[64], tp[64], tr[64], bo[64];
	if (pairs > 64)
		pairs = 64;
	peer(n / 10 + 1); /* warm caches and branch predictors */
	rumpk(n / 10 + 1);
	for (int i = 0; i < pairs; i++) {
		if (i % 2 == 0) {
			tp[i] = (double)peer(n);
			tr[i] = (double)rumpk(n);
		} else {
			tr[i] = (double)rumpk(n);
			tp[i] = (double)peer(n);
		}
		r[i] = tp[i] / tr[i];
		bo[i] = (double)t_bounce(n_bounce) / (double)n_bounce;
	}
	qsort(r, (size_t)pairs, sizeof(double), bench_cmp_double);
	qsort(tp, (size_t)pairs, sizeof(double), bench_cmp_double);
	qsort(tr, (size_t)pairs, sizeof(double), bench_cmp_double);
	qsort(bo, (size_t)pairs, sizeof(double), bench_cmp_double);
	double med = r[pairs / 2];
	printf("%s: %s / %s = %.3f (median of %d ABBA pairs, range %.3f..%.3f; %s %.1f ns/packet, "
	       "%s %.1f ns/packet; bounce %.0f ns, range %.0f..%.0f)",
	       name, peer_name, rumpk_name, med, pairs, r[0], r[pairs - 1], peer_name,
	       tp[pairs / 2] / (double)n, rumpk_name, tr[pairs / 2] / (double)n, bo[pairs / 2], bo[0],
	       bo[pairs - 1]);
	if (goal > 0)
		printf(" goal >= %.1f: %s", goal, med >= goal ? "met" : "NOT MET");
	printf("\n");
	fflush(stdout);
	return med;
}

/* pick_cpus — the first two CPUs this process may run on; 0 if there are fewer. */
static int pick_cpus(void)
{
	cpu_set_t set;
	int k = 0;
	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return 0;
	for (int c = 0; c < CPU_SETSIZE && k < 2; c++)
		if (CPU_ISSET(c, &set))
			cpus[k++] = c;
	return k == 2;
}

int main(void)
{
	int full = bench_full();
	int pairs = full ? 31 : 3;
	/* 500,000 packets is 3-30 ms a run: short enough that most runs of a pair on a shared
	 * machine escape the host's preemptions, which a 2,000,000-packet run rarely did (its
	 * pair ratios ranged 0.3-9x); the medians of 31 pairs take care of the rest. */
	uint64_t n_tput = full ? 500000 : 100000;
	uint64_t n_pp = full ? 100000 : 5000;
	n_bounce = full ? 20000 : 1000;

	if (!pick_cpus()) {
		/* Two spinning threads on one CPU measure the scheduler, not the ring. */
		printf("ring: skipped: needs 2 CPUs to pin producer and consumer apart, this process "
		       "may use 1 (check taskset/cgroup limits)\n");
		return 0;
	}
	if (pin(cpus[0]) != 0) {
		fprintf(stderr, "bench_ring: cannot pin the main thread to CPU %d\n", cpus[0]);
		return 1;
	}
#ifdef RUMPK_BENCH_DPDK
	ssize_t rte_bytes = rte_ring_get_memsize_elem(sizeof(struct rumpk_packet), 2 * MAX_CAP);
	rte = rte_bytes > 0 ? aligned_alloc(128, ((size_t)rte_bytes + 127) & ~(size_t)127) : NULL;
	if (!rte) {
		fprintf(stderr, "bench_ring: no memory for an rte_ring of %u slots\n", 2 * MAX_CAP);
		return 1;
	}
	const char *rte_peer = "DPDK rte_ring (burst, SP/SC, EXACT_SZ)";
#else
	if (full) {
		fprintf(stderr, "bench_ring: built without DPDK's rte_ring, the batched peer: run "
			"scripts/deps.sh --bench, re-configure (cmake build/hosted) and rebuild; "
			"`make bench` does all three\n");
		return 1;
	}
	const char *rte_peer = "none (no DPDK headers: scripts/deps.sh --bench)";
#endif
	printf("ring: SPSC rings of 32-byte packets across threads pinned to CPUs %d and %d; "
	       "unbatched peer: Concurrency Kit ck_ring (struct-copying SPSC); batched peer: %s; "
	       "1024 slots unless named\n", cpus[0], cpus[1], rte_peer);
	printf("ring: 'peer / rumpk' = how many times faster rumpk is; '... / bounce' = round trip "
	       "in bare one-line round trips; 'bounce N ns' = the bare one-line round trip timed "
	       "after each pair (the thread placement of the figure)\n");
	fflush(stdout);

	cap = 1024;
	ring_ratio("ring", "ck_ring", t_ck_single, "rumpk unbatched", t_rumpk_single, n_tput, pairs, 1.2);
#ifdef RUMPK_BENCH_DPDK
	ring_ratio("ring", "rte_ring", t_rte_batched, "rumpk batched", t_rumpk_batched, n_tput, pairs,
		   1.0);
	ring_ratio("ring", "rte_ring", t_rte_batched, "rumpk hardened", t_rumpk_hardened, n_tput, pairs,
		   0);
#else
	/* no batched peer in this build: the rumpk sides still run, checked, once */
	(void)t_rumpk_batched(n_tput);
	(void)t_rumpk_hardened(n_tput);
	printf("ring: batched and hardened lines need DPDK's rte_ring (scripts/deps.sh --bench): "
	       "rumpk's sides ran and checked %llu packets each\n", (unsigned long long)n_tput);
#endif
	bench_pairs("ring", "rumpk ping-pong", t_rumpk_pingpong, "bounce", t_bounce, n_pp, pairs);
	bench_pairs("ring", "ck_ring ping-pong", t_ck_pingpong, "bounce", t_bounce, n_pp, pairs);
	bench_pairs("ring", "two-line bounce", t_bounce2, "bounce", t_bounce, n_pp, pairs);
	if (!full)
		return 0;
	/* How much the figures depend on the ring's size (the smoke run skips these). */
#ifdef RUMPK_BENCH_DPDK
	cap = 256;
	ring_ratio("ring 256 slots", "rte_ring", t_rte_batched, "rumpk batched", t_rumpk_batched, n_tput,
		   pairs, 0);
	cap = 4096;
	ring_ratio("ring 4096 slots", "rte_ring", t_rte_batched, "rumpk batched", t_rumpk_batched,
		   n_tput, pairs, 0);
#endif
	cap = 8;
	bench_pairs("ring 8 slots", "rumpk ping-pong", t_rumpk_pingpong, "bounce", t_bounce, n_pp,
		    pairs);
	return 0;
}
