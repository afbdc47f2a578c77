/*
 * ringbench [-b BATCH] [-n COUNT] — floods the process's submission ring with GETPID
 * packets in batches of BATCH (nexus_call_many: one push and, in Peace mode, one doorbell
 * per batch) until COUNT have been answered, and reports:
 *
 *   throughput   packets per second over the whole run
 *   round trip   per batch: the time from the batch's first push to its last answer,
 *                min / average / max over up to 1,000 batches timed one by one (each
 *                timing costs two TIME packets outside the batch)
 *
 * Time comes from the kernel (nexus_time_ns, SYS_TIME). Run it in Peace and in War mode
 * and compare the lines: that is what it is for. Defaults: -b 16 -n 100000; BATCH is
 * 1..1024, COUNT 1..1,000,000,000. No floating point (rv64imac has no runtime for it):
 * rates are integer arithmetic.
 */
#include <nexus.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_MAX 1024
static struct rumpk_packet reqs[BATCH_MAX];
static int64_t res[BATCH_MAX];

/* One batch of n GETPIDs; the pid every answer must carry, or a negative error. */
static int64_t batch(uint32_t n, int64_t pid)
{
	memset(reqs, 0, n * sizeof(reqs[0]));
	for (uint32_t i = 0; i < n; i++)
		reqs[i].kind = RUMPK_SYS_GETPID;
	int r = nexus_call_many(reqs, res, n);
	if (r < 0)
		return r;
	for (uint32_t i = 0; i < n; i++)
		if (res[i] != pid)
			return res[i] < 0 ? res[i] : -RUMPK_EIO;
	return 0;
}

static int option(const char *flag, const char *arg, uint64_t lo, uint64_t hi, uint64_t *v)
{
	char *end;
	if (arg && nexus_strtou64(arg, &end, 10, v) == 0 && !*end && *v >= lo && *v <= hi)
		return 0;
	fprintf(stderr, "ringbench: %s needs a number from %llu to %llu, not %s\n", flag,
		(unsigned long long)lo, (unsigned long long)hi, arg ? arg : "nothing");
	return -1;
}

int main(int argc, char **argv, char **envp)
{
	uint64_t b = 16, count = 100000;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-b") == 0) {
			if (option("-b", i + 1 < argc ? argv[++i] : NULL, 1, BATCH_MAX, &b) < 0)
				return 2;
		} else if (strcmp(argv[i], "-n") == 0) {
			if (option("-n", i + 1 < argc ? argv[++i] : NULL, 1, 1000000000, &count) < 0)
				return 2;
		} else {
			fprintf(stderr, "ringbench: unknown argument %s (usage: ringbench [-b BATCH] "
					"[-n COUNT])\n", argv[i]);
			return 2;
		}
	}
	int pid = nexus_getpid();
	if (pid < 0) {
		fprintf(stderr, "ringbench: getpid: %s\n", nexus_strerror(pid));
		return 1;
	}

	/* throughput: nothing but batches between the two clock readings */
	uint64_t batches = (count + b - 1) / b, left = count;
	int64_t t0 = nexus_time_ns(), r = 0;
	for (uint64_t i = 0; i < batches && r == 0; i++) {
		uint32_t n = (uint32_t)(left < b ? left : b);
		r = batch(n, pid);
		left -= n;
	}
	int64_t t1 = nexus_time_ns();
	if (r < 0 || t0 < 0 || t1 < 0) {
		fprintf(stderr, "ringbench: %s\n", nexus_strerror(r < 0 ? r : t0 < 0 ? t0 : t1));
		return 1;
	}
	uint64_t ns = t1 > t0 ? (uint64_t)(t1 - t0) : 1;
	/* count * 1e9 fits in 64 bits for count <= 1e9 (1e18 < 1.8e19) */
	printf("ringbench: %llu packets in batches of %llu: %llu ns, %llu packets/s, %llu ns per packet\n",
	       (unsigned long long)count, (unsigned long long)b, (unsigned long long)ns,
	       (unsigned long long)(count * 1000000000ull / ns), (unsigned long long)(ns / count));

	/* round trip of one batch, timed one by one */
	uint64_t timed = batches < 1000 ? batches : 1000, lo = UINT64_MAX, hi = 0, sum = 0;
	for (uint64_t i = 0; i < timed; i++) {
		int64_t a = nexus_time_ns();
		r = batch((uint32_t)b, pid);
		int64_t z = nexus_time_ns();
		if (r < 0) {
			fprintf(stderr, "ringbench: %s\n", nexus_strerror(r));
			return 1;
		}
		uint64_t d = z > a ? (uint64_t)(z - a) : 0;
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
		sum += d;
	}
	printf("ringbench: round trip of a batch of %llu over %llu batches: min %llu ns, avg %llu ns, max %llu ns\n",
	       (unsigned long long)b, (unsigned long long)timed, (unsigned long long)lo,
	       (unsigned long long)(sum / timed), (unsigned long long)hi);
	return 0;
}
