/*
 * bench_abba.h — paired measurement in ABBA order, for the scheduler and switch benchmarks.
 *
 * bench.h's bench_pairs runs every pair as A then B; a drift in the machine's speed during
 * a run (frequency, a neighbour's load, the host moving the vCPU) then favours one side.
 * Here pair i runs A then B when i is even and B then A when it is odd, so a linear drift
 * cancels over each two pairs. Same output shape as bench_pairs, plus the order.
 */
#ifndef RUMPK_BENCH_ABBA_H
#define RUMPK_BENCH_ABBA_H

#include "bench.h"

struct abba_result {
	double ratio, lo, hi; /* median and range of the per-pair ratios a / b */
	double a_ns, b_ns;    /* median ns per operation of each side */
};

static inline struct abba_result abba_pairs(const char *name, const char *a_name,
					    uint64_t (*a)(uint64_t), const char *b_name,
					    uint64_t (*b)(uint64_t), uint64_t n, int pairs)
{
	double r[64], ta[64], tb[64];
	struct abba_result res;
	if (pairs > 64)
		pairs = 64;
	a(n / 10 + 1); /* warm caches and branch predictors */
	b(n / 10 + 1);
	for (int i = 0; i < pairs; i++) {
		if (i & 1) {
			tb[i] = (double)b(n);
			ta[i] = (double)a(n);
		} else {
			ta[i] = (double)a(n);
			tb[i] = (double)b(n);
		}
		r[i] = ta[i] / tb[i];
	}
	qsort(r, (size_t)pairs, sizeof(double), bench_cmp_double);
	qsort(ta, (size_t)pairs, sizeof(double), bench_cmp_double);
	qsort(tb, (size_t)pairs, sizeof(double), bench_cmp_double);
	res.ratio = r[pairs / 2];
	res.lo = r[0];
	res.hi = r[pairs - 1];
	res.a_ns = ta[pairs / 2] / (double)n;
	res.b_ns = tb[pairs / 2] / (double)n;
	printf("%s: %s / %s = %.3f (median of %d ABBA pairs, range %.3f..%.3f; %s %.1f ns/op, "
	       "%s %.1f ns/op)\n",
	       name, a_name, b_name, res.ratio, pairs, res.lo, res.hi, a_name, res.a_ns, b_name,
	       res.b_ns);
	fflush(stdout);
	return res;
}

#endif
