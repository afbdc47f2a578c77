/*
 * bench_sched.c — the scheduler's cost per decision as the number of runnable fibers at
 * ONE priority grows (10, 1,000, 10,000): the case the O(1) claim is about, since every
 * fiber then sits on the same run queue.
 *
 * Round robin: N fibers at one priority each call fiber_yield() in a loop; every yield is
 * one scheduling decision (push the caller at the tail, pop the head) and one context
 * switch. The timed window is R full rounds (R * N decisions) between two timestamps the
 * first fiber takes at the start of its 2nd and its (R + 2)th turn, so spawning, each
 * fiber's first entry and the exits are outside it. Peer: the same loop at 10 fibers,
 * measured alternately (ABBA) in the same process. Goal: 10,000 / 10 <= 1.2.
 *
 * A round robin over N fibers touches N stacks, N fiber structs and N canary words in
 * turn: at 10,000 fibers that is ~30,000 distinct pages, far beyond the caches and the
 * TLB, while 10 fibers stay in L1. To tell that memory cost from the scheduler's own, the
 * same two sizes are also run as a bare ring of hal_ctx_switch() calls over stacks laid out
 * as the scheduler lays them out (16 KiB blocks from the page allocator, guard page, same
 * top of stack), with no scheduler at all; the last line compares each size's yield with
 * its bare switch. The instruction count per decision does not depend on N (run
 * `bench_sched N DECISIONS` under callgrind twice, docs/performance.md).
 *
 * A second line keeps the older question: a 2-fiber ping-pong over two kernel rings while
 * 9,998 fibers wait runnable at a LOWER priority (they are never looked at), against the
 * ping-pong alone.
 *
 * Runs the real core (allocator, scheduler, rings) on the hosted HAL, without core_main:
 * a 512 MiB guest RAM holds the fibers' stacks.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench_abba.h"
#include "host.h"
#include "kprintf.h"
#include "mem.h"
#include "ring.h"
#include "sched.h"

#define RR_PRIO 10   /* the round robin's one priority (the boot fiber's is 16) */
#define MAX_N 10000
#define CROWD 9998

static void die_spawn(int i, int err)
{
	struct mem_stats ms;
	mem_stats(&ms);
	fprintf(stderr, "bench_sched: cannot spawn fiber %d: %s (%llu of %llu pages free)\n", i,
		rumpk_strerror(err), (unsigned long long)ms.free_pages,
		(unsigned long long)ms.total_pages);
	exit(1);
}

/* ---- round robin at one priority --------------------------------------------------------- */

static uint64_t rr_rounds, rr_t0, rr_t1;
static struct completion rr_done;

static void rr_main(void *arg)
{
	int first = arg != NULL;
	fiber_yield(); /* round 0: every fiber's first entry, not timed */
	if (first)
		rr_t0 = bench_now_ns();
	for (uint64_t i = 0; i < rr_rounds; i++)
		fiber_yield();
	if (first)
		rr_t1 = bench_now_ns();
	completion_signal(&rr_done);
}

/* n decisions (n a multiple of nfibers) among nfibers runnable fibers; returns ns for n */
static uint64_t round_robin(uint64_t n, int nfibers)
{
	int err = 0;
	rr_rounds = n / (uint64_t)nfibers;
	completion_init(&rr_done, (uint32_t)nfibers);
	for (int i = 0; i < nfibers; i++)
		if (!fiber_spawn("rr", rr_main, i == 0 ? (void *)1 : NULL, RR_PRIO, &err))
			die_spawn(i, err);
	completion_wait(&rr_done); /* the boot fiber is less urgent: it runs when all exited */
	sched_reap();
	return rr_t1 - rr_t0;
}

static uint64_t rr_10(uint64_t n)
{
	return round_robin(n, 10);
}

static uint64_t rr_1000(uint64_t n)
{
	return round_robin(n, 1000);
}

static uint64_t rr_10000(uint64_t n)
{
	return round_robin(n, 10000);
}

/* ---- the same stacks, bare switches ------------------------------------------------------ */

