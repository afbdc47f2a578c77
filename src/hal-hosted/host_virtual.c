/*
 * host_virtual.c — virtual mode's seeded jitter stream and its replay line (the bottom:
 * libsodium and stdio; hal.c decides when to draw and when to print).
 *
 * The stream: libsodium's randombytes_buf_deterministic (ChaCha20 keyed by a 32-byte
 * seed) fills a block of BLOCK bytes at a time; block i is keyed by BLAKE2b-256 of
 * (the run's jitter key, i), so the stream is as long as the run needs and every byte of
 * it is a function of the key alone. The key is the second half of SHA-512("rumpk-sim
 * seed N") (sim/main.c), the first half being the boot entropy: the two never share bytes.
 * Draws happen only at the deterministic points of hal.c, in the order the kernel reaches
 * them, so the same seed and input give the same draws.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "host.h"

#define BLOCK 4096

static uint8_t key[32];
static uint8_t block[BLOCK];
static size_t used = BLOCK;
static uint64_t nblock;
static const char *replay_line;

void host_virtual_seed(const uint8_t k[32])
{
	memcpy(key, k, sizeof(key));
	used = BLOCK;
	nblock = 0;
}

static void refill(void)
{
	uint8_t in[sizeof(key) + 8], seed[randombytes_SEEDBYTES];

	memcpy(in, key, sizeof(key));
	for (int i = 0; i < 8; i++)
		in[sizeof(key) + i] = (uint8_t)(nblock >> (8 * i));
	crypto_generichash(seed, sizeof(seed), in, sizeof(in), NULL, 0);
	randombytes_buf_deterministic(block, sizeof(block), seed);
	nblock++;
	used = 0;
}

uint32_t host_virtual_rand(uint32_t bound)
{
	uint32_t v = 0;

	if (bound <= 1)
		return 0;
	if (used + 4 > BLOCK)
		refill();
	for (int i = 0; i < 4; i++)
		v |= (uint32_t)block[used++] << (8 * i);
	/* the modulo's bias (bound / 2^32) does not matter: jitter needs spread, not
	 * uniformity, and the draw is deterministic either way */
	return v % bound;
}

void host_virtual_set_replay(const char *line)
{
	replay_line = line;
}

void host_virtual_replay(void)
{
	if (!replay_line)
		return;
	if (host_virtual_nondeterministic())
		fprintf(stderr, "rumpk-sim: replay (inexact: the stall watchdog preempted a program "
			"by host CPU time, see above): %s\n", replay_line);
	else
		fprintf(stderr, "rumpk-sim: replay: %s\n", replay_line);
	fflush(stderr);
}
