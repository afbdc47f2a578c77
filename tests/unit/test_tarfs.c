/*
 * test_tarfs.c — the initrd reader. A table of malformed archives, each made from a valid
 * one by damaging a few bytes, must each be refused with its own named reason and RUMPK_E*
 * code, allocating nothing; the valid variants the rules allow must mount. Real archives
 * from GNU tar: the build's initrd.tar mounts, and archives in the dialects tarfs refuses
 * (GNU, pax, v7, links, FIFOs, split prefix) are made at test time and refused by name.
 * The truncation sweep mounts every prefix of the build's initrd and of a bigger synthetic
 * archive: cuts into a header or into file data give named errors, prefixes that still hold
 * every entry and both zero blocks mount.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake_hal.h"
#include "kprintf.h"
#include "mem.h"
#include "param.h"
#include "tar_image.h"
#include "tarfs.h"
#include "vfs.h"

static struct rumpk_boot_info bi;

static void setup(void)
{
	char why[128];
	fake_reset();
	fake_boot_info(&bi, "");
	ck_assert_int_eq(mem_init(&bi, why, sizeof(why)), 0);
}

static uint64_t live_objects(void)
{
	struct mem_stats st;
	mem_stats(&st);
	return st.live_objects;
}

/* ---- the valid archive every malformed case starts from ---------------------------------- */

#define MOTD "hello from the test\n"
static size_t H[4]; /* header offsets: etc/, etc/motd, bin/, bin/hello */

static void base_archive(struct timg *t)
{
	static uint8_t hello[700];
	for (size_t i = 0; i < sizeof(hello); i++)
		hello[i] = (uint8_t)(i * 7);
	timg_init(t);
	H[0] = timg_add(t, "etc/", '5', NULL, 0);
	H[1] = timg_add(t, "etc/motd", '0', MOTD, strlen(MOTD));
	H[2] = timg_add(t, "bin/", '5', NULL, 0);
	H[3] = timg_add(t, "bin/hello", '0', hello, sizeof(hello));
	timg_end(t, 10240);
}

/* Mounts t; expects `reason` with code `err` (TAR_OK: a successful mount, then unmounted).
 * A refusal must allocate nothing and name its reason at the start of the message. */
static void expect(const uint8_t *buf, size_t len, enum tar_reason reason, int err,
		   const char *what)
{
	struct tarfs *fs = (struct tarfs *)1;
	struct tar_error e;
	uint64_t live0 = live_objects();
	int got = tar_mount(buf, len, &fs, &e);

	if (reason == TAR_OK) {
		ck_assert_msg(got == 0, "%s: refused: %s", what, e.msg);
		ck_assert_ptr_nonnull(fs);
		tar_unmount(fs);
	} else {
		ck_assert_msg(got == err && e.reason == reason,
			      "%s: got %d (%s) reason %s, want %d reason %s; msg: %s", what, got,
			      rumpk_strerror(got), tar_reason_name(e.reason), err,
			      tar_reason_name(reason), e.msg);
		ck_assert_int_eq(e.err, err);
		ck_assert_ptr_null(fs);
		char prefix[64];
		snprintf(prefix, sizeof(prefix), "%s: ", tar_reason_name(reason));
		ck_assert_msg(strncmp(e.msg, prefix, strlen(prefix)) == 0, "%s: message '%s'", what,
			      e.msg);
	}
	ck_assert_uint_eq(live_objects(), live0);
}

/* ---- the malformed cases ------------------------------------------------------------------- */

static uint8_t *hdr(struct timg *t, int i) { return t->buf + H[i]; }
static void set_name(uint8_t *h, const char *name)
{
	memset(h, 0, 100);
	memcpy(h, name, strnlen(name, 100));
	timg_sum(h);
}
static void set_type(uint8_t *h, char type) { h[156] = (uint8_t)type; timg_sum(h); }

