/*
 * fdt_boot.c — fills struct rumpk_boot_info from a flattened device tree, for every
 * bare-metal HAL (fdt_boot.h gives the contract).
 *
 * The tree is read once, at boot, with libfdt; nothing here keeps a pointer into it. Values
 * the kernel can do without (extra RAM ranges, an odd initrd, a bad command line) are
 * dropped with one "hal: ..." line each, never silently. A reserved range that does not fit
 * stops the boot instead: dropping it could hand firmware memory to the allocator.
 *
 * Machine-specific knowledge stays in the HALs: which registers hold the tree, which
 * windows are mapped, which devices exist. This file knows only the Devicetree
 * Specification (v0.4) and the /chosen conventions QEMU and Linux bootloaders use.
 * It lives outside rumpk_libk because it calls the core (kprintf, core_halt), which
 * libk's other users (libfdt, libsodium, later user programs) must not.
 */
#include <libfdt.h>
#include <string.h>

#include "boot.h"
#include "fdt_boot.h"
#include "kprintf.h"

#define HALT_BOOT_FAILURE 255 /* the code of a boot that cannot reach core_main */

/* ---- the node index ------------------------------------------------------------------ */

/*
 * libfdt answers "parent of", "path" and "first node compatible with" by walking the tree
 * from its start, and each lookup of a property scans the node's properties again. That
 * is quick on hardware, but under QEMU's TCG the boot paid ~500,000 translated-block runs
 * (~7 ms on aarch64 virt, whose tree has ~70 nodes) for a dozen such lookups. So the
 * first helper call walks the tree once (fdt_next_tag) and keeps, per node, its offset,
 * its parent and what the lookups here ask about: "compatible", whether it is enabled, and
 * whether it is a memory node. Offsets stay valid: nothing here moves data in the tree
 * (fdt_boot_fill only overwrites seed bytes in place). A tree deeper or larger than the
 * index, or one whose structure the walk rejects, leaves the index unused and every
 * helper falls back to the plain libfdt calls, with the same answers.
 */
#define IX_MAX_NODES 256
#define IX_MAX_DEPTH 16
#define IX_ENABLED 0x1 /* no "status", or "okay"/"ok" (DT spec 2.3.4) */
#define IX_MEMORY 0x2  /* device_type = "memory" */

struct ix_node {
	int off;            /* structure offset of the node */
	const char *name;   /* its name with the unit address, NUL-terminated */
	int parent;         /* index of the parent node, -1 for the root */
	const char *compat; /* the "compatible" string list, NULL if none */
	int compat_len;
	int flags;
};

static struct {
	const void *fdt; /* the tree indexed; NULL before the first call */
	int ok;          /* 0: the tree did not fit or is malformed, use libfdt */
	int n;
	struct ix_node node[IX_MAX_NODES];
} ix;

enum { NAME_OTHER, NAME_COMPATIBLE, NAME_STATUS, NAME_DEVICE_TYPE };

/* Which of the names above a property's string-table offset holds. A tree has a few dozen
 * distinct property names, so a small direct-mapped cache spares most fdt_get_string()s. */
static int prop_name(const void *fdt, int nameoff)
{
	static struct {
		const void *fdt;
		int nameoff;
		int id;
	} cache[64];
	unsigned h = (unsigned)nameoff % 64;
	int len, id = NAME_OTHER;

	if (cache[h].fdt == fdt && cache[h].nameoff == nameoff)
		return cache[h].id;
	const char *name = fdt_get_string(fdt, nameoff, &len);
	if (name && strcmp(name, "compatible") == 0)
		id = NAME_COMPATIBLE;
	else if (name && strcmp(name, "status") == 0)
		id = NAME_STATUS;
	else if (name && strcmp(name, "device_type") == 0)
		id = NAME_DEVICE_TYPE;
	cache[h].fdt = fdt;
	cache[h].nameoff = nameoff;
	cache[h].id = id;
	return id;
}

