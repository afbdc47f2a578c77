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

/*
 * Where reservations go: fixed slots in a window of the host's address space that neither
 * the host's own mappings (its heap, libraries and stack sit near 0x55.. and 0x7f..) nor
 * AddressSanitizer's shadow (below 0x10007fff8000 on x86_64) use, so a space's addresses do
 * not depend on the host's address randomisation and are the same in every run that makes
 * the same spaces in the same order: the lowest free slot is always taken. A reservation
 * larger than a slot, or one whose slot the host has taken (MAP_FIXED_NOREPLACE refuses),
 * goes wherever mmap puts it.
 */
#define AS_WINDOW 0x300000000000ull /* 48 TiB */
#define AS_SLOT (256ull << 20)
#define AS_SLOTS 65536u             /* 16 TiB of slots */
static uint64_t slot_used[AS_SLOTS / 64];

uint64_t host_as_reserve(uint64_t size)
{
	const int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;

	if (size <= AS_SLOT) {
		for (uint32_t w = 0; w < AS_SLOTS / 64; w++) {
			if (slot_used[w] == ~0ull)
				continue;
			uint32_t i = w * 64 + (uint32_t)__builtin_ctzll(~slot_used[w]);
			void *want = (void *)(uintptr_t)(AS_WINDOW + (uint64_t)i * AS_SLOT);
			void *p = mmap(want, size, PROT_NONE, flags | MAP_FIXED_NOREPLACE, -1, 0);
			if (p == want) {
				slot_used[w] |= 1ull << (i % 64);
				return (uint64_t)(uintptr_t)p;
			}
			if (p != MAP_FAILED) /* an old kernel without NOREPLACE: it is only a hint */
				munmap(p, size);
			break;
		}
	}
	void *p = mmap(NULL, size, PROT_NONE, flags, -1, 0);
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
	if (va >= AS_WINDOW && va < AS_WINDOW + (uint64_t)AS_SLOTS * AS_SLOT) {
		uint64_t i = (va - AS_WINDOW) / AS_SLOT;
		slot_used[i / 64] &= ~(1ull << (i % 64));
	}
}

void *host_zalloc(size_t size)
{
	return calloc(1, size);
}

void host_free(void *p)
{
	free(p);
}
