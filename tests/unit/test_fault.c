/*
 * test_fault.c — the fault injector (fault.c) and the paths its points exercise, on the fake
 * machine: spec parsing and every refusal, decisions as a pure function of (key, point, N)
 * that other points cannot move, rates that hold over many opportunities, injection off
 * until started; then each point at its call site: allocations fail cleanly, a spurious
 * wake-up leaves a ring's waiters correct, a drain seen full loses no request, a skewed
 * timer never wakes a sleeper early, split console input arrives whole; and the leak gate's
 * comparison (leakgate.c).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "fake_hal.h"
#include "fault.h"
#include "leakgate.h"
#include "mem.h"
#include "ring.h"
#include "sched.h"
#include "syscall.h"
#include "timer.h"

static const uint8_t entropy[RUMPK_BOOT_ENTROPY_BYTES] = { 1, 2, 3, 4, 5, 6, 7, 8 };

static void machine(void)
{
	fake_machine();
}

/* faults=spec parsed into the injector, and started. */
static void start(const char *spec)
{
	char line[300];
	snprintf(line, sizeof(line), "init=none faults=%s", spec);
	ck_assert_int_eq(fault_setup(line, entropy), 0);
	fault_start();
}

static int parse(const char *spec, struct fault_spec *s, char *why)
{
	return fault_parse(spec, s, why, 200);
}

/* ---- the spec ---------------------------------------------------------------------------- */

START_TEST(spec_rates_events_and_all)
{
	struct fault_spec s;
	char why[200];

	ck_assert_int_eq(parse("alloc=0.5,ring=1,kill@7,kill@9,input=.25", &s, why), 0);
	ck_assert_uint_eq(s.below[RUMPK_INJ_ALLOC], 1ull << 63);
	ck_assert_uint_eq(s.below[RUMPK_INJ_INPUT], 1ull << 62);
	ck_assert_int_eq(s.always[RUMPK_INJ_RING], 1);
	ck_assert_uint_eq(s.nat, 2);
	ck_assert_uint_eq(s.at[1].point, RUMPK_INJ_KILL);
	ck_assert_uint_eq(s.at[1].lo, 9);
	ck_assert_uint_eq(s.at[1].hi, 9);
	ck_assert_uint_eq(s.at[1].skip, 0);
	ck_assert_uint_eq(s.enabled, 1u << RUMPK_INJ_ALLOC | 1u << RUMPK_INJ_RING |
				     1u << RUMPK_INJ_KILL | 1u << RUMPK_INJ_INPUT);

	/* all= covers every point but the planted leak; a named rate wins in either order */
	ck_assert_int_eq(parse("ring=0,all=0.1,alloc=1.0", &s, why), 0);
	ck_assert_int_eq(s.always[RUMPK_INJ_ALLOC], 1);
	ck_assert_uint_eq(s.below[RUMPK_INJ_RING], 0);
	ck_assert_uint_eq(s.below[RUMPK_INJ_WAKEUP], s.below[RUMPK_INJ_KILL]);
	ck_assert_uint_gt(s.below[RUMPK_INJ_WAKEUP], 0);
	ck_assert(!(s.enabled & (1u << RUMPK_INJ_LEAK)));
	ck_assert(!(s.enabled & (1u << RUMPK_INJ_RING))); /* rate 0: nothing to decide */
	ck_assert_int_eq(parse("all=1", &s, why), 0);
	ck_assert(!(s.enabled & (1u << RUMPK_INJ_LEAK)));
	ck_assert_int_eq(parse("leak@1", &s, why), 0);
	ck_assert_uint_eq(s.enabled, 1u << RUMPK_INJ_LEAK);
	ck_assert_int_eq(parse("wakeup~3-7,slowexec~2", &s, why), 0); /* exclusions alone */
	ck_assert_uint_eq(s.enabled, 0);
	ck_assert_uint_eq(s.at[0].lo, 3);
	ck_assert_uint_eq(s.at[0].hi, 7);
	ck_assert_uint_eq(s.at[0].skip, 1);
	ck_assert_uint_eq(s.at[1].hi, 2);
	ck_assert_int_eq(parse("", &s, why), 0);
	ck_assert_uint_eq(s.enabled, 0);
	ck_assert_int_eq(parse("alloc=0.000000000000000001", &s, why), 0); /* 18 digits */
	ck_assert_uint_eq(s.below[RUMPK_INJ_ALLOC], 18); /* floor(2^64 / 10^18) */
}
END_TEST

