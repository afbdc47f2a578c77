/*
 * sysfile.c — file and console syscalls (contract in sysfile.h).
 *
 * Every byte between a program and the kernel moves through hal_copy_from_user /
 * hal_copy_to_user, in chunks of SYSFILE_CHUNK through a buffer on the kernel stack: no
 * allocation, and a bad pointer anywhere in a range fails the call with -RUMPK_EFAULT
 * (bytes already moved in earlier chunks stay moved, as a short count: a write that
 * faults half way reports what it wrote). A process's handle is an index into its own
 * table; the VFS's handle behind it is never shown to the process.
 */
#include "sysfile.h"

#include "console.h"
#include "kutil.h"
#include "mem.h" /* PAGE_SIZE */
#include "param.h"
#include "vfs.h"

#define SYSFILE_CHUNK 512

void sysfile_init(struct sysfile_table *t, struct hal_as *as)
{
	kmemset(t, 0, sizeof(*t));
	t->as = as;
	t->h[0].kind = SF_CONSOLE_IN;
	t->h[1].kind = SF_CONSOLE_OUT;
	t->h[2].kind = SF_CONSOLE_OUT;
}

static void drop(struct sysfile_handle *h)
{
	if (h->kind == SF_FILE || h->kind == SF_DIR)
		vfs_close(h->vfs);
	h->kind = SF_FREE;
	h->vfs = -1;
}

void sysfile_close_all(struct sysfile_table *t)
{
	for (int i = 0; i < SYSFILE_MAX_HANDLES; i++)
		drop(&t->h[i]);
}

int sysfile_open_count(const struct sysfile_table *t)
{
	int n = 0;
	for (int i = 0; i < SYSFILE_MAX_HANDLES; i++)
		n += t->h[i].kind != SF_FREE;
	return n;
}

static struct sysfile_handle *get(struct sysfile_table *t, uint32_t h)
{
	return h < SYSFILE_MAX_HANDLES && t->h[h].kind != SF_FREE ? &t->h[h] : 0;
}

int64_t sysfile_copy_path(struct hal_as *as, char *dst, uint64_t uaddr)
{
	size_t got = 0;

	while (got <= VFS_PATH_MAX) {
		uint64_t at = uaddr + got;
		if (at < uaddr)
			return -RUMPK_EFAULT; /* wraps */
		size_t room = (size_t)(PAGE_SIZE - (at & (PAGE_SIZE - 1)));
		if (room > VFS_PATH_MAX + 1 - got)
			room = VFS_PATH_MAX + 1 - got;
		if (hal_copy_from_user(as, dst + got, at, room))
			return -RUMPK_EFAULT;
		for (size_t i = 0; i < room; i++)
			if (dst[got + i] == '\0')
				return (int64_t)(got + i);
		got += room;
	}
	return -RUMPK_ERANGE;
}

int64_t sysfile_write(struct sysfile_table *t, uint32_t h, uint64_t buf, uint32_t len)
{
	struct sysfile_handle *f = get(t, h);
	char chunk[SYSFILE_CHUNK];
	uint32_t done = 0;

	if (!f)
		return -RUMPK_EBADF;
	if (f->kind == SF_DIR)
		return -RUMPK_EISDIR;
	if (f->kind != SF_CONSOLE_OUT)
		return -RUMPK_EBADF; /* the initrd is read-only; handle 0 is for reading */
	while (done < len) {
		uint32_t n = len - done < SYSFILE_CHUNK ? len - done : SYSFILE_CHUNK;
		if (hal_copy_from_user(t->as, chunk, buf + done, n))
			return done ? (int64_t)done : -RUMPK_EFAULT;
		console_write(chunk, n);
		done += n;
	}
	return done;
}

