/*
 * host_trace.c — the sim's trace sink (bottom): rumpk-sim --trace FILE.
 *
 * The kernel hands whole records through hal_trace_write (hal.c), already batched by its
 * staging buffer, so each call is one write(2); nothing is buffered here, and a run that
 * dies between flushes leaves a file that ends on a record boundary. len 0 is the halt:
 * the file is closed. A write that fails is reported once on stderr and tracing stops;
 * the kernel never fails because of its trace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host.h"

static int trace_fd = -1;

int host_trace_open(const char *path)
{
	trace_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (trace_fd < 0) {
		fprintf(stderr, "rumpk-sim: --trace %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

void host_trace_write(const void *buf, size_t len)
{
	const char *p = buf;

	if (trace_fd < 0)
		return;
	if (len == 0) {
		close(trace_fd);
		trace_fd = -1;
		return;
	}
	while (len) {
		ssize_t n = write(trace_fd, p, len);
		if (n < 0 && errno == EINTR)
			continue; /* the timer signal */
		if (n <= 0) {
			fprintf(stderr, "rumpk-sim: trace: %s; the rest of the trace is lost\n",
				n < 0 ? strerror(errno) : "short write");
			close(trace_fd);
			trace_fd = -1;
			return;
		}
		p += n;
		len -= (size_t)n;
	}
}
