/*
 * loader.c — puts a validated program into a user address space (contract in loader.h).
 *
 * Steps, each through hal.h only (the kernel never touches a user address itself):
 *   1. elf_validate the private copy; check the arguments' count and size.
 *   2. the space: always a new one (hal_as_create), at least USER_SPACE_MIN.
 *   3. the base: ET_DYN at user_lo + USER_IMAGE_OFFSET rounded up to the largest p_align;
 *      ET_EXEC where it was linked, if that lies in the image window of this space.
 *   4. each PT_LOAD: its pages mapped read-write, p_filesz bytes copied in. Pages come
 *      zeroed from the HAL and nothing beyond p_filesz is copied, so .bss and the tail of
 *      the last file page are zero.
 *   5. every R_*_RELATIVE: the 8 bytes at base + r_offset become base + r_addend.
 *   6. final permissions per segment (R, RX, RW), then PT_GNU_RELRO's whole pages R.
 *      W^X holds at every moment: nothing is ever writable and executable.
 *   7. the stack: USER_STACK_SIZE under user_hi - USER_STACK_TOP_GAP, holding (from the
 *      top) 16 AT_RANDOM bytes, the argv and envp strings, padding, then at sp: argc,
 *      argv[], NULL, envp[], NULL, auxv pairs ending with AT_NULL (System V layout).
 * Any failure destroys the space of step 2, which takes every mapping with it: undoing a
 * load is one call that cannot fail (unmapping piece by piece could, e.g. when a split
 * needs a range record the HAL has no room for), so a failed load always leaves the HAL as
 * it found it. The loader allocates no kernel memory.
 */
#include "loader.h"

#include "boot.h"
#include "kprintf.h"
#include "kutil.h"
#include "mem.h" /* PAGE_SIZE */
#include "param.h"
#include "sodium.h"

#define PAGE_DOWN(x) ((x) & ~(PAGE_SIZE - 1))
#define PAGE_UP(x) (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

static uint64_t loads_started; /* the AT_RANDOM counter: one per loader_load call */
static uint64_t spaces_live;   /* spaces loader_load made and nobody destroyed yet (stats) */

/* AT_RANDOM: SipHash-2-4 (128-bit output) keyed with the first 16 bytes of
 * SHA-512("rumpk AT_RANDOM v1" || boot entropy), over the load counter (8 bytes, little
 * endian). Distinct per load and per boot, and unpredictable without the boot entropy. */
#define AT_RANDOM_LABEL "rumpk AT_RANDOM v1"

void loader_at_random(const uint8_t entropy[RUMPK_BOOT_ENTROPY_BYTES], uint64_t seq,
		      uint8_t out[16])
{
	uint8_t in[sizeof(AT_RANDOM_LABEL) - 1 + RUMPK_BOOT_ENTROPY_BYTES], h[64], ctr[8];

	kmemcpy(in, AT_RANDOM_LABEL, sizeof(AT_RANDOM_LABEL) - 1);
	kmemcpy(in + sizeof(AT_RANDOM_LABEL) - 1, entropy, RUMPK_BOOT_ENTROPY_BYTES);
	crypto_hash_sha512(h, in, sizeof(in));
	for (int i = 0; i < 8; i++)
		ctr[i] = (uint8_t)(seq >> (8 * i));
	crypto_shorthash_siphashx24(out, ctr, sizeof(ctr), h); /* key: h[0..16) */
	kmemset(h, 0, sizeof(h));
	kmemset(in, 0, sizeof(in));
}

/* Takes away everything the load made by destroying its space. Keeps the validation
 * result so a caller can still say why a load failed. */
static void undo(struct loader_image *li)
{
	struct elf_image elf = li->elf;

	loader_space_destroy(li->as);
	kmemset(li, 0, sizeof(*li));
	li->elf = elf;
}

