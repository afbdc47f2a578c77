/*
 * bench_kprintf.c — the core's ksnprintf against glibc's snprintf, on the kind of lines the
 * kernel prints (stage lines, hex addresses, padded numbers). Peer: glibc snprintf.
 */
#include <stdio.h>

#include "bench.h"
#include "kprintf.h"

static volatile int sink;

static uint64_t run_kernel(uint64_t n)
{
	char buf[128];
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		sink += ksnprintf(buf, sizeof(buf), "[stage %02d/%02d] %s ok", (int)(i & 15), 16, "timer");
		sink += ksnprintf(buf, sizeof(buf), "fault at pc %#llx, address %#llx",
				  (unsigned long long)i * 0x9e3779b97f4a7c15ull, (unsigned long long)i);
		sink += ksnprintf(buf, sizeof(buf), "%-10s|%8u|%-6d|", "name", (unsigned)i, -(int)i);
	}
	return bench_now_ns() - t0;
}

static uint64_t run_libc(uint64_t n)
{
	char buf[128];
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		sink += snprintf(buf, sizeof(buf), "[stage %02d/%02d] %s ok", (int)(i & 15), 16, "timer");
		sink += snprintf(buf, sizeof(buf), "fault at pc %#llx, address %#llx",
				 (unsigned long long)i * 0x9e3779b97f4a7c15ull, (unsigned long long)i);
		sink += snprintf(buf, sizeof(buf), "%-10s|%8u|%-6d|", "name", (unsigned)i, -(int)i);
	}
	return bench_now_ns() - t0;
}

int main(void)
{
	int full = bench_full();
	bench_pairs("kprintf", "ksnprintf", run_kernel, "glibc-snprintf", run_libc,
		    full ? 200000 : 5000, full ? 21 : 3);
	return 0;
}