START_TEST(spec_refusals_name_the_item)
{
	static const struct {
		const char *spec, *says;
	} bad[] = {
		{ "alocc=0.1", "unknown fault point 'alocc'" },
		{ "alloc=1.5", "bad rate in 'alloc=1.5'" },
		{ "alloc=2", "bad rate in 'alloc=2'" },
		{ "alloc=0.1.2", "bad rate in 'alloc=0.1.2'" },
		{ "alloc=", "bad rate in 'alloc='" },
		{ "alloc=.", "bad rate in 'alloc=.'" },
		{ "alloc=-0.1", "bad rate in 'alloc=-0.1'" },
		{ "alloc=0.0000000000000000001", "bad rate" }, /* 19 digits */
		{ "ring=0.1,alloc", "'alloc' in faults= is none of" },
		{ "ring=0.1,", "'' in faults= is none of" },
		{ "alloc@3-5", "bad event in 'alloc@3-5'" }, /* ranges only exclude */
		{ "alloc~5-3", "bad event in 'alloc~5-3'" },
		{ "alloc~0", "bad event in 'alloc~0'" },
		{ "alloc~3-", "bad event in 'alloc~3-'" },
		{ "alloc~-3", "bad event in 'alloc~-3'" },
		{ "all~3", "all takes a rate" },
		{ "alloc@0", "bad event in 'alloc@0'" },
		{ "alloc@x", "bad event in 'alloc@x'" },
		{ "alloc@", "bad event in 'alloc@'" },
		{ "all@3", "all takes a rate" },
		{ "=0.1", "unknown fault point ''" },
	};
	struct fault_spec s;
	char why[200];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(parse(bad[i].spec, &s, why) == -RUMPK_EINVAL, "accepted %s", bad[i].spec);
		ck_assert_msg(strstr(why, bad[i].says), "%s: said '%s'", bad[i].spec, why);
		ck_assert_uint_eq(s.enabled, 0);
	}
	char many[300] = "";
	for (int i = 1; i <= FAULT_AT_MAX + 1; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "%salloc@%d",
			 i > 1 ? "," : "", i);
	ck_assert_int_eq(parse(many, &s, why), -RUMPK_EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "too many @ and ~ items"));
	many[strrchr(many, ',') - many] = '\0'; /* exactly FAULT_AT_MAX */
	ck_assert_int_eq(parse(many, &s, why), 0);
}
END_TEST

/* The boot's check: refused by name, before anything is armed. */
START_TEST(setup_refuses_by_name)
{
	fake_reset();
	ck_assert_int_eq(fault_setup("faults=alloc=0.1,wakup=1", entropy), -RUMPK_EINVAL);
	ck_assert_ptr_nonnull(strstr(fake.console, "[faults] FAIL: unknown fault point 'wakup' in "
					       "faults= (points: alloc objalloc ring"));
	fault_start();
	ck_assert_int_eq(fault_active, 0);
	ck_assert_int_eq(fault_setup("selftest=timer", entropy), 0); /* no faults= at all */
	fault_start();
	ck_assert_int_eq(fault_active, 0);
	ck_assert_uint_eq(fake.console_len, strlen(fake.console));
}
END_TEST

/* ---- decisions --------------------------------------------------------------------------- */

