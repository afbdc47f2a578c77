/*
 * malloc.c — libnexus's heap: boundary-tagged blocks with segregated first-fit free
 * lists and immediate coalescing, over nexus_sys_heap_grow (nexus_sys.h).
 *
 * Layout. The heap is one or more regions (one while the kernel keeps its contract: a
 * contiguous heap that only grows; a growth that does not start at the old end opens a
 * new region). A region is a run of blocks ended by a 16-byte end marker:
 *
 *   | hdr | payload ... | hdr | payload ... | ... | end hdr |
 *
 * Every block starts with a 16-byte header (struct hdr), so payloads are 16-byte aligned
 * like the block sizes (multiples of 16, "units"). The header knows its own size AND the
 * size of the block before it (prev_units, 0 for a region's first block), so both
 * neighbours of a freed block are found in O(1) without footers, and every walk can check
 * that the chain agrees with itself. A free block keeps its list links in the first 16
 * bytes of its payload, so the smallest block is 32 bytes (16 usable).
 *
 * Free lists: bin i holds free blocks of 2^i <= units < 2^(i+1). malloc takes the first
 * fitting block of its own bin, else the head of the next non-empty bin (every block
 * there fits), splits off the rest if it makes a block of its own, and grows the heap
 * only when nothing fits. free merges with free neighbours at once, so no two free blocks
 * ever touch.
 *
 * Detection. Each header carries a canary: a hash of its address and fields, recomputed
 * ("sealed") whenever a field changes. free and realloc check the block's own header, its
 * state (a freed or merged block is a double free) and the headers of its neighbours; a
 * mismatch means a corrupted header, a wild pointer or an overrun of the block before,
 * and is reported on handle 2 before nexus_abort. The canary finds bugs; it is not a
 * defence against a program attacking its own heap (the seal has no secret).
 *
 * No lock: a rumpk process has one thread.
 */
#include "nexus_libc.h"
#include "nexus_sys.h"

#include <string.h>

#include "rumpk/abi.h"

#define UNIT 16u
#define MIN_UNITS 2u              /* header + two links */
#define MAX_UNITS 0x80000000u     /* 32 GiB: larger requests are refused, merges stop here */
#define PAGE 4096u
#define GROW_MIN (64u * 1024)     /* grow at least this much, to keep growth calls rare */
#define MAX_REGIONS 16
#define NBINS 32

enum {
	ST_USED = 0x55534544, /* "USED": a live block */
	ST_FREE = 0x46524545, /* "FREE": on a free list */
	ST_GONE = 0x474f4e45, /* "GONE": the header of a block merged into its neighbour */
	ST_END = 0x454e4421,  /* "END!": a region's end marker */
};

struct hdr {
	uint32_t units;      /* this block's size in 16-byte units, header included; 0 for END */
	uint32_t prev_units; /* the previous block's units; 0: first block of the region */
	uint32_t state;      /* ST_* */
	uint32_t canary;     /* seal(this header) */
};

struct freeblk {
	struct hdr h;
	struct freeblk *next, *prev; /* the bin's doubly linked list */
};

_Static_assert(sizeof(struct hdr) == UNIT, "a header is one unit");
_Static_assert(sizeof(struct freeblk) == MIN_UNITS * UNIT, "a free block fits the minimum");

static struct {
	struct freeblk *bins[NBINS];
	uintptr_t start[MAX_REGIONS]; /* first block of each region */
	uintptr_t end[MAX_REGIONS];   /* the region's end marker + one unit */
	uint32_t nregions;
	uintptr_t grow_end;           /* where a contiguous growth would start */
	uint64_t heap_bytes;
} heap;

/* ---- headers -------------------------------------------------------------------------- */

static uint32_t seal(const struct hdr *h)
{
	uint64_t x = (uint64_t)(uintptr_t)h ^ ((uint64_t)h->units << 32 | h->prev_units);

	x ^= (uint64_t)h->state * 0x9e3779b97f4a7c15ull;
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 29;
	return (uint32_t)(x >> 32);
}

static void set_hdr(struct hdr *h, uint32_t units, uint32_t prev_units, uint32_t state)
{
	h->units = units;
	h->prev_units = prev_units;
	h->state = state;
	h->canary = seal(h);
}

static void set_prev_units(struct hdr *h, uint32_t prev_units)
{
	h->prev_units = prev_units;
	h->canary = seal(h);
}

static int sealed(const struct hdr *h)
{
	return h->canary == seal(h);
}

static struct hdr *next_of(struct hdr *h)
{
	return (struct hdr *)((char *)h + (uintptr_t)h->units * UNIT);
}

static struct hdr *prev_of(struct hdr *h)
{
	return (struct hdr *)((char *)h - (uintptr_t)h->prev_units * UNIT);
}

