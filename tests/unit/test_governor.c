/*
 * test_governor.c — the governor's rule (src/core/governor.c): Peace to War only after
 * GOV_WAR_WINDOWS hot windows in a row, back only after GOV_PEACE_WINDOWS cool ones or
 * GOV_QUIET_NS of silence, no flapping between the two rates, no state change without a
 * sample, floods and clocks that go back handled.
 */
#include <check.h>
#include <stdint.h>

#include "fake_hal.h"
#include "governor.h"

#define W GOV_WINDOW_NS

/* One window at `rate` packets/s, delivered as 10 samples spread over it. */
static enum gov_mode window_at(struct governor *g, uint64_t *now, uint64_t rate)
{
	uint64_t per = rate * W / 1000000000ull / 10;
	enum gov_mode m = g->mode;
	for (int i = 0; i < 10; i++) {
		m = governor_packets(g, *now, per);
		*now += W / 10;
	}
	return m;
}

START_TEST(peace_to_war_needs_consecutive_hot_windows)
{
	struct governor g;
	uint64_t now = 1000;
	governor_init(&g, now);
	ck_assert_int_eq(g.mode, GOV_PEACE);
	window_at(&g, &now, GOV_WAR_RATE * 2);
	window_at(&g, &now, GOV_WAR_RATE / 2); /* breaks the streak */
	window_at(&g, &now, GOV_WAR_RATE * 2);
	governor_tick(&g, now);
	ck_assert_int_eq(g.mode, GOV_PEACE);
	window_at(&g, &now, GOV_WAR_RATE * 2);
	governor_tick(&g, now);
	ck_assert_int_eq(g.mode, GOV_WAR);
	ck_assert_uint_eq(g.to_war, 1);
	ck_assert_uint_ge(g.last_rate, GOV_WAR_RATE);
}
END_TEST

START_TEST(between_the_rates_nothing_changes)
{
	struct governor g;
	uint64_t now = 0, mid = (GOV_WAR_RATE + GOV_PEACE_RATE) / 2;
	governor_init(&g, now);
	for (int i = 0; i < 50; i++)
		window_at(&g, &now, mid);
	ck_assert_int_eq(g.mode, GOV_PEACE);
	for (int i = 0; i < GOV_WAR_WINDOWS + 1; i++)
		window_at(&g, &now, GOV_WAR_RATE * 3);
	ck_assert_int_eq(g.mode, GOV_WAR);
	for (int i = 0; i < 50; i++)
		window_at(&g, &now, mid);
	ck_assert_int_eq(g.mode, GOV_WAR);
	/* alternating hot and cool never completes a streak either way */
	for (int i = 0; i < 50; i++)
		window_at(&g, &now, i % 2 ? GOV_WAR_RATE * 3 : GOV_PEACE_RATE / 4);
	ck_assert_int_eq(g.mode, GOV_WAR);
	ck_assert_uint_eq(g.to_war + g.to_peace, 1);
}
END_TEST

START_TEST(war_to_peace_by_cool_windows_or_silence)
{
	struct governor g;
	uint64_t now = 0;
	governor_init(&g, now);
	for (int i = 0; i < GOV_WAR_WINDOWS + 1; i++)
		window_at(&g, &now, GOV_WAR_RATE * 3);
	ck_assert_int_eq(g.mode, GOV_WAR);
	for (int i = 0; i < GOV_PEACE_WINDOWS; i++)
		window_at(&g, &now, GOV_PEACE_RATE / 4);
	governor_tick(&g, now);
	ck_assert_int_eq(g.mode, GOV_PEACE);
	for (int i = 0; i < GOV_WAR_WINDOWS + 1; i++)
		window_at(&g, &now, GOV_WAR_RATE * 3);
	ck_assert_int_eq(g.mode, GOV_WAR);
	/* silence: no sample for a while, then one scheduling pass */
	now += GOV_QUIET_NS;
	ck_assert_int_eq(governor_tick(&g, now), GOV_PEACE);
	ck_assert_uint_eq(g.to_peace, 2);
}
END_TEST

START_TEST(no_sample_no_change_and_odd_inputs)
{
	struct governor g;
	governor_init(&g, 5 * W);
	/* a flood in one sample: saturates, reads as hot */
	governor_packets(&g, 5 * W + 1, UINT64_MAX / 2);
	governor_packets(&g, 6 * W + 1, UINT64_MAX / 2);
	governor_tick(&g, 7 * W + 1);
	ck_assert_int_eq(g.mode, GOV_WAR);
	ck_assert_uint_eq(g.last_rate, UINT64_MAX);
	/* a clock that goes back changes nothing */
	governor_packets(&g, 1, 0);
	governor_tick(&g, 0);
	ck_assert_int_eq(g.mode, GOV_WAR);
	/* a long gap closes its windows in one step (bounded work) */
	ck_assert_int_eq(governor_tick(&g, UINT64_MAX / 2), GOV_PEACE);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("governor");
	TCase *tc = tcase_create("rule");
	tcase_add_test(tc, peace_to_war_needs_consecutive_hot_windows);
	tcase_add_test(tc, between_the_rates_nothing_changes);
	tcase_add_test(tc, war_to_peace_by_cool_windows_or_silence);
	tcase_add_test(tc, no_sample_no_change_and_odd_inputs);
	suite_add_tcase(s, tc);
	return unit_main(s);
}