START_TEST(decisions_are_a_pure_function)
{
	struct fault_spec a, b;
	char why[200];
	uint8_t k1[FAULT_KEY_BYTES], k2[FAULT_KEY_BYTES];
	uint8_t other[RUMPK_BOOT_ENTROPY_BYTES] = { 9 };

	fault_key(entropy, k1);
	fault_key(other, k2);
	ck_assert_int_ne(memcmp(k1, k2, sizeof(k1)), 0);
	/* the same point's decisions whatever else the spec enables */
	ck_assert_int_eq(parse("wakeup=0.3", &a, why), 0);
	ck_assert_int_eq(parse("alloc=0.9,wakeup=0.3,ring@4,kill=1", &b, why), 0);
	int hits = 0, differ = 0;
	for (uint64_t n = 1; n <= 2000; n++) {
		uint64_t r1 = 0, r2 = 0;
		int d = fault_decide(k1, &a, RUMPK_INJ_WAKEUP, n, &r1);
		ck_assert_int_eq(fault_decide(k1, &b, RUMPK_INJ_WAKEUP, n, &r2), d);
		ck_assert_uint_eq(r1, r2);
		ck_assert_int_eq(fault_decide(k1, &a, RUMPK_INJ_WAKEUP, n, NULL), d); /* again */
		hits += d;
		differ += fault_decide(k2, &a, RUMPK_INJ_WAKEUP, n, NULL) != d;
	}
	ck_assert_int_gt(hits, 2000 * 25 / 100); /* 0.3 within a few standard deviations */
	ck_assert_int_lt(hits, 2000 * 35 / 100);
	ck_assert_int_gt(differ, 200); /* another seed, other decisions */
	/* disabled points and numbers out of range never inject */
	ck_assert_int_eq(fault_decide(k1, &a, RUMPK_INJ_ALLOC, 1, NULL), 0);
	ck_assert_int_eq(fault_decide(k1, &b, 0, 1, NULL), 0);
	ck_assert_int_eq(fault_decide(k1, &b, RUMPK_INJ_MAX + 1, 1, NULL), 0);
}
END_TEST

START_TEST(events_hit_exactly_their_opportunity)
{
	struct fault_spec s;
	char why[200];
	uint8_t k[FAULT_KEY_BYTES];

	fault_key(entropy, k);
	ck_assert_int_eq(parse("alloc@3,alloc@1000,ring@3", &s, why), 0);
	for (uint64_t n = 1; n <= 1200; n++)
		ck_assert_int_eq(fault_decide(k, &s, RUMPK_INJ_ALLOC, n, NULL), n == 3 || n == 1000);
	ck_assert_int_eq(fault_decide(k, &s, RUMPK_INJ_RING, 3, NULL), 1);
	ck_assert_int_eq(fault_decide(k, &s, RUMPK_INJ_RING, 1000, NULL), 0);
	ck_assert_int_eq(parse("alloc=1", &s, why), 0);
	for (uint64_t n = 1; n <= 100; n++)
		ck_assert_int_eq(fault_decide(k, &s, RUMPK_INJ_ALLOC, n, NULL), 1);
	/* exclusions win over a rate and an event, and leave every other decision alone */
	struct fault_spec rate, cut;
	ck_assert_int_eq(parse("ring=0.5,alloc=1", &rate, why), 0);
	ck_assert_int_eq(parse("alloc=1,ring~10-20,ring=0.5,ring@15,ring~40,alloc~2", &cut, why), 0);
	for (uint64_t n = 1; n <= 100; n++) {
		int skip = (n >= 10 && n <= 20) || n == 40;
		ck_assert_int_eq(fault_decide(k, &cut, RUMPK_INJ_RING, n, NULL),
				 skip ? 0 : fault_decide(k, &rate, RUMPK_INJ_RING, n, NULL));
		ck_assert_int_eq(fault_decide(k, &cut, RUMPK_INJ_ALLOC, n, NULL), n != 2);
	}
}
END_TEST

/* The fault seed: printed at halt, and faultseed=N makes the same decisions whatever the
 * boot entropy (QEMU's is new every boot); without it the seed comes from the entropy. */
static uint64_t pattern(const char *line, const uint8_t e[RUMPK_BOOT_ENTROPY_BYTES])
{
	uint64_t bits = 0;

	ck_assert_int_eq(fault_setup(line, e), 0);
	fault_start();
	for (int i = 0; i < 64; i++)
		bits = bits << 1 | (uint64_t)fault_inject(RUMPK_INJ_WAKEUP, NULL);
	fault_stop();
	return bits;
}

