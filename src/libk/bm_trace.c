/*
 * bm_trace.c — the bare-metal HALs' trace sink (hal.h API 8, hal_trace_write).
 *
 * A virt machine has one UART and no file, so the trace stays in memory until the halt
 * (orderly or a panic) and is then written on the console as framed lines, which
 * `rumpk-trace frames LOG OUT` turns back into the binary trace (docs/trace.md):
 *
 *   rumpk-trace begin 1
 *   rumpk-trace N HEX SUM      N = 0, 1, ...; HEX up to 48 bytes; SUM 8 hex digits
 *                              (rumpk_trace_frame_sum, abi.h)
 *   rumpk-trace end LINES BYTES DROPPED
 *
 * The buffer keeps the first BM_TRACE_MAX bytes. The kernel writes whole records, and a
 * write that does not fit is dropped with everything after it (counted in DROPPED), so
 * what is kept is a clean prefix of the trace.
 */
#include <stddef.h>
#include <stdint.h>

#include "hal.h"

#define BM_TRACE_MAX (64u * 1024u) /* the cap: a trace of a session fits */
#define FRAME_BYTES RUMPK_TRACE_FRAME_BYTES

static uint8_t trace_buf[BM_TRACE_MAX];
static uint32_t trace_used;
static uint64_t trace_dropped;

static const char hexd[] = "0123456789abcdef";

static char *put_dec(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *put_str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

/* The halt: every kept byte as frame lines, then the end line. */
static void emit_frames(void)
{
	char line[16 + 20 + 2 * FRAME_BYTES + 16];
	uint32_t lines = 0;

	hal_console_write("rumpk-trace begin 1\n", 20);
	for (uint32_t off = 0; off < trace_used; off += FRAME_BYTES, lines++) {
		uint32_t n = trace_used - off < FRAME_BYTES ? trace_used - off : FRAME_BYTES;
		char *p = put_str(line, "rumpk-trace ");
		p = put_dec(p, lines);
		*p++ = ' ';
		for (uint32_t i = 0; i < n; i++) {
			*p++ = hexd[trace_buf[off + i] >> 4];
			*p++ = hexd[trace_buf[off + i] & 15];
		}
		*p++ = ' ';
		uint32_t sum = rumpk_trace_frame_sum(lines, trace_buf + off, n);
		for (int s = 28; s >= 0; s -= 4)
			*p++ = hexd[(sum >> s) & 15];
		*p++ = '\n';
		hal_console_write(line, (size_t)(p - line));
	}
	char *p = put_str(line, "rumpk-trace end ");
	p = put_dec(p, lines);
	*p++ = ' ';
	p = put_dec(p, trace_used);
	*p++ = ' ';
	p = put_dec(p, trace_dropped);
	*p++ = '\n';
	hal_console_write(line, (size_t)(p - line));
}

void hal_trace_write(const void *buf, size_t len)
{
	if (!buf || !len) {
		emit_frames();
		return;
	}
	if (trace_dropped || len > BM_TRACE_MAX - trace_used) {
		trace_dropped += len; /* keep a prefix: nothing after the first miss */
		return;
	}
	const uint8_t *b = buf;
	for (size_t i = 0; i < len; i++)
		trace_buf[trace_used + i] = b[i];
	trace_used += (uint32_t)len;
}
