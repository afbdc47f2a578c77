/*
 * test_as.c — user address spaces as the hosted HAL implements hal.h (hal_as.c +
 * host_as.c, linked through rumpk_hal_hosted_cpu: the real code, not a fake).
 *
 * Covered: spaces are disjoint reservations of HOSTED_AS_SIZE that nothing can touch;
 * map gives zeroed memory with exactly the permissions asked (checked three ways: the
 * HAL's record, the host's /proc/self/maps, and a real access that must fault); W^X and
 * every argument refusal of map/protect/unmap with nothing changed; protect and unmap
 * splitting and merging ranges; unmap making memory zero again; copies checking the whole
 * user range (a hole, a read-only tail, wrap-around, another space's address) and copying
 * nothing when they refuse; the range-record limit; fault injection; and the live counters
 * returning to where they started.
 */
#define _GNU_SOURCE
#include <check.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_hal.h"
#include "hosted_as.h"

#define PG 4096ull
#define RW (HAL_PROT_R | HAL_PROT_W)
#define RX (HAL_PROT_R | HAL_PROT_X)

static struct hosted_as_stats st0;
static struct hal_as *as;
static uint64_t lo, hi;

static void setup(void)
{
	fake_reset();
	hosted_as_stats(&st0);
	ck_assert_int_eq(hal_as_create(&as, &lo, &hi), 0);
}

static void teardown(void)
{
	struct hosted_as_stats st;

	hal_as_destroy(as);
	hosted_as_stats(&st);
	ck_assert_uint_eq(st.spaces, st0.spaces);
	ck_assert_uint_eq(st.ranges, st0.ranges);
	ck_assert_uint_eq(st.mapped_bytes, st0.mapped_bytes);
}

static void expect_perms(uint64_t va, const char *want)
{
	char got[5];
	fake_host_perms(va, got);
	ck_assert_msg(strcmp(got, want) == 0, "page %#llx: host says %s, want %s",
		      (unsigned long long)va, got, want);
}

static unsigned prot_at(uint64_t va)
{
	uint64_t s, e;
	unsigned prot;
	ck_assert_int_eq(hosted_as_lookup(as, va, &s, &e, &prot), 0);
	return prot;
}

static unsigned ranges(void)
{
	struct hosted_as_stats st;
	hosted_as_stats(&st);
	return (unsigned)(st.ranges - st0.ranges);
}

START_TEST(spaces_are_disjoint_reservations)
{
	struct hal_as *b;
	uint64_t blo, bhi;

	ck_assert_uint_eq(hi - lo, HOSTED_AS_SIZE);
	ck_assert_uint_eq(lo % PG, 0);
	expect_perms(lo, "---p");
	expect_perms(hi - PG, "---p");
	ck_assert_int_eq(hal_as_create(&b, &blo, &bhi), 0);
	ck_assert(bhi <= lo || blo >= hi);
	struct hosted_as_stats st;
	hosted_as_stats(&st);
	ck_assert_uint_eq(st.spaces, st0.spaces + 2);
	hal_as_destroy(b);
	hal_as_destroy(NULL);
	hal_as_switch(as);
	hal_as_switch(NULL);
}
END_TEST

START_TEST(map_gives_zeroed_memory_with_its_permissions)
{
	static uint8_t buf[3 * PG], pat[3 * PG];
	uint64_t a = lo + 16 * PG;

	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(hal_as_map(as, a, 3 * PG, RW), 0);
	ck_assert_int_eq(hal_copy_from_user(as, buf, a, sizeof(buf)), 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		ck_assert_uint_eq(buf[i], 0);
	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] = (uint8_t)(i * 7 + 1);
	ck_assert_int_eq(hal_copy_to_user(as, a, pat, sizeof(pat)), 0);
	ck_assert_int_eq(hal_copy_from_user(as, buf, a, sizeof(buf)), 0);
	ck_assert_mem_eq(buf, pat, sizeof(pat));
	expect_perms(a, "rw-p");
	ck_assert_uint_eq(prot_at(a + PG), RW);

	ck_assert_int_eq(hal_as_map(as, a + 8 * PG, PG, HAL_PROT_R), 0);
	ck_assert_int_eq(hal_copy_to_user(as, a + 8 * PG, pat, 1), -RUMPK_EFAULT);
	ck_assert_int_eq(hal_copy_from_user(as, buf, a + 8 * PG, PG), 0);
	expect_perms(a + 8 * PG, "r--p");

	ck_assert_int_eq(hal_as_map(as, a + 10 * PG, PG, RX), 0);
	ck_assert_int_eq(hal_copy_to_user(as, a + 10 * PG, pat, 1), -RUMPK_EFAULT);
	expect_perms(a + 10 * PG, "r-xp");

	ck_assert_int_eq(hal_as_map(as, a + 12 * PG, PG, 0), 0); /* mapped, no access */
	ck_assert_int_eq(hal_copy_from_user(as, buf, a + 12 * PG, 1), -RUMPK_EFAULT);
	ck_assert_int_eq(hal_copy_to_user(as, a + 12 * PG, pat, 1), -RUMPK_EFAULT);
	expect_perms(a + 12 * PG, "---p");
	ck_assert_uint_eq(ranges(), 4);
}
END_TEST

