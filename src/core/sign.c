/*
 * sign.c — the signature trailer check, the crypto boot stage and selftest=crypto.
 *
 * A signed file is the program's bytes followed by one struct rumpk_sig_trailer (96 bytes,
 * rumpk/abi.h) written by `rumpk-sign sign`. sign_verify() reads the trailer into a local
 * copy (it may sit at any alignment), checks each field in a fixed order and stops at the
 * first that is wrong, so every refusal has one named reason; only then does it hand the
 * signed bytes to Ed25519 (libsodium, sodium.h) under the keyring entry whose id matches.
 * The payload is never interpreted here: it is hashed, nothing more.
 *
 * Invariants: the trusted keyring is constant data built into the image (sign_keys.c,
 * generated); an entry's id is always SHA-512(pk)[0..8) (the crypto stage checks the table
 * at every boot); the one Ed25519 call is sign_check_signature().
 */
#include "sign.h"

#include "kprintf.h"
#include "kutil.h"
#include "mem.h"
#include "prov.h"
#include "sodium.h"

_Static_assert(SODIUM_ED25519_BYTES == RUMPK_SIG_BYTES, "Ed25519 signature size");
_Static_assert(SODIUM_ED25519_PUBLICKEYBYTES == RUMPK_SIG_PUBKEY_BYTES, "Ed25519 key size");
_Static_assert(SODIUM_SHA512_BYTES == SIGN_DIGEST_BYTES, "SHA-512 size");
_Static_assert(SODIUM_SIPHASHX24_BYTES == PROV_ID_BYTES, "SipHash-128 output size");
_Static_assert(SODIUM_SIPHASHX24_KEYBYTES == PROV_KEY_BYTES, "SipHash key size");

#define TRAILER_BYTES sizeof(struct rumpk_sig_trailer)
#define KEY_ID_HEX (2 * RUMPK_SIG_KEY_ID_BYTES + 1)

static const char *const reasons[SIGN_NREASONS] = {
	[SIGN_OK] = "signed by a trusted key",
	[SIGN_TRUNCATED] = "not signed (shorter than a signature trailer)",
	[SIGN_BAD_MAGIC] = "not signed (no signature trailer)",
	[SIGN_BAD_VERSION] = "unsupported signature trailer version",
	[SIGN_RESERVED] = "signature trailer reserved field is not zero",
	[SIGN_SIZE] = "signature trailer size does not match the file",
	[SIGN_UNKNOWN_KEY] = "not signed by a trusted key",
	[SIGN_BAD_SIG] = "bad signature",
};

const char *sign_reason(int reason)
{
	return reason >= 0 && reason < SIGN_NREASONS ? reasons[reason] : "unknown reason";
}

