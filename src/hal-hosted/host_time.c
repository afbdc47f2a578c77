/*
 * host_time.c — the clock and the one-shot timer, in one of two modes (rumpk-sim --clock):
 *
 * real     CLOCK_MONOTONIC, and one POSIX timer that raises SIGALRM at an absolute
 *          deadline (TIMER_ABSTIME, so arming never drifts).
 * virtual  time is a counter that moves only by the kernel's own events: when the CPU
 *          would idle with a deadline armed, the clock jumps to it (no waiting), and every
 *          quantum of the sim's CPU time (ITIMER_VIRTUAL: SIGVTALRM, the one preemption
 *          source) it moves by exactly that quantum. The host's wall-clock timer is never
 *          armed. What a run does no longer depends on how fast the host is or how busy.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "host.h"

static uint64_t epoch;
static timer_t timer;
static int vmode;                        /* 1: the virtual clock */
static volatile uint64_t vnow, vdeadline; /* ns; SIGVTALRM's handler moves vnow too */
static volatile int varmed;
static uint64_t vquantum;

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

void host_time_set_virtual(uint64_t quantum_ns)
{
	struct itimerval it;

	vmode = 1;
	vquantum = quantum_ns;
	it.it_interval.tv_sec = (time_t)(quantum_ns / 1000000000ull);
	it.it_interval.tv_usec = (suseconds_t)(quantum_ns % 1000000000ull / 1000);
	it.it_value = it.it_interval;
	if (setitimer(ITIMER_VIRTUAL, &it, NULL) != 0)
		host_die("setitimer(ITIMER_VIRTUAL) failed");
}

int host_virtual_tick(void)
{
	vnow += vquantum;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (varmed && vnow >= vdeadline) {
		varmed = 0;
		return 1;
	}
	return 0;
}

int host_virtual_skip(void)
{
	if (!varmed)
		return 0;
	if (vnow < vdeadline)
		vnow = vdeadline;
	varmed = 0;
	return 1;
}

uint64_t host_time_hz(void)
{
	return 1000000000ull;
}

/* The kernel's deadline is relative to epoch; the POSIX timer wants CLOCK_MONOTONIC. A far
 * deadline (UINT64_MAX means "never") must not wrap past 2^64 into the past, which would
 * fire at once and, re-armed by the core, storm: the sum saturates, and is then capped at
 * the largest time the kernel's timers represent (INT64_MAX ns, ~292 years), as the
 * bare-metal HALs' "too far to express: never fires" does. */
#define HOST_TIME_NEVER_NS 0x7fffffffffffffffull

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