START_TEST(map_refusals_change_nothing)
{
	uint64_t a = lo + 32 * PG;

	ck_assert_int_eq(hal_as_map(as, a, PG, HAL_PROT_W | HAL_PROT_X), -RUMPK_EINVAL);
	ck_assert_int_eq(hal_as_map(as, a, PG, RW | HAL_PROT_X), -RUMPK_EINVAL);
	ck_assert_int_eq(hal_as_map(as, a, PG, 0x8), -RUMPK_EINVAL);
	ck_assert_int_eq(hal_as_map(as, a + 1, PG, RW), -RUMPK_EINVAL);
	ck_assert_int_eq(hal_as_map(as, a, PG + 1, RW), -RUMPK_EINVAL);
	ck_assert_int_eq(hal_as_map(as, a, 0, RW), -RUMPK_EINVAL);
	ck_assert_int_eq(hal_as_map(as, lo - PG, PG, RW), -RUMPK_ERANGE);
	ck_assert_int_eq(hal_as_map(as, hi - PG, 2 * PG, RW), -RUMPK_ERANGE);
	ck_assert_int_eq(hal_as_map(as, hi, PG, RW), -RUMPK_ERANGE);
	ck_assert_int_eq(hal_as_map(as, lo, ~(PG - 1), RW), -RUMPK_ERANGE); /* wraps */
	ck_assert_uint_eq(ranges(), 0);

	ck_assert_int_eq(hal_as_map(as, a, 4 * PG, RW), 0);
	ck_assert_int_eq(hal_as_map(as, a - PG, 2 * PG, RW), -RUMPK_EEXIST);
	ck_assert_int_eq(hal_as_map(as, a + 3 * PG, 2 * PG, RW), -RUMPK_EEXIST);
	ck_assert_int_eq(hal_as_map(as, a + PG, PG, RW), -RUMPK_EEXIST);
	ck_assert_int_eq(hal_as_map(as, a - PG, 6 * PG, RW), -RUMPK_EEXIST);
	ck_assert_uint_eq(ranges(), 1);
	/* touching neighbours with the same permissions merge into one range */
	ck_assert_int_eq(hal_as_map(as, a + 4 * PG, PG, RW), 0);
	ck_assert_int_eq(hal_as_map(as, a - PG, PG, RW), 0);
	ck_assert_uint_eq(ranges(), 1);
	ck_assert_int_eq(hal_as_map(as, a + 5 * PG, PG, HAL_PROT_R), 0);
	ck_assert_uint_eq(ranges(), 2);
	expect_perms(lo + 40 * PG, "---p");
}
END_TEST

