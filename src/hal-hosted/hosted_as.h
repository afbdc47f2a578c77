/*
 * hosted_as.h — what the hosted address-space code (hal_as.c) offers beyond hal.h, for the
 * unit tests and fuzz targets that link it through rumpk_hal_hosted_cpu. The core never
 * includes this file.
 */
#ifndef RUMPK_HOSTED_AS_H
#define RUMPK_HOSTED_AS_H

#include <stdint.h>

struct hal_as;

/* Size of every hosted space: [user_lo, user_hi) is a reservation of this many bytes. */
#define HOSTED_AS_SIZE (256ull << 20)
/* Mapped ranges one space can record (neighbours with equal permissions are merged). */
#define HOSTED_AS_MAX_RANGES 64

/* Live totals over every space: what leak checks compare before and after. */
struct hosted_as_stats {
	uint64_t spaces;       /* created and not yet destroyed */
	uint64_t ranges;       /* mapped ranges recorded, summed over spaces */
	uint64_t mapped_bytes; /* bytes mapped, summed over spaces */
	uint64_t calls;        /* map, protect and copy_to_user calls so far (never reset) */
};
void hosted_as_stats(struct hosted_as_stats *out);

/*
 * Fault injection for tests: the nth of the next map / protect / copy_to_user calls (1 =
 * the very next) fails as if the host had refused (map and protect: -RUMPK_ENOMEM,
 * copy_to_user: -RUMPK_EFAULT) without changing anything. 0 turns it off; it also turns
 * itself off after firing once.
 */
void hosted_as_fail_nth(uint64_t nth);

/* For tests: every space records at most n ranges from now on (0 or >= the maximum: back to
 * HOSTED_AS_MAX_RANGES), so code that must survive the range limit can meet it early. */
void hosted_as_limit_ranges(unsigned n);

/* The mapped range containing va and its permissions: 0, or -1 if va is not mapped. */
int hosted_as_lookup(const struct hal_as *as, uint64_t va, uint64_t *start, uint64_t *end,
		     unsigned *prot);

/* 1 if [va, va + len) (len > 0) lies in as's mappings, each with all HAL_PROT_* bits of
 * `need`; else 0. The user boundary's check of the user stack (hal_user.c). */
int hosted_as_covered(const struct hal_as *as, uint64_t va, uint64_t len, unsigned need);

#endif /* RUMPK_HOSTED_AS_H */