START_TEST(faultseed_makes_the_same_decisions)
{
	uint8_t other[RUMPK_BOOT_ENTROPY_BYTES] = { 9 };
	char want[80];

	fake_reset();
	uint64_t a = pattern("faults=wakeup=0.5 faultseed=42", entropy);
	ck_assert_uint_eq(pattern("faultseed=42 faults=wakeup=0.5", other), a);
	ck_assert_uint_ne(pattern("faults=wakeup=0.5 faultseed=43", entropy), a);
	/* without faultseed=: the seed is the entropy's, and it is what the halt prints */
	uint64_t e1 = pattern("faults=wakeup=0.5", entropy);
	ck_assert_uint_ne(pattern("faults=wakeup=0.5", other), e1);
	uint64_t seed = fault_seed_from_entropy(entropy);
	snprintf(want, sizeof(want), "faults=wakeup=0.5 faultseed=%llu", (unsigned long long)seed);
	ck_assert_uint_eq(pattern(want, other), e1);
	fault_report();
	snprintf(want, sizeof(want), "[faults] seed %llu (faultseed=%llu makes the same decisions)\n",
		 (unsigned long long)seed, (unsigned long long)seed);
	ck_assert_msg(strstr(fake.console, want), "no '%s' in: %s", want, fake.console);
	/* the largest seed is accepted; anything that is not a number in 0..2^64-1 is refused */
	ck_assert_int_eq(fault_setup("faults=alloc=1 faultseed=18446744073709551615", entropy), 0);
	static const char *const bad[] = { "faultseed=18446744073709551616", "faultseed=12x",
					   "faultseed=", "faultseed=-1", "faultseed=0x10" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char line[80];
		fake_reset();
		snprintf(line, sizeof(line), "faults=alloc=1 %s", bad[i]);
		ck_assert_int_eq(fault_setup(line, entropy), -RUMPK_EINVAL);
		ck_assert_msg(strstr(fake.console, "[faults] FAIL: faultseed="), "%s: %s", bad[i],
			      fake.console);
		fault_start();
		ck_assert_int_eq(fault_active, 0);
	}
}
END_TEST

/* Counting starts at fault_start, per point, from 1; only enabled points count. */
START_TEST(injection_counts_from_start)
{
	struct fault_stats st;

	machine();
	ck_assert_int_eq(fault_setup("faults=objalloc@2,ring=1", entropy), 0);
	void *p = kmem_alloc(32); /* before the start: never an opportunity */
	ck_assert_ptr_nonnull(p);
	kmem_free(p);
	fault_start();
	void *a = kmem_alloc(32), *b = kmem_alloc(32), *c = kmem_alloc(32);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_null(b); /* the second opportunity */
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(fault_inject(RUMPK_INJ_RING, NULL), 1);
	ck_assert_int_eq(fault_inject(RUMPK_INJ_KILL, NULL), 0);
	fault_stats(&st);
	ck_assert_uint_eq(st.seen[RUMPK_INJ_OBJALLOC], 3);
	ck_assert_uint_eq(st.injected[RUMPK_INJ_OBJALLOC], 1);
	ck_assert_uint_eq(st.seen[RUMPK_INJ_RING], 1);
	ck_assert_uint_eq(st.seen[RUMPK_INJ_KILL], 0);
	fault_stop();
	ck_assert_int_eq(fault_inject(RUMPK_INJ_RING, NULL), 0);
	fault_report();
	ck_assert_ptr_nonnull(strstr(fake.console, "[faults] injected: objalloc 1 of 3, ring 1 of 1\n"));
	kmem_free(a);
	kmem_free(c);
}
END_TEST

/* ---- the points at their call sites ---------------------------------------------------- */

static void never_runs(void *arg)
{
	(void)arg;
	ck_abort_msg("a fiber whose spawn failed ran");
}

START_TEST(allocations_fail_like_real_ones)
{
	struct mem_stats m0, m;

	machine();
	mem_stats(&m0);
	start("alloc@1,objalloc@1");
	ck_assert_ptr_null(page_alloc(0));
	ck_assert_ptr_null(kmem_alloc(64));
	int err = 0;
	/* the next ones are not injected: the same calls work, nothing was lost */
	void *pg = page_alloc(0), *o = kmem_alloc(64);
	ck_assert_ptr_nonnull(pg);
	ck_assert_ptr_nonnull(o);
	page_free(pg, 0);
	kmem_free(o);
	/* a fiber's spawn with its struct refused gives its stack back */
	fault_stop();
	start("objalloc@1");
	ck_assert_ptr_null(fiber_spawn("f", never_runs, NULL, SCHED_PRIO_DEFAULT, &err));
	ck_assert_int_eq(err, -RUMPK_ENOMEM);
	mem_stats(&m);
	ck_assert_uint_eq(m.free_pages + m.cached_pages, m0.free_pages + m0.cached_pages);
	ck_assert_uint_eq(m.live_objects, m0.live_objects);
	ck_assert_uint_eq(m.alloc_failures, m0.alloc_failures + 3);
}
END_TEST

struct pipe {
	struct kring *r;
	struct completion done;
	uint64_t got, bad;
};