/* The region holding address a (header or payload), or -1. */
static int region_of(uintptr_t a)
{
	for (uint32_t i = 0; i < heap.nregions; i++)
		if (a >= heap.start[i] && a < heap.end[i])
			return (int)i;
	return -1;
}

/* ---- reports -------------------------------------------------------------------------- */

static void __attribute__((noreturn)) die(const char *what, const void *p, const char *why)
{
	nexus_dprintf(NEXUS_STDERR, "malloc: %s %p: %s\n", what, p, why);
	nexus_abort(why);
}

/*
 * The live block whose payload is p, after checking everything free and realloc rely on:
 * p is a payload address inside a region, the header is sealed and USED, and the headers
 * on both sides agree with it. Does not return otherwise.
 */
static struct hdr *checked_block(void *p, const char *what)
{
	uintptr_t a = (uintptr_t)p;
	int r = region_of(a);

	if ((a & (UNIT - 1)) || r < 0 || a - UNIT < heap.start[r])
		die(what, p, "not a pointer malloc returned");
	struct hdr *h = (struct hdr *)(a - UNIT);
	if (!sealed(h))
		die(what, p, "corrupted block header (an overrun, or not a pointer malloc returned)");
	if (h->state == ST_FREE || h->state == ST_GONE)
		die(what, p, "double free (the block is already free)");
	if (h->state != ST_USED || h->units < MIN_UNITS ||
	    (uintptr_t)h + (uintptr_t)h->units * UNIT >= heap.end[r])
		die(what, p, "corrupted block header (an overrun, or not a pointer malloc returned)");
	struct hdr *n = next_of(h);
	if (!sealed(n) || n->prev_units != h->units)
		die(what, p, "heap corrupted after this block (written past its end?)");
	if (h->prev_units) {
		if ((uintptr_t)h - heap.start[r] < (uintptr_t)h->prev_units * UNIT)
			die(what, p, "corrupted block header (an overrun, or not a pointer malloc returned)");
		struct hdr *b = prev_of(h);
		if (!sealed(b) || b->units != h->prev_units)
			die(what, p, "heap corrupted before this block");
	} else if ((uintptr_t)h != heap.start[r]) {
		die(what, p, "corrupted block header (an overrun, or not a pointer malloc returned)");
	}
	return h;
}

/* ---- free lists ----------------------------------------------------------------------- */

static unsigned bin_of(uint32_t units)
{
	return 31u - (unsigned)__builtin_clz(units); /* units >= MIN_UNITS > 0 */
}

static void bin_insert(struct hdr *h)
{
	struct freeblk *f = (struct freeblk *)h;
	struct freeblk **head = &heap.bins[bin_of(h->units)];

	f->prev = NULL;
	f->next = *head;
	if (*head)
		(*head)->prev = f;
	*head = f;
}

static void bin_remove(struct hdr *h)
{
	struct freeblk *f = (struct freeblk *)h;

	if (f->prev)
		f->prev->next = f->next;
	else
		heap.bins[bin_of(h->units)] = f->next;
	if (f->next)
		f->next->prev = f->prev;
}

/*
 * Makes h (not on any list, state anything but FREE) a free block, merged with free
 * neighbours, and lists it. Merges never pass MAX_UNITS.
 */
static void release(struct hdr *h)
{
	struct hdr *n = next_of(h);
	uint32_t units = h->units;

	if (n->state == ST_FREE && (uint64_t)units + n->units <= MAX_UNITS) {
		bin_remove(n);
		units += n->units;
		set_hdr(n, n->units, n->prev_units, ST_GONE);
	}
	if (h->prev_units) {
		struct hdr *b = prev_of(h);
		if (b->state == ST_FREE && (uint64_t)units + b->units <= MAX_UNITS) {
			bin_remove(b);
			set_hdr(h, h->units, h->prev_units, ST_GONE);
			units += b->units;
			h = b;
		}
	}
	set_hdr(h, units, h->prev_units, ST_FREE);
	set_prev_units(next_of(h), units);
	bin_insert(h);
}

/* Cuts the live block h down to `units`, freeing the rest if it makes a block. */
static void trim(struct hdr *h, uint32_t units)
{
	uint32_t rest = h->units - units;

	if (rest < MIN_UNITS)
		return;
	set_hdr(h, units, h->prev_units, ST_USED);
	struct hdr *t = next_of(h);
	set_hdr(t, rest, units, ST_USED);
	set_prev_units(next_of(t), rest);
	release(t);
}

/* A free block of at least `units`, taken off its list (still marked FREE), or NULL. */
static struct hdr *take_fit(uint32_t units)
{
	unsigned b = bin_of(units);

