/*
 * syscall.c — packets to requests and back (contract in syscall.h, reference docs/abi.md).
 *
 * One table row per kind says which of a, b and arg the kind uses and which flags it
 * defines; everything else must be zero. Range rules that need no memory access are
 * checked here too (a whence, a page multiple, a flag word). Nothing here follows a user
 * pointer: the mechanism that uses one copies through the HAL's checked user copies, which
 * answer -RUMPK_EFAULT for a bad one. The order of the checks is fixed (id, kind, flags,
 * unused arguments, ranges), so each refusal has one name.
 */
#include "syscall.h"

#include "fault.h"
#include "kprintf.h"
#include "mem.h" /* PAGE_SIZE */

#define USES_A 0x1u
#define USES_B 0x2u
#define USES_ARG 0x4u

struct kind_rule {
	const char *name;
	uint8_t uses;      /* USES_* */
	uint16_t flags;    /* the packet flags this kind defines (none yet) */
};

static const struct kind_rule rules[RUMPK_SYS_MAX + 1] = {
	[RUMPK_SYS_WRITE] = { "write", USES_A | USES_B | USES_ARG, 0 },
	[RUMPK_SYS_READ] = { "read", USES_A | USES_B | USES_ARG, 0 },
	[RUMPK_SYS_OPEN] = { "open", USES_A | USES_ARG, 0 },
	[RUMPK_SYS_CLOSE] = { "close", USES_A, 0 },
	[RUMPK_SYS_SEEK] = { "seek", USES_A | USES_B | USES_ARG, 0 },
	[RUMPK_SYS_READDIR] = { "readdir", USES_A | USES_ARG, 0 },
	[RUMPK_SYS_STAT] = { "stat", USES_ARG, 0 },
	[RUMPK_SYS_EXEC] = { "exec", USES_ARG, 0 },
	[RUMPK_SYS_WAIT] = { "wait", USES_A | USES_B, 0 },
	[RUMPK_SYS_EXIT] = { "exit", USES_A, 0 },
	[RUMPK_SYS_YIELD] = { "yield", 0, 0 },
	[RUMPK_SYS_SLEEP] = { "sleep", USES_ARG, 0 },
	[RUMPK_SYS_GETPID] = { "getpid", 0, 0 },
	[RUMPK_SYS_KILL] = { "kill", USES_A, 0 },
	[RUMPK_SYS_PS] = { "ps", USES_B | USES_ARG, 0 },
	[RUMPK_SYS_TIME] = { "time", 0, 0 },
	[RUMPK_SYS_HEAP] = { "heap", USES_ARG, 0 },
	[RUMPK_SYS_STATS] = { "stats", USES_B | USES_ARG, 0 },
	[RUMPK_SYS_HALT] = { "halt", USES_A, 0 },
};

static const char *const refusal_names[SYS_R_COUNT] = {
	[SYS_OK] = "ok",
	[SYS_R_KIND] = "unknown kind",
	[SYS_R_FLAGS] = "undefined flags",
	[SYS_R_UNUSED] = "unused argument not zero",
	[SYS_R_RANGE] = "argument out of range",
	[SYS_R_PROV] = "forged provenance id",
};

const char *sys_kind_name(uint32_t kind)
{
	return kind <= RUMPK_SYS_MAX ? rules[kind].name : 0;
}

const char *sys_refusal_name(enum sys_refusal r)
{
	return (unsigned)r < SYS_R_COUNT ? refusal_names[r] : "?";
}

int sys_refusal_error(enum sys_refusal r)
{
	switch (r) {
	case SYS_OK: return 0;
	case SYS_R_KIND: return -RUMPK_ENOSYS;
	case SYS_R_PROV: return -RUMPK_EPROV;
	default: return -RUMPK_EINVAL;
	}
}

