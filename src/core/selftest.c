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
#include "mem.h" /* PAGE_SIZE */
#include "param.h"
#include "ring.h"
#include "sched.h"
#include "sign.h"
#include "timer.h"

#define DETAIL_MAX 128

struct selftest {
	const char *name;
	int (*run)(char *detail, size_t len);
	int fatal; /* ends the kernel when it passes: runs only when named, never by "all" */
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
	} while (st.ticks - st0.ticks < SELFTEST_TIMER_TICKS);
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

/*
 * sched: two fibers ping-pong SELFTEST_SCHED_PACKETS packets over a pair of rings while a
 * third naps on the timer SELFTEST_SCHED_NAPS times. Every count printed is exact, so the
 * line is the same on every HAL; wrong order, a lost packet, an early wake-up or a fiber
 * not reclaimed fails the test.
 */
struct pingpong {
	struct kring *ping, *pong;
	struct completion done;
	uint32_t round_trips, bad_replies, naps, early;
};

static void fill(struct rumpk_packet *p, uint64_t v)
{
	kmemset(p, 0, sizeof(*p));
	p->kind = 1;
	p->arg = v;
	p->id = ~v;
}

static void ping_main(void *arg)
{
	struct pingpong *pp = arg;
	struct rumpk_packet p, r;
	for (uint64_t i = 0; i < SELFTEST_SCHED_PACKETS; i++) {
		fill(&p, i);
		kring_send(pp->ping, &p);
		kring_recv(pp->pong, &r);
		if (r.arg != i + 1 || r.id != ~i)
			pp->bad_replies++;
		pp->round_trips++;
	}
	completion_signal(&pp->done);
}

static void pong_main(void *arg)
{
	struct pingpong *pp = arg;
	struct rumpk_packet p;
	for (uint64_t i = 0; i < SELFTEST_SCHED_PACKETS; i++) {
		kring_recv(pp->ping, &p);
		p.arg++; /* the reply: the same id, arg + 1 */
		kring_send(pp->pong, &p);
	}
	completion_signal(&pp->done);
}

static void sleeper_main(void *arg)
{
	struct pingpong *pp = arg;
	for (int i = 0; i < SELFTEST_SCHED_NAPS; i++) {
		uint64_t until = hal_time_ns() + SELFTEST_SCHED_NAP_NS;
		sched_sleep_until(until);
		if (hal_time_ns() < until)
			pp->early++;
		pp->naps++;
	}
	completion_signal(&pp->done);
}

static int selftest_sched(char *detail, size_t len)
{
	struct pingpong pp = { 0 };
	struct sched_stats st0, st;
	int err = 0;

	sched_stats(&st0);
	completion_init(&pp.done, 3);
	pp.ping = kring_create(64, &err);
	pp.pong = kring_create(64, &err);
	if (!pp.ping || !pp.pong ||
	    !fiber_spawn("ping", ping_main, &pp, SCHED_PRIO_DEFAULT, &err) ||
	    !fiber_spawn("pong", pong_main, &pp, SCHED_PRIO_DEFAULT, &err) ||
	    !fiber_spawn("sleeper", sleeper_main, &pp, SCHED_PRIO_DEFAULT, &err)) {
		ksnprintf(detail, len, "cannot create the rings and fibers");
		return err ? err : -RUMPK_ENOMEM; /* (a half-built test is left as it is) */
	}
	completion_wait(&pp.done);
	kring_destroy(pp.ping);
	kring_destroy(pp.pong);
	sched_reap();
	sched_stats(&st);
	if (pp.round_trips != SELFTEST_SCHED_PACKETS || pp.bad_replies || pp.early ||
	    pp.naps != SELFTEST_SCHED_NAPS || st.fibers != st0.fibers ||
	    kring_slots_live() != 0) {
		ksnprintf(detail, len,
			  "%u round trips (%u bad), %u naps (%u early), %llu fibers left of %llu",
			  pp.round_trips, pp.bad_replies, pp.naps, pp.early,
			  (unsigned long long)st.fibers, (unsigned long long)st0.fibers);
		return -RUMPK_EFAULT;
	}
	ksnprintf(detail, len, "%u round trips, %u packets, %u naps, 0 early, 3 fibers reclaimed",
		  pp.round_trips, 2 * pp.round_trips, pp.naps);
	return 0;
}

/*
 * idle: the boot fiber sleeps and nothing else is runnable, so the idle fiber must put the
 * CPU to sleep in hal_cpu_idle() and wake once the deadline passes: a handful of idle waits
 * (the deadline, perhaps a leftover slice tick), never thousands (a busy loop) or none.
 * On the hosted HAL the boot tests also measure that the process used ~no CPU meanwhile.
 */
static int selftest_idle(char *detail, size_t len)
{
	struct sched_stats st0, st;
	uint64_t until = hal_time_ns() + SELFTEST_IDLE_NS;

	sched_stats(&st0);
	sched_sleep_until(until);
	uint64_t now = hal_time_ns();
	sched_stats(&st);
	uint64_t waits = st.idles - st0.idles;
	if (now < until || waits == 0 || waits > SELFTEST_IDLE_MAX_WAITS) {
		ksnprintf(detail, len, "slept %llu of %llu ms in %llu idle waits",
			  (unsigned long long)((now + SELFTEST_IDLE_NS - until) / 1000000),
			  SELFTEST_IDLE_NS / 1000000, (unsigned long long)waits);
		return -RUMPK_ERANGE;
	}
	ksnprintf(detail, len, "slept %llu ms with the CPU idle", SELFTEST_IDLE_NS / 1000000);
	return 0;
}

