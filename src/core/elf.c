/*
 * elf.c — the ELF64 validator (contract in elf.h, the list of checks in docs/loader.md).
 *
 * Design: one pass in a fixed order — identification, file header, each program header
 * on its own, then the relations between segments (overlap, entry, program headers,
 * RELRO, PT_DYNAMIC), then the dynamic table, then every relocation. The first failed
 * check returns its own elf_err; nothing after it runs, so every refusal is reachable by
 * a file that breaks exactly that rule (tests/elf/make_corpus.py makes one per rule).
 *
 * Invariants: every read goes through rd(), which checks [off, off + len) against the
 * file size without overflow and copies into a local (the file may be unaligned); every
 * sum of two file-controlled values is checked for wrap-around before it is compared;
 * nothing is allocated; the only loops over file-controlled counts are bounded by the
 * file size (dynamic entries, relocations) or by param.h limits (program headers).
 */
#include "elf.h"

#include "hal.h"
#include "kprintf.h"
#include "kutil.h"
#include "mem.h" /* PAGE_SIZE */

/* Headers are copied into native structs: only right on a little-endian machine, which
 * every rumpk target is; the file's EI_DATA is checked to match. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the validator reads LE fields");

#define PAGE_DOWN(x) ((x) & ~(PAGE_SIZE - 1))
#define PAGE_UP(x) (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

struct file {
	const uint8_t *p;
	uint64_t size;
};

/* Copies [off, off + len) of the file into dst; -1 (nothing copied) if it is not all there. */
static int rd(const struct file *f, uint64_t off, void *dst, size_t len)
{
	if (off > f->size || len > f->size - off)
		return -1;
	kmemcpy(dst, f->p + off, len);
	return 0;
}

static int fail(struct elf_image *out, enum elf_err err, int where)
{
	out->err = err;
	out->where = where;
	return -RUMPK_ENOEXEC;
}

uint32_t elf_relative_type(uint16_t machine)
{
	switch (machine) {
	case ELF_EM_X86_64:
		return ELF_R_X86_64_RELATIVE;
	case ELF_EM_AARCH64:
		return ELF_R_AARCH64_RELATIVE;
	case ELF_EM_RISCV:
		return ELF_R_RISCV_RELATIVE;
	default:
		return 0;
	}
}

static unsigned prot_of(uint32_t p_flags)
{
	return ((p_flags & ELF_PF_R) ? HAL_PROT_R : 0) | ((p_flags & ELF_PF_W) ? HAL_PROT_W : 0) |
	       ((p_flags & ELF_PF_X) ? HAL_PROT_X : 0);
}