#define MUT(fn) static void m_##fn(struct timg *t)
MUT(bad_checksum) { hdr(t, 1)[0] ^= 1; }
MUT(checksum_not_octal) { hdr(t, 1)[148] = '9'; }
MUT(checksum_leading_space) { uint8_t *h = hdr(t, 1); memmove(h + 149, h + 148, 6); h[148] = ' '; }
MUT(checksum_no_terminator) { uint8_t *h = hdr(t, 1); timg_sum(h); memmove(h + 149, h + 148, 6); h[148] = '0'; h[155] = '0'; }
MUT(gnu_magic) { memcpy(hdr(t, 1) + 257, "ustar  \0", 8); timg_sum(hdr(t, 1)); }
MUT(oldgnu_magic_first) { memcpy(hdr(t, 0) + 257, "ustar  \0", 8); timg_sum(hdr(t, 0)); }
MUT(no_magic) { memset(hdr(t, 1) + 257, 0, 8); timg_sum(hdr(t, 1)); }
MUT(wrong_magic) { memcpy(hdr(t, 1) + 257, "USTAR\0", 6); timg_sum(hdr(t, 1)); }
MUT(bad_version) { memcpy(hdr(t, 1) + 263, "01", 2); timg_sum(hdr(t, 1)); }
MUT(version_spaces) { memcpy(hdr(t, 1) + 263, "  ", 2); timg_sum(hdr(t, 1)); }
MUT(hardlink) { memcpy(hdr(t, 1) + 157, "etc/x", 5); set_type(hdr(t, 1), '1'); }
MUT(symlink) { memcpy(hdr(t, 1) + 157, "/etc/passwd", 11); set_type(hdr(t, 1), '2'); }
MUT(chardev) { set_type(hdr(t, 1), '3'); }
MUT(blockdev) { set_type(hdr(t, 1), '4'); }
MUT(fifo) { set_type(hdr(t, 1), '6'); }
MUT(gnu_longname) { set_type(hdr(t, 1), 'L'); }
MUT(gnu_longlink) { set_type(hdr(t, 1), 'K'); }
MUT(pax_x) { set_type(hdr(t, 1), 'x'); }
MUT(pax_g) { set_type(hdr(t, 1), 'g'); }
MUT(gnu_sparse) { set_type(hdr(t, 1), 'S'); }
MUT(contiguous) { set_type(hdr(t, 1), '7'); }
MUT(gnu_volume) { set_type(hdr(t, 1), 'V'); }
MUT(type_high_byte) { set_type(hdr(t, 1), (char)0x80); }
MUT(dir_with_size) { timg_octal(hdr(t, 0) + 124, 12, 512); timg_sum(hdr(t, 0)); }
MUT(file_linkname) { memcpy(hdr(t, 1) + 157, "x", 1); timg_sum(hdr(t, 1)); }
MUT(linkname_garbage) { hdr(t, 1)[157 + 50] = 'x'; timg_sum(hdr(t, 1)); }
MUT(name_garbage) { hdr(t, 1)[20] = 'x'; timg_sum(hdr(t, 1)); }
MUT(name_garbage_last_byte) { hdr(t, 1)[99] = 'x'; timg_sum(hdr(t, 1)); }
MUT(uname_garbage) { hdr(t, 1)[265 + 10] = 'x'; timg_sum(hdr(t, 1)); }
MUT(empty_name) { set_name(hdr(t, 1), ""); }
MUT(file_named_dot) { set_name(hdr(t, 1), "."); }
MUT(file_named_dot_dot_slash) { set_name(hdr(t, 1), "././."); }
MUT(prefix_used) { memcpy(hdr(t, 1) + 345, "usr", 3); timg_sum(hdr(t, 1)); }
MUT(prefix_garbage) { hdr(t, 1)[345 + 100] = 'x'; timg_sum(hdr(t, 1)); }
MUT(name_control) { set_name(hdr(t, 1), "etc/mo\ttd"); }
MUT(name_newline) { set_name(hdr(t, 1), "etc/motd\n"); }
MUT(name_del) { set_name(hdr(t, 1), "etc/mo\x7ftd"); }
MUT(absolute) { set_name(hdr(t, 1), "/etc/motd"); }
MUT(absolute_dir) { set_name(hdr(t, 0), "/"); }
MUT(dotdot_first) { set_name(hdr(t, 1), "../motd"); }
MUT(dotdot_middle) { set_name(hdr(t, 1), "etc/../motd"); }
MUT(dotdot_last) { set_name(hdr(t, 0), "etc/.."); }
MUT(dotdot_after_dot) { set_name(hdr(t, 1), "./../etc/motd"); }
MUT(file_slash) { set_name(hdr(t, 1), "etc/motd/"); }
MUT(too_deep) { set_name(hdr(t, 1), "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q"); }
MUT(dup_file) { set_name(hdr(t, 3), "etc/motd"); }
MUT(dup_dot_slash) { set_name(hdr(t, 3), "./etc/motd"); }
MUT(dup_double_slash) { set_name(hdr(t, 3), "etc//motd"); }
MUT(dup_dot_inside) { set_name(hdr(t, 3), "etc/./motd"); }
MUT(dup_dir_trailing) { set_name(hdr(t, 2), "./etc"); }
MUT(dup_dir_slashes) { set_name(hdr(t, 2), "etc//"); }
MUT(dup_root) { set_name(hdr(t, 0), "./"); set_name(hdr(t, 2), "."); }
MUT(file_then_under_it) { set_name(hdr(t, 3), "etc/motd/x"); }
MUT(file_over_implied_dir) { set_name(hdr(t, 1), "x/y"); set_name(hdr(t, 3), "x"); }
MUT(file_over_dir_entry) { set_name(hdr(t, 1), "bin"); }
MUT(dir_over_file) { set_name(hdr(t, 2), "etc/motd/"); }
MUT(truncate_header) { t->len = H[1] + 100; }
MUT(truncate_header_zeros) { t->len = H[1] + 100; memset(t->buf + H[1], 0, 100); }
MUT(truncate_data) { t->len = H[3] + 512 + 600; }
MUT(truncate_padding) { t->len = H[3] + 512 + 1000; }
MUT(size_past_end) { timg_octal(hdr(t, 3) + 124, 12, 077777777777ull); timg_sum(hdr(t, 3)); }
MUT(size_just_past_end) { timg_octal(hdr(t, 3) + 124, 12, t->len - H[3] - 512 + 1); timg_sum(hdr(t, 3)); }
MUT(no_end_at_all) { t->len = H[3] + 512 + 1024; }
MUT(one_zero_block) { t->len = H[3] + 512 + 1024 + 512; }
MUT(second_zero_block_cut) { t->len = H[3] + 512 + 1024 + 700; }
MUT(empty_archive) { t->len = 0; }
MUT(lone_zero_block) { /* entries 2 and 3 move one block up; a zero block before them */
	memmove(t->buf + H[2] + 512, t->buf + H[2], 4608 - H[2]);
	memset(t->buf + H[2], 0, 512); }
