/*
 * vfs.c — the mount table, path resolution, the handle table, and the "vfs" boot stage.
 *
 * Mounts: slot 0 is always the root filesystem ("/"), mounted first and unmounted last.
 * Every other mount covers one directory (`covered`) of another mount (`parent`); a mount
 * never covers another mount's root, so a lookup crosses at most one mount point per step.
 *
 * Resolution walks a path component by component from the root, keeping the directories it
 * went through on a small stack: "." stays, ".." pops (never above "/"), a name asks the
 * current filesystem's lookup and then steps into whatever is mounted on the result. The
 * stack is what makes ".." right across mount points (the parent of a mount's root is the
 * directory holding the covered one) with no parent pointers in the filesystems.
 *
 * Handles: a fixed table of VFS_MAX_HANDLES; a handle number is an index into it. Each
 * handle has its own offset (files: the byte offset; directories: the filesystem's readdir
 * cursor), so two handles on one file read independently. A mount with open handles cannot
 * be unmounted, so a handle's filesystem outlives it.
 *
 * One CPU, kernel code never preempted, not called from interrupts: no locks.
 */
#include "vfs.h"

#include "hal.h"
#include "kprintf.h"
#include "kutil.h"
#include "param.h"
#include "tarfs.h"

struct mount {
	const struct vfs_fs_ops *ops; /* NULL: a free slot */
	void *fs;
	uint32_t root;                /* the filesystem's root node */
	int parent;                   /* the mount holding the covered directory; -1 for "/" */
	uint32_t covered;             /* that directory's node */
};

struct handle {
	int used;
	int mount;
	uint32_t node;
	uint32_t type;                /* RUMPK_FT_* */
	uint64_t size;                /* files: the size at open (the filesystems are read-only) */
	uint64_t off;                 /* files: byte offset; directories: readdir cursor */
};

/* A place in the tree: a node of a mount. */
struct loc {
	int mount;
	uint32_t node;
};

static struct mount mounts[VFS_MAX_MOUNTS];
static struct handle handles[VFS_MAX_HANDLES];

static int loc_is_dir(struct loc l)
{
	struct rumpk_stat st;
	mounts[l.mount].ops->stat(mounts[l.mount].fs, l.node, &st);
	return st.type == RUMPK_FT_DIR;
}

/* If a filesystem is mounted on l, its root instead. */
static struct loc cross(struct loc l)
{
	for (int m = 1; m < VFS_MAX_MOUNTS; m++)
		if (mounts[m].ops && mounts[m].parent == l.mount && mounts[m].covered == l.node)
			return (struct loc){ m, mounts[m].root };
	return l;
}

/*
 * resolve — the place `path` names. Returns 0 and *out, or -RUMPK_EINVAL (NULL, relative),
 * -RUMPK_ERANGE (too long, a component too long, deeper than VFS_MAX_DEPTH),
 * -RUMPK_ENOENT (empty path, no such entry, nothing mounted), -RUMPK_ENOTDIR (a file used
 * as a directory, including "file/", "file/." and "file/..").
 */
static int resolve(const char *path, struct loc *out)
{
	struct loc stack[VFS_MAX_DEPTH + 1];
	int depth = 0;
	size_t len = 0;

	if (!path)
		return -RUMPK_EINVAL;
	while (path[len])
		if (++len > VFS_PATH_MAX)
			return -RUMPK_ERANGE;
	if (len == 0)
		return -RUMPK_ENOENT;
	if (path[0] != '/')
		return -RUMPK_EINVAL; /* no current directory in the kernel */
	if (!mounts[0].ops)
		return -RUMPK_ENOENT;

	stack[0] = (struct loc){ 0, mounts[0].root };
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *q = p;
		while (*q && *q != '/')
			q++;
		size_t n = (size_t)(q - p);
		struct loc cur = stack[depth];
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) {
			if (!loc_is_dir(cur))
				return -RUMPK_ENOTDIR;
			if (n == 2 && depth > 0)
				depth--;
		} else {
			uint32_t c;
			if (n > RUMPK_NAME_MAX)
				return -RUMPK_ERANGE;
			int err = mounts[cur.mount].ops->lookup(mounts[cur.mount].fs, cur.node, p, n, &c);
			if (err)
				return err;
			if (depth == VFS_MAX_DEPTH)
				return -RUMPK_ERANGE;
			stack[++depth] = cross((struct loc){ cur.mount, c });
		}
		p = q;
	}
	if (path[len - 1] == '/' && !loc_is_dir(stack[depth]))
		return -RUMPK_ENOTDIR;
	*out = stack[depth];
	return 0;
}

