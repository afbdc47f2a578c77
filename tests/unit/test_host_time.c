/*
 * test_host_time.c — the hosted HAL's clock and one-shot timer (src/hal-hosted/host_time.c)
 * against the real host: a near deadline fires once, a far one (UINT64_MAX is the core's
 * "never", and anything whose sum with the epoch passes 2^64) must not fire at all: a
 * wrapped sum would lie in the past, fire at once and, re-armed, storm.
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

int main(void)
{
	Suite *s = suite_create("host_time");
	TCase *tc = tcase_create("timer");
	tcase_add_test(tc, near_deadline_fires_once);
	tcase_add_test(tc, past_deadline_fires_at_once);
	tcase_add_loop_test(tc, far_deadline_never_fires, 0, 5);
	tcase_add_test(tc, disarm_cancels);
	suite_add_tcase(s, tc);
	return unit_main(s);
}