static void producer(void *arg)
{
	struct pipe *p = arg;
	for (uint64_t i = 0; i < 500; i++) {
		struct rumpk_packet pk = { .arg = i };
		ck_assert_int_eq(kring_send(p->r, &pk), 0);
	}
	completion_signal(&p->done);
}

static void consumer(void *arg)
{
	struct pipe *p = arg;
	for (uint64_t i = 0; i < 500; i++) {
		struct rumpk_packet pk;
		ck_assert_int_eq(kring_recv(p->r, &pk), 0);
		p->bad += pk.arg != i;
		p->got++;
	}
	completion_signal(&p->done);
}

/* Half the waits come back at once, their condition untouched: every waiter re-checks. */
START_TEST(spurious_wakeups_keep_ring_order)
{
	struct pipe p = { 0 };
	struct fault_stats st;
	int err;

	machine();
	start("wakeup=0.5");
	p.r = kring_create(4, &err);
	ck_assert_ptr_nonnull(p.r);
	completion_init(&p.done, 2);
	ck_assert_ptr_nonnull(fiber_spawn("consumer", consumer, &p, SCHED_PRIO_DEFAULT, NULL));
	ck_assert_ptr_nonnull(fiber_spawn("producer", producer, &p, SCHED_PRIO_DEFAULT, NULL));
	while (completion_wait(&p.done) == 0 && p.done.count)
		; /* this wait may come back early too */
	ck_assert_uint_eq(p.got, 500);
	ck_assert_uint_eq(p.bad, 0);
	fault_stats(&st);
	ck_assert_uint_gt(st.injected[RUMPK_INJ_WAKEUP], 10);
	kring_destroy(p.r);
}
END_TEST

struct world {
	_Alignas(64) unsigned char sq[RUMPK_RING_SLOTS_OFFSET + 8 * 32];
	_Alignas(64) unsigned char cq[RUMPK_RING_SLOTS_OFFSET + 8 * 32];
	struct sys_rings k;
	struct ring_prod usq;
	struct ring_cons ucq;
	struct sys_counters n;
};

static int64_t echo_tag(void *ctx, const struct sys_call *c, uint32_t *a2)
{
	(void)ctx;
	(void)a2;
	return c->tag;
}

/* A drain that sees the completion ring full takes nothing more; the requests wait, and
 * later drains answer every one of them once, in order. */
START_TEST(ring_seen_full_loses_nothing)
{
	static struct world w;
	struct rumpk_packet p = { .kind = RUMPK_SYS_GETPID, .id = 42 }, out;
	uint32_t next = 0;
	int drains = 0;

	machine();
	ck_assert_int_eq(ring_format((void *)w.sq, 8), 0);
	ck_assert_int_eq(ring_format((void *)w.cq, 8), 0);
	sys_rings_own(&w.k, (void *)w.sq, 8, (void *)w.cq, 8);
	ring_prod_attach(&w.usq, (void *)w.sq, 8);
	ring_cons_attach(&w.ucq, (void *)w.cq, 8);
	start("ring=0.6");
	for (uint32_t tag = 1; tag <= 8; tag++) {
		p.tag = tag;
		ck_assert_int_eq(ring_push(&w.usq, &p), 1);
	}
	while (next < 8 && drains < 1000) {
		ck_assert_int_ge(sys_drain(&w.k, 42, 8, echo_tag, 0, &w.n), 0);
		drains++;
		while (ring_pop(&w.ucq, &out) == 1) {
			ck_assert_uint_eq(out.tag, ++next);
			ck_assert_int_eq((int64_t)out.arg, next);
		}
	}
	ck_assert_uint_eq(next, 8);
	ck_assert_uint_eq(w.n.packets, 8);
	ck_assert_uint_gt(w.n.stalls, 0);
}
END_TEST

static void sleeper(void *arg)
{
	uint64_t *woke = arg;
	uint64_t want = fake.now_ns + 3000000;
	sched_sleep_until(want);
	*woke = fake.now_ns - want + 1; /* 1 + how late; 0 would be early */
	ck_assert_uint_ge(fake.now_ns, want);
}