static void hex(const uint8_t *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

char *sign_describe(const struct sign_result *res, char *buf, size_t len)
{
	char id[KEY_ID_HEX];

	hex(res->key_id, sizeof(res->key_id), id);
	switch (res->reason) {
	case SIGN_OK:
		ksnprintf(buf, len, "signed by trusted key %s (key id %s)",
			  res->key && res->key->name ? res->key->name : "?", id);
		break;
	case SIGN_TRUNCATED:
		ksnprintf(buf, len, "not signed: %llu bytes, shorter than a signature trailer (%u)",
			  (unsigned long long)res->file_size, (unsigned)TRAILER_BYTES);
		break;
	case SIGN_BAD_MAGIC:
		ksnprintf(buf, len, "not signed (no signature trailer at its end; sign it with "
			  "rumpk-sign)");
		break;
	case SIGN_BAD_VERSION:
		ksnprintf(buf, len, "signature trailer version %u, this kernel knows version %u",
			  res->version, RUMPK_SIG_VERSION);
		break;
	case SIGN_RESERVED:
		ksnprintf(buf, len, "malformed signature trailer (reserved field is not zero)");
		break;
	case SIGN_SIZE:
		ksnprintf(buf, len, "signature trailer covers %llu bytes but %llu precede it (the "
			  "file was cut or appended to)", (unsigned long long)res->signed_size,
			  (unsigned long long)(res->file_size - TRAILER_BYTES));
		break;
	case SIGN_UNKNOWN_KEY:
		ksnprintf(buf, len, "not signed by a trusted key (key id %s)", id);
		break;
	case SIGN_BAD_SIG:
		ksnprintf(buf, len, "bad signature (key id %s, trusted key %s): the file was "
			  "changed after signing", id,
			  res->key && res->key->name ? res->key->name : "?");
		break;
	default:
		ksnprintf(buf, len, "%s", sign_reason(res->reason));
		break;
	}
	return buf;
}

void sign_key_id(const uint8_t pk[RUMPK_SIG_PUBKEY_BYTES], uint8_t out[RUMPK_SIG_KEY_ID_BYTES])
{
	uint8_t h[SODIUM_SHA512_BYTES];

	crypto_hash_sha512(h, pk, RUMPK_SIG_PUBKEY_BYTES);
	kmemcpy(out, h, RUMPK_SIG_KEY_ID_BYTES);
}

int sign_check_signature(const uint8_t *sig, size_t siglen, const uint8_t *msg, size_t msglen,
			 const uint8_t pk[RUMPK_SIG_PUBKEY_BYTES])
{
	if (siglen != RUMPK_SIG_BYTES)
		return -RUMPK_EPERM; /* truncated or padded: never valid (RFC 8032 5.1.7) */
	if (crypto_sign_ed25519_verify_detached(sig, msg, msglen, pk) != 0)
		return -RUMPK_EPERM;
	return 0;
}

static int refuse(struct sign_result *res, int reason, int err)
{
	res->reason = reason;
	return err;
}

int sign_verify(const uint8_t *file, size_t len, const struct sign_keyring *ring,
		struct sign_result *res)
{
	struct rumpk_sig_trailer t;

	kmemset(res, 0, sizeof(*res));
	res->file_size = len;
	if (len < TRAILER_BYTES)
		return refuse(res, SIGN_TRUNCATED, -RUMPK_EPERM);
	kmemcpy(&t, file + len - TRAILER_BYTES, sizeof(t));
	if (kmemcmp(t.magic, RUMPK_SIG_MAGIC, sizeof(t.magic)) != 0)
		return refuse(res, SIGN_BAD_MAGIC, -RUMPK_EPERM);
	res->version = t.version;
	res->signed_size = t.signed_size;
	kmemcpy(res->key_id, t.key_id, sizeof(res->key_id));
	if (t.version != RUMPK_SIG_VERSION)
		return refuse(res, SIGN_BAD_VERSION, -RUMPK_EVERSION);
	if (t.reserved0 != 0)
		return refuse(res, SIGN_RESERVED, -RUMPK_EINVAL);
	if (t.signed_size != (uint64_t)(len - TRAILER_BYTES))
		return refuse(res, SIGN_SIZE, -RUMPK_EINVAL);

	for (uint32_t i = 0; i < ring->count && !res->key; i++)
		if (kmemcmp(ring->keys[i].id, t.key_id, sizeof(t.key_id)) == 0)
			res->key = &ring->keys[i];
	if (!res->key)
		return refuse(res, SIGN_UNKNOWN_KEY, -RUMPK_EPERM);
	if (sign_check_signature(t.signature, sizeof(t.signature), file, t.signed_size,
				 res->key->pk) != 0)
		return refuse(res, SIGN_BAD_SIG, -RUMPK_EPERM);
	crypto_hash_sha512(res->digest, file, t.signed_size);
	res->reason = SIGN_OK;
	return 0;
}

/* ---- the crypto boot stage ------------------------------------------------------------- */

/* RFC 8032 section 7.1, TEST 2: a one-byte message (0x72). */
static const uint8_t rfc8032_pk[32] = {
	0x3d, 0x40, 0x17, 0xc3, 0xe8, 0x43, 0x89, 0x5a,
	0x92, 0xb7, 0x0a, 0xa7, 0x4d, 0x1b, 0x7e, 0xbc,
	0x9c, 0x98, 0x2c, 0xcf, 0x2e, 0xc4, 0x96, 0x8c,
	0xc0, 0xcd, 0x55, 0xf1, 0x2a, 0xf4, 0x66, 0x0c,
};
static const uint8_t rfc8032_msg[1] = { 0x72 };
static const uint8_t rfc8032_sig[64] = {
	0x92, 0xa0, 0x09, 0xa9, 0xf0, 0xd4, 0xca, 0xb8,
	0x72, 0x0e, 0x82, 0x0b, 0x5f, 0x64, 0x25, 0x40,
	0xa2, 0xb2, 0x7b, 0x54, 0x16, 0x50, 0x3f, 0x8f,
	0xb3, 0x76, 0x22, 0x23, 0xeb, 0xdb, 0x69, 0xda,
	0x08, 0x5a, 0xc1, 0xe4, 0x3e, 0x15, 0x99, 0x6e,
	0x45, 0x8f, 0x36, 0x13, 0xd0, 0xf1, 0x1d, 0x8c,
	0x38, 0x7b, 0x2e, 0xae, 0xb4, 0x30, 0x2a, 0xee,
	0xb0, 0x0d, 0x29, 0x16, 0x12, 0xbb, 0x0c, 0x00,
};

/* FIPS 180-2 appendix C.1: SHA-512("abc"). */
static const uint8_t sha512_abc[64] = {
	0xdd, 0xaf, 0x35, 0xa1, 0x93, 0x61, 0x7a, 0xba,
	0xcc, 0x41, 0x73, 0x49, 0xae, 0x20, 0x41, 0x31,
	0x12, 0xe6, 0xfa, 0x4e, 0x89, 0xa9, 0x7e, 0xa2,
	0x0a, 0x9e, 0xee, 0xe6, 0x4b, 0x55, 0xd3, 0x9a,
	0x21, 0x92, 0x99, 0x2a, 0x27, 0x4f, 0xc1, 0xa8,
	0x36, 0xba, 0x3c, 0x23, 0xa3, 0xfe, 0xeb, 0xbd,
	0x45, 0x4d, 0x44, 0x23, 0x64, 0x3c, 0xe8, 0x0e,
	0x2a, 0x9a, 0xc9, 0x4f, 0xa5, 0x4c, 0xa4, 0x9f,
};

/* SipHash-2-4 with 128-bit output, key 00..0f, message 00..0e (15 bytes): the reference
 * vector vectors_sip128[15] (also libsodium's test/default/siphashx24.exp, line 16). */
static const uint8_t siphash_out[16] = {
	0x54, 0x93, 0xe9, 0x99, 0x33, 0xb0, 0xa8, 0x11,
	0x7e, 0x08, 0xec, 0x0f, 0x97, 0xcf, 0xc3, 0xd9,
};

int sign_keyring_check(const struct sign_keyring *ring, char *why, size_t whylen)
{
	uint8_t id[RUMPK_SIG_KEY_ID_BYTES];
	char idhex[KEY_ID_HEX];

	if (ring->count == 0) {
		ksnprintf(why, whylen, "no trusted public key is built in");
		return -RUMPK_ENOENT;
	}
	for (uint32_t i = 0; i < ring->count; i++) {
		const struct sign_key *k = &ring->keys[i];
		sign_key_id(k->pk, id);
		if (kmemcmp(id, k->id, sizeof(id)) != 0) {
			hex(k->id, sizeof(k->id), idhex);
			ksnprintf(why, whylen,
				  "trusted key %u (%s): id %s is not its SHA-512 prefix", i, k->name,
				  idhex);
			return -RUMPK_EINVAL;
		}
		for (uint32_t j = 0; j < i; j++) {
			if (kmemcmp(ring->keys[j].id, k->id, sizeof(id)) == 0) {
				hex(k->id, sizeof(k->id), idhex);
				ksnprintf(why, whylen, "trusted keys %u and %u share key id %s",
					  j, i, idhex);
				return -RUMPK_EINVAL;
			}
		}
	}
	return 0;
}

int sign_stage(const struct rumpk_boot_info *bi, char *why, size_t whylen)
{
	uint8_t h[SODIUM_SHA512_BYTES], sig[RUMPK_SIG_BYTES], key[16], msg[15], out[16];

	prov_init(bi->entropy);
	int err = sign_keyring_check(&sign_trusted_keys, why, whylen);
	if (err)
		return err;

	crypto_hash_sha512(h, (const uint8_t *)"abc", 3);
	if (kmemcmp(h, sha512_abc, sizeof(h)) != 0) {
		ksnprintf(why, whylen, "SHA-512 known answer (FIPS 180-2 \"abc\") is wrong");
		return -RUMPK_EFAULT;
	}
	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 15; i++)
		msg[i] = (uint8_t)i;
	crypto_shorthash_siphashx24(out, msg, sizeof(msg), key);
	if (kmemcmp(out, siphash_out, sizeof(out)) != 0) {
		ksnprintf(why, whylen, "SipHash-2-4-128 known answer is wrong");
		return -RUMPK_EFAULT;
	}
	if (sign_check_signature(rfc8032_sig, sizeof(rfc8032_sig), rfc8032_msg,
				 sizeof(rfc8032_msg), rfc8032_pk) != 0) {
		ksnprintf(why, whylen, "Ed25519 known answer (RFC 8032 test 2) does not verify");
		return -RUMPK_EFAULT;
	}
	kmemcpy(sig, rfc8032_sig, sizeof(sig));
	sig[5] ^= 0x10; /* one bit of R: a verifier that accepts this accepts anything */
	if (sign_check_signature(sig, sizeof(sig), rfc8032_msg, sizeof(rfc8032_msg),
				 rfc8032_pk) == 0) {
		ksnprintf(why, whylen, "Ed25519 accepts RFC 8032 test 2 with a flipped bit");
		return -RUMPK_EFAULT;
	}
	return 0;
}

