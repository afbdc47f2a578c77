/*
 * test_fdt_boot.c — the bare-metal HALs' device tree -> boot info step (src/libk/fdt_boot.c)
 * on the host, fed trees crafted here with libfdt's sequential-write API: RAM ranges, the
 * initrd (inside RAM, or refused by name when any part of it lies outside), the seeds and
 * the weak-entropy flag, and overlapping RAM that fdt_boot passes on and the core's
 * allocator refuses by name.
 */
#define _GNU_SOURCE
#include <check.h>
#include <libfdt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fake_hal.h"
#include "fdt_boot.h"
#include "mem.h"

#define RAM0 0x80000000ull
#define RAM_SIZE (32ull << 20)

static uint8_t tree[8192];

static uint64_t counter(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A tree: #address-cells = #size-cells = 2, a /memory node per (base, size) pair in mem
 * (n pairs), /chosen with an initrd [start, end) when end != 0 and a 32-byte rng-seed when
 * seed is set. */
static void *make_tree(const uint64_t *mem, int n, uint64_t start, uint64_t end, int seed)
{
	void *t = tree;
	char name[32];
	ck_assert_int_eq(fdt_create(t, sizeof(tree)), 0);
	ck_assert_int_eq(fdt_finish_reservemap(t), 0);
	ck_assert_int_eq(fdt_begin_node(t, ""), 0);
	ck_assert_int_eq(fdt_property_u32(t, "#address-cells", 2), 0);
	ck_assert_int_eq(fdt_property_u32(t, "#size-cells", 2), 0);
	for (int i = 0; i < n; i++) {
		fdt64_t reg[2] = { cpu_to_fdt64(mem[2 * i]), cpu_to_fdt64(mem[2 * i + 1]) };
		snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)mem[2 * i]);
		ck_assert_int_eq(fdt_begin_node(t, name), 0);
		ck_assert_int_eq(fdt_property_string(t, "device_type", "memory"), 0);
		ck_assert_int_eq(fdt_property(t, "reg", reg, sizeof(reg)), 0);
		ck_assert_int_eq(fdt_end_node(t), 0);
	}
	ck_assert_int_eq(fdt_begin_node(t, "chosen"), 0);
	if (end) {
		ck_assert_int_eq(fdt_property_u64(t, "linux,initrd-start", start), 0);
		ck_assert_int_eq(fdt_property_u64(t, "linux,initrd-end", end), 0);
	}
	if (seed) {
		uint8_t s[32];
		for (int i = 0; i < 32; i++)
			s[i] = (uint8_t)(0xa5 ^ i);
		ck_assert_int_eq(fdt_property(t, "rng-seed", s, sizeof(s)), 0);
	}
	ck_assert_int_eq(fdt_end_node(t), 0);
	ck_assert_int_eq(fdt_end_node(t), 0);
	ck_assert_int_eq(fdt_finish(t), 0);
	ck_assert_int_eq(fdt_check_header(t), 0);
	return t;
}

static const uint64_t one_ram[] = { RAM0, RAM_SIZE };
static const uint64_t two_ram[] = { RAM0, 16ull << 20, RAM0 + (32ull << 20), 16ull << 20 };

START_TEST(initrd_inside_ram_is_kept)
{
	struct rumpk_boot_info bi;
	fake_reset();
	void *t = make_tree(one_ram, 1, RAM0 + 0x1200000, RAM0 + 0x1200000 + 10240, 1);
	fdt_boot_fill(&bi, t, RAM0 + 0x1e00000, counter);
	ck_assert_uint_eq(bi.nmem, 1);
	ck_assert_uint_eq(bi.mem[0].base, RAM0);
	ck_assert_uint_eq(bi.mem[0].size, RAM_SIZE);
	ck_assert_uint_eq(bi.initrd.base, RAM0 + 0x1200000);
	ck_assert_uint_eq(bi.initrd.size, 10240);
	ck_assert_str_eq(fake.console, "");
}
END_TEST

