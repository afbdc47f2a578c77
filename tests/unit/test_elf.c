/*
 * test_elf.c — the ELF validator (src/core/elf.c) on the real programs the build made
 * (build/<preset>/programs, every machine: RUMPK_PROGRAMS_DIR) and on the malformed corpus
 * made from them (build/<preset>/elf-corpus/<machine>: RUMPK_CORPUS_DIR).
 *
 * Covered: every built program is accepted for its own machine with the facts the loader
 * needs, and refused for every other (aarch64 <-> riscv64, x86_64 on both ports); every
 * corpus file gives exactly the refusal its manifest names, on all three machines, and the
 * corpus covers every refusal; every prefix of a program shorter than its segments is
 * refused and every longer one accepted (each in a buffer of exactly that size, so the
 * sanitizer build catches a read past the end); boundaries the corpus does not pin down
 * (the last byte of text as entry point, a relocation in the last 8 bytes, p_align at the
 * ELF_MAX_ALIGN limit, e_phnum at its cap); what is accepted and ignored (PT_NOTE,
 * PT_GNU_EH_FRAME, PT_PHDR, no PT_GNU_STACK, an empty PT_LOAD, DT_PLTRELSZ 0); a fixed-
 * address (ET_EXEC) version of the program; an unaligned buffer; and the names, texts and
 * descriptions of the refusals.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf.h"
#include "fake_hal.h"

#ifndef RUMPK_PROGRAMS_DIR
#error "RUMPK_PROGRAMS_DIR: build/<preset>/programs (tests/unit/CMakeLists.txt)"
#endif
#ifndef RUMPK_CORPUS_DIR
#error "RUMPK_CORPUS_DIR: build/<preset>/elf-corpus (tests/unit/CMakeLists.txt)"
#endif

static const struct machine {
	const char *name; /* corpus and cross-program directory */
	const char *dir;  /* "" for the hosted preset's own programs */
	uint16_t em;
} machines[] = {
	{ "x86_64", "", ELF_EM_X86_64 },
	{ "riscv64", "riscv64/", ELF_EM_RISCV },
	{ "aarch64", "aarch64/", ELF_EM_AARCH64 },
};

static uint8_t *program(const struct machine *m, const char *name, size_t *size)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s%s.elf", RUMPK_PROGRAMS_DIR, m->dir, name);
	return fake_read_file(path, size);
}

/* ---- field access on a copy ---------------------------------------------------------- */

static struct elf64_ehdr eh_of(const uint8_t *f)
{
	struct elf64_ehdr eh;
	memcpy(&eh, f, sizeof(eh));
	return eh;
}

static struct elf64_phdr ph_of(const uint8_t *f, int i)
{
	struct elf64_phdr ph;
	memcpy(&ph, f + eh_of(f).e_phoff + (size_t)i * sizeof(ph), sizeof(ph));
	return ph;
}

static void ph_put(uint8_t *f, int i, const struct elf64_phdr *ph)
{
	memcpy(f + eh_of(f).e_phoff + (size_t)i * sizeof(*ph), ph, sizeof(*ph));
}

static void eh_put(uint8_t *f, const struct elf64_ehdr *eh)
{
	memcpy(f, eh, sizeof(*eh));
}

/* Index of the first program header of `type` (with all of `flags`), or -1. */
static int find_ph(const uint8_t *f, uint32_t type, uint32_t flags)
{
	for (int i = 0; i < eh_of(f).e_phnum; i++) {
		struct elf64_phdr ph = ph_of(f, i);
		if (ph.p_type == type && (ph.p_flags & flags) == flags)
			return i;
	}
	return -1;
}

/* File offset of the first dynamic entry with `tag`, or 0. */
static size_t find_dyn(const uint8_t *f, int64_t tag)
{
	struct elf64_phdr d = ph_of(f, find_ph(f, ELF_PT_DYNAMIC, 0));
	for (size_t o = d.p_offset; o + 16 <= d.p_offset + d.p_filesz; o += 16) {
		int64_t t;
		memcpy(&t, f + o, 8);
		if (t == tag)
			return o;
	}
	return 0;
}

static int validate(const uint8_t *f, size_t size, uint16_t em, struct elf_image *img)
{
	int r = elf_validate_for(f, size, em, img);
	ck_assert_int_eq(r, img->err == ELF_OK ? 0 : -RUMPK_ENOEXEC);
	return r;
}

