/*
 * sysfile.h — the file and console syscalls' mechanism, per process (xv6's sysfile.c):
 * a process's own handle table over the VFS's kernel-wide one, and every user pointer
 * and length through the HAL's checked copies (docs/abi.md: WRITE, READ, OPEN, CLOSE,
 * SEEK, READDIR, STAT). The kernel never touches a user address itself: data moves
 * through a bounce buffer on the kernel stack, one chunk at a time.
 *
 * Handles 0, 1 and 2 start as the console (0 reads it, 1 and 2 write it); others are
 * files or directories opened by the process. A process has SYSFILE_MAX_HANDLES handles
 * at most: one more is -RUMPK_EMFILE, whatever the VFS could still give.
 */
#ifndef RUMPK_SYSFILE_H
#define RUMPK_SYSFILE_H

#include <stddef.h>
#include <stdint.h>

#include "hal.h"

#define SYSFILE_MAX_HANDLES 16

enum sysfile_kind {
	SF_FREE = 0,
	SF_CONSOLE_IN,
	SF_CONSOLE_OUT,
	SF_FILE,
	SF_DIR,
};

struct sysfile_handle {
	uint8_t kind;   /* enum sysfile_kind */
	int vfs;        /* SF_FILE / SF_DIR: the VFS handle */
};

/* What the mechanism needs of a process: its space and its handles. */
struct sysfile_table {
	struct hal_as *as;
	struct sysfile_handle h[SYSFILE_MAX_HANDLES];
};

/* sysfile_init — handles 0..2 the console, the rest free. */
void sysfile_init(struct sysfile_table *t, struct hal_as *as);

/* sysfile_close_all — closes every handle (process exit). Never fails. */
void sysfile_close_all(struct sysfile_table *t);

/* sysfile_open_count — handles in use (the leak gate counts them). */
int sysfile_open_count(const struct sysfile_table *t);

/*
 * The calls, each returning what its completion carries (docs/abi.md): a result >= 0 or a
 * negative RUMPK_E* error. Arguments are exactly the packet's, already decoded
 * (syscall.h). A console read blocks until input arrives (console.h).
 */
int64_t sysfile_write(struct sysfile_table *t, uint32_t h, uint64_t buf, uint32_t len);
int64_t sysfile_read(struct sysfile_table *t, uint32_t h, uint64_t buf, uint32_t len);
int64_t sysfile_open(struct sysfile_table *t, uint64_t path, uint32_t flags);
int64_t sysfile_close(struct sysfile_table *t, uint32_t h);
int64_t sysfile_seek(struct sysfile_table *t, uint32_t h, int64_t off, uint32_t whence);
int64_t sysfile_readdir(struct sysfile_table *t, uint32_t h, uint64_t dirent);
int64_t sysfile_stat(struct sysfile_table *t, uint64_t args);

/*
 * sysfile_copy_path — copies a NUL-terminated path of at most VFS_PATH_MAX bytes from user
 * address `uaddr` into dst (VFS_PATH_MAX + 1 bytes). Reads page by page, so a path that
 * ends just before an unmapped page is fine. Returns its length, -RUMPK_EFAULT (unmapped or
 * unreadable before its NUL) or -RUMPK_ERANGE (no NUL within VFS_PATH_MAX + 1 bytes).
 */
int64_t sysfile_copy_path(struct hal_as *as, char *dst, uint64_t uaddr);

#endif /* RUMPK_SYSFILE_H */
