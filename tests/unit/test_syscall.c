/*
 * test_syscall.c — packet decoding and the drain (src/core/syscall.c): every kind with
 * good arguments and with each way of being wrong, forged ids, the completion's fields,
 * back-pressure from a full completion ring, and hostile ring indices written by "the
 * process" between every operation: the drain must stay inside the slots, never take a
 * request twice or execute a refused one, and always return.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_hal.h"
#include "syscall.h"

#define ID 0x5eed5eed12345678ull

/* A well-formed packet for each kind: what a correct libnexus would send. */
static struct rumpk_packet good(uint16_t kind)
{
	struct rumpk_packet p = { .kind = kind, .tag = 0x1000u + kind, .id = ID };
	switch (kind) {
	case RUMPK_SYS_WRITE: case RUMPK_SYS_READ: p.a = 1; p.b = 5; p.arg = 0x10000; break;
	case RUMPK_SYS_OPEN: p.a = RUMPK_O_DIRECTORY; p.arg = 0x10000; break;
	case RUMPK_SYS_CLOSE: p.a = 3; break;
	case RUMPK_SYS_SEEK: p.a = 3; p.b = RUMPK_SEEK_END; p.arg = (uint64_t)-16; break;
	case RUMPK_SYS_READDIR: p.a = 3; p.arg = 0x10000; break;
	case RUMPK_SYS_STAT: case RUMPK_SYS_EXEC: p.arg = 0x10000; break;
	case RUMPK_SYS_WAIT: p.a = 0; p.b = RUMPK_WAIT_NOHANG; break;
	case RUMPK_SYS_EXIT: case RUMPK_SYS_HALT: p.a = 7; break;
	case RUMPK_SYS_SLEEP: p.arg = 1000000; break;
	case RUMPK_SYS_KILL: p.a = 2; break;
	case RUMPK_SYS_PS: case RUMPK_SYS_STATS: p.b = 4; p.arg = 0x10000; break;
	case RUMPK_SYS_HEAP: p.arg = 0x4000; break;
	default: break;
	}
	return p;
}

START_TEST(every_kind_decodes_and_has_a_name)
{
	struct sys_call c;
	for (uint16_t k = 1; k <= RUMPK_SYS_MAX; k++) {
		struct rumpk_packet p = good(k);
		ck_assert_msg(sys_decode(&p, ID, &c) == SYS_OK, "kind %u", k);
		ck_assert_uint_eq(c.kind, k);
		ck_assert_uint_eq(c.tag, p.tag);
		ck_assert_uint_eq(c.a, p.a);
		ck_assert_uint_eq(c.b, p.b);
		ck_assert_uint_eq(c.arg, p.arg);
		ck_assert_ptr_nonnull(sys_kind_name(k));
	}
	ck_assert_ptr_null(sys_kind_name(0));
	ck_assert_ptr_null(sys_kind_name(RUMPK_SYS_MAX + 1));
}
END_TEST

/* Each unused argument, each undefined flag, each bad kind: refused by its own name,
 * answered with its error, and the forged id is checked before anything else. */