#define expect_err(f, size, em, want)                                                      \
	do {                                                                               \
		struct elf_image img_;                                                     \
		validate((f), (size), (em), &img_);                                        \
		ck_assert_msg(img_.err == (want), "got %s, want %s", elf_err_name(img_.err), \
			      elf_err_name(want));                                         \
	} while (0)

/* ---- the real programs ---------------------------------------------------------------- */

START_TEST(accepts_every_built_program)
{
	static const char *const names[] = { RUMPK_BIN_PROGRAMS }; /* RUMPK_PROGRAMS */
	size_t nnames = sizeof(names) / sizeof(names[0]);

	ck_assert_uint_ge(nnames, 6);
	for (size_t m = 0; m < 3; m++) {
		for (size_t n = 0; n < nnames; n++) {
			size_t size;
			uint8_t *f = program(&machines[m], names[n], &size);
			struct elf_image img;
			char why[160];

			validate(f, size, machines[m].em, &img);
			elf_describe(&img, why, sizeof(why));
			ck_assert_msg(img.err == ELF_OK, "%s/%s: %s", machines[m].name, names[n],
				      why);
			ck_assert_str_eq(why, "valid ELF image");
			ck_assert_uint_eq(img.type, ELF_ET_DYN);
			ck_assert_uint_eq(img.machine, machines[m].em);
			ck_assert_uint_eq(img.nloads, 4); /* R, RX, RW (RELRO), RW (data + bss) */
			ck_assert_uint_eq(img.loads[0].prot, HAL_PROT_R);
			ck_assert_uint_eq(img.loads[1].prot, HAL_PROT_R | HAL_PROT_X);
			ck_assert_uint_eq(img.loads[2].prot, HAL_PROT_R | HAL_PROT_W);
			ck_assert_uint_eq(img.loads[3].prot, HAL_PROT_R | HAL_PROT_W);
			ck_assert(img.entry >= img.loads[1].vaddr &&
				  img.entry < img.loads[1].vaddr + img.loads[1].filesz);
			ck_assert_uint_eq(img.lo, 0);
			ck_assert_uint_eq(img.max_align, 4096);
			ck_assert_uint_eq(img.phdr_vaddr, eh_of(f).e_phoff);
			ck_assert_uint_eq(img.phnum, eh_of(f).e_phnum);
			ck_assert(img.relro_memsz > 0);
			ck_assert(img.has_stack_hdr);
			if (strcmp(names[n], "ldtest") == 0) {
				ck_assert_uint_ge(img.rela_count, 6);
				ck_assert(img.loads[3].memsz > img.loads[3].filesz + 16384);
			}
			if (m == 0) /* this HAL's own machine through the plain entry point */
				ck_assert_int_eq(elf_validate(f, size, &img), 0);
			free(f);
		}
	}
}
END_TEST

START_TEST(refuses_every_foreign_machine)
{
	for (size_t m = 0; m < 3; m++) {
		size_t size;
		uint8_t *f = program(&machines[m], "ldtest", &size);
		for (size_t k = 0; k < 3; k++)
			if (k != m)
				expect_err(f, size, machines[k].em, ELF_E_MACHINE);
		expect_err(f, size, 3 /* EM_386: no RELATIVE type known here */, ELF_E_MACHINE);
		if (m != 0) { /* a port's program is not for the hosted HAL */
			struct elf_image img;
			ck_assert_int_eq(elf_validate(f, size, &img), -RUMPK_ENOEXEC);
			ck_assert_int_eq(img.err, ELF_E_MACHINE);
		}
		free(f);
	}
}
END_TEST

/* ---- the corpus ----------------------------------------------------------------------- */

static enum elf_err err_by_name(const char *name)
{
	for (int e = 0; e < ELF_ERR_COUNT; e++)
		if (strcmp(elf_err_name((enum elf_err)e), name) == 0)
			return (enum elf_err)e;
	ck_abort_msg("manifest names an unknown error %s", name);
	return ELF_ERR_COUNT;
}