/* Checks one program header on its own and records what later checks need. */
static int check_phdr(const struct file *f, const struct elf64_phdr *ph, int i,
		      uint64_t win_lo, uint64_t win_hi, struct elf_image *out, int *load_idx,
		      int *dyn_idx, int *relro_idx)
{
	switch (ph->p_type) {
	case ELF_PT_LOAD:
	case ELF_PT_DYNAMIC:
	case ELF_PT_NOTE:
	case ELF_PT_PHDR:
	case ELF_PT_GNU_EH_FRAME:
	case ELF_PT_GNU_STACK:
	case ELF_PT_GNU_RELRO:
		break;
	case ELF_PT_INTERP:
		return fail(out, ELF_E_INTERP, i);
	default: /* PT_NULL is harmless but has no business in a program either */
		return fail(out, ELF_E_SEG_TYPE, i);
	}
	if (ph->p_filesz > ph->p_memsz)
		return fail(out, ELF_E_FILESZ, i);
	if (ph->p_offset + ph->p_filesz < ph->p_offset)
		return fail(out, ELF_E_SEG_OFF_WRAP, i);
	if (ph->p_offset + ph->p_filesz > f->size)
		return fail(out, ELF_E_SEG_EOF, i);
	if (ph->p_vaddr + ph->p_memsz < ph->p_vaddr)
		return fail(out, ELF_E_SEG_VA_WRAP, i);

	switch (ph->p_type) {
	case ELF_PT_LOAD: {
		if (out->nloads == ELF_MAX_LOADS)
			return fail(out, ELF_E_TOO_MANY_LOADS, i);
		if (ph->p_align == 0)
			return fail(out, ELF_E_ALIGN_ZERO, i);
		if (ph->p_align & (ph->p_align - 1))
			return fail(out, ELF_E_ALIGN_POW2, i);
		if (ph->p_align < PAGE_SIZE)
			return fail(out, ELF_E_ALIGN_SMALL, i);
		if (ph->p_align > ELF_MAX_ALIGN)
			return fail(out, ELF_E_ALIGN_LARGE, i);
		if ((ph->p_vaddr - ph->p_offset) & (ph->p_align - 1))
			return fail(out, ELF_E_CONGRUENCE, i);
		if (ph->p_vaddr < win_lo || ph->p_vaddr + ph->p_memsz > win_hi)
			return fail(out, ELF_E_SEG_RANGE, i);
		if ((ph->p_flags & ELF_PF_W) && (ph->p_flags & ELF_PF_X))
			return fail(out, ELF_E_WX, i);
		struct elf_seg *s = &out->loads[out->nloads];
		s->vaddr = ph->p_vaddr;
		s->memsz = ph->p_memsz;
		s->offset = ph->p_offset;
		s->filesz = ph->p_filesz;
		s->prot = prot_of(ph->p_flags);
		load_idx[out->nloads++] = i;
		if (ph->p_align > out->max_align)
			out->max_align = ph->p_align;
		break;
	}
	case ELF_PT_GNU_STACK:
		if (ph->p_flags & ELF_PF_X)
			return fail(out, ELF_E_EXEC_STACK, i);
		if (out->has_stack_hdr)
			return fail(out, ELF_E_DUP_SEGMENT, i);
		out->has_stack_hdr = 1;
		break;
	case ELF_PT_DYNAMIC:
		if (*dyn_idx >= 0)
			return fail(out, ELF_E_DUP_SEGMENT, i);
		*dyn_idx = i;
		break;
	case ELF_PT_GNU_RELRO:
		if (*relro_idx >= 0)
			return fail(out, ELF_E_DUP_SEGMENT, i);
		*relro_idx = i;
		break;
	default:
		break;
	}
	return 0;
}

/* The PT_LOAD whose file data holds [off, off + len), or NULL. */
static const struct elf_seg *load_holding_file(const struct elf_image *out, uint64_t off,
					       uint64_t len)
{
	for (unsigned i = 0; i < out->nloads; i++) {
		const struct elf_seg *s = &out->loads[i];
		if (off >= s->offset && off - s->offset <= s->filesz &&
		    len <= s->filesz - (off - s->offset))
			return s;
	}
	return NULL;
}

/* Reads PT_DYNAMIC: refuses what needs a dynamic linker, finds the RELA table. */
static int check_dynamic(const struct file *f, const struct elf64_phdr *dyn, int dyn_i,
			 struct elf_image *out)
{
	uint64_t rela = 0, relasz = 0, relaent = sizeof(struct elf64_rela);
	int have_rela = 0, have_relasz = 0, terminated = 0;
	uint64_t n = dyn->p_filesz / sizeof(struct elf64_dyn);

