/*
 * tarfs.c — the initrd: a strict POSIX ustar reader, mounted read-only and in place.
 *
 * An archive is a run of 512-byte headers, each followed by its data padded to 512 bytes,
 * and ends with two zero blocks (what follows them, e.g. GNU tar's padding to 10,240 bytes,
 * must be zero too). Header layout (POSIX.1-2001, pax "ustar Interchange Format"):
 *
 *   name 0/100  mode 100/8  uid 108/8  gid 116/8  size 124/12  mtime 136/12  chksum 148/8
 *   typeflag 156/1  linkname 157/100  magic 257/6  version 263/2  uname 265/32  gname 297/32
 *   devmajor 329/8  devminor 337/8  prefix 345/155  (pad 500/12, ignored)
 *
 * Mounting is two passes, so an archive is accepted whole or not at all:
 *   1. scan: every header on its own (checksum, magic, type, fields, name syntax, data
 *      inside the archive) and the end marker; counts entries and name components. No
 *      allocation, nothing kept.
 *   2. build: one allocation for the index (a node array sized from pass 1), then each
 *      entry is inserted into the tree; duplicates, files used as directories and the node
 *      limit are found here. Any failure frees the index before returning.
 *
 * The index is an array of nodes; node 0 is the root. Children form a singly linked list in
 * archive order, so readdir lists what tar wrote (sorted, with --sort=name). A node's name
 * and data point into the archive, which the caller keeps in place; nothing is copied.
 *
 * Rules beyond the format (docs/vfs.md has the list with each refusal's name):
 *   - only ustar ("ustar\0" + "00"); GNU's "ustar  \0" and v7 headers are refused;
 *   - only regular files ('0', '\0') and directories ('5'); every other type is refused,
 *     the prefix field must be empty (paths live in the 100-byte name field), and a file or
 *     directory must not carry a link name;
 *   - numeric fields: octal digits first, then at least one NUL or space up to the end of
 *     the field (GNU writes the checksum as "011207\0 "); the stored checksum may equal the
 *     unsigned or the signed byte sum (both kinds of tar exist);
 *   - names: NUL-terminated within the field with only NULs after it, no control bytes, not
 *     absolute, no ".." component. "./" prefixes, "." components, repeated and trailing
 *     slashes are normalised away ("./etc/" is "etc"); an entry normalising to "" is the
 *     root directory (tar writes "./" for `-C DIR .`) and a file may not end in '/';
 *   - directories a path implies need no entry of their own: they are created (mode 0755,
 *     mtime 0) and an entry naming one later only fills in its mode and mtime. Two entries
 *     for one path are refused, whatever their order or spelling.
 */
#include "tarfs.h"

#include "kprintf.h"
#include "kutil.h"
#include "mem.h"
#include "param.h"
#include "vfs.h"

#define BLOCK 512u

/* Field offsets and sizes in a header (see the table above). */
#define H_NAME 0
#define H_MODE 100
#define H_UID 108
#define H_GID 116
#define H_SIZE 124
#define H_MTIME 136
#define H_CHKSUM 148
#define H_TYPE 156
#define H_LINKNAME 157
#define H_MAGIC 257
#define H_VERSION 263
#define H_UNAME 265
#define H_GNAME 297
#define H_DEVMAJOR 329
#define H_DEVMINOR 337
#define H_PREFIX 345
#define NAME_LEN 100
#define PREFIX_LEN 155

_Static_assert(TARFS_PATH_MAX == NAME_LEN, "a path is what the ustar name field holds");
_Static_assert(RUMPK_NAME_MAX >= NAME_LEN, "a component fits in a dirent");
_Static_assert(TARFS_MAX_NODES <= 0xffffffu, "node numbers fit the index");

#define NIL 0u            /* "no node" in child and sibling links: the root is never a child */
#define IMPLIED_DIR_MODE 0755u

struct tar_node {
	const char *name;       /* last component, inside the archive (not NUL-terminated) */
	const uint8_t *data;    /* regular files: the bytes, inside the archive */
	uint64_t size;          /* regular files: bytes of data */
	uint64_t mtime;
	uint32_t mode;          /* permission bits */
	uint32_t parent;
	uint32_t first_child, last_child, next_sibling; /* NIL-terminated, archive order */
	uint16_t namelen;
	uint8_t type;           /* RUMPK_FT_FILE or RUMPK_FT_DIR */
	uint8_t has_entry;      /* an archive entry of its own (not only implied) */
};

