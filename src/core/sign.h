/*
 * sign.h — only signed code executes: the signature trailer check (rumpk/abi.h,
 * struct rumpk_sig_trailer), the trusted keys built into the kernel, and the "crypto" boot
 * stage and self-test.
 *
 * The caller (the loader) hands sign_verify() a PRIVATE copy of the whole file in kernel
 * memory that nothing else can write while or after it is checked; it then validates and
 * loads exactly those bytes, never the original. sign_verify() reads nothing of the payload
 * but what Ed25519 and SHA-512 hash, so no ELF byte is parsed before the signature holds.
 */
#ifndef RUMPK_SIGN_H
#define RUMPK_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "rumpk/abi.h"

#define SIGN_DIGEST_BYTES 64 /* SHA-512 */

/* A trusted public key. The id is the first 8 bytes of SHA-512(pk), as in the trailer. */
struct sign_key {
	uint8_t id[RUMPK_SIG_KEY_ID_BYTES];
	uint8_t pk[RUMPK_SIG_PUBKEY_BYTES];
	const char *name; /* where it came from (the .pub file's name), for messages */
};

struct sign_keyring {
	const struct sign_key *keys;
	uint32_t count;
};

/*
 * The keys this kernel trusts: generated at build time by `rumpk-sign pubkey-c` from the
 * signing key's .pub (and RUMPK_TRUSTED_KEYS) into build/<preset>/gen/sign_keys.c.
 */
extern const struct sign_keyring sign_trusted_keys;

/* Why sign_verify() refused a file (struct sign_result.reason). */
#define SIGN_OK 0
#define SIGN_TRUNCATED 1   /* shorter than a trailer: not signed       -> -RUMPK_EPERM */
#define SIGN_BAD_MAGIC 2   /* no RUMPKSIG trailer at the end: not signed -> -RUMPK_EPERM */
#define SIGN_BAD_VERSION 3 /* a trailer version this kernel does not know -> -RUMPK_EVERSION */
#define SIGN_RESERVED 4    /* trailer reserved0 is not zero            -> -RUMPK_EINVAL */
#define SIGN_SIZE 5        /* signed_size != file size - 96 (cut or appended to) -> -RUMPK_EINVAL */
#define SIGN_UNKNOWN_KEY 6 /* key id is not one of the keyring's      -> -RUMPK_EPERM */
#define SIGN_BAD_SIG 7     /* Ed25519 verification failed             -> -RUMPK_EPERM */
#define SIGN_NREASONS 8

struct sign_result {
	int reason;                        /* SIGN_* */
	uint64_t file_size;                /* len as given */
	uint64_t signed_size;              /* the trailer's, once read (else 0) */
	uint32_t version;                  /* the trailer's, once read (else 0) */
	uint8_t key_id[RUMPK_SIG_KEY_ID_BYTES]; /* the trailer's, once read (else zero) */
	const struct sign_key *key;        /* the keyring entry that matched, or NULL */
	uint8_t digest[SIGN_DIGEST_BYTES]; /* SHA-512 of file[0..signed_size), on success */
};

/*
 * sign_verify — any fiber, may take a few ms (Ed25519 + SHA-512 over len bytes); touches
 * only file[0..len). Checks, in this order, that file ends with a trailer (len >= 96, magic),
 * of version RUMPK_SIG_VERSION, reserved0 == 0, signed_size == len - 96, whose key id is in
 * `ring`, and that the Ed25519 signature over file[0..signed_size) holds under that key.
 * Returns 0 with res->digest = SHA-512 of the signed bytes (the image digest provenance
 * ids are made of), or a negative RUMPK_E* code (see SIGN_* above) with res->reason set.
 * `res` is always filled; sign_describe() turns it into words.
 */
int sign_verify(const uint8_t *file, size_t len, const struct sign_keyring *ring,
		struct sign_result *res);

/* sign_reason — a short constant phrase for a SIGN_* reason ("bad signature"). */
const char *sign_reason(int reason);

/*
 * sign_describe — what a person should read after "exec: /bin/foo: ", e.g.
 * "not signed by a trusted key (key id 3f2a0c1d9e8b7a65)". Writes at most len bytes
 * (NUL included) into buf and returns buf.
 */
char *sign_describe(const struct sign_result *res, char *buf, size_t len);

/* sign_key_id — out = the first RUMPK_SIG_KEY_ID_BYTES bytes of SHA-512(pk). */
void sign_key_id(const uint8_t pk[RUMPK_SIG_PUBKEY_BYTES], uint8_t out[RUMPK_SIG_KEY_ID_BYTES]);

/*
 * sign_keyring_check — 0 if `ring` is what rumpk-sign pubkey-c writes: at least one key,
 * every id the SHA-512 prefix of its key, no id twice. Else -RUMPK_ENOENT (empty) or
 * -RUMPK_EINVAL, with the reason in why. The crypto stage runs it on sign_trusted_keys.
 */
int sign_keyring_check(const struct sign_keyring *ring, char *why, size_t whylen);

/*
 * sign_check_signature — the one Ed25519 call of the kernel: 0 if sig (siglen bytes) is a
 * valid signature of msg under pk, -RUMPK_EPERM otherwise (any siglen but 64 included).
 * sign_verify() and the self-tests go through it.
 */
int sign_check_signature(const uint8_t *sig, size_t siglen, const uint8_t *msg, size_t msglen,
			 const uint8_t pk[RUMPK_SIG_PUBKEY_BYTES]);

/*
 * sign_stage — the "crypto" boot stage (boot.c), interrupts disabled, ~1 verify: derives
 * the boot key (prov_init), checks the trusted-key table (ids = SHA-512 prefixes, no
 * duplicates, at least one key) and known answers for Ed25519 (RFC 8032 test 2, and the
 * same signature with one bit flipped must fail), SHA-512 and SipHash-2-4-128.
 * Returns 0 or a negative RUMPK_E* code with the reason in why.
 */
int sign_stage(const struct rumpk_boot_info *bi, char *why, size_t whylen);

/*
 * sign_selftest — selftest=crypto: every Project Wycheproof Ed25519 vector compiled into
 * the kernel goes through sign_verify() (as a signed blob under a keyring holding the
 * vector's key) or, when its signature is not 64 bytes and so cannot sit in a trailer,
 * through sign_check_signature(); each result must match the vector's. Returns 0 with
 * "151 Wycheproof Ed25519 vectors agree (88 valid, 63 invalid)" in detail, or an error.
 */
int sign_selftest(char *detail, size_t len);

/* The Wycheproof vectors (generated from ed25519_test.json into gen/wycheproof_ed25519.c
 * by scripts/wycheproof2c.py). */
struct sign_wycheproof {
	uint32_t tc_id;   /* the vector's tcId */
	uint32_t valid;   /* 1: "valid", 0: "invalid" */
	const uint8_t *pk; /* 32 bytes */
	const uint8_t *msg;
	const uint8_t *sig;
	uint32_t msg_len;
	uint32_t sig_len;
};
extern const struct sign_wycheproof sign_wycheproof_vectors[];
extern const uint32_t sign_wycheproof_count;

#endif /* RUMPK_SIGN_H */