START_TEST(corpus_gives_exactly_the_tagged_refusal)
{
	const struct machine *m = &machines[_i];
	char path[512], line[512];
	int seen[ELF_ERR_COUNT] = { 0 };
	unsigned files = 0;

	snprintf(path, sizeof(path), "%s/%s/manifest.txt", RUMPK_CORPUS_DIR, m->name);
	FILE *man = fopen(path, "r");
	ck_assert_msg(man != NULL, "no manifest %s", path);
	while (fgets(line, sizeof(line), man)) {
		char file[256], tag[64];
		if (line[0] == '#' || sscanf(line, "%255s %63s", file, tag) != 2)
			continue;
		enum elf_err want = err_by_name(tag);
		char fpath[800];
		size_t size;
		snprintf(fpath, sizeof(fpath), "%s/%s/%s", RUMPK_CORPUS_DIR, m->name, file);
		uint8_t *f = fake_read_file(fpath, &size);
		struct elf_image img;
		validate(f, size, m->em, &img);
		ck_assert_msg(img.err == want, "%s/%s: got %s, manifest says %s", m->name, file,
			      elf_err_name(img.err), tag);
		seen[want]++;
		files++;
		free(f);
	}
	fclose(man);
	ck_assert_uint_ge(files, 50);
	ck_assert_int_ge(seen[ELF_OK], 1);
	for (int e = 1; e < ELF_ERR_COUNT; e++)
		if (e != ELF_E_PLACEMENT) /* the loader's, not the validator's */
			ck_assert_msg(seen[e] > 0, "%s corpus: no file for %s", m->name,
				      elf_err_name((enum elf_err)e));
}
END_TEST

/* ---- truncation and buffers ----------------------------------------------------------- */

START_TEST(every_short_prefix_is_refused)
{
	size_t size, need = 0;
	uint8_t *f = program(&machines[_i], "ldtest", &size);
	struct elf_image img;

	/* the file data segments need; what lies beyond (symbols, debug info) is never read */
	for (int i = 0; i < eh_of(f).e_phnum; i++) {
		struct elf64_phdr ph = ph_of(f, i);
		if (ph.p_offset + ph.p_filesz > need)
			need = ph.p_offset + ph.p_filesz;
	}
	ck_assert_uint_lt(need, size);
	for (size_t len = 0; len <= need + 64; len++) {
		uint8_t *p = malloc(len ? len : 1); /* exactly len bytes: ASan sees overreads */
		memcpy(p, f, len);
		int r = elf_validate_for(p, len, machines[_i].em, &img);
		if (len < sizeof(struct elf64_ehdr))
			ck_assert_int_eq(img.err, ELF_E_SHORT);
		else if (len < need)
			ck_assert_msg(img.err == ELF_E_SEG_EOF || img.err == ELF_E_PHDR_EOF,
				      "prefix %zu: %s", len, elf_err_name(img.err));
		else
			ck_assert_msg(r == 0, "prefix %zu: %s", len, elf_err_name(img.err));
		free(p);
	}
	free(f);
}
END_TEST

START_TEST(unaligned_buffer)
{
	size_t size;
	uint8_t *f = program(&machines[0], "ldtest", &size);
	uint8_t *odd = malloc(size + 1);
	struct elf_image a, b;

	memcpy(odd + 1, f, size);
	ck_assert_int_eq(elf_validate_for(f, size, ELF_EM_X86_64, &a), 0);
	ck_assert_int_eq(elf_validate_for(odd + 1, size, ELF_EM_X86_64, &b), 0);
	ck_assert_mem_eq(&a, &b, sizeof(a));
	free(odd);
	free(f);
}
END_TEST

/* ---- boundaries and what is accepted -------------------------------------------------- */

static uint8_t *f0;
static size_t size0;

static void load_x86(void)
{
	fake_reset();
	f0 = program(&machines[0], "ldtest", &size0);
}

static void free_x86(void)
{
	free(f0);
}

START_TEST(entry_at_last_byte_of_text)
{
	int t = find_ph(f0, ELF_PT_LOAD, ELF_PF_X);
	struct elf64_phdr ph = ph_of(f0, t);
	struct elf64_ehdr eh = eh_of(f0);

	eh.e_entry = ph.p_vaddr + ph.p_filesz - 1;
	eh_put(f0, &eh);
	expect_err(f0, size0, ELF_EM_X86_64, ELF_OK);
	eh.e_entry = ph.p_vaddr;
	eh_put(f0, &eh);
	expect_err(f0, size0, ELF_EM_X86_64, ELF_OK);
	eh.e_entry = ph.p_vaddr - 1;
	eh_put(f0, &eh);
	expect_err(f0, size0, ELF_EM_X86_64, ELF_E_ENTRY);
}
END_TEST