static struct bare {
	struct hal_ctx ctx;
	struct hal_ctx *next;
	void *stack;
} bare[MAX_N];
static struct hal_ctx bare_boot;
static uint64_t bare_rounds, bare_t0, bare_t1;

static void bare_main(void *arg)
{
	struct bare *b = arg;
	if (b != &bare[0])
		for (;;)
			hal_ctx_switch(&b->ctx, b->next);
	hal_ctx_switch(&b->ctx, b->next); /* round 0, not timed */
	bare_t0 = bench_now_ns();
	for (uint64_t i = 0; i < bare_rounds; i++)
		hal_ctx_switch(&b->ctx, b->next);
	bare_t1 = bench_now_ns();
	hal_ctx_switch(&b->ctx, &bare_boot); /* the others stay parked mid-switch */
	for (;;)
		hal_ctx_switch(&b->ctx, &bare_boot);
}

/* n switches round robin over nstacks contexts; returns ns for n */
static uint64_t bare_ring(uint64_t n, int nstacks)
{
	size_t size = PAGE_SIZE << FIBER_STACK_ORDER;
	bare_rounds = n / (uint64_t)nstacks;
	for (int i = 0; i < nstacks; i++) {
		struct bare *b = &bare[i];
		b->stack = page_alloc(FIBER_STACK_ORDER);
		if (!b->stack || hal_stack_guard(b->stack, 1) != 0) {
			fprintf(stderr, "bench_sched: no stack %d for the bare ring\n", i);
			exit(1);
		}
		/* as spawn() in sched.c: guard page, canary, the context above them */
		char *lo = (char *)b->stack + PAGE_SIZE;
		*(uint64_t *)lo = FIBER_CANARY;
		hal_ctx_init(&b->ctx, lo + 16, size - PAGE_SIZE - 16, bare_main, b);
		b->next = i + 1 == nstacks ? &bare[0].ctx : &bare[i + 1].ctx;
	}
	hal_irq_state_t s = hal_irq_save(); /* as the scheduler switches: interrupts off */
	hal_ctx_switch(&bare_boot, &bare[0].ctx);
	hal_irq_restore(s);
	for (int i = 0; i < nstacks; i++) {
		hal_ctx_release(&bare[i].ctx);
		hal_stack_guard(bare[i].stack, 0);
		page_free(bare[i].stack, FIBER_STACK_ORDER);
	}
	return bare_t1 - bare_t0;
}

static uint64_t bare_10(uint64_t n)
{
	return bare_ring(n, 10);
}

static uint64_t bare_10000(uint64_t n)
{
	return bare_ring(n, 10000);
}

/* ---- ping-pong with a lower-priority crowd ------------------------------------------------ */

static struct kring *ping, *pong;
static uint64_t rounds;
static struct completion done, crowd_done;

static void ping_main(void *arg)
{
	struct rumpk_packet p = { .kind = 1 }, r;
	(void)arg;
	for (uint64_t i = 0; i < rounds; i++) {
		p.arg = i;
		kring_send(ping, &p);
		kring_recv(pong, &r);
	}
	completion_signal(&done);
}

static void pong_main(void *arg)
{
	struct rumpk_packet p;
	(void)arg;
	for (uint64_t i = 0; i < rounds; i++) {
		kring_recv(ping, &p);
		kring_send(pong, &p);
	}
	completion_signal(&done);
}

static void crowd_main(void *arg)
{
	(void)arg; /* runs only once the ping-pong is over, and ends at once */
	completion_signal(&crowd_done);
}

static uint64_t pingpong(uint64_t n, int crowd)
{
	int err = 0;
	completion_init(&crowd_done, (uint32_t)crowd);
	for (int i = 0; i < crowd; i++)
		if (!fiber_spawn("crowd", crowd_main, NULL, 20, &err))
			die_spawn(i, err);
	rounds = n;
	completion_init(&done, 2);
	fiber_spawn("ping", ping_main, NULL, 10, &err);
	fiber_spawn("pong", pong_main, NULL, 10, &err);
	uint64_t t0 = bench_now_ns();
	completion_wait(&done); /* ping and pong outrank everyone: the crowd waits */
	uint64_t t = bench_now_ns() - t0;
	completion_wait(&crowd_done); /* now the crowd runs and exits */
	sched_reap();
	return t;
}