struct tarfs {
	const uint8_t *base;    /* the archive, in place */
	size_t size;
	uint32_t nentries;      /* headers */
	uint32_t nnodes, cap;   /* nodes used / allocated */
	struct tar_node node[]; /* node[0] is the root */
};

/* One header, decoded (pass 1 checks it; pass 2 decodes it again to insert it). */
struct entry {
	const char *name;  /* the name field */
	size_t namelen;    /* bytes before its NUL (or 100) */
	uint8_t type;      /* RUMPK_FT_* */
	uint32_t mode;
	uint64_t size, mtime;
	const uint8_t *data;
	uint32_t ncomp;    /* components after normalising */
};

/* Where the scan is, for messages. */
struct scan {
	const uint8_t *base;
	size_t size;
	size_t off;        /* current header */
	uint32_t index;    /* its number */
	const uint8_t *hdr;
	struct tar_error *e;
};

static const char *const reason_names[TAR_E_COUNT] = {
	[TAR_OK] = "ok",
	[TAR_E_TRUNCATED_HEADER] = "truncated-header",
	[TAR_E_TRUNCATED_DATA] = "truncated-data",
	[TAR_E_NO_END] = "no-end-marker",
	[TAR_E_LONE_ZERO_BLOCK] = "lone-zero-block",
	[TAR_E_TRAILING_DATA] = "trailing-data",
	[TAR_E_CHECKSUM] = "checksum",
	[TAR_E_OCTAL] = "octal-field",
	[TAR_E_GNU_MAGIC] = "gnu-magic",
	[TAR_E_MAGIC] = "not-ustar",
	[TAR_E_VERSION] = "ustar-version",
	[TAR_E_HARDLINK] = "hardlink",
	[TAR_E_SYMLINK] = "symlink",
	[TAR_E_DEVICE] = "device",
	[TAR_E_FIFO] = "fifo",
	[TAR_E_GNU_LONGNAME] = "gnu-longname",
	[TAR_E_PAX] = "pax-header",
	[TAR_E_GNU_SPARSE] = "gnu-sparse",
	[TAR_E_TYPE] = "entry-type",
	[TAR_E_DIR_SIZE] = "dir-size",
	[TAR_E_LINKNAME] = "linkname",
	[TAR_E_NAME_GARBAGE] = "name-garbage",
	[TAR_E_EMPTY_NAME] = "empty-name",
	[TAR_E_PREFIX] = "prefix",
	[TAR_E_NAME_CHAR] = "name-char",
	[TAR_E_ABSOLUTE] = "absolute-name",
	[TAR_E_DOTDOT] = "dotdot",
	[TAR_E_FILE_SLASH] = "file-slash",
	[TAR_E_TOO_DEEP] = "too-deep",
	[TAR_E_DUPLICATE] = "duplicate",
	[TAR_E_NOT_DIR] = "not-a-directory",
	[TAR_E_TOO_MANY] = "too-many",
	[TAR_E_NOMEM] = "no-memory",
};

const char *tar_reason_name(enum tar_reason r)
{
	return (unsigned)r < TAR_E_COUNT && reason_names[r] ? reason_names[r] : "unknown";
}

/* The RUMPK_E* code each reason is reported with (tarfs.h). */
static int reason_code(enum tar_reason r)
{
	switch (r) {
	case TAR_E_VERSION:
		return -RUMPK_EVERSION;
	case TAR_E_HARDLINK: case TAR_E_SYMLINK: case TAR_E_DEVICE: case TAR_E_FIFO:
	case TAR_E_GNU_LONGNAME: case TAR_E_PAX: case TAR_E_GNU_SPARSE: case TAR_E_TYPE:
	case TAR_E_PREFIX:
		return -RUMPK_ENOSYS;
	case TAR_E_TOO_DEEP: case TAR_E_TOO_MANY:
		return -RUMPK_ERANGE;
	case TAR_E_DUPLICATE:
		return -RUMPK_EEXIST;
	case TAR_E_NOT_DIR:
		return -RUMPK_ENOTDIR;
	case TAR_E_NOMEM:
		return -RUMPK_ENOMEM;
	default:
		return -RUMPK_EINVAL;
	}
}

