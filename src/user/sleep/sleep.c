/*
 * sleep — sleeps for a while and exits 0: `sleep N` (seconds), `sleep Nms` (milliseconds)
 * or `sleep inf` (forever: only a kill ends it). Exits 2 with a message on anything else.
 *
 * In the sim's virtual mode time only moves by the kernel's events, so `sleep 5` takes no
 * wall time when nothing else runs, and `sleep inf` with nothing else to do is the
 * smallest deadlock there is (exit 103: docs/simulation.md).
 */
#include <nexus.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv, char **envp)
{
	uint64_t ns;
	char *end;

	(void)envp;
	if (argc != 2) {
		fprintf(stderr, "usage: sleep SECONDS | MILLISECONDSms | inf\n");
		return 2;
	}
	if (strcmp(argv[1], "inf") == 0) {
		ns = UINT64_MAX; /* the kernel's "never": no timer is armed for it */
	} else {
		unsigned long long n = strtoull(argv[1], &end, 10);
		uint64_t unit = 1000000000ull;
		if (strcmp(end, "ms") == 0) {
			unit = 1000000ull;
			end += 2;
		}
		if (end == argv[1] || *end || argv[1][0] == '-' || n > UINT64_MAX / unit) {
			fprintf(stderr, "sleep: '%s' is not a number of seconds, Nms or inf\n",
				argv[1]);
			return 2;
		}
		ns = n * unit;
	}
	int r = nexus_sleep_ns(ns);
	if (r < 0) {
		fprintf(stderr, "sleep: %d\n", r);
		return 1;
	}
	return 0;
}
