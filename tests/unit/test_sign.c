/*
 * test_sign.c — sign.c against the system libsodium: every refusal of the trailer check by
 * its name, the accepted case with its digest, files signed by the real rumpk-sign tool
 * verified against the kernel's generated trusted-key table, the crypto stage, and all
 * Project Wycheproof Ed25519 vectors through the kernel's verify path (and the selftest).
 *
 * Signed blobs are made here with libsodium directly (crypto_sign_detached over a fixed
 * seed), so the test does not share the tool's trailer code. Environment (set by ctest):
 *   RUMPK_SIGNED_SAMPLES  ':'-separated files the build signed with rumpk-sign
 *   RUMPK_SIGNING_PUB     the public key the kernel was built to trust
 */
#include <sodium.h> /* first: the core's own declarations below must agree with it */
#include "sodium.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_hal.h"
#include "prov.h"
#include "rumpk/abi.h"
#include "sign.h"

#define TB sizeof(struct rumpk_sig_trailer)

struct keypair {
	uint8_t pk[32], sk[64];
	struct sign_key key;
};

static void make_key(struct keypair *kp, uint8_t seed_byte)
{
	uint8_t seed[32], h[64];
	memset(seed, seed_byte, sizeof(seed));
	crypto_sign_seed_keypair(kp->pk, kp->sk, seed);
	memcpy(kp->key.pk, kp->pk, 32);
	crypto_hash_sha512(h, kp->pk, 32);
	memcpy(kp->key.id, h, 8);
	kp->key.name = seed_byte == 1 ? "test-key-1" : "test-key-2";
}

/* payload (n bytes of a pattern) + a trailer signed by kp; *len gets the total. */
static uint8_t *make_signed(const struct keypair *kp, size_t n, size_t *len)
{
	struct rumpk_sig_trailer t;
	uint8_t *f = malloc(n + TB);
	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < n; i++)
		f[i] = (uint8_t)(i * 7 + 3);
	memset(&t, 0, sizeof(t));
	memcpy(t.magic, RUMPK_SIG_MAGIC, 8);
	t.version = RUMPK_SIG_VERSION;
	t.signed_size = n;
	memcpy(t.key_id, kp->key.id, 8);
	crypto_sign_detached(t.signature, NULL, f, n, kp->sk);
	memcpy(f + n, &t, TB);
	*len = n + TB;
	return f;
}

static struct rumpk_sig_trailer *trailer(uint8_t *f, size_t len)
{
	return (struct rumpk_sig_trailer *)(f + len - TB); /* tests keep payloads 8-aligned */
}

/* Re-sign after editing the trailer's non-signature fields, so only the edit is wrong. */
static void resign(const struct keypair *kp, uint8_t *f, size_t len)
{
	crypto_sign_detached(trailer(f, len)->signature, NULL, f, len - TB, kp->sk);
}

static struct keypair k1, k2;
static struct sign_keyring ring1, ring12;
static struct sign_key keys12[2];

static void setup(void)
{
	ck_assert_int_ge(sodium_init(), 0);
	make_key(&k1, 1);
	make_key(&k2, 2);
	ring1 = (struct sign_keyring){ &k1.key, 1 };
	keys12[0] = k2.key;
	keys12[1] = k1.key;
	ring12 = (struct sign_keyring){ keys12, 2 };
}

static void expect(const uint8_t *f, size_t len, const struct sign_keyring *ring, int err,
		   int reason, const char *words)
{
	struct sign_result res;
	char buf[256];
	memset(&res, 0xa5, sizeof(res));
	ck_assert_int_eq(sign_verify(f, len, ring, &res), err);
	ck_assert_int_eq(res.reason, reason);
	ck_assert_uint_eq(res.file_size, len);
	sign_describe(&res, buf, sizeof(buf));
	ck_assert_msg(strstr(buf, words) != NULL, "'%s' does not contain '%s'", buf, words);
	if (err && reason != SIGN_BAD_SIG)
		ck_assert_ptr_null(res.key); /* only a bad signature got as far as a key */
}

