/*
 * test_prov.c — provenance ids: the documented byte layout (prov.h), recomputed here
 * independently with the system libsodium; determinism; every input bit and every bit of
 * the boot entropy changes the id; a pinned known answer; the panic before prov_init().
 */
#include <sodium.h>

#include <check.h>
#include <string.h>

#include "fake_hal.h"
#include "prov.h"

static uint8_t entropy[RUMPK_BOOT_ENTROPY_BYTES], parent[16], digest[64];
static const uint64_t pid = 0x0123456789abcdefull;

static void setup(void)
{
	ck_assert_int_ge(sodium_init(), 0);
	for (int i = 0; i < RUMPK_BOOT_ENTROPY_BYTES; i++)
		entropy[i] = (uint8_t)(0xe0 + i);
	for (int i = 0; i < 16; i++)
		parent[i] = (uint8_t)(0x10 + i);
	for (int i = 0; i < 64; i++)
		digest[i] = (uint8_t)(0x40 + i);
}

/* The id as prov.h documents it, computed without prov.c. */
static void reference_id(const uint8_t ent[32], const uint8_t par[16], uint64_t p,
			 const uint8_t dig[64], uint8_t out[16])
{
	uint8_t kin[17 + 32], h[64], in[88];
	memcpy(kin, "rumpk boot key v1", 17);
	memcpy(kin + 17, ent, 32);
	crypto_hash_sha512(h, kin, sizeof(kin));
	memcpy(in, par, 16);
	for (int i = 0; i < 8; i++)
		in[16 + i] = (uint8_t)(p >> (8 * i));
	memcpy(in + 24, dig, 64);
	crypto_shorthash_siphashx24(out, in, sizeof(in), h); /* the key: h[0..16) */
}

START_TEST(matches_an_independent_computation)
{
	uint8_t a[16], b[16];
	prov_init(entropy);
	ck_assert(prov_ready());
	prov_id(parent, pid, digest, a);
	reference_id(entropy, parent, pid, digest, b);
	ck_assert_mem_eq(a, b, 16);
	prov_id(parent, 0, digest, a); /* another pid, and the all-zero kernel parent */
	reference_id(entropy, parent, 0, digest, b);
	ck_assert_mem_eq(a, b, 16);
}
END_TEST

START_TEST(input_layout)
{
	uint8_t in[PROV_INPUT_BYTES];
	ck_assert_uint_eq(PROV_INPUT_BYTES, 88);
	prov_input(parent, pid, digest, in);
	ck_assert_mem_eq(in, parent, 16);
	static const uint8_t le[8] = { 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01 };
	ck_assert_mem_eq(in + 16, le, 8);
	ck_assert_mem_eq(in + 24, digest, 64);
}
END_TEST

/* Pinned: if this changes, ids are no longer what docs/security.md says they are. */
START_TEST(known_answer)
{
	static const uint8_t want[16] = { 0xd7, 0x08, 0xd3, 0x4e, 0xe0, 0x3c, 0x73, 0xa7,
					  0xc8, 0x5f, 0x47, 0x4f, 0x6f, 0xfd, 0xd0, 0x82 };
	uint8_t id[16];
	prov_init(entropy);
	prov_id(parent, pid, digest, id);
	ck_assert_mem_eq(id, want, 16);
}
END_TEST

START_TEST(deterministic)
{
	uint8_t a[16], b[16];
	prov_init(entropy);
	prov_id(parent, pid, digest, a);
	prov_id(parent, pid, digest, b);
	ck_assert_mem_eq(a, b, 16);
	prov_init(entropy); /* the same entropy makes the same key */
	prov_id(parent, pid, digest, b);
	ck_assert_mem_eq(a, b, 16);
}
END_TEST

START_TEST(every_input_bit_matters)
{
	uint8_t base[16], id[16], p[16], d[64];
	prov_init(entropy);
	prov_id(parent, pid, digest, base);
	for (int bit = 0; bit < 128; bit++) {
		memcpy(p, parent, 16);
		p[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		prov_id(p, pid, digest, id);
		ck_assert_msg(memcmp(id, base, 16) != 0, "parent bit %d", bit);
	}
	for (int bit = 0; bit < 64; bit++) {
		prov_id(parent, pid ^ (1ull << bit), digest, id);
		ck_assert_msg(memcmp(id, base, 16) != 0, "pid bit %d", bit);
	}
	for (int bit = 0; bit < 512; bit++) {
		memcpy(d, digest, 64);
		d[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		prov_id(parent, pid, d, id);
		ck_assert_msg(memcmp(id, base, 16) != 0, "digest bit %d", bit);
	}
}
END_TEST

START_TEST(every_entropy_bit_changes_the_key)
{
	uint8_t base[16], id[16], e[32];
	prov_init(entropy);
	prov_id(parent, pid, digest, base);
	for (int bit = 0; bit < 256; bit++) {
		memcpy(e, entropy, 32);
		e[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		prov_init(e);
		prov_id(parent, pid, digest, id);
		ck_assert_msg(memcmp(id, base, 16) != 0, "entropy bit %d", bit);
	}
}
END_TEST

/* Check forks each test, so here prov_init() has never run. */
START_TEST(id_before_the_key_panics)
{
	jmp_buf jb;
	uint8_t id[16];
	fake_reset();
	fake.halt_jmp = &jb;
	ck_assert(!prov_ready());
	if (setjmp(jb) == 0)
		prov_id(parent, pid, digest, id);
	ck_assert_int_eq(fake.halt_code, 255);
	ck_assert_ptr_nonnull(strstr(fake.console, "panic: prov_id: provenance id asked for before "
						   "the crypto stage made the boot key"));
}
END_TEST

/* The crypto stage derives the key from boot_info.entropy. */
START_TEST(boot_derives_the_key_from_boot_entropy)
{
	struct rumpk_boot_info bi;
	uint8_t a[16], b[16];
	fake_reset();
	fake_boot_info(&bi, "");
	memcpy(bi.entropy, entropy, sizeof(entropy));
	ck_assert_int_eq(fake_run_core(&bi), 0);
	prov_id(parent, pid, digest, a);
	reference_id(entropy, parent, pid, digest, b);
	ck_assert_mem_eq(a, b, 16);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("prov");
	TCase *tc = tcase_create("prov");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, matches_an_independent_computation);
	tcase_add_test(tc, input_layout);
	tcase_add_test(tc, known_answer);
	tcase_add_test(tc, deterministic);
	tcase_add_test(tc, every_input_bit_matters);
	tcase_add_test(tc, every_entropy_bit_changes_the_key);
	tcase_add_test(tc, id_before_the_key_panics);
	tcase_add_test(tc, boot_derives_the_key_from_boot_entropy);
	suite_add_tcase(s, tc);
	return unit_main(s);
}
