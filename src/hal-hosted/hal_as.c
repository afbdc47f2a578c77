/*
 * hal_as.c — user address spaces on the hosted HAL (a "top" file: kernel types only; the
 * mmap calls are host_as.c).
 *
 * Every program shares the sim process, so a space cannot have addresses of its own: it is
 * a reservation of HOSTED_AS_SIZE bytes (PROT_NONE, nothing backing it) and its user range
 * is exactly that reservation. Programs are static PIE for this reason (docs/loader.md).
 * Mapping a range is an mprotect inside the reservation; the pages arrive zero-filled on
 * first touch. Unmapping drops them (MADV_DONTNEED) and makes them PROT_NONE again, so a
 * later map of the same range reads zeros as well.
 *
 * The HAL keeps its own record of what is mapped: a sorted array of disjoint ranges with
 * their HAL_PROT_* bits, neighbours with equal permissions merged. hal_copy_to_user and
 * hal_copy_from_user check the whole user range against that record (mapped, and writable
 * resp. readable, with no hole) before they copy a byte; that is the only place the kernel
 * touches user memory. Nothing here relies on catching a host fault.
 *
 * Shared pages (hal_as_share, the ring page): guest RAM is a memfd (host_cpu.c), so the
 * kernel's page is mapped a second time at va (MAP_SHARED | MAP_FIXED over the
 * reservation), recorded as a range of its own kind: never merged with a neighbour, and
 * unmapped by putting fresh reservation back (host_as_unshare), so the kernel's page
 * keeps its contents and a later map of the range never sees it.
 *
 * What the hosted HAL cannot give: isolation between spaces. All of them are in the one
 * host address space, so a program could reach another's pages; W^X and the copy checks
 * are enforced, hardware separation is the bare-metal HALs' job.
 *
 * Bookkeeping lives in host heap blocks (host_zalloc), not in guest RAM: the core's page
 * allocator is not a HAL service (hal.h), and the tests' leak checks see both.
 * Not reentrant; the core calls these from fiber context only.
 */
#include "hal.h"
#include "host.h"
#include "hosted_as.h"
#include "kprintf.h"

_Static_assert(HOST_PROT_R == HAL_PROT_R && HOST_PROT_W == HAL_PROT_W &&
		       HOST_PROT_X == HAL_PROT_X,
	       "host.h and hal.h agree on permission bits");

#define AS_PAGE 4096ull

struct as_range {
	uint64_t start, end; /* [start, end), page aligned */
	unsigned prot;       /* HAL_PROT_* */
	unsigned shared;     /* a kernel page shown here (hal_as_share): never merged, and
			      * unmapping puts fresh reservation back instead of dropping pages */
};

struct hal_as {
	uint64_t lo, hi; /* the reservation = the user range */
	unsigned n;      /* ranges in use */
	struct as_range r[HOSTED_AS_MAX_RANGES]; /* sorted by start, disjoint */
};

static struct hosted_as_stats stats;
static uint64_t fail_at; /* stats.calls value whose call fails (0: none) */
static unsigned max_ranges = HOSTED_AS_MAX_RANGES; /* lowered by tests only */
static struct hal_as *current;

void hosted_as_stats(struct hosted_as_stats *out)
{
	*out = stats;
}

void hosted_as_limit_ranges(unsigned n)
{
	max_ranges = n && n < HOSTED_AS_MAX_RANGES ? n : HOSTED_AS_MAX_RANGES;
}

void hosted_as_fail_nth(uint64_t nth)
{
	fail_at = nth ? stats.calls + nth : 0;
}

/* Counts a fallible call; 1 if fault injection says this one fails. */
static int injected_failure(void)
{
	stats.calls++;
	if (fail_at && stats.calls == fail_at) {
		fail_at = 0;
		return 1;
	}
	return 0;
}

static int check_range(const struct hal_as *as, uint64_t va, uint64_t size)
{
	return hal_as_check_range(va, size, as->lo, as->hi);
}

/* 1 if [start, end) is covered by ranges without a hole and each has all of `need`. */
static int covered(const struct hal_as *as, uint64_t start, uint64_t end, unsigned need)
{
	uint64_t at = start;

	for (unsigned i = 0; i < as->n && at < end; i++) {
		const struct as_range *r = &as->r[i];
		if (r->end <= at)
			continue;
		if (r->start > at || (r->prot & need) != need)
			return 0;
		at = r->end;
	}
	return at >= end;
}

static void remove_at(struct hal_as *as, unsigned i)
{
	for (; i + 1 < as->n; i++)
		as->r[i] = as->r[i + 1];
	as->n--;
}

/* Merges touching neighbours with equal permissions (keeps the array short). */
static void normalise(struct hal_as *as)
{
	for (unsigned i = 0; i + 1 < as->n;) {
		if (as->r[i].end == as->r[i + 1].start && as->r[i].prot == as->r[i + 1].prot &&
		    !as->r[i].shared && !as->r[i + 1].shared) {
			as->r[i].end = as->r[i + 1].end;
			remove_at(as, i + 1);
		} else {
			i++;
		}
	}
}

