/*
 * mem.h — the kernel's memory: a buddy page allocator over the RAM the HAL reported, and a
 * small-object allocator on top of it for kernel structures.
 *
 * Not for interrupt context (nothing on a trap, timer, ring or switch path allocates) and
 * not reentrant: the kernel is never preempted, so no lock is needed on one CPU.
 */
#ifndef RUMPK_MEM_H
#define RUMPK_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "rumpk/abi.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ull << PAGE_SHIFT)
#define PAGE_MAX_ORDER 10 /* largest block: 2^10 pages = 4 MiB */

struct mem_stats {
	uint64_t total_pages;    /* pages under the allocator's management */
	uint64_t free_pages;     /* of those, free now */
	uint64_t cached_pages;   /* empty slab pages kept for reuse (one per size class at most) */
	uint64_t live_objects;   /* kmem_alloc'ed and not yet freed */
	uint64_t alloc_failures; /* requests that found no memory */
	uint64_t largest_free_order; /* order of the largest free block (-1 as ~0 if none) */
};

/* mem_init — once, from the memory boot stage. Manages every RAM range of `bi` minus the
 * kernel, initrd, device tree and reserved ranges. Pages are not touched beyond the
 * allocator's own metadata and free-list links (RAM is zeroed on allocation, not at boot).
 * Returns 0, -RUMPK_EINVAL (a second call, or ranges that make no sense), or -RUMPK_ENOMEM
 * (less than MIN_FREE_RAM usable); `why` gets a reason. */
int mem_init(const struct rumpk_boot_info *bi, char *why, size_t whylen);

/* page_alloc — 2^order contiguous pages, zeroed, aligned to their size (relative to the
 * start of their RAM range, which is page aligned). NULL when none is free. */
void *page_alloc(unsigned order);

/* page_free — gives back a block from page_alloc(order). A pointer that is not the start of
 * an allocated block of that order is a broken invariant: kpanic. NULL is ignored. */
void page_free(void *p, unsigned order);

/* kmem_alloc — `size` bytes (1..PAGE_SIZE << PAGE_MAX_ORDER), zeroed, 16-byte aligned.
 * NULL when out of memory or size is 0 / too large. */
void *kmem_alloc(size_t size);

/* kmem_free — gives back a kmem_alloc block; NULL is ignored; anything else kpanics. */
void kmem_free(void *p);

void mem_stats(struct mem_stats *out);

#endif /* RUMPK_MEM_H */
