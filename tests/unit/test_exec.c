/*
 * test_exec.c — the full path a program takes (exec_check: signature, then ELF), fed with
 * hostile files that are correctly SIGNED, so only the ELF checks can catch them:
 *   - every file of the malformed-ELF corpus (tests/elf/make_corpus.py, one per refusal),
 *     signed here with the build's key, must give exactly the error its manifest names;
 *   - every prefix of a signed program is refused (truncation sweep);
 *   - every single-bit flip of a signed program of at least 4 KiB is refused.
 */
#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "fake_hal.h"

static unsigned char sk[crypto_sign_SECRETKEYBYTES];

static void setup(void)
{
	size_t n;
	uint8_t *k = fake_read_file(RUMPK_SIGNING_KEY_FILE, &n);
	ck_assert_uint_eq(n, sizeof(sk));
	memcpy(sk, k, sizeof(sk));
	free(k);
	ck_assert_int_ge(sodium_init(), 0);
}

/* Appends a trailer over buf[0..len) the way rumpk-sign does (buf has room for it). */
static size_t sign_buf(uint8_t *buf, size_t len)
{
	struct rumpk_sig_trailer t;
	unsigned char h[crypto_hash_sha512_BYTES];
	memset(&t, 0, sizeof(t));
	memcpy(t.magic, RUMPK_SIG_MAGIC, 8);
	t.version = RUMPK_SIG_VERSION;
	t.signed_size = len;
	crypto_hash_sha512(h, sk + 32, 32); /* the public key is the secret key's second half */
	memcpy(t.key_id, h, sizeof(t.key_id));
	crypto_sign_detached(t.signature, NULL, buf, len, sk);
	memcpy(buf + len, &t, sizeof(t));
	return len + sizeof(t);
}

START_TEST(signed_corpus_gives_each_named_error)
{
	char path[512], line[512];
	snprintf(path, sizeof(path), "%s/x86_64/manifest.txt", RUMPK_CORPUS_DIR);
	FILE *m = fopen(path, "r");
	ck_assert_msg(m != NULL, "no corpus manifest at %s", path);
	int files = 0, refused = 0;
	while (fgets(line, sizeof(line), m)) {
		char file[256], want[64];
		if (line[0] == '#' || sscanf(line, "%255s %63s", file, want) != 2)
			continue;
		snprintf(path, sizeof(path), "%s/x86_64/%s", RUMPK_CORPUS_DIR, file);
		size_t len;
		uint8_t *b = fake_read_file(path, &len);
		len = sign_buf(b, len);
		struct exec_verdict v;
		char why[200];
		int err = exec_check(b, len, &v, why, sizeof(why));
		if (strcmp(want, "ELF_OK") == 0) {
			ck_assert_msg(err == 0, "%s: refused: %s", file, why);
		} else {
			ck_assert_msg(err == -RUMPK_ENOEXEC && v.refused == EXEC_REFUSED_ELF,
				      "%s: expected %s, got %d (%s)", file, want, err, why);
			ck_assert_msg(strcmp(elf_err_name(v.elf.err), want) == 0,
				      "%s: expected %s, got %s (%s)", file, want,
				      elf_err_name(v.elf.err), why);
			refused++;
		}
		free(b);
		files++;
	}
	fclose(m);
	ck_assert_int_ge(refused, 50);
	ck_assert_int_eq(files, refused + 1);
}
END_TEST

START_TEST(every_prefix_of_a_signed_program_is_refused)
{
	size_t len;
	uint8_t *b = fake_read_file(RUMPK_SIGNED_DIR "/hello", &len);
	struct exec_verdict v;
	ck_assert_int_eq(exec_check(b, len, &v, NULL, 0), 0); /* the whole file passes */
	for (size_t n = 0; n < len; n++) {
		uint8_t *copy = malloc(n ? n : 1); /* exactly n bytes: ASan sees any overread */
		memcpy(copy, b, n);
		int err = exec_check(copy, n, &v, NULL, 0);
		if (err == 0 || v.refused != EXEC_REFUSED_SIGN)
			ck_abort_msg("prefix of %zu bytes: error %d, refused by %d", n, err, v.refused);
		free(copy);
	}
	free(b);
}
END_TEST