START_TEST(relocation_in_last_eight_bytes)
{
	struct elf_image img;
	ck_assert_int_eq(validate(f0, size0, ELF_EM_X86_64, &img), 0);
	const struct elf_seg *d = &img.loads[3];
	struct elf64_rela r;

	memcpy(&r, f0 + img.rela_off, sizeof(r));
	r.r_offset = d->vaddr + d->memsz - 8;
	memcpy(f0 + img.rela_off, &r, sizeof(r));
	expect_err(f0, size0, ELF_EM_X86_64, ELF_OK);
	r.r_offset++;
	memcpy(f0 + img.rela_off, &r, sizeof(r));
	expect_err(f0, size0, ELF_EM_X86_64, ELF_E_RELOC_TARGET);
	/* RELRO is writable until the loader protects it: a target there is fine */
	r.r_offset = img.relro_vaddr;
	memcpy(f0 + img.rela_off, &r, sizeof(r));
	expect_err(f0, size0, ELF_EM_X86_64, ELF_OK);
}
END_TEST

START_TEST(alignment_limits)
{
	int t = find_ph(f0, ELF_PT_LOAD, ELF_PF_X);
	struct elf64_phdr ph = ph_of(f0, t);
	struct elf_image img;

	ph.p_align = ELF_MAX_ALIGN; /* text is at 0x1000 in file and memory: still congruent */
	ph_put(f0, t, &ph);
	ck_assert_int_eq(validate(f0, size0, ELF_EM_X86_64, &img), 0);
	ck_assert_uint_eq(img.max_align, ELF_MAX_ALIGN);
	ph.p_align = 2 * ELF_MAX_ALIGN;
	ph_put(f0, t, &ph);
	expect_err(f0, size0, ELF_EM_X86_64, ELF_E_ALIGN_LARGE);
	ph.p_align = 4096;
	ph.p_vaddr += 64 << 10; /* still congruent modulo a page: moved, not broken */
	ph.p_paddr = ph.p_vaddr;
	ph_put(f0, t, &ph);
	struct elf64_ehdr eh = eh_of(f0);
	eh.e_entry += 64 << 10;
	eh_put(f0, &eh);
	expect_err(f0, size0, ELF_EM_X86_64, ELF_OK);
}
END_TEST

/* Moves the program header table to the end of a bigger copy, with `extra` copies of
 * header `copy` added; returns the new buffer. */
static uint8_t *phdrs_at_end(const uint8_t *f, size_t size, int copy, int extra, size_t *nsize)
{
	struct elf64_ehdr eh = eh_of(f);
	size_t at = (size + 7) & ~(size_t)7;
	size_t table = (size_t)(eh.e_phnum + extra) * sizeof(struct elf64_phdr);
	uint8_t *n = calloc(1, at + table);

	memcpy(n, f, size);
	memcpy(n + at, f + eh.e_phoff, (size_t)eh.e_phnum * sizeof(struct elf64_phdr));
	for (int i = 0; i < extra; i++)
		memcpy(n + at + (size_t)(eh.e_phnum + i) * sizeof(struct elf64_phdr),
		       f + eh.e_phoff + (size_t)copy * sizeof(struct elf64_phdr),
		       sizeof(struct elf64_phdr));
	eh.e_phoff = at;
	eh.e_phnum = (uint16_t)(eh.e_phnum + extra);
	eh_put(n, &eh);
	*nsize = at + table;
	return n;
}

START_TEST(phnum_cap)
{
	int note = find_ph(f0, ELF_PT_NOTE, 0);
	int phnum = eh_of(f0).e_phnum;
	size_t n;

	ck_assert_int_ge(note, 0);
	/* ELF_MAX_PHNUM headers, extra PT_NOTEs: gets past the cap, then stops because the
	 * moved table is outside every PT_LOAD */
	uint8_t *a = phdrs_at_end(f0, size0, note, ELF_MAX_PHNUM - phnum, &n);
	expect_err(a, n, ELF_EM_X86_64, ELF_E_PHDR_UNMAPPED);
	free(a);
	a = phdrs_at_end(f0, size0, note, ELF_MAX_PHNUM + 1 - phnum, &n);
	expect_err(a, n, ELF_EM_X86_64, ELF_E_PHNUM_MAX);
	free(a);
	/* eight PT_LOADs are allowed (then the copies overlap), nine are not */
	int first = find_ph(f0, ELF_PT_LOAD, 0);
	a = phdrs_at_end(f0, size0, first, ELF_MAX_LOADS - 4, &n);
	expect_err(a, n, ELF_EM_X86_64, ELF_E_LOAD_OVERLAP);
	free(a);
	a = phdrs_at_end(f0, size0, first, ELF_MAX_LOADS - 3, &n);
	expect_err(a, n, ELF_EM_X86_64, ELF_E_TOO_MANY_LOADS);
	free(a);
}
END_TEST

