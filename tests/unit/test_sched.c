/*
 * test_sched.c — the scheduler on the fake machine (real context switches, fake time):
 * priority order, FIFO and round robin within a priority (also with 1,000 fibers on one
 * run queue, turn by turn, for bench_sched's case), sleepers never early and woken in
 * deadline order, wait/wake through a kernel ring, time slices, reclamation back to the
 * starting counters, a smashed canary caught on the way out, and fiber_kill cancelling
 * waits and sleeps (queue and heap intact for the others).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fake_hal.h"
#include "mem.h"
#include "ring.h"
#include "sched.h"
#include "timer.h"

static char log_buf[4096];

static void logf_(const char *s)
{
	strncat(log_buf, s, sizeof(log_buf) - strlen(log_buf) - 1);
}

static void setup(void)
{
	fake_machine();
	log_buf[0] = '\0';
}

static void tagger(void *arg)
{
	logf_(arg);
}

START_TEST(priorities_then_fifo)
{
	static const struct {
		const char *tag;
		unsigned prio;
	} f[] = { { "5 ", 5 }, { "3a ", 3 }, { "3b ", 3 }, { "7 ", 7 }, { "3c ", 3 }, { "20 ", 20 } };
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		ck_assert_ptr_nonnull(fiber_spawn("t", tagger, (void *)f[i].tag, f[i].prio, NULL));
	ck_assert_int_eq(sched_need_resched(), 1); /* more urgent fibers woke */
	fiber_yield(); /* boot is 16: everything more urgent runs first, in order */
	ck_assert_str_eq(log_buf, "3a 3b 3c 5 7 ");
	sched_sleep_until(fake.now_ns + 1000); /* now even priority 20 gets the CPU */
	ck_assert_str_eq(log_buf, "3a 3b 3c 5 7 20 ");
}
END_TEST

static void yielder(void *arg)
{
	for (int i = 0; i < 3; i++) {
		logf_(arg);
		fiber_yield();
	}
}

START_TEST(round_robin_by_yield)
{
	fiber_spawn("a", yielder, "a", SCHED_PRIO_DEFAULT, NULL);
	fiber_spawn("b", yielder, "b", SCHED_PRIO_DEFAULT, NULL);
	fiber_spawn("c", yielder, "c", SCHED_PRIO_DEFAULT, NULL);
	for (int i = 0; i < 5; i++)
		fiber_yield();
	ck_assert_str_eq(log_buf, "abcabcabc");
}
END_TEST

/* 1,000 fibers at one priority, 5 rounds: turn t of the whole system must be fiber
 * t % N's round t / N, so no fiber is ever skipped or run twice in a round, however long
 * the queue (what bench_sched times). */
enum { RR_N = 1000, RR_ROUNDS = 5 };
static uint32_t rr_turn, rr_bad_turn, rr_bad;

static void rr_member(void *arg)
{
	uint32_t me = (uint32_t)(uintptr_t)arg;
	for (uint32_t r = 0; r < RR_ROUNDS; r++) {
		if (!rr_bad && rr_turn != r * RR_N + me) {
			rr_bad = me + 1;
			rr_bad_turn = rr_turn;
		}
		rr_turn++;
		fiber_yield();
	}
}

START_TEST(round_robin_of_a_thousand_at_one_priority)
{
	struct sched_stats st0, st1;
	rr_turn = rr_bad = rr_bad_turn = 0;
	for (uint32_t i = 0; i < RR_N; i++)
		ck_assert_ptr_nonnull(fiber_spawn("rr", rr_member, (void *)(uintptr_t)i, 10, NULL));
	sched_stats(&st0);
	fiber_yield(); /* boot (16) is less urgent: it runs again once all have exited */
	sched_stats(&st1);
	ck_assert_msg(rr_bad == 0, "fiber %u ran at turn %u", rr_bad - 1, rr_bad_turn);
	ck_assert_uint_eq(rr_turn, RR_N * RR_ROUNDS);
	/* one switch per turn, plus the way out of each fiber's last yield to its exit */
	ck_assert_uint_ge(st1.switches - st0.switches, (uint64_t)RR_N * RR_ROUNDS);
	sched_reap();
	sched_stats(&st1);
	ck_assert_uint_eq(st1.fibers, st0.fibers - RR_N);
}
END_TEST