/* ---- selftest=crypto ----------------------------------------------------------------- */

/* One vector through the kernel's path: a file of msg + trailer under a one-key keyring. */
static int run_vector(const struct sign_wycheproof *v, struct sign_result *res, int *accepted)
{
	struct sign_key key;
	struct sign_keyring ring = { &key, 1 };
	struct rumpk_sig_trailer t;

	if (v->sig_len != RUMPK_SIG_BYTES) { /* cannot sit in a trailer: the bare check */
		*accepted =
			sign_check_signature(v->sig, v->sig_len, v->msg, v->msg_len, v->pk) == 0;
		return 0;
	}
	kmemcpy(key.pk, v->pk, sizeof(key.pk));
	sign_key_id(key.pk, key.id);
	key.name = "wycheproof";

	kmemset(&t, 0, sizeof(t));
	kmemcpy(t.magic, RUMPK_SIG_MAGIC, sizeof(t.magic));
	t.version = RUMPK_SIG_VERSION;
	t.signed_size = v->msg_len;
	kmemcpy(t.key_id, key.id, sizeof(t.key_id));
	kmemcpy(t.signature, v->sig, sizeof(t.signature));

	size_t len = v->msg_len + sizeof(t);
	uint8_t *file = kmem_alloc(len); /* exactly the file's size, like the loader's copy */
	if (!file)
		return -RUMPK_ENOMEM;
	kmemcpy(file, v->msg, v->msg_len);
	kmemcpy(file + v->msg_len, &t, sizeof(t));
	int err = sign_verify(file, len, &ring, res);
	kmem_free(file);
	*accepted = err == 0;
	if (err && res->reason != SIGN_BAD_SIG)
		return -RUMPK_EFAULT; /* a well-formed trailer must reach the signature check */
	return 0;
}

