/*
 * tarfs.h — a read-only filesystem over a POSIX ustar archive (the initrd), in place.
 *
 * tar_mount() validates the WHOLE archive before it builds anything: every header, every
 * name, every size, the end-of-archive marker. A single bad byte refuses the archive with a
 * named reason (enum tar_reason), a message that says which entry and what is wrong, and a
 * negative RUMPK_E* code; nothing is ever half-mounted. The bytes stay where the HAL put
 * them (the allocator never hands out the initrd's pages); the index built at mount time
 * points into them. The format rules are in docs/vfs.md; tarfs.c's top comment gives the
 * design. The VFS (vfs.h) reaches a mounted archive through tar_vfs_ops.
 */
#ifndef RUMPK_TARFS_H
#define RUMPK_TARFS_H

#include <stddef.h>
#include <stdint.h>

#include "rumpk/abi.h"

/* Why an archive was refused. tar_reason_name() gives each a stable short name. */
enum tar_reason {
	TAR_OK = 0,
	/* framing */
	TAR_E_TRUNCATED_HEADER, /* the archive ends inside a 512-byte header */
	TAR_E_TRUNCATED_DATA,   /* an entry's data (padded to 512) runs past the end: the
				 * archive was cut, or its size field is too large */
	TAR_E_NO_END,           /* the archive ends without its two zero blocks */
	TAR_E_LONE_ZERO_BLOCK,  /* one zero block, then a non-zero one */
	TAR_E_TRAILING_DATA,    /* non-zero bytes after the two zero blocks */
	/* header fields */
	TAR_E_CHECKSUM,         /* the stored checksum is neither the unsigned nor the signed sum */
	TAR_E_OCTAL,            /* a numeric field is not strict octal + NUL/space terminators */
	TAR_E_GNU_MAGIC,        /* GNU / old-GNU "ustar  \0": use tar --format=ustar */
	TAR_E_MAGIC,            /* no "ustar\0" magic (v7 tar, or not a tar header at all) */
	TAR_E_VERSION,          /* "ustar\0" with a version other than "00" */
	/* entry types other than '0', '\0' (file) and '5' (directory) */
	TAR_E_HARDLINK,         /* '1' */
	TAR_E_SYMLINK,          /* '2' */
	TAR_E_DEVICE,           /* '3', '4' */
	TAR_E_FIFO,             /* '6' */
	TAR_E_GNU_LONGNAME,     /* 'L', 'K' */
	TAR_E_PAX,              /* 'x', 'g' */
	TAR_E_GNU_SPARSE,       /* 'S' */
	TAR_E_TYPE,             /* any other type ('7', 'V', 'M', 'D', ...) */
	TAR_E_DIR_SIZE,         /* a directory with a non-zero size */
	TAR_E_LINKNAME,         /* a file or directory with a link name */
	/* names */
	TAR_E_NAME_GARBAGE,     /* bytes after the NUL that ends the name (or link name) */
	TAR_E_EMPTY_NAME,       /* an empty name, or a file named "." or "./" */
	TAR_E_PREFIX,           /* the ustar prefix field is used (prefix + "/" + name) */
	TAR_E_NAME_CHAR,        /* a control byte (< 0x20 or 0x7f) in the name */
	TAR_E_ABSOLUTE,         /* a name starting with '/' */
	TAR_E_DOTDOT,           /* a ".." component */
	TAR_E_FILE_SLASH,       /* a regular file whose name ends in '/' */
	TAR_E_TOO_DEEP,         /* more than TARFS_MAX_DEPTH components */
	/* the tree */
	TAR_E_DUPLICATE,        /* two entries for one path (after normalising) */
	TAR_E_NOT_DIR,          /* a path goes through a regular file */
	TAR_E_TOO_MANY,         /* more than TARFS_MAX_ENTRIES entries or TARFS_MAX_NODES nodes */
	TAR_E_NOMEM,            /* no kernel memory for the index */
	TAR_E_COUNT
};

#define TAR_MSG_MAX 160

/* What tar_mount() says about a refused archive. */
struct tar_error {
	enum tar_reason reason;
	int err;             /* the negative RUMPK_E* code tar_mount returned */
	uint64_t offset;     /* byte offset of the header concerned (or of the problem) */
	uint32_t entry;      /* 0-based index of that header */
	char msg[TAR_MSG_MAX]; /* "<reason>: entry N 'name' at offset X: what is wrong" */
};

struct tarfs;

/*
 * tar_mount — validates the ustar archive [base, base + size) and builds its index (kernel
 * memory; the archive is not copied and must stay in place until tar_unmount). Fiber or
 * boot context, may allocate, never blocks. On success returns 0 and *out. On failure
 * returns a negative RUMPK_E* code, fills *e (may be NULL) and allocates nothing:
 *   -RUMPK_EINVAL  malformed archive (framing, fields, names)
 *   -RUMPK_EVERSION  "ustar\0" with a version other than "00"
 *   -RUMPK_ENOSYS  an entry type this kernel does not support (links, devices, pax, GNU)
 *   -RUMPK_EEXIST  duplicate path          -RUMPK_ENOTDIR  a path through a file
 *   -RUMPK_ERANGE  a limit of param.h      -RUMPK_ENOMEM   no memory for the index
 */
int tar_mount(const void *base, size_t size, struct tarfs **out, struct tar_error *e);

/* tar_unmount — frees the index of a mounted archive (NULL is ignored). */
void tar_unmount(struct tarfs *fs);

/* tar_reason_name — a short stable name for a reason ("checksum", "symlink", ...). */
const char *tar_reason_name(enum tar_reason r);

/* tar_counts — nodes in the index (the root and implied directories included), and entries
 * (headers) in the archive. */
void tar_counts(const struct tarfs *fs, uint32_t *nodes, uint32_t *entries);

/* The VFS operations of a mounted archive (vfs.h); its `fs` argument is a struct tarfs *. */
struct vfs_fs_ops;
extern const struct vfs_fs_ops tar_vfs_ops;

#endif /* RUMPK_TARFS_H */
