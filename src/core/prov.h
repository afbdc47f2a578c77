/*
 * prov.h — 128-bit provenance ids: who made a process, from which image.
 *
 * id = SipHash-2-4-128 (libsodium crypto_shorthash_siphashx24) keyed with the 16-byte boot
 * key, over exactly these PROV_INPUT_BYTES = 88 bytes:
 *
 *   offset  size  field
 *        0    16  parent's provenance id (the kernel, parent of the first program: 16 zeros)
 *       16     8  pid, unsigned 64-bit little-endian
 *       24    64  SHA-512 of the image's signed bytes (struct sign_result.digest)
 *
 * The boot key is the first 16 bytes of SHA-512 over the 17 ASCII bytes "rumpk boot key v1"
 * followed by the 32 bytes of boot_info.entropy (49 bytes, no NUL): a new key every boot,
 * so an id means nothing outside the boot that made it and cannot be computed by a program
 * (the key never leaves the kernel). Every packet a process submits carries its id.
 */
#ifndef RUMPK_PROV_H
#define RUMPK_PROV_H

#include <stddef.h>
#include <stdint.h>

#include "rumpk/abi.h"

#define PROV_ID_BYTES 16
#define PROV_KEY_BYTES 16
#define PROV_INPUT_BYTES (PROV_ID_BYTES + 8 + 64)
#define PROV_KEY_LABEL "rumpk boot key v1" /* 17 bytes, hashed without its NUL */

/*
 * prov_init — the crypto boot stage (sign_stage), once, before any id is made; may be
 * called again by tests. Derives the boot key from the HAL's boot entropy.
 */
void prov_init(const uint8_t entropy[RUMPK_BOOT_ENTROPY_BYTES]);

/* prov_derive — n (<= 64) key bytes for one purpose from the boot entropy: the first n of
 * SHA-512(label without its NUL || entropy). The boot key is prov_derive(PROV_KEY_LABEL);
 * fault injection's decision key another label (fault.c), so knowing one says nothing of
 * the other. label: at most PROV_LABEL_MAX bytes. */
#define PROV_LABEL_MAX 32
void prov_derive(const char *label, const uint8_t entropy[RUMPK_BOOT_ENTROPY_BYTES],
		 uint8_t *out, size_t n);

/* prov_ready — 1 once prov_init() ran. */
int prov_ready(void);

/*
 * prov_id — any context, never blocks, no allocation. out = the id of a process with
 * the given parent id, pid and image digest (layout above). Calling it before prov_init()
 * is a broken invariant (kpanic).
 */
void prov_id(const uint8_t parent[PROV_ID_BYTES], uint64_t pid, const uint8_t digest[64],
	     uint8_t out[PROV_ID_BYTES]);

/* prov_input — the 88 bytes prov_id hashes (exposed for tests and documentation). */
void prov_input(const uint8_t parent[PROV_ID_BYTES], uint64_t pid, const uint8_t digest[64],
		uint8_t out[PROV_INPUT_BYTES]);

#endif /* RUMPK_PROV_H */
