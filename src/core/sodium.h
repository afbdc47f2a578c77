/*
 * sodium.h — the few libsodium functions the core calls, declared once here.
 *
 * libsodium's own headers include <stdlib.h>, and the core is compiled with -nostdlibinc, so
 * it cannot include them. These prototypes are copied from libsodium 1.0.18's public headers
 * (crypto_sign_ed25519.h, crypto_hash_sha512.h, crypto_shorthash_siphash24.h) and must stay
 * identical to them: the hosted build links them against the system library, the bare-metal
 * builds against the same source files compiled by cmake/libsodium.cmake. No sodium_init():
 * none of these functions needs it (no CPU dispatch, no randomness).
 *
 * Only sign.c, prov.c and fault.c include this file; everything else goes through them.
 */
#ifndef RUMPK_SODIUM_H
#define RUMPK_SODIUM_H

#include <stddef.h>

#define SODIUM_ED25519_PUBLICKEYBYTES 32u
#define SODIUM_ED25519_BYTES 64u
#define SODIUM_SHA512_BYTES 64u
#define SODIUM_SIPHASHX24_BYTES 16u
#define SODIUM_SIPHASHX24_KEYBYTES 16u

/* 0 if sig is a valid Ed25519 signature of m[0..mlen) by pk, -1 otherwise. Rejects
 * non-canonical S and R, small-order R and A (libsodium 1.0.18 without ED25519_COMPAT). */
int crypto_sign_ed25519_verify_detached(const unsigned char *sig, const unsigned char *m,
					unsigned long long mlen, const unsigned char *pk);

/* SHA-512 of in[0..inlen) into out[64]. Always returns 0. */
int crypto_hash_sha512(unsigned char *out, const unsigned char *in, unsigned long long inlen);

/* SipHash-2-4 with a 128-bit output ("x24"), key k[16], into out[16]. Always returns 0. */
int crypto_shorthash_siphashx24(unsigned char *out, const unsigned char *in,
				unsigned long long inlen, const unsigned char *k);

#endif /* RUMPK_SODIUM_H */