START_TEST(each_wrong_field_is_refused_by_name)
{
	struct sys_call c;
	for (uint16_t k = 1; k <= RUMPK_SYS_MAX; k++) {
		struct rumpk_packet p = good(k), q;
		for (int bit = 0; bit < 16; bit++) {
			q = p;
			q.flags = (uint16_t)(1u << bit);
			ck_assert_int_eq(sys_decode(&q, ID, &c), SYS_R_FLAGS);
		}
		q = p;
		q.id ^= 1;
		ck_assert_int_eq(sys_decode(&q, ID, &c), SYS_R_PROV);
		ck_assert_uint_eq(c.tag, p.tag); /* the error completion can still be matched */
		/* an unused field set: refused; a used one set: its range decides */
		q = p;
		q.a = p.a ? p.a : 0xdead;
		if (!p.a && k != RUMPK_SYS_WAIT && k != RUMPK_SYS_EXIT && k != RUMPK_SYS_HALT)
			ck_assert_msg(sys_decode(&q, ID, &c) == SYS_R_UNUSED, "kind %u: a", k);
		q = p;
		q.b = p.b ? p.b : 1;
		if (!p.b && k != RUMPK_SYS_WAIT)
			ck_assert_msg(sys_decode(&q, ID, &c) == SYS_R_UNUSED, "kind %u: b", k);
		q = p;
		q.arg = p.arg ? p.arg : 0x1000;
		if (!p.arg)
			ck_assert_msg(sys_decode(&q, ID, &c) == SYS_R_UNUSED, "kind %u: arg", k);
	}
	struct rumpk_packet p = good(RUMPK_SYS_GETPID);
	static const uint16_t bad_kinds[] = { 0, RUMPK_SYS_MAX + 1, 0x7fff, 0xffff };
	for (size_t i = 0; i < sizeof(bad_kinds) / sizeof(bad_kinds[0]); i++) {
		p.kind = bad_kinds[i];
		ck_assert_int_eq(sys_decode(&p, ID, &c), SYS_R_KIND);
		p.id = 0;
		ck_assert_int_eq(sys_decode(&p, ID, &c), SYS_R_PROV);
		p.id = ID;
	}
	ck_assert_int_eq(sys_refusal_error(SYS_R_KIND), -RUMPK_ENOSYS);
	ck_assert_int_eq(sys_refusal_error(SYS_R_PROV), -RUMPK_EPROV);
	ck_assert_int_eq(sys_refusal_error(SYS_R_FLAGS), -RUMPK_EINVAL);
	ck_assert_int_eq(sys_refusal_error(SYS_R_UNUSED), -RUMPK_EINVAL);
	ck_assert_int_eq(sys_refusal_error(SYS_R_RANGE), -RUMPK_EINVAL);
	ck_assert_str_eq(sys_refusal_name(SYS_R_PROV), "forged provenance id");
}
END_TEST

START_TEST(ranges)
{
	struct sys_call c;
	struct rumpk_packet p;
	p = good(RUMPK_SYS_OPEN); p.a = 0x2;
	ck_assert_int_eq(sys_decode(&p, ID, &c), SYS_R_RANGE);
	p = good(RUMPK_SYS_SEEK); p.b = RUMPK_SEEK_END + 1;
	ck_assert_int_eq(sys_decode(&p, ID, &c), SYS_R_RANGE);
	p = good(RUMPK_SYS_WAIT); p.b = 0x2;
	ck_assert_int_eq(sys_decode(&p, ID, &c), SYS_R_RANGE);
	static const uint64_t heap_bad[] = { 0, 1, 4095, 4097, UINT64_MAX };
	for (size_t i = 0; i < sizeof(heap_bad) / sizeof(heap_bad[0]); i++) {
		p = good(RUMPK_SYS_HEAP);
		p.arg = heap_bad[i];
		ck_assert_int_eq(sys_decode(&p, ID, &c), SYS_R_RANGE);
	}
	p = good(RUMPK_SYS_HEAP); p.arg = 1ull << 40; /* a limit, not a rule: the mechanism's */
	ck_assert_int_eq(sys_decode(&p, ID, &c), SYS_OK);
}
END_TEST

START_TEST(completion_fields)
{
	struct sys_call c = { .kind = RUMPK_SYS_WAIT, .flags = 0, .tag = 0xabcdef01u, .a = 9 };
	struct rumpk_packet out;
	memset(&out, 0xff, sizeof(out));
	sys_complete(&c, 9, 42, ID, &out);
	ck_assert_uint_eq(out.kind, RUMPK_SYS_WAIT);
	ck_assert_uint_eq(out.flags, 0);
	ck_assert_uint_eq(out.tag, 0xabcdef01u);
	ck_assert_uint_eq(out.a, 42);
	ck_assert_uint_eq(out.b, 0);
	ck_assert_uint_eq(out.arg, 9);
	ck_assert_uint_eq(out.id, ID);
	sys_complete(&c, -RUMPK_ECHILD, 0, ID, &out);
	ck_assert_uint_eq(out.flags, RUMPK_CQE_ERROR);
	ck_assert_int_eq((int64_t)out.arg, -RUMPK_ECHILD);
}
END_TEST

/* ---- the drain, over a ring page the test plays "the process" on ------------------------ */

#define SQ_CAP 8
#define CQ_CAP 4
struct page {
	_Alignas(64) unsigned char sq[RUMPK_RING_SLOTS_OFFSET + SQ_CAP * 32];
	_Alignas(64) unsigned char cq[RUMPK_RING_SLOTS_OFFSET + CQ_CAP * 32];
};

struct world {
	struct page *pg;
	struct sys_rings k;       /* the kernel's sides */
	struct ring_prod usq;     /* the process's sides */
	struct ring_cons ucq;
	struct sys_counters n;
	uint32_t execs;
	uint32_t last_tag;
};