/* The rules no table row can say: values a kind accepts. */
static int in_range(const struct sys_call *c)
{
	switch (c->kind) {
	case RUMPK_SYS_OPEN:
		return (c->a & ~RUMPK_O_DIRECTORY) == 0;
	case RUMPK_SYS_SEEK:
		return c->b <= RUMPK_SEEK_END;
	case RUMPK_SYS_WAIT:
		return (c->b & ~RUMPK_WAIT_NOHANG) == 0;
	case RUMPK_SYS_HEAP:
		return c->arg != 0 && (c->arg & (PAGE_SIZE - 1)) == 0;
	default:
		return 1;
	}
}

enum sys_refusal sys_decode(const struct rumpk_packet *p, uint64_t id, struct sys_call *out)
{
	out->kind = p->kind;
	out->flags = p->flags;
	out->tag = p->tag;
	out->a = p->a;
	out->b = p->b;
	out->arg = p->arg;
	if (p->id != id)
		return SYS_R_PROV;
	if (p->kind == 0 || p->kind > RUMPK_SYS_MAX || !rules[p->kind].name)
		return SYS_R_KIND;
	const struct kind_rule *k = &rules[p->kind];
	if (p->flags & ~k->flags)
		return SYS_R_FLAGS;
	if ((!(k->uses & USES_A) && p->a) || (!(k->uses & USES_B) && p->b) ||
	    (!(k->uses & USES_ARG) && p->arg))
		return SYS_R_UNUSED;
	if (!in_range(out))
		return SYS_R_RANGE;
	return SYS_OK;
}

void sys_complete(const struct sys_call *c, int64_t res, uint32_t a2, uint64_t id,
		  struct rumpk_packet *out)
{
	out->kind = c->kind;
	out->flags = res < 0 ? RUMPK_CQE_ERROR : 0;
	out->tag = c->tag;
	out->a = a2;
	out->b = 0;
	out->arg = (uint64_t)res;
	out->id = id;
}

void sys_rings_own(struct sys_rings *r, struct rumpk_ring_hdr *sq, uint32_t sq_cap,
		   struct rumpk_ring_hdr *cq, uint32_t cq_cap)
{
	r->refused = 0;
	ring_cons_own(&r->sq, sq, sq_cap, 0);
	ring_prod_own(&r->cq, cq, cq_cap, 0);
}

int32_t sys_drain(struct sys_rings *r, uint64_t id, uint32_t max, sys_exec_fn exec, void *ctx,
		  struct sys_counters *n)
{
	struct rumpk_packet in, out;
	struct sys_call c;
	int32_t taken = 0;

	while ((uint32_t)taken < max) {
		int32_t space = ring_hspace(&r->cq);
		/* fault point "ring": the completion ring seen full, as when the process reads
		 * its answers slowly; the requests wait in the submission ring for the next
		 * drain (the process's next doorbell, or War mode's poll) */
		if (space == 0 || (space > 0 && fault_inject(RUMPK_INJ_RING, 0))) {
			n->stalls++;
			break;
		}
		int32_t got = space < 0 ? space : ring_hpop(&r->sq, &in);
		if (got < 0) {
			n->ring_refused++;
			return -RUMPK_ERANGE;
		}
		if (got == 0)
			break;
		taken++;
		n->packets++;
		uint32_t a2 = 0;
		int64_t res;
		enum sys_refusal why = sys_decode(&in, id, &c);
		if (why != SYS_OK) {
			n->refused[why]++;
			res = sys_refusal_error(why);
			if (r->refused)
				r->refused(ctx, &c, res);
		} else {
			res = exec(ctx, &c, &a2);
		}
		sys_complete(&c, res, a2, id, &out);
		/* ring_hspace found a free slot by the cached head, which only this side
		 * changes: the push cannot find the ring full or re-read the process's head. */
		if (ring_hpush(&r->cq, &out) != 1)
			kpanic("sys_drain: the completion ring lost its free slot");
	}
	return taken;
}
