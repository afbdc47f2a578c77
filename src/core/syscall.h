/*
 * syscall.h — syscalls are packets (rumpk/abi.h, docs/abi.md). This file is the decoding
 * half: from a process's submission ring to validated requests, and from results back to
 * completions. What each kind does lives in the subsystems (VFS, processes, memory); a
 * caller hands sys_drain() a function that executes one validated request.
 *
 * Trust: everything in a ring page is the process's to write at any moment. sys_drain
 * uses the hardened ring sides (rumpk/ring.h): it owns the submission ring's head and the
 * completion ring's tail, reads each peer index once per refresh and only accepts it inside
 * its window, copies each packet out once and decodes only that copy. A packet that fails
 * decoding gets an error completion and a counter, never a kill; the process goes on.
 * Back-pressure: a request is taken off the submission ring only when its completion has
 * a free slot, so a process that does not read its completions stalls itself, never the
 * kernel. Hot path: no logging, no allocation.
 */
#ifndef RUMPK_SYSCALL_H
#define RUMPK_SYSCALL_H

#include <stddef.h>
#include <stdint.h>

#include "rumpk/abi.h"
#include "rumpk/ring.h"

/* A decoded request: the packet's fields, each checked against its kind's rules. */
struct sys_call {
	uint16_t kind;
	uint16_t flags;
	uint32_t tag;
	uint32_t a, b;
	uint64_t arg;
};

/* Why decoding refused a packet (each has its counter and its error). */
enum sys_refusal {
	SYS_OK = 0,
	SYS_R_KIND,  /* no such kind: -RUMPK_ENOSYS */
	SYS_R_FLAGS, /* flags set that the kind does not define: -RUMPK_EINVAL */
	SYS_R_UNUSED, /* a, b or arg non-zero where the kind does not use it: -RUMPK_EINVAL */
	SYS_R_RANGE, /* an argument outside what the kind accepts: -RUMPK_EINVAL */
	SYS_R_PROV,  /* the id is not the submitter's: -RUMPK_EPROV */
	SYS_R_COUNT
};

/* sys_kind_name — "write", "read", ... for a RUMPK_SYS_* value, or NULL. */
const char *sys_kind_name(uint32_t kind);

/* sys_refusal_name — a short name for a refusal ("unknown kind", ...). */
const char *sys_refusal_name(enum sys_refusal r);

/*
 * sys_decode — checks the packet `p` (a private copy) against its kind's rules and the
 * submitter's provenance id `id`. Fills *out and returns SYS_OK, or returns the refusal
 * (out->kind and out->tag are still filled, for the error completion). Pure: no state, no
 * pointer is followed (user pointers are checked by the copies that use them).
 */
enum sys_refusal sys_decode(const struct rumpk_packet *p, uint64_t id, struct sys_call *out);

/* sys_refusal_error — the negative RUMPK_E* code a refusal answers with. */
int sys_refusal_error(enum sys_refusal r);

/* sys_complete — the completion for request `c`: result res (>= 0, or a negative
 * RUMPK_E* error, which also sets RUMPK_CQE_ERROR), second result a2, stamped with id. */
void sys_complete(const struct sys_call *c, int64_t res, uint32_t a2, uint64_t id,
		  struct rumpk_packet *out);

/* Per-process (or kernel-wide, summed) counters of the decoding path. */
struct sys_counters {
	uint64_t packets;                /* taken off a submission ring */
	uint64_t refused[SYS_R_COUNT];   /* by reason; refused[SYS_OK] stays 0 */
	uint64_t ring_refused;           /* drains stopped by an index outside its window */
	uint64_t stalls;                 /* drains stopped by a full completion ring */
};

/* A process's two rings, as the kernel drives them (the hardened sides). */
struct sys_rings {
	struct ring_cons sq;             /* submissions: the kernel consumes */
	struct ring_prod cq;             /* completions: the kernel produces */
	/* optional: told of each request decoding refused (the trace), with sys_drain's ctx,
	 * the request as decoded and the error it is answered with; NULL: nobody */
	void (*refused)(void *ctx, const struct sys_call *c, int64_t res);
};

/*
 * sys_rings_own — the kernel takes its sides of a ring pair it formatted: the submission
 * ring's head and the completion ring's tail, both starting at 0, and the capacities it
 * chose (never read back from the shared headers).
 */
void sys_rings_own(struct sys_rings *r, struct rumpk_ring_hdr *sq, uint32_t sq_cap,
		   struct rumpk_ring_hdr *cq, uint32_t cq_cap);

/*
 * What executes one validated request: returns its result (>= 0 or a negative RUMPK_E*)
 * and may set *a2 (the completion's second result). SYS_EXIT and SYS_HALT do not return
 * to the drain when they succeed. May block (the caller's fiber sleeps).
 */
typedef int64_t (*sys_exec_fn)(void *ctx, const struct sys_call *c, uint32_t *a2);

/*
 * sys_drain — takes up to `max` requests off r's submission ring, each only once a slot is
 * free for its completion: decodes it against `id`, executes the valid ones with exec(ctx),
 * posts every completion (stamped with `id`), and counts into *n. Returns how many requests
 * it took (0: nothing to do, or the completion ring is full), or -RUMPK_ERANGE if a ring
 * index the process wrote is outside its window (counted; nothing more is taken until the
 * process puts it right). Never waits on the process's state.
 */
int32_t sys_drain(struct sys_rings *r, uint64_t id, uint32_t max, sys_exec_fn exec, void *ctx,
		  struct sys_counters *n);

#endif /* RUMPK_SYSCALL_H */