/* Reads one property of the node ix.node[i] into its record. */
static int index_prop(const void *fdt, int off, struct ix_node *n)
{
	int len;
	const struct fdt_property *p = fdt_get_property_by_offset(fdt, off, &len);

	if (!p)
		return -1;
	switch (prop_name(fdt, (int)fdt32_ld(&p->nameoff))) {
	case NAME_COMPATIBLE:
		n->compat = len > 0 ? p->data : NULL;
		n->compat_len = len;
		break;
	case NAME_STATUS: /* an unterminated status says nothing we can trust: disabled */
		if (len <= 0 || strnlen(p->data, (size_t)len) == (size_t)len ||
		    (strcmp(p->data, "okay") != 0 && strcmp(p->data, "ok") != 0))
			n->flags &= ~IX_ENABLED;
		break;
	case NAME_DEVICE_TYPE:
		if (len == sizeof("memory") && memcmp(p->data, "memory", sizeof("memory")) == 0)
			n->flags |= IX_MEMORY;
		break;
	}
	return 0;
}

/* One walk over the structure block; sets ix.ok only if it reached FDT_END cleanly. */
static void index_build(const void *fdt)
{
	int stack[IX_MAX_DEPTH], depth = -1, off = 0, next;

	ix.fdt = fdt;
	ix.ok = 0;
	ix.n = 0;
	for (;; off = next) {
		uint32_t tag = fdt_next_tag(fdt, off, &next);
		if (next < 0)
			return;
		switch (tag) {
		case FDT_BEGIN_NODE:
			if (++depth == IX_MAX_DEPTH || ix.n == IX_MAX_NODES)
				return;
			/* fdt_next_tag has checked that the name after the tag is terminated */
			ix.node[ix.n] = (struct ix_node){
				.off = off, .flags = IX_ENABLED,
				.name = (const char *)fdt_offset_ptr(fdt, off, FDT_TAGSIZE) + FDT_TAGSIZE,
				.parent = depth ? stack[depth - 1] : -1 };
			stack[depth] = ix.n++;
			break;
		case FDT_PROP:
			if (depth < 0 || index_prop(fdt, off, &ix.node[stack[depth]]) < 0)
				return;
			break;
		case FDT_END_NODE:
			if (depth-- < 0)
				return;
			break;
		case FDT_NOP:
			break;
		case FDT_END:
			ix.ok = depth == -1 && ix.n > 0;
			return;
		default:
			return;
		}
	}
}

/* Whether the index describes this tree (built on first use). */
static int ix_ready(const void *fdt)
{
	if (ix.fdt != fdt)
		index_build(fdt);
	return ix.ok;
}

/* The index entry of the node at `off`, or -1 (offsets are ascending in the index). */
static int ix_find(int off)
{
	int lo = 0, hi = ix.n - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (ix.node[mid].off == off)
			return mid;
		if (ix.node[mid].off < off)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* libfdt's node-name rule: "name" matches "name" and, when it has no unit address of its
 * own, "name@unit". */
static int name_matches(const char *name, const char *s, int len)
{
	if (strnlen(name, (size_t)len) < (size_t)len || memcmp(name, s, (size_t)len) != 0)
		return 0;
	return name[len] == '\0' || (name[len] == '@' && !memchr(s, '@', (size_t)len));
}

int fdt_boot_path(const void *fdt, const char *path, int len)
{
	if (!ix_ready(fdt) || len <= 0 || path[0] != '/')
		return fdt_path_offset_namelen(fdt, path, len); /* aliases, or no index */
	int cur = 0; /* the root */
	const char *p = path, *end = path + len;
	while (p < end) {
		while (p < end && *p == '/')
			p++;
		if (p == end)
			break;
		const char *q = memchr(p, '/', (size_t)(end - p));
		int clen = (int)((q ? q : end) - p), child = -1;
		for (int i = cur + 1; i < ix.n && child < 0; i++)
			if (ix.node[i].parent == cur && name_matches(ix.node[i].name, p, clen))
				child = i;
		if (child < 0)
			return -FDT_ERR_NOTFOUND;
		cur = child;
		p += clen;
	}
	return ix.node[cur].off;
}

int fdt_boot_compatible(const void *fdt, int from, const char *compatible)
{
	if (!ix_ready(fdt))
		return fdt_node_offset_by_compatible(fdt, from, compatible);
	int i = from < 0 ? 0 : ix_find(from) + 1;
	if (from >= 0 && i == 0)
		return -FDT_ERR_BADOFFSET;
	for (; i < ix.n; i++)
		if (ix.node[i].compat &&
		    fdt_stringlist_contains(ix.node[i].compat, ix.node[i].compat_len, compatible))
			return ix.node[i].off;
	return -FDT_ERR_NOTFOUND;
}

/* ---- properties and reg ------------------------------------------------------------ */

/* The value of n (<= 2) big-endian cells. */
static uint64_t cells_value(const fdt32_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 32 | fdt32_ld(p + i);
	return v;
}

/*
 * A bus node's #address-cells or #size-cells: dflt when absent (DT spec 2.3.5), -1 when
 * malformed. Not libfdt's fdt_address_cells(): its file also refers to fdt_appendprop,
 * which this build does not compile (docs/NOTES.md).
 */
static int cell_count(const void *fdt, int node, const char *name, int dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
	if (!p)
		return dflt;
	return len == 4 ? (int)fdt32_ld(p) : -1;
}

uint32_t fdt_boot_prop_u32(const void *fdt, int node, const char *name, uint32_t dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
	return p && len == 4 ? fdt32_ld(p) : dflt;
}

int fdt_boot_prop_u64(const void *fdt, int node, const char *name, uint64_t *out)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		return -RUMPK_ENOENT;
	if (len != 4 && len != 8)
		return -RUMPK_EINVAL;
	*out = cells_value(p, len / 4);
	return 0;
}

