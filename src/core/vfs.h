/*
 * vfs.h — the virtual filesystem: a mount table, path resolution and open handles.
 *
 * A filesystem (today only tarfs, the initrd) hands the VFS a set of operations over its
 * own node numbers (struct vfs_fs_ops); the VFS owns everything above that: which
 * filesystem is mounted where, turning a path into a node, and a bounded table of handles,
 * each with its own offset. Read-only: nothing here writes a file.
 *
 * Paths are absolute ("/etc/motd"), at most VFS_PATH_MAX bytes. Repeated slashes and "."
 * components are ignored; ".." is resolved against the walk (the parent of the directory
 * reached so far; "/.." is "/"), across mount points too. A trailing slash requires a
 * directory. Every function returns 0 (or a count) or a negative RUMPK_E* code; the
 * contract of each says which.
 *
 * Not for interrupt context; no lock (one CPU, kernel code is never preempted).
 */
#ifndef RUMPK_VFS_H
#define RUMPK_VFS_H

#include <stddef.h>
#include <stdint.h>

#include "rumpk/abi.h"

/*
 * What a filesystem implements. `fs` is the filesystem's own object; nodes are its own
 * numbers. The VFS passes only nodes that root/lookup returned and calls read only for
 * files. readdir's cursor is different: it is state kept in a handle between calls, so the
 * filesystem checks it where it uses it.
 */
struct vfs_fs_ops {
	const char *name;                 /* "tarfs" */
	uint32_t (*root)(void *fs);       /* the root directory's node */
	/* the entry `name` (len bytes, no '/', not "." or "..") of node `dir`: 0 and *out,
	 * -RUMPK_ENOENT, or -RUMPK_ENOTDIR when `dir` is not a directory */
	int (*lookup)(void *fs, uint32_t dir, const char *name, size_t len, uint32_t *out);
	void (*stat)(void *fs, uint32_t node, struct rumpk_stat *st);
	/* up to len bytes of file `node` from byte off (<= its size); returns the count */
	size_t (*read)(void *fs, uint32_t node, uint64_t off, void *buf, size_t len);
	/* the entry after *cursor (0: the first) of directory `dir`; 1 with *out filled and
	 * *cursor moved on, 0 at the end, -RUMPK_EINVAL for a cursor this directory never
	 * handed out, -RUMPK_ENOTDIR if `dir` is not a directory */
	int (*readdir)(void *fs, uint32_t dir, uint64_t *cursor, struct rumpk_dirent *out);
	void (*release)(void *fs);        /* unmounted: free everything */
};

/*
 * vfs_mount — mounts `fs` at `path`. The first mount must be at "/"; later ones go on an
 * existing directory of a mounted filesystem. Returns 0; -RUMPK_EINVAL (bad arguments, or
 * not "/" first); -RUMPK_EEXIST (something is mounted there already); -RUMPK_ENOMEM (the
 * mount table's VFS_MAX_MOUNTS slots are taken); or what resolving `path` returns.
 * On success the VFS owns `fs` and calls ops->release when it is unmounted.
 */
int vfs_mount(const char *path, const struct vfs_fs_ops *ops, void *fs);

/*
 * vfs_unmount — unmounts the filesystem mounted at `path` and releases it. Returns 0;
 * -RUMPK_EINVAL (nothing is mounted exactly there); -RUMPK_EPERM (a handle is open on it,
 * or another filesystem is mounted inside it); or what resolving `path` returns.
 */
int vfs_unmount(const char *path);

/*
 * vfs_open — a new handle on `path`, offset 0. flags: 0 opens a regular file (a directory
 * gives -RUMPK_EISDIR); RUMPK_O_DIRECTORY opens a directory for vfs_readdir (a file gives
 * -RUMPK_ENOTDIR). Returns the handle (>= 0), or: -RUMPK_EINVAL (NULL or relative path,
 * unknown flags); -RUMPK_ERANGE (path longer than VFS_PATH_MAX, a component longer than
 * RUMPK_NAME_MAX); -RUMPK_ENOENT (no such entry, or nothing mounted); -RUMPK_ENOTDIR (a
 * component before the last is a file); -RUMPK_EMFILE (all VFS_MAX_HANDLES are open).
 */
int vfs_open(const char *path, uint32_t flags);

/*
 * vfs_read — up to len bytes from the handle's offset into buf; moves the offset on.
 * Returns the count (0 at the end of the file), -RUMPK_EBADF (not an open handle),
 * -RUMPK_EISDIR (a directory handle) or -RUMPK_EINVAL (buf NULL with len > 0).
 */
int64_t vfs_read(int h, void *buf, size_t len);

/*
 * vfs_seek — sets the handle's offset to off relative to RUMPK_SEEK_SET (0), _CUR (the
 * offset) or _END (the size). The result must lie in [0, size]. Returns the new offset, or
 * -RUMPK_EBADF, -RUMPK_EISDIR (a directory handle: reopen it to start over), -RUMPK_EINVAL
 * (unknown whence), -RUMPK_ERANGE (before 0 or past the end; the offset is unchanged).
 */
int64_t vfs_seek(int h, int64_t off, int whence);

/*
 * vfs_readdir — the next entry of a directory handle, in the filesystem's order (tarfs:
 * archive order); "." and ".." are not listed. Returns 1 with *out filled, 0 after the last
 * entry, -RUMPK_EBADF, -RUMPK_ENOTDIR (a file handle) or -RUMPK_EINVAL (out NULL).
 */
int vfs_readdir(int h, struct rumpk_dirent *out);

/* vfs_close — frees the handle. Returns 0 or -RUMPK_EBADF (not open, closed twice). */
int vfs_close(int h);

/* vfs_stat / vfs_fstat — what `path` (resolved like vfs_open, files and directories alike)
 * or an open handle refers to. Errors as for vfs_open / -RUMPK_EBADF, and -RUMPK_EINVAL for
 * a NULL st. */
int vfs_stat(const char *path, struct rumpk_stat *st);
int vfs_fstat(int h, struct rumpk_stat *st);

/* vfs_handles_open — how many handles are open (leak checks in tests and self-tests). */
int vfs_handles_open(void);

/*
 * vfs_stage — the "vfs" boot stage (boot.c): mounts the initrd of `bi` at "/" and reads
 * /etc/motd through a handle. The default boot always has an initrd: none is a failure
 * whose reason says how to pass one. Returns 0 or a negative RUMPK_E* code with a reason.
 */
int vfs_stage(const struct rumpk_boot_info *bi, char *why, size_t whylen);

#endif /* RUMPK_VFS_H */