/* Steps 4-6. */
static int map_image(const uint8_t *file, struct loader_image *li)
{
	const struct elf_image *e = &li->elf;
	uint64_t b = li->base;
	unsigned i;
	int err;

	for (i = 0; i < e->nloads; i++) {
		const struct elf_seg *s = &e->loads[i];
		uint64_t lo = PAGE_DOWN(b + s->vaddr), hi = PAGE_UP(b + s->vaddr + s->memsz);
		if (s->memsz == 0)
			continue;
		err = hal_as_map(li->as, lo, hi - lo, HAL_PROT_R | HAL_PROT_W);
		if (!err)
			err = hal_copy_to_user(li->as, b + s->vaddr, file + s->offset, s->filesz);
		if (err)
			return err;
	}
	for (uint64_t r = 0; r < e->rela_count; r++) {
		struct elf64_rela rela;
		kmemcpy(&rela, file + e->rela_off + r * sizeof(rela), sizeof(rela));
		uint64_t value = b + (uint64_t)rela.r_addend;
		err = hal_copy_to_user(li->as, b + rela.r_offset, &value, sizeof(value));
		if (err)
			return err;
	}
	for (i = 0; i < e->nloads; i++) {
		const struct elf_seg *s = &e->loads[i];
		uint64_t lo = PAGE_DOWN(b + s->vaddr), hi = PAGE_UP(b + s->vaddr + s->memsz);
		if (s->memsz && s->prot != (HAL_PROT_R | HAL_PROT_W) &&
		    (err = hal_as_protect(li->as, lo, hi - lo, s->prot)))
			return err;
	}
	if (e->relro_memsz) {
		/* whole pages only, rounded down at both ends as glibc does (a partial last page
		 * stays writable); the validator put them inside one writable PT_LOAD */
		uint64_t lo = PAGE_DOWN(b + e->relro_vaddr);
		uint64_t hi = PAGE_DOWN(b + e->relro_vaddr + e->relro_memsz);
		if (hi > lo && (err = hal_as_protect(li->as, lo, hi - lo, HAL_PROT_R)))
			return err;
	}
	return 0;
}

/* Batches 8-byte words into few hal_copy_to_user calls. */
struct uwriter {
	struct hal_as *as;
	uint64_t at;   /* user address of words[0] */
	unsigned n;
	int err;
	uint64_t words[32];
};

static void uw_flush(struct uwriter *w)
{
	if (w->n && !w->err)
		w->err = hal_copy_to_user(w->as, w->at, w->words, w->n * sizeof(uint64_t));
	w->at += w->n * sizeof(uint64_t);
	w->n = 0;
}

static void uw_put(struct uwriter *w, uint64_t v)
{
	w->words[w->n++] = v;
	if (w->n == ARRAY_SIZE(w->words))
		uw_flush(w);
}

/* Length of a kernel argument string, or -1 if longer than the whole argument budget. */
static int64_t arg_len(const char *s)
{
	uint64_t n = 0;

	while (s[n])
		if (++n > USER_ARG_BYTES_MAX)
			return -1;
	return (int64_t)n;
}

/* Step 1's argument check: total bytes of the strings (NULs included), or an error. */
static int64_t arg_bytes(const struct loader_args *a)
{
	uint64_t total = 0;

	if ((a->argc && !a->argv) || (a->envc && !a->envp) || (a->nextra && !a->extra))
		return -RUMPK_EINVAL;
	if (a->nextra > LOADER_AUXV_EXTRA_MAX)
		return -RUMPK_ERANGE;
	for (uint32_t i = 0; i < a->nextra; i++)
		if (a->extra[i].type == RUMPK_AT_NULL)
			return -RUMPK_EINVAL;
	if ((uint64_t)a->argc + a->envc > USER_ARG_COUNT_MAX)
		return -RUMPK_ERANGE;
	for (uint32_t i = 0; i < a->argc + a->envc; i++) {
		const char *s = i < a->argc ? a->argv[i] : a->envp[i - a->argc];
		if (!s)
			return -RUMPK_EINVAL;
		int64_t n = arg_len(s);
		if (n < 0 || (total += (uint64_t)n + 1) > USER_ARG_BYTES_MAX)
			return -RUMPK_ERANGE;
	}
	return (int64_t)total;
}