START_TEST(accepted_and_ignored)
{
	int note = find_ph(f0, ELF_PT_NOTE, 0), stack = find_ph(f0, ELF_PT_GNU_STACK, 0);
	struct elf64_phdr ph = ph_of(f0, note);
	struct elf_image img;

	ph.p_type = ELF_PT_GNU_EH_FRAME;
	ph_put(f0, note, &ph);
	expect_err(f0, size0, ELF_EM_X86_64, ELF_OK);
	ph = ph_of(f0, stack); /* no PT_GNU_STACK at all: the stack is never executable anyway */
	ph.p_type = ELF_PT_NOTE;
	ph_put(f0, stack, &ph);
	ck_assert_int_eq(validate(f0, size0, ELF_EM_X86_64, &img), 0);
	ck_assert_int_eq(img.has_stack_hdr, 0);
	ck_assert_int_ge(find_ph(f0, ELF_PT_PHDR, 0), 0);

	/* DT_PLTRELSZ 0 and unknown tags are harmless */
	size_t spare = find_dyn(f0, 6 /* DT_SYMTAB */);
	ck_assert_uint_ne(spare, 0);
	int64_t tag = ELF_DT_PLTRELSZ;
	uint64_t zero = 0;
	memcpy(f0 + spare, &tag, 8);
	memcpy(f0 + spare + 8, &zero, 8);
	expect_err(f0, size0, ELF_EM_X86_64, ELF_OK);
	tag = 0x6fff0000;
	memcpy(f0 + spare, &tag, 8);
	expect_err(f0, size0, ELF_EM_X86_64, ELF_OK);
}
END_TEST

START_TEST(empty_load_is_accepted)
{
	int note = find_ph(f0, ELF_PT_NOTE, 0);
	struct elf64_phdr ph = { 0 };
	struct elf_image img;

	/* a fifth PT_LOAD with nothing in it, where the PT_NOTE was: no pages, no overlap */
	ph.p_type = ELF_PT_LOAD;
	ph.p_flags = ELF_PF_R;
	ph.p_vaddr = ph.p_paddr = 0x100000;
	ph.p_align = 4096;
	ph_put(f0, note, &ph);
	ck_assert_int_eq(validate(f0, size0, ELF_EM_X86_64, &img), 0);
	ck_assert_uint_eq(img.nloads, 5);
	ck_assert_uint_lt(img.hi, 0x100000); /* an empty segment adds no page */
}
END_TEST

/* The program re-linked by hand at USER_IMAGE_OFFSET as a fixed-address ET_EXEC: every
 * link-time address moved (headers, entry, DT_RELA, relocation offsets and addends). */
static void make_exec(uint8_t *f, uint64_t delta)
{
	struct elf64_ehdr eh = eh_of(f);
	struct elf_image img;

	ck_assert_int_eq(elf_validate_for(f, size0, ELF_EM_X86_64, &img), 0);
	for (uint64_t k = 0; k < img.rela_count; k++) {
		struct elf64_rela r;
		memcpy(&r, f + img.rela_off + k * sizeof(r), sizeof(r));
		r.r_offset += delta;
		r.r_addend += (int64_t)delta;
		memcpy(f + img.rela_off + k * sizeof(r), &r, sizeof(r));
	}
	size_t rela = find_dyn(f, ELF_DT_RELA);
	uint64_t v;
	memcpy(&v, f + rela + 8, 8);
	v += delta;
	memcpy(f + rela + 8, &v, 8);
	for (int i = 0; i < eh.e_phnum; i++) {
		struct elf64_phdr ph = ph_of(f, i);
		if (ph.p_type != ELF_PT_GNU_STACK) {
			ph.p_vaddr += delta;
			ph.p_paddr += delta;
		}
		ph_put(f, i, &ph);
	}
	eh.e_type = ELF_ET_EXEC;
	eh.e_entry += delta;
	eh_put(f, &eh);
}