START_TEST(protect_splits_and_merges)
{
	uint64_t a = lo + 64 * PG, s, e;
	unsigned prot;
	uint8_t pat[4 * PG], buf[4 * PG];

	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] = (uint8_t)(i ^ (i >> 8));
	ck_assert_int_eq(hal_as_map(as, a, 4 * PG, RW), 0);
	ck_assert_int_eq(hal_copy_to_user(as, a, pat, sizeof(pat)), 0);
	ck_assert_int_eq(hal_as_protect(as, a + PG, 2 * PG, HAL_PROT_R), 0);
	ck_assert_uint_eq(ranges(), 3);
	ck_assert_int_eq(hosted_as_lookup(as, a + PG, &s, &e, &prot), 0);
	ck_assert_uint_eq(s, a + PG);
	ck_assert_uint_eq(e, a + 3 * PG);
	ck_assert_uint_eq(prot, HAL_PROT_R);
	expect_perms(a + 2 * PG, "r--p");
	expect_perms(a + 3 * PG, "rw-p");
	ck_assert_int_eq(hal_copy_to_user(as, a + PG, pat, 1), -RUMPK_EFAULT);
	ck_assert_int_eq(hal_copy_to_user(as, a + 3 * PG, pat + 3 * PG, 1), 0);
	ck_assert_int_eq(hal_copy_from_user(as, buf, a, sizeof(buf)), 0);
	ck_assert_mem_eq(buf, pat, sizeof(pat)); /* contents survive a protection change */

	ck_assert_int_eq(hal_as_protect(as, a + PG, 2 * PG, RW), 0);
	ck_assert_uint_eq(ranges(), 1);
	ck_assert_int_eq(hosted_as_lookup(as, a + PG, &s, &e, &prot), 0);
	ck_assert_uint_eq(s, a);
	ck_assert_uint_eq(e, a + 4 * PG);

	ck_assert_int_eq(hal_as_protect(as, a, 4 * PG, RX), 0);
	expect_perms(a, "r-xp");
	ck_assert_int_eq(hal_as_protect(as, a, PG, HAL_PROT_W | HAL_PROT_X), -RUMPK_EINVAL);
	ck_assert_int_eq(hal_as_protect(as, a + 1, PG, HAL_PROT_R), -RUMPK_EINVAL);
	ck_assert_int_eq(hal_as_protect(as, a + 4 * PG, PG, HAL_PROT_R), -RUMPK_EFAULT);
	ck_assert_int_eq(hal_as_protect(as, a + 3 * PG, 2 * PG, HAL_PROT_R), -RUMPK_EFAULT);
	ck_assert_int_eq(hal_as_protect(as, hi, PG, HAL_PROT_R), -RUMPK_EFAULT);
	ck_assert_uint_eq(prot_at(a + 3 * PG), RX);
	expect_perms(a + 3 * PG, "r-xp");
	/* a protection over two adjacent mappings with different permissions */
	ck_assert_int_eq(hal_as_map(as, a + 4 * PG, PG, RW), 0);
	ck_assert_int_eq(hal_as_protect(as, a + 3 * PG, 2 * PG, HAL_PROT_R), 0);
	ck_assert_uint_eq(prot_at(a + 4 * PG), HAL_PROT_R);
	ck_assert_uint_eq(prot_at(a), RX);
	ck_assert_uint_eq(ranges(), 2);
}
END_TEST

START_TEST(unmap_zeroes_and_splits)
{
	uint64_t a = lo + 128 * PG;
	uint8_t fill[4 * PG], buf[PG];

	memset(fill, 0xab, sizeof(fill));
	ck_assert_int_eq(hal_as_map(as, a, 4 * PG, RW), 0);
	ck_assert_int_eq(hal_copy_to_user(as, a, fill, sizeof(fill)), 0);
	ck_assert_int_eq(hal_as_unmap(as, a + PG, 2 * PG), 0);
	ck_assert_uint_eq(ranges(), 2);
	ck_assert_int_eq(hal_copy_from_user(as, buf, a + PG, 1), -RUMPK_EFAULT);
	expect_perms(a + PG, "---p");
	ck_assert_int_eq(hal_as_map(as, a + PG, 2 * PG, RW), 0);
	ck_assert_int_eq(hal_copy_from_user(as, buf, a + 2 * PG, PG), 0);
	for (size_t i = 0; i < PG; i++)
		ck_assert_uint_eq(buf[i], 0); /* dropped pages come back zeroed */
	ck_assert_int_eq(hal_copy_from_user(as, buf, a + 3 * PG, PG), 0);
	ck_assert_uint_eq(buf[0], 0xab); /* the page kept keeps its contents */

	ck_assert_int_eq(hal_as_unmap(as, a + 3 * PG, 2 * PG), -RUMPK_EFAULT); /* a hole */
	ck_assert_int_eq(hal_as_unmap(as, a + 1, PG), -RUMPK_EINVAL);
	ck_assert_int_eq(hal_as_unmap(as, a, 0), -RUMPK_EINVAL);
	ck_assert_int_eq(hal_as_unmap(as, hi, PG), -RUMPK_EFAULT);
	ck_assert_int_eq(hal_copy_from_user(as, buf, a + 3 * PG, 1), 0);
	ck_assert_int_eq(hal_as_unmap(as, a, 4 * PG), 0);
	ck_assert_uint_eq(ranges(), 0);
	struct hosted_as_stats st;
	hosted_as_stats(&st);
	ck_assert_uint_eq(st.mapped_bytes, st0.mapped_bytes);
}
END_TEST

