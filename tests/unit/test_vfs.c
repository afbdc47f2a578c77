/*
 * test_vfs.c — the VFS over tarfs: open/read/seek/readdir/close/stat, per-handle offsets,
 * path resolution (".", "..", repeated and trailing slashes), every error each call can
 * give, the mount table (a second archive mounted on a directory, "..", unmount rules), the
 * "vfs" boot stage (no initrd, a refused initrd, a missing or empty /etc/motd) and the
 * build's initrd compared file by file with src/user/rootfs.
 */
#define _GNU_SOURCE
#include <check.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "fake_hal.h"
#include "mem.h"
#include "param.h"
#include "tar_image.h"
#include "tarfs.h"
#include "vfs.h"

static struct rumpk_boot_info bi;
static struct timg img;
static uint8_t hello[1000];
#define MOTD "line one\nline two\n"

static void setup(void)
{
	char why[128];
	fake_reset();
	fake_boot_info(&bi, "");
	ck_assert_int_eq(mem_init(&bi, why, sizeof(why)), 0);
	for (size_t i = 0; i < sizeof(hello); i++)
		hello[i] = (uint8_t)(i * 13 + 1);
}

/* The archive most tests mount at "/": files, directories, an empty file, implied dirs. */
static void mount_root(void)
{
	struct tarfs *fs;
	struct tar_error e;
	timg_init(&img);
	timg_add(&img, "bin/", '5', NULL, 0);
	timg_add(&img, "bin/hello", '0', hello, sizeof(hello));
	timg_add(&img, "empty", '0', NULL, 0);
	timg_add(&img, "etc/", '5', NULL, 0);
	timg_add(&img, "etc/motd", '0', MOTD, strlen(MOTD));
	timg_add(&img, "a/b/c/deep", '0', "deep", 4);
	timg_end(&img, 10240);
	ck_assert_msg(tar_mount(img.buf, img.len, &fs, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(vfs_mount("/", &tar_vfs_ops, fs), 0);
}

static void setup_mounted(void)
{
	setup();
	mount_root();
}

static uint64_t live_objects(void)
{
	struct mem_stats st;
	mem_stats(&st);
	return st.live_objects;
}

/* ---- files ------------------------------------------------------------------------------ */

START_TEST(open_read_close)
{
	char buf[64];
	int h = vfs_open("/etc/motd", 0);
	ck_assert_int_ge(h, 0);
	ck_assert_int_eq(vfs_read(h, buf, sizeof(buf)), (int64_t)strlen(MOTD));
	ck_assert_mem_eq(buf, MOTD, strlen(MOTD));
	ck_assert_int_eq(vfs_read(h, buf, sizeof(buf)), 0); /* at the end */
	ck_assert_int_eq(vfs_read(h, buf, 0), 0);
	ck_assert_int_eq(vfs_read(h, NULL, 0), 0);
	ck_assert_int_eq(vfs_close(h), 0);
	ck_assert_int_eq(vfs_handles_open(), 0);
}
END_TEST

START_TEST(read_in_pieces)
{
	uint8_t got[sizeof(hello)];
	size_t total = 0;
	int64_t n;
	int h = vfs_open("/bin/hello", 0);
	while ((n = vfs_read(h, got + total, 7)) > 0)
		total += (size_t)n;
	ck_assert_int_eq(n, 0);
	ck_assert_uint_eq(total, sizeof(hello));
	ck_assert_mem_eq(got, hello, sizeof(hello));
	vfs_close(h);
}
END_TEST

START_TEST(empty_file)
{
	char c;
	struct rumpk_stat st;
	int h = vfs_open("/empty", 0);
	ck_assert_int_ge(h, 0);
	ck_assert_int_eq(vfs_read(h, &c, 1), 0);
	ck_assert_int_eq(vfs_seek(h, 0, RUMPK_SEEK_END), 0);
	ck_assert_int_eq(vfs_fstat(h, &st), 0);
	ck_assert_uint_eq(st.size, 0);
	ck_assert_uint_eq(st.type, RUMPK_FT_FILE);
	vfs_close(h);
}
END_TEST

/* Each handle has its own offset, also on one file. */
START_TEST(per_handle_offsets)
{
	uint8_t a[10], b[10];
	int h1 = vfs_open("/bin/hello", 0), h2 = vfs_open("/bin/hello", 0);
	ck_assert_int_ge(h1, 0);
	ck_assert_int_ge(h2, 0);
	ck_assert_int_ne(h1, h2);
	ck_assert_int_eq(vfs_read(h1, a, 10), 10);
	ck_assert_int_eq(vfs_read(h1, a, 10), 10); /* h1 at 20 */
	ck_assert_int_eq(vfs_read(h2, b, 10), 10); /* h2 at 10 */
	ck_assert_mem_eq(a, hello + 10, 10);
	ck_assert_mem_eq(b, hello, 10);
	ck_assert_int_eq(vfs_seek(h1, 0, RUMPK_SEEK_CUR), 20);
	ck_assert_int_eq(vfs_seek(h2, 0, RUMPK_SEEK_CUR), 10);
	vfs_close(h1);
	ck_assert_int_eq(vfs_read(h2, b, 10), 10); /* closing one leaves the other alone */
	ck_assert_mem_eq(b, hello + 10, 10);
	vfs_close(h2);
}
END_TEST

START_TEST(seek)
{
	uint8_t c;
	int64_t size = sizeof(hello);
	int h = vfs_open("/bin/hello", 0);
	ck_assert_int_eq(vfs_seek(h, 100, RUMPK_SEEK_SET), 100);
	ck_assert_int_eq(vfs_read(h, &c, 1), 1);
	ck_assert_uint_eq(c, hello[100]);
	ck_assert_int_eq(vfs_seek(h, -11, RUMPK_SEEK_CUR), 90);
	ck_assert_int_eq(vfs_read(h, &c, 1), 1);
	ck_assert_uint_eq(c, hello[90]);
	ck_assert_int_eq(vfs_seek(h, -1, RUMPK_SEEK_END), size - 1);
	ck_assert_int_eq(vfs_read(h, &c, 1), 1);
	ck_assert_uint_eq(c, hello[size - 1]);
	ck_assert_int_eq(vfs_seek(h, 0, RUMPK_SEEK_END), size); /* the end itself is fine */
	ck_assert_int_eq(vfs_read(h, &c, 1), 0);
	ck_assert_int_eq(vfs_seek(h, -size, RUMPK_SEEK_END), 0);
	ck_assert_int_eq(vfs_seek(h, size, RUMPK_SEEK_SET), size);
	/* out of bounds: refused, offset unchanged */
	ck_assert_int_eq(vfs_seek(h, 5, RUMPK_SEEK_SET), 5);
	ck_assert_int_eq(vfs_seek(h, -1, RUMPK_SEEK_SET), -RUMPK_ERANGE);
	ck_assert_int_eq(vfs_seek(h, size + 1, RUMPK_SEEK_SET), -RUMPK_ERANGE);
	ck_assert_int_eq(vfs_seek(h, -6, RUMPK_SEEK_CUR), -RUMPK_ERANGE);
	ck_assert_int_eq(vfs_seek(h, size - 4, RUMPK_SEEK_CUR), -RUMPK_ERANGE);
	ck_assert_int_eq(vfs_seek(h, 1, RUMPK_SEEK_END), -RUMPK_ERANGE);
	ck_assert_int_eq(vfs_seek(h, -size - 1, RUMPK_SEEK_END), -RUMPK_ERANGE);
	ck_assert_int_eq(vfs_seek(h, INT64_MAX, RUMPK_SEEK_CUR), -RUMPK_ERANGE);
	ck_assert_int_eq(vfs_seek(h, INT64_MIN, RUMPK_SEEK_END), -RUMPK_ERANGE);
	ck_assert_int_eq(vfs_seek(h, 0, 3), -RUMPK_EINVAL);
	ck_assert_int_eq(vfs_seek(h, 0, -1), -RUMPK_EINVAL);
	ck_assert_int_eq(vfs_seek(h, 0, RUMPK_SEEK_CUR), 5);
	vfs_close(h);
}
END_TEST

/* ---- directories ------------------------------------------------------------------------ */

START_TEST(readdir_root_in_archive_order)
{
	static const struct { const char *name; uint32_t type; uint64_t size; } want[] = {
		{ "bin", RUMPK_FT_DIR, 0 }, { "empty", RUMPK_FT_FILE, 0 },
		{ "etc", RUMPK_FT_DIR, 0 }, { "a", RUMPK_FT_DIR, 0 },
	};
	struct rumpk_dirent d;
	int h = vfs_open("/", RUMPK_O_DIRECTORY);
	ck_assert_int_ge(h, 0);
	for (size_t i = 0; i < 4; i++) {
		memset(&d, 0xff, sizeof(d));
		ck_assert_int_eq(vfs_readdir(h, &d), 1);
		ck_assert_str_eq(d.name, want[i].name);
		ck_assert_uint_eq(d.namelen, strlen(want[i].name));
		ck_assert_uint_eq(d.type, want[i].type);
		ck_assert_uint_eq(d.size, want[i].size);
		for (size_t j = d.namelen; j < sizeof(d.name); j++)
			ck_assert_int_eq(d.name[j], 0); /* zero-padded: safe to copy out whole */
	}
	ck_assert_int_eq(vfs_readdir(h, &d), 0);
	ck_assert_int_eq(vfs_readdir(h, &d), 0); /* and it stays at the end */
	vfs_close(h);
}
END_TEST

START_TEST(readdir_subdirectories)
{
	struct rumpk_dirent d;
	int h = vfs_open("/bin", RUMPK_O_DIRECTORY);
	ck_assert_int_eq(vfs_readdir(h, &d), 1);
	ck_assert_str_eq(d.name, "hello");
	ck_assert_uint_eq(d.size, sizeof(hello));
	ck_assert_int_eq(vfs_readdir(h, &d), 0);
	vfs_close(h);
	h = vfs_open("/a/b", RUMPK_O_DIRECTORY); /* implied directories list too */
	ck_assert_int_eq(vfs_readdir(h, &d), 1);
	ck_assert_str_eq(d.name, "c");
	ck_assert_uint_eq(d.type, RUMPK_FT_DIR);
	ck_assert_int_eq(vfs_readdir(h, &d), 0);
	vfs_close(h);
	/* two directory handles walk independently */
	int h1 = vfs_open("/", RUMPK_O_DIRECTORY), h2 = vfs_open("/", RUMPK_O_DIRECTORY);
	vfs_readdir(h1, &d);
	vfs_readdir(h1, &d);
	ck_assert_int_eq(vfs_readdir(h2, &d), 1);
	ck_assert_str_eq(d.name, "bin");
	ck_assert_int_eq(vfs_readdir(h1, &d), 1);
	ck_assert_str_eq(d.name, "etc");
	vfs_close(h1);
	vfs_close(h2);
}
END_TEST

START_TEST(handle_kinds_are_checked)
{
	char c;
	struct rumpk_dirent d;
	int dir = vfs_open("/etc", RUMPK_O_DIRECTORY), file = vfs_open("/etc/motd", 0);
	ck_assert_int_eq(vfs_read(dir, &c, 1), -RUMPK_EISDIR);
	ck_assert_int_eq(vfs_seek(dir, 0, RUMPK_SEEK_SET), -RUMPK_EISDIR);
	ck_assert_int_eq(vfs_readdir(file, &d), -RUMPK_ENOTDIR);
	ck_assert_int_eq(vfs_readdir(dir, NULL), -RUMPK_EINVAL);
	ck_assert_int_eq(vfs_read(file, NULL, 1), -RUMPK_EINVAL);
	ck_assert_int_eq(vfs_open("/etc", 0), -RUMPK_EISDIR);
	ck_assert_int_eq(vfs_open("/", 0), -RUMPK_EISDIR);
	ck_assert_int_eq(vfs_open("/etc/motd", RUMPK_O_DIRECTORY), -RUMPK_ENOTDIR);
	ck_assert_int_eq(vfs_open("/etc/motd", 0x2), -RUMPK_EINVAL);
	ck_assert_int_eq(vfs_open("/etc/motd", 0x80000000u), -RUMPK_EINVAL);
	vfs_close(dir);
	vfs_close(file);
	ck_assert_int_eq(vfs_handles_open(), 0);
}
END_TEST

/* ---- path resolution -------------------------------------------------------------------- */

static const struct {
	const char *path;
	int want; /* 0: /etc/motd, 1: a directory, else the error */
} paths[] = {
	{ "/etc/motd", 0 },
	{ "//etc///motd", 0 },
	{ "/./etc/./motd", 0 },
	{ "/etc/../etc/motd", 0 },
	{ "/../../etc/motd", 0 },          /* ".." of "/" is "/" */
	{ "/a/b/c/../../../etc/motd", 0 },
	{ "/", 1 },
	{ "//", 1 },
	{ "/.", 1 },
	{ "/..", 1 },
	{ "/etc/", 1 },
	{ "/etc/.", 1 },
	{ "/a/b/c/", 1 },
	{ "/etc/motd/", -RUMPK_ENOTDIR },  /* a trailing slash asks for a directory */
	{ "/etc/motd/.", -RUMPK_ENOTDIR },
	{ "/etc/motd/..", -RUMPK_ENOTDIR },
	{ "/etc/motd/x", -RUMPK_ENOTDIR },
	{ "/empty/x", -RUMPK_ENOTDIR },
	{ "/nope", -RUMPK_ENOENT },
	{ "/etc/nope", -RUMPK_ENOENT },
	{ "/nope/motd", -RUMPK_ENOENT },
	{ "/ETC/motd", -RUMPK_ENOENT },     /* names are bytes: no case folding */
	{ "/etc/mot", -RUMPK_ENOENT },
	{ "/etc/motdx", -RUMPK_ENOENT },
	{ "", -RUMPK_ENOENT },
	{ "etc/motd", -RUMPK_EINVAL },     /* no current directory in the kernel */
	{ "./etc/motd", -RUMPK_EINVAL },
};

START_TEST(resolution)
{
	struct rumpk_stat st;
	const char *p = paths[_i].path;
	int want = paths[_i].want;
	int got = vfs_stat(p, &st);
	if (want == 0) {
		ck_assert_msg(got == 0 && st.type == RUMPK_FT_FILE && st.size == strlen(MOTD),
			      "%s: %d", p, got);
		int h = vfs_open(p, 0);
		char buf[64];
		ck_assert_int_eq(vfs_read(h, buf, sizeof(buf)), (int64_t)strlen(MOTD));
		vfs_close(h);
	} else if (want == 1) {
		ck_assert_msg(got == 0 && st.type == RUMPK_FT_DIR, "%s: %d", p, got);
		int h = vfs_open(p, RUMPK_O_DIRECTORY);
		ck_assert_int_ge(h, 0);
		vfs_close(h);
	} else {
		ck_assert_msg(got == want, "%s: got %d want %d", p, got, want);
		ck_assert_int_eq(vfs_open(p, 0), want);
		ck_assert_int_eq(vfs_open(p, RUMPK_O_DIRECTORY), want);
	}
}
END_TEST

START_TEST(path_limits)
{
	char path[VFS_PATH_MAX + 2];
	struct rumpk_stat st;
	/* exactly VFS_PATH_MAX bytes: "/", "./" 123 times, "/", "etc/motd" */
	size_t n = 0;
	path[n++] = '/';
	for (int k = 0; k < (VFS_PATH_MAX - 10) / 2; k++) {
		path[n++] = '.';
		path[n++] = '/';
	}
	path[n++] = '/';
	memcpy(path + n, "etc/motd", 9);
	ck_assert_uint_eq(strlen(path), VFS_PATH_MAX);
	ck_assert_int_eq(vfs_stat(path, &st), 0);
	memmove(path + 1, path, VFS_PATH_MAX + 1); /* one more slash */
	ck_assert_int_eq(vfs_stat(path, &st), -RUMPK_ERANGE);
	ck_assert_int_eq(vfs_open(path, 0), -RUMPK_ERANGE);
	/* a component longer than any name can be */
	memset(path, 'x', sizeof(path));
	path[0] = '/';
	path[RUMPK_NAME_MAX + 2] = '\0';
	ck_assert_int_eq(vfs_stat(path, &st), -RUMPK_ERANGE);
	path[RUMPK_NAME_MAX + 1] = '\0';
	ck_assert_int_eq(vfs_stat(path, &st), -RUMPK_ENOENT);
	ck_assert_int_eq(vfs_stat(NULL, &st), -RUMPK_EINVAL);
	ck_assert_int_eq(vfs_stat("/etc", NULL), -RUMPK_EINVAL);
	ck_assert_int_eq(vfs_open(NULL, 0), -RUMPK_EINVAL);
}
END_TEST

START_TEST(stat_reports)
{
	struct rumpk_stat st;
	memset(&st, 0xff, sizeof(st));
	ck_assert_int_eq(vfs_stat("/bin/hello", &st), 0);
	ck_assert_uint_eq(st.type, RUMPK_FT_FILE);
	ck_assert_uint_eq(st.mode, 0644);
	ck_assert_uint_eq(st.size, sizeof(hello));
	ck_assert_uint_eq(st.mtime, 0);
	ck_assert_uint_eq(st.reserved0, 0);
	ck_assert_int_eq(vfs_stat("/bin", &st), 0);
	ck_assert_uint_eq(st.type, RUMPK_FT_DIR);
	ck_assert_uint_eq(st.mode, 0755);
	ck_assert_uint_eq(st.size, 0);
	ck_assert_int_eq(vfs_stat("/a", &st), 0); /* implied: 0755 */
	ck_assert_uint_eq(st.mode, 0755);
	int h = vfs_open("/bin/hello", 0);
	ck_assert_int_eq(vfs_fstat(h, &st), 0);
	ck_assert_uint_eq(st.size, sizeof(hello));
	ck_assert_int_eq(vfs_fstat(h, NULL), -RUMPK_EINVAL);
	vfs_close(h);
}
END_TEST

/* ---- handles ---------------------------------------------------------------------------- */

START_TEST(bad_handles)
{
	char c;
	struct rumpk_stat st;
	struct rumpk_dirent d;
	static const int bad[] = { -1, -RUMPK_EMFILE, VFS_MAX_HANDLES, VFS_MAX_HANDLES + 1, 3,
				   INT32_MAX, INT32_MIN };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(vfs_read(bad[i], &c, 1), -RUMPK_EBADF);
		ck_assert_int_eq(vfs_seek(bad[i], 0, RUMPK_SEEK_SET), -RUMPK_EBADF);
		ck_assert_int_eq(vfs_readdir(bad[i], &d), -RUMPK_EBADF);
		ck_assert_int_eq(vfs_fstat(bad[i], &st), -RUMPK_EBADF);
		ck_assert_int_eq(vfs_close(bad[i]), -RUMPK_EBADF);
	}
	int h = vfs_open("/etc/motd", 0);
	ck_assert_int_eq(vfs_close(h), 0);
	ck_assert_int_eq(vfs_close(h), -RUMPK_EBADF); /* closed twice */
	ck_assert_int_eq(vfs_read(h, &c, 1), -RUMPK_EBADF);
	ck_assert_int_eq(vfs_seek(h, 0, RUMPK_SEEK_SET), -RUMPK_EBADF);
	ck_assert_int_eq(vfs_fstat(h, &st), -RUMPK_EBADF);
}
END_TEST

START_TEST(handle_table_is_bounded)
{
	int h[VFS_MAX_HANDLES];
	char c;
	for (int i = 0; i < VFS_MAX_HANDLES; i++) {
		h[i] = vfs_open(i % 2 ? "/etc/motd" : "/etc", i % 2 ? 0 : RUMPK_O_DIRECTORY);
		ck_assert_int_eq(h[i], i);
	}
	ck_assert_int_eq(vfs_handles_open(), VFS_MAX_HANDLES);
	ck_assert_int_eq(vfs_open("/etc/motd", 0), -RUMPK_EMFILE);
	ck_assert_int_eq(vfs_open("/", RUMPK_O_DIRECTORY), -RUMPK_EMFILE);
	ck_assert_int_eq(vfs_open("/nope", 0), -RUMPK_ENOENT); /* resolution comes first */
	ck_assert_int_eq(vfs_close(h[7]), 0);
	int again = vfs_open("/bin/hello", 0); /* the freed slot, with a fresh offset */
	ck_assert_int_eq(again, 7);
	ck_assert_int_eq(vfs_read(again, &c, 1), 1);
	ck_assert_uint_eq((uint8_t)c, hello[0]);
	for (int i = 0; i < VFS_MAX_HANDLES; i++)
		ck_assert_int_eq(vfs_close(h[i]), 0);
	ck_assert_int_eq(vfs_handles_open(), 0);
}
END_TEST

/* ---- the mount table -------------------------------------------------------------------- */

START_TEST(nothing_mounted)
{
	struct rumpk_stat st;
	struct timg t;
	struct tarfs *fs;
	ck_assert_int_eq(vfs_open("/etc/motd", 0), -RUMPK_ENOENT);
	ck_assert_int_eq(vfs_stat("/", &st), -RUMPK_ENOENT);
	ck_assert_int_eq(vfs_unmount("/"), -RUMPK_ENOENT);
	timg_init(&t);
	timg_end(&t, 0);
	ck_assert_int_eq(tar_mount(t.buf, t.len, &fs, NULL), 0);
	ck_assert_int_eq(vfs_mount("/mnt", &tar_vfs_ops, fs), -RUMPK_EINVAL); /* "/" first */
	ck_assert_int_eq(vfs_mount(NULL, &tar_vfs_ops, fs), -RUMPK_EINVAL);
	ck_assert_int_eq(vfs_mount("/", NULL, fs), -RUMPK_EINVAL);
	ck_assert_int_eq(vfs_mount("/", &tar_vfs_ops, NULL), -RUMPK_EINVAL);
	ck_assert_int_eq(vfs_mount("/", &tar_vfs_ops, fs), 0);
	ck_assert_int_eq(vfs_stat("/", &st), 0); /* an empty archive: an empty root */
	ck_assert_int_eq(vfs_unmount("/"), 0);
	timg_free(&t);
}
END_TEST

static struct tarfs *second_archive(struct timg *t)
{
	struct tarfs *fs;
	timg_init(t);
	timg_add(t, "tool", '0', "second", 6);
	timg_add(t, "sub/", '5', NULL, 0);
	timg_end(t, 0);
	ck_assert_int_eq(tar_mount(t->buf, t->len, &fs, NULL), 0);
	return fs;
}

START_TEST(mount_on_a_directory)
{
	struct timg t[4]; /* each stays in place while mounted */
	struct rumpk_stat st;
	char buf[16];
	uint64_t live0;
	struct tarfs *fs2 = second_archive(&t[0]);

	ck_assert_int_eq(vfs_mount("/bin", &tar_vfs_ops, fs2), 0);
	ck_assert_int_eq(vfs_stat("/bin/hello", &st), -RUMPK_ENOENT); /* covered */
	int h = vfs_open("/bin/tool", 0);
	ck_assert_int_eq(vfs_read(h, buf, sizeof(buf)), 6);
	ck_assert_mem_eq(buf, "second", 6);
	ck_assert_int_eq(vfs_stat("/bin/sub/../../etc/motd", &st), 0); /* ".." across it */
	ck_assert_int_eq(vfs_stat("/bin/..", &st), 0);
	ck_assert_int_eq(vfs_stat("/bin/../bin/tool", &st), 0);
	/* what cannot be mounted */
	struct tarfs *fs3 = second_archive(&t[1]);
	ck_assert_int_eq(vfs_mount("/bin", &tar_vfs_ops, fs3), -RUMPK_EEXIST);
	ck_assert_int_eq(vfs_mount("/", &tar_vfs_ops, fs3), -RUMPK_EEXIST);
	ck_assert_int_eq(vfs_mount("/etc/motd", &tar_vfs_ops, fs3), -RUMPK_ENOTDIR);
	ck_assert_int_eq(vfs_mount("/nope", &tar_vfs_ops, fs3), -RUMPK_ENOENT);
	ck_assert_int_eq(vfs_mount("etc", &tar_vfs_ops, fs3), -RUMPK_EINVAL);
	/* a mount inside a mount, then the table is full */
	ck_assert_int_eq(vfs_mount("/bin/sub", &tar_vfs_ops, fs3), 0);
	ck_assert_int_eq(vfs_stat("/bin/sub/tool", &st), 0);
	struct tarfs *fs4 = second_archive(&t[2]);
	ck_assert_int_eq(vfs_mount("/etc", &tar_vfs_ops, fs4), 0);
	struct tarfs *fs5 = second_archive(&t[3]);
	ck_assert_int_eq(vfs_mount("/a", &tar_vfs_ops, fs5), -RUMPK_ENOMEM);
	tar_unmount(fs5);
	/* unmount rules */
	ck_assert_int_eq(vfs_unmount("/bin"), -RUMPK_EPERM);     /* /bin/sub is inside it */
	ck_assert_int_eq(vfs_unmount("/bin/sub"), 0);
	ck_assert_int_eq(vfs_unmount("/bin"), -RUMPK_EPERM);     /* h is open on it */
	vfs_close(h);
	ck_assert_int_eq(vfs_unmount("/bin/tool"), -RUMPK_EINVAL); /* not a mount point */
	ck_assert_int_eq(vfs_unmount("/a"), -RUMPK_EINVAL);
	ck_assert_int_eq(vfs_unmount("/bin"), 0);
	ck_assert_int_eq(vfs_stat("/bin/hello", &st), 0);          /* uncovered again */
	ck_assert_int_eq(vfs_unmount("/"), -RUMPK_EPERM);          /* /etc is still mounted */
	ck_assert_int_eq(vfs_unmount("/etc"), 0);
	live0 = live_objects();
	ck_assert_int_eq(vfs_unmount("/"), 0);
	ck_assert_uint_eq(live_objects(), live0 - 1); /* the root's index went back */
	ck_assert_int_eq(vfs_stat("/", &st), -RUMPK_ENOENT);
	for (int i = 0; i < 4; i++)
		timg_free(&t[i]);
}
END_TEST

/* ---- the boot stage --------------------------------------------------------------------- */

START_TEST(stage_mounts_the_initrd)
{
	char why[128] = "", buf[64];
	ck_assert_int_eq(vfs_stage(&bi, why, sizeof(why)), 0);
	ck_assert_int_eq(vfs_handles_open(), 0); /* the stage closed what it opened */
	int h = vfs_open("/etc/motd", 0);
	ck_assert_int_eq(vfs_read(h, buf, sizeof(buf)), (int64_t)strlen(FAKE_MOTD));
	ck_assert_mem_eq(buf, FAKE_MOTD, strlen(FAKE_MOTD));
	vfs_close(h);
}
END_TEST

START_TEST(stage_without_initrd)
{
	char why[128];
	bi.initrd.size = 0;
	ck_assert_int_eq(vfs_stage(&bi, why, sizeof(why)), -RUMPK_ENOENT);
	ck_assert_str_eq(why, "no initrd: boot with build/<preset>/initrd.tar (rumpk-sim --initrd "
			      "F, scripts/qemu.sh --initrd F)");
}
END_TEST

START_TEST(stage_with_broken_initrd)
{
	char why[128];
	struct timg t;
	timg_init(&t);
	timg_add(&t, "etc/motd", '2', NULL, 0);
	timg_end(&t, 0);
	bi.initrd.base = (uint64_t)(uintptr_t)t.buf;
	bi.initrd.size = t.len;
	ck_assert_int_eq(vfs_stage(&bi, why, sizeof(why)), -RUMPK_ENOSYS);
	ck_assert_str_eq(why, "initrd refused: symlink: entry 0 'etc/motd' at byte 0: symbolic "
			      "links are not supported");
	ck_assert_int_eq(vfs_open("/", RUMPK_O_DIRECTORY), -RUMPK_ENOENT); /* nothing mounted */
	timg_free(&t);
}
END_TEST

START_TEST(stage_without_motd)
{
	char why[128];
	struct timg t;
	timg_init(&t);
	if (_i == 1)
		timg_add(&t, "etc/motd", '0', NULL, 0);
	else if (_i == 2)
		timg_add(&t, "etc/motd/", '5', NULL, 0);
	else
		timg_add(&t, "etc/issue", '0', "x", 1);
	timg_end(&t, 0);
	bi.initrd.base = (uint64_t)(uintptr_t)t.buf;
	bi.initrd.size = t.len;
	int err = vfs_stage(&bi, why, sizeof(why));
	if (_i == 1) {
		ck_assert_int_eq(err, -RUMPK_EIO);
		ck_assert_str_eq(why, "/etc/motd: read 0 of 0 bytes");
	} else {
		ck_assert_int_eq(err, _i == 2 ? -RUMPK_EISDIR : -RUMPK_ENOENT);
		ck_assert_str_eq(why, "cannot open /etc/motd in the initrd (the build packs "
				      "src/user/rootfs/etc/motd)");
	}
	timg_free(&t);
}
END_TEST

/* The whole boot on the fake machine without an initrd stops at the vfs stage. */
START_TEST(boot_without_initrd_fails_at_vfs)
{
	int n = boot_stage_count(), vfs = -1;
	char want[256];
	for (int i = 0; i < n; i++)
		if (strcmp(boot_stage_name(i), "vfs") == 0)
			vfs = i;
	ck_assert_int_ge(vfs, 0);
	fake_reset();
	fake_boot_info(&bi, "");
	bi.initrd.size = 0;
	ck_assert_int_eq(fake_run_core(&bi), vfs + 1);
	snprintf(want, sizeof(want), "[stage %02d/%02d] vfs FAIL: no initrd: boot with "
		 "build/<preset>/initrd.tar (rumpk-sim --initrd F, scripts/qemu.sh --initrd F) "
		 "(ENOENT)\nhalted, code %d\n", vfs + 1, n, vfs + 1);
	ck_assert_msg(strstr(fake.console, want) != NULL, "%s", fake.console);
}
END_TEST

/* ---- the build's initrd, file by file against src/user/rootfs ----------------------------- */

static int files_seen, rootfs_files;

/* Walks a VFS directory; every file whose twin exists under the rootfs must match it. */
static void walk(const char *dir, int depth)
{
	struct rumpk_dirent d;
	char path[VFS_PATH_MAX + 1], host[4096];
	int h = vfs_open(dir, RUMPK_O_DIRECTORY);
	ck_assert_int_ge(h, 0);
	ck_assert_int_lt(depth, TARFS_MAX_DEPTH);
	while (vfs_readdir(h, &d) == 1) {
		snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") ? dir : "", d.name);
		if (d.type == RUMPK_FT_DIR) {
			walk(path, depth + 1);
			continue;
		}
		size_t len;
		snprintf(host, sizeof(host), "%s%s", RUMPK_TEST_ROOTFS, path);
		uint8_t *want = fake_read_file_opt(host, &len);
		if (!want)
			continue; /* made by the build (a signed program), not kept in the repo */
		uint8_t *got = malloc(len + 1);
		int f = vfs_open(path, 0);
		ck_assert_int_eq(vfs_read(f, got, len + 1), (int64_t)len);
		ck_assert_msg(memcmp(got, want, len) == 0, "%s differs from %s", path, host);
		vfs_close(f);
		free(got);
		free(want);
		files_seen++;
	}
	vfs_close(h);
}

static int count_file(const char *fpath, const struct stat *sb, int type, struct FTW *ftw)
{
	struct rumpk_stat st;
	if (type == FTW_F) {
		rootfs_files++;
		ck_assert_msg(vfs_stat(fpath + strlen(RUMPK_TEST_ROOTFS), &st) == 0,
			      "%s is not in the initrd", fpath);
	}
	return 0;
}

START_TEST(build_initrd_matches_rootfs)
{
	size_t len;
	struct tarfs *fs;
	struct tar_error e;
	uint8_t *buf = fake_read_file_opt(RUMPK_TEST_INITRD, &len);
	ck_assert_msg(buf != NULL, "no %s: build the initrd target", RUMPK_TEST_INITRD);
	ck_assert_msg(tar_mount(buf, len, &fs, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(vfs_mount("/", &tar_vfs_ops, fs), 0);
	walk("/", 0);
	ck_assert_int_eq(nftw(RUMPK_TEST_ROOTFS, count_file, 8, FTW_PHYS), 0);
	ck_assert_int_gt(files_seen, 0);
	ck_assert_int_eq(files_seen, rootfs_files);
	ck_assert_int_eq(vfs_handles_open(), 0);
	ck_assert_int_eq(vfs_unmount("/"), 0);
	free(buf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vfs");
	TCase *tc = tcase_create("mounted");
	tcase_add_checked_fixture(tc, setup_mounted, NULL);
	tcase_add_test(tc, open_read_close);
	tcase_add_test(tc, read_in_pieces);
	tcase_add_test(tc, empty_file);
	tcase_add_test(tc, per_handle_offsets);
	tcase_add_test(tc, seek);
	tcase_add_test(tc, readdir_root_in_archive_order);
	tcase_add_test(tc, readdir_subdirectories);
	tcase_add_test(tc, handle_kinds_are_checked);
	tcase_add_loop_test(tc, resolution, 0, (int)(sizeof(paths) / sizeof(paths[0])));
	tcase_add_test(tc, path_limits);
	tcase_add_test(tc, stat_reports);
	tcase_add_test(tc, bad_handles);
	tcase_add_test(tc, handle_table_is_bounded);
	tcase_add_test(tc, mount_on_a_directory);
	suite_add_tcase(s, tc);

	TCase *tb = tcase_create("boot");
	tcase_add_checked_fixture(tb, setup, NULL);
	tcase_add_test(tb, nothing_mounted);
	tcase_add_test(tb, stage_mounts_the_initrd);
	tcase_add_test(tb, stage_without_initrd);
	tcase_add_test(tb, stage_with_broken_initrd);
	tcase_add_loop_test(tb, stage_without_motd, 0, 3);
	tcase_add_test(tb, build_initrd_matches_rootfs);
	suite_add_tcase(s, tb);

	TCase *tk = tcase_create("core");
	tcase_add_test(tk, boot_without_initrd_fails_at_vfs);
	suite_add_tcase(s, tk);
	return unit_main(s);
}