	for (uint64_t i = 0; i < n && !terminated; i++) {
		struct elf64_dyn d;
		int idx = (int)i; /* n <= file size / 16 */

		if (rd(f, dyn->p_offset + i * sizeof(d), &d, sizeof(d)))
			return fail(out, ELF_E_DYN_RANGE, dyn_i); /* not reached: checked above */
		switch (d.d_tag) {
		case ELF_DT_NULL:
			terminated = 1;
			break;
		case ELF_DT_NEEDED:
			return fail(out, ELF_E_NEEDED, idx);
		case ELF_DT_REL:
		case ELF_DT_RELSZ:
		case ELF_DT_RELENT:
		case ELF_DT_RELR:
		case ELF_DT_RELRSZ:
		case ELF_DT_RELRENT:
			return fail(out, ELF_E_DYN_REL, idx);
		case ELF_DT_JMPREL:
			return fail(out, ELF_E_DYN_PLT, idx);
		case ELF_DT_PLTRELSZ:
			if (d.d_val)
				return fail(out, ELF_E_DYN_PLT, idx);
			break;
		case ELF_DT_TEXTREL:
			return fail(out, ELF_E_DYN_TEXTREL, idx);
		case ELF_DT_FLAGS:
			if (d.d_val & ELF_DF_TEXTREL)
				return fail(out, ELF_E_DYN_TEXTREL, idx);
			break;
		/* the last of each counts, as in glibc's loader; all are validated below */
		case ELF_DT_RELA:
			rela = d.d_val;
			have_rela = 1;
			break;
		case ELF_DT_RELASZ:
			relasz = d.d_val;
			have_relasz = 1;
			break;
		case ELF_DT_RELAENT:
			relaent = d.d_val;
			break;
		default: /* symbol tables, hashes, DT_DEBUG, DT_FLAGS_1...: nothing to do */
			break;
		}
	}
	if (!terminated)
		return fail(out, ELF_E_DYN_UNTERMINATED, dyn_i);
	if (relaent != sizeof(struct elf64_rela))
		return fail(out, ELF_E_RELAENT, -1);
	if (have_rela != have_relasz)
		return fail(out, ELF_E_RELA_INCOMPLETE, -1);
	if (relasz % sizeof(struct elf64_rela))
		return fail(out, ELF_E_RELASZ, -1);
	if (!have_rela || relasz == 0)
		return 0;

	/* DT_RELA is an address: find the file data behind it */
	for (unsigned i = 0; i < out->nloads; i++) {
		const struct elf_seg *s = &out->loads[i];
		if (rela >= s->vaddr && rela - s->vaddr <= s->filesz &&
		    relasz <= s->filesz - (rela - s->vaddr)) {
			out->rela_off = s->offset + (rela - s->vaddr);
			out->rela_count = relasz / sizeof(struct elf64_rela);
			return 0;
		}
	}
	return fail(out, ELF_E_RELA_RANGE, -1);
}

/* Every relocation: RELATIVE, no symbol, 8 bytes inside one writable PT_LOAD. */
static int check_relocs(const struct file *f, uint32_t rel_type, struct elf_image *out)
{
	for (uint64_t i = 0; i < out->rela_count; i++) {
		struct elf64_rela r;
		int idx = (int)i; /* rela_count <= file size / 24 */

		if (rd(f, out->rela_off + i * sizeof(r), &r, sizeof(r)))
			return fail(out, ELF_E_RELA_RANGE, -1); /* not reached: checked above */
		if ((uint32_t)r.r_info != rel_type)
			return fail(out, ELF_E_RELOC_TYPE, idx);
		if (r.r_info >> 32)
			return fail(out, ELF_E_RELOC_SYM, idx);
		int ok = 0;
		for (unsigned j = 0; j < out->nloads && !ok; j++) {
			const struct elf_seg *s = &out->loads[j];
			ok = (s->prot & HAL_PROT_W) && r.r_offset >= s->vaddr && s->memsz >= 8 &&
			     r.r_offset - s->vaddr <= s->memsz - 8;
		}
		if (!ok)
			return fail(out, ELF_E_RELOC_TARGET, idx);
	}
	return 0;
}

