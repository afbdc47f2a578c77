/*
 * bench_sched.c — O(1) scheduling: a 2-fiber ping-pong over two kernel rings, alone vs
 * while 9,998 other fibers wait runnable at a lower priority. Peer: the same ping-pong
 * without the crowd, measured alternately in the same process. Goal: <= 1.2x.
 *
 * Runs the real core (allocator, scheduler, rings) on the hosted HAL, without core_main:
 * a 512 MiB guest RAM holds the crowd's stacks (16 KiB each, a guard page among them).
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "host.h"
#include "kprintf.h"
#include "mem.h"
#include "ring.h"
#include "sched.h"

#define CROWD 9998

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
		if (!fiber_spawn("crowd", crowd_main, NULL, 20, &err)) {
			struct mem_stats ms;
			mem_stats(&ms);
			fprintf(stderr, "bench_sched: cannot spawn fiber %d: %s (%llu of %llu pages free)\n", i,
				rumpk_strerror(err), (unsigned long long)ms.free_pages,
				(unsigned long long)ms.total_pages);
			exit(1);
		}
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

int main(void)
{
	static struct rumpk_boot_info bi;
	char why[128];
	int err;
	uint64_t ram_size = 512ull << 20;

	host_time_init();
	host_signals_init();
	bi.version = RUMPK_BOOT_INFO_VERSION;
	bi.nmem = 1;
	bi.mem[0].base = (uint64_t)(uintptr_t)host_ram_alloc(ram_size);
	bi.mem[0].size = ram_size;
	if (!bi.mem[0].base || mem_init(&bi, why, sizeof(why)) || sched_init()) {
		fprintf(stderr, "bench_sched: cannot set up the core: %s\n", why);
		return 1;
	}
	ping = kring_create(64, &err);
	pong = kring_create(64, &err);
	int full = bench_full();
	double r = bench_pairs("sched", "ping-pong with 9998 runnable", crowded,
			       "ping-pong alone", plain, full ? 200000 : 20000, full ? 9 : 3);
	printf("sched: a round trip (2 switches, 2 ring packets) costs %.3fx with %d fibers waiting\n",
	       r, CROWD);
	return 0;
}