static void world_init(struct world *w)
{
	memset(w, 0, sizeof(*w));
	w->pg = calloc(1, sizeof(struct page));
	ck_assert_int_eq(ring_format(w->pg->sq, SQ_CAP), 0);
	ck_assert_int_eq(ring_format(w->pg->cq, CQ_CAP), 0);
	sys_rings_own(&w->k, (void *)w->pg->sq, SQ_CAP, (void *)w->pg->cq, CQ_CAP);
	ring_prod_attach(&w->usq, (void *)w->pg->sq, SQ_CAP);
	ring_cons_attach(&w->ucq, (void *)w->pg->cq, CQ_CAP);
}

/* The mechanism stand-in: getpid answers 77, write answers its length, the rest 0. */
static int64_t exec_fn(void *ctx, const struct sys_call *c, uint32_t *a2)
{
	struct world *w = ctx;
	w->execs++;
	w->last_tag = c->tag;
	struct rumpk_packet again = { .kind = c->kind, .flags = c->flags, .tag = c->tag,
				      .a = c->a, .b = c->b, .arg = c->arg, .id = ID };
	struct sys_call dummy;
	if (sys_decode(&again, ID, &dummy) != SYS_OK) /* nothing refused is ever executed */
		ck_abort_msg("executed a request that does not decode: kind %u", c->kind);
	if (c->kind == RUMPK_SYS_WAIT)
		*a2 = 3;
	return c->kind == RUMPK_SYS_GETPID ? 77 : c->kind == RUMPK_SYS_WRITE ? c->b : 0;
}

START_TEST(drain_answers_in_order_with_tags)
{
	struct world w;
	struct rumpk_packet p, out;
	world_init(&w);
	p = good(RUMPK_SYS_GETPID); p.tag = 1;
	ck_assert_int_eq(ring_push(&w.usq, &p), 1);
	p = good(RUMPK_SYS_WRITE); p.tag = 2;
	ck_assert_int_eq(ring_push(&w.usq, &p), 1);
	p = good(RUMPK_SYS_GETPID); p.tag = 3; p.id = 0xbad; /* forged */
	ck_assert_int_eq(ring_push(&w.usq, &p), 1);
	p = good(RUMPK_SYS_GETPID); p.tag = 4; p.kind = 999;
	ck_assert_int_eq(ring_push(&w.usq, &p), 1);
	ck_assert_int_eq(sys_drain(&w.k, ID, 16, exec_fn, &w, &w.n), 4);
	ck_assert_uint_eq(w.execs, 2);
	ck_assert_uint_eq(w.n.packets, 4);
	ck_assert_uint_eq(w.n.refused[SYS_R_PROV], 1);
	ck_assert_uint_eq(w.n.refused[SYS_R_KIND], 1);
	static const int64_t want[] = { 77, 5, -RUMPK_EPROV, -RUMPK_ENOSYS };
	for (uint32_t i = 0; i < 4; i++) {
		ck_assert_int_eq(ring_pop(&w.ucq, &out), 1);
		ck_assert_uint_eq(out.tag, i + 1);
		ck_assert_int_eq((int64_t)out.arg, want[i]);
		ck_assert_uint_eq(out.flags, want[i] < 0 ? RUMPK_CQE_ERROR : 0);
		ck_assert_uint_eq(out.id, ID);
	}
	ck_assert_int_eq(ring_pop(&w.ucq, &out), 0);
	ck_assert_int_eq(sys_drain(&w.k, ID, 16, exec_fn, &w, &w.n), 0); /* nothing left */
	free(w.pg);
}
END_TEST

/* A process that does not read its completions stalls itself: the drain takes only what
 * it can answer, and the rest waits in the submission ring. */