int elf_validate_for(const void *file, size_t size, uint16_t machine, struct elf_image *out)
{
	const struct file f = { file, size };
	struct elf64_ehdr eh;
	struct elf64_phdr ph;
	int load_idx[ELF_MAX_LOADS];
	int dyn_i = -1, relro_i = -1;
	uint64_t win_lo, win_hi, table;
	unsigned i, j;
	int err;

	kmemset(out, 0, sizeof(*out));
	out->where = -1;

	/* identification and file header */
	if (rd(&f, 0, &eh, sizeof(eh)))
		return fail(out, ELF_E_SHORT, -1);
	if (eh.e_ident[0] != 0x7f || eh.e_ident[1] != 'E' || eh.e_ident[2] != 'L' ||
	    eh.e_ident[3] != 'F')
		return fail(out, ELF_E_MAGIC, -1);
	if (eh.e_ident[ELF_EI_CLASS] != ELF_CLASS64)
		return fail(out, ELF_E_CLASS, -1);
	if (eh.e_ident[ELF_EI_DATA] != ELF_DATA2LSB)
		return fail(out, ELF_E_DATA, -1);
	if (eh.e_ident[ELF_EI_VERSION] != ELF_EV_CURRENT)
		return fail(out, ELF_E_IDENT_VERSION, -1);
	if (eh.e_ident[ELF_EI_OSABI] != ELF_OSABI_SYSV && eh.e_ident[ELF_EI_OSABI] != ELF_OSABI_GNU)
		return fail(out, ELF_E_OSABI, -1);
	if (eh.e_type != ELF_ET_DYN && eh.e_type != ELF_ET_EXEC)
		return fail(out, ELF_E_TYPE, -1);
	uint32_t rel_type = elf_relative_type(machine);
	if (eh.e_machine != machine || rel_type == 0)
		return fail(out, ELF_E_MACHINE, -1);
	if (eh.e_version != ELF_EV_CURRENT)
		return fail(out, ELF_E_VERSION, -1);
	if (eh.e_ehsize != sizeof(struct elf64_ehdr))
		return fail(out, ELF_E_EHSIZE, -1);
	if (eh.e_phentsize != sizeof(struct elf64_phdr))
		return fail(out, ELF_E_PHENTSIZE, -1);
	if (eh.e_phnum == 0)
		return fail(out, ELF_E_PHNUM_ZERO, -1);
	if (eh.e_phnum > ELF_MAX_PHNUM)
		return fail(out, ELF_E_PHNUM_MAX, -1);
	table = (uint64_t)eh.e_phnum * sizeof(struct elf64_phdr); /* <= 32 * 56 */
	if (eh.e_phoff + table < eh.e_phoff)
		return fail(out, ELF_E_PHDR_WRAP, -1);
	if (eh.e_phoff + table > f.size)
		return fail(out, ELF_E_PHDR_EOF, -1);
	out->type = eh.e_type;
	out->machine = eh.e_machine;
	out->entry = eh.e_entry;
	out->phnum = eh.e_phnum;
	out->phoff = eh.e_phoff;

	/* ET_DYN is linked at 0 and placed by the loader; ET_EXEC's addresses are final */
	win_lo = eh.e_type == ELF_ET_DYN ? 0 : USER_IMAGE_OFFSET;
	win_hi = win_lo + USER_IMAGE_SPAN;

	/* each program header on its own */
	for (i = 0; i < eh.e_phnum; i++) {
		rd(&f, eh.e_phoff + i * sizeof(ph), &ph, sizeof(ph)); /* in the file: checked */
		err = check_phdr(&f, &ph, (int)i, win_lo, win_hi, out, load_idx, &dyn_i, &relro_i);
		if (err)
			return err;
	}
	if (out->nloads == 0)
		return fail(out, ELF_E_NO_LOAD, -1);

	/* relations between segments: page-granular, since pages are what gets mapped */
	out->lo = ~0ull;
	for (i = 0; i < out->nloads; i++) {
		const struct elf_seg *a = &out->loads[i];
		for (j = 0; j < i; j++) {
			const struct elf_seg *b = &out->loads[j];
			if (a->memsz && b->memsz &&
			    PAGE_DOWN(a->vaddr) < PAGE_UP(b->vaddr + b->memsz) &&
			    PAGE_DOWN(b->vaddr) < PAGE_UP(a->vaddr + a->memsz))
				return fail(out, ELF_E_LOAD_OVERLAP, load_idx[i]);
		}
		if (a->memsz == 0)
			continue; /* maps nothing */
		if (PAGE_DOWN(a->vaddr) < out->lo)
			out->lo = PAGE_DOWN(a->vaddr);
		if (PAGE_UP(a->vaddr + a->memsz) > out->hi)
			out->hi = PAGE_UP(a->vaddr + a->memsz);
	}
	for (i = 0; i < out->nloads; i++) {
		const struct elf_seg *s = &out->loads[i];
		if ((s->prot & HAL_PROT_X) && eh.e_entry >= s->vaddr &&
		    eh.e_entry - s->vaddr < s->filesz)
			break;
	}
	if (i == out->nloads)
		return fail(out, ELF_E_ENTRY, -1);
	const struct elf_seg *hold = load_holding_file(out, eh.e_phoff, table);
	if (!hold)
		return fail(out, ELF_E_PHDR_UNMAPPED, -1);
	out->phdr_vaddr = hold->vaddr + (eh.e_phoff - hold->offset);

	if (relro_i >= 0) {
		rd(&f, eh.e_phoff + (uint64_t)relro_i * sizeof(ph), &ph, sizeof(ph));
		if (ph.p_memsz) {
			/* lld ends RELRO on a page boundary past its PT_LOAD's memsz: pages */
			for (i = 0; i < out->nloads; i++) {
				const struct elf_seg *s = &out->loads[i];
				if ((s->prot & HAL_PROT_W) && ph.p_vaddr >= s->vaddr &&
				    ph.p_vaddr + ph.p_memsz <= PAGE_UP(s->vaddr + s->memsz))
					break;
			}
			if (i == out->nloads)
				return fail(out, ELF_E_RELRO_RANGE, relro_i);
			out->relro_vaddr = ph.p_vaddr;
			out->relro_memsz = ph.p_memsz;
		}
	}

	if (dyn_i >= 0) {
		rd(&f, eh.e_phoff + (uint64_t)dyn_i * sizeof(ph), &ph, sizeof(ph));
		if (!load_holding_file(out, ph.p_offset, ph.p_filesz))
			return fail(out, ELF_E_DYN_RANGE, dyn_i);
		err = check_dynamic(&f, &ph, dyn_i, out);
		if (err)
			return err;
	}
	return check_relocs(&f, rel_type, out);
}

