/*
 * selftest.c — the registry of boot self-tests.
 *
 * A self-test is a longer or heavier check than its boot stage, meant for CI boot tests on
 * every HAL, so it must be deterministic in what it prints on the "ok"/"FAIL" decision and
 * bounded in time. Names not in the list are refused, so a typo in selftest= cannot pass
 * by running nothing.
 */
#include "selftest.h"

#include "cmdline.h"
#include "hal.h"
#include "kprintf.h"
#include "kutil.h"
#include "param.h"
#include "timer.h"

#define DETAIL_MAX 128

struct selftest {
	const char *name;
	int (*run)(char *detail, size_t len);
};

/* timer: a long run of ticks at a 1 ms period; none may be early, and the total elapsed
 * time must match the tick count (the clock and the timer agree). */
static int selftest_timer(char *detail, size_t len)
{
	struct timer_stats st0, st;
	uint64_t t0 = hal_time_ns();

	timer_stats(&st0);
	timer_tick_start(SELFTEST_TIMER_PERIOD_NS);
	do {
		hal_cpu_idle();
		timer_stats(&st);
	} while (st.irqs - st0.irqs < SELFTEST_TIMER_TICKS);
	timer_tick_stop();
	uint64_t elapsed = hal_time_ns() - t0;
	uint64_t early = st.early - st0.early;
	uint64_t want = SELFTEST_TIMER_TICKS * SELFTEST_TIMER_PERIOD_NS;

	if (early) {
		ksnprintf(detail, len, "%llu of %d ticks arrived before their deadline",
			  (unsigned long long)early, SELFTEST_TIMER_TICKS);
		return -RUMPK_ERANGE;
	}
	if (elapsed < want) {
		ksnprintf(detail, len, "%d ticks of %llu ns took %llu ns, less than their sum",
			  SELFTEST_TIMER_TICKS, SELFTEST_TIMER_PERIOD_NS,
			  (unsigned long long)elapsed);
		return -RUMPK_ERANGE;
	}
	ksnprintf(detail, len, "%d ticks, 0 early", SELFTEST_TIMER_TICKS);
	return 0;
}

static const struct selftest tests[] = {
	{ "timer", selftest_timer },
};

/* Checks every name in the selftest= list against the registry. */
static int check_names(const char *cmdline)
{
	char val[CMDLINE_VALUE_MAX];
	int err = cmdline_get(cmdline, "selftest", val, sizeof(val));

	if (err == -RUMPK_ENOENT)
		return 0;
	if (err < 0) {
		kprintf("[selftest] FAIL: the selftest= list is longer than %d bytes\n",
			CMDLINE_VALUE_MAX - 1);
		return err;
	}
	if (kstreq(val, "all"))
		return 0;
	const char *pos = val;
	char item[CMDLINE_VALUE_MAX];
	while (cmdline_list_next(&pos, item, sizeof(item)) >= 0) {
		int known = item[0] == '\0';
		for (size_t i = 0; i < ARRAY_SIZE(tests) && !known; i++)
			known = kstreq(item, tests[i].name);
		if (!known) {
			kprintf("[selftest] FAIL: unknown self-test '%s' (known:", item);
			for (size_t i = 0; i < ARRAY_SIZE(tests); i++)
				kprintf(" %s", tests[i].name);
			kprintf(")\n");
			return -RUMPK_EINVAL;
		}
	}
	return 0;
}

int selftest_run(const char *cmdline)
{
	char detail[DETAIL_MAX];
	int err = check_names(cmdline);

	if (err)
		return err;
	for (size_t i = 0; i < ARRAY_SIZE(tests); i++) {
		if (!cmdline_has_item(cmdline, "selftest", tests[i].name))
			continue;
		detail[0] = '\0';
		err = tests[i].run(detail, sizeof(detail));
		if (err) {
			kprintf("[selftest] %s FAIL: %s (%s)\n", tests[i].name, detail,
				rumpk_strerror(err));
			return err;
		}
		kprintf("[selftest] %s ok: %s\n", tests[i].name, detail);
	}
	return 0;
}
