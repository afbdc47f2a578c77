/*
 * fake_hal.h — a deterministic HAL for unit tests: the console is a buffer, time moves only
 * when a test or hal_cpu_idle() moves it, and hal_halt() jumps back into the test.
 * Execution contexts and stack guard pages are not faked: they are the hosted HAL's real
 * code (library rumpk_hal_hosted_cpu: switch.S, hal_ctx.c, host_cpu.c).
 */
#ifndef RUMPK_FAKE_HAL_H
#define RUMPK_FAKE_HAL_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#include "hal.h"

struct fake_hal {
	char console[1 << 16];  /* everything written, NUL-terminated */
	size_t console_len;
	unsigned console_writes; /* hal_console_write calls */
	const char *input;       /* bytes hal_console_getc hands out */
	uint64_t now_ns;
	int timer_armed;
	uint64_t deadline_ns;
	int64_t irq_skew_ns;     /* idle delivers the timer at deadline + skew (negative = early) */
	unsigned skew_after_idles; /* ... but only once this many idles have passed */
	int irq_enabled;
	int trap_init_result;
	unsigned idles;
	unsigned console_waits; /* hal_console_wait calls: readers about to sleep for input */
	int halted;              /* hal_halt was called */
	int halt_code;           /* the clamped code */
	jmp_buf *halt_jmp;       /* where hal_halt jumps; NULL aborts the test */
	int real_clock;          /* fake_real_clock(): host time, a real timer signal */
	volatile int irq_pending; /* real clock: a timer signal arrived while disabled */
	int rx_irq_off;          /* hal_console_rx_irq(0) is in force */
	unsigned rx_irq_calls;
	struct hal_fb fb;        /* fb.pixels set: hal_fb_get hands it out, else ENOSYS */
	uint64_t fb_flushes;     /* hal_fb_flush calls */
	const uint8_t *fb_cells; /* what hal_fb_text was given */
	uint32_t fb_cols, fb_rows;
	size_t trace_len;        /* bytes in fake_trace (hal_trace_write), up to FAKE_TRACE_MAX */
	unsigned trace_writes;   /* hal_trace_write calls with bytes */
	int trace_ended;         /* hal_trace_write(NULL, 0): the trace is complete */
	void (*on_halt)(void);   /* if set, hal_halt calls it first (halted/halt_code set):
				  * for halts inside a signal handler, which should end the
				  * forked test process rather than jump out of the handler */
};

extern struct fake_hal fake;

/* What the kernel wrote through hal_trace_write since fake_reset (cut at the end). */
#define FAKE_TRACE_MAX (1u << 20)
extern uint8_t fake_trace[FAKE_TRACE_MAX];

/* Resets every field to a fresh machine (time 0, console empty, traps working). */
void fake_reset(void);

#define FAKE_RAM_SIZE (32ull << 20)
#define FAKE_RAM_ALIGN (4ull << 20)
/* The fake machine's RAM: FAKE_RAM_SIZE bytes aligned to FAKE_RAM_ALIGN (allocated once). */
void *fake_ram(void);

/* A valid boot info: FAKE_RAM_SIZE of fake_ram(), a 1 MiB kernel at 2 MiB, `cmdline`, and
 * the initrd of fake_initrd(). */
void fake_boot_info(struct rumpk_boot_info *bi, const char *cmdline);
/* A fresh fake machine with the page allocator and the scheduler up (fake_reset,
 * fake_boot_info with an empty command line, mem_init, sched_init): what the suites of
 * code that runs on fibers start from. */
void fake_machine(void);
/* A whole boot of the core on a fresh fake machine with this command line (fake_reset,
 * fake_boot_info, fake_run_core): its halt code. */
int fake_boot(const char *cmdline);

/* The fake machine's initrd: a ustar image (outside fake_ram()) holding bin/NAME for each
 * of the build's signed programs (fake_bin_programs: every name of RUMPK_PROGRAMS, so the
 * loader stage has real work), the directory etc/ and the file etc/motd with FAKE_MOTD.
 * Returns it and its size. */
#define FAKE_MOTD "Welcome to the fake machine.\n"
const void *fake_initrd(size_t *size);
extern const char *const fake_bin_programs[];
size_t fake_bin_count(void);

/* Installs the hosted HAL's real trap handlers (host_cpu.c: SIGSEGV, SIGBUS, SIGILL and
 * SIGFPE on an alternate signal stack become core_kernel_fault()). Off by default, so a
 * crash in an ordinary test stays a crash that Check reports. */
void fake_host_traps(void);

/* Switches the fake machine to the hosted HAL's real clock and timer (host_time.c):
 * hal_time_ns is host monotonic time, hal_timer_arm a POSIX timer raising SIGALRM, which
 * the hosted signal handler delivers like hal.c does (in kernel code: core_timer_irq(0)
 * now or when interrupts are next enabled; in user code: the user-mode redirect), and
 * hal_cpu_idle really waits for it. Installs the trap handlers too (fake_host_traps).
 * For the user-mode tests, where preemption must be real. */
void fake_real_clock(void);

/* What a real timer interrupt would do while a fiber computes: if the armed deadline has
 * passed (fake.now_ns moved on), disarm and call core_timer_irq(). Returns 1 if it fired. */
int fake_fire_timer_if_due(void);

/* The whole file at `path` in a malloc'ed buffer with 128 spare bytes after its end (room
 * for a signature trailer); *len is the file's size. fake_read_file fails the test if it
 * cannot be read, fake_read_file_opt returns NULL. */
uint8_t *fake_read_file(const char *path, size_t *len);
uint8_t *fake_read_file_opt(const char *path, size_t *len);

/* The host's view of the page at va: "rw-p" etc. from /proc/self/maps, "none" if unmapped. */
void fake_host_perms(uint64_t va, char out[5]);

/* Runs core_main(bi) until hal_halt(); returns the exit code. */
int fake_run_core(const struct rumpk_boot_info *bi);

/* fake_must_panic — runs fn, which must end in kpanic (halt code 255) rather than return;
 * returns what the console shows (cleared first). */
const char *fake_must_panic(void (*fn)(void));

/* unit_main — runs one Check suite built by make_suite; the exit status for ctest. */
#include <check.h>
int unit_main(Suite *suite);

#endif