/* How many ranges splitting at va and at end would add (0..2). */
static unsigned splits_needed(const struct hal_as *as, uint64_t va, uint64_t end)
{
	unsigned k = 0;

	for (unsigned i = 0; i < as->n; i++)
		k += (as->r[i].start < va && va < as->r[i].end) +
		     (as->r[i].start < end && end < as->r[i].end);
	return k;
}

/* Makes `addr` a range boundary (splits the range strictly containing it). Needs a free
 * slot when it splits: callers check splits_needed() first. */
static void split_at(struct hal_as *as, uint64_t addr)
{
	for (unsigned i = 0; i < as->n; i++) {
		struct as_range *r = &as->r[i];
		if (r->start < addr && addr < r->end) {
			for (unsigned j = as->n; j > i + 1; j--)
				as->r[j] = as->r[j - 1];
			as->r[i + 1] = (struct as_range){ addr, r->end, r->prot, r->shared };
			r->end = addr;
			as->n++;
			return;
		}
	}
}

int hal_as_create(struct hal_as **out, uint64_t *user_lo, uint64_t *user_hi)
{
	struct hal_as *as = host_zalloc(sizeof(*as));

	if (!as)
		return -RUMPK_ENOMEM;
	as->lo = host_as_reserve(HOSTED_AS_SIZE);
	if (!as->lo) {
		host_free(as);
		return -RUMPK_ENOMEM;
	}
	as->hi = as->lo + HOSTED_AS_SIZE;
	stats.spaces++;
	*out = as;
	*user_lo = as->lo;
	*user_hi = as->hi;
	return 0;
}

void hal_as_destroy(struct hal_as *as)
{
	uint64_t bytes = 0;

	if (!as)
		return;
	if (current == as)
		current = NULL;
	for (unsigned i = 0; i < as->n; i++)
		bytes += as->r[i].end - as->r[i].start;
	stats.ranges -= as->n;
	stats.mapped_bytes -= bytes;
	host_as_release(as->lo, as->hi - as->lo);
	stats.spaces--;
	host_free(as);
}

int hal_as_map(struct hal_as *as, uint64_t va, uint64_t size, unsigned prot)
{
	int err = check_range(as, va, size);
	unsigned i;

	if (err || (err = hal_as_check_prot(prot)))
		return err;
	for (i = 0; i < as->n; i++)
		if (as->r[i].start < va + size && va < as->r[i].end)
			return -RUMPK_EEXIST;
	if (as->n >= max_ranges || injected_failure())
		return -RUMPK_ENOMEM;
	if (prot && host_as_protect(va, size, prot) != 0)
		return -RUMPK_ENOMEM;
	stats.ranges -= as->n;
	for (i = as->n; i > 0 && as->r[i - 1].start > va; i--)
		as->r[i] = as->r[i - 1];
	as->r[i] = (struct as_range){ va, va + size, prot, 0 };
	as->n++;
	normalise(as);
	stats.ranges += as->n;
	stats.mapped_bytes += size;
	return 0;
}

int hal_as_share(struct hal_as *as, uint64_t va, void *kpage, unsigned prot)
{
	int err = check_range(as, va, AS_PAGE);
	unsigned i;

	if (err)
		return err;
	if (((uintptr_t)kpage & (AS_PAGE - 1)) || !kpage || !(prot & HAL_PROT_R) ||
	    (prot & ~(HAL_PROT_R | HAL_PROT_W)))
		return -RUMPK_EINVAL; /* R or RW, never X */
	for (i = 0; i < as->n; i++)
		if (as->r[i].start < va + AS_PAGE && va < as->r[i].end)
			return -RUMPK_EEXIST;
	if (as->n >= max_ranges || injected_failure())
		return -RUMPK_ENOMEM;
	if (host_ram_share(va, kpage, AS_PAGE, prot) != 0)
		return -RUMPK_ENOMEM;
	stats.ranges -= as->n;
	for (i = as->n; i > 0 && as->r[i - 1].start > va; i--)
		as->r[i] = as->r[i - 1];
	as->r[i] = (struct as_range){ va, va + AS_PAGE, prot, 1 };
	as->n++;
	stats.ranges += as->n;
	stats.mapped_bytes += AS_PAGE;
	return 0;
}