START_TEST(accepts_a_good_file)
{
	size_t len, n = (size_t)_i * 8;
	uint8_t *f = make_signed(&k1, n, &len), h[64];
	struct sign_result res;

	ck_assert_int_eq(sign_verify(f, len, &ring12, &res), 0);
	ck_assert_int_eq(res.reason, SIGN_OK);
	ck_assert_ptr_eq(res.key, &keys12[1]);
	ck_assert_uint_eq(res.signed_size, n);
	ck_assert_uint_eq(res.version, RUMPK_SIG_VERSION);
	ck_assert_mem_eq(res.key_id, k1.key.id, 8);
	crypto_hash_sha512(h, f, n);
	ck_assert_mem_eq(res.digest, h, 64);
	free(f);
}
END_TEST

/* The trailer may sit at any alignment: the payload length decides. */
START_TEST(trailer_at_any_alignment)
{
	size_t len;
	uint8_t *f = make_signed(&k1, (size_t)_i, &len);
	expect(f, len, &ring1, 0, SIGN_OK, "signed by trusted key test-key-1");
	free(f);
}
END_TEST

START_TEST(refuses_files_shorter_than_a_trailer)
{
	size_t len;
	uint8_t *f = make_signed(&k1, 0, &len);
	ck_assert_uint_eq(len, TB);
	for (size_t n = 0; n < TB; n++) {
		/* the last n bytes of a real trailer: a magic in the right place is too short */
		uint8_t *cut = malloc(n ? n : 1);
		memcpy(cut, f + TB - n, n);
		expect(cut, n, &ring1, -RUMPK_EPERM, SIGN_TRUNCATED,
		       "shorter than a signature trailer");
		free(cut);
	}
	expect(f, 95, &ring1, -RUMPK_EPERM, SIGN_TRUNCATED, "not signed: 95 bytes");
	free(f);
}
END_TEST

START_TEST(refuses_a_missing_trailer)
{
	size_t len;
	uint8_t *f = make_signed(&k1, 200, &len);
	f[len - TB + (size_t)_i] ^= 0x20; /* each magic byte in turn */
	expect(f, len, &ring1, -RUMPK_EPERM, SIGN_BAD_MAGIC,
	       "not signed (no signature trailer");
	expect(f, len - TB, &ring1, -RUMPK_EPERM, SIGN_BAD_MAGIC, "not signed"); /* plain file */
	free(f);
}
END_TEST

START_TEST(refuses_other_versions)
{
	static const uint32_t versions[] = { 0, 2, 0x100, 0xffffffffu };
	size_t len;
	char want[64];
	uint8_t *f = make_signed(&k1, 40, &len);
	trailer(f, len)->version = versions[_i];
	resign(&k1, f, len);
	snprintf(want, sizeof(want), "signature trailer version %u, this kernel knows version 1",
		 versions[_i]);
	expect(f, len, &ring1, -RUMPK_EVERSION, SIGN_BAD_VERSION, want);
	free(f);
}
END_TEST

START_TEST(refuses_nonzero_reserved)
{
	size_t len;
	uint8_t *f = make_signed(&k1, 40, &len);
	trailer(f, len)->reserved0 = 1u << _i;
	resign(&k1, f, len);
	expect(f, len, &ring1, -RUMPK_EINVAL, SIGN_RESERVED, "reserved field is not zero");
	free(f);
}
END_TEST

START_TEST(refuses_a_size_mismatch)
{
	size_t len;
	uint8_t *f = make_signed(&k1, 48, &len);
	struct rumpk_sig_trailer *t = trailer(f, len);
	static const uint64_t sizes[] = { 0, 47, 49, 48 + TB, UINT64_MAX, 1ull << 63 };
	t->signed_size = sizes[_i];
	expect(f, len, &ring1, -RUMPK_EINVAL, SIGN_SIZE, "precede it (the file was cut or "
	       "appended to)");
	free(f);
}
END_TEST

/* A signed file with bytes inserted before its trailer, or cut from its payload. */
START_TEST(refuses_a_cut_or_grown_file)
{
	size_t len;
	uint8_t *f = make_signed(&k1, 48, &len);
	uint8_t *g = malloc(len + 8);
	memcpy(g, f, 48);
	memset(g + 48, 0, 8);
	memcpy(g + 56, f + 48, TB);
	expect(g, len + 8, &ring1, -RUMPK_EINVAL, SIGN_SIZE, "covers 48 bytes but 56 precede it");
	memcpy(g, f, 40);
	memcpy(g + 40, f + 48, TB);
	expect(g, len - 8, &ring1, -RUMPK_EINVAL, SIGN_SIZE, "covers 48 bytes but 40 precede it");
	free(g);
	free(f);
}
END_TEST

