/*
 * prov.c — provenance ids (layout and key derivation: prov.h).
 *
 * The boot key lives only here, in kernel memory; nothing returns it. The derivation hashes
 * the entropy rather than using it directly, so a HAL that gathered fewer real bytes (flag
 * RUMPK_BOOT_ENTROPY_WEAK) still yields a full-width key from what it had.
 */
#include "prov.h"

#include "kprintf.h"
#include "kutil.h"
#include "sodium.h"

static uint8_t boot_key[PROV_KEY_BYTES];
static int key_ready;

/* Wipes a buffer in a way the compiler cannot drop as a dead store. */
static void wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;
	while (n--)
		*v++ = 0;
}

void prov_derive(const char *label, const uint8_t entropy[RUMPK_BOOT_ENTROPY_BYTES],
		 uint8_t *out, size_t n)
{
	uint8_t in[PROV_LABEL_MAX + RUMPK_BOOT_ENTROPY_BYTES];
	uint8_t h[SODIUM_SHA512_BYTES];
	size_t len = kstrlen(label);

	if (len > PROV_LABEL_MAX || n > sizeof(h))
		kpanic("prov_derive: label '%s' or %u key bytes too long", label, (unsigned)n);
	kmemcpy(in, label, len);
	kmemcpy(in + len, entropy, RUMPK_BOOT_ENTROPY_BYTES);
	crypto_hash_sha512(h, in, len + RUMPK_BOOT_ENTROPY_BYTES);
	kmemcpy(out, h, n);
	wipe(in, sizeof(in));
	wipe(h, sizeof(h));
}

void prov_init(const uint8_t entropy[RUMPK_BOOT_ENTROPY_BYTES])
{
	prov_derive(PROV_KEY_LABEL, entropy, boot_key, PROV_KEY_BYTES);
	key_ready = 1;
}

int prov_ready(void)
{
	return key_ready;
}

void prov_input(const uint8_t parent[PROV_ID_BYTES], uint64_t pid, const uint8_t digest[64],
		uint8_t out[PROV_INPUT_BYTES])
{
	kmemcpy(out, parent, PROV_ID_BYTES);
	for (int i = 0; i < 8; i++) /* little-endian whatever the CPU */
		out[PROV_ID_BYTES + i] = (uint8_t)(pid >> (8 * i));
	kmemcpy(out + PROV_ID_BYTES + 8, digest, 64);
}

void prov_id(const uint8_t parent[PROV_ID_BYTES], uint64_t pid, const uint8_t digest[64],
	     uint8_t out[PROV_ID_BYTES])
{
	uint8_t in[PROV_INPUT_BYTES];

	if (!key_ready)
		kpanic("prov_id: provenance id asked for before the crypto stage made the "
		       "boot key");
	prov_input(parent, pid, digest, in);
	crypto_shorthash_siphashx24(out, in, sizeof(in), boot_key);
}