int hal_as_protect(struct hal_as *as, uint64_t va, uint64_t size, unsigned prot)
{
	int err = check_range(as, va, size);

	if (err == -RUMPK_ERANGE)
		return -RUMPK_EFAULT; /* outside the space: certainly not mapped */
	if (err || (err = hal_as_check_prot(prot)))
		return err;
	if (!covered(as, va, va + size, 0))
		return -RUMPK_EFAULT;
	for (unsigned i = 0; i < as->n; i++)
		if (as->r[i].shared && (prot & HAL_PROT_X) && as->r[i].start < va + size &&
		    va < as->r[i].end)
			return -RUMPK_EINVAL; /* a kernel page is never executable */
	if (as->n + splits_needed(as, va, va + size) > max_ranges ||
	    injected_failure())
		return -RUMPK_ENOMEM;
	if (host_as_protect(va, size, prot) != 0)
		return -RUMPK_ENOMEM;
	stats.ranges -= as->n;
	split_at(as, va);
	split_at(as, va + size);
	for (unsigned i = 0; i < as->n; i++)
		if (as->r[i].start >= va && as->r[i].end <= va + size)
			as->r[i].prot = prot;
	normalise(as);
	stats.ranges += as->n;
	return 0;
}

int hal_as_unmap(struct hal_as *as, uint64_t va, uint64_t size)
{
	int err = check_range(as, va, size);

	if (err == -RUMPK_ERANGE)
		return -RUMPK_EFAULT;
	if (err)
		return err;
	if (!covered(as, va, va + size, 0))
		return -RUMPK_EFAULT;
	if (as->n + splits_needed(as, va, va + size) > max_ranges)
		return -RUMPK_ENOMEM;
	if (host_as_discard(va, size) != 0)
		return -RUMPK_ENOMEM;
	stats.ranges -= as->n;
	split_at(as, va);
	split_at(as, va + size);
	for (unsigned i = 0; i < as->n;) {
		if (as->r[i].start >= va && as->r[i].end <= va + size) {
			/* a shared kernel page: put reservation back over it, so a later map
			 * here gets fresh zeroes and never the kernel's page again */
			if (as->r[i].shared &&
			    host_as_unshare(as->r[i].start, as->r[i].end - as->r[i].start) != 0)
				kpanic("hal_as_unmap: cannot take the shared page at %#llx back",
				       (unsigned long long)as->r[i].start);
			remove_at(as, i);
		} else {
			i++;
		}
	}
	stats.ranges += as->n;
	stats.mapped_bytes -= size;
	return 0;
}

/* All spaces are always present in the one host process: switching only records which
 * one user code runs in (for the user-mode entry of a later issue). */
void hal_as_switch(struct hal_as *as)
{
	current = as;
}

/* 1 if [uaddr, uaddr + len) lies in `as`'s mappings with all of `need`. */
static int user_range_ok(const struct hal_as *as, uint64_t uaddr, size_t len, unsigned need)
{
	uint64_t end = uaddr + len;

	if (!as || end < uaddr || uaddr < as->lo || end > as->hi)
		return 0;
	return covered(as, uaddr, end, need);
}

int hal_copy_to_user(struct hal_as *as, uint64_t uaddr, const void *src, size_t len)
{
	if (len == 0)
		return 0;
	if (!user_range_ok(as, uaddr, len, HAL_PROT_W) || injected_failure())
		return -RUMPK_EFAULT;
	__builtin_memcpy((void *)(uintptr_t)uaddr, src, len);
	return 0;
}

int hal_copy_from_user(struct hal_as *as, void *dst, uint64_t uaddr, size_t len)
{
	if (len == 0)
		return 0;
	if (!user_range_ok(as, uaddr, len, HAL_PROT_R))
		return -RUMPK_EFAULT;
	__builtin_memcpy(dst, (const void *)(uintptr_t)uaddr, len);
	return 0;
}

int64_t hal_copy_str_from_user(struct hal_as *as, char *dst, uint64_t uaddr, size_t max)
{
	uint64_t at = uaddr;
	size_t n = 0;

	if (!as || max == 0)
		return -RUMPK_EFAULT;
	while (n < max) {
		uint64_t start, end;
		unsigned prot;
		if (hosted_as_lookup(as, at, &start, &end, &prot) != 0 || !(prot & HAL_PROT_R))
			return -RUMPK_EFAULT;
		/* this range's readable bytes, up to max in all */
		uint64_t room = end - at < max - n ? end - at : max - n;
		const char *src = (const char *)(uintptr_t)at;
		for (uint64_t i = 0; i < room; i++) {
			char c = src[i];
			dst[n++] = c;
			if (c == '\0')
				return (int64_t)(n - 1);
		}
		at += room;
	}
	return -RUMPK_ERANGE;
}

int hosted_as_covered(const struct hal_as *as, uint64_t va, uint64_t len, unsigned need)
{
	return len && user_range_ok(as, va, (size_t)len, need);
}

int hosted_as_lookup(const struct hal_as *as, uint64_t va, uint64_t *start, uint64_t *end,
		     unsigned *prot)
{
	for (unsigned i = 0; i < as->n; i++) {
		if (as->r[i].start <= va && va < as->r[i].end) {
			*start = as->r[i].start;
			*end = as->r[i].end;
			*prot = as->r[i].prot;
			return 0;
		}
	}
	return -1;
}