const char *fdt_boot_prop_string(const void *fdt, int node, const char *name, int *lenp)
{
	int len;
	const char *s = fdt_getprop(fdt, node, name, &len);

	if (!s || len <= 0 || strnlen(s, (size_t)len) == (size_t)len)
		return NULL;
	*lenp = (int)strnlen(s, (size_t)len);
	return s;
}

/* A node is in use unless its "status" says otherwise (DT spec 2.3.4); an unterminated
 * status says nothing we can trust, so it disables the node. */
static int node_enabled(const void *fdt, int node)
{
	int len, i;
	const char *s;

	if (ix_ready(fdt) && (i = ix_find(node)) >= 0)
		return ix.node[i].flags & IX_ENABLED;
	if (!fdt_getprop(fdt, node, "status", &len))
		return 1;
	s = fdt_boot_prop_string(fdt, node, "status", &len);
	return s && (strcmp(s, "okay") == 0 || strcmp(s, "ok") == 0);
}

int fdt_boot_reg(const void *fdt, int node, int idx, uint64_t *base, uint64_t *size)
{
	int i = ix_ready(fdt) ? ix_find(node) : -1;
	int parent = i < 0 ? fdt_parent_offset(fdt, node)
			   : ix.node[i].parent < 0 ? -FDT_ERR_NOTFOUND : ix.node[ix.node[i].parent].off;
	int ac = cell_count(fdt, parent, "#address-cells", 2);
	int sc = cell_count(fdt, parent, "#size-cells", 1);
	int len, stride = ac + sc;
	const fdt32_t *reg;

	if (parent < 0 || ac < 1 || ac > 2 || sc < 0 || sc > 2)
		return -RUMPK_EINVAL;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || idx < 0 || len < 0 ||
	    (size_t)len < (size_t)(idx + 1) * (size_t)stride * sizeof(fdt32_t))
		return -RUMPK_ENOENT;
	reg += idx * stride;
	*base = cells_value(reg, ac);
	*size = cells_value(reg + ac, sc);
	return 0;
}

uint64_t fdt_boot_device_base(const void *fdt, const char *compatible, uint64_t dflt,
			      int *nodep)
{
	int node = -1;
	uint64_t base, size;

	while ((node = fdt_boot_compatible(fdt, node, compatible)) >= 0) {
		if (node_enabled(fdt, node) && fdt_boot_reg(fdt, node, 0, &base, &size) == 0) {
			*nodep = node;
			return base;
		}
	}
	*nodep = -1;
	return dflt;
}

/* ---- memory ------------------------------------------------------------------------ */

