/*
 * test_boot.c — core_main() against the fake HAL: the stage list, the FAIL path of every
 * stage, the timer stage's use of real interrupts, and the last line.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "boot.h"
#include "fake_hal.h"
#include "param.h"
#include "selftest.h"
#include "timer.h"

/* The stage list the kernel is held to (the same list as tests/boot/stages.txt). */
static const char *const stage_names[] = { "memory", "traps", "timer", "scheduler",
					   "rings", "crypto", "vfs", "loader" };
#define NSTAGES ((int)(sizeof(stage_names) / sizeof(stage_names[0])))
/* What a stage reports after "ok" on the fake machine (its initrd: tests/unit/fake_hal.c). */
static const char *stage_ok(int i)
{
	static char loader[64];
	size_t n = fake_bin_count(); /* every program of RUMPK_PROGRAMS, e.g. "6 verified" */
	snprintf(loader, sizeof(loader), "ok: %zu verified, %zu mapped, 0 refused", n, n);
	return strcmp(stage_names[i], "loader") == 0 ? loader : "ok";
}

/* "[stage NN/MM] name" for stage index i (0-based), from a small ring of buffers. */
static const char *sl(int i)
{
	static char bufs[4][64];
	static int next;
	char *b = bufs[next++ % 4];
	snprintf(b, 64, "[stage %02d/%02d] %s", i + 1, NSTAGES, stage_names[i]);
	return b;
}

static int stage_index(const char *name)
{
	for (int i = 0; i < NSTAGES; i++)
		if (strcmp(stage_names[i], name) == 0)
			return i;
	ck_abort_msg("no stage %s", name);
	return -1;
}

