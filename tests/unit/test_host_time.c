/*
 * test_host_time.c — the hosted HAL's clock and one-shot timer (src/hal-hosted/host_time.c)
 * against the real host: a near deadline fires once, a far one (UINT64_MAX is the core's
 * "never", and anything whose sum with the epoch passes 2^64) must not fire at all: a
 * wrapped sum would lie in the past, fire at once and, re-armed, storm.
 *
 * The virtual clock (docs/simulation.md): time moves only by charges; the charge that
 * reaches the deadline reports it due once; idle's jump goes to the deadline, or reports
 * that there is none (a "never" deadline counts as none: the deadlock rule); the stall
 * watchdog preempts only after two looks without a charge while user code runs.
 */
#define _GNU_SOURCE
#include <check.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>

#include "fake_hal.h"
#include "host.h"

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void setup_timer(void)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	alarms = 0;
	host_time_init();
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0)
		;
}

START_TEST(near_deadline_fires_once)
{
	setup_timer();
	host_timer_arm(host_time_ns() + 2000000); /* 2 ms */
	nap_ms(40);
	ck_assert_int_eq(alarms, 1);
}
END_TEST

START_TEST(past_deadline_fires_at_once)
{
	setup_timer();
	nap_ms(1);
	host_timer_arm(0);
	nap_ms(20);
	ck_assert_int_eq(alarms, 1);
}
END_TEST

/* _i picks a far deadline: "never", and sums that pass 2^64 or INT64_MAX ns. */
START_TEST(far_deadline_never_fires)
{
	static const uint64_t far[] = { UINT64_MAX, UINT64_MAX - 1, UINT64_MAX / 2 + 1,
					0x7fffffffffffffffull, 0x7ffffffffffff000ull };
	setup_timer();
	host_timer_arm(far[_i]);
	nap_ms(40);
	ck_assert_msg(alarms == 0, "deadline %#llx fired %d times", (unsigned long long)far[_i],
		      (int)alarms);
	/* and the timer still works afterwards */
	host_timer_arm(host_time_ns() + 1000000);
	nap_ms(30);
	ck_assert_int_eq(alarms, 1);
}
END_TEST

START_TEST(disarm_cancels)
{
	setup_timer();
	host_timer_arm(host_time_ns() + 5000000);
	host_timer_disarm();
	nap_ms(30);
	ck_assert_int_eq(alarms, 0);
}
END_TEST

/* Virtual mode in this (forked) test process; the watchdog's SIGVTALRM is ignored here. */
static void setup_virtual(void)
{
	signal(SIGVTALRM, SIG_IGN);
	host_time_init();
	host_time_set_virtual();
	ck_assert_int_eq(host_time_virtual(), 1);
}

START_TEST(virtual_time_moves_by_charges_only)
{
	setup_virtual();
	uint64_t t0 = host_time_ns();
	nap_ms(5);
	ck_assert_uint_eq(host_time_ns(), t0); /* the host's time does not count */
	host_timer_arm(t0 + 1000);
	ck_assert_uint_eq(host_virtual_deadline(), t0 + 1000);
	ck_assert_int_eq(host_virtual_charge(600), 0);
	ck_assert_uint_eq(host_time_ns(), t0 + 600);
	ck_assert_int_eq(host_virtual_charge(400), 1); /* reaches it: due, once */
	ck_assert_uint_eq(host_virtual_deadline(), UINT64_MAX);
	ck_assert_int_eq(host_virtual_charge(1000), 0);
	ck_assert_uint_eq(host_time_ns(), t0 + 2000);
	host_timer_arm(t0 + 5000);
	host_timer_disarm();
	ck_assert_int_eq(host_virtual_charge(10000), 0);
}
END_TEST

START_TEST(virtual_idle_jumps_or_finds_nothing)
{
	setup_virtual();
	ck_assert_int_eq(host_virtual_skip(), 0); /* nothing armed: nothing to jump to */
	host_timer_arm(7000000);
	ck_assert_int_eq(host_virtual_skip(), 1);
	ck_assert_uint_eq(host_time_ns(), 7000000);
	ck_assert_int_eq(host_virtual_skip(), 0); /* the jump disarmed it */
	host_timer_arm(3000000); /* already past: due at once, time stays */
	ck_assert_int_eq(host_virtual_skip(), 1);
	ck_assert_uint_eq(host_time_ns(), 7000000);
	host_timer_arm(UINT64_MAX); /* "never" is no deadline */
	ck_assert_int_eq(host_virtual_skip(), 0);
	ck_assert_uint_eq(host_time_ns(), 7000000);
}
END_TEST

START_TEST(virtual_watchdog_needs_two_idle_looks_in_user_code)
{
	setup_virtual();
	host_timer_arm(50000);
	ck_assert_int_eq(host_virtual_stall(1), 0); /* one look without a charge */
	host_virtual_charge(10);
	ck_assert_int_eq(host_virtual_stall(1), 0); /* a charge: progress, count again */
	ck_assert_int_eq(host_virtual_stall(0), 0); /* kernel code is never preempted */
	ck_assert_int_eq(host_virtual_stall(1), 0);
	ck_assert_int_eq(host_virtual_nondeterministic(), 0);
	ck_assert_int_eq(host_virtual_stall(1), 1); /* two looks: time jumps, preempt */
	ck_assert_uint_eq(host_time_ns(), 50000);
	ck_assert_int_eq(host_virtual_nondeterministic(), 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("host_time");
	TCase *tc = tcase_create("timer");
	tcase_add_test(tc, near_deadline_fires_once);
	tcase_add_test(tc, past_deadline_fires_at_once);
	tcase_add_loop_test(tc, far_deadline_never_fires, 0, 5);
	tcase_add_test(tc, disarm_cancels);
	suite_add_tcase(s, tc);
	TCase *tv = tcase_create("virtual");
	tcase_add_test(tv, virtual_time_moves_by_charges_only);
	tcase_add_test(tv, virtual_idle_jumps_or_finds_nothing);
	tcase_add_test(tv, virtual_watchdog_needs_two_idle_looks_in_user_code);
	suite_add_tcase(s, tv);
	return unit_main(s);
}
