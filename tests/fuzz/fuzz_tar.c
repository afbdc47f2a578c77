/*
 * fuzz_tar.c — arbitrary bytes mounted as the initrd, then every file walked through the VFS.
 *
 * Each input is tried twice: as it is (mostly a checksum refusal), and with the checksum of
 * every block that looks like a ustar header recomputed, so mutations also reach the field,
 * name, tree and framing checks behind it. A refused archive must carry a named reason and
 * allocate nothing; a mounted one must list only sane names, read back exactly the size each
 * file reports (also after seeks, through two handles), close every handle and give back all
 * its memory when unmounted. Any breach aborts, which libFuzzer reports as a crash. Seeded
 * with the build's initrd.tar (tests/fuzz/CMakeLists.txt).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mem.h"
#include "param.h"
#include "tarfs.h"
#include "vfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                           \
	do {                                                                               \
		if (!(c)) {                                                                \
			fprintf(stderr, "fuzz_tar: %s:%d: %s\n", __FILE__, __LINE__, #c);  \
			abort();                                                           \
		}                                                                          \
	} while (0)

static uint64_t live_objects(void)
{
	struct mem_stats st;
	mem_stats(&st);
	return st.live_objects;
}

/* Reads a whole file through one handle in odd-sized pieces, and part of it again through a
 * second handle after seeks; both must agree with the size stat reports. */
static void read_file(const char *path, uint64_t size)
{
	static uint8_t a[8192], b[97];
	struct rumpk_stat st;
	uint64_t total = 0;
	int64_t n;
	int h = vfs_open(path, 0), h2 = vfs_open(path, 0);

	CHECK(h >= 0 && h2 >= 0 && h != h2);
	CHECK(vfs_fstat(h, &st) == 0 && st.type == RUMPK_FT_FILE && st.size == size);
	while ((n = vfs_read(h, a, 1 + total % sizeof(a))) > 0)
		total += (uint64_t)n;
	CHECK(n == 0 && total == size);
	CHECK(vfs_seek(h2, (int64_t)(size / 2), RUMPK_SEEK_SET) == (int64_t)(size / 2));
	n = vfs_read(h2, b, sizeof(b));
	CHECK(n >= 0 && (uint64_t)n == (size - size / 2 < sizeof(b) ? size - size / 2 : sizeof(b)));
	CHECK(vfs_seek(h2, 1, RUMPK_SEEK_END) == -RUMPK_ERANGE);
	CHECK(vfs_seek(h2, 0, RUMPK_SEEK_END) == (int64_t)size);
	CHECK(vfs_read(h2, b, 1) == 0);
	CHECK(vfs_close(h) == 0 && vfs_close(h2) == 0);
}

static void walk(const char *dir, int depth)
{
	struct rumpk_dirent d;
	char path[VFS_PATH_MAX + 1];
	int h = vfs_open(dir, RUMPK_O_DIRECTORY);

	CHECK(h >= 0 && depth <= TARFS_MAX_DEPTH);
	while (vfs_readdir(h, &d) == 1) {
		CHECK(d.namelen > 0 && d.namelen <= RUMPK_NAME_MAX && d.name[d.namelen] == '\0');
		CHECK(strlen(d.name) == d.namelen && !strchr(d.name, '/'));
		CHECK(strcmp(d.name, ".") != 0 && strcmp(d.name, "..") != 0);
		/* every path comes from one 100-byte name field, so it always fits */
		int n = snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") ? dir : "", d.name);
		CHECK(n > 0 && n <= TARFS_PATH_MAX + 1);
		if (d.type == RUMPK_FT_DIR) {
			CHECK(d.size == 0);
			walk(path, depth + 1);
		} else {
			CHECK(d.type == RUMPK_FT_FILE);
			read_file(path, d.size);
		}
	}
	CHECK(vfs_close(h) == 0);
}

static void mount_and_walk(const uint8_t *buf, size_t len)
{
	struct tarfs *fs;
	struct tar_error e;
	uint64_t live0 = live_objects();
	int err = tar_mount(buf, len, &fs, &e);

	if (err) {
		CHECK(err < 0 && e.err == err && e.reason > TAR_OK && e.reason < TAR_E_COUNT);
		CHECK(fs == NULL && e.msg[0] != '\0' && live_objects() == live0);
		return;
	}
	CHECK(vfs_mount("/", &tar_vfs_ops, fs) == 0);
	walk("/", 0);
	CHECK(vfs_handles_open() == 0);
	CHECK(vfs_unmount("/") == 0);
	CHECK(live_objects() == live0);
}

/* Recomputes the checksum of every 512-byte block with the ustar magic (GNU's too). */
static void fix_sums(uint8_t *p, size_t n)
{
	for (size_t off = 0; off + 512 <= n; off += 512) {
		uint8_t *h = p + off;
		unsigned sum = 0;
		char tmp[8];
		if (memcmp(h + 257, "ustar", 5) != 0)
			continue;
		memset(h + 148, ' ', 8);
		for (int i = 0; i < 512; i++)
			sum += h[i];
		snprintf(tmp, sizeof(tmp), "%06o", sum & 0777777);
		memcpy(h + 148, tmp, 6);
		h[154] = '\0';
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) { /* the allocator over 16 MiB of its own (fake_ram() needs a Check run) */
		static struct rumpk_boot_info bi;
		char why[128];
		uint64_t ram_size = 16ull << 20;
		void *ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		CHECK(ram != MAP_FAILED);
		bi.version = RUMPK_BOOT_INFO_VERSION;
		bi.nmem = 1;
		bi.mem[0].base = (uint64_t)(uintptr_t)ram;
		bi.mem[0].size = ram_size;
		CHECK(mem_init(&bi, why, sizeof(why)) == 0);
		ready = 1;
	}
	mount_and_walk(data, size);
	uint8_t *copy = malloc(size ? size : 1);
	if (size)
		memcpy(copy, data, size);
	fix_sums(copy, size);
	mount_and_walk(copy, size);
	free(copy);
	return 0;
}