/* The whole transcript of a successful default boot. */
static const char *expected_ok(void)
{
	static char buf[1024];
	int n = snprintf(buf, sizeof(buf), "rumpk " RUMPK_VERSION_STRING " on fake\n");
	for (int i = 0; i < NSTAGES; i++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s %s\n", sl(i), stage_ok(i));
	snprintf(buf + n, sizeof(buf) - (size_t)n, "halted, code 0\n");
	return buf;
}

/* The last stage's line followed by `rest`: what follows the stages. */
static const char *after_stages(const char *rest)
{
	static char buf[512];
	snprintf(buf, sizeof(buf), "%s %s\n%s", sl(NSTAGES - 1), stage_ok(NSTAGES - 1), rest);
	return buf;
}

START_TEST(default_boot_prints_every_stage)
{
	ck_assert_int_eq(fake_boot(""), 0);
	ck_assert_str_eq(fake.console, expected_ok());
	ck_assert_int_eq(boot_stage_count(), NSTAGES);
	for (int i = 0; i < NSTAGES; i++)
		ck_assert_str_eq(boot_stage_name(i), stage_names[i]);
	ck_assert_ptr_null(boot_stage_name(NSTAGES));
	ck_assert_ptr_null(boot_stage_name(-1));
}
END_TEST

START_TEST(timer_stage_waits_for_three_interrupts)
{
	struct rumpk_boot_info bi;
	struct timer_stats st;
	fake_reset();
	fake_boot_info(&bi, "failstage=scheduler"); /* stop right after the timer stage */
	ck_assert_int_eq(fake_run_core(&bi), stage_index("scheduler") + 1);
	timer_stats(&st);
	ck_assert_uint_eq(st.irqs, BOOT_TIMER_IRQS);
	ck_assert_uint_eq(fake.idles, BOOT_TIMER_IRQS);
	ck_assert_uint_eq(st.early, 0);
	ck_assert_uint_eq(fake.now_ns, BOOT_TIMER_IRQS * BOOT_TIMER_PERIOD_NS);
	ck_assert_int_eq(fake.timer_armed, 0); /* the stage leaves the timer off */
}
END_TEST

START_TEST(early_interrupt_fails_timer_stage)
{
	struct rumpk_boot_info bi;
	fake_reset();
	fake.irq_skew_ns = -1000;
	fake_boot_info(&bi, "");
	ck_assert_int_eq(fake_run_core(&bi), stage_index("timer") + 1);
	char want[160];
	snprintf(want, sizeof(want), "%s FAIL: 3 interrupts arrived before their deadline "
		 "(ERANGE)\nhalted, code %d\n", sl(stage_index("timer")), stage_index("timer") + 1);
	ck_assert_ptr_nonnull(strstr(fake.console, want));
}
END_TEST

START_TEST(late_interrupts_are_fine)
{
	struct rumpk_boot_info bi;
	struct timer_stats st;
	fake_reset();
	fake.irq_skew_ns = 700000; /* later than a whole period: the tick must not storm */
	fake_boot_info(&bi, "");
	ck_assert_int_eq(fake_run_core(&bi), 0);
	timer_stats(&st);
	ck_assert_uint_eq(st.irqs, 3);
	ck_assert_uint_ge(st.max_late_ns, 700000);
}
END_TEST

START_TEST(trap_failure_stops_at_traps_stage)
{
	struct rumpk_boot_info bi;
	int code = stage_index("traps") + 1;
	fake_reset();
	fake.trap_init_result = -RUMPK_EFAULT;
	fake_boot_info(&bi, "");
	ck_assert_int_eq(fake_run_core(&bi), code);
	char want[200];
	snprintf(want, sizeof(want), "%s ok\n%s FAIL: the probe breakpoint trap did not come back "
		 "(EFAULT)\nhalted, code %d\n", sl(stage_index("memory")), sl(stage_index("traps")),
		 code);
	ck_assert_ptr_nonnull(strstr(fake.console, want));
	ck_assert_ptr_null(strstr(fake.console, "timer"));
}
END_TEST

/* one core_main per test: Check forks each, so the allocator starts fresh every time */
START_TEST(failstage_forces_each_stage)
{
	struct rumpk_boot_info bi;
	char cmd[64], want[160];
	fake_reset();
	snprintf(cmd, sizeof(cmd), "quiet failstage=%s x=y", stage_names[_i]);
	fake_boot_info(&bi, cmd);
	ck_assert_int_eq(fake_run_core(&bi), _i + 1);
	snprintf(want, sizeof(want), "%s FAIL: forced by failstage=%s (EINVAL)\nhalted, code %d\n",
		 sl(_i), stage_names[_i], _i + 1);
	ck_assert_ptr_nonnull(strstr(fake.console, want));
	/* the stage log says the same: ok before, the failure with its reason, nothing after */
	ck_assert_int_eq(boot_stage_log_count, NSTAGES);
	for (int i = 0; i < NSTAGES; i++) {
		const struct boot_stage_record *r = &boot_stage_log[i];
		ck_assert_str_eq(r->name, stage_names[i]);
		ck_assert_uint_eq(r->state, i < _i ? BOOT_STAGE_OK
					  : i == _i ? BOOT_STAGE_FAILED : BOOT_STAGE_PENDING);
		ck_assert_int_eq(r->err, i == _i ? -RUMPK_EINVAL : 0);
		if (i == _i)
			ck_assert_ptr_nonnull(strstr(r->detail, "forced by failstage="));
	}
}
END_TEST

/* A misspelt failstage= is refused before any stage runs, naming it and listing the
 * stages, the same way as a misspelt selftest= (and with the same exit code). */
START_TEST(unknown_failstage_is_refused)
{
	static const char *const lines[] = { "failstage=nosuchstage", "failstage=", "failstage",
					      "failstage=timer2", "failstage=Timer" };
	char want[256];
	ck_assert_int_eq(fake_boot(lines[_i]), SELFTEST_EXIT_CODE);
	const char *eq = strchr(lines[_i], '=');
	int n = snprintf(want, sizeof(want), "[boot] FAIL: unknown stage '%s' in failstage= (known:",
			 eq ? eq + 1 : "");
	for (int i = 0; i < NSTAGES; i++)
		n += snprintf(want + n, sizeof(want) - (size_t)n, " %s", stage_names[i]);
	snprintf(want + n, sizeof(want) - (size_t)n, ")\nhalted, code %d\n", SELFTEST_EXIT_CODE);
	ck_assert_ptr_nonnull(strstr(fake.console, want));
	ck_assert_ptr_null(strstr(fake.console, "[stage ")); /* nothing ran */
}
END_TEST

START_TEST(overlong_failstage_is_refused)
{
	char cmd[200] = "failstage=";
	memset(cmd + strlen(cmd), 'x', 150);
	ck_assert_int_eq(fake_boot(cmd), SELFTEST_EXIT_CODE);
	ck_assert_ptr_nonnull(strstr(fake.console, "[boot] FAIL: the failstage= value is longer than"));
	ck_assert_ptr_null(strstr(fake.console, "[stage "));
}
END_TEST

/* Weak boot entropy (no seed): one warning line before the stages, and the flag readable. */
START_TEST(weak_entropy_warns_once)
{
	struct rumpk_boot_info bi;
	fake_reset();
	fake_boot_info(&bi, "");
	bi.flags |= RUMPK_BOOT_ENTROPY_WEAK;
	ck_assert_int_eq(fake_run_core(&bi), 0);
	const char *w = strstr(fake.console, "warning: no seed for the boot key");
	ck_assert_ptr_nonnull(w);
	ck_assert_ptr_null(strstr(w + 1, "warning:"));
	ck_assert(w < strstr(fake.console, "[stage 01/"));
	ck_assert_int_eq(boot_entropy_weak(), 1);
}
END_TEST

START_TEST(seeded_entropy_does_not_warn)
{
	ck_assert_int_eq(fake_boot(""), 0);
	ck_assert_ptr_null(strstr(fake.console, "warning"));
	ck_assert_int_eq(boot_entropy_weak(), 0);
}
END_TEST

/* Each malformed boot info must stop at the memory stage with its own reason. */
/* Each malformed boot info must stop at the memory stage with its own reason. */
START_TEST(memory_stage_refuses_bad_boot_info)
{
	static const char *const reasons[] = {
		"boot info version 7, expected 1",
		"boot info reserved field is not zero",
		"boot info has 0 memory and 0 reserved ranges",
		"boot info has 9 memory and 0 reserved ranges",
		" +0] is empty or wraps",
		"memory range 0 [0xfffffffffffff000 +0x2000000] is empty or wraps",
		NULL, /* "1024 KiB of RAM, need at least N KiB free": N computed below */
		"KiB of RAM usable, need at least 4096 KiB", /* passes the sum, fails in mem_init */
	};
	struct rumpk_boot_info bi;
	fake_reset();
	fake_boot_info(&bi, "");
	switch (_i) {
	case 0: bi.version = 7; break;
	case 1: bi.reserved0 = 1; break;
	case 2: bi.nmem = 0; break;
	case 3: bi.nmem = 9; break;
	case 4: bi.mem[0].size = 0; break;
	case 5: bi.mem[0].base = 0xfffffffffffff000ull; break;
	case 6: bi.mem[0].size = 1 << 20; break;
	case 7: /* 6 MiB of RAM, but 3 MiB of it reserved by firmware */
		bi.mem[0].size = 6 << 20;
		bi.kernel.size = 0;
		bi.nreserved = 1;
		bi.reserved[0] = (struct rumpk_mem_range){ bi.mem[0].base, 3 << 20 };
		break;
	}
	ck_assert_int_eq(fake_run_core(&bi), stage_index("memory") + 1);
	char need[96];
	const char *reason = reasons[_i];
	if (!reason) { /* kernel 1 MiB + the fake initrd + MIN_FREE_RAM */
		size_t initrd;
		fake_initrd(&initrd);
		snprintf(need, sizeof(need), "1024 KiB of RAM, need at least %llu KiB free",
			 (unsigned long long)(((1ull << 20) + initrd + MIN_FREE_RAM) >> 10));
		reason = need;
	}
	ck_assert_msg(strstr(fake.console, reason) != NULL, "case %d: %s", _i, fake.console);
	char code[32];
	snprintf(code, sizeof(code), "halted, code %d\n", stage_index("memory") + 1);
	ck_assert_ptr_nonnull(strstr(fake.console, code));
}
END_TEST

START_TEST(selftest_timer_runs_when_asked)
{
	ck_assert_int_eq(fake_boot("selftest=timer"), 0);
	ck_assert_ptr_nonnull(strstr(fake.console, after_stages("[selftest] timer ok: 100 ticks, "
								"0 early\nhalted, code 0\n")));
	ck_assert_uint_eq(fake.idles, BOOT_TIMER_IRQS + SELFTEST_TIMER_TICKS);
}
END_TEST

/* selftest=all runs every registered self-test, each once, in registry order, each ok;
 * the registry is also held to the list the docs and boot tests name. */
START_TEST(selftest_all_runs_every_test)
{
	static const char *const known[] = { "timer", "sched", "idle", "crypto", "overflow", "pan" };
	ck_assert_int_eq(fake_boot("selftest=all"), 0);
	ck_assert_int_eq(selftest_count(), (int)(sizeof(known) / sizeof(known[0])));
	ck_assert_ptr_null(selftest_name(selftest_count()));
	const char *prev = fake.console;
	for (int i = 0; i < selftest_count(); i++) {
		char ok[64], fail[64];
		ck_assert_str_eq(selftest_name(i), known[i]);
		snprintf(ok, sizeof(ok), "\n[selftest] %s ok: ", known[i]);
		if (selftest_fatal(i)) { /* never through "all" */
			ck_assert_ptr_null(strstr(fake.console, ok + 1));
			continue;
		}
		snprintf(fail, sizeof(fail), "[selftest] %s FAIL", known[i]);
		const char *at = strstr(fake.console, ok);
		ck_assert_msg(at != NULL, "no '%s' line in:\n%s", ok + 1, fake.console);
		ck_assert_msg(at > prev, "self-test %s ran out of order", known[i]);
		ck_assert_ptr_null(strstr(at + 1, ok)); /* once */
		ck_assert_ptr_null(strstr(fake.console, fail));
		prev = at;
	}
	/* and the line after the last self-test is the halt */
	ck_assert_ptr_nonnull(strstr(prev, "\nhalted, code 0\n"));
}
END_TEST

START_TEST(selftest_unknown_name_halts_100)
{
	ck_assert_int_eq(fake_boot("selftest=timer,nosuch"), SELFTEST_EXIT_CODE);
	ck_assert_ptr_nonnull(strstr(fake.console, "[selftest] FAIL: unknown self-test 'nosuch' "
						   "(known: timer sched idle crypto overflow pan)\nhalted, code 100\n"));
	ck_assert_ptr_null(strstr(fake.console, "[selftest] timer ok")); /* nothing ran */
}
END_TEST

START_TEST(selftest_failure_halts_100)
{
	/* the boot stage's ticks are on time, the self-test's are all early */
	struct rumpk_boot_info bi;
	fake_reset();
	fake_boot_info(&bi, "selftest=timer");
	fake.irq_skew_ns = -1000;
	fake.skew_after_idles = BOOT_TIMER_IRQS;
	ck_assert_int_eq(fake_run_core(&bi), SELFTEST_EXIT_CODE);
	ck_assert_ptr_nonnull(strstr(fake.console,
				     after_stages("[selftest] timer FAIL: 100 of 100 ticks arrived "
						  "before their deadline (ERANGE)\nhalted, code 100\n")));
}
END_TEST

START_TEST(selftest_list_tolerates_duplicates_and_empties)
{
	ck_assert_int_eq(fake_boot("selftest=timer,timer,"), 0);
}
END_TEST

START_TEST(kernel_fault_panics)
{
	jmp_buf jb;
	fake_reset();
	fake.halt_jmp = &jb;
	if (setjmp(jb) == 0)
		core_kernel_fault("load page fault", 0x80201234, 0x10);
	ck_assert_str_eq(fake.console, "panic: kernel fault: load page fault at pc 0x80201234, "
				       "address 0x10\nhalted, code 255\n");
	ck_assert_int_eq(fake.halt_code, 255);
}
END_TEST

START_TEST(exit_status_clamp)
{
	ck_assert_int_eq(hal_exit_status(0), 0);
	ck_assert_int_eq(hal_exit_status(1), 1);
	ck_assert_int_eq(hal_exit_status(255), 255);
	ck_assert_int_eq(hal_exit_status(256), 255);
	ck_assert_int_eq(hal_exit_status(-1), 255);
	ck_assert_int_eq(hal_exit_status(512), 255); /* 512 % 256 would read as success */
}
END_TEST

int main(void)
{
	Suite *s = suite_create("boot");
	TCase *tc = tcase_create("stages");
	tcase_add_test(tc, default_boot_prints_every_stage);
	tcase_add_test(tc, timer_stage_waits_for_three_interrupts);
	tcase_add_test(tc, early_interrupt_fails_timer_stage);
	tcase_add_test(tc, late_interrupts_are_fine);
	tcase_add_test(tc, trap_failure_stops_at_traps_stage);
	tcase_add_loop_test(tc, failstage_forces_each_stage, 0, NSTAGES);
	tcase_add_loop_test(tc, unknown_failstage_is_refused, 0, 5);
	tcase_add_test(tc, overlong_failstage_is_refused);
	tcase_add_test(tc, weak_entropy_warns_once);
	tcase_add_test(tc, seeded_entropy_does_not_warn);
	tcase_add_loop_test(tc, memory_stage_refuses_bad_boot_info, 0, 8);
	tcase_add_test(tc, selftest_timer_runs_when_asked);
	tcase_add_test(tc, selftest_all_runs_every_test);
	tcase_add_test(tc, selftest_unknown_name_halts_100);
	tcase_add_test(tc, selftest_failure_halts_100);
	tcase_add_test(tc, selftest_list_tolerates_duplicates_and_empties);
	tcase_add_test(tc, kernel_fault_panics);
	tcase_add_test(tc, exit_status_clamp);
	suite_add_tcase(s, tc);
	return unit_main(s);
}