START_TEST(refuses_an_unknown_key_by_its_id)
{
	size_t len;
	char want[80], hex[17];
	uint8_t *f = make_signed(&k2, 32, &len);
	struct sign_keyring empty = { NULL, 0 };

	for (int i = 0; i < 8; i++)
		snprintf(hex + 2 * i, 3, "%02x", k2.key.id[i]);
	snprintf(want, sizeof(want), "not signed by a trusted key (key id %s)", hex);
	expect(f, len, &ring1, -RUMPK_EPERM, SIGN_UNKNOWN_KEY, want);
	expect(f, len, &empty, -RUMPK_EPERM, SIGN_UNKNOWN_KEY, want);
	free(f);
}
END_TEST

START_TEST(refuses_a_bad_signature)
{
	size_t len;
	uint8_t *f = make_signed(&k1, 64, &len);
	struct rumpk_sig_trailer *t = trailer(f, len);
	switch (_i) {
	case 0: f[0] ^= 1; break;                 /* payload, first byte */
	case 1: f[63] ^= 0x80; break;             /* payload, last byte */
	case 2: t->signature[0] ^= 1; break;      /* R */
	case 3: t->signature[40] ^= 4; break;     /* S */
	case 4: t->signature[63] ^= 0x10; break;  /* S, high bits: non-canonical */
	case 5: memcpy(t->key_id, k2.key.id, 8); break; /* claims the other trusted key */
	case 6: memset(t->signature, 0, 64); break;
	}
	expect(f, len, &ring12, -RUMPK_EPERM, SIGN_BAD_SIG, "bad signature (key id ");
	free(f);
}
END_TEST

/* Field checks happen in a fixed order, so a file wrong in several ways names the first. */
START_TEST(first_wrong_field_is_named)
{
	size_t len;
	uint8_t *f = make_signed(&k2, 16, &len);
	struct rumpk_sig_trailer *t = trailer(f, len);
	t->version = 9;
	t->reserved0 = 1;
	t->signed_size = 3;
	expect(f, len, &ring1, -RUMPK_EVERSION, SIGN_BAD_VERSION, "version 9");
	t->version = RUMPK_SIG_VERSION;
	expect(f, len, &ring1, -RUMPK_EINVAL, SIGN_RESERVED, "reserved");
	t->reserved0 = 0;
	expect(f, len, &ring1, -RUMPK_EINVAL, SIGN_SIZE, "covers 3 bytes");
	t->signed_size = 16;
	expect(f, len, &ring1, -RUMPK_EPERM, SIGN_UNKNOWN_KEY, "not signed by a trusted key");
	free(f);
}
END_TEST

START_TEST(signature_length_must_be_64)
{
	uint8_t sig[66], msg[1] = { 0x72 };
	crypto_sign_detached(sig, NULL, msg, 1, k1.sk);
	ck_assert_int_eq(sign_check_signature(sig, 64, msg, 1, k1.pk), 0);
	sig[64] = sig[65] = 0;
	ck_assert_int_eq(sign_check_signature(sig, 65, msg, 1, k1.pk), -RUMPK_EPERM);
	ck_assert_int_eq(sign_check_signature(sig, 63, msg, 1, k1.pk), -RUMPK_EPERM);
	ck_assert_int_eq(sign_check_signature(sig, 0, msg, 1, k1.pk), -RUMPK_EPERM);
}
END_TEST

START_TEST(every_reason_has_words)
{
	struct sign_result res;
	char a[160], b[160];
	memset(&res, 0, sizeof(res));
	res.file_size = 200;
	for (int r = 0; r < SIGN_NREASONS; r++) {
		ck_assert_str_ne(sign_reason(r), "unknown reason");
		res.reason = r;
		sign_describe(&res, a, sizeof(a));
		ck_assert_uint_gt(strlen(a), 10);
		for (int q = 0; q < r; q++) {
			res.reason = q;
			ck_assert_str_ne(sign_describe(&res, b, sizeof(b)), a);
			res.reason = r;
		}
	}
	ck_assert_str_eq(sign_reason(SIGN_NREASONS), "unknown reason");
	ck_assert_str_eq(sign_reason(-1), "unknown reason");
	sign_describe(&res, a, 8); /* truncates, NUL-terminated */
	ck_assert_uint_eq(strlen(a), 7);
}
END_TEST