int vfs_mount(const char *path, const struct vfs_fs_ops *ops, void *fs)
{
	struct loc at;
	int slot = -1, err;

	if (!path || !ops || !fs)
		return -RUMPK_EINVAL;
	if (!mounts[0].ops) { /* the first mount is the root */
		if (!kstreq(path, "/"))
			return -RUMPK_EINVAL;
		mounts[0] = (struct mount){ ops, fs, ops->root(fs), -1, 0 };
		return 0;
	}
	if ((err = resolve(path, &at)))
		return err;
	if (!loc_is_dir(at))
		return -RUMPK_ENOTDIR;
	if (at.node == mounts[at.mount].root)
		return -RUMPK_EEXIST; /* a mount root: something is mounted here already */
	for (int m = 1; m < VFS_MAX_MOUNTS && slot < 0; m++)
		if (!mounts[m].ops)
			slot = m;
	if (slot < 0)
		return -RUMPK_ENOMEM;
	mounts[slot] = (struct mount){ ops, fs, ops->root(fs), at.mount, at.node };
	return 0;
}

int vfs_unmount(const char *path)
{
	struct loc at;
	int err;

	if ((err = resolve(path, &at)))
		return err;
	if (at.node != mounts[at.mount].root)
		return -RUMPK_EINVAL;
	for (int h = 0; h < VFS_MAX_HANDLES; h++)
		if (handles[h].used && handles[h].mount == at.mount)
			return -RUMPK_EPERM;
	for (int m = 1; m < VFS_MAX_MOUNTS; m++)
		if (mounts[m].ops && mounts[m].parent == at.mount)
			return -RUMPK_EPERM;
	struct mount gone = mounts[at.mount];
	mounts[at.mount] = (struct mount){ 0 };
	gone.ops->release(gone.fs);
	return 0;
}

int vfs_open(const char *path, uint32_t flags)
{
	struct rumpk_stat st;
	struct loc at;
	int err;

	if (flags & ~RUMPK_O_DIRECTORY)
		return -RUMPK_EINVAL;
	if ((err = resolve(path, &at)))
		return err;
	mounts[at.mount].ops->stat(mounts[at.mount].fs, at.node, &st);
	if (st.type == RUMPK_FT_DIR && !(flags & RUMPK_O_DIRECTORY))
		return -RUMPK_EISDIR;
	if (st.type != RUMPK_FT_DIR && (flags & RUMPK_O_DIRECTORY))
		return -RUMPK_ENOTDIR;
	for (int h = 0; h < VFS_MAX_HANDLES; h++) {
		if (handles[h].used)
			continue;
		handles[h] = (struct handle){ 1, at.mount, at.node, st.type, st.size, 0 };
		return h;
	}
	return -RUMPK_EMFILE;
}

static struct handle *handle_get(int h)
{
	if (h < 0 || h >= VFS_MAX_HANDLES || !handles[h].used)
		return 0;
	return &handles[h];
}

int64_t vfs_read(int h, void *buf, size_t len)
{
	struct handle *f = handle_get(h);

	if (!f)
		return -RUMPK_EBADF;
	if (f->type == RUMPK_FT_DIR)
		return -RUMPK_EISDIR;
	if (!buf && len)
		return -RUMPK_EINVAL;
	size_t n = mounts[f->mount].ops->read(mounts[f->mount].fs, f->node, f->off, buf, len);
	f->off += n;
	return (int64_t)n;
}

int64_t vfs_seek(int h, int64_t off, int whence)
{
	struct handle *f = handle_get(h);
	uint64_t base;

	if (!f)
		return -RUMPK_EBADF;
	if (f->type == RUMPK_FT_DIR)
		return -RUMPK_EISDIR;
	switch (whence) {
	case RUMPK_SEEK_SET: base = 0; break;
	case RUMPK_SEEK_CUR: base = f->off; break;
	case RUMPK_SEEK_END: base = f->size; break;
	default: return -RUMPK_EINVAL;
	}
	/* base <= size < 2^33: the negations and the difference cannot overflow */
	if (off < -(int64_t)base || (off > 0 && (uint64_t)off > f->size - base))
		return -RUMPK_ERANGE;
	f->off = (uint64_t)((int64_t)base + off);
	return (int64_t)f->off;
}

