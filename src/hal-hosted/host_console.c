/*
 * host_console.c — the console on the process's stdout/stdin.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "host.h"

void host_console_write(const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(1, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return; /* stdout closed: the kernel keeps running, output is lost */
		}
		buf += n;
		len -= (size_t)n;
	}
}

int host_console_getc(void)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	unsigned char c;

	if (poll(&p, 1, 0) != 1 || !(p.revents & POLLIN))
		return -1;
	if (read(0, &c, 1) != 1)
		return -1;
	return c;
}