int64_t sysfile_read(struct sysfile_table *t, uint32_t h, uint64_t buf, uint32_t len)
{
	struct sysfile_handle *f = get(t, h);
	char chunk[SYSFILE_CHUNK];
	uint32_t done = 0;

	if (!f)
		return -RUMPK_EBADF;
	if (f->kind == SF_DIR)
		return -RUMPK_EISDIR;
	if (f->kind == SF_CONSOLE_OUT)
		return -RUMPK_EBADF;
	if (f->kind == SF_CONSOLE_IN) {
		/* what has arrived, at least one byte: a shell reads keystrokes */
		int64_t n = console_read(chunk, len < SYSFILE_CHUNK ? len : SYSFILE_CHUNK);
		if (n > 0 && hal_copy_to_user(t->as, buf, chunk, (size_t)n))
			return -RUMPK_EFAULT; /* the bytes are lost: the program gave a bad buffer */
		return n;
	}
	while (done < len) {
		uint32_t want = len - done < SYSFILE_CHUNK ? len - done : SYSFILE_CHUNK;
		int64_t n = vfs_read(f->vfs, chunk, want);
		if (n < 0)
			return done ? (int64_t)done : n;
		if (n == 0)
			break;
		if (hal_copy_to_user(t->as, buf + done, chunk, (size_t)n)) {
			/* put the offset back to what the program actually received */
			vfs_seek(f->vfs, -n, RUMPK_SEEK_CUR);
			return done ? (int64_t)done : -RUMPK_EFAULT;
		}
		done += (uint32_t)n;
		if ((uint32_t)n < want)
			break;
	}
	return done;
}

int64_t sysfile_open(struct sysfile_table *t, uint64_t path, uint32_t flags)
{
	char p[VFS_PATH_MAX + 1];
	int64_t len = sysfile_copy_path(t->as, p, path);
	int slot = -1;

	if (len < 0)
		return len;
	for (int i = 0; i < SYSFILE_MAX_HANDLES && slot < 0; i++)
		if (t->h[i].kind == SF_FREE)
			slot = i;
	if (slot < 0)
		return -RUMPK_EMFILE;
	int v = vfs_open(p, flags);
	if (v < 0)
		return v;
	t->h[slot].kind = (flags & RUMPK_O_DIRECTORY) ? SF_DIR : SF_FILE;
	t->h[slot].vfs = v;
	return slot;
}

int64_t sysfile_close(struct sysfile_table *t, uint32_t h)
{
	struct sysfile_handle *f = get(t, h);
	if (!f)
		return -RUMPK_EBADF;
	drop(f);
	return 0;
}

int64_t sysfile_seek(struct sysfile_table *t, uint32_t h, int64_t off, uint32_t whence)
{
	struct sysfile_handle *f = get(t, h);
	if (!f)
		return -RUMPK_EBADF;
	if (f->kind == SF_DIR)
		return -RUMPK_EISDIR;
	if (f->kind != SF_FILE)
		return -RUMPK_EBADF; /* the console has no offset */
	return vfs_seek(f->vfs, off, (int)whence);
}

int64_t sysfile_readdir(struct sysfile_table *t, uint32_t h, uint64_t dirent)
{
	struct sysfile_handle *f = get(t, h);
	struct rumpk_dirent d;

	if (!f)
		return -RUMPK_EBADF;
	if (f->kind != SF_DIR)
		return -RUMPK_ENOTDIR;
	/* Prove the buffer writable before taking the entry: a bad buffer must not cost the
	 * program an entry it never saw. */
	kmemset(&d, 0, sizeof(d));
	if (hal_copy_to_user(t->as, dirent, &d, sizeof(d)))
		return -RUMPK_EFAULT;
	int r = vfs_readdir(f->vfs, &d);
	if (r == 1 && hal_copy_to_user(t->as, dirent, &d, sizeof(d)))
		return -RUMPK_EFAULT;
	return r;
}

int64_t sysfile_stat(struct sysfile_table *t, uint64_t args)
{
	struct rumpk_stat_args a;
	struct rumpk_stat st;
	char p[VFS_PATH_MAX + 1];

	if (hal_copy_from_user(t->as, &a, args, sizeof(a)))
		return -RUMPK_EFAULT;
	int64_t len = sysfile_copy_path(t->as, p, a.path);
	if (len < 0)
		return len;
	int r = vfs_stat(p, &st);
	if (r)
		return r;
	if (hal_copy_to_user(t->as, a.out, &st, sizeof(st)))
		return -RUMPK_EFAULT;
	return 0;
}
