/*
 * execloop N PATH [ARG...] — spawns PATH N times, one at a time, waits for each and
 * checks that it exited 0. The exec leak test runs `execloop 10000 /bin/true` between two
 * `stats` (tests/boot/sessions/exec10k.session): every counter must end where it started.
 * Prints one line: how many ran and how long they took (kernel time), or the first failure.
 */
#include "nexus.h"
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv, char **envp)
{
	if (argc < 3) {
		fprintf(stderr, "usage: execloop N PATH [ARG...]\n");
		return 2;
	}
	char *end;
	long n = strtol(argv[1], &end, 10);
	if (*end || n < 1) {
		fprintf(stderr, "execloop: %s: not a positive count\n", argv[1]);
		return 2;
	}
	const char *const *args = (const char *const *)&argv[2];
	int64_t t0 = nexus_time_ns();
	for (long i = 0; i < n; i++) {
		int status = -1;
		int pid = nexus_spawn(argv[2], args);
		if (pid < 0) {
			fprintf(stderr, "execloop: run %ld of %ld: %s: %s\n", i + 1, n, argv[2],
				nexus_strerror(pid));
			return 1;
		}
		int r = nexus_wait(pid, &status, 0);
		if (r < 0) {
			fprintf(stderr, "execloop: run %ld: wait for %d: %s\n", i + 1, pid,
				nexus_strerror(r));
			return 1;
		}
		if (status != 0) {
			fprintf(stderr, "execloop: run %ld: %s exited with status %d\n", i + 1,
				argv[2], status);
			return 1;
		}
	}
	int64_t ms = (nexus_time_ns() - t0) / 1000000;
	printf("execloop: %ld runs of %s, all exit status 0, %lld ms\n", n, argv[2], (long long)ms);
	return 0;
}