/*
 * overflow: a kernel fiber recurses without end. Its stack's lowest page is a guard page,
 * so the first store into it traps and the kernel ends by name (core_kernel_fault finds
 * the fiber: "fiber N (overflow): kernel stack overflow ..."), exit 255: passing means
 * dying, so this test is fatal (never part of selftest=all). It returns only when it
 * failed: no guard page on this HAL (the canary alone could not stop the overflow before
 * it wrote over whatever lies below the stack, so it does not start), or the fiber came
 * back.
 */
static volatile int overflow_stop;

static int overflow_recurse(int depth)
{
	volatile char frame[256];
	frame[depth & 255] = (char)depth;
	if (overflow_stop)
		return 0;
	return overflow_recurse(depth + 1) + frame[depth & 255];
}

static void overflow_fiber(void *arg)
{
	*(volatile int *)arg = overflow_recurse(0) + 1;
}

static int selftest_overflow(char *detail, size_t len)
{
	static volatile int returned;
	int err;
	struct fiber *f = fiber_spawn("overflow", overflow_fiber, (void *)&returned,
				      sched_current()->prio, &err);
	if (!f) {
		ksnprintf(detail, len, "cannot start its fiber");
		return err;
	}
	if (!f->guarded) {
		overflow_stop = 1; /* it returns at once */
		fiber_yield();
		ksnprintf(detail, len, "no guard pages on this HAL (hal_stack_guard)");
		return -RUMPK_ENOSYS;
	}
	for (int i = 0; i < 100 && !returned; i++)
		sched_sleep_until(hal_time_ns() + 10000000);
	ksnprintf(detail, len, "the fiber %s", returned ? "came back" : "is still running");
	return -RUMPK_EFAULT;
}

/*
 * pan: the kernel reads a mapped user page of the current space directly, not through
 * hal_copy_from_user. A HAL that keeps user memory out of the kernel's reach outside its
 * copy routines (aarch64's software PAN, an empty TTBR0) faults there, and the kernel ends
 * by name (core_kernel_fault, exit 255): passing means dying, so the test is fatal. It
 * returns only when it failed: no user address spaces, or the read succeeded (the sim,
 * where programs share the kernel's process: docs/security.md).
 */
static int selftest_pan(char *detail, size_t len)
{
	struct hal_as *as;
	uint64_t lo, hi;
	uint8_t mark = 0x5a;
	int err = hal_as_create(&as, &lo, &hi);

	if (err) {
		ksnprintf(detail, len, "no user address spaces on this HAL");
		return err;
	}
	uint64_t va = lo + USER_IMAGE_OFFSET;
	err = hal_as_map(as, va, PAGE_SIZE, HAL_PROT_R | HAL_PROT_W);
	if (!err)
		err = hal_copy_to_user(as, va, &mark, 1);
	if (err) {
		hal_as_destroy(as);
		ksnprintf(detail, len, "cannot map its user page");
		return err;
	}
	hal_irq_state_t s = hal_irq_save();
	hal_as_switch(as); /* as during a system call of that space's process */
	hal_irq_restore(s);
	uint8_t got = *(volatile uint8_t *)(uintptr_t)va;
	s = hal_irq_save();
	hal_as_switch(0);
	hal_irq_restore(s);
	hal_as_destroy(as);
	ksnprintf(detail, len, "the kernel read %#x at user address %#llx outside the copy routines",
		  got, (unsigned long long)va);
	return -RUMPK_EFAULT;
}

static const struct selftest tests[] = {
	{ "timer", selftest_timer, 0 },
	{ "sched", selftest_sched, 0 },
	{ "idle", selftest_idle, 0 },
	{ "crypto", sign_selftest, 0 }, /* sign.c: the Wycheproof Ed25519 vectors */
	{ "overflow", selftest_overflow, 1 },
	{ "pan", selftest_pan, 1 },
};

int selftest_count(void)
{
	return (int)ARRAY_SIZE(tests);
}

const char *selftest_name(int i)
{
	return i >= 0 && i < selftest_count() ? tests[i].name : 0;
}

int selftest_fatal(int i)
{
	return i >= 0 && i < selftest_count() && tests[i].fatal;
}

/* Named in the list itself (not through "all"). */
static int named(const char *cmdline, const char *name)
{
	char val[CMDLINE_VALUE_MAX], item[CMDLINE_VALUE_MAX];
	const char *pos = val;

	if (cmdline_get(cmdline, "selftest", val, sizeof(val)) < 0)
		return 0;
	while (cmdline_list_next(&pos, item, sizeof(item)) >= 0)
		if (kstreq(item, name))
			return 1;
	return 0;
}

int selftest_check_names(const char *cmdline)
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
	int err;

	for (size_t i = 0; i < ARRAY_SIZE(tests); i++) {
		if (!cmdline_has_item(cmdline, "selftest", tests[i].name))
			continue;
		if (tests[i].fatal && !named(cmdline, tests[i].name))
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