MUT(trailing_data) { t->buf[t->len - 1] = 1; }
MUT(trailing_right_after_end) { t->buf[H[3] + 512 + 1024 + 1024] = 'x'; }
MUT(mode_not_octal) { hdr(t, 1)[101] = '8'; timg_sum(hdr(t, 1)); }
MUT(uid_empty) { memset(hdr(t, 1) + 108, 0, 8); timg_sum(hdr(t, 1)); }
MUT(gid_space_first) { hdr(t, 1)[116] = ' '; timg_sum(hdr(t, 1)); }
MUT(size_no_terminator) { memcpy(hdr(t, 1) + 124, "000000000024", 12); timg_sum(hdr(t, 1)); }
MUT(size_base256) { uint8_t *f = hdr(t, 1) + 124; memset(f, 0, 12); f[0] = 0x80; f[11] = 20; timg_sum(hdr(t, 1)); }
MUT(mtime_garbage_after) { uint8_t *f = hdr(t, 1) + 136; memcpy(f, "0000\0x\0\0\0\0\0\0", 12); timg_sum(hdr(t, 1)); }
MUT(devmajor_garbage) { hdr(t, 1)[329] = 'z'; timg_sum(hdr(t, 1)); }
MUT(devminor_no_digit) { memcpy(hdr(t, 1) + 337, " \0\0\0\0\0\0\0", 8); timg_sum(hdr(t, 1)); }

/* Valid variants that must mount. */
MUT(signed_checksum) { /* a byte >= 0x80 where any byte may be: signed and unsigned differ */
	uint8_t *h = hdr(t, 1);
	int sum = 0;
	char tmp[16];
	h[265] = 0xe9; /* uname "é" in Latin-1 */
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += (int8_t)h[i];
	snprintf(tmp, sizeof(tmp), "%06o", sum);
	memcpy(h + 148, tmp, 6);
	h[154] = 0; h[155] = ' '; }
MUT(checksum_7_digits_nul) { uint8_t *h = hdr(t, 1); char tmp[16]; timg_sum(h);
	unsigned v = (unsigned)strtoul((char *)h + 148, NULL, 8);
	snprintf(tmp, sizeof(tmp), "%07o", v); memcpy(h + 148, tmp, 7); h[155] = 0; }
MUT(checksum_space_nul) { uint8_t *h = hdr(t, 1); timg_sum(h); h[154] = ' '; h[155] = 0; }
MUT(checksum_short) { uint8_t *h = hdr(t, 1); char tmp[16]; timg_sum(h);
	unsigned v = (unsigned)strtoul((char *)h + 148, NULL, 8);
	snprintf(tmp, sizeof(tmp), "%o", v); memset(h + 148, ' ', 8);
	memcpy(h + 148, tmp, strlen(tmp)); }
MUT(no_padding) { t->len = H[3] + 512 + 1024 + 1024; }
MUT(padding_cut) { t->len = H[3] + 512 + 1024 + 1024 + 300; }
MUT(dot_slash_names) { set_name(hdr(t, 0), "./etc/"); set_name(hdr(t, 1), "./etc/motd"); }
MUT(root_entry) { set_name(hdr(t, 0), "./"); set_name(hdr(t, 1), "etc/motd"); }
MUT(dir_without_slash) { set_name(hdr(t, 0), "etc"); }
MUT(implied_then_explicit) { set_name(hdr(t, 0), "bin/x/"); set_name(hdr(t, 2), "bin"); }
MUT(type_nul_file) { set_type(hdr(t, 1), '\0'); }
MUT(name_100_bytes) { char n[101]; memset(n, 'n', 100); n[100] = 0; memcpy(n, "etc/", 4);
	set_name(hdr(t, 1), n); }
MUT(depth_16) { set_name(hdr(t, 1), "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p"); }
MUT(size_spaces_after) { memcpy(hdr(t, 1) + 124, "24 \0\0     \0 ", 12); timg_sum(hdr(t, 1)); }
MUT(dev_fields_empty) { memset(hdr(t, 1) + 329, 0, 16); timg_sum(hdr(t, 1)); }

struct tcase_def {
	const char *what;
	void (*mut)(struct timg *t);
	enum tar_reason reason;
	int err;
};

