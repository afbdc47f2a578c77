/*
 * test_mem.c — the page and small-object allocators on the fake machine's RAM: every
 * excluded range stays untouched, exhaustion is clean, fragmentation heals by merging,
 * counters return to their start, memory comes back zeroed, and misuse is caught.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_hal.h"
#include "mem.h"

static struct rumpk_boot_info bi;
static uintptr_t ram;

static void setup(void)
{
	char why[128];
	fake_reset();
	fake_boot_info(&bi, "");
	ram = (uintptr_t)fake_ram();
	bi.initrd.base = ram + (8ull << 20) + 100; /* unaligned on purpose */
	bi.initrd.size = 3 * PAGE_SIZE;
	bi.dtb.base = ram + (16ull << 20);
	bi.dtb.size = 1;
	bi.nreserved = 1;
	bi.reserved[0].base = ram; /* firmware at the start of RAM, like OpenSBI */
	bi.reserved[0].size = 512 * 1024;
	ck_assert_int_eq(mem_init(&bi, why, sizeof(why)), 0);
}

static int overlaps(uintptr_t p, size_t len, uint64_t base, uint64_t size)
{
	return size && p < base + size && p + len > base;
}

static int in_excluded(uintptr_t p, size_t len)
{
	return overlaps(p, len, bi.kernel.base, bi.kernel.size) ||
	       overlaps(p, len, bi.initrd.base, bi.initrd.size) ||
	       overlaps(p, len, bi.dtb.base, bi.dtb.size) ||
	       overlaps(p, len, bi.reserved[0].base, bi.reserved[0].size);
}

START_TEST(accounting_excludes_ranges)
{
	struct mem_stats st;
	mem_stats(&st);
	/* 8192 pages - 128 firmware - 256 kernel - 4 initrd (unaligned: 4 pages) - 1 dtb
	 * - 2 pages of state bytes */
	ck_assert_uint_eq(st.total_pages, 8192 - 128 - 256 - 4 - 1 - 2);
	ck_assert_uint_eq(st.free_pages, st.total_pages);
	ck_assert_uint_eq(st.live_objects, 0);
	ck_assert_uint_eq(st.largest_free_order, PAGE_MAX_ORDER);
	char why[64];
	ck_assert_int_eq(mem_init(&bi, why, sizeof(why)), -RUMPK_EINVAL);
}
END_TEST

START_TEST(exhaustion_then_everything_back)
{
	struct mem_stats st0, st;
	mem_stats(&st0);
	uint64_t n = 0;
	void **pages = malloc(st0.total_pages * sizeof(void *));
	for (;;) {
		void *p = page_alloc(0);
		if (!p)
			break;
		ck_assert_msg(!in_excluded((uintptr_t)p, PAGE_SIZE), "page %p is excluded memory", p);
		ck_assert_uint_eq((uintptr_t)p % PAGE_SIZE, 0);
		pages[n++] = p;
		memset(p, 0xa5, 64); /* dirty it: it must come back zeroed */
	}
	ck_assert_uint_eq(n, st0.total_pages);
	mem_stats(&st);
	ck_assert_uint_eq(st.free_pages, 0);
	ck_assert_uint_eq(st.alloc_failures, st0.alloc_failures + 1);
	ck_assert_ptr_null(kmem_alloc(16)); /* no page for a slab either */
	for (uint64_t i = 0; i < n; i++)
		page_free(pages[n - 1 - i], 0);
	mem_stats(&st);
	ck_assert_uint_eq(st.free_pages, st0.free_pages);
	ck_assert_uint_eq(st.largest_free_order, PAGE_MAX_ORDER);
	unsigned char *p = page_alloc(0);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		ck_assert_uint_eq(p[i], 0);
	page_free(p, 0);
	free(pages);
}
END_TEST