/* Step 7. */
static int build_stack(struct loader_image *li, const struct loader_args *a, uint64_t strbytes)
{
	const struct rumpk_boot_info *bi = boot_info();
	uint8_t rnd[16];
	struct uwriter w;
	uint64_t top, strings, at;
	int err;

	li->stack_hi = li->user_hi - USER_STACK_TOP_GAP;
	li->stack_lo = li->stack_hi - USER_STACK_SIZE;
	err = hal_as_map(li->as, li->stack_lo, USER_STACK_SIZE, HAL_PROT_R | HAL_PROT_W);
	if (err)
		return err;

	top = li->stack_hi - sizeof(rnd);
	li->random = top;
	loader_at_random(bi->entropy, li->load_seq, rnd);
	if ((err = hal_copy_to_user(li->as, top, rnd, sizeof(rnd))))
		return err;

	strings = (top - strbytes) & ~15ull;
	at = strings;
	for (uint32_t i = 0; i < a->argc + a->envc; i++) {
		const char *s = i < a->argc ? a->argv[i] : a->envp[i - a->argc];
		uint64_t n = (uint64_t)arg_len(s) + 1;
		if ((err = hal_copy_to_user(li->as, at, s, n)))
			return err;
		at += n;
	}

	uint64_t words = 1 + a->argc + 1 + a->envc + 1 + 2 * (LOADER_AUXV_COUNT + a->nextra);
	li->sp = (strings - words * sizeof(uint64_t)) & ~15ull;
	w.as = li->as;
	w.at = li->sp;
	w.n = 0;
	w.err = 0;
	uw_put(&w, a->argc);
	at = strings; /* the strings, in the order step 7 copied them */
	for (uint32_t i = 0; i < a->argc; i++) {
		uw_put(&w, at);
		at += (uint64_t)arg_len(a->argv[i]) + 1;
	}
	uw_put(&w, 0); /* end of argv */
	for (uint32_t i = 0; i < a->envc; i++) {
		uw_put(&w, at);
		at += (uint64_t)arg_len(a->envp[i]) + 1;
	}
	uw_put(&w, 0); /* end of envp */
	const uint64_t auxv[LOADER_AUXV_COUNT][2] = {
		{ RUMPK_AT_PHDR, li->phdr },
		{ RUMPK_AT_PHENT, sizeof(struct elf64_phdr) },
		{ RUMPK_AT_PHNUM, li->elf.phnum },
		{ RUMPK_AT_PAGESZ, PAGE_SIZE },
		{ RUMPK_AT_BASE, li->base },
		{ RUMPK_AT_ENTRY, li->entry },
		{ RUMPK_AT_RANDOM, li->random },
		{ RUMPK_AT_USER_LO, li->user_lo },
		{ RUMPK_AT_USER_HI, li->user_hi },
		{ RUMPK_AT_NULL, 0 },
	};
	for (unsigned i = 0; i < LOADER_AUXV_COUNT - 1; i++) {
		uw_put(&w, auxv[i][0]);
		uw_put(&w, auxv[i][1]);
	}
	for (uint32_t i = 0; i < a->nextra; i++) {
		uw_put(&w, a->extra[i].type);
		uw_put(&w, a->extra[i].value + ((a->extra_rel >> i) & 1 ? li->user_lo : 0));
	}
	uw_put(&w, RUMPK_AT_NULL);
	uw_put(&w, 0);
	uw_flush(&w);
	return w.err;
}

int loader_load(const void *file, size_t size, const struct loader_args *args,
		struct loader_image *out)
{
	const struct elf_image *e = &out->elf;
	uint64_t window_lo, window_hi;
	int64_t strbytes;
	int err;

	kmemset(out, 0, sizeof(*out));
	out->load_seq = ++loads_started;
	if (!boot_info())
		kpanic("loader: no boot info (AT_RANDOM needs the boot entropy)");
	if ((err = elf_validate(file, size, &out->elf)))
		return err;
	if ((strbytes = arg_bytes(args)) < 0)
		return (int)strbytes;

	/* step 2: the space */
	if ((err = hal_as_create(&out->as, &out->user_lo, &out->user_hi)))
		goto fail;
	spaces_live++;
	if (out->user_hi < out->user_lo || out->user_hi - out->user_lo < USER_SPACE_MIN) {
		err = -RUMPK_ERANGE;
		goto fail;
	}

	/* step 3: the base */
	window_lo = out->user_lo + USER_IMAGE_OFFSET;
	window_hi = out->user_lo + USER_RING_OFFSET;
	if (e->type == ELF_ET_DYN)
		out->base = (window_lo + e->max_align - 1) & ~(e->max_align - 1);
	if (out->base + e->lo < window_lo || out->base + e->hi > window_hi) {
		out->elf.err = ELF_E_PLACEMENT; /* only ET_EXEC can get here (param.h assert) */
		err = -RUMPK_ENOEXEC;
		goto fail;
	}
	out->entry = out->base + e->entry;
	out->phdr = out->base + e->phdr_vaddr;

	if ((err = map_image(file, out)) || (err = build_stack(out, args, (uint64_t)strbytes)))
		goto fail;
	return 0;
fail:
	undo(out);
	return err;
}

void loader_space_destroy(struct hal_as *as)
{
	if (!as)
		return;
	if (spaces_live == 0)
		kpanic("loader: a space destroyed twice, or not made by loader_load");
	spaces_live--;
	hal_as_destroy(as);
}

uint64_t loader_spaces_live(void)
{
	return spaces_live;
}

void loader_unload(struct loader_image *img)
{
	undo(img);
	kmemset(img, 0, sizeof(*img));
}