#define BAD(fn, r, e) { #fn, m_##fn, r, -RUMPK_##e }
#define OK(fn) { #fn, m_##fn, TAR_OK, 0 }
static const struct tcase_def cases[] = {
	BAD(bad_checksum, TAR_E_CHECKSUM, EINVAL),
	BAD(checksum_not_octal, TAR_E_OCTAL, EINVAL),
	BAD(checksum_leading_space, TAR_E_OCTAL, EINVAL),
	BAD(checksum_no_terminator, TAR_E_OCTAL, EINVAL),
	BAD(gnu_magic, TAR_E_GNU_MAGIC, EINVAL),
	BAD(oldgnu_magic_first, TAR_E_GNU_MAGIC, EINVAL),
	BAD(no_magic, TAR_E_MAGIC, EINVAL),
	BAD(wrong_magic, TAR_E_MAGIC, EINVAL),
	BAD(bad_version, TAR_E_VERSION, EVERSION),
	BAD(version_spaces, TAR_E_VERSION, EVERSION),
	BAD(hardlink, TAR_E_HARDLINK, ENOSYS),
	BAD(symlink, TAR_E_SYMLINK, ENOSYS),
	BAD(chardev, TAR_E_DEVICE, ENOSYS),
	BAD(blockdev, TAR_E_DEVICE, ENOSYS),
	BAD(fifo, TAR_E_FIFO, ENOSYS),
	BAD(gnu_longname, TAR_E_GNU_LONGNAME, ENOSYS),
	BAD(gnu_longlink, TAR_E_GNU_LONGNAME, ENOSYS),
	BAD(pax_x, TAR_E_PAX, ENOSYS),
	BAD(pax_g, TAR_E_PAX, ENOSYS),
	BAD(gnu_sparse, TAR_E_GNU_SPARSE, ENOSYS),
	BAD(contiguous, TAR_E_TYPE, ENOSYS),
	BAD(gnu_volume, TAR_E_TYPE, ENOSYS),
	BAD(type_high_byte, TAR_E_TYPE, ENOSYS),
	BAD(dir_with_size, TAR_E_DIR_SIZE, EINVAL),
	BAD(file_linkname, TAR_E_LINKNAME, EINVAL),
	BAD(linkname_garbage, TAR_E_NAME_GARBAGE, EINVAL),
	BAD(name_garbage, TAR_E_NAME_GARBAGE, EINVAL),
	BAD(name_garbage_last_byte, TAR_E_NAME_GARBAGE, EINVAL),
	BAD(uname_garbage, TAR_E_NAME_GARBAGE, EINVAL),
	BAD(empty_name, TAR_E_EMPTY_NAME, EINVAL),
	BAD(file_named_dot, TAR_E_EMPTY_NAME, EINVAL),
	BAD(file_named_dot_dot_slash, TAR_E_EMPTY_NAME, EINVAL),
	BAD(prefix_used, TAR_E_PREFIX, ENOSYS),
	BAD(prefix_garbage, TAR_E_NAME_GARBAGE, EINVAL),
	BAD(name_control, TAR_E_NAME_CHAR, EINVAL),
	BAD(name_newline, TAR_E_NAME_CHAR, EINVAL),
	BAD(name_del, TAR_E_NAME_CHAR, EINVAL),
	BAD(absolute, TAR_E_ABSOLUTE, EINVAL),
	BAD(absolute_dir, TAR_E_ABSOLUTE, EINVAL),
	BAD(dotdot_first, TAR_E_DOTDOT, EINVAL),
	BAD(dotdot_middle, TAR_E_DOTDOT, EINVAL),
	BAD(dotdot_last, TAR_E_DOTDOT, EINVAL),
	BAD(dotdot_after_dot, TAR_E_DOTDOT, EINVAL),
	BAD(file_slash, TAR_E_FILE_SLASH, EINVAL),
	BAD(too_deep, TAR_E_TOO_DEEP, ERANGE),
	BAD(dup_file, TAR_E_DUPLICATE, EEXIST),
	BAD(dup_dot_slash, TAR_E_DUPLICATE, EEXIST),
	BAD(dup_double_slash, TAR_E_DUPLICATE, EEXIST),
	BAD(dup_dot_inside, TAR_E_DUPLICATE, EEXIST),
	BAD(dup_dir_trailing, TAR_E_DUPLICATE, EEXIST),
	BAD(dup_dir_slashes, TAR_E_DUPLICATE, EEXIST),
	BAD(dup_root, TAR_E_DUPLICATE, EEXIST),
	BAD(file_then_under_it, TAR_E_NOT_DIR, ENOTDIR),
	BAD(file_over_implied_dir, TAR_E_NOT_DIR, ENOTDIR),
	BAD(file_over_dir_entry, TAR_E_DUPLICATE, EEXIST),
	BAD(dir_over_file, TAR_E_DUPLICATE, EEXIST),
	BAD(truncate_header, TAR_E_TRUNCATED_HEADER, EINVAL),
	BAD(truncate_header_zeros, TAR_E_NO_END, EINVAL),
	BAD(truncate_data, TAR_E_TRUNCATED_DATA, EINVAL),
	BAD(truncate_padding, TAR_E_TRUNCATED_DATA, EINVAL),
	BAD(size_past_end, TAR_E_TRUNCATED_DATA, EINVAL),
	BAD(size_just_past_end, TAR_E_TRUNCATED_DATA, EINVAL),
	BAD(no_end_at_all, TAR_E_NO_END, EINVAL),
	BAD(one_zero_block, TAR_E_NO_END, EINVAL),
	BAD(second_zero_block_cut, TAR_E_NO_END, EINVAL),
	BAD(empty_archive, TAR_E_NO_END, EINVAL),
	BAD(lone_zero_block, TAR_E_LONE_ZERO_BLOCK, EINVAL),
	BAD(trailing_data, TAR_E_TRAILING_DATA, EINVAL),
	BAD(trailing_right_after_end, TAR_E_TRAILING_DATA, EINVAL),
	BAD(mode_not_octal, TAR_E_OCTAL, EINVAL),
	BAD(uid_empty, TAR_E_OCTAL, EINVAL),
	BAD(gid_space_first, TAR_E_OCTAL, EINVAL),
	BAD(size_no_terminator, TAR_E_OCTAL, EINVAL),
	BAD(size_base256, TAR_E_OCTAL, EINVAL),
	BAD(mtime_garbage_after, TAR_E_OCTAL, EINVAL),
	BAD(devmajor_garbage, TAR_E_OCTAL, EINVAL),
	BAD(devminor_no_digit, TAR_E_OCTAL, EINVAL),
	OK(signed_checksum),
	OK(checksum_7_digits_nul),
	OK(checksum_space_nul),
	OK(checksum_short),
	OK(no_padding),
	OK(padding_cut),
	OK(dot_slash_names),
	OK(root_entry),
	OK(dir_without_slash),
	OK(implied_then_explicit),
	OK(type_nul_file),
	OK(name_100_bytes),
	OK(depth_16),
	OK(size_spaces_after),
	OK(dev_fields_empty),
};
#define NCASES ((int)(sizeof(cases) / sizeof(cases[0])))