int vfs_readdir(int h, struct rumpk_dirent *out)
{
	struct handle *f = handle_get(h);

	if (!f)
		return -RUMPK_EBADF;
	if (f->type != RUMPK_FT_DIR)
		return -RUMPK_ENOTDIR;
	if (!out)
		return -RUMPK_EINVAL;
	return mounts[f->mount].ops->readdir(mounts[f->mount].fs, f->node, &f->off, out);
}

int vfs_close(int h)
{
	struct handle *f = handle_get(h);

	if (!f)
		return -RUMPK_EBADF;
	*f = (struct handle){ 0 };
	return 0;
}

int vfs_stat(const char *path, struct rumpk_stat *st)
{
	struct loc at;
	int err;

	if (!st)
		return -RUMPK_EINVAL;
	if ((err = resolve(path, &at)))
		return err;
	mounts[at.mount].ops->stat(mounts[at.mount].fs, at.node, st);
	return 0;
}

int vfs_fstat(int h, struct rumpk_stat *st)
{
	struct handle *f = handle_get(h);

	if (!f)
		return -RUMPK_EBADF;
	if (!st)
		return -RUMPK_EINVAL;
	mounts[f->mount].ops->stat(mounts[f->mount].fs, f->node, st);
	return 0;
}

int vfs_handles_open(void)
{
	int n = 0;
	for (int h = 0; h < VFS_MAX_HANDLES; h++)
		n += handles[h].used;
	return n;
}

/* ---- the boot stage ----------------------------------------------------------------------- */

#define MOTD "/etc/motd"

/* Reads /etc/motd to its end in small pieces through one handle: the count must match its
 * size, which must not be 0. Nothing is printed: the kernel is quiet when all is well. */
static int read_motd(char *why, size_t whylen)
{
	struct rumpk_stat st;
	char buf[64];
	uint64_t total = 0;
	int64_t n;
	int h = vfs_open(MOTD, 0);

	if (h < 0) {
		ksnprintf(why, whylen, "cannot open " MOTD " in the initrd (the build packs "
			  "src/user/rootfs/etc/motd)");
		return h;
	}
	vfs_fstat(h, &st);
	while ((n = vfs_read(h, buf, sizeof(buf))) > 0)
		total += (uint64_t)n;
	vfs_close(h);
	if (n < 0 || total != st.size || total == 0) {
		ksnprintf(why, whylen, MOTD ": read %llu of %llu bytes", (unsigned long long)total,
			  (unsigned long long)st.size);
		return n < 0 ? (int)n : -RUMPK_EIO;
	}
	return 0;
}

int vfs_stage(const struct rumpk_boot_info *bi, char *why, size_t whylen)
{
	struct tar_error te;
	struct tarfs *fs;
	int err;

	if (bi->initrd.size == 0) {
		ksnprintf(why, whylen, "no initrd: boot with build/<preset>/initrd.tar "
			  "(rumpk-sim --initrd F, scripts/qemu.sh --initrd F)");
		return -RUMPK_ENOENT;
	}
	const void *initrd = hal_phys_to_kernel(bi->initrd.base, bi->initrd.size);
	if (!initrd) {
		ksnprintf(why, whylen, "the initrd at %#llx (+%#llx) is not reachable by the kernel",
			  (unsigned long long)bi->initrd.base, (unsigned long long)bi->initrd.size);
		return -RUMPK_EFAULT;
	}
	err = tar_mount(initrd, (size_t)bi->initrd.size, &fs, &te);
	if (err) {
		ksnprintf(why, whylen, "initrd refused: %s", te.msg);
		return err;
	}
	if ((err = vfs_mount("/", &tar_vfs_ops, fs))) {
		tar_unmount(fs);
		ksnprintf(why, whylen, "cannot mount the initrd at /");
		return err;
	}
	return read_motd(why, whylen);
}
