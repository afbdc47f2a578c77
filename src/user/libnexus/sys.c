/*
 * sys.c — the membrane: every call to the kernel becomes one packet on the process's
 * submission ring, and its answer the completion with the same tag (docs/abi.md).
 *
 * The process's sides of its two rings are the trusting ones (rumpk/ring.h): it owns the
 * submission ring's tail and the completion ring's head and believes what the kernel
 * writes. A call pushes its packet, rings the doorbell while the kernel asks for it
 * (RUMPK_RING_NEED_WAKEUP on the submission ring, Peace mode), then takes completions
 * until its own tag comes back, ringing again whenever there is none yet (a doorbell
 * returns once the kernel has drained the ring, so in Peace mode the answer is there).
 * Calls are synchronous: one request in flight per call, tags count up.
 *
 * Without a ring page in the auxv (a program run in place by a test, with no kernel to
 * talk to) every call answers -RUMPK_ENOSYS and nexus_exit falls back to the exit trap.
 */
#include "nexus.h"
#include "nexus_sys.h"
#include "rumpk/ring.h"

#include <string.h>

static struct ring_prod sq;
static struct ring_cons cq;
static struct rumpk_ring_hdr *sq_hdr;
static uint64_t prov;
static void (*bell)(void);
static uint32_t last_tag;
static int attached;
uintptr_t nexus_doorbell;

void nexus_sys_attach(void *page, uint64_t id, void (*doorbell)(void))
{
	sq_hdr = (struct rumpk_ring_hdr *)((char *)page + RUMPK_SQ_OFFSET);
	ring_prod_attach(&sq, sq_hdr, RUMPK_SQ_SLOTS);
	ring_cons_attach(&cq, (struct rumpk_ring_hdr *)((char *)page + RUMPK_CQ_OFFSET),
			 RUMPK_CQ_SLOTS);
	prov = id;
	bell = doorbell ? doorbell : nexus_trap_doorbell;
	nexus_doorbell = (uintptr_t)doorbell;
	attached = 1;
}

void nexus_sys_init(void)
{
	uint64_t page = nexus_getauxval(RUMPK_AT_RING);
	if (page)
		nexus_sys_attach((void *)(uintptr_t)page, nexus_getauxval(RUMPK_AT_PROV),
				 (void (*)(void))(uintptr_t)nexus_getauxval(RUMPK_AT_DOORBELL));
}

int nexus_sys_attached(void)
{
	return attached;
}

/* One request with `id` in its packet (the process's own for nexus_call). */
static int64_t call(uint64_t id, uint16_t kind, uint32_t a, uint32_t b, uint64_t arg,
		    uint32_t *a2)
{
	struct rumpk_packet p = { .kind = kind, .tag = ++last_tag, .a = a, .b = b, .arg = arg,
				  .id = id };
	struct rumpk_packet c;

	if (!attached)
		return -RUMPK_ENOSYS;
	while (!ring_push(&sq, &p))
		bell(); /* full: the kernel drains it */
	if (ring_load_acquire(&sq_hdr->flags) & RUMPK_RING_NEED_WAKEUP)
		bell();
	for (;;) {
		while (ring_pop(&cq, &c))
			if (c.tag == p.tag) {
				if (a2)
					*a2 = c.a;
				return (int64_t)c.arg;
			}
		/* nothing (or only stale answers) yet: hand the CPU to the kernel */
		bell();
	}
}

int64_t nexus_call(uint16_t kind, uint32_t a, uint32_t b, uint64_t arg, uint32_t *a2)
{
	return call(prov, kind, a, b, arg, a2);
}

/* Only test programs (crash forge) link this: --gc-sections drops it from the others. */
int64_t nexus_call_as(uint64_t id, uint16_t kind, uint32_t a, uint32_t b, uint64_t arg,
		      uint32_t *a2)
{
	return call(id, kind, a, b, arg, a2);
}

/*
 * nexus_call_many — n requests in flight at once. Tags are base .. base + n - 1, so an
 * answer's index is its tag minus base (modulo 2^32, like the tags). Packets go in as
 * the submission ring has room, answers come out as they arrive: with more requests than
 * the completion ring holds, the kernel stops taking requests until answers are read
 * (back-pressure), so pushing and popping must alternate or both rings would stay full.
 */
int nexus_call_many(struct rumpk_packet *reqs, int64_t *res, uint32_t n)
{
	struct rumpk_packet c[16];
	uint32_t base = last_tag + 1, sent = 0, got = 0;

	if (!attached) {
		for (uint32_t i = 0; i < n; i++)
			res[i] = -RUMPK_ENOSYS;
		return n ? -RUMPK_ENOSYS : 0;
	}
	for (uint32_t i = 0; i < n; i++) {
		reqs[i].tag = base + i;
		reqs[i].id = prov;
	}
	last_tag += n;
	while (got < n) {
		uint32_t k = ring_push_batch(&sq, reqs + sent, n - sent), m, popped = 0;
		sent += k;
		if (k && (ring_load_acquire(&sq_hdr->flags) & RUMPK_RING_NEED_WAKEUP))
			bell();
		while ((m = ring_pop_batch(&cq, c, 16)) > 0) {
			for (uint32_t j = 0; j < m; j++) {
				uint32_t i = c[j].tag - base;
				if (i < n) {
					res[i] = (int64_t)c[j].arg;
					got++;
				}
			}
			popped += m;
		}
		if (got < n && !popped)
			bell(); /* no answer yet (War mode, or the rings were full) */
	}
	return 0;
}

/* ---- the seams of the small libc (nexus_sys.h) ------------------------------------------ */

int64_t nexus_sys_write(uint32_t handle, const void *buf, uint64_t len)
{
	if (len > UINT32_MAX)
		len = UINT32_MAX; /* a short write; the caller writes the rest */
	return nexus_call(RUMPK_SYS_WRITE, handle, (uint32_t)len, (uint64_t)(uintptr_t)buf, 0);
}

int64_t nexus_sys_heap_grow(uint64_t bytes)
{
	return nexus_call(RUMPK_SYS_HEAP, 0, 0, bytes, 0);
}

void nexus_abort(const char *why)
{
	(void)why; /* the caller already wrote the message */
	nexus_call(RUMPK_SYS_EXIT, NEXUS_ABORT_STATUS, 0, 0, 0);
	nexus_trap_exit(NEXUS_ABORT_STATUS);
}
