/*
 * host_as.c — the host half of the hosted address spaces (hal_as.c is the other half): the
 * mmap/mprotect/madvise calls and the heap blocks the bookkeeping lives in.
 *
 * A space is one private anonymous PROT_NONE reservation with MAP_NORESERVE: it costs
 * address space only. Making a range accessible is an mprotect; the kernel hands the
 * pages in on first touch, zero-filled. Discarding uses MADV_DONTNEED, which for a private
 * anonymous mapping guarantees zero-fill on the next touch (madvise(2)), then PROT_NONE.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/mman.h>

#include "host.h"

static int posix_prot(unsigned prot)
{
	return ((prot & HOST_PROT_R) ? PROT_READ : 0) | ((prot & HOST_PROT_W) ? PROT_WRITE : 0) |
	       ((prot & HOST_PROT_X) ? PROT_EXEC : 0);
}

uint64_t host_as_reserve(uint64_t size)
{
	void *p = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? 0 : (uint64_t)(uintptr_t)p;
}

int host_as_protect(uint64_t va, uint64_t len, unsigned prot)
{
	return mprotect((void *)(uintptr_t)va, len, posix_prot(prot)) == 0 ? 0 : -1;
}

int host_as_discard(uint64_t va, uint64_t len)
{
	void *p = (void *)(uintptr_t)va;

	if (madvise(p, len, MADV_DONTNEED) != 0)
		return -1;
	return mprotect(p, len, PROT_NONE) == 0 ? 0 : -1;
}

int host_as_unshare(uint64_t va, uint64_t len)
{
	void *p = mmap((void *)(uintptr_t)va, len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
	return p == MAP_FAILED ? -1 : 0;
}

void host_as_release(uint64_t va, uint64_t size)
{
	munmap((void *)(uintptr_t)va, size);
}

void *host_zalloc(size_t size)
{
	return calloc(1, size);
}

void host_free(void *p)
{
	free(p);
}
