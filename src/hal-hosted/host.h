/*
 * host.h — the hosted HAL's "bottom": the only functions that touch libc/POSIX.
 *
 * The top (hal.c) sees kernel types only; the bottom (host_*.c) alone includes host headers.
 * This header uses only stdint/stdbool/stddef types so both sides can include it. Every name
 * starts with host_. The bottom calls back into the top through the hosted_* functions at
 * the end of this file, always from a signal handler on the alternate signal stack.
 */
#ifndef RUMPK_HOST_H
#define RUMPK_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* console: fd 1 out, fd 0 in */
void host_console_write(const char *buf, size_t len);
int host_console_getc(void); /* byte, -1 when nothing is waiting, -2 at the end of input */
void host_console_init(void);    /* raw terminal, SIGIO on input (host_console.c) */
/* Virtual mode's deterministic input (host_console.c): before host_console_init, makes
 * input come from path (NULL: stdin) one released line at a time, with no SIGIO and the
 * terminal left as it is. host_console_getc then hands out only released bytes. */
void host_console_set_scripted(const char *path);
/* Releases input: the rest of the released line if the kernel left some, else the next
 * line (bytes up to and including '\n', or the rest at the end), else the end of input.
 * Returns 1 if host_console_getc has something new to say (bytes or the end), 0 if the
 * end was already released. May block reading a pipe. */
int host_console_release(void);
int host_console_input_left(void); /* 1 until the end of input has been released */
void host_console_restore(void); /* the terminal and stdin as they were */

/* host_display.c: the framebuffer and, with --display sdl, its SDL2 window (dlopen). */
int host_display_init(uint32_t width, uint32_t height, const char *screenshot); /* 0 / -1 */
uint32_t *host_display_pixels(uint32_t *width, uint32_t *height); /* NULL: no display */
void host_display_dirty(void);
void host_display_text(const uint8_t *cells, uint32_t cols, uint32_t rows);
int host_display_getc(void); /* a key's byte, -1 none waiting, -2 the window was closed */
void host_display_halt(void); /* --screenshot: FILE (PPM) and FILE.txt */
/* SIGIO's first step: if it interrupted user code, redirects it into the kernel (the
 * console input is then taken at that user boundary) and returns 1; else 0. */
int host_user_console_signal(void *ucontext);

/* time: CLOCK_MONOTONIC since host_time_init(); one POSIX timer delivering a signal */
void host_time_init(void);
uint64_t host_time_ns(void);
uint64_t host_time_hz(void);
void host_timer_arm(uint64_t deadline_ns); /* absolute, in host_time_ns() terms */
void host_timer_disarm(void);
/* The virtual clock (host_time.c, rumpk-sim --clock virtual; docs/simulation.md): */
void host_time_set_virtual(void); /* before boot, after host_signals_init: switch to it */
int host_time_virtual(void);      /* 1 in virtual mode */
/* Moves virtual time by ns; 1 if that made the armed deadline due (it is disarmed then). */
int host_virtual_charge(uint64_t ns);
int host_virtual_skip(void);  /* idle: jump to the armed deadline; 1 if one was armed */
uint64_t host_virtual_deadline(void); /* the armed deadline, UINT64_MAX if none */
/* The stall watchdog (SIGVTALRM, host_cpu.c): 1 if user code ran too long without a
 * charge and the deadline was made due, so the signal should preempt it as a timer trap. */
int host_virtual_stall(int in_user);
int host_virtual_nondeterministic(void); /* 1 once the watchdog had to preempt */
/* The seeded stream of virtual mode's jitter (host_virtual.c, libsodium's
 * randombytes_buf_deterministic): set once before boot, then uniform draws in [0, bound). */
void host_virtual_seed(const uint8_t key[32]);
uint32_t host_virtual_rand(uint32_t bound);
/* The line that replays this run (rumpk-sim: replay: ...), printed on stderr by
 * host_virtual_replay when a virtual-mode run fails; NULL: none. */
void host_virtual_set_replay(const char *line);
void host_virtual_replay(void);

/* signals: handlers on an alternate stack; the timer signal is the one "interrupt" */
void host_signals_init(void);
/* Blocks the timer signal, and unless *pending is set waits in sigsuspend() for it;
 * returns with the previous mask. */
void host_idle(volatile int *pending);
/* Executes one ud2 whose SIGILL the handler skips; returns how many probe traps arrived. */
int host_trap_probe(void);