START_TEST(malformed_table)
{
	struct timg t;
	base_archive(&t);
	cases[_i].mut(&t);
	expect(t.buf, t.len, cases[_i].reason, cases[_i].err, cases[_i].what);
	timg_free(&t);
}
END_TEST

/* Every reason except TAR_OK and TAR_E_NOMEM has a case above (TAR_E_TOO_MANY: below). */
START_TEST(every_reason_has_a_case_and_a_name)
{
	int seen[TAR_E_COUNT] = { 0 };
	for (int i = 0; i < NCASES; i++)
		seen[cases[i].reason] = 1;
	seen[TAR_E_TOO_MANY] = seen[TAR_E_NOMEM] = 1; /* too_many_* tests, mount_without_memory */
	for (int r = 0; r < TAR_E_COUNT; r++) {
		ck_assert_msg(seen[r], "reason %s has no test case", tar_reason_name(r));
		for (int q = 0; q < r; q++)
			ck_assert_str_ne(tar_reason_name(q), tar_reason_name(r));
	}
	ck_assert_str_eq(tar_reason_name(TAR_E_COUNT), "unknown");
}
END_TEST

START_TEST(base_archive_mounts)
{
	struct timg t;
	struct tarfs *fs;
	struct tar_error e;
	uint32_t nodes, entries;
	base_archive(&t);
	ck_assert_int_eq(tar_mount(t.buf, t.len, &fs, &e), 0);
	tar_counts(fs, &nodes, &entries);
	ck_assert_uint_eq(entries, 4);
	ck_assert_uint_eq(nodes, 5); /* the root and four entries */
	tar_unmount(fs);
	timg_free(&t);
}
END_TEST

/* readdir's cursor is handle state: every value it was not given by this directory is
 * refused where it is used (out of range, another directory's child, the directory
 * itself, a file's node), and a non-directory is refused too. Good cursors walk on. */