static uint64_t plain(uint64_t n)
{
	return pingpong(n, 0);
}

static uint64_t crowded(uint64_t n)
{
	return pingpong(n, CROWD);
}

int main(int argc, char **argv)
{
	static struct rumpk_boot_info bi;
	char why[128];
	int err;
	uint64_t ram_size = 512ull << 20;

	host_time_init();
	host_signals_init();
	bi.version = RUMPK_BOOT_INFO_VERSION;
	bi.nmem = 1;
	bi.mem[0].base = (uint64_t)(uintptr_t)host_ram_alloc(ram_size, 4096);
	bi.mem[0].size = ram_size;
	if (!bi.mem[0].base || mem_init(&bi, why, sizeof(why)) || sched_init()) {
		fprintf(stderr, "bench_sched: cannot set up the core: %s\n", why);
		return 1;
	}
	if (argc == 3) {
		/* `bench_sched N DECISIONS`: one round robin and nothing else, for instruction
		 * counts (docs/performance.md: two valgrind runs, the difference per decision) */
		int nf = atoi(argv[1]);
		uint64_t d = strtoull(argv[2], NULL, 10);
		if (nf < 1 || nf > MAX_N || d < (uint64_t)nf) {
			fprintf(stderr, "usage: bench_sched [FIBERS(1..%d) DECISIONS]\n", MAX_N);
			return 2;
		}
		printf("sched: %d fibers, %.1f ns per decision\n", nf,
		       (double)round_robin(d, nf) / (double)(d / (uint64_t)nf * (uint64_t)nf));
		return 0;
	}
	int full = bench_full();
	int pairs = full ? 21 : 3;
	/* a multiple of 10,000: 50 rounds of 10,000 fibers, 50,000 of 10 */
	uint64_t n = full ? 500000 : 20000;

	struct abba_result r1k = abba_pairs("sched", "1000 runnable", rr_1000, "10 runnable", rr_10,
					    n, pairs);
	struct abba_result r10k = abba_pairs("sched", "10000 runnable", rr_10000, "10 runnable",
					     rr_10, n, pairs);
	struct abba_result b10k = abba_pairs("sched", "bare switch over 10000 stacks", bare_10000,
					     "bare switch over 10 stacks", bare_10, n, pairs);
	printf("sched: per decision at one priority, 1000 / 10 fibers = %.3f, 10000 / 10 fibers = "
	       "%.3f: goal <= 1.2 %s\n",
	       r1k.ratio, r10k.ratio, r10k.ratio <= 1.2 ? "met" : "NOT met");
	printf("sched: the same round robin as bare hal_ctx_switch calls (no scheduler), 10000 / 10 "
	       "stacks = %.3f (%.1f vs %.1f ns)\n",
	       b10k.ratio, b10k.a_ns, b10k.b_ns);
	/* from different pairs of this run: each side's median ns per decision */
	printf("sched: yield / bare switch per decision: %.2fx at 10 fibers (%.1f vs %.1f ns), "
	       "%.2fx at 10000 (%.1f vs %.1f ns)\n",
	       r10k.b_ns / b10k.b_ns, r10k.b_ns, b10k.b_ns, r10k.a_ns / b10k.a_ns, r10k.a_ns,
	       b10k.a_ns);

	ping = kring_create(64, &err);
	pong = kring_create(64, &err);
	double r = abba_pairs("sched", "ping-pong with 9998 runnable at a lower priority", crowded,
			      "ping-pong alone", plain, full ? 200000 : 20000, full ? 21 : 3)
			   .ratio;
	printf("sched: a round trip (2 switches, 2 ring packets) costs %.3fx with %d lower-priority "
	       "fibers waiting\n",
	       r, CROWD);
	return 0;
}