/* memory, entropy, exit */
/* Guest RAM: a memfd of `size` bytes mapped MAP_SHARED read-write at an `align`-aligned
 * address (a power of two), zeroed; NULL on failure or on a second call. */
void *host_ram_alloc(uint64_t size, uint64_t align);
/* Maps the guest RAM page(s) [page, page + len) a second time at va (inside a space's
 * reservation, replacing what was there) with prot (HOST_PROT_R/W; X refused): the same
 * memory under two addresses. Returns 0 or -1. */
int host_ram_share(uint64_t va, const void *page, uint64_t len, unsigned prot);
/* Makes [page, page + len) (page aligned) accessible (read/write) or not (any touch
 * raises SIGSEGV). Returns 0, or -1 if mprotect refused. */
int host_page_protect(void *page, uint64_t len, bool accessible);
void host_entropy(uint8_t *buf, size_t len);

/* address spaces (host_as.c): a space is one PROT_NONE reservation of the sim process;
 * prot is a set of HOST_PROT_* bits (equal to hal.h's HAL_PROT_*, asserted in hal_as.c) */
#define HOST_PROT_R 0x1u
#define HOST_PROT_W 0x2u
#define HOST_PROT_X 0x4u
/* Reserves `size` bytes (page multiple) no access can touch, backed by nothing until made
 * accessible. Returns the page-aligned address, or 0 on failure. */
uint64_t host_as_reserve(uint64_t size);
/* Sets the protection of [va, va + len) inside a reservation. Returns 0 or -1. */
int host_as_protect(uint64_t va, uint64_t len, unsigned prot);
/* Drops the pages of [va, va + len) (they read as zero when next made accessible) and makes
 * the range inaccessible again. Returns 0 or -1. */
int host_as_discard(uint64_t va, uint64_t len);
/* Puts fresh inaccessible reservation back over [va, va + len) (undoing host_ram_share:
 * the RAM page keeps its contents). Returns 0 or -1. */
int host_as_unshare(uint64_t va, uint64_t len);
/* Gives a whole reservation back to the host. */
void host_as_release(uint64_t va, uint64_t size);
/* Zeroed host heap memory for HAL bookkeeping (never guest RAM); NULL on failure. */
void *host_zalloc(size_t size);
void host_free(void *p);
/* files (host_file.c): the initrd. On failure each prints "rumpk-sim: PATH: reason" on
 * stderr and returns -1. */
int64_t host_file_size(const char *path); /* size of a regular file */
/* Reads the file's len bytes into dst; fails if it is shorter or longer than len. */
int host_file_read(const char *path, void *dst, uint64_t len);
/* the trace (host_trace.c, rumpk-sim --trace FILE): open prints why and returns -1 on
 * failure; write appends (len 0: the trace is complete, the file is closed) */
int host_trace_open(const char *path);
void host_trace_write(const void *buf, size_t len);
void host_exit(int code) __attribute__((noreturn));
void host_die(const char *msg) __attribute__((noreturn)); /* set-up failed before boot */

/* top callbacks (implemented in hal.c, or by the unit tests' fake HAL; called from signal
 * handlers) */
void hosted_timer_signal(void);
void hosted_console_signal(void); /* SIGIO: console input (hal.c only; the fake HAL has none) */
void hosted_kernel_fault(const char *kind, uint64_t pc, uint64_t addr) __attribute__((noreturn));

/* The sim's exit status beyond the kernel's own halt codes (hal.h HAL_HALT_*; sim/main.c's
 * usage lists them all): virtual mode's deadlock exits 103. */
#define HOSTED_EXIT_DEADLOCK 103

/* what the runner (sim/) hands the HAL */
struct hosted_config {
	uint64_t ram_bytes;
	const char *cmdline;
	const char *initrd_path; /* copied into guest RAM for boot_info.initrd; NULL: none */
	int virtual_clock;           /* 1: --clock virtual (docs/simulation.md) */
	const char *input_path;      /* --input FILE (virtual mode: the scripted input), or NULL */
	const char *replay;          /* the replay line of a virtual-mode run, or NULL */
	uint8_t jitter_key[32];      /* virtual mode: the key of the jitter stream */
	int display;                 /* 1: a framebuffer in an SDL2 window (--display sdl) */
	uint32_t fb_width, fb_height;
	const char *screenshot;      /* --screenshot FILE, or NULL */
	int seeded;                  /* --seed: the boot entropy comes from seed, not getrandom */
	uint8_t seed[32];
};
void hosted_boot(const struct hosted_config *cfg) __attribute__((noreturn));

#endif /* RUMPK_HOST_H */