START_TEST(readdir_checks_its_cursor)
{
	struct timg t;
	struct tarfs *fs;
	struct tar_error e;
	struct rumpk_dirent d;
	uint32_t root, etc, motd, bin, hello, nodes, entries;
	base_archive(&t);
	ck_assert_int_eq(tar_mount(t.buf, t.len, &fs, &e), 0);
	tar_counts(fs, &nodes, &entries);
	root = tar_vfs_ops.root(fs);
	ck_assert_int_eq(tar_vfs_ops.lookup(fs, root, "etc", 3, &etc), 0);
	ck_assert_int_eq(tar_vfs_ops.lookup(fs, root, "bin", 3, &bin), 0);
	ck_assert_int_eq(tar_vfs_ops.lookup(fs, etc, "motd", 4, &motd), 0);
	ck_assert_int_eq(tar_vfs_ops.lookup(fs, bin, "hello", 5, &hello), 0);

	const uint64_t bad[] = { nodes, nodes + 1, 0xffffffffull, 0x100000000ull + bin,
				 UINT64_MAX - 1, motd /* etc's child, asked of bin */,
				 bin /* the directory itself */ };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t cur = bad[i];
		ck_assert_msg(tar_vfs_ops.readdir(fs, bin, &cur, &d) == -RUMPK_EINVAL,
			      "cursor %#llx accepted", (unsigned long long)bad[i]);
		ck_assert_uint_eq(cur, bad[i]); /* left alone */
	}
	uint64_t cur = 0;
	ck_assert_int_eq(tar_vfs_ops.readdir(fs, motd, &cur, &d), -RUMPK_ENOTDIR);
	ck_assert_int_eq(tar_vfs_ops.readdir(fs, nodes + 7, &cur, &d), -RUMPK_ENOTDIR);

	/* the good path: root lists etc then bin, each cursor one it handed out */
	ck_assert_int_eq(tar_vfs_ops.readdir(fs, root, &cur, &d), 1);
	ck_assert_str_eq(d.name, "etc");
	ck_assert_uint_eq(cur, bin);
	ck_assert_int_eq(tar_vfs_ops.readdir(fs, root, &cur, &d), 1);
	ck_assert_str_eq(d.name, "bin");
	ck_assert_int_eq(tar_vfs_ops.readdir(fs, root, &cur, &d), 0);
	ck_assert_int_eq(tar_vfs_ops.readdir(fs, root, &cur, &d), 0); /* stays at the end */
	cur = 0;
	ck_assert_int_eq(tar_vfs_ops.readdir(fs, bin, &cur, &d), 1);
	ck_assert_str_eq(d.name, "hello");
	(void)hello;
	tar_unmount(fs);
	timg_free(&t);
}
END_TEST

/* A message names the entry, its byte offset and what is wrong. */
START_TEST(message_names_entry_and_offset)
{
	struct timg t;
	struct tarfs *fs;
	struct tar_error e;
	base_archive(&t);
	m_symlink(&t);
	ck_assert_int_eq(tar_mount(t.buf, t.len, &fs, &e), -RUMPK_ENOSYS);
	ck_assert_str_eq(e.msg, "symlink: entry 1 'etc/motd' at byte 512: symbolic links are "
				"not supported");
	ck_assert_uint_eq(e.offset, 512);
	ck_assert_uint_eq(e.entry, 1);
	timg_free(&t);
	base_archive(&t);
	m_bad_checksum(&t);
	tar_mount(t.buf, t.len, &fs, &e);
	ck_assert_msg(strstr(e.msg, "checksum: entry 1 'dtc/motd' at byte 512: stored ") == e.msg,
		      "%s", e.msg);
	timg_free(&t);
	base_archive(&t);
	m_name_control(&t);
	tar_mount(t.buf, t.len, &fs, &e);
	ck_assert_str_eq(e.msg, "name-char: entry 1 'etc/mo?td' at byte 512: control byte 0x9 at "
				"position 6");
	timg_free(&t);
	ck_assert_int_eq(tar_mount(NULL, 0, &fs, NULL), -RUMPK_EINVAL); /* no error record */
}
END_TEST

/* Directories only a path implies exist; a later entry for one completes it. */
START_TEST(implied_directories)
{
	struct timg t;
	struct tarfs *fs;
	struct tar_error e;
	uint32_t nodes, entries;
	timg_init(&t);
	timg_add(&t, "a/b/c/file", '0', "x", 1);
	timg_add(&t, "a/b/other", '0', "yy", 2);
	timg_add(&t, "a/", '5', NULL, 0);
	timg_end(&t, 0);
	ck_assert_int_eq(tar_mount(t.buf, t.len, &fs, &e), 0);
	tar_counts(fs, &nodes, &entries);
	ck_assert_uint_eq(entries, 3);
	ck_assert_uint_eq(nodes, 6); /* root a b c file other */
	tar_unmount(fs);
	timg_free(&t);
}
END_TEST

START_TEST(empty_archive_is_an_empty_root)
{
	struct timg t;
	struct tarfs *fs;
	uint32_t nodes, entries;
	timg_init(&t);
	timg_end(&t, 10240);
	ck_assert_int_eq(tar_mount(t.buf, t.len, &fs, NULL), 0);
	tar_counts(fs, &nodes, &entries);
	ck_assert_uint_eq(nodes, 1);
	ck_assert_uint_eq(entries, 0);
	tar_unmount(fs);
	timg_free(&t);
}
END_TEST

START_TEST(too_many_entries)
{
	struct timg t;
	char name[32];
	timg_init(&t);
	for (int i = 0; i < TARFS_MAX_ENTRIES; i++) {
		snprintf(name, sizeof(name), "f%03d", i);
		timg_add(&t, name, '0', NULL, 0);
	}
	struct timg u = t;
	u.buf = malloc(t.cap);
	memcpy(u.buf, t.buf, t.cap);
	timg_end(&t, 0);
	expect(t.buf, t.len, TAR_OK, 0, "exactly the limit");
	timg_add(&u, "one-more", '0', NULL, 0);
	timg_end(&u, 0);
	expect(u.buf, u.len, TAR_E_TOO_MANY, -RUMPK_ERANGE, "one entry too many");
	timg_free(&t);
	timg_free(&u);
}
END_TEST

