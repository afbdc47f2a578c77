/*
 * console.h — the console as the kernel's programs see it: output straight to the HAL,
 * input through one byte ring that the HAL's receive path fills (console_input) and
 * readers drain (console_read). No line discipline: bytes arrive as typed, and echo is the
 * reader's business (the shell's line editor).
 *
 * console_input may run in interrupt context: it only copies into the ring, drops what
 * does not fit (counted) and wakes a reader; no allocation, no logging.
 */
#ifndef RUMPK_CONSOLE_H
#define RUMPK_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#define CONSOLE_IN_BYTES 4096 /* input ring: a power of two */

/* console_input — the HAL's receive path (interrupts disabled): n bytes typed. */
void console_input(const char *bytes, size_t n);

/*
 * console_read — fiber context. Copies up to max (> 0) bytes that have arrived into buf;
 * blocks until at least one has. Returns the count, 0 at the end of input (console_eof
 * was called and the ring is empty), or a negative error the wait returned (the process
 * is being killed).
 */
int64_t console_read(char *buf, size_t max);

/* console_eof — the HAL's input has ended for good (a closed stdin on the sim). */
void console_eof(void);

struct console_stats {
	uint64_t in_bytes;      /* bytes console_input accepted */
	uint64_t in_dropped;    /* bytes it dropped: the ring was full */
	uint64_t out_bytes;     /* bytes console_write passed to the HAL */
	uint64_t polls;         /* console_poll calls that looked at the HAL (War mode) */
	uint64_t mode_changes;  /* console_set_polled switches */
};
void console_stats(struct console_stats *out);

/* console_set_polled — the I/O governor's mode for the console (proc.c): 1 in War mode (the
 * HAL's receive interrupt off, hal_console_rx_irq(0), except while a reader sleeps), 0 in
 * Peace (the interrupt on). Any context. */
void console_set_polled(int polled);

/* console_poll — War mode's poll, at each return to user code: takes whatever input the
 * HAL holds (core_console_rx), Ctrl-C included; nothing in Peace mode. */
void console_poll(void);

/* console_out — any context, the panic path too: n bytes to every console there is (the
 * HAL's, and the framebuffer's when it exists). kprintf writes through it. */
void console_out(const char *bytes, size_t n);

/* console_write — any context: n bytes to the HAL's console (counted). */
void console_write(const char *bytes, size_t n);

/* console_reset — tests only: an empty ring, no end of input, counters zero. */
void console_reset(void);

#endif /* RUMPK_CONSOLE_H */