int elf_validate(const void *file, size_t size, struct elf_image *out)
{
	return elf_validate_for(file, size, HAL_ELF_MACHINE, out);
}

#define ELF_ERR_NAME(name, text) #name,
#define ELF_ERR_TEXT(name, text) text,
static const char *const err_names[] = { ELF_ERRORS(ELF_ERR_NAME) };
static const char *const err_texts[] = { ELF_ERRORS(ELF_ERR_TEXT) };
_Static_assert(ARRAY_SIZE(err_names) == ELF_ERR_COUNT, "one name per elf_err");

const char *elf_err_name(enum elf_err err)
{
	return (unsigned)err < ELF_ERR_COUNT ? err_names[err] : "ELF_E_?";
}

const char *elf_err_text(enum elf_err err)
{
	return (unsigned)err < ELF_ERR_COUNT ? err_texts[err] : "unknown ELF refusal";
}

/* What out->where counts for each refusal. */
static const char *where_kind(enum elf_err err)
{
	switch (err) {
	case ELF_E_NEEDED:
	case ELF_E_DYN_REL:
	case ELF_E_DYN_PLT:
	case ELF_E_DYN_TEXTREL:
		return "dynamic entry";
	case ELF_E_RELOC_TYPE:
	case ELF_E_RELOC_SYM:
	case ELF_E_RELOC_TARGET:
		return "relocation";
	default:
		return "program header";
	}
}

int elf_describe(const struct elf_image *img, char *buf, size_t size)
{
	if (img->err == ELF_OK)
		return ksnprintf(buf, size, "valid ELF image");
	if (img->where < 0)
		return ksnprintf(buf, size, "%s (%s)", elf_err_text(img->err),
				 elf_err_name(img->err));
	return ksnprintf(buf, size, "%s %d: %s (%s)", where_kind(img->err), img->where,
			 elf_err_text(img->err), elf_err_name(img->err));
}