struct sleeper {
	uint64_t until, woke;
	struct completion *done;
};

static void sleeper_main(void *arg)
{
	struct sleeper *s = arg;
	sched_sleep_until(s->until);
	s->woke = hal_time_ns();
	completion_signal(s->done);
}

START_TEST(sleepers_wake_in_order_never_early)
{
	enum { N = 200 };
	static struct sleeper sl[N];
	struct completion done;
	uint64_t x = 12345;
	completion_init(&done, N);
	for (int i = 0; i < N; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		sl[i].until = 1000 + (x >> 40) % 5000000; /* up to 5 ms, many ties broken by order */
		sl[i].done = &done;
		ck_assert_ptr_nonnull(fiber_spawn("s", sleeper_main, &sl[i], SCHED_PRIO_DEFAULT, NULL));
	}
	completion_wait(&done);
	for (int i = 0; i < N; i++)
		ck_assert_uint_ge(sl[i].woke, sl[i].until);
	/* each sleeper woke at the first timer interrupt at or after its deadline: a sleeper
	 * with an earlier deadline never woke after one with a later deadline */
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			if (sl[i].until < sl[j].until)
				ck_assert_uint_le(sl[i].woke, sl[j].woke);
	struct timer_stats ts;
	timer_stats(&ts);
	ck_assert_uint_eq(ts.early, 0);
}
END_TEST

START_TEST(reclamation_returns_every_counter)
{
	struct mem_stats m0, m;
	struct sched_stats s0, s;
	mem_stats(&m0);
	sched_stats(&s0);
	for (int round = 0; round < 5; round++) {
		for (int i = 0; i < 100; i++)
			ck_assert_ptr_nonnull(fiber_spawn("x", tagger, "", SCHED_PRIO_DEFAULT, NULL));
		fiber_yield();
	}
	sched_reap();
	mem_stats(&m);
	sched_stats(&s);
	ck_assert_uint_eq(s.fibers, s0.fibers);
	ck_assert_uint_eq(s.spawned, s0.spawned + 500);
	ck_assert_uint_eq(s.reaped, s0.reaped + 500);
	ck_assert_uint_eq(m.free_pages + m.cached_pages, m0.free_pages + m0.cached_pages);
	ck_assert_uint_eq(m.live_objects, m0.live_objects);
	int err = 0;
	ck_assert_ptr_null(fiber_spawn("bad", NULL, NULL, 1, &err));
	ck_assert_int_eq(err, -RUMPK_EINVAL);
	ck_assert_ptr_null(fiber_spawn("bad", tagger, NULL, SCHED_PRIOS - 1, &err));
	ck_assert_int_eq(err, -RUMPK_EINVAL);
}
END_TEST

struct pipe {
	struct kring *r;
	uint64_t got, bad;
	struct completion done;
};

static void producer(void *arg)
{
	struct pipe *p = arg;
	for (uint64_t i = 0; i < 1000; i++) {
		struct rumpk_packet pk = { .kind = 1, .arg = i };
		kring_send(p->r, &pk);
	}
	completion_signal(&p->done);
}

static void consumer(void *arg)
{
	struct pipe *p = arg;
	for (uint64_t i = 0; i < 1000; i++) {
		struct rumpk_packet pk;
		kring_recv(p->r, &pk);
		p->bad += pk.arg != i;
		p->got++;
	}
	completion_signal(&p->done);
}