START_TEST(fragmentation_heals)
{
	struct mem_stats st0, st;
	mem_stats(&st0);
	uint64_t n = 0;
	void **pages = malloc((st0.total_pages + 1) * sizeof(void *));
	while ((pages[n] = page_alloc(0)) != NULL)
		n++;
	for (uint64_t i = 0; i < n; i += 2) /* free every other page */
		page_free(pages[i], 0);
	mem_stats(&st);
	ck_assert_uint_ge(st.free_pages, n / 2);
	/* buddies of freed pages are all live: nothing of order 1 can exist, except where an
	 * excluded range left a page without a buddy */
	ck_assert_uint_le(st.largest_free_order, 0);
	ck_assert_ptr_null(page_alloc(1));
	for (uint64_t i = 1; i < n; i += 2)
		page_free(pages[i], 0);
	mem_stats(&st);
	ck_assert_uint_eq(st.free_pages, st0.free_pages);
	void *big = page_alloc(PAGE_MAX_ORDER);
	ck_assert_ptr_nonnull(big);
	ck_assert(!in_excluded((uintptr_t)big, PAGE_SIZE << PAGE_MAX_ORDER));
	page_free(big, PAGE_MAX_ORDER);
	ck_assert_ptr_null(page_alloc(PAGE_MAX_ORDER + 1));
	free(pages);
}
END_TEST

START_TEST(orders_are_aligned_and_disjoint)
{
	void *blk[PAGE_MAX_ORDER + 1];
	for (unsigned k = 0; k <= PAGE_MAX_ORDER; k++) {
		blk[k] = page_alloc(k);
		ck_assert_ptr_nonnull(blk[k]);
		ck_assert_uint_eq(((uintptr_t)blk[k] - ram) % (PAGE_SIZE << k), 0);
	}
	for (unsigned a = 0; a <= PAGE_MAX_ORDER; a++)
		for (unsigned b = a + 1; b <= PAGE_MAX_ORDER; b++)
			ck_assert(!overlaps((uintptr_t)blk[a], PAGE_SIZE << a, (uintptr_t)blk[b],
					    PAGE_SIZE << b));
	for (unsigned k = 0; k <= PAGE_MAX_ORDER; k++)
		page_free(blk[k], k);
}
END_TEST

START_TEST(small_objects)
{
	struct mem_stats st0, st;
	mem_stats(&st0);
	static const size_t sizes[] = { 1, 15, 16, 17, 100, 512, 1000, 1024, 1025, 4096, 5000, 70000 };
	enum { PER = 100 }; /* 100 x 128 KiB for the largest: fits the 32 MiB machine */
	void *objs[sizeof(sizes) / sizeof(sizes[0])][PER];
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (int i = 0; i < PER; i++) {
			unsigned char *p = kmem_alloc(sizes[s]);
			ck_assert_ptr_nonnull(p);
			ck_assert_uint_eq((uintptr_t)p % 16, 0);
			size_t nz = 0;
			for (size_t j = 0; j < sizes[s]; j++)
				nz += p[j] != 0;
			ck_assert_uint_eq(nz, 0);
			memset(p, (int)(s + 1), sizes[s]);
			objs[s][i] = p;
		}
	}
	mem_stats(&st);
	ck_assert_uint_eq(st.live_objects, PER * (sizeof(sizes) / sizeof(sizes[0])));
	/* nothing overlapped: every object still holds its own pattern */
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (int i = 0; i < PER; i++)
			for (size_t j = 0; j < sizes[s]; j += 61)
				ck_assert_uint_eq(((unsigned char *)objs[s][i])[j], s + 1);
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (int i = PER - 1; i >= 0; i -= 1)
			kmem_free(objs[s][(i * 7) % PER]); /* scattered order */
	mem_stats(&st);
	ck_assert_uint_eq(st.live_objects, 0);
	/* every page is back, counting the empty slabs cached (at most one per class) */
	ck_assert_uint_eq(st.free_pages + st.cached_pages, st0.free_pages + st0.cached_pages);
	ck_assert_uint_le(st.cached_pages, 7);
	ck_assert_ptr_null(kmem_alloc(0));
	ck_assert_ptr_null(kmem_alloc((PAGE_SIZE << PAGE_MAX_ORDER) + 1));
	kmem_free(NULL);
	page_free(NULL, 0);
}
END_TEST

static void double_free(void)
{
	void *p = kmem_alloc(32);
	kmem_free(p);
	kmem_free(p);
}

static void wrong_order(void)
{
	page_free(page_alloc(2), 1);
}

static void foreign_pointer(void)
{
	static char not_ours[64];
	kmem_free(not_ours);
}

static void interior_pointer(void)
{
	char *p = kmem_alloc(64);
	kmem_free(p + 16);
}

