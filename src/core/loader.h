/*
 * loader.h — maps a validated program image into a user address space through the HAL's
 * hal_as_* calls and builds its initial stack (argc, argv, envp, auxv).
 *
 * The caller hands over the kernel's private, signature-verified copy of the file; the
 * loader validates it itself (elf_validate, so no caller can map an image it forgot to
 * check) and reads only that copy. Layout and limits: param.h (USER_*), docs/loader.md.
 */
#ifndef RUMPK_LOADER_H
#define RUMPK_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "elf.h"
#include "hal.h"

struct loader_args {
	const char *const *argv; /* argc kernel strings, copied to the user stack */
	uint32_t argc;
	const char *const *envp; /* envc kernel strings */
	uint32_t envc;
	/* More auxv entries, written before AT_NULL (the process layer's ring page, doorbell
	 * and provenance id): nextra <= LOADER_AUXV_EXTRA_MAX, none of them AT_NULL. Bit i of
	 * extra_rel set: extra[i].value is an offset from the new space's user_lo (which is
	 * known only once the loader made the space), and the loader adds user_lo. */
	const struct rumpk_auxv *extra;
	uint32_t nextra;
	uint32_t extra_rel;
};

struct loader_image {
	struct elf_image elf;  /* the validation result; elf.err names a refusal */
	struct hal_as *as;     /* the space the program lives in: the load's own, always */
	uint64_t user_lo, user_hi; /* its user range, as hal_as_create reported it */
	uint64_t base;         /* load bias: link address + base = user address (AT_BASE) */
	uint64_t entry;        /* user address of the entry point (AT_ENTRY) */
	uint64_t sp;           /* initial stack pointer, 16-byte aligned, pointing at argc */
	uint64_t stack_lo, stack_hi; /* the mapped stack */
	uint64_t phdr;         /* AT_PHDR */
	uint64_t random;       /* AT_RANDOM: user address of the 16 bytes */
	uint64_t load_seq;     /* which load this was (the AT_RANDOM derivation's counter) */
};

/* auxv entries the loader writes itself, AT_NULL included (the order is in loader.c);
 * a caller may add up to LOADER_AUXV_EXTRA_MAX more (loader_args.extra) */
#define LOADER_AUXV_COUNT 10
#define LOADER_AUXV_EXTRA_MAX 4

/*
 * loader_load — validates `size` bytes at `file` (elf_validate), creates a new address
 * space (hal_as_create; never a caller's, so undoing a load is destroying that space,
 * which cannot fail, rather than unmapping piece by piece, which can), maps the image at a base
 * of at least user_lo + USER_IMAGE_OFFSET, copies the segments, applies the RELATIVE
 * relocations, sets final permissions (W^X at every moment: segments are mapped RW, filled,
 * relocated, then made R, RX or RW; PT_GNU_RELRO read-only), maps the stack and writes
 * argc/argv/envp/auxv. Fiber context; boot_info() must be valid (AT_RANDOM).
 * Returns 0 with *out filled (out->as belongs to the caller from then on: loader_unload or
 * hal_as_destroy), or a negative error with the space it created destroyed:
 *   -RUMPK_ENOEXEC   validation refused the file (out->elf.err/where say why), or an
 *                    ET_EXEC image does not fit the space (ELF_E_PLACEMENT)
 *   -RUMPK_ERANGE    too many or too long arguments (USER_ARG_*), or the HAL's space
 *                    is smaller than USER_SPACE_MIN
 *   -RUMPK_ENOSYS    the HAL has no address spaces yet (bare metal today)
 *   other            what a hal_as_* or hal_copy_to_user call returned (ENOMEM, EFAULT)
 */
int loader_load(const void *file, size_t size, const struct loader_args *args,
		struct loader_image *out);

/* loader_unload — destroys the image's space (everything mapped in it goes). Cannot fail.
 * Leaves *img zeroed. A zeroed image is ignored. */
void loader_unload(struct loader_image *img);

/* loader_space_destroy — destroys a space loader_load made (a caller that took out->as,
 * e.g. a process at its exit). NULL is ignored. Every such space must end here, not in
 * hal_as_destroy, so that loader_spaces_live stays true. */
void loader_space_destroy(struct hal_as *as);

/* loader_spaces_live — spaces made by loader_load and not destroyed yet (the leak gate's
 * "address spaces" counter, SYS_STATS). */
uint64_t loader_spaces_live(void);

/*
 * loader_at_random — the AT_RANDOM bytes of load number `seq` under boot entropy `entropy`
 * (boot_info()->entropy): SipHash-2-4-128 keyed with a SHA-512 of a label and the entropy,
 * over the counter (loader.c). Distinct per load and per boot. Exposed for the tests.
 */
void loader_at_random(const uint8_t entropy[RUMPK_BOOT_ENTROPY_BYTES], uint64_t seq,
		      uint8_t out[16]);

#endif /* RUMPK_LOADER_H */
