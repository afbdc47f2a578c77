/*
 * budget.c — the budget checks of programs built for the sim's virtual mode
 * (cmake/programs.cmake VIRTUAL; docs/simulation.md). Linked into those copies only.
 *
 * The compiler (-fsanitize-coverage=trace-pc-guard,no-prune) calls
 * __sanitizer_cov_trace_pc_guard on every edge of every instrumented function, the empty
 * loop of `for(;;);` included. Each call spends one block of the budget; the call that
 * spends the last traps into the kernel through the doorbell with
 * bell(RUMPK_BUDGET_MAGIC, blocks spent): the sim charges virtual time for them, takes a
 * due timer as this thread's timer interrupt (preempting it at a point that depends only
 * on the program and the seed), and returns the next budget, seeded jitter included.
 * Before the membrane is attached (start-up) there is no doorbell: the budget just
 * starts over.
 *
 * Nothing here may be instrumented (the hook would call itself): no_sanitize("coverage")
 * on both functions, and they call nothing but the doorbell, which is the kernel's.
 */
#include <stdint.h>

#include "nexus_sys.h"
#include "rumpk/abi.h"

#define BUDGET_FIRST 4096 /* blocks before the first trap (later budgets: the sim's) */

void __sanitizer_cov_trace_pc_guard(uint32_t *guard);
void __sanitizer_cov_trace_pc_guard_init(uint32_t *start, uint32_t *stop);

static uint64_t left = BUDGET_FIRST, given = BUDGET_FIRST;

__attribute__((no_sanitize("coverage"))) void __sanitizer_cov_trace_pc_guard(uint32_t *guard)
{
	(void)guard; /* every edge costs the same: the guard's identity does not matter */
	if (--left)
		return;
	uint64_t next = 0;
	if (nexus_doorbell) {
		uint64_t (*bell)(uint64_t, uint64_t) =
			(uint64_t (*)(uint64_t, uint64_t))(void *)nexus_doorbell;
		next = bell(RUMPK_BUDGET_MAGIC, given);
	}
	left = given = next ? next : BUDGET_FIRST;
}

/* The module constructor's call (from .init_array, run by nexus_start): the guards are
 * not used, but a guard of 0 means "off" by the interface's contract: set them all. */
__attribute__((no_sanitize("coverage"))) void __sanitizer_cov_trace_pc_guard_init(uint32_t *start,
										   uint32_t *stop)
{
	for (uint32_t *g = start; g < stop; g++)
		*g = 1;
}
