/*
 * param.h — every tunable limit of the core, in one place (xv6's rule).
 */
#ifndef RUMPK_PARAM_H
#define RUMPK_PARAM_H

#define KPRINTF_BUF 256            /* bytes formatted before a console write */
#define CMDLINE_VALUE_MAX 64       /* longest value of one key=value on the command line */

/* timer boot stage: interrupts required, and their period */
#define BOOT_TIMER_IRQS 3
#define BOOT_TIMER_PERIOD_NS 500000ull /* 0.5 ms: the stage costs ~1.5 ms */

/* selftest=timer: a longer run of ticks */
#define SELFTEST_TIMER_TICKS 100
#define SELFTEST_TIMER_PERIOD_NS 1000000ull

/* memory boot stage: RAM that must remain once kernel, initrd and device tree are set aside */
#define MIN_FREE_RAM (4ull << 20)

/* scheduler */
#define SCHED_PRIOS 32               /* priority levels; the last is the idle fiber's */
#define SCHED_PRIO_DEFAULT 16
#define SCHED_SLICE_NS 10000000ull   /* 10 ms: a fiber's turn when others of its priority wait */
#define FIBER_STACK_ORDER 2          /* 4 pages = 16 KiB, the lowest a guard page where possible */
#define FIBER_CANARY 0x5354414b43414e59ull /* "YNACKATS": the lowest stack word */

/* selftest=sched: packets ping-ponged between two fibers, and the sleeper's naps */
#define SELFTEST_SCHED_PACKETS 100000
#define SELFTEST_SCHED_NAPS 5
#define SELFTEST_SCHED_NAP_NS 2000000ull

/* selftest=idle: how long the only fiber sleeps, and the most idle waits that may take */
#define SELFTEST_IDLE_NS 300000000ull
#define SELFTEST_IDLE_MAX_WAITS 5

#define RUMPK_VERSION_STRING "0.1.0"

#endif /* RUMPK_PARAM_H */