/* Extra RAM ranges cost only the RAM they describe: say so and go on. */
static void add_mem(struct rumpk_boot_info *bi, uint64_t base, uint64_t size)
{
	if (size == 0)
		return;
	if (bi->nmem == RUMPK_BOOT_MAX_MEM) {
		kprintf("hal: RAM at %#llx (+%#llx) ignored: more than %d memory ranges\n",
			(unsigned long long)base, (unsigned long long)size, RUMPK_BOOT_MAX_MEM);
		return;
	}
	bi->mem[bi->nmem].base = base;
	bi->mem[bi->nmem].size = size;
	bi->nmem++;
}

/* Returns 1 if the range did not fit (the caller halts once it has counted them all). */
static int add_reserved(struct rumpk_boot_info *bi, uint64_t base, uint64_t size)
{
	if (size == 0)
		return 0;
	if (bi->nreserved == RUMPK_BOOT_MAX_RESERVED)
		return 1;
	bi->reserved[bi->nreserved].base = base;
	bi->reserved[bi->nreserved].size = size;
	bi->nreserved++;
	return 0;
}

/* Every enabled node whose device_type is "memory", each of its reg pairs. */
static void find_memory(struct rumpk_boot_info *bi, const void *fdt)
{
	int node = -1;
	uint64_t base, size;

	if (ix_ready(fdt)) {
		for (int n = 0; n < ix.n; n++) {
			if ((ix.node[n].flags & (IX_MEMORY | IX_ENABLED)) != (IX_MEMORY | IX_ENABLED))
				continue;
			for (int i = 0; fdt_boot_reg(fdt, ix.node[n].off, i, &base, &size) == 0; i++)
				add_mem(bi, base, size);
		}
		return;
	}
	while ((node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory",
						     sizeof("memory"))) >= 0) {
		if (!node_enabled(fdt, node))
			continue;
		for (int i = 0; fdt_boot_reg(fdt, node, i, &base, &size) == 0; i++)
			add_mem(bi, base, size);
	}
}

/* The header's memory-reservation block, then the reg of every enabled /reserved-memory
 * child (children with only a "size" are for an OS allocator to place: none here). */
static void find_reserved(struct rumpk_boot_info *bi, const void *fdt)
{
	int dropped = 0, node, parent;
	uint64_t base, size;

	for (int i = 0; i < fdt_num_mem_rsv(fdt); i++)
		if (fdt_get_mem_rsv(fdt, i, &base, &size) == 0)
			dropped += add_reserved(bi, base, size);
	parent = fdt_boot_path(fdt, "/reserved-memory", sizeof("/reserved-memory") - 1);
	if (parent >= 0) {
		fdt_for_each_subnode(node, fdt, parent) {
			if (!node_enabled(fdt, node))
				continue;
			for (int i = 0; fdt_boot_reg(fdt, node, i, &base, &size) == 0; i++)
				dropped += add_reserved(bi, base, size);
		}
	}
	if (dropped) {
		kprintf("hal: the device tree reserves %d memory ranges beyond the limit of %d "
			"(RUMPK_BOOT_MAX_RESERVED): cannot boot safely\n", dropped,
			RUMPK_BOOT_MAX_RESERVED);
		core_halt(HALT_BOOT_FAILURE);
	}
}

/* ---- /chosen ----------------------------------------------------------------------- */

/* The initrd the loader placed (QEMU -initrd): both ends, either cell width, end > start,
 * and all of it inside one of the RAM ranges already found (find_memory runs first). */
static void find_initrd(struct rumpk_boot_info *bi, const void *fdt, int chosen)
{
	uint64_t start, end;
	int has_start = fdt_boot_prop_u64(fdt, chosen, "linux,initrd-start", &start) == 0;
	int has_end = fdt_boot_prop_u64(fdt, chosen, "linux,initrd-end", &end) == 0;

	if (!has_start && !has_end)
		return;
	if (!has_start || !has_end || end <= start) {
		kprintf("hal: /chosen linux,initrd-start/-end are missing, malformed, reversed or "
			"empty: initrd ignored\n");
		return;
	}
	for (uint32_t i = 0; i < bi->nmem; i++) {
		uint64_t lo = bi->mem[i].base, hi = lo + bi->mem[i].size;
		if (hi > lo && start >= lo && end <= hi) {
			bi->initrd.base = start;
			bi->initrd.size = end - start;
			return;
		}
	}
	/* Outside RAM it would be read through whatever lies there (MMIO, nothing, or the
	 * gap between two ranges), and never be kept away from the page allocator. */
	kprintf("hal: initrd [%#llx, %#llx) is not inside one RAM range: initrd ignored\n",
		(unsigned long long)start, (unsigned long long)end);
}