START_TEST(fixed_address_program)
{
	struct elf_image img;

	make_exec(f0, USER_IMAGE_OFFSET);
	ck_assert_int_eq(validate(f0, size0, ELF_EM_X86_64, &img), 0);
	ck_assert_uint_eq(img.type, ELF_ET_EXEC);
	ck_assert_uint_eq(img.lo, USER_IMAGE_OFFSET);
	ck_assert_uint_eq(img.phdr_vaddr, USER_IMAGE_OFFSET + eh_of(f0).e_phoff);
	/* one page lower is below the fixed-address window */
	make_exec(f0, (uint64_t)-4096);
	expect_err(f0, size0, ELF_EM_X86_64, ELF_E_SEG_RANGE);
}
END_TEST

/* ---- names ---------------------------------------------------------------------------- */

START_TEST(every_refusal_has_a_distinct_name_and_text)
{
	for (int a = 0; a < ELF_ERR_COUNT; a++) {
		const char *na = elf_err_name((enum elf_err)a);
		ck_assert(strncmp(na, a ? "ELF_E_" : "ELF_OK", 6) == 0);
		ck_assert_uint_gt(strlen(elf_err_text((enum elf_err)a)), 4);
		for (int b = 0; b < a; b++) {
			ck_assert_str_ne(na, elf_err_name((enum elf_err)b));
			ck_assert_str_ne(elf_err_text((enum elf_err)a),
					 elf_err_text((enum elf_err)b));
		}
	}
	ck_assert_str_eq(elf_err_name(ELF_ERR_COUNT), "ELF_E_?");
	ck_assert_str_eq(elf_err_name((enum elf_err)-1), "ELF_E_?");
	ck_assert_str_eq(elf_err_text(ELF_ERR_COUNT), "unknown ELF refusal");
	ck_assert_uint_eq(elf_relative_type(ELF_EM_X86_64), 8);
	ck_assert_uint_eq(elf_relative_type(ELF_EM_RISCV), 3);
	ck_assert_uint_eq(elf_relative_type(ELF_EM_AARCH64), 1027);
	ck_assert_uint_eq(elf_relative_type(3), 0);
}
END_TEST

START_TEST(descriptions_say_where)
{
	struct elf_image img;
	char buf[200];
	int t = find_ph(f0, ELF_PT_LOAD, ELF_PF_X);
	struct elf64_phdr ph = ph_of(f0, t);

	ph.p_flags |= ELF_PF_W;
	ph_put(f0, t, &ph);
	validate(f0, size0, ELF_EM_X86_64, &img);
	elf_describe(&img, buf, sizeof(buf));
	char want[200];
	snprintf(want, sizeof(want),
		 "program header %d: segment both writable and executable (ELF_E_WX)", t);
	ck_assert_str_eq(buf, want);
	validate(f0, 10, ELF_EM_X86_64, &img);
	elf_describe(&img, buf, sizeof(buf));
	ck_assert_str_eq(buf, "file shorter than an ELF64 header (ELF_E_SHORT)");
	img.err = ELF_E_RELOC_SYM;
	img.where = 4;
	elf_describe(&img, buf, sizeof(buf));
	ck_assert_str_eq(buf, "relocation 4: RELATIVE relocation names a symbol (ELF_E_RELOC_SYM)");
	img.err = ELF_E_NEEDED;
	elf_describe(&img, buf, 12);
	ck_assert_str_eq(buf, "dynamic ent");
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("elf");
	TCase *tc = tcase_create("programs");
	tcase_add_test(tc, accepts_every_built_program);
	tcase_add_test(tc, refuses_every_foreign_machine);
	tcase_add_loop_test(tc, corpus_gives_exactly_the_tagged_refusal, 0, 3);
	tcase_add_loop_test(tc, every_short_prefix_is_refused, 0, 3);
	tcase_add_test(tc, unaligned_buffer);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	TCase *b = tcase_create("boundaries");
	tcase_add_checked_fixture(b, load_x86, free_x86);
	tcase_add_test(b, entry_at_last_byte_of_text);
	tcase_add_test(b, relocation_in_last_eight_bytes);
	tcase_add_test(b, alignment_limits);
	tcase_add_test(b, phnum_cap);
	tcase_add_test(b, accepted_and_ignored);
	tcase_add_test(b, empty_load_is_accepted);
	tcase_add_test(b, fixed_address_program);
	tcase_add_test(b, every_refusal_has_a_distinct_name_and_text);
	tcase_add_test(b, descriptions_say_where);
	suite_add_tcase(s, b);
	return s;
}

int main(void)
{
	return unit_main(make_suite());
}
