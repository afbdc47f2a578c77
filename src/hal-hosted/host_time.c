/*
 * host_time.c — the clock and the one-shot timer, in one of two modes (rumpk-sim --clock):
 *
 * real     CLOCK_MONOTONIC, and one POSIX timer that raises SIGALRM at an absolute
 *          deadline (TIMER_ABSTIME, so arming never drifts).
 * virtual  time is a counter that moves only by charges the top (hal.c) makes at the
 *          kernel's deterministic events: context switches, doorbells, user budget traps,
 *          and an idle CPU's jump to the armed deadline (docs/simulation.md). No host
 *          timer and no signal moves it, so what a run does depends neither on how fast
 *          the host is nor on how busy. The charge that reaches the deadline reports it
 *          due (and disarms it); the top turns that into a pending interrupt.
 *
 * The one exception in virtual mode is a watchdog, not a clock: ITIMER_VIRTUAL (the
 * sim's CPU time) every STALL_CHECK_MS, which only looks whether any charge happened
 * since it last looked. User code that runs that long without one is a program built
 * without the budget checks (an uninstrumented image); host_virtual_stall() then says
 * so once on stderr and lets the signal preempt it, at the cost of determinism.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "host.h"

static uint64_t epoch;
static timer_t timer;
static int vmode;                        /* 1: the virtual clock */
static volatile uint64_t vnow, vdeadline; /* ns */
static volatile int varmed;
static volatile uint64_t vcharges;       /* charges made (the watchdog's progress mark) */
static uint64_t vwatched;                /* vcharges when the watchdog last looked */
static int vstalls;                      /* consecutive looks without progress */
static int vnondet;                      /* the watchdog preempted: no longer replayable */

/* The largest deadline the kernel's timers represent (host_timer_arm says why). */
#define HOST_TIME_NEVER_NS 0x7fffffffffffffffull
#define STALL_CHECK_MS 100
#define STALL_LOOKS 2 /* 0.2 s of CPU without a charge; an instrumented program charges
			 * every few microseconds */

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void host_time_init(void)
{
	struct sigevent ev;

	epoch = mono_ns();
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGALRM;
	if (timer_create(CLOCK_MONOTONIC, &ev, &timer) != 0)
		host_die("timer_create failed");
}

uint64_t host_time_ns(void)
{
	return vmode ? vnow : mono_ns() - epoch;
}

int host_time_virtual(void)
{
	return vmode;
}

void host_time_set_virtual(void)
{
	struct itimerval it;

	vmode = 1;
	it.it_interval.tv_sec = 0;
	it.it_interval.tv_usec = STALL_CHECK_MS * 1000;
	it.it_value = it.it_interval;
	if (setitimer(ITIMER_VIRTUAL, &it, NULL) != 0)
		host_die("setitimer(ITIMER_VIRTUAL) failed (the virtual mode's stall watchdog)");
}

int host_virtual_charge(uint64_t ns)
{
	vnow += ns;
	vcharges++;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (varmed && vnow >= vdeadline) {
		varmed = 0;
		return 1;
	}
	return 0;
}

uint64_t host_virtual_deadline(void)
{
	return varmed ? vdeadline : UINT64_MAX;
}

int host_virtual_skip(void)
{
	if (!varmed || vdeadline >= HOST_TIME_NEVER_NS)
		return 0; /* none, or one too far to ever fire (host_timer_arm) */
	if (vnow < vdeadline)
		vnow = vdeadline;
	varmed = 0;
	vcharges++;
	return 1;
}

int host_virtual_stall(int in_user)
{
	if (vcharges != vwatched) {
		vwatched = vcharges;
		vstalls = 0;
		return 0;
	}
	if (!in_user || ++vstalls < STALL_LOOKS)
		return 0;
	if (!vnondet) {
		static const char msg[] =
			"\nrumpk-sim: virtual mode: user code ran 0.2 s of CPU without a budget check (a "
			"program not built for virtual mode? --initrd initrd-virtual.tar has only "
			"instrumented ones); preempting it by the host's CPU time: from here on this run "
			"is NOT deterministic\n";
		ssize_t n = write(2, msg, sizeof(msg) - 1);
		(void)n;
		vnondet = 1;
	}
	vstalls = 0;
	/* time moves to the deadline, as if the program had charged its way there */
	return host_virtual_skip();
}

int host_virtual_nondeterministic(void)
{
	return vnondet;
}

uint64_t host_time_hz(void)
{
	return 1000000000ull;
}

/* The kernel's deadline is relative to epoch; the POSIX timer wants CLOCK_MONOTONIC. A far
 * deadline (UINT64_MAX means "never") must not wrap past 2^64 into the past, which would
 * fire at once and, re-armed by the core, storm: the sum saturates, and is then capped at
 * the largest time the kernel's timers represent (INT64_MAX ns, ~292 years), as the
 * bare-metal HALs' "too far to express: never fires" does. Virtual mode keeps the capped
 * value, which host_virtual_skip treats as no deadline at all. */
void host_timer_arm(uint64_t deadline_ns)
{
	if (vmode) {
		vdeadline = deadline_ns > HOST_TIME_NEVER_NS ? HOST_TIME_NEVER_NS : deadline_ns;
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		varmed = 1;
		return;
	}
	uint64_t abs = deadline_ns > HOST_TIME_NEVER_NS - epoch ? HOST_TIME_NEVER_NS
								 : epoch + deadline_ns;
	struct itimerspec its = { 0 };

	if (abs == 0) /* a zero it_value would disarm: one nanosecond later is still "due" */
		abs = 1;
	its.it_value.tv_sec = (time_t)(abs / 1000000000ull);
	its.it_value.tv_nsec = (long)(abs % 1000000000ull);
	if (timer_settime(timer, TIMER_ABSTIME, &its, NULL) != 0)
		host_die("timer_settime failed");
}

void host_timer_disarm(void)
{
	if (vmode) {
		varmed = 0;
		return;
	}
	struct itimerspec its = { 0 };
	timer_settime(timer, 0, &its, NULL);
}
