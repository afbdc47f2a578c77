/*
 * console.c — the console's input ring and its readers (contract in console.h).
 *
 * Input comes from the HAL's receive interrupt (core_console_rx, which drains
 * hal_console_getc) or, for input that raises none, from the poll a reader makes before
 * it sleeps. The ring is a free-running pair of indices over CONSOLE_IN_BYTES bytes: the receive path
 * writes at `in`, readers take from `out`, both under interrupts disabled (one CPU), so no
 * atomics are needed. A reader that finds it empty waits on `readers`; every console_input
 * wakes them all (a reader that finds nothing goes back to sleep).
 */
#include "console.h"

#include "fault.h"
#include "fbcon.h"
#include "hal.h"
#include "proc.h"
#include "ringwatch.h"
#include "sched.h"
#include "trace.h"

static struct {
	char buf[CONSOLE_IN_BYTES];
	uint32_t in, out;
	int eof;
	int ready;
	struct waitq readers;
	struct console_stats st;
	struct ring_watch watch; /* "console in" (ringwatch.h) */
	int polled;              /* War mode: the receive interrupt is off, the core polls */
	int waiting;             /* readers asleep in console_read */
} C;

#define CONSOLE_SPLIT_MAX 16 /* an injected split takes at most this many bytes */

static void ensure_ready(void)
{
	if (!C.ready) {
		waitq_init(&C.readers);
		ring_watch_add(&C.watch, "console in", RING_WATCH_BYTES, CONSOLE_IN_BYTES, &C.in,
			       &C.out);
		C.ready = 1;
	}
}

void console_input(const char *bytes, size_t n)
{
	ensure_ready();
	trace_input(bytes, n);
	for (size_t i = 0; i < n; i++) {
		if (bytes[i] == 0x03 && proc_interrupt_foreground())
			continue; /* Ctrl-C: the shell's foreground program was killed instead */
		if (C.in - C.out == CONSOLE_IN_BYTES) {
			C.st.in_dropped += n - i;
			break;
		}
		C.buf[C.in++ & (CONSOLE_IN_BYTES - 1)] = bytes[i];
		C.st.in_bytes++;
	}
	ring_watch_note(&C.watch);
	sched_wake_all(&C.readers);
}

void console_eof(void)
{
	hal_irq_state_t s = hal_irq_save();
	ensure_ready();
	C.eof = 1;
	sched_wake_all(&C.readers);
	hal_irq_restore(s);
}

void core_console_rx(void)
{
	char got[64];
	size_t n = 0, took = 0, limit = (size_t)-1;
	uint64_t r;

	ensure_ready();
	/* Fault point "input": this time take only 1..CONSOLE_SPLIT_MAX bytes, leaving the
	 * rest with the HAL for a later call (the reader's next poll, the next interrupt): a
	 * line arrives split at a random point, its tail delayed. */
	if (fault_inject(RUMPK_INJ_INPUT, &r))
		limit = 1 + (size_t)(r % CONSOLE_SPLIT_MAX);
	/* Flow control: take only what the ring can hold; the rest stays with the HAL (in the
	 * sim's stdin pipe, say) until a reader has made room and polls again. */
	while (C.in - C.out + n < CONSOLE_IN_BYTES && took++ < limit) {
		int c = hal_console_getc();
		if (c < 0) {
			if (n)
				console_input(got, n);
			if (c == -RUMPK_EIO && !C.eof) {
				ensure_ready();
				C.eof = 1;
				sched_wake_all(&C.readers);
			}
			return;
		}
		got[n++] = (char)c;
		if (n == sizeof(got)) {
			console_input(got, n);
			n = 0;
		}
	}
	if (n)
		console_input(got, n);
}

int64_t console_read(char *buf, size_t max)
{
	hal_irq_state_t s = hal_irq_save();
	size_t n = 0;

	ensure_ready();
	if (C.in == C.out && !C.eof)
		core_console_rx(); /* input that came without an interrupt (a pipe, a file) */
	while (C.in == C.out && !C.eof) {
		if (C.waiting++ == 0 && C.polled)
			hal_console_rx_irq(1); /* a sleeping reader needs the interrupt to wake it */
		hal_console_wait(); /* the sim's virtual mode releases input only now (hal.h) */
		int err = sched_wait(&C.readers);
		if (--C.waiting == 0 && C.polled)
			hal_console_rx_irq(0);
		if (err) {
			hal_irq_restore(s);
			return err; /* killed while it waited */
		}
	}
	while (n < max && C.out != C.in)
		buf[n++] = C.buf[C.out++ & (CONSOLE_IN_BYTES - 1)];
	hal_irq_restore(s);
	return (int64_t)n;
}

void console_set_polled(int polled)
{
	hal_irq_state_t s = hal_irq_save();
	polled = polled != 0;
	if (polled != C.polled) {
		C.polled = polled;
		if (!C.waiting)
			hal_console_rx_irq(!polled);
		C.st.mode_changes++;
	}
	hal_irq_restore(s);
}

void console_poll(void)
{
	if (C.polled) {
		hal_irq_state_t s = hal_irq_save();
		C.st.polls++;
		core_console_rx();
		hal_irq_restore(s);
	}
}

void console_out(const char *bytes, size_t n)
{
	hal_console_write(bytes, n);
	fbcon_write(bytes, n);
}

void console_write(const char *bytes, size_t n)
{
	C.st.out_bytes += n;
	console_out(bytes, n);
}

void console_stats(struct console_stats *out)
{
	*out = C.st;
}

void console_reset(void)
{
	hal_irq_state_t s = hal_irq_save();
	C.in = C.out = 0;
	C.eof = 0;
	C.polled = 0;
	C.waiting = 0;
	C.st = (struct console_stats){ 0 };
	hal_irq_restore(s);
}
