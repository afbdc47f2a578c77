/*
 * fuzz_trace.c — the host's trace parsers (src/tools/trace_read.c): every input as a binary
 * trace, and as a console log holding framed lines, whose decoded bytes are parsed as a
 * trace in turn (what `rumpk-trace frames` does). Seeds: trace_seeds.py.
 */
#include <stdint.h>
#include <stdlib.h>

#include "trace_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace t;
	size_t at, line, n;
	uint64_t dropped;
	uint8_t *out;

	if (trace_parse(data, size, &t, &at) == TRE_OK) {
		if (at != 0 || (t.n && !t.rec))
			abort();
		trace_free(&t);
	}
	if (trace_frames((const char *)data, size, &out, &n, &dropped, &line) == TRE_OK) {
		if (trace_parse(out, n, &t, &at) == TRE_OK)
			trace_free(&t);
		free(out);
	}
	return 0;
}
