/*
 * fuzz_sign.c — libFuzzer target for the signature trailer check (sign_verify), the first
 * code to see an untrusted program's bytes. Seeds: the files the build signed with
 * rumpk-sign (build/<preset>/signed-samples/), so mutations start from valid trailers.
 *
 * Each input goes through sign_verify twice: under the kernel's real trusted keys (almost
 * everything stops at the trailer checks or the key id), and under a keyring that trusts
 * whatever key id the trailer names with a public key taken from the input's first 32
 * bytes, so arbitrary points and signatures reach libsodium's decoder and the Ed25519
 * check too. Invariants: success iff reason SIGN_OK; success only for a well-formed
 * trailer; sign_describe always terminates its string.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rumpk/abi.h"
#include "sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TB sizeof(struct rumpk_sig_trailer)

static void check(const uint8_t *data, size_t size, const struct sign_keyring *ring)
{
	struct sign_result res;
	char words[200];
	int err = sign_verify(data, size, ring, &res);

	if ((err == 0) != (res.reason == SIGN_OK))
		__builtin_trap();
	if (err == 0 && (size < TB || res.signed_size != size - TB || !res.key ||
			 memcmp(data + size - TB, RUMPK_SIG_MAGIC, 8) != 0))
		__builtin_trap();
	words[sizeof(words) - 1] = 'x';
	sign_describe(&res, words, sizeof(words));
	if (strlen(words) >= sizeof(words))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check(data, size, &sign_trusted_keys);

	struct sign_key key;
	struct sign_keyring ring = { &key, 1 };
	memset(&key, 0, sizeof(key));
	key.name = "fuzz";
	if (size >= TB) {
		memcpy(key.id, data + size - TB + offsetof(struct rumpk_sig_trailer, key_id),
		       sizeof(key.id));
		memcpy(key.pk, size >= TB + 32 ? data : sign_trusted_keys.keys[0].pk, 32);
	}
	check(data, size, &ring);
	return 0;
}