START_TEST(ring_wait_and_wake)
{
	struct pipe p = { 0 };
	int err;
	struct sched_stats s0, s;
	p.r = kring_create(4, &err); /* tiny: both sides block over and over */
	ck_assert_ptr_nonnull(p.r);
	ck_assert_uint_eq(kring_slots_live(), 4);
	completion_init(&p.done, 2);
	sched_stats(&s0);
	fiber_spawn("consumer", consumer, &p, SCHED_PRIO_DEFAULT, NULL); /* blocks first: empty */
	fiber_spawn("producer", producer, &p, SCHED_PRIO_DEFAULT, NULL);
	completion_wait(&p.done);
	sched_stats(&s);
	ck_assert_uint_eq(p.got, 1000);
	ck_assert_uint_eq(p.bad, 0);
	ck_assert_uint_ge(s.switches - s0.switches, 2 * 1000 / 4);
	kring_destroy(p.r);
	ck_assert_uint_eq(kring_slots_live(), 0);
	ck_assert_ptr_null(kring_create(6, &err));
	ck_assert_int_eq(err, -RUMPK_EINVAL);
}
END_TEST

/* A CPU-bound fiber: time passes as it works, the timer fires when due (as a real
 * interrupt would), and it yields only when its slice is over. */
static void cruncher(void *arg)
{
	uint64_t *count = arg;
	for (int i = 0; i < 100; i++) {
		fake.now_ns += 1000000; /* 1 ms of work */
		fake_fire_timer_if_due();
		(*count)++;
		fiber_yield_if_needed();
	}
}

START_TEST(slices_alternate_cpu_bound_fibers)
{
	static uint64_t counts[2];
	struct sched_stats s0, s;
	sched_stats(&s0);
	fiber_spawn("c0", cruncher, &counts[0], 10, NULL);
	fiber_spawn("c1", cruncher, &counts[1], 10, NULL);
	fiber_yield();
	sched_stats(&s);
	ck_assert_uint_eq(counts[0], 100);
	ck_assert_uint_eq(counts[1], 100);
	/* 200 ms of work in slices of 5..10 ms: 20 to 40 slices, not 1 and not 200 */
	ck_assert_uint_ge(s.slices - s0.slices, 20);
	ck_assert_uint_le(s.slices - s0.slices, 40);
}
END_TEST

static void smasher(void *arg)
{
	*sched_current()->canary = 0; /* what an overflow of the usable stack does first */
	fiber_yield();
}

/* The panic ends the machine: here the forked test child exits 255 from hal_halt, after
 * checking what was printed (a longjmp back out of the fiber would confuse ASan's view of
 * which stack is live). */
static void canary_report_and_exit(void)
{
	_exit(strstr(fake.console, "(smasher): kernel stack overflow: the canary") ? 255 : 1);
}

START_TEST(smashed_canary_panics_on_switch)
{
	fake.on_halt = canary_report_and_exit;
	fiber_spawn("smasher", smasher, NULL, SCHED_PRIO_DEFAULT, NULL);
	fiber_yield();
	ck_abort_msg("the smashed canary went unnoticed");
}
END_TEST

/* ---- cancellable waits (fiber_kill) ----------------------------------------------------- */

struct victim {
	struct waitq *wq;   /* wait here, or sleep until `until` when NULL */
	uint64_t until;
	int result;         /* what the wait returned; 1 while it has not */
	uint64_t at;        /* when it returned */
	int again;          /* what a second wait returned (must not block once killed) */
};

static void victim_main(void *arg)
{
	struct victim *v = arg;
	v->result = v->wq ? sched_wait(v->wq) : sched_sleep_until(v->until);
	v->at = hal_time_ns();
	v->again = v->wq ? sched_wait(v->wq) : sched_sleep_until(v->until);
}