/* An early one-shot wakes nobody and is armed again; a late one only delays. */
START_TEST(skewed_timers_never_wake_early)
{
	struct fault_stats st;
	uint64_t woke[20] = { 0 };

	machine();
	start("timerearly=0.5,timerlate=0.3");
	for (int i = 0; i < 20; i++) {
		ck_assert_ptr_nonnull(fiber_spawn("sleeper", sleeper, &woke[i], SCHED_PRIO_DEFAULT,
						  NULL));
		sched_sleep_until(fake.now_ns + 1000000 * (uint64_t)(i % 3));
	}
	while (sched_sleep_until(fake.now_ns + 100000000) == 0 && fake.now_ns < 1000000000)
		;
	for (int i = 0; i < 20; i++)
		ck_assert_uint_gt(woke[i], 0);
	fault_stats(&st);
	ck_assert_uint_gt(st.injected[RUMPK_INJ_TIMEREARLY], 0);
	ck_assert_uint_gt(st.injected[RUMPK_INJ_TIMERLATE], 0);
}
END_TEST

/* Input taken a few bytes at a time: the reader still gets every byte, in order. */
START_TEST(split_input_arrives_whole)
{
	const char *line = "the quick brown fox jumps over the lazy dog, twice over\n";
	char got[128], buf[64];
	size_t n = 0;
	struct fault_stats st;

	machine();
	console_reset();
	start("input=1");
	fake.input = line;
	while (n < strlen(line)) {
		int64_t r = console_read(buf, sizeof(buf));
		ck_assert_int_gt(r, 0);
		ck_assert_int_le(r, 16); /* an injected split takes at most 16 */
		memcpy(got + n, buf, (size_t)r);
		n += (size_t)r;
	}
	got[n] = '\0';
	ck_assert_str_eq(got, line);
	fault_stats(&st);
	ck_assert_uint_ge(st.injected[RUMPK_INJ_INPUT], 4);
}
END_TEST

/* ---- the leak gate's comparison ----------------------------------------------------------- */

START_TEST(leak_gate_names_each_difference)
{
	struct leakgate a, b;
	char msg[400];

	machine();
	leakgate_take(&a);
	b = a;
	ck_assert_int_eq(leakgate_compare(&a, &b, msg, sizeof(msg)), 0);
	ck_assert_str_eq(msg, "");
	void *pg = page_alloc(0), *o = kmem_alloc(16);
	leakgate_take(&b);
	ck_assert_int_eq(leakgate_compare(&a, &b, msg, sizeof(msg)), 2);
	char want[200];
	snprintf(want, sizeof(want), "leak gate: mem_free_pages %llu -> %llu, mem_objects %llu -> %llu",
		 (unsigned long long)a.v[LG_FREE_PAGES], (unsigned long long)a.v[LG_FREE_PAGES] - 2,
		 (unsigned long long)a.v[LG_OBJECTS], (unsigned long long)a.v[LG_OBJECTS] + 1);
	ck_assert_str_eq(msg, want); /* the object's slab page is the second page */
	page_free(pg, 0);
	kmem_free(o);
	leakgate_take(&b);
	ck_assert_int_eq(leakgate_compare(&a, &b, msg, sizeof(msg)), 0);
	/* every counter differing still fits and stays terminated in a short buffer */
	for (int i = 0; i < LG_COUNT; i++)
		b.v[i] = a.v[i] + 12345678901ull;
	ck_assert_int_eq(leakgate_compare(&a, &b, msg, 64), LG_COUNT);
	ck_assert_uint_eq(strlen(msg), 63);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fault");
	TCase *tc = tcase_create("spec");
	tcase_add_test(tc, spec_rates_events_and_all);
	tcase_add_test(tc, spec_refusals_name_the_item);
	tcase_add_test(tc, setup_refuses_by_name);
	suite_add_tcase(s, tc);
	tc = tcase_create("decide");
	tcase_add_test(tc, decisions_are_a_pure_function);
	tcase_add_test(tc, events_hit_exactly_their_opportunity);
	tcase_add_test(tc, injection_counts_from_start);
	tcase_add_test(tc, faultseed_makes_the_same_decisions);
	suite_add_tcase(s, tc);
	tc = tcase_create("points");
	tcase_add_test(tc, allocations_fail_like_real_ones);
	tcase_add_test(tc, spurious_wakeups_keep_ring_order);
	tcase_add_test(tc, ring_seen_full_loses_nothing);
	tcase_add_test(tc, skewed_timers_never_wake_early);
	tcase_add_test(tc, split_input_arrives_whole);
	tcase_add_test(tc, leak_gate_names_each_difference);
	suite_add_tcase(s, tc);
	return unit_main(s);
}