START_TEST(full_completion_ring_stalls_submissions)
{
	struct world w;
	struct rumpk_packet p = good(RUMPK_SYS_GETPID), out;
	world_init(&w);
	for (uint32_t i = 0; i < SQ_CAP; i++) {
		p.tag = i;
		ck_assert_int_eq(ring_push(&w.usq, &p), 1);
	}
	ck_assert_int_eq(sys_drain(&w.k, ID, 100, exec_fn, &w, &w.n), CQ_CAP);
	ck_assert_uint_eq(w.n.stalls, 1);
	ck_assert_int_eq(sys_drain(&w.k, ID, 100, exec_fn, &w, &w.n), 0);
	ck_assert_uint_eq(w.n.stalls, 2);
	ck_assert_int_eq(ring_pop(&w.ucq, &out), 1);
	ck_assert_int_eq(ring_pop(&w.ucq, &out), 1);
	ck_assert_int_eq(sys_drain(&w.k, ID, 100, exec_fn, &w, &w.n), 2);
	for (uint32_t t = 2; t < CQ_CAP + 2; t++) { /* 2 and 3 waited, 4 and 5 came later */
		ck_assert_int_eq(ring_pop(&w.ucq, &out), 1);
		ck_assert_uint_eq(out.tag, t);
	}
	ck_assert_int_eq(ring_pop(&w.ucq, &out), 0);
	ck_assert_uint_eq(w.execs, CQ_CAP + 2);
	free(w.pg);
}
END_TEST

/* Hostile indices and slot bytes written between every drain: the drain returns every
 * time, executes at most one request per packet taken, takes at most what an honest
 * window allows, and only ever touches the slots (ASan watches the page in hosted-asan). */
START_TEST(hostile_indices_between_drains)
{
	struct world w;
	struct rumpk_packet out;
	uint64_t r = 0x9e3779b97f4a7c15ull;
	world_init(&w);
	struct rumpk_ring_hdr *sq = (void *)w.pg->sq, *cq = (void *)w.pg->cq;
	for (int round = 0; round < 200000; round++) {
		r ^= r << 13; r ^= r >> 7; r ^= r << 17;
		switch (r & 7) {
		case 0: sq->tail = (uint32_t)(r >> 32); break;               /* anything */
		case 1: cq->head = (uint32_t)(r >> 32); break;
		case 2: sq->head = (uint32_t)(r >> 20); cq->tail = (uint32_t)r; break; /* ours */
		case 3: sq->tail = w.k.sq.head + (uint32_t)(r >> 60); break;    /* plausible */
		case 4: cq->head = w.k.cq.tail - (uint32_t)((r >> 60) & 3); break;
		case 5: { /* an honest push of random bytes */
			struct rumpk_packet p;
			memcpy(&p, &r, 8); memcpy((char *)&p + 8, &r, 8);
			memcpy((char *)&p + 16, &r, 8); p.id = (r & 0x100) ? ID : r;
			ring_prod_attach(&w.usq, sq, SQ_CAP);
			ring_push(&w.usq, &p);
			break;
		}
		case 6: /* a reader (its head may be one of the garbage values above) */
			ring_cons_attach(&w.ucq, cq, CQ_CAP);
			for (int k = 0; k < CQ_CAP && ring_pop(&w.ucq, &out) == 1; k++)
				;
			break;
		default:
			sq->capacity = (uint32_t)r; sq->magic = 0; cq->capacity = 1u << 31;
			break;
		}
		uint64_t before = w.n.packets;
		uint32_t execs = w.execs;
		int32_t got = sys_drain(&w.k, ID, 64, exec_fn, &w, &w.n);
		/* if-then-abort: a passing ck_assert costs a file write, 600,000 of them here */
		/* One drain answers at most what was free when it started plus what the process
		 * had released by its one re-read of the head: 2 x CQ_CAP. Never more in flight
		 * than the ring holds, by the last head the kernel accepted. */
		if (!(got == -RUMPK_ERANGE || (got >= 0 && got <= 2 * CQ_CAP)) ||
		    w.n.packets - before > 2 * CQ_CAP || w.execs - execs > w.n.packets - before ||
		    w.k.cq.tail - w.k.cq.head_cache > CQ_CAP)
			ck_abort_msg("round %d: drain returned %d, took %llu, executed %u", round, got,
				     (unsigned long long)(w.n.packets - before), w.execs - execs);
	}
	ck_assert_uint_gt(w.n.ring_refused, 0);
	ck_assert_uint_gt(w.n.packets, 0);
	free(w.pg);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("syscall");
	TCase *tc = tcase_create("decode");
	tcase_add_test(tc, every_kind_decodes_and_has_a_name);
	tcase_add_test(tc, each_wrong_field_is_refused_by_name);
	tcase_add_test(tc, ranges);
	tcase_add_test(tc, completion_fields);
	tcase_add_test(tc, drain_answers_in_order_with_tags);
	tcase_add_test(tc, full_completion_ring_stalls_submissions);
	tcase_add_test(tc, hostile_indices_between_drains);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return unit_main(s);
}
