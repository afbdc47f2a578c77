/*
 * test_sysfile.c — the file and console syscalls' mechanism (src/core/sysfile.c) over a
 * small archive mounted at "/" and a hosted user space: every user pointer through the
 * checked copies (unmapped, half-mapped, read-only, paths ending at a page edge or never),
 * the per-process handle limit, the console both ways, and nothing left open at the end.
 */
#include <check.h>
#include <string.h>

#include "console.h"
#include "fake_hal.h"
#include "hosted_as.h"
#include "mem.h"
#include "param.h"
#include "sched.h"
#include "sysfile.h"
#include "tar_image.h"
#include "tarfs.h"
#include "vfs.h"

#define PG 4096ull
#define MOTD "line one\nline two\n"

static struct rumpk_boot_info bi;
static struct timg img;
static struct hal_as *as;
static uint64_t lo, hi, ubuf; /* ubuf: 4 read-write pages, then one read-only, then none */
static struct sysfile_table t;

static void setup(void)
{
	char why[128];
	struct tarfs *fs;
	struct tar_error e;
	fake_reset();
	fake_boot_info(&bi, "");
	ck_assert_int_eq(mem_init(&bi, why, sizeof(why)), 0);
	timg_init(&img);
	timg_add(&img, "bin/", '5', NULL, 0);
	timg_add(&img, "bin/hello", '0', "HELLO", 5);
	timg_add(&img, "etc/", '5', NULL, 0);
	timg_add(&img, "etc/motd", '0', MOTD, strlen(MOTD));
	timg_end(&img, 10240);
	ck_assert_msg(tar_mount(img.buf, img.len, &fs, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(vfs_mount("/", &tar_vfs_ops, fs), 0);
	ck_assert_int_eq(hal_as_create(&as, &lo, &hi), 0);
	ubuf = lo + (1ull << 20);
	ck_assert_int_eq(hal_as_map(as, ubuf, 4 * PG, HAL_PROT_R | HAL_PROT_W), 0);
	ck_assert_int_eq(hal_as_map(as, ubuf + 4 * PG, PG, HAL_PROT_R), 0);
	sysfile_init(&t, as);
	console_reset();
}

static void teardown(void)
{
	sysfile_close_all(&t);
	ck_assert_int_eq(sysfile_open_count(&t), 0);
	ck_assert_int_eq(vfs_handles_open(), 0);
	hal_as_destroy(as);
	vfs_unmount("/");
	timg_free(&img);
}

/* Puts a string into user memory at `at`, with its NUL. */
static void put(uint64_t at, const char *s)
{
	ck_assert_int_eq(hal_copy_to_user(as, at, s, strlen(s) + 1), 0);
}

START_TEST(open_read_seek_close)
{
	char got[64];
	put(ubuf, "/etc/motd");
	int64_t h = sysfile_open(&t, ubuf, 0);
	ck_assert_int_eq(h, 3);
	ck_assert_int_eq(sysfile_read(&t, (uint32_t)h, ubuf + PG, 5), 5);
	ck_assert_int_eq(sysfile_read(&t, (uint32_t)h, ubuf + PG + 5, 100), (int64_t)strlen(MOTD) - 5);
	ck_assert_int_eq(sysfile_read(&t, (uint32_t)h, ubuf + PG, 100), 0); /* the end */
	ck_assert_int_eq(hal_copy_from_user(as, got, ubuf + PG, strlen(MOTD)), 0);
	ck_assert_mem_eq(got, MOTD, strlen(MOTD));
	ck_assert_int_eq(sysfile_seek(&t, (uint32_t)h, -4, RUMPK_SEEK_END), (int64_t)strlen(MOTD) - 4);
	ck_assert_int_eq(sysfile_read(&t, (uint32_t)h, ubuf + PG, 100), 4);
	ck_assert_int_eq(sysfile_close(&t, (uint32_t)h), 0);
	ck_assert_int_eq(sysfile_close(&t, (uint32_t)h), -RUMPK_EBADF);
	ck_assert_int_eq(sysfile_read(&t, (uint32_t)h, ubuf, 1), -RUMPK_EBADF);
	ck_assert_int_eq(sysfile_close(&t, 99), -RUMPK_EBADF);
	ck_assert_int_eq(sysfile_close(&t, 0xffffffffu), -RUMPK_EBADF);
}
END_TEST

/* A buffer that is not all the program's: EFAULT, or the short count of what fitted; the
 * file offset stays at what the program really received. */
START_TEST(bad_buffers)
{
	put(ubuf, "/etc/motd");
	int64_t h = sysfile_open(&t, ubuf, 0);
	ck_assert_int_ge(h, 3);
	ck_assert_int_eq(sysfile_read(&t, (uint32_t)h, lo, 4), -RUMPK_EFAULT);      /* unmapped */
	ck_assert_int_eq(sysfile_read(&t, (uint32_t)h, ubuf + 4 * PG, 4), -RUMPK_EFAULT); /* R only */
	ck_assert_int_eq(sysfile_read(&t, (uint32_t)h, 0xffff800000000000ull, 4), -RUMPK_EFAULT);
	ck_assert_int_eq(sysfile_read(&t, (uint32_t)h, ~0ull - 2, 4), -RUMPK_EFAULT); /* wraps */
	ck_assert_int_eq(sysfile_read(&t, (uint32_t)h, ubuf, 4), 4); /* the offset never moved */
	char got[4];
	ck_assert_int_eq(hal_copy_from_user(as, got, ubuf, 4), 0);
	ck_assert_mem_eq(got, "line", 4);
	/* writes from memory the program does not have */
	ck_assert_int_eq(sysfile_write(&t, 1, lo, 10), -RUMPK_EFAULT);
	ck_assert_int_eq(sysfile_write(&t, 1, ubuf + 4 * PG + PG - 2, 10), -RUMPK_EFAULT);
	ck_assert_str_eq(fake.console, "");
	/* a write that runs off the end of its memory: what was there is written, counted
	 * (the read-only page is readable: 1024 bytes of it, then nothing) */
	size_t before = fake.console_len;
	ck_assert_int_eq(sysfile_write(&t, 1, ubuf + 5 * PG - 1024, 2048), 1024);
	ck_assert_uint_eq(fake.console_len - before, 1024); /* exactly those reached the console */
}
END_TEST

START_TEST(paths)
{
	char p[VFS_PATH_MAX + 1];
	/* ends just before the read-only page: fine; a NUL on the next, mapped page: fine */
	put(ubuf + 4 * PG - 10, "/etc/motd");
	ck_assert_int_eq(sysfile_copy_path(as, p, ubuf + 4 * PG - 10), 9);
	ck_assert_str_eq(p, "/etc/motd");
	ck_assert_int_eq(hal_copy_to_user(as, ubuf + 4 * PG - 4, "/etc", 4), 0);
	ck_assert_int_eq(sysfile_copy_path(as, p, ubuf + 4 * PG - 4), 4); /* NUL in the R page */
	/* no NUL before an unmapped page: EFAULT */
	char fill[PG];
	memset(fill, 'a', sizeof(fill));
	uint64_t lone = lo + (2ull << 20); /* one read-write page, nothing after it */
	ck_assert_int_eq(hal_as_map(as, lone, PG, HAL_PROT_R | HAL_PROT_W), 0);
	ck_assert_int_eq(hal_copy_to_user(as, lone, fill, PG), 0);
	ck_assert_int_eq(sysfile_copy_path(as, p, lone + PG - 100), -RUMPK_EFAULT);
	ck_assert_int_eq(hal_copy_to_user(as, ubuf + 3 * PG, fill, PG), 0);
	/* too long: ERANGE, never truncated */
	ck_assert_int_eq(sysfile_copy_path(as, p, ubuf + 3 * PG), -RUMPK_ERANGE);
	fill[VFS_PATH_MAX] = '\0';
	ck_assert_int_eq(hal_copy_to_user(as, ubuf, fill, VFS_PATH_MAX + 1), 0);
	ck_assert_int_eq(sysfile_copy_path(as, p, ubuf), VFS_PATH_MAX);
	ck_assert_int_eq(sysfile_copy_path(as, p, lo), -RUMPK_EFAULT);
	ck_assert_int_eq(sysfile_copy_path(as, p, ~0ull - 3), -RUMPK_EFAULT);
	ck_assert_int_eq(sysfile_open(&t, lo, 0), -RUMPK_EFAULT);
	put(ubuf, "/no/such");
	ck_assert_int_eq(sysfile_open(&t, ubuf, 0), -RUMPK_ENOENT);
	put(ubuf, "/etc");
	ck_assert_int_eq(sysfile_open(&t, ubuf, 0), -RUMPK_EISDIR);
	put(ubuf, "relative");
	ck_assert_int_eq(sysfile_open(&t, ubuf, 0), -RUMPK_EINVAL);
}
END_TEST

START_TEST(handle_limit_is_per_process)
{
	put(ubuf, "/etc/motd");
	for (int i = 3; i < SYSFILE_MAX_HANDLES; i++)
		ck_assert_int_eq(sysfile_open(&t, ubuf, 0), i);
	ck_assert_int_eq(sysfile_open(&t, ubuf, 0), -RUMPK_EMFILE);
	ck_assert_int_eq(sysfile_open_count(&t), SYSFILE_MAX_HANDLES);
	ck_assert_int_eq(vfs_handles_open(), SYSFILE_MAX_HANDLES - 3);
	ck_assert_int_eq(sysfile_close(&t, 7), 0);
	ck_assert_int_eq(sysfile_open(&t, ubuf, 0), 7); /* the lowest free one */
}
END_TEST

START_TEST(directories_and_stat)
{
	struct rumpk_dirent d;
	struct rumpk_stat st;
	put(ubuf, "/bin");
	int64_t h = sysfile_open(&t, ubuf, RUMPK_O_DIRECTORY);
	ck_assert_int_ge(h, 3);
	ck_assert_int_eq(sysfile_read(&t, (uint32_t)h, ubuf + PG, 4), -RUMPK_EISDIR);
	ck_assert_int_eq(sysfile_write(&t, (uint32_t)h, ubuf + PG, 4), -RUMPK_EISDIR);
	ck_assert_int_eq(sysfile_seek(&t, (uint32_t)h, 0, RUMPK_SEEK_SET), -RUMPK_EISDIR);
	ck_assert_int_eq(sysfile_readdir(&t, (uint32_t)h, lo), -RUMPK_EFAULT); /* costs nothing */
	ck_assert_int_eq(sysfile_readdir(&t, (uint32_t)h, ubuf + 4 * PG), -RUMPK_EFAULT);
	ck_assert_int_eq(sysfile_readdir(&t, (uint32_t)h, ubuf + PG), 1);
	ck_assert_int_eq(hal_copy_from_user(as, &d, ubuf + PG, sizeof(d)), 0);
	ck_assert_str_eq(d.name, "hello");
	ck_assert_uint_eq(d.size, 5);
	ck_assert_int_eq(sysfile_readdir(&t, (uint32_t)h, ubuf + PG), 0);
	ck_assert_int_eq(sysfile_readdir(&t, 1, ubuf + PG), -RUMPK_ENOTDIR);
	/* stat: an argument block with both addresses */
	put(ubuf + 2 * PG, "/bin/hello");
	struct rumpk_stat_args a = { ubuf + 2 * PG, ubuf + PG };
	ck_assert_int_eq(hal_copy_to_user(as, ubuf, &a, sizeof(a)), 0);
	ck_assert_int_eq(sysfile_stat(&t, ubuf), 0);
	ck_assert_int_eq(hal_copy_from_user(as, &st, ubuf + PG, sizeof(st)), 0);
	ck_assert_uint_eq(st.type, RUMPK_FT_FILE);
	ck_assert_uint_eq(st.size, 5);
	a.out = ubuf + 4 * PG; /* read-only: the answer cannot be written */
	ck_assert_int_eq(hal_copy_to_user(as, ubuf, &a, sizeof(a)), 0);
	ck_assert_int_eq(sysfile_stat(&t, ubuf), -RUMPK_EFAULT);
	ck_assert_int_eq(sysfile_stat(&t, lo), -RUMPK_EFAULT);
}
END_TEST

START_TEST(console_both_ways)
{
	put(ubuf, "hi there\n");
	ck_assert_int_eq(sysfile_write(&t, 1, ubuf, 9), 9);
	ck_assert_int_eq(sysfile_write(&t, 2, ubuf, 3), 3);
	ck_assert_str_eq(fake.console, "hi there\nhi ");
	ck_assert_int_eq(sysfile_write(&t, 0, ubuf, 3), -RUMPK_EBADF);
	ck_assert_int_eq(sysfile_read(&t, 1, ubuf, 3), -RUMPK_EBADF);
	console_input("ab\x03", 3);
	ck_assert_int_eq(sysfile_read(&t, 0, ubuf + PG, 100), 3); /* what arrived, no waiting */
	char got[3];
	ck_assert_int_eq(hal_copy_from_user(as, got, ubuf + PG, 3), 0);
	ck_assert_mem_eq(got, "ab\x03", 3);
	console_input("xyz", 3);
	ck_assert_int_eq(sysfile_read(&t, 0, ubuf + PG, 2), 2);
	ck_assert_int_eq(sysfile_read(&t, 0, ubuf + PG, 2), 1);
	console_eof();
	ck_assert_int_eq(sysfile_read(&t, 0, ubuf + PG, 2), 0); /* the end of input */
	struct console_stats cs;
	console_stats(&cs);
	ck_assert_uint_eq(cs.in_bytes, 6);
	ck_assert_uint_eq(cs.out_bytes, 12);
	/* a full input ring drops what does not fit, and counts it */
	static char lots[CONSOLE_IN_BYTES + 10];
	console_reset();
	console_input(lots, sizeof(lots));
	console_stats(&cs);
	ck_assert_uint_eq(cs.in_bytes, CONSOLE_IN_BYTES);
	ck_assert_uint_eq(cs.in_dropped, 10);
}
END_TEST

/* War mode (the governor's): the HAL's receive interrupt is masked and the core polls at
 * each return to user code (console_poll); a reader that must sleep turns it back on until
 * it has its bytes, since with everything blocked nobody else would poll. Peace: the
 * interrupt is on and console_poll takes nothing. */
static int64_t reader_got;
static char reader_buf[8];

static void reader(void *arg)
{
	(void)arg;
	reader_got = console_read(reader_buf, sizeof(reader_buf));
}

START_TEST(console_war_mode_polls)
{
	struct console_stats cs;
	char buf[8];
	ck_assert_int_eq(sched_init(), 0);
	console_set_polled(1);
	ck_assert_int_eq(fake.rx_irq_off, 1);
	fake.input = "hey";
	console_poll();
	console_stats(&cs);
	ck_assert_uint_eq(cs.polls, 1);
	ck_assert_int_eq(console_read(buf, sizeof(buf)), 3); /* the poll took it */
	ck_assert_mem_eq(buf, "hey", 3);

	/* a reader asleep in War mode has the interrupt on; it goes off again once it woke */
	fake.input = NULL;
	ck_assert_ptr_nonnull(fiber_spawn("reader", reader, NULL, SCHED_PRIO_DEFAULT, NULL));
	fiber_yield();
	ck_assert_int_eq(fake.rx_irq_off, 0);
	console_input("q", 1);
	fiber_yield();
	ck_assert_int_eq(reader_got, 1);
	ck_assert_int_eq(reader_buf[0], 'q');
	ck_assert_int_eq(fake.rx_irq_off, 1);

	/* Peace: the interrupt is on, a poll takes nothing */
	console_set_polled(0);
	ck_assert_int_eq(fake.rx_irq_off, 0);
	fake.input = "zz";
	console_poll();
	console_stats(&cs);
	ck_assert_uint_eq(cs.polls, 1);
	ck_assert_str_eq(fake.input, "zz");
	ck_assert_uint_eq(cs.mode_changes, 2);
}
END_TEST

/* HAL API 8: a reader that must sleep says so first (hal_console_wait: the sim's virtual
 * mode releases its next scripted line then), once per sleep; one that finds bytes, or
 * the poll before sleeping finds some, never calls it. */
START_TEST(console_reader_says_it_waits)
{
	char buf[8];
	ck_assert_int_eq(sched_init(), 0);
	fake.console_waits = 0;
	fake.input = "ab";
	ck_assert_int_eq(console_read(buf, sizeof(buf)), 2); /* the poll before sleeping */
	ck_assert_uint_eq(fake.console_waits, 0);

	fake.input = NULL;
	reader_got = 0;
	ck_assert_ptr_nonnull(fiber_spawn("reader", reader, NULL, SCHED_PRIO_DEFAULT, NULL));
	fiber_yield();
	ck_assert_uint_eq(fake.console_waits, 1);
	console_input("", 0); /* a wake-up with nothing: the reader sleeps again, says so again */
	fiber_yield();
	ck_assert_int_eq(reader_got, 0);
	ck_assert_uint_eq(fake.console_waits, 2);
	console_input("z", 1);
	fiber_yield();
	ck_assert_int_eq(reader_got, 1);
	ck_assert_uint_eq(fake.console_waits, 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sysfile");
	TCase *tc = tcase_create("calls");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, open_read_seek_close);
	tcase_add_test(tc, bad_buffers);
	tcase_add_test(tc, paths);
	tcase_add_test(tc, handle_limit_is_per_process);
	tcase_add_test(tc, directories_and_stat);
	tcase_add_test(tc, console_both_ways);
	tcase_add_test(tc, console_war_mode_polls);
	tcase_add_test(tc, console_reader_says_it_waits);
	suite_add_tcase(s, tc);
	return unit_main(s);
}