/* bootargs (QEMU -append) that the boot info cannot hold are refused whole, never cut
 * (cmdline.c's rule). */
static void find_cmdline(struct rumpk_boot_info *bi, const void *fdt, int chosen)
{
	int len;
	const char *args;

	if (!fdt_getprop(fdt, chosen, "bootargs", &len))
		return;
	args = fdt_boot_prop_string(fdt, chosen, "bootargs", &len);
	if (!args) {
		kprintf("hal: /chosen bootargs is not a NUL-terminated string: ignored\n");
		return;
	}
	if (len > RUMPK_BOOT_CMDLINE_MAX - 1) {
		kprintf("hal: kernel command line is %d bytes, the limit is %d: ignored\n", len,
			RUMPK_BOOT_CMDLINE_MAX - 1);
		return;
	}
	memcpy(bi->cmdline, args, (size_t)len + 1);
}

/* splitmix64's finaliser: every input bit reaches every output bit. Not a CSPRNG; the
 * core hashes the entropy into its boot key and knows from the flag how much to trust it. */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 * The seeds QEMU (>= 7.1, dtb-randomness) and bootloaders put in /chosen are folded into
 * the 32 bytes, then wiped from the tree so nothing that reads it later learns them. With
 * fewer than 32 seed bytes, the time taken by busy loops whose length varies with host
 * scheduling is mixed in, and the result is flagged WEAK.
 */
static void gather_entropy(struct rumpk_boot_info *bi, void *fdt, int chosen,
			   uint64_t (*counter)(void))
{
	static const char *const seeds[] = { "rng-seed", "kaslr-seed" };
	size_t got = 0;

	for (size_t s = 0; chosen >= 0 && s < sizeof(seeds) / sizeof(seeds[0]); s++) {
		int len;
		uint8_t *p = fdt_getprop_w(fdt, chosen, seeds[s], &len);
		if (!p || len <= 0)
			continue;
		for (int i = 0; i < len; i++)
			bi->entropy[(got + (size_t)i) % RUMPK_BOOT_ENTROPY_BYTES] ^= p[i];
		memset(p, 0, (size_t)len);
		got += (size_t)len;
	}
	if (got >= RUMPK_BOOT_ENTROPY_BYTES)
		return;
	bi->flags |= RUMPK_BOOT_ENTROPY_WEAK;
	uint64_t h = counter();
	for (int w = 0; w < RUMPK_BOOT_ENTROPY_BYTES / 8; w++) {
		for (int round = 0; round < 64; round++) {
			uint64_t t0 = counter();
			for (volatile uint64_t spin = h & 0xff; spin; spin--)
				;
			h = mix64(h ^ t0 ^ (counter() - t0) << 32);
		}
		for (int b = 0; b < 8; b++)
			bi->entropy[w * 8 + b] ^= (uint8_t)(h >> (8 * b));
	}
}

/* ---- the boot info ----------------------------------------------------------------- */

void fdt_boot_fill(struct rumpk_boot_info *bi, void *fdt, uint64_t dtb_pa,
		   uint64_t (*counter)(void))
{
	int chosen;

	memset(bi, 0, sizeof(*bi));
	bi->version = RUMPK_BOOT_INFO_VERSION;
	find_memory(bi, fdt);
	find_reserved(bi, fdt);
	bi->dtb.base = dtb_pa;
	bi->dtb.size = fdt_totalsize(fdt);
	chosen = fdt_boot_path(fdt, "/chosen", sizeof("/chosen") - 1);
	if (chosen >= 0) {
		find_initrd(bi, fdt, chosen);
		find_cmdline(bi, fdt, chosen);
	}
	gather_entropy(bi, fdt, chosen, counter);
}