/* Few entries, but their implied directories need more than TARFS_MAX_NODES nodes. */
START_TEST(too_many_nodes)
{
	struct timg t;
	char name[64];
	timg_init(&t);
	for (int i = 0; i < 64; i++) {
		snprintf(name, sizeof(name), "d%02d/a/b/c/d/e/f/g/file", i);
		timg_add(&t, name, '0', NULL, 0);
	}
	timg_end(&t, 0);
	ck_assert_int_gt(64 * 9 + 1, TARFS_MAX_NODES);
	expect(t.buf, t.len, TAR_E_TOO_MANY, -RUMPK_ERANGE, "implied directories");
	timg_free(&t);
}
END_TEST

/* The index is the one allocation: with no memory the mount fails cleanly. */
START_TEST(mount_without_memory)
{
	struct timg t;
	struct tarfs *fs;
	struct tar_error e;
	void *p;
	int n = 0;
	base_archive(&t);
	while ((p = page_alloc(0)) != NULL)
		n++; /* leaked on purpose: the test process ends */
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(tar_mount(t.buf, t.len, &fs, &e), -RUMPK_ENOMEM);
	ck_assert_int_eq(e.reason, TAR_E_NOMEM);
	ck_assert_ptr_null(fs);
	timg_free(&t);
}
END_TEST

/* ---- real archives ----------------------------------------------------------------------- */