START_TEST(kill_cancels_a_wait_and_keeps_the_queue)
{
	struct waitq wq;
	struct victim v[3];
	struct fiber *f[3];
	waitq_init(&wq);
	for (int i = 0; i < 3; i++) {
		v[i] = (struct victim){ .wq = &wq, .result = 1, .again = 1 };
		f[i] = fiber_spawn("v", victim_main, &v[i], 10, NULL);
		ck_assert_ptr_nonnull(f[i]);
	}
	fiber_yield();
	ck_assert_int_eq(v[0].result + v[1].result + v[2].result, 3); /* all three wait */
	fiber_kill(f[1]); /* the middle one: both neighbours' links must be repaired */
	fiber_yield();
	ck_assert_int_eq(v[1].result, -RUMPK_EKILLED);
	ck_assert_int_eq(v[1].again, -RUMPK_EKILLED);
	ck_assert_int_eq(v[0].result, 1);
	ck_assert_int_eq(sched_wake_one(&wq), 1); /* v[0], then v[2]: FIFO intact */
	fiber_yield();
	ck_assert_int_eq(v[0].result, 0);
	ck_assert_int_eq(v[2].result, 1);
	fiber_kill(f[2]); /* the last one (the queue's tail) */
	fiber_yield();
	ck_assert_int_eq(v[2].result, -RUMPK_EKILLED);
	ck_assert_ptr_eq(wq.head, f[0]); /* waiting a second time (v[0].again), alone */
	ck_assert_ptr_eq(wq.tail, f[0]);
	fiber_kill(f[0]);
	fiber_yield();
	ck_assert_int_eq(v[0].again, -RUMPK_EKILLED);
	ck_assert_ptr_null(wq.head);
	ck_assert_ptr_null(wq.tail);
	ck_assert_int_eq(fiber_killed(f[0]), 1);
}
END_TEST

START_TEST(kill_cancels_a_sleep_and_keeps_the_heap)
{
	enum { N = 40 };
	static struct victim v[N];
	static struct fiber *f[N];
	uint64_t x = 99;
	for (int i = 0; i < N; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		v[i] = (struct victim){ .until = 1000 + (x >> 40) % 1000000, .result = 1, .again = 1 };
		f[i] = fiber_spawn("s", victim_main, &v[i], 10, NULL);
		ck_assert_ptr_nonnull(f[i]);
	}
	fiber_yield(); /* all asleep; the heap has a shape with children and siblings */
	uint64_t t0 = fake.now_ns;
	for (int i = 0; i < N; i += 3)
		fiber_kill(f[i]);
	fiber_yield();
	for (int i = 0; i < N; i += 3) {
		ck_assert_int_eq(v[i].result, -RUMPK_EKILLED);
		ck_assert_uint_eq(v[i].at, t0); /* promptly: no time passed */
		ck_assert_int_eq(v[i].again, -RUMPK_EKILLED);
	}
	sched_sleep_until(2000000); /* the others wake at their deadlines, never early */
	for (int i = 0; i < N; i++) {
		if (i % 3 == 0)
			continue;
		ck_assert_int_eq(v[i].result, 0);
		ck_assert_uint_ge(v[i].at, v[i].until);
		for (int j = 0; j < N; j++)
			if (j % 3 && v[i].until < v[j].until)
				ck_assert_uint_le(v[i].at, v[j].at);
	}
}
END_TEST

static void ring_victim(void *arg)
{
	struct kring *r = arg;
	struct rumpk_packet p;
	*(int *)&p = 0;
	ck_assert_int_eq(kring_recv(r, &p), -RUMPK_EKILLED);
}

START_TEST(kill_cuts_a_kring_recv_short)
{
	int err;
	struct kring *r = kring_create(4, &err);
	ck_assert_ptr_nonnull(r);
	struct fiber *f = fiber_spawn("rv", ring_victim, r, 10, NULL);
	fiber_yield();
	fiber_kill(f);
	fiber_yield();
	sched_reap();
	kring_destroy(r); /* no waiter left behind, or this panics */
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sched");
	TCase *tc = tcase_create("fibers");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, priorities_then_fifo);
	tcase_add_test(tc, round_robin_by_yield);
	tcase_add_test(tc, round_robin_of_a_thousand_at_one_priority);
	tcase_add_test(tc, sleepers_wake_in_order_never_early);
	tcase_add_test(tc, reclamation_returns_every_counter);
	tcase_add_test(tc, ring_wait_and_wake);
	tcase_add_test(tc, slices_alternate_cpu_bound_fibers);
	tcase_add_test(tc, kill_cancels_a_wait_and_keeps_the_queue);
	tcase_add_test(tc, kill_cancels_a_sleep_and_keeps_the_heap);
	tcase_add_test(tc, kill_cuts_a_kring_recv_short);
	tcase_add_exit_test(tc, smashed_canary_panics_on_switch, 255);
	suite_add_tcase(s, tc);
	return unit_main(s);
}
