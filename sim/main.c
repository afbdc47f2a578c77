/*
 * rumpk-sim — the rumpk kernel as an ordinary Linux process.
 *
 * The runner owns main(), argv and the process; it turns options into a hosted_config and
 * hands over to the hosted HAL, which never returns: the process exits with the kernel's
 * halt code (0 success, 1..255 failure), so scripts and ctest read the verdict directly.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "rumpk/abi.h"

#define DEFAULT_RAM_MIB 32

static void usage(FILE *f)
{
	fprintf(f,
		"usage: rumpk-sim [options]\n"
		"Boots the rumpk kernel as a Linux process; the exit status is the kernel's\n"
		"halt code (0 success, 1..255 failure, N = the number of a failed boot stage).\n"
		"\n"
		"  -a, --append ARGS   kernel command line, e.g. 'selftest=all' (max %d bytes)\n"
		"  -m, --mem MIB       guest RAM in MiB (default %d, 8..4096)\n"
		"  -h, --help          this text\n"
		"\n"
		"Kernel command line keys:\n"
		"  selftest=a,b|all    extra boot self-tests (none yet in this version)\n"
		"  failstage=NAME      force boot stage NAME to fail (for testing the harness)\n",
		RUMPK_BOOT_CMDLINE_MAX - 1, DEFAULT_RAM_MIB);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "append", required_argument, NULL, 'a' },
		{ "mem", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hosted_config cfg = { .ram_bytes = (uint64_t)DEFAULT_RAM_MIB << 20, .cmdline = "" };
	int c;

	while ((c = getopt_long(argc, argv, "a:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (strlen(optarg) >= RUMPK_BOOT_CMDLINE_MAX) {
				fprintf(stderr, "rumpk-sim: --append: command line is %zu bytes, the limit is %d\n",
					strlen(optarg), RUMPK_BOOT_CMDLINE_MAX - 1);
				return 2;
			}
			cfg.cmdline = optarg;
			break;
		case 'm': {
			char *end;
			errno = 0;
			unsigned long mib = strtoul(optarg, &end, 10);
			if (errno || *end || mib < 8 || mib > 4096) {
				fprintf(stderr, "rumpk-sim: --mem: '%s' is not a size in MiB from 8 to 4096\n",
					optarg);
				return 2;
			}
			cfg.ram_bytes = (uint64_t)mib << 20;
			break;
		}
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "rumpk-sim: unexpected argument '%s' (see --help)\n", argv[optind]);
		return 2;
	}
	hosted_boot(&cfg);
}