	for (struct freeblk *f = heap.bins[b]; f; f = f->next)
		if (f->h.units >= units) {
			bin_remove(&f->h);
			return &f->h;
		}
	for (b++; b < NBINS; b++)
		if (heap.bins[b]) {
			struct hdr *h = &heap.bins[b]->h;
			bin_remove(h);
			return h;
		}
	return NULL;
}

/* ---- growth --------------------------------------------------------------------------- */

/*
 * Asks the kernel for `bytes` (a multiple of PAGE) and adds them to the heap as a free
 * block (merged with a free last block when the growth is contiguous). 0 or -1.
 */
static int grow(uint64_t bytes)
{
	int64_t r = nexus_sys_heap_grow(bytes);

	if (r < 0)
		return -1;
	uintptr_t at = (uintptr_t)r;
	if (heap.nregions && at == heap.grow_end && at == heap.end[heap.nregions - 1]) {
		/* Contiguous: the old end marker becomes the new block's header. */
		uint32_t last = heap.nregions - 1;
		struct hdr *h = (struct hdr *)(heap.end[last] - UNIT);
		uintptr_t end = at + (uintptr_t)bytes;
		set_hdr(h, (uint32_t)((end - UNIT - (uintptr_t)h) / UNIT), h->prev_units, ST_USED);
		set_hdr(next_of(h), 0, h->units, ST_END);
		heap.end[last] = end;
		heap.grow_end = end;
		heap.heap_bytes += bytes;
		release(h);
		return 0;
	}
	if (heap.nregions == MAX_REGIONS)
		return -1; /* the kernel broke the contract too often: give up on those pages */
	uintptr_t start = (at + UNIT - 1) & ~(uintptr_t)(UNIT - 1);
	uintptr_t end = (at + (uintptr_t)bytes) & ~(uintptr_t)(UNIT - 1);
	if (end < start || end - start < (MIN_UNITS + 1) * UNIT)
		return -1;
	struct hdr *h = (struct hdr *)start;
	set_hdr(h, (uint32_t)((end - UNIT - start) / UNIT), 0, ST_USED);
	set_hdr(next_of(h), 0, h->units, ST_END);
	heap.start[heap.nregions] = start;
	heap.end[heap.nregions] = end;
	heap.nregions++;
	heap.grow_end = at + (uintptr_t)bytes;
	heap.heap_bytes += bytes;
	release(h);
	return 0;
}

static uint64_t round_page(uint64_t n)
{
	return (n + PAGE - 1) & ~(uint64_t)(PAGE - 1);
}

/* Free units at the end of the last region that a contiguous growth would merge with. */
static uint32_t free_tail_units(void)
{
	if (!heap.nregions)
		return 0;
	struct hdr *e = (struct hdr *)(heap.end[heap.nregions - 1] - UNIT);
	if (!e->prev_units)
		return 0;
	struct hdr *b = prev_of(e);
	return b->state == ST_FREE ? b->units : 0;
}

/* A growth meant to extend the last region: GROW_MIN if that is more, else exactly. */
static int grow_at_least(uint64_t bytes)
{
	if (bytes < GROW_MIN && grow(GROW_MIN) == 0)
		return 0;
	return grow(bytes);
}

/*
 * Grows the heap so that a block of `units` can exist: by what a contiguous growth needs,
 * and if that fails, by enough for a block in a new region (the kernel may refuse the
 * larger amount and grant the smaller one near its limit).
 */
static int grow_for(uint32_t units)
{
	uint64_t need = (uint64_t)units * UNIT;
	uint64_t tail = (uint64_t)free_tail_units() * UNIT; /* < need, or it would fit */
	uint64_t contiguous = round_page(need > tail ? need - tail : UNIT);
	uint64_t fresh = round_page(need + 2 * UNIT); /* + end marker + alignment */

	if (grow_at_least(contiguous) == 0)
		return 0;
	return fresh != contiguous ? grow(fresh) : -1;
}

/* ---- the C interface ------------------------------------------------------------------ */

/* The block size for a request, or 0 if it is too large to ever be served. */
static uint32_t units_for(size_t size)
{
	if (size > (uint64_t)(MAX_UNITS - 1) * UNIT)
		return 0;
	uint64_t units = ((uint64_t)size + UNIT + UNIT - 1) / UNIT;
	return units < MIN_UNITS ? MIN_UNITS : (uint32_t)units;
}

void *nexus_malloc(size_t size)
{
	uint32_t units = units_for(size);

	if (!units)
		return NULL;
	struct hdr *h = take_fit(units);
	/* Two growths at most: a growth that was not contiguous opened a new region that
	 * may be too small, and the second then makes one large enough. */
	for (int tries = 0; !h && tries < 2; tries++) {
		if (grow_for(units) < 0)
			return NULL;
		h = take_fit(units);
	}
	if (!h)
		return NULL;
	set_hdr(h, h->units, h->prev_units, ST_USED);
	trim(h, units);
	return (char *)h + UNIT;
}

