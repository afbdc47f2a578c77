/*
 * fuzz_packet.c — libFuzzer target for the syscall packet path (src/core/syscall.c): the
 * decoder on raw 32-byte packets, and sys_drain over a ring pair that the input, playing a
 * hostile process, writes to between drains: packets, its own indices, the kernel's
 * indices, the headers' set-up fields. Seeds (tests/fuzz/packet_seeds.py): one well-formed
 * request of every kind, then a drain.
 *
 * Input: a sequence of steps, each an op byte then its operands:
 *   0  push: 32 bytes as a packet at the submission ring's shared tail, tail + 1
 *   1  poke the submission ring's tail (4 bytes)      2  poke the completion ring's head (4)
 *   3  poke the kernel-owned indices (4 + 4)          4  drain, max = next byte
 *   5  read completions like a process: up to next byte of them (head from the header)
 *   6  poke a set-up field (capacity, magic) with 4 bytes
 * Invariants (a violation traps): decode is total and pure (same answer twice), a refused
 * packet is never executed, every drain returns, a drain never answers more than twice the
 * completion ring's capacity, and the kernel never holds more unanswered completions than
 * the ring has slots by the last head it accepted.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rumpk/abi.h"
#include "syscall.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ID 0x0123456789abcdefull
#define SQ_CAP 8
#define CQ_CAP 4

static _Alignas(64) unsigned char sqmem[RUMPK_RING_SLOTS_OFFSET + SQ_CAP * 32];
static _Alignas(64) unsigned char cqmem[RUMPK_RING_SLOTS_OFFSET + CQ_CAP * 32];

static int64_t exec_fn(void *ctx, const struct sys_call *c, uint32_t *a2)
{
	struct rumpk_packet again = { .kind = c->kind, .flags = c->flags, .tag = c->tag,
				      .a = c->a, .b = c->b, .arg = c->arg, .id = ID };
	struct sys_call d;
	(void)ctx;
	if (sys_decode(&again, ID, &d) != SYS_OK)
		__builtin_trap(); /* a refused request reached the mechanism */
	*a2 = c->a;
	return (int64_t)c->tag;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rumpk_ring_hdr *sq = (void *)sqmem, *cq = (void *)cqmem;
	struct sys_rings k;
	struct sys_counters n;
	struct sys_call c1, c2;

	memset(sqmem, 0, sizeof(sqmem));
	memset(cqmem, 0, sizeof(cqmem));
	memset(&n, 0, sizeof(n));
	ring_format(sq, SQ_CAP);
	ring_format(cq, CQ_CAP);
	sys_rings_own(&k, sq, SQ_CAP, cq, CQ_CAP);

	size_t i = 0;
	while (i < size) {
		uint8_t op = data[i++] % 7;
		switch (op) {
		case 0: {
			struct rumpk_packet p;
			if (size - i < sizeof(p))
				return 0;
			memcpy(&p, data + i, sizeof(p));
			i += sizeof(p);
			enum sys_refusal r1 = sys_decode(&p, ID, &c1), r2 = sys_decode(&p, ID, &c2);
			if (r1 != r2 || memcmp(&c1, &c2, sizeof(c1)) != 0 || (unsigned)r1 >= SYS_R_COUNT)
				__builtin_trap();
			uint32_t t = sq->tail;
			ring_slots(sq)[t & (SQ_CAP - 1)] = p;
			sq->tail = t + 1;
			break;
		}
		case 1: case 2: case 6:
			if (size - i < 4)
				return 0;
			if (op == 1)
				sq->tail = rd32(data + i);
			else if (op == 2)
				cq->head = rd32(data + i);
			else if (data[i] & 1)
				sq->capacity = rd32(data + i);
			else
				cq->magic = rd32(data + i);
			i += 4;
			break;
		case 3:
			if (size - i < 8)
				return 0;
			sq->head = rd32(data + i); /* the kernel never reads these back */
			cq->tail = rd32(data + i + 4);
			i += 8;
			break;
		case 4: {
			if (size - i < 1)
				return 0;
			uint64_t before = n.packets;
			int32_t got = sys_drain(&k, ID, data[i++], exec_fn, 0, &n);
			if (got < -RUMPK_ERRNO_MAX || got > 2 * CQ_CAP || n.packets - before > 2 * CQ_CAP ||
			    k.cq.tail - k.cq.head_cache > CQ_CAP)
				__builtin_trap();
			break;
		}
		case 5: {
			if (size - i < 1)
				return 0;
			struct ring_cons u;
			struct rumpk_packet out;
			ring_cons_attach(&u, cq, CQ_CAP);
			for (int m = data[i++] % (CQ_CAP + 1); m > 0 && ring_pop(&u, &out) == 1; m--)
				;
			break;
		}
		}
	}
	return 0;
}