static void page_double_free(void)
{
	void *p = page_alloc(0);
	page_free(p, 0);
	page_free(p, 0);
}

START_TEST(misuse_panics_with_a_reason)
{
	ck_assert_ptr_nonnull(strstr(fake_must_panic(double_free), "freed twice"));
	ck_assert_ptr_nonnull(strstr(fake_must_panic(wrong_order), "has order 2, freed as order 1"));
	ck_assert_ptr_nonnull(strstr(fake_must_panic(foreign_pointer), "was not allocated by kmem_alloc"));
	ck_assert_ptr_nonnull(strstr(fake_must_panic(interior_pointer), "is not the start of an object"));
	ck_assert_ptr_nonnull(strstr(fake_must_panic(page_double_free), "is not an allocated block"));
}
END_TEST

START_TEST(too_little_ram_is_refused)
{
	/* a fresh process image is needed for a second mem_init: Check forks each test */
	struct rumpk_boot_info small;
	char why[128];
	fake_boot_info(&small, "");
	small.mem[0].size = 2ull << 20;
	small.kernel.size = 0;
	ck_assert_int_eq(mem_init(&small, why, sizeof(why)), -RUMPK_ENOMEM);
	ck_assert_ptr_nonnull(strstr(why, "KiB of RAM usable, need at least 4096 KiB"));
}
END_TEST

/* Overlapping RAM ranges would hand one page out twice: refused by name, whatever the
 * order, containment or size of the overlap, and nothing is set up. Ranges that only
 * touch are fine. */
START_TEST(overlapping_ram_is_refused)
{
	struct rumpk_boot_info two;
	char why[160];
	fake_boot_info(&two, "");
	uint64_t b = two.mem[0].base, sz = two.mem[0].size;
	two.nmem = 2;
	two.mem[0].size = sz / 2;
	switch (_i) {
	case 0: two.mem[1] = (struct rumpk_mem_range){ b + sz / 2 - PAGE_SIZE, sz / 2 }; break;
	case 1: two.mem[1] = (struct rumpk_mem_range){ b, sz / 2 }; break;      /* identical */
	case 2: two.mem[1] = (struct rumpk_mem_range){ b + PAGE_SIZE, PAGE_SIZE }; break; /* inside */
	case 3: /* the later range first, overlapping by one byte */
		two.mem[1] = two.mem[0];
		two.mem[0] = (struct rumpk_mem_range){ b + sz / 2 - 1, sz / 2 };
		break;
	case 4: two.mem[1] = (struct rumpk_mem_range){ b - PAGE_SIZE, UINT64_MAX }; break; /* wraps */
	}
	ck_assert_int_eq(mem_init(&two, why, sizeof(why)), -RUMPK_EINVAL);
	ck_assert_msg(strstr(why, "memory ranges 0 [") && strstr(why, "] and 1 [") &&
			      strstr(why, "] overlap"), "%s", why);
	struct mem_stats st;
	mem_stats(&st);
	ck_assert_uint_eq(st.total_pages, 0);
}
END_TEST

START_TEST(touching_ram_ranges_are_fine)
{
	struct rumpk_boot_info two;
	char why[160];
	fake_boot_info(&two, "");
	uint64_t b = two.mem[0].base, sz = two.mem[0].size;
	two.nmem = 2;
	two.mem[0] = (struct rumpk_mem_range){ b + sz / 2, sz / 2 }; /* upper half first */
	two.mem[1] = (struct rumpk_mem_range){ b, sz / 2 };
	ck_assert_int_eq(mem_init(&two, why, sizeof(why)), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mem");
	TCase *tc = tcase_create("alloc");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, accounting_excludes_ranges);
	tcase_add_test(tc, exhaustion_then_everything_back);
	tcase_add_test(tc, fragmentation_heals);
	tcase_add_test(tc, orders_are_aligned_and_disjoint);
	tcase_add_test(tc, small_objects);
	tcase_add_test(tc, misuse_panics_with_a_reason);
	suite_add_tcase(s, tc);
	TCase *tc2 = tcase_create("init");
	tcase_add_test(tc2, too_little_ram_is_refused);
	tcase_add_loop_test(tc2, overlapping_ram_is_refused, 0, 5);
	tcase_add_test(tc2, touching_ram_ranges_are_fine);
	suite_add_tcase(s, tc2);
	return unit_main(s);
}