START_TEST(every_bit_flip_of_a_signed_program_is_refused)
{
	size_t len;
	uint8_t *b = fake_read_file(RUMPK_SIGNED_DIR "/hello", &len);
	struct exec_verdict v;
	ck_assert_uint_ge(len, 4096);
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			b[i] ^= (uint8_t)(1u << bit);
			int err = exec_check(b, len, &v, NULL, 0);
			b[i] ^= (uint8_t)(1u << bit);
			if (err == 0)
				ck_abort_msg("flipping bit %d of byte %zu was not noticed", bit, i);
		}
	}
	ck_assert_int_eq(exec_check(b, len, &v, NULL, 0), 0);
	free(b);
}
END_TEST

/* The cache of accepted images: a second exec of the same bytes skips the signature check
 * and gives the same verdict; a copy with any byte changed (same length) is a miss and is
 * refused by the full check, right after the original was cached too; only accepted files
 * are remembered; the least recently used goes when EXEC_CACHE_ENTRIES are full. */
START_TEST(the_cache_remembers_exact_bytes_only)
{
	size_t len;
	uint8_t *b = fake_read_file(RUMPK_SIGNED_DIR "/hello", &len);
	struct exec_verdict v, w;
	struct exec_cache_stats cs;
	exec_cache_clear();
	ck_assert_int_eq(exec_check_cached(b, len, &v, NULL, 0), 0);
	ck_assert_int_eq(exec_check_cached(b, len, &w, NULL, 0), 0);
	exec_cache_stats(&cs);
	ck_assert_uint_eq(cs.misses, 1);
	ck_assert_uint_eq(cs.hits, 1);
	ck_assert_mem_eq(w.sign.digest, v.sign.digest, sizeof(v.sign.digest));
	ck_assert_uint_eq(w.elf_size, v.elf_size);
	ck_assert_uint_eq(w.elf.entry, v.elf.entry);
	/* every 97th byte changed in turn, the trailer included: each a miss, each refused */
	for (size_t i = 0; i < len; i += 97) {
		b[i] ^= 0x20;
		int err = exec_check_cached(b, len, &w, NULL, 0);
		b[i] ^= 0x20;
		if (err == 0)
			ck_abort_msg("byte %zu changed and it was accepted", i);
	}
	exec_cache_stats(&cs);
	ck_assert_uint_eq(cs.hits, 1);
	ck_assert_int_eq(exec_check_cached(b, len, &w, NULL, 0), 0); /* the original: a hit */
	exec_cache_stats(&cs);
	ck_assert_uint_eq(cs.hits, 2);
	/* EXEC_CACHE_ENTRIES other accepted files (the ELF with k extra bytes after it, signed
	 * again): hello, used longest ago, is the one that goes */
	size_t elf = len - sizeof(struct rumpk_sig_trailer);
	uint8_t *other = calloc(1, len + EXEC_CACHE_ENTRIES + 8);
	for (int k = 1; k <= EXEC_CACHE_ENTRIES; k++) {
		memcpy(other, b, elf);
		memset(other + elf, 0, (size_t)k);
		size_t n = sign_buf(other, elf + (size_t)k);
		ck_assert_int_eq(exec_check_cached(other, n, &w, NULL, 0), 0);
	}
	exec_cache_stats(&cs);
	uint64_t misses = cs.misses;
	ck_assert_int_eq(exec_check_cached(b, len, &w, NULL, 0), 0);
	exec_cache_stats(&cs);
	ck_assert_uint_eq(cs.misses, misses + 1); /* evicted: verified again */
	free(other);
	free(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("exec");
	TCase *tc = tcase_create("full-path");
	tcase_add_unchecked_fixture(tc, setup, NULL);
	tcase_add_test(tc, signed_corpus_gives_each_named_error);
	tcase_add_test(tc, every_prefix_of_a_signed_program_is_refused);
	tcase_add_test(tc, every_bit_flip_of_a_signed_program_is_refused);
	tcase_add_test(tc, the_cache_remembers_exact_bytes_only);
	tcase_set_timeout(tc, 600);
	suite_add_tcase(s, tc);
	return unit_main(s);
}
