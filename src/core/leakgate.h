/*
 * leakgate.h — the halt leak gate (kernel command line key `leakgate`, the sim's
 * --leak-gate): the counters a finished session must give back, snapshotted right before
 * init starts and compared at the orderly halt after init ends (docs/faults.md).
 *
 * The counters are those `stats` reports and tests/boot/session.py gates: free pages (slab
 * pages kept for reuse count as free), kernel objects, fibers, live and zombie processes,
 * ring slots, address spaces, open handles.
 *
 * "Init ends" includes the shell's `halt`: with the gate on, a HALT by init ends init with
 * the code as its status (proc_halt_ends_init), and core_main halts with it after the gate.
 */
#ifndef RUMPK_LEAKGATE_H
#define RUMPK_LEAKGATE_H

#include <stddef.h>
#include <stdint.h>

#include "hal.h"

#define LEAKGATE_EXIT_CODE HAL_HALT_LEAK /* 102: the halt code when the gate finds a difference */

enum {
	LG_FREE_PAGES,
	LG_OBJECTS,
	LG_FIBERS,
	LG_PROCS_LIVE,
	LG_PROCS_ZOMBIES,
	LG_RING_SLOTS,
	LG_SPACES,
	LG_HANDLES,
	LG_COUNT,
};

struct leakgate {
	uint64_t v[LG_COUNT];
};

/* leakgate_take — the gated counters now (fiber context). */
void leakgate_take(struct leakgate *out);

/* leakgate_compare — 0 if after equals before; else writes "leak gate: NAME BEFORE ->
 * AFTER, ..." naming every counter that differs into msg and returns how many differ. */
int leakgate_compare(const struct leakgate *before, const struct leakgate *after, char *msg,
		     size_t len);

/* leakgate_check — for core_main at the halt after init ends: reaps what is reaped lazily
 * (exited fibers), takes the counters and compares them with `before`. Prints the
 * difference and returns LEAKGATE_EXIT_CODE, or returns 0. */
int leakgate_check(const struct leakgate *before);

#endif /* RUMPK_LEAKGATE_H */