/* The name field of the current header, printable and short, for messages. */
static void shown_name(const struct scan *s, char *out, size_t size)
{
	size_t n = 0;
	if (s->hdr) {
		for (size_t i = 0; i < NAME_LEN && s->hdr[i] && n + 4 < size; i++) {
			uint8_t c = s->hdr[i];
			out[n++] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
		}
		if (n + 4 >= size && s->hdr[n])
			out[n++] = '~'; /* cut short */
	}
	out[n] = '\0';
}

/* Records why the archive is refused; returns the negative code. */
static int refuse(struct scan *s, enum tar_reason r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int refuse(struct scan *s, enum tar_reason r, const char *fmt, ...)
{
	int err = reason_code(r);
	struct tar_error *e = s->e;
	char name[36], detail[TAR_MSG_MAX];
	va_list ap;

	if (!e)
		return err;
	va_start(ap, fmt);
	kvsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	shown_name(s, name, sizeof(name));
	e->reason = r;
	e->err = err;
	e->offset = s->off;
	e->entry = s->index;
	if (s->hdr)
		ksnprintf(e->msg, sizeof(e->msg), "%s: entry %u '%s' at byte %llu: %s",
			  tar_reason_name(r), s->index, name, (unsigned long long)s->off, detail);
	else
		ksnprintf(e->msg, sizeof(e->msg), "%s: at byte %llu: %s", tar_reason_name(r),
			  (unsigned long long)s->off, detail);
	return err;
}

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/*
 * A numeric field: octal digits from its first byte, then one or more NUL or space bytes to
 * its end. At most n - 1 digits, so nothing can overflow (11 digits is 33 bits). With
 * allow_empty an all-NUL field reads as 0 (devmajor/devminor of a file). Returns 0 or -1.
 */
static int octal(const uint8_t *f, size_t n, int allow_empty, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (allow_empty && all_zero(f, n)) {
		*out = 0;
		return 0;
	}
	while (i < n && f[i] >= '0' && f[i] <= '7') {
		if (v > (UINT64_MAX >> 3))
			return -1;
		v = (v << 3) | (uint64_t)(f[i] - '0');
		i++;
	}
	if (i == 0 || i == n)
		return -1; /* no digit, or no terminator */
	for (; i < n; i++)
		if (f[i] != '\0' && f[i] != ' ')
			return -1;
	*out = v;
	return 0;
}

/* A string field: bytes up to the first NUL (or the whole field), only NULs after it.
 * Returns the length, or -1 if something follows the NUL. */
static long str_field(const uint8_t *f, size_t n)
{
	size_t len = 0;
	while (len < n && f[len])
		len++;
	return len < n && !all_zero(f + len, n - len) ? -1 : (long)len;
}

/* Checks the checksum: the stored octal value must equal the sum of all 512 bytes with the
 * checksum field counted as spaces, taken as unsigned or as signed bytes. */
static int check_sum(struct scan *s)
{
	const uint8_t *h = s->hdr;
	uint64_t stored;
	uint64_t usum = 0;
	int64_t ssum = 0;

	if (octal(h + H_CHKSUM, 8, 0, &stored))
		return refuse(s, TAR_E_OCTAL, "checksum field is not octal");
	for (size_t i = 0; i < BLOCK; i++) {
		uint8_t c = i >= H_CHKSUM && i < H_CHKSUM + 8 ? ' ' : h[i];
		usum += c;
		ssum += (int8_t)c;
	}
	if (stored != usum && (ssum < 0 || stored != (uint64_t)ssum))
		return refuse(s, TAR_E_CHECKSUM, "stored %llo, unsigned sum %llo, signed sum %s%llo "
			      "(octal)", (unsigned long long)stored, (unsigned long long)usum,
			      ssum < 0 ? "-" : "",
			      (unsigned long long)(ssum < 0 ? -ssum : ssum));
	return 0;
}

/* The type flag: which entries exist at all, and why the others are refused. */
static int check_type(struct scan *s, struct entry *en)
{
	uint8_t t = s->hdr[H_TYPE];

	switch (t) {
	case '0': case '\0':
		en->type = RUMPK_FT_FILE;
		return 0;
	case '5':
		en->type = RUMPK_FT_DIR;
		return 0;
	case '1':
		return refuse(s, TAR_E_HARDLINK, "hard links are not supported");
	case '2':
		return refuse(s, TAR_E_SYMLINK, "symbolic links are not supported");
	case '3': case '4':
		return refuse(s, TAR_E_DEVICE, "device nodes are not supported");
	case '6':
		return refuse(s, TAR_E_FIFO, "FIFOs are not supported");
	case 'L': case 'K':
		return refuse(s, TAR_E_GNU_LONGNAME, "GNU long name/link header '%c'", t);
	case 'x': case 'g':
		return refuse(s, TAR_E_PAX, "pax extended header '%c': pack with --format=ustar", t);
	case 'S':
		return refuse(s, TAR_E_GNU_SPARSE, "GNU sparse file");
	default:
		if (t >= 0x20 && t < 0x7f)
			return refuse(s, TAR_E_TYPE, "entry type '%c' is not supported", t);
		return refuse(s, TAR_E_TYPE, "entry type byte %#x is not supported", t);
	}
}

/*
 * The name: syntax, then the normalised component count. Components are separated by one
 * or more '/'; empty and "." components are dropped.
 */
static int check_name(struct scan *s, struct entry *en)
{
	const uint8_t *h = s->hdr;
	long n = str_field(h + H_NAME, NAME_LEN);

	if (n < 0)
		return refuse(s, TAR_E_NAME_GARBAGE, "bytes after the NUL that ends the name");
	if (n == 0)
		return refuse(s, TAR_E_EMPTY_NAME, "empty name");
	if (h[H_PREFIX] != 0)
		return refuse(s, TAR_E_PREFIX, "the prefix field is set (paths must fit in %d bytes)",
			      NAME_LEN);
	if (!all_zero(h + H_PREFIX, PREFIX_LEN))
		return refuse(s, TAR_E_NAME_GARBAGE, "bytes after the NUL that starts the prefix");
	if (h[H_LINKNAME] != 0)
		return refuse(s, TAR_E_LINKNAME, "a file or directory with a link name");
	if (!all_zero(h + H_LINKNAME, NAME_LEN))
		return refuse(s, TAR_E_NAME_GARBAGE, "bytes after the NUL that starts the link name");
	if (str_field(h + H_UNAME, 32) < 0 || str_field(h + H_GNAME, 32) < 0)
		return refuse(s, TAR_E_NAME_GARBAGE, "bytes after the NUL that ends uname/gname");

	en->name = (const char *)h + H_NAME;
	en->namelen = (size_t)n;
	for (long i = 0; i < n; i++)
		if (h[i] < 0x20 || h[i] == 0x7f)
			return refuse(s, TAR_E_NAME_CHAR, "control byte %#x at position %ld", h[i], i);
	if (h[0] == '/')
		return refuse(s, TAR_E_ABSOLUTE, "absolute name");

	uint32_t comps = 0;
	for (long i = 0; i < n;) {
		long j = i;
		while (j < n && h[j] != '/')
			j++;
		long len = j - i;
		if (len == 2 && h[i] == '.' && h[i + 1] == '.')
			return refuse(s, TAR_E_DOTDOT, "'..' component");
		if (len > 0 && !(len == 1 && h[i] == '.'))
			comps++;
		i = j + 1;
	}
	if (comps > TARFS_MAX_DEPTH)
		return refuse(s, TAR_E_TOO_DEEP, "%u components, the limit is %d", comps,
			      TARFS_MAX_DEPTH);
	if (en->type == RUMPK_FT_FILE && h[n - 1] == '/')
		return refuse(s, TAR_E_FILE_SLASH, "a regular file whose name ends in '/'");
	if (en->type == RUMPK_FT_FILE && comps == 0)
		return refuse(s, TAR_E_EMPTY_NAME, "a regular file named '.'");
	en->ncomp = comps;
	return 0;
}

/* One non-zero header at s->off, with at least BLOCK bytes present: everything that can be
 * checked without the other entries. Fills *en. */
static int check_header(struct scan *s, struct entry *en)
{
	const uint8_t *h = s->hdr;
	uint64_t v;
	int err;

	if ((err = check_sum(s)))
		return err;
	if (kmemcmp(h + H_MAGIC, "ustar  \0", 8) == 0)
		return refuse(s, TAR_E_GNU_MAGIC, "GNU tar format: pack with tar --format=ustar");
	if (kmemcmp(h + H_MAGIC, "ustar\0", 6) != 0)
		return refuse(s, TAR_E_MAGIC, "no ustar magic (not a POSIX ustar header)");
	if (h[H_VERSION] != '0' || h[H_VERSION + 1] != '0')
		return refuse(s, TAR_E_VERSION, "ustar version %#x %#x, expected \"00\"",
			      h[H_VERSION], h[H_VERSION + 1]);
	if ((err = check_type(s, en)))
		return err;

	static const struct {
		uint16_t off, len;
		uint8_t allow_empty;
		const char *what;
	} fields[] = {
		{ H_MODE, 8, 0, "mode" },   { H_UID, 8, 0, "uid" },
		{ H_GID, 8, 0, "gid" },     { H_SIZE, 12, 0, "size" },
		{ H_MTIME, 12, 0, "mtime" }, { H_DEVMAJOR, 8, 1, "devmajor" },
		{ H_DEVMINOR, 8, 1, "devminor" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		if (octal(h + fields[i].off, fields[i].len, fields[i].allow_empty, &v))
			return refuse(s, TAR_E_OCTAL, "%s field is not octal", fields[i].what);
		if (fields[i].off == H_MODE)
			en->mode = (uint32_t)(v & 07777);
		else if (fields[i].off == H_SIZE)
			en->size = v;
		else if (fields[i].off == H_MTIME)
			en->mtime = v;
	}
	if (en->type == RUMPK_FT_DIR && en->size != 0)
		return refuse(s, TAR_E_DIR_SIZE, "a directory of %llu bytes",
			      (unsigned long long)en->size);
	if ((err = check_name(s, en)))
		return err;

	/* data: whole blocks, inside the archive (size < 2^33, so nothing wraps) */
	uint64_t need = (en->size + BLOCK - 1) / BLOCK * BLOCK;
	uint64_t left = s->size - s->off - BLOCK;
	if (need > left)
		return refuse(s, TAR_E_TRUNCATED_DATA,
			      "%llu bytes of data, %llu left in the archive",
			      (unsigned long long)en->size, (unsigned long long)left);
	en->data = h + BLOCK;
	return 0;
}

/*
 * Pass 1 over the whole archive. Calls `each` for every entry if given (pass 2), else only
 * checks and counts. On the end marker: the two zero blocks, then only zeros.
 */
static int scan_archive(struct scan *s, uint32_t *nentries, uint64_t *ncomp,
			int (*each)(void *ctx, struct scan *s, const struct entry *en), void *ctx)
{
	*nentries = 0;
	*ncomp = 0;
	for (s->off = 0, s->index = 0;; s->index++) {
		size_t left = s->size - s->off;
		const uint8_t *p = s->base + s->off;
		struct entry en;
		int err;

		s->hdr = 0;
		if (left < BLOCK) {
			if (all_zero(p, left))
				return refuse(s, TAR_E_NO_END, "the archive ends without two zero blocks");
			return refuse(s, TAR_E_TRUNCATED_HEADER, "only %zu bytes of a 512-byte header",
				      left);
		}
		if (all_zero(p, BLOCK)) {
			left -= BLOCK;
			if (left < BLOCK)
				return refuse(s, TAR_E_NO_END, "one zero block, then the archive ends");
			if (!all_zero(p + BLOCK, BLOCK)) {
				s->off += BLOCK;
				return refuse(s, TAR_E_LONE_ZERO_BLOCK,
					      "a zero block followed by a non-zero one");
			}
			left -= BLOCK;
			if (!all_zero(p + 2 * BLOCK, left)) {
				s->off += 2 * BLOCK;
				return refuse(s, TAR_E_TRAILING_DATA,
					      "non-zero bytes after the end-of-archive blocks");
			}
			return 0;
		}
		s->hdr = p;
		kmemset(&en, 0, sizeof(en));
		if (*nentries == TARFS_MAX_ENTRIES)
			return refuse(s, TAR_E_TOO_MANY, "more than %d entries", TARFS_MAX_ENTRIES);
		if ((err = check_header(s, &en)))
			return err;
		if (each && (err = each(ctx, s, &en)))
			return err;
		(*nentries)++;
		*ncomp += en.ncomp;
		s->off += BLOCK + (size_t)((en.size + BLOCK - 1) / BLOCK * BLOCK);
	}
}

/* ---- pass 2: the tree -------------------------------------------------------------------- */

static uint32_t child(const struct tarfs *fs, uint32_t dir, const char *name, size_t len)
{
	for (uint32_t c = fs->node[dir].first_child; c != NIL; c = fs->node[c].next_sibling)
		if (fs->node[c].namelen == len && kmemcmp(fs->node[c].name, name, len) == 0)
			return c;
	return NIL;
}

/* A new node under dir; NIL when the index is full. */
static uint32_t add_node(struct tarfs *fs, uint32_t dir, const char *name, size_t len,
			 uint8_t type)
{
	if (fs->nnodes == fs->cap)
		return NIL;
	uint32_t n = fs->nnodes++;
	struct tar_node *t = &fs->node[n];
	kmemset(t, 0, sizeof(*t));
	t->name = name;
	t->namelen = (uint16_t)len;
	t->type = type;
	t->mode = IMPLIED_DIR_MODE;
	t->parent = dir;
	struct tar_node *d = &fs->node[dir];
	if (d->last_child != NIL)
		fs->node[d->last_child].next_sibling = n;
	else
		d->first_child = n;
	d->last_child = n;
	return n;
}

/* Inserts one checked entry: walks (creating implied directories) to its parent, then adds
 * or completes its node. */
static int insert(void *ctx, struct scan *s, const struct entry *en)
{
	struct tarfs *fs = ctx;
	uint32_t dir = 0;
	const char *p = en->name, *end = en->name + en->namelen;
	uint32_t left = en->ncomp;

	while (left > 0) {
		while (*p == '/' || (*p == '.' && (p + 1 == end || p[1] == '/')))
			p++; /* empty and "." components */
		const char *q = p;
		while (q < end && *q != '/')
			q++;
		size_t len = (size_t)(q - p);
		uint32_t c = child(fs, dir, p, len);
		left--;
		if (left > 0) { /* a directory on the way */
			if (c == NIL && (c = add_node(fs, dir, p, len, RUMPK_FT_DIR)) == NIL)
				return refuse(s, TAR_E_TOO_MANY, "more than %d nodes", TARFS_MAX_NODES);
			if (fs->node[c].type != RUMPK_FT_DIR)
				return refuse(s, TAR_E_NOT_DIR, "'%.*s' is a file, not a directory",
					      (int)len, p);
			dir = c;
			p = q;
			continue;
		}
		if (c == NIL) {
			if ((c = add_node(fs, dir, p, len, en->type)) == NIL)
				return refuse(s, TAR_E_TOO_MANY, "more than %d nodes", TARFS_MAX_NODES);
		} else if (fs->node[c].has_entry) {
			return refuse(s, TAR_E_DUPLICATE, "a second entry for this path");
		} else if (en->type != RUMPK_FT_DIR) {
			return refuse(s, TAR_E_NOT_DIR, "earlier entries use this file as a directory");
		}
		dir = c;
		break;
	}
	/* dir is the entry's node (the root when the name normalised to nothing) */
	struct tar_node *t = &fs->node[dir];
	if (t->has_entry)
		return refuse(s, TAR_E_DUPLICATE, "a second entry for the root directory");
	t->has_entry = 1;
	t->mode = en->mode;
	t->mtime = en->mtime;
	t->size = en->size;
	t->data = en->data;
	return 0;
}

int tar_mount(const void *base, size_t size, struct tarfs **out, struct tar_error *e)
{
	struct scan s = { .base = base, .size = size, .e = e };
	uint32_t nentries, again;
	uint64_t ncomp;
	int err;

	if (e)
		kmemset(e, 0, sizeof(*e));
	*out = 0;
	if (size == 0 || !base)
		return refuse(&s, TAR_E_NO_END, "an empty archive (not even the two zero blocks)");
	if ((err = scan_archive(&s, &nentries, &ncomp, 0, 0)))
		return err;

	uint64_t cap = 1 + ncomp < TARFS_MAX_NODES ? 1 + ncomp : TARFS_MAX_NODES;
	struct tarfs *fs = kmem_alloc(sizeof(*fs) + cap * sizeof(struct tar_node));
	if (!fs) {
		s.hdr = 0;
		s.off = 0;
		return refuse(&s, TAR_E_NOMEM, "no memory for an index of %llu nodes",
			      (unsigned long long)cap);
	}
	fs->base = base;
	fs->size = size;
	fs->cap = (uint32_t)cap;
	fs->nnodes = 1;
	fs->node[0].type = RUMPK_FT_DIR;
	fs->node[0].mode = IMPLIED_DIR_MODE;
	if ((err = scan_archive(&s, &again, &ncomp, insert, fs))) {
		kmem_free(fs);
		return err;
	}
	fs->nentries = nentries;
	*out = fs;
	return 0;
}

void tar_unmount(struct tarfs *fs)
{
	kmem_free(fs);
}

void tar_counts(const struct tarfs *fs, uint32_t *nodes, uint32_t *entries)
{
	*nodes = fs->nnodes;
	*entries = fs->nentries;
}

/* ---- the VFS operations ---------------------------------------------------------------- */

static uint32_t op_root(void *fs)
{
	(void)fs;
	return 0;
}

static int op_lookup(void *vfs, uint32_t dir, const char *name, size_t len, uint32_t *out)
{
	struct tarfs *fs = vfs;
	if (fs->node[dir].type != RUMPK_FT_DIR)
		return -RUMPK_ENOTDIR;
	uint32_t c = child(fs, dir, name, len);
	if (c == NIL)
		return -RUMPK_ENOENT;
	*out = c;
	return 0;
}

static void op_stat(void *vfs, uint32_t node, struct rumpk_stat *st)
{
	const struct tar_node *t = &((struct tarfs *)vfs)->node[node];
	kmemset(st, 0, sizeof(*st));
	st->type = t->type;
	st->mode = t->mode;
	st->size = t->size;
	st->mtime = t->mtime;
}

static size_t op_read(void *vfs, uint32_t node, uint64_t off, void *buf, size_t len)
{
	const struct tar_node *t = &((struct tarfs *)vfs)->node[node];
	if (off >= t->size)
		return 0;
	if (len > t->size - off)
		len = (size_t)(t->size - off);
	kmemcpy(buf, t->data + off, len);
	return len;
}

#define CURSOR_END UINT64_MAX

static int op_readdir(void *vfs, uint32_t dir, uint64_t *cursor, struct rumpk_dirent *out)
{
	struct tarfs *fs = vfs;
	uint32_t c;

	if (dir >= fs->nnodes || fs->node[dir].type != RUMPK_FT_DIR)
		return -RUMPK_ENOTDIR;
	if (*cursor == CURSOR_END)
		return 0;
	/* 0: not started; otherwise the next child (never 0: the root is nobody's child).
	 * The cursor lives in a handle: whatever wrote it last, it is an index into node[]
	 * only if it names a node of this directory, so that is checked here, where it is
	 * used, not left to every caller. */
	if (*cursor != 0 && (*cursor >= fs->nnodes || fs->node[*cursor].parent != dir))
		return -RUMPK_EINVAL;
	c = *cursor == 0 ? fs->node[dir].first_child : (uint32_t)*cursor;
	if (c == NIL) {
		*cursor = CURSOR_END;
		return 0;
	}
	const struct tar_node *t = &fs->node[c];
	kmemset(out, 0, sizeof(*out));
	out->type = t->type;
	out->namelen = t->namelen;
	out->size = t->size;
	kmemcpy(out->name, t->name, t->namelen);
	*cursor = t->next_sibling != NIL ? t->next_sibling : CURSOR_END;
	return 1;
}

static void op_release(void *fs)
{
	tar_unmount(fs);
}

const struct vfs_fs_ops tar_vfs_ops = {
	.name = "tarfs",
	.root = op_root,
	.lookup = op_lookup,
	.stat = op_stat,
	.read = op_read,
	.readdir = op_readdir,
	.release = op_release,
};
