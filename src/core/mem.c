/*
 * mem.c — buddy page allocator + bitmap slab allocator.
 *
 * Arenas: one per RAM range the HAL reported, trimmed to whole pages. Each arena keeps one
 * state byte per page (high nibble: what the page is; low nibble: the block order of a head
 * page), placed in the arena's own first free pages. Pages inside a block are PG_TAIL; only
 * a block's first page says what the block is. The kernel image, initrd, device tree and
 * firmware-reserved ranges are PG_RESERVED and never join a free list, so buddies can never
 * merge across them.
 *
 * Free blocks of order k (2^k pages) sit on free_list[k], linked through their own first
 * bytes. A block's buddy is found by index arithmetic relative to the arena base, so blocks
 * are aligned to their size relative to that base. RAM is zeroed when handed out, never at
 * boot (on a large machine that would cost seconds).
 *
 * Small objects (<= 1024 bytes) come from one-page slabs of one size class each: a 64-byte
 * header (list links, a bitmap of live objects, counts) and equal slots after it. The bitmap
 * makes a double free or a free of a never-allocated slot a detected error rather than a
 * corrupted free list. Larger objects take whole blocks (PG_LARGE).
 *
 * Fault injection (fault.h): page_alloc and kmem_alloc are the "alloc" and "objalloc"
 * points; an injected failure is the same NULL and the same alloc_failures count as a real
 * one, so every caller's out-of-memory path runs.
 *
 * Ownership: all state here belongs to the kernel's one CPU; callers never hold interrupts
 * for it, and interrupt handlers never allocate.
 */
#include "mem.h"

#include "fault.h"
#include "hal.h"
#include "kprintf.h"
#include "kutil.h"
#include "param.h"

enum {
	PG_RESERVED = 0, /* not ours: kernel, initrd, DTB, firmware */
	PG_META = 1,     /* this allocator's page-state array */
	PG_TAIL = 2,     /* inside a block whose head page describes it */
	PG_FREE = 3,     /* head of a free block */
	PG_ALLOC = 4,    /* head of a page_alloc block */
	PG_LARGE = 5,    /* head of a kmem_alloc block > SLAB_MAX */
	PG_SLAB = 6,     /* a slab page */
};

#define SLAB_HDR 64
#define SLAB_MAX 1024
#define SLAB_CLASSES 7 /* 16 32 64 128 256 512 1024 */
#define SLAB_MAX_OBJS ((PAGE_SIZE - SLAB_HDR) / 16)

struct fblock {
	struct fblock *next, *prev;
};

struct arena {
	uintptr_t base;   /* page aligned */
	uint64_t npages;
	uint8_t *state;   /* one byte per page */
};

struct slab {
	struct slab *next, *prev; /* on partial[cls] while it has a free slot */
	uint64_t used[(SLAB_MAX_OBJS + 63) / 64]; /* bit i set: slot i is live */
	uint16_t inuse, total, size;
	uint8_t cls, on_list;
};
_Static_assert(sizeof(struct slab) <= SLAB_HDR, "slab header fits its reserved bytes");

static struct {
	struct arena arena[RUMPK_BOOT_MAX_MEM];
	int narenas;
	int ready;
	struct fblock *free_list[PAGE_MAX_ORDER + 1];
	struct slab *partial[SLAB_CLASSES];
	struct mem_stats st;
} M;

static inline uint8_t pg_state(const struct arena *a, uint64_t i)
{
	return a->state[i] >> 4;
}

static inline unsigned pg_order(const struct arena *a, uint64_t i)
{
	return a->state[i] & 0xf;
}

static inline void pg_set(struct arena *a, uint64_t i, uint8_t state, unsigned order)
{
	a->state[i] = (uint8_t)(state << 4 | order);
}

static struct arena *arena_of(uintptr_t p, uint64_t *idx)
{
	for (int i = 0; i < M.narenas; i++) {
		struct arena *a = &M.arena[i];
		if (p >= a->base && (p - a->base) >> PAGE_SHIFT < a->npages) {
			*idx = (p - a->base) >> PAGE_SHIFT;
			return a;
		}
	}
	return 0;
}

static void list_push(struct fblock **head, struct fblock *b)
{
	b->prev = 0;
	b->next = *head;
	if (*head)
		(*head)->prev = b;
	*head = b;
}

static void list_remove(struct fblock **head, struct fblock *b)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		*head = b->next;
	if (b->next)
		b->next->prev = b->prev;
}

static void *page_addr(const struct arena *a, uint64_t i)
{
	return (void *)(a->base + (i << PAGE_SHIFT));
}