START_TEST(copies_check_the_whole_range)
{
	uint64_t a = lo + 256 * PG;
	uint8_t src[64], dst[64], before[16];
	struct hal_as *other;
	uint64_t olo, ohi;

	memset(src, 0x5c, sizeof(src));
	ck_assert_int_eq(hal_as_map(as, a, 2 * PG, RW), 0);
	ck_assert_int_eq(hal_as_map(as, a + 2 * PG, PG, HAL_PROT_R), 0);
	ck_assert_int_eq(hal_as_map(as, a + 4 * PG, PG, RW), 0); /* a hole at a + 3 pages */

	/* writable head, read-only tail: nothing is copied */
	ck_assert_int_eq(hal_copy_from_user(as, before, a + 2 * PG - 16, 16), 0);
	ck_assert_int_eq(hal_copy_to_user(as, a + 2 * PG - 16, src, 32), -RUMPK_EFAULT);
	ck_assert_int_eq(hal_copy_from_user(as, dst, a + 2 * PG - 16, 16), 0);
	ck_assert_mem_eq(dst, before, 16);
	ck_assert_int_eq(hal_copy_from_user(as, dst, a + 2 * PG - 32, 64), 0); /* R across */
	ck_assert_int_eq(hal_copy_to_user(as, a + 2 * PG - 64, src, 64), 0); /* RW to its end */

	memset(dst, 0x11, sizeof(dst));
	ck_assert_int_eq(hal_copy_from_user(as, dst, a + 4 * PG - 32, 64), -RUMPK_EFAULT);
	for (size_t i = 0; i < sizeof(dst); i++)
		ck_assert_uint_eq(dst[i], 0x11); /* nothing copied */
	ck_assert_int_eq(hal_copy_from_user(as, dst, a - 8, 16), -RUMPK_EFAULT);
	ck_assert_int_eq(hal_copy_to_user(as, a + 4 * PG, src, 0), 0);
	ck_assert_int_eq(hal_copy_from_user(as, dst, 0, 0), 0);
	ck_assert_int_eq(hal_copy_from_user(as, dst, ~0ull - 7, 16), -RUMPK_EFAULT); /* wraps */
	ck_assert_int_eq(hal_copy_to_user(as, ~0ull - 7, src, 16), -RUMPK_EFAULT);
	ck_assert_int_eq(hal_copy_from_user(NULL, dst, a, 1), -RUMPK_EFAULT);
	ck_assert_int_eq(hal_copy_to_user(as, 0, src, 1), -RUMPK_EFAULT);
	ck_assert_int_eq(hal_copy_from_user(as, dst, (uint64_t)(uintptr_t)src, 1), -RUMPK_EFAULT);

	/* another space's mapping is not this space's */
	ck_assert_int_eq(hal_as_create(&other, &olo, &ohi), 0);
	ck_assert_int_eq(hal_as_map(other, olo + PG, PG, RW), 0);
	ck_assert_int_eq(hal_copy_to_user(as, olo + PG, src, 8), -RUMPK_EFAULT);
	ck_assert_int_eq(hal_copy_to_user(other, a, src, 8), -RUMPK_EFAULT);
	ck_assert_int_eq(hal_copy_to_user(other, olo + PG, src, 8), 0);
	hal_as_destroy(other);
}
END_TEST

START_TEST(range_record_limit)
{
	uint64_t a = lo + 512 * PG;
	unsigned i;

	/* separated pages never merge: one record each */
	for (i = 0; i < HOSTED_AS_MAX_RANGES; i++)
		ck_assert_int_eq(hal_as_map(as, a + 2 * i * PG, PG, RW), 0);
	ck_assert_int_eq(hal_as_map(as, a + 2 * i * PG, PG, RW), -RUMPK_ENOMEM);
	ck_assert_uint_eq(ranges(), HOSTED_AS_MAX_RANGES);
	/* a protect or unmap that splits needs a record too; one that does not, none */
	ck_assert_int_eq(hal_as_unmap(as, a, PG), 0);
	ck_assert_int_eq(hal_as_map(as, a, 3 * PG, RW), -RUMPK_EEXIST);
	ck_assert_int_eq(hal_as_unmap(as, a + 2 * PG, PG), 0);
	ck_assert_int_eq(hal_as_map(as, a, 3 * PG, RW), 0); /* 3 pages, one record */
	ck_assert_uint_eq(ranges(), HOSTED_AS_MAX_RANGES - 1);
	ck_assert_int_eq(hal_as_map(as, a + 2 * i * PG, PG, HAL_PROT_R), 0);
	ck_assert_int_eq(hal_as_protect(as, a + PG, PG, HAL_PROT_R), -RUMPK_ENOMEM);
	ck_assert_int_eq(hal_as_unmap(as, a + PG, PG), -RUMPK_ENOMEM);
	ck_assert_uint_eq(prot_at(a + PG), RW);
	ck_assert_int_eq(hal_as_protect(as, a, 3 * PG, HAL_PROT_R), 0);
	ck_assert_int_eq(hal_as_unmap(as, a, 3 * PG), 0);
}
END_TEST