START_TEST(build_initrd_mounts)
{
	size_t len, motd_len;
	uint8_t *buf = fake_read_file(RUMPK_TEST_INITRD, &len);
	uint8_t *motd = fake_read_file(RUMPK_TEST_ROOTFS "/etc/motd", &motd_len);
	struct tarfs *fs;
	struct tar_error e;
	struct rumpk_stat st;
	char got[4096];

	ck_assert_uint_eq(len % 10240, 0); /* GNU tar's record padding */
	ck_assert_msg(tar_mount(buf, len, &fs, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(vfs_mount("/", &tar_vfs_ops, fs), 0);
	ck_assert_int_eq(vfs_stat("/etc", &st), 0);
	ck_assert_uint_eq(st.type, RUMPK_FT_DIR);
	ck_assert_uint_eq(st.mode, 0755);
	ck_assert_uint_eq(st.mtime, 0);
	int h = vfs_open("/etc/motd", 0);
	ck_assert_int_ge(h, 0);
	ck_assert_int_eq(vfs_fstat(h, &st), 0);
	ck_assert_uint_eq(st.mode, 0644);
	ck_assert_uint_eq(st.size, motd_len);
	ck_assert_int_eq(vfs_read(h, got, sizeof(got)), (int64_t)motd_len);
	ck_assert_mem_eq(got, motd, motd_len);
	ck_assert_int_eq(vfs_close(h), 0);
	ck_assert_int_eq(vfs_unmount("/"), 0);
	free(buf);
	free(motd);
}
END_TEST

/* Makes an archive with GNU tar at test time: `setup_sh` runs in a fresh directory with a
 * subdirectory d/ to fill, then `tar OPTIONS -C d ITEMS`. Returns the bytes. */
static uint8_t *gnu_tar(const char *setup_sh, const char *options, const char *items, size_t *len)
{
	char dir[] = "/tmp/rumpk-tarfs-XXXXXX", cmd[2048], path[256];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "cd %s && mkdir d && (cd d && %s) && LC_ALL=C tar %s "
		 "--sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C d -cf a.tar %s",
		 dir, setup_sh, options, items);
	ck_assert_msg(system(cmd) == 0, "failed: %s", cmd);
	snprintf(path, sizeof(path), "%s/a.tar", dir);
	uint8_t *buf = fake_read_file(path, len);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
	return buf;
}

static const struct {
	const char *what, *setup, *options, *items;
	enum tar_reason reason;
	int err;
} real[] = {
	{ "ustar", "mkdir etc && echo hi >etc/motd", "--format=ustar", "etc", TAR_OK, 0 },
	{ "ustar -C d .", "mkdir etc && echo hi >etc/motd", "--format=ustar", ".", TAR_OK, 0 },
	{ "ustar files only", "mkdir -p a/b && echo hi >a/b/c", "--format=ustar --no-recursion",
	  "a/b/c", TAR_OK, 0 },
	{ "GNU default format", "echo hi >f", "", "f", TAR_E_GNU_MAGIC, -RUMPK_EINVAL },
	{ "GNU long name", "touch $(printf 'n%.0s' $(seq 120))", "--format=gnu", ".",
	  TAR_E_GNU_MAGIC, -RUMPK_EINVAL },
	{ "oldgnu", "echo hi >f", "--format=oldgnu", "f", TAR_E_GNU_MAGIC, -RUMPK_EINVAL },
	{ "pax long name", "touch $(printf 'n%.0s' $(seq 120))", "--format=pax", ".", TAR_E_PAX,
	  -RUMPK_ENOSYS },
	{ "v7", "echo hi >f", "--format=v7", "f", TAR_E_MAGIC, -RUMPK_EINVAL },
	{ "ustar prefix split", "mkdir -p $(printf 'd%.0s' $(seq 60)) && touch "
	  "$(printf 'd%.0s' $(seq 60))/$(printf 'f%.0s' $(seq 60))", "--format=ustar", ".",
	  TAR_E_PREFIX, -RUMPK_ENOSYS },
	{ "symlink", "ln -s /etc/passwd l", "--format=ustar", "l", TAR_E_SYMLINK, -RUMPK_ENOSYS },
	{ "hard link", "echo hi >a && ln a b", "--format=ustar", "a b", TAR_E_HARDLINK,
	  -RUMPK_ENOSYS },
	{ "fifo", "mkfifo p", "--format=ustar", "p", TAR_E_FIFO, -RUMPK_ENOSYS },
};

START_TEST(real_gnu_tar_archives)
{
	size_t len;
	uint8_t *buf = gnu_tar(real[_i].setup, real[_i].options, real[_i].items, &len);
	expect(buf, len, real[_i].reason, real[_i].err, real[_i].what);
	free(buf);
}
END_TEST

/* ---- truncation sweep -------------------------------------------------------------------- */

/*
 * Mounts every prefix [0, L) of an archive. Where L falls decides the answer: exactly at a
 * header boundary or inside the end marker -> no-end-marker; inside a header ->
 * truncated-header; inside an entry's data blocks -> truncated-data; once both zero blocks
 * are in, the archive mounts (GNU's padding after them is optional).
 */
static void sweep(const uint8_t *buf, size_t len, const char *what)
{
	size_t hdrs[TARFS_MAX_ENTRIES + 1], ends[TARFS_MAX_ENTRIES + 1], n = 0, off = 0;
	unsigned counts[TAR_E_COUNT] = { 0 };

	while (off + 512 <= len && buf[off]) { /* the layout, read independently of tarfs */
		uint64_t size = strtoull((const char *)buf + off + 124, NULL, 8);
		hdrs[n] = off;
		off += 512 + (size + 511) / 512 * 512;
		ends[n++] = off;
	}
	size_t eoa = off + 1024;
	ck_assert_uint_le(eoa, len);
	for (size_t L = 0; L <= len; L++) {
		enum tar_reason want = TAR_E_NO_END;
		if (L >= eoa)
			want = TAR_OK;
		for (size_t i = 0; i < n; i++) {
			if (L > hdrs[i] && L < hdrs[i] + 512)
				want = TAR_E_TRUNCATED_HEADER;
			else if (L >= hdrs[i] + 512 && L < ends[i])
				want = TAR_E_TRUNCATED_DATA;
		}
		char label[96];
		snprintf(label, sizeof(label), "%s cut to %zu bytes", what, L);
		expect(buf, L, want, want == TAR_OK ? 0 : -RUMPK_EINVAL, label);
		counts[want]++;
	}
	ck_assert_uint_eq(counts[TAR_OK], len - eoa + 1);
	ck_assert_uint_gt(counts[TAR_E_TRUNCATED_HEADER], 0);
	ck_assert_uint_gt(counts[TAR_E_NO_END], 0);
}

START_TEST(truncation_sweep_build_initrd)
{
	size_t len;
	uint8_t *buf = fake_read_file(RUMPK_TEST_INITRD, &len);
	sweep(buf, len, "initrd.tar");
	free(buf);
}
END_TEST

START_TEST(truncation_sweep_synthetic)
{
	struct timg t;
	timg_init(&t);
	timg_add(&t, "a/", '5', NULL, 0);
	timg_add(&t, "a/one", '0', "1", 1);
	timg_add(&t, "a/empty", '0', NULL, 0);
	timg_add(&t, "a/big", '0', NULL, 3000);
	timg_add(&t, "b", '0', "exactly", 7);
	timg_end(&t, 10240);
	sweep(t.buf, t.len, "synthetic");
	timg_free(&t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tarfs");
	TCase *tc = tcase_create("tarfs");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, malformed_table, 0, NCASES);
	tcase_add_test(tc, every_reason_has_a_case_and_a_name);
	tcase_add_test(tc, base_archive_mounts);
	tcase_add_test(tc, message_names_entry_and_offset);
	tcase_add_test(tc, implied_directories);
	tcase_add_test(tc, empty_archive_is_an_empty_root);
	tcase_add_test(tc, too_many_entries);
	tcase_add_test(tc, too_many_nodes);
	tcase_add_test(tc, mount_without_memory);
	tcase_add_test(tc, readdir_checks_its_cursor);
	tcase_add_test(tc, build_initrd_mounts);
	tcase_add_loop_test(tc, real_gnu_tar_archives, 0, (int)(sizeof(real) / sizeof(real[0])));
	tcase_add_test(tc, truncation_sweep_build_initrd);
	tcase_add_test(tc, truncation_sweep_synthetic);
	suite_add_tcase(s, tc);
	return unit_main(s);
}
