/*
 * bench.h — paired A/B measurement for rumpk's benchmarks.
 *
 * Machines here are noisy, so no benchmark reports an absolute figure as a verdict: each
 * one times the rumpk side and a named peer alternately (A B A B ...) in the same process,
 * takes the ratio of each pair, and reports the median ratio and its range. RUMPK_BENCH=full
 * (make bench) runs long; otherwise a short smoke run only proves the benchmark works.
 */
#ifndef RUMPK_BENCH_H
#define RUMPK_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* 1 for `make bench`, 0 for the smoke run inside `make test`. */
static inline int bench_full(void)
{
	const char *e = getenv("RUMPK_BENCH");
	return e && strcmp(e, "full") == 0;
}

static int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/*
 * bench_pairs — runs `pairs` rounds of a(n) then b(n), each returning elapsed ns for n
 * operations, and prints one line:
 *   <name>: <a_name> / <b_name> = R (median of P pairs, range LO..HI; a X ns/op, b Y ns/op)
 * Returns the median ratio.
 */
static inline double bench_pairs(const char *name, const char *a_name, uint64_t (*a)(uint64_t),
				 const char *b_name, uint64_t (*b)(uint64_t), uint64_t n, int pairs)
{
	double r[64], ta[64], tb[64];
	if (pairs > 64)
		pairs = 64;
	a(n / 10 + 1); /* warm caches and branch predictors */
	b(n / 10 + 1);
	for (int i = 0; i < pairs; i++) {
		ta[i] = (double)a(n);
		tb[i] = (double)b(n);
		r[i] = ta[i] / tb[i];
	}
	qsort(r, (size_t)pairs, sizeof(double), bench_cmp_double);
	qsort(ta, (size_t)pairs, sizeof(double), bench_cmp_double);
	qsort(tb, (size_t)pairs, sizeof(double), bench_cmp_double);
	double med = r[pairs / 2];
	printf("%s: %s / %s = %.3f (median of %d pairs, range %.3f..%.3f; %s %.1f ns/op, %s %.1f ns/op)\n",
	       name, a_name, b_name, med, pairs, r[0], r[pairs - 1], a_name, ta[pairs / 2] / (double)n,
	       b_name, tb[pairs / 2] / (double)n);
	fflush(stdout);
	return med;
}

#endif