START_TEST(keyring_check_refuses_bad_tables)
{
	char why[160];
	struct sign_key bad[2] = { k1.key, k1.key };
	struct sign_keyring r = { bad, 0 };

	ck_assert_int_eq(sign_keyring_check(&ring12, why, sizeof(why)), 0);
	ck_assert_int_eq(sign_keyring_check(&r, why, sizeof(why)), -RUMPK_ENOENT);
	ck_assert_str_eq(why, "no trusted public key is built in");
	r.count = 2;
	ck_assert_int_eq(sign_keyring_check(&r, why, sizeof(why)), -RUMPK_EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "trusted keys 0 and 1 share key id"));
	bad[1] = k2.key;
	bad[1].id[7] ^= 1;
	ck_assert_int_eq(sign_keyring_check(&r, why, sizeof(why)), -RUMPK_EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "trusted key 1 (test-key-2): id "));
	ck_assert_ptr_nonnull(strstr(why, "is not its SHA-512 prefix"));
}
END_TEST

/* The build's trusted-key table holds the build's public key, under its own id. */
START_TEST(generated_table_holds_the_signing_key)
{
	const char *pubf = getenv("RUMPK_SIGNING_PUB");
	uint8_t pk[33], h[64];
	char why[128];
	ck_assert_msg(pubf != NULL, "RUMPK_SIGNING_PUB not set (run through ctest)");
	FILE *fp = fopen(pubf, "rb");
	ck_assert_msg(fp != NULL, "cannot open %s", pubf);
	ck_assert_uint_eq(fread(pk, 1, sizeof(pk), fp), 32);
	fclose(fp);
	ck_assert_int_eq(sign_keyring_check(&sign_trusted_keys, why, sizeof(why)), 0);
	ck_assert_uint_ge(sign_trusted_keys.count, 1);
	ck_assert_mem_eq(sign_trusted_keys.keys[0].pk, pk, 32);
	crypto_hash_sha512(h, pk, 32);
	ck_assert_mem_eq(sign_trusted_keys.keys[0].id, h, 8);
}
END_TEST

/* What rumpk-sign wrote at build time verifies in the kernel's path, and one flipped bit
 * anywhere in the payload or signature does not. */