void nexus_free(void *p)
{
	if (!p)
		return;
	struct hdr *h = checked_block(p, "free of");
	release(h);
}

void *nexus_calloc(size_t n, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(n, size, &total))
		return NULL;
	void *p = nexus_malloc(total);
	if (p)
		memset(p, 0, total); /* a reused block holds old data */
	return p;
}

/*
 * Grows the live block h in place to at least `units` by taking a free next block,
 * growing the heap first when h is the region's last block (or only a free block lies
 * between). 0 on success, -1 if h must move.
 */
static int grow_in_place(struct hdr *h, uint32_t units)
{
	struct hdr *n = next_of(h);
	uint32_t have = h->units + (n->state == ST_FREE ? n->units : 0);

	if (have < units) {
		/* Only the newest region's last block can grow into new heap. */
		struct hdr *e = n->state == ST_FREE ? next_of(n) : n;
		if (e->state != ST_END || (uintptr_t)e + UNIT != heap.end[heap.nregions - 1])
			return -1;
		uint64_t missing = (uint64_t)(units - have) * UNIT;
		uint32_t nregions = heap.nregions;
		if (grow_at_least(round_page(missing)) < 0)
			return -1;
		if (heap.nregions != nregions)
			return -1; /* not contiguous after all: h must move (the new region stays) */
		n = next_of(h);
		if (n->state != ST_FREE || (uint64_t)h->units + n->units < units)
			return -1;
	} else if (n->state != ST_FREE) {
		return 0; /* already large enough */
	}
	bin_remove(n);
	uint32_t total = h->units + n->units;
	set_hdr(n, n->units, n->prev_units, ST_GONE);
	set_hdr(h, total, h->prev_units, ST_USED);
	set_prev_units(next_of(h), total);
	trim(h, units);
	return 0;
}

void *nexus_realloc(void *p, size_t size)
{
	if (!p)
		return nexus_malloc(size);
	struct hdr *h = checked_block(p, "realloc of");
	if (size == 0) {
		release(h);
		return NULL;
	}
	uint32_t units = units_for(size);
	if (!units)
		return NULL;
	if (units <= h->units) {
		trim(h, units);
		return p;
	}
	if (grow_in_place(h, units) == 0)
		return p;
	void *q = nexus_malloc(size);
	if (!q)
		return NULL;
	memcpy(q, p, (size_t)(h->units - 1) * UNIT);
	release(h);
	return q;
}

size_t nexus_malloc_usable_size(void *p)
{
	if (!p)
		return 0;
	return (size_t)(checked_block(p, "malloc_usable_size of")->units - 1) * UNIT;
}

/* ---- checking ------------------------------------------------------------------------- */

int nexus_heap_check(struct nexus_heap_stats *st)
{
	struct nexus_heap_stats s = { heap.heap_bytes, 0, 0, 0, 0, heap.nregions, 0 };

	for (uint32_t r = 0; r < heap.nregions; r++) {
		struct hdr *h = (struct hdr *)heap.start[r];
		uint32_t prev = 0;
		uint32_t prev_state = 0;
		for (;;) {
			if ((uintptr_t)h >= heap.end[r] || !sealed(h) || h->prev_units != prev)
				return -RUMPK_EFAULT;
			if (h->state == ST_END) {
				if ((uintptr_t)h + UNIT != heap.end[r])
					return -RUMPK_EFAULT;
				break;
			}
			if (h->units < MIN_UNITS ||
			    (uintptr_t)h->units * UNIT > heap.end[r] - UNIT - (uintptr_t)h)
				return -RUMPK_EFAULT;
			if (h->state == ST_FREE) {
				if (prev_state == ST_FREE && (uint64_t)prev + h->units <= MAX_UNITS)
					return -RUMPK_EFAULT; /* two free neighbours: a missed merge */
				s.free_blocks++;
				s.free_bytes += (uint64_t)h->units * UNIT;
			} else if (h->state == ST_USED) {
				s.used_blocks++;
				s.used_bytes += (uint64_t)h->units * UNIT;
			} else {
				return -RUMPK_EFAULT;
			}
			prev = h->units;
			prev_state = h->state;
			h = next_of(h);
		}
	}
	uint32_t listed = 0;
	for (unsigned b = 0; b < NBINS; b++) {
		struct freeblk *back = NULL;
		for (struct freeblk *f = heap.bins[b]; f; back = f, f = f->next) {
			if (++listed > s.free_blocks || region_of((uintptr_t)f) < 0 ||
			    !sealed(&f->h) || f->h.state != ST_FREE || bin_of(f->h.units) != b ||
			    f->prev != back)
				return -RUMPK_EFAULT;
		}
	}
	if (listed != s.free_blocks)
		return -RUMPK_EFAULT;
	if (st)
		*st = s;
	return 0;
}