START_TEST(fault_injection_fails_one_call_cleanly)
{
	uint64_t a = lo + 16 * PG;
	uint8_t b = 7;

	hosted_as_fail_nth(1);
	ck_assert_int_eq(hal_as_map(as, a, PG, RW), -RUMPK_ENOMEM);
	ck_assert_uint_eq(ranges(), 0);
	ck_assert_int_eq(hal_as_map(as, a, PG, RW), 0);
	hosted_as_fail_nth(2);
	ck_assert_int_eq(hal_copy_to_user(as, a, &b, 1), 0);
	ck_assert_int_eq(hal_as_protect(as, a, PG, HAL_PROT_R), -RUMPK_ENOMEM);
	ck_assert_uint_eq(prot_at(a), RW);
	expect_perms(a, "rw-p");
	hosted_as_fail_nth(1);
	b = 9;
	ck_assert_int_eq(hal_copy_to_user(as, a, &b, 1), -RUMPK_EFAULT);
	ck_assert_int_eq(hal_copy_from_user(as, &b, a, 1), 0);
	ck_assert_uint_eq(b, 7);
	hosted_as_fail_nth(5);
	hosted_as_fail_nth(0);
	ck_assert_int_eq(hal_as_protect(as, a, PG, HAL_PROT_R), 0);
}
END_TEST

/* ---- the host really enforces what the record says ---------------------------------- */

static void exit_on_segv(int sig)
{
	(void)sig;
	_exit(42);
}

/* Our own handler (not Check's, not ASan's): a fault ends the forked test with 42. */
static void catch_segv(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = exit_on_segv;
	sigaction(SIGSEGV, &sa, NULL);
}

START_TEST(write_to_read_only_page_faults)
{
	uint64_t a = lo + 16 * PG;

	ck_assert_int_eq(hal_as_map(as, a, PG, HAL_PROT_R), 0);
	catch_segv();
	*(volatile uint8_t *)(uintptr_t)a = 1;
	_exit(0);
}
END_TEST

START_TEST(touch_of_unmapped_page_faults)
{
	uint64_t a = lo + 16 * PG;

	ck_assert_int_eq(hal_as_map(as, a, PG, RW), 0);
	*(volatile uint8_t *)(uintptr_t)a = 1;
	ck_assert_int_eq(hal_as_unmap(as, a, PG), 0);
	catch_segv();
	(void)*(volatile uint8_t *)(uintptr_t)a;
	_exit(0);
}
END_TEST

START_TEST(jump_into_writable_page_faults)
{
	uint64_t a = lo + 16 * PG;
	static const uint8_t ret = 0xc3; /* x86_64 `ret` */

	ck_assert_int_eq(hal_as_map(as, a, PG, RW), 0);
	ck_assert_int_eq(hal_copy_to_user(as, a, &ret, 1), 0);
	ck_assert_int_eq(hal_as_protect(as, a, PG, RX), 0);
	((void (*)(void))(uintptr_t)a)(); /* executable now: returns */
	ck_assert_int_eq(hal_as_protect(as, a, PG, RW), 0);
	catch_segv();
	((void (*)(void))(uintptr_t)a)();
	_exit(0);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("as");
	TCase *tc = tcase_create("hosted");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, spaces_are_disjoint_reservations);
	tcase_add_test(tc, map_gives_zeroed_memory_with_its_permissions);
	tcase_add_test(tc, map_refusals_change_nothing);
	tcase_add_test(tc, protect_splits_and_merges);
	tcase_add_test(tc, unmap_zeroes_and_splits);
	tcase_add_test(tc, copies_check_the_whole_range);
	tcase_add_test(tc, range_record_limit);
	tcase_add_test(tc, fault_injection_fails_one_call_cleanly);
	suite_add_tcase(s, tc);

	TCase *faults = tcase_create("faults");
	tcase_add_checked_fixture(faults, setup, NULL);
	tcase_add_exit_test(faults, write_to_read_only_page_faults, 42);
	tcase_add_exit_test(faults, touch_of_unmapped_page_faults, 42);
	tcase_add_exit_test(faults, jump_into_writable_page_faults, 42);
	suite_add_tcase(s, faults);
	return s;
}

int main(void)
{
	return unit_main(make_suite());
}