/* Puts the free block at page i of order k on its list (no merging). */
static void block_free(struct arena *a, uint64_t i, unsigned k)
{
	pg_set(a, i, PG_FREE, k);
	list_push(&M.free_list[k], page_addr(a, i));
	M.st.free_pages += 1ull << k;
}

/* Carves pages [i, end) into the largest aligned blocks that fit. */
static void add_free_run(struct arena *a, uint64_t i, uint64_t end)
{
	while (i < end) {
		unsigned k = PAGE_MAX_ORDER;
		while (k && ((i & ((1ull << k) - 1)) || i + (1ull << k) > end))
			k--;
		block_free(a, i, k);
		i += 1ull << k;
	}
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* Marks the pages of arena a that overlap [base, base+size) as reserved. */
/* Marks the pages of the physical range [base, base + size) reserved in arena a, whose
 * first page is at physical address pbase. */
static void exclude(struct arena *a, uint64_t pbase, uint64_t base, uint64_t size)
{
	uint64_t end = sat_add(base, size);
	uint64_t aend = pbase + (a->npages << PAGE_SHIFT);

	if (size == 0 || end <= pbase || base >= aend)
		return;
	uint64_t first = base <= pbase ? 0 : (base - pbase) >> PAGE_SHIFT;
	uint64_t last = end >= aend ? a->npages : (end - pbase + PAGE_SIZE - 1) >> PAGE_SHIFT;
	for (uint64_t i = first; i < last; i++)
		pg_set(a, i, PG_RESERVED, 0);
}

int mem_init(const struct rumpk_boot_info *bi, char *why, size_t whylen)
{
	if (M.ready) {
		ksnprintf(why, whylen, "the allocator is already set up");
		return -RUMPK_EINVAL;
	}
	/* Two RAM ranges that share a byte would make two arenas hand out the same page. */
	for (uint32_t r = 0; r < bi->nmem && r < RUMPK_BOOT_MAX_MEM; r++) {
		uint64_t b = bi->mem[r].base, e = sat_add(b, bi->mem[r].size);
		for (uint32_t q = 0; q < r; q++) {
			uint64_t qb = bi->mem[q].base, qe = sat_add(qb, bi->mem[q].size);
			if (b < qe && qb < e) {
				ksnprintf(why, whylen, "memory ranges %u [%#llx +%#llx] and %u "
					  "[%#llx +%#llx] overlap", q, (unsigned long long)qb,
					  (unsigned long long)bi->mem[q].size, r,
					  (unsigned long long)b, (unsigned long long)bi->mem[r].size);
				return -RUMPK_EINVAL;
			}
		}
	}
	for (uint32_t r = 0; r < bi->nmem && r < RUMPK_BOOT_MAX_MEM; r++) {
		uint64_t b = bi->mem[r].base, e = sat_add(b, bi->mem[r].size);
		uint64_t pb = (b + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1), pe = e & ~(PAGE_SIZE - 1);
		if (pb < b || pe <= pb)
			continue; /* less than a page, or wraps */
		struct arena *a = &M.arena[M.narenas];
		/* boot-info addresses are physical: the HAL says where the kernel sees them */
		void *kva = hal_phys_to_kernel(pb, pe - pb);
		if (!kva)
			continue;
		a->base = (uintptr_t)kva;
		a->npages = (pe - pb) >> PAGE_SHIFT;
		uint64_t meta = (a->npages + PAGE_SIZE - 1) >> PAGE_SHIFT;
		if (meta >= a->npages)
			continue;

		/* The state array goes into the first run of `meta` pages that overlaps nothing
		 * excluded; until it exists, test candidates against the ranges directly. */
		uint64_t at = 0;
		for (;;) {
			uint64_t lo = pb + (at << PAGE_SHIFT), hi = lo + (meta << PAGE_SHIFT);
			uint64_t bump = 0;
			const struct rumpk_mem_range *ex[3 + RUMPK_BOOT_MAX_RESERVED];
			uint32_t nex = 0;
			ex[nex++] = &bi->kernel;
			ex[nex++] = &bi->initrd;
			ex[nex++] = &bi->dtb;
			for (uint32_t j = 0; j < bi->nreserved && j < RUMPK_BOOT_MAX_RESERVED; j++)
				ex[nex++] = &bi->reserved[j];
			for (uint32_t j = 0; j < nex; j++) {
				uint64_t xb = ex[j]->base, xe = sat_add(xb, ex[j]->size);
				if (ex[j]->size && xb < hi && xe > lo && xe > bump)
					bump = xe;
			}
			if (!bump)
				break;
			at = (bump - pb + PAGE_SIZE - 1) >> PAGE_SHIFT;
			if (at + meta > a->npages)
				break;
		}
		if (at + meta > a->npages)
			continue; /* no room for metadata: leave this range unused */
		a->state = (uint8_t *)(a->base + (at << PAGE_SHIFT));
		kmemset(a->state, PG_TAIL << 4, a->npages);
		for (uint64_t i = at; i < at + meta; i++)
			pg_set(a, i, PG_META, 0);
		exclude(a, pb, bi->kernel.base, bi->kernel.size);
		exclude(a, pb, bi->initrd.base, bi->initrd.size);
		exclude(a, pb, bi->dtb.base, bi->dtb.size);
		for (uint32_t j = 0; j < bi->nreserved && j < RUMPK_BOOT_MAX_RESERVED; j++)
			exclude(a, pb, bi->reserved[j].base, bi->reserved[j].size);
		M.narenas++;
	}

	for (int n = 0; n < M.narenas; n++) {
		struct arena *a = &M.arena[n];
		uint64_t i = 0;
		while (i < a->npages) {
			if (pg_state(a, i) != PG_TAIL) {
				i++;
				continue;
			}
			uint64_t j = i;
			while (j < a->npages && pg_state(a, j) == PG_TAIL)
				j++;
			add_free_run(a, i, j);
			i = j;
		}
	}
	M.st.total_pages = M.st.free_pages;
	M.ready = 1;
	if ((M.st.free_pages << PAGE_SHIFT) < MIN_FREE_RAM) {
		ksnprintf(why, whylen, "%llu KiB of RAM usable, need at least %llu KiB",
			  (unsigned long long)(M.st.free_pages << (PAGE_SHIFT - 10)),
			  (unsigned long long)(MIN_FREE_RAM >> 10));
		return -RUMPK_ENOMEM;
	}
	return 0;
}

/* Takes a block of order k off the lists (splitting larger ones); marks it `state`. */
static void *block_take(unsigned k, uint8_t state)
{
	unsigned j = k;
	while (j <= PAGE_MAX_ORDER && !M.free_list[j])
		j++;
	if (j > PAGE_MAX_ORDER) {
		M.st.alloc_failures++;
		return 0;
	}
	struct fblock *b = M.free_list[j];
	uint64_t i;
	struct arena *a = arena_of((uintptr_t)b, &i);
	list_remove(&M.free_list[j], b);
	M.st.free_pages -= 1ull << j;
	while (j > k) { /* give back the upper halves */
		j--;
		block_free(a, i + (1ull << j), j);
	}
	pg_set(a, i, state, k);
	kmemset(b, 0, PAGE_SIZE << k);
	return b;
}

/* Returns the block at page i of a (order k) to the lists, merging with free buddies. */
static void block_release(struct arena *a, uint64_t i, unsigned k)
{
	M.st.free_pages += 1ull << k;
	while (k < PAGE_MAX_ORDER) {
		uint64_t b = i ^ (1ull << k);
		if (b + (1ull << k) > a->npages || pg_state(a, b) != PG_FREE || pg_order(a, b) != k)
			break;
		list_remove(&M.free_list[k], page_addr(a, b));
		pg_set(a, b, PG_TAIL, 0);
		pg_set(a, i, PG_TAIL, 0);
		i &= ~(1ull << k);
		k++;
	}
	M.st.free_pages -= 1ull << k; /* block_free adds the merged block back */
	block_free(a, i, k);
}

void *page_alloc(unsigned order)
{
	if (order > PAGE_MAX_ORDER || fault_inject(RUMPK_INJ_ALLOC, 0)) {
		M.st.alloc_failures++;
		return 0;
	}
	return block_take(order, PG_ALLOC);
}

/* Finds the head page of a block that must be in `state`; kpanics otherwise. */
static struct arena *block_check(const void *p, uint8_t state, const char *who, uint64_t *idx)
{
	struct arena *a = arena_of((uintptr_t)p, idx);
	if (!a || ((uintptr_t)p & (PAGE_SIZE - 1)) || pg_state(a, *idx) != state)
		kpanic("%s: %p is not an allocated block", who, p);
	return a;
}

void page_free(void *p, unsigned order)
{
	uint64_t i;
	if (!p)
		return;
	struct arena *a = block_check(p, PG_ALLOC, "page_free", &i);
	if (pg_order(a, i) != order)
		kpanic("page_free: %p has order %u, freed as order %u", p, pg_order(a, i), order);
	block_release(a, i, order);
}

static int size_class(size_t size, unsigned *cls)
{
	size_t s = 16;
	for (unsigned c = 0; c < SLAB_CLASSES; c++, s <<= 1) {
		if (size <= s) {
			*cls = c;
			return 1;
		}
	}
	return 0;
}

static void slab_link(struct slab *s)
{
	s->prev = 0;
	s->next = M.partial[s->cls];
	if (s->next)
		s->next->prev = s;
	M.partial[s->cls] = s;
	s->on_list = 1;
}

static void slab_unlink(struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		M.partial[s->cls] = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->on_list = 0;
}

void *kmem_alloc(size_t size)
{
	unsigned cls;

	if (size == 0 || size > (PAGE_SIZE << PAGE_MAX_ORDER) ||
	    fault_inject(RUMPK_INJ_OBJALLOC, 0)) {
		M.st.alloc_failures++;
		return 0;
	}
	if (!size_class(size, &cls)) {
		unsigned k = 0;
		while ((PAGE_SIZE << k) < size)
			k++;
		void *p = block_take(k, PG_LARGE);
		if (p)
			M.st.live_objects++;
		return p;
	}
	struct slab *s = M.partial[cls];
	if (!s) {
		s = block_take(0, PG_SLAB);
		if (!s)
			return 0;
		s->cls = (uint8_t)cls;
		s->size = (uint16_t)(16u << cls);
		s->total = (uint16_t)((PAGE_SIZE - SLAB_HDR) / s->size);
		slab_link(s);
	}
	unsigned slot = 0;
	for (unsigned w = 0;; w++) { /* a slab on the list has a free slot: this ends */
		if (~s->used[w]) {
			slot = w * 64 + (unsigned)__builtin_ctzll(~s->used[w]);
			break;
		}
	}
	s->used[slot / 64] |= 1ull << (slot % 64);
	if (++s->inuse == s->total)
		slab_unlink(s);
	M.st.live_objects++;
	void *obj = (char *)s + SLAB_HDR + (size_t)slot * s->size;
	kmemset(obj, 0, s->size);
	return obj;
}

void kmem_free(void *p)
{
	uint64_t i;
	if (!p)
		return;
	uintptr_t page = (uintptr_t)p & ~(uintptr_t)(PAGE_SIZE - 1);
	struct arena *a = arena_of(page, &i);
	if (a && pg_state(a, i) == PG_LARGE && (uintptr_t)p == page) {
		M.st.live_objects--;
		block_release(a, i, pg_order(a, i));
		return;
	}
	if (!a || pg_state(a, i) != PG_SLAB)
		kpanic("kmem_free: %p was not allocated by kmem_alloc", p);
	struct slab *s = (struct slab *)page;
	uintptr_t off = (uintptr_t)p - page;
	unsigned slot = (unsigned)((off - SLAB_HDR) / s->size);
	if (off < SLAB_HDR || (off - SLAB_HDR) % s->size || slot >= s->total)
		kpanic("kmem_free: %p is not the start of an object", p);
	if (!(s->used[slot / 64] & (1ull << (slot % 64))))
		kpanic("kmem_free: %p freed twice (or never allocated)", p);
	s->used[slot / 64] &= ~(1ull << (slot % 64));
	s->inuse--;
	M.st.live_objects--;
	if (!s->on_list)
		slab_link(s);
	if (s->inuse)
		return;
	/* an empty slab goes back to the pages unless it is the only one of its class, which
	 * stays cached so one object allocated and freed in a loop does not churn a page */
	if (s->next || s->prev) {
		slab_unlink(s);
		block_release(a, i, 0);
	}
}

/* Counts empty slabs held on the partial lists. */
static uint64_t cached_slabs(void)
{
	uint64_t n = 0;
	for (int c = 0; c < SLAB_CLASSES; c++)
		for (struct slab *s = M.partial[c]; s; s = s->next)
			n += s->inuse == 0;
	return n;
}

void mem_stats(struct mem_stats *out)
{
	*out = M.st;
	out->cached_pages = cached_slabs();
	out->largest_free_order = ~0ull;
	for (int k = PAGE_MAX_ORDER; k >= 0; k--) {
		if (M.free_list[k]) {
			out->largest_free_order = (uint64_t)k;
			break;
		}
	}
}

/* hal.h's page service for HALs (page-table pages): the page allocator, zeroed blocks. */
void *core_page_alloc(unsigned order)
{
	return page_alloc(order);
}

void core_page_free(void *p, unsigned order)
{
	page_free(p, order);
}