int sign_selftest(char *detail, size_t len)
{
	uint32_t nvalid = 0, ninvalid = 0;
	struct sign_result res;
	char why[96];

	for (uint32_t i = 0; i < sign_wycheproof_count; i++) {
		const struct sign_wycheproof *v = &sign_wycheproof_vectors[i];
		int accepted = 0;
		int err = run_vector(v, &res, &accepted);
		if (err) {
			ksnprintf(detail, len, "Wycheproof tcId %u: the trailer was refused: %s",
				  v->tc_id, err == -RUMPK_ENOMEM ? "out of memory" :
				  sign_describe(&res, why, sizeof(why)));
			return err;
		}
		if (accepted != (int)v->valid) {
			ksnprintf(detail, len, "Wycheproof tcId %u: expected %s, the kernel %s it",
				  v->tc_id, v->valid ? "valid" : "invalid",
				  accepted ? "accepted" : "refused");
			return -RUMPK_EFAULT;
		}
		if (v->valid)
			nvalid++;
		else
			ninvalid++;
	}
	if (sign_wycheproof_count == 0) {
		ksnprintf(detail, len, "no Wycheproof vectors are built in");
		return -RUMPK_ENOENT;
	}
	ksnprintf(detail, len, "%u Wycheproof Ed25519 vectors agree (%u valid, %u invalid)",
		  sign_wycheproof_count, nvalid, ninvalid);
	return 0;
}
