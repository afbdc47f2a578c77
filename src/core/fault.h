/*
 * fault.h — seeded fault injection: named points in the core where, when the command line
 * asks for it (faults=SPEC), an operation is made to fail or misbehave in a way the real
 * machine could, so the paths that handle it run (docs/faults.md).
 *
 * The points and their names are abi.h's RUMPK_INJ_* (the trace and its tools spell them the
 * same way). Each point counts its opportunities from 1 once injection has started (once
 * init has started: after the last boot stage, the self-tests and init's spawn); whether opportunity N of point
 * P is injected is a pure function of (key, P, N) and the spec, the key derived from a
 * 64-bit fault seed (faultseed=N, else drawn from the boot entropy, the sim's --seed), so
 * one run replays exactly and dropping one event from a spec leaves every other point's
 * decisions as they were.
 *
 * Off unless asked: a call site costs one predictable branch on a global flag.
 */
#ifndef RUMPK_FAULT_H
#define RUMPK_FAULT_H

#include <stddef.h>
#include <stdint.h>

#include "rumpk/abi.h"

#define FAULT_AT_MAX 32        /* POINT@N events and POINT~N exclusions in one spec */
#define FAULT_SPEC_MAX RUMPK_BOOT_CMDLINE_MAX
#define FAULT_KEY_BYTES 16     /* a SipHash key */

/* A parsed faults= value. */
struct fault_spec {
	uint64_t below[RUMPK_INJ_MAX + 1];  /* inject when the decision word is below this */
	uint8_t always[RUMPK_INJ_MAX + 1];  /* rate 1: every opportunity */
	uint32_t nat;
	struct {
		uint32_t point;
		uint32_t skip;              /* 1: never inject lo..hi (POINT~N, POINT~A-B) */
		uint64_t lo, hi;            /* skip 0: exactly opportunity lo = hi (POINT@N) */
	} at[FAULT_AT_MAX];
	uint32_t enabled;                   /* bit p: point p may inject */
};

/* fault_parse — a faults= value: a comma list of POINT=RATE (RATE a decimal from 0 to 1, at
 * most 18 digits after the point), POINT@N (exactly the N-th opportunity, N >= 1),
 * POINT~N and POINT~A-B (never the N-th, never the A-th to B-th: wins over everything
 * else, for a shrinker removing events from a rate run) and all=RATE (every point but the
 * test-only "leak"; a rate named for a point wins over it, whatever the order); at most
 * FAULT_AT_MAX @ and ~ items together. An empty value enables nothing. Returns 0, or -RUMPK_EINVAL with a
 * reason naming the bad item in why (the spec is then all zero). */
int fault_parse(const char *value, struct fault_spec *out, char *why, size_t whylen);

/* fault_decide — the decision for opportunity n of point under spec and key: 1 to inject,
 * else 0. Pure. *rnd (if not NULL) gets 64 more bits of the same hash, for the call site's
 * own choice (how late, how many bytes). */
int fault_decide(const uint8_t key[FAULT_KEY_BYTES], const struct fault_spec *spec,
		 uint32_t point, uint64_t n, uint64_t *rnd);

/* fault_key — the decision key from 32 bytes (SHA-512 of a label and the bytes). */
void fault_key(const uint8_t entropy[RUMPK_BOOT_ENTROPY_BYTES], uint8_t key[FAULT_KEY_BYTES]);

/* The fault seed: a 64-bit number every decision comes from, printed at halt
 * ("[faults] seed N") so that any run's decisions can be made again with faultseed=N, on
 * QEMU too, whose boot entropy is new every boot. Without faultseed= it is drawn from the
 * boot entropy (fault_seed_from_entropy: the sim's --seed fixes it). fault_seed_key is the
 * decision key of a seed: fault_key of the seed's 8 little-endian bytes, zero-padded. */
uint64_t fault_seed_from_entropy(const uint8_t entropy[RUMPK_BOOT_ENTROPY_BYTES]);
void fault_seed_key(uint64_t seed, uint8_t key[FAULT_KEY_BYTES]);

/* fault_setup — once, before the first boot stage: parses faults= of the command line and
 * keeps it with the key from `entropy`. 0, or -RUMPK_EINVAL after printing
 * "[faults] FAIL: ..." naming what is wrong (the boot then halts with SELFTEST_EXIT_CODE). */
int fault_setup(const char *cmdline, const uint8_t entropy[RUMPK_BOOT_ENTROPY_BYTES]);

/* fault_start / fault_stop — injection on (once init has started) and off (at halt, and in
 * tests). fault_start restarts every point's opportunity count at 0. */
void fault_start(void);
void fault_stop(void);

/* Read by fault_inject's inline test: nonzero while started with some point enabled. */
extern int fault_active;

int fault_inject_slow(uint32_t point, uint64_t *rnd);

/* fault_inject — the call sites' question: is this opportunity of `point` injected? 1 (and
 * *rnd, if not NULL, holds 64 random bits for the site's choices) or 0. Any context,
 * interrupts in any state; never blocks, never allocates, never prints. */
static inline int fault_inject(uint32_t point, uint64_t *rnd)
{
	if (__builtin_expect(!fault_active, 1))
		return 0;
	return fault_inject_slow(point, rnd);
}

/* fault_note — called once for every injection: point, its opportunity number and the pid
 * of the process it hits (the current one; 0 for the kernel's own work). The trace records
 * it. Interrupts disabled; no allocation, no printing. */
void fault_note(uint32_t point, uint64_t n, uint32_t pid);

struct fault_stats {
	uint64_t seen[RUMPK_INJ_MAX + 1];     /* opportunities of enabled points */
	uint64_t injected[RUMPK_INJ_MAX + 1];
};
void fault_stats(struct fault_stats *out);

/* fault_report — at halt, when faults= asked for anything: one line
 * "[faults] injected: alloc 3 of 120, ring 0 of 41, ..." (enabled points only). */
void fault_report(void);

/* fault_point_name — "alloc" for RUMPK_INJ_ALLOC, ...; NULL for a number out of range. */
const char *fault_point_name(uint32_t point);

#endif /* RUMPK_FAULT_H */