START_TEST(files_signed_by_the_tool_verify)
{
	const char *list = getenv("RUMPK_SIGNED_SAMPLES");
	char *copy, *save = NULL;
	int files = 0;
	ck_assert_msg(list != NULL, "RUMPK_SIGNED_SAMPLES not set (run through ctest)");
	copy = strdup(list);
	for (char *p = strtok_r(copy, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
		size_t len;
		uint8_t *f = fake_read_file(p, &len), h[64];
		struct sign_result res;
		ck_assert_msg(sign_verify(f, len, &sign_trusted_keys, &res) == 0, "%s: %s", p,
			      sign_reason(res.reason));
		ck_assert_ptr_eq(res.key, &sign_trusted_keys.keys[0]);
		crypto_hash_sha512(h, f, len - TB);
		ck_assert_mem_eq(res.digest, h, 64);
		for (size_t i = 0; i < len - TB + 32 + 64; i += 1 + i / 4) {
			size_t at = i < len - TB ? i : len - 64 + (i - (len - TB)) % 64;
			f[at] ^= 0x40;
			ck_assert_int_eq(sign_verify(f, len, &sign_trusted_keys, &res),
					 -RUMPK_EPERM);
			ck_assert_int_eq(res.reason, SIGN_BAD_SIG);
			f[at] ^= 0x40;
		}
		free(f);
		files++;
	}
	free(copy);
	ck_assert_int_ge(files, 3);
}
END_TEST

/* Every Wycheproof vector through sign_verify (as a signed file) or, for signatures that are
 * not 64 bytes, sign_check_signature; the system libsodium must agree too. */
START_TEST(wycheproof_vectors_agree)
{
	unsigned valid = 0, invalid = 0;
	ck_assert_uint_eq(sign_wycheproof_count, 151);
	for (uint32_t i = 0; i < sign_wycheproof_count; i++) {
		const struct sign_wycheproof *v = &sign_wycheproof_vectors[i];
		int ok, lib = v->sig_len == 64 &&
			      crypto_sign_verify_detached(v->sig, v->msg, v->msg_len, v->pk) == 0;
		if (v->sig_len == 64) {
			struct sign_key key;
			struct sign_keyring ring = { &key, 1 };
			struct rumpk_sig_trailer t;
			struct sign_result res;
			size_t len = v->msg_len + TB;
			uint8_t *f = malloc(len);
			memcpy(key.pk, v->pk, 32);
			sign_key_id(key.pk, key.id);
			key.name = "w";
			memset(&t, 0, sizeof(t));
			memcpy(t.magic, RUMPK_SIG_MAGIC, 8);
			t.version = RUMPK_SIG_VERSION;
			t.signed_size = v->msg_len;
			memcpy(t.key_id, key.id, 8);
			memcpy(t.signature, v->sig, 64);
			memcpy(f, v->msg, v->msg_len);
			memcpy(f + v->msg_len, &t, TB);
			ok = sign_verify(f, len, &ring, &res) == 0;
			ck_assert_int_eq(res.reason, ok ? SIGN_OK : SIGN_BAD_SIG);
			free(f);
		} else {
			ok = sign_check_signature(v->sig, v->sig_len, v->msg, v->msg_len,
						  v->pk) == 0;
		}
		ck_assert_msg(ok == (int)v->valid, "tcId %u: expected %s", v->tc_id,
			      v->valid ? "valid" : "invalid");
		ck_assert_msg(lib == ok, "tcId %u: the system libsodium disagrees", v->tc_id);
		if (v->valid)
			valid++;
		else
			invalid++;
	}
	ck_assert_uint_eq(valid, 88);
	ck_assert_uint_eq(invalid, 63);
}
END_TEST

START_TEST(selftest_crypto_on_the_fake_machine)
{
	ck_assert_int_eq(fake_boot("selftest=crypto"), 0);
	ck_assert_ptr_nonnull(strstr(fake.console, "] crypto ok\n"));
	ck_assert_ptr_nonnull(strstr(fake.console,
				     "\n[selftest] crypto ok: 151 Wycheproof Ed25519 vectors agree "
				     "(88 valid, 63 invalid)\n"));
	ck_assert(prov_ready());
}
END_TEST

START_TEST(crypto_stage_alone)
{
	struct rumpk_boot_info bi;
	char why[128] = "";
	fake_boot_info(&bi, "");
	ck_assert_int_eq(sign_stage(&bi, why, sizeof(why)), 0);
	ck_assert_str_eq(why, "");
	ck_assert(prov_ready());
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sign");
	TCase *tc = tcase_create("trailer");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, accepts_a_good_file, 0, 5);
	tcase_add_loop_test(tc, trailer_at_any_alignment, 0, 17);
	tcase_add_test(tc, refuses_files_shorter_than_a_trailer);
	tcase_add_loop_test(tc, refuses_a_missing_trailer, 0, 8);
	tcase_add_loop_test(tc, refuses_other_versions, 0, 4);
	tcase_add_loop_test(tc, refuses_nonzero_reserved, 0, 32);
	tcase_add_loop_test(tc, refuses_a_size_mismatch, 0, 6);
	tcase_add_test(tc, refuses_a_cut_or_grown_file);
	tcase_add_test(tc, refuses_an_unknown_key_by_its_id);
	tcase_add_loop_test(tc, refuses_a_bad_signature, 0, 7);
	tcase_add_test(tc, first_wrong_field_is_named);
	tcase_add_test(tc, signature_length_must_be_64);
	tcase_add_test(tc, every_reason_has_words);
	tcase_add_test(tc, keyring_check_refuses_bad_tables);
	suite_add_tcase(s, tc);

	TCase *tb = tcase_create("build");
	tcase_add_checked_fixture(tb, setup, NULL);
	tcase_add_test(tb, generated_table_holds_the_signing_key);
	tcase_add_test(tb, files_signed_by_the_tool_verify);
	tcase_add_test(tb, wycheproof_vectors_agree);
	tcase_add_test(tb, selftest_crypto_on_the_fake_machine);
	tcase_add_test(tb, crypto_stage_alone);
	tcase_set_timeout(tb, 30); /* ASan + 151 verifies */
	suite_add_tcase(s, tb);
	return unit_main(s);
}
