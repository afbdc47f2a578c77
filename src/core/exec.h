/*
 * exec.h — the one path every program takes before it may run: a private copy of the file,
 * its signature verified, the ELF inside validated, and (where the HAL has address spaces)
 * loaded. The "loader" boot stage runs it over every program in /bin.
 */
#ifndef RUMPK_EXEC_H
#define RUMPK_EXEC_H

#include <stddef.h>
#include <stdint.h>

#include "elf.h"
#include "rumpk/abi.h"
#include "sign.h"

/* Which check refused a file. */
#define EXEC_OK 0
#define EXEC_REFUSED_SIGN 1 /* sign_verify: the file is not signed by a trusted key */
#define EXEC_REFUSED_ELF 2  /* elf_validate: the signed bytes are not a program we run */

struct exec_verdict {
	int refused;               /* EXEC_* */
	struct sign_result sign;   /* always filled */
	struct elf_image elf;      /* filled once the signature held */
	size_t elf_size;           /* the signed bytes: the ELF image */
};

/*
 * exec_check — fiber context. `copy` must be the kernel's PRIVATE copy of the whole file
 * (nothing else may write it while this runs). Verifies the signature first, and only if it
 * holds parses a single ELF byte. Returns 0, or the negative RUMPK_E* of the first refusal
 * with v->refused saying which check and `why` (if not NULL) the words a person reads
 * after "exec: PATH: ".
 */
int exec_check(const uint8_t *copy, size_t len, struct exec_verdict *v, char *why, size_t whylen);

/*
 * exec_check_cached — exec_check, remembering what it accepted: a file whose exact bytes
 * (the SHA-512 of the whole private copy, trailer included) were accepted before skips the
 * signature check (the ELF is still validated, and the verdict is the same). Only accepted
 * files are remembered, EXEC_CACHE_ENTRIES of them, the oldest replaced first. Never keyed
 * by path: on the sim the initrd file under a path can change. docs/security.md says why
 * this is as strong as verifying again.
 */
int exec_check_cached(const uint8_t *copy, size_t len, struct exec_verdict *v, char *why,
		      size_t whylen);

/* Hits and misses of exec_check_cached since boot. */
struct exec_cache_stats {
	uint64_t hits, misses;
};
void exec_cache_stats(struct exec_cache_stats *out);

/* exec_cache_clear — forget every remembered file (tests). */
void exec_cache_clear(void);

/*
 * exec_read — reads the whole file at `path` through the VFS into a fresh private buffer
 * (page_alloc'ed, 2^*order pages; free with page_free(*buf, *order)). Returns 0, a VFS
 * error, -RUMPK_EISDIR, -RUMPK_ENOMEM or -RUMPK_ERANGE (larger than EXEC_MAX_FILE).
 */
int exec_read(const char *path, uint8_t **buf, size_t *len, unsigned *order);

/* The "loader" boot stage: every regular file in /bin goes through exec_check (and, where
 * the HAL has address spaces, a load into a fresh space and out again). Each refusal prints
 * "loader: refused PATH: WHY"; the stage reports "N verified, M refused" in `why` on
 * success and fails if no program verified or memory was not given back. */
int exec_stage(const struct rumpk_boot_info *bi, char *why, size_t whylen);

#endif /* RUMPK_EXEC_H */