/* Any part outside RAM, in every way it can be: refused with one line naming it. */
START_TEST(initrd_outside_ram_is_refused)
{
	static const struct { uint64_t start, end; int two; } cases[] = {
		{ RAM0 - 0x2000, RAM0 - 0x1000, 0 },               /* below RAM */
		{ RAM0 - 0x1000, RAM0 + 0x1000, 0 },               /* straddles the start */
		{ RAM0 + RAM_SIZE - 0x1000, RAM0 + RAM_SIZE + 1, 0 }, /* one byte past the end */
		{ RAM0 + RAM_SIZE, RAM0 + RAM_SIZE + 0x1000, 0 },  /* just above */
		{ 0x10000000, 0x10001000, 0 },                     /* in MMIO */
		{ RAM0 + (16ull << 20) + 0x1000, RAM0 + (16ull << 20) + 0x2000, 1 }, /* the gap */
		{ RAM0 + (16ull << 20) - 0x1000, RAM0 + (32ull << 20) + 0x1000, 1 }, /* spans it */
	};
	struct rumpk_boot_info bi;
	char want[160];
	fake_reset();
	void *t = make_tree(cases[_i].two ? two_ram : one_ram, cases[_i].two ? 2 : 1,
			    cases[_i].start, cases[_i].end, 1);
	fdt_boot_fill(&bi, t, RAM0, counter);
	ck_assert_uint_eq(bi.initrd.size, 0);
	ck_assert_uint_eq(bi.initrd.base, 0);
	snprintf(want, sizeof(want),
		 "hal: initrd [%#llx, %#llx) is not inside one RAM range: initrd ignored\n",
		 (unsigned long long)cases[_i].start, (unsigned long long)cases[_i].end);
	ck_assert_str_eq(fake.console, want);
}
END_TEST

START_TEST(reversed_initrd_is_refused)
{
	struct rumpk_boot_info bi;
	fake_reset();
	void *t = make_tree(one_ram, 1, RAM0 + 0x2000, RAM0 + 0x1000, 1);
	fdt_boot_fill(&bi, t, RAM0, counter);
	ck_assert_uint_eq(bi.initrd.size, 0);
	ck_assert_ptr_nonnull(strstr(fake.console, "reversed or empty: initrd ignored"));
}
END_TEST

/* A 32-byte rng-seed: strong entropy, and the seed wiped from the tree. Without one: the
 * WEAK flag, which core_main turns into its warning line. */
START_TEST(seed_decides_the_weak_flag)
{
	struct rumpk_boot_info bi;
	int len;
	fake_reset();
	void *t = make_tree(one_ram, 1, 0, 0, 1);
	fdt_boot_fill(&bi, t, RAM0, counter);
	ck_assert_uint_eq(bi.flags & RUMPK_BOOT_ENTROPY_WEAK, 0);
	const uint8_t *s = fdt_getprop(t, fdt_path_offset(t, "/chosen"), "rng-seed", &len);
	ck_assert_int_eq(len, 32);
	for (int i = 0; i < 32; i++)
		ck_assert_uint_eq(s[i], 0);

	t = make_tree(one_ram, 1, 0, 0, 0);
	fdt_boot_fill(&bi, t, RAM0, counter);
	ck_assert_uint_eq(bi.flags & RUMPK_BOOT_ENTROPY_WEAK, RUMPK_BOOT_ENTROPY_WEAK);
}
END_TEST

/* Overlapping /memory nodes pass through fdt_boot as found; the core's allocator refuses
 * them by name before it hands out a page. */
START_TEST(overlapping_ram_from_the_tree_is_refused_by_the_core)
{
	static const uint64_t overlap[] = { RAM0, RAM_SIZE, RAM0 + RAM_SIZE - 0x1000, 0x100000 };
	struct rumpk_boot_info bi;
	char why[160];
	fake_reset();
	void *t = make_tree(overlap, 2, 0, 0, 1);
	fdt_boot_fill(&bi, t, RAM0, counter);
	ck_assert_uint_eq(bi.nmem, 2);
	ck_assert_int_eq(mem_init(&bi, why, sizeof(why)), -RUMPK_EINVAL);
	ck_assert_str_eq(why, "memory ranges 0 [0x80000000 +0x2000000] and 1 [0x81fff000 "
			      "+0x100000] overlap");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fdt_boot");
	TCase *tc = tcase_create("fill");
	tcase_add_test(tc, initrd_inside_ram_is_kept);
	tcase_add_loop_test(tc, initrd_outside_ram_is_refused, 0, 7);
	tcase_add_test(tc, reversed_initrd_is_refused);
	tcase_add_test(tc, seed_decides_the_weak_flag);
	tcase_add_test(tc, overlapping_ram_from_the_tree_is_refused_by_the_core);
	suite_add_tcase(s, tc);
	return unit_main(s);
}
