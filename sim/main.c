/*
 * rumpk-sim — the rumpk kernel as an ordinary Linux process.
 *
 * The runner owns main(), argv and the process; it turns options into a hosted_config and
 * hands over to the hosted HAL, which never returns: the process exits with the kernel's
 * halt code (0 success, 1..255 failure), so scripts and ctest read the verdict directly.
 *
 * The initrd: --initrd FILE, by default the initrd.tar of the build tree the executable
 * sits in (build/<preset>/sim/rumpk-sim -> build/<preset>/initrd.tar). The HAL copies it into
 * guest RAM (hal.c); --no-initrd boots without one (the vfs stage then fails, saying so).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "host.h"
#include "rumpk/abi.h"

#define DEFAULT_RAM_MIB 32
#define DEFAULT_FB_W 1280
#define DEFAULT_FB_H 720

static void usage(FILE *f)
{
	fprintf(f,
		"usage: rumpk-sim [options]\n"
		"Boots the rumpk kernel as a Linux process; the exit status is the kernel's\n"
		"halt code (0 success, N = the number of a failed boot stage, 100 a failed self-test\n"
		"or an unknown name in selftest= or failstage=, 101 an init that cannot start,\n"
		"255 a panic; with an init, its exit status).\n"
		"\n"
		"  -a, --append ARGS   kernel command line, e.g. 'selftest=all' (max %d bytes)\n"
		"  -m, --mem MIB       guest RAM in MiB (default %d, 8..4096)\n"
		"  -i, --initrd FILE   the initrd, a POSIX ustar archive (default: initrd.tar of\n"
		"                      this build tree, i.e. <dir of rumpk-sim>/../initrd.tar)\n"
		"      --no-initrd     boot without an initrd (the vfs stage fails)\n"
		"      --clock MODE    real (default): the host's clock and timer; virtual: time\n"
		"                      moves only by the kernel's own events (an idle CPU jumps to\n"
		"                      the next deadline) and 1 ms per 1 ms of the sim's CPU, the\n"
		"                      host timer is never armed\n"
		"      --display MODE  sdl: a window with the console and the live HUD (SDL2,\n"
		"                      loaded only then; keys go to the console, closing the\n"
		"                      window ends the input); none: the terminal only. Default:\n"
		"                      sdl when DISPLAY or WAYLAND_DISPLAY is set, else none\n"
		"      --size WxH      the framebuffer in pixels (default %ux%u; the window can\n"
		"                      be resized, the picture scales)\n"
		"      --screenshot F  at halt, the framebuffer as a PPM image to F and the\n"
		"                      console's text to F.txt (needs --display sdl)\n"
		"      --trace FILE    write the kernel's trace to FILE (trace=all on the kernel\n"
		"                      command line: packets, processes, faults, scheduling,\n"
		"                      injections, console input; read it with rumpk-trace)\n"
		"      --seed N        the boot entropy from N (0..2^64-1) instead of the host's\n"
		"                      random numbers: the same boot key, AT_RANDOM and\n"
		"                      provenance ids on every run\n"
		"  -h, --help          this text\n"
		"\n"
		"Kernel command line keys:\n"
		"  selftest=a,b|all    extra boot self-tests (timer, sched, idle, crypto; overflow,\n"
		"                      which must end the kernel, runs only when named)\n"
		"  failstage=NAME      force boot stage NAME to fail (for testing the harness)\n"
		"  init=PATH           the first program, e.g. init=/bin/hello (default /bin/nipbox\n"
		"                      when the initrd has it); the exit status is then init's\n"
		"  trace=sys|all       record the kernel's trace (docs/trace.md); sys: packets,\n"
		"                      processes and faults only\n",
		RUMPK_BOOT_CMDLINE_MAX - 1, DEFAULT_RAM_MIB, DEFAULT_FB_W, DEFAULT_FB_H);
}

/* The build tree's initrd: ../initrd.tar next to this executable's directory. Returns a
 * malloc'd path, or NULL if /proc/self/exe cannot be read. */
static char *default_initrd(void)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash, *path;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	if (asprintf(&path, "%s/../initrd.tar", exe) < 0)
		return NULL;
	return path;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "append", required_argument, NULL, 'a' },
		{ "mem", required_argument, NULL, 'm' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "no-initrd", no_argument, NULL, 'N' },
		{ "clock", required_argument, NULL, 'c' },
		{ "display", required_argument, NULL, 'd' },
		{ "size", required_argument, NULL, 'S' },
		{ "screenshot", required_argument, NULL, 'P' },
		{ "seed", required_argument, NULL, 's' },
		{ "trace", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hosted_config cfg = { .ram_bytes = (uint64_t)DEFAULT_RAM_MIB << 20, .cmdline = "",
				     .fb_width = DEFAULT_FB_W, .fb_height = DEFAULT_FB_H };
	int c, no_initrd = 0;
	const char *trace_path = NULL;
	const char *env_display = getenv("DISPLAY"), *env_wayland = getenv("WAYLAND_DISPLAY");

	cfg.display = (env_display && *env_display) || (env_wayland && *env_wayland);

	while ((c = getopt_long(argc, argv, "a:m:i:h", opts, NULL)) != -1) {
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
		case 'i':
			cfg.initrd_path = optarg;
			break;
		case 'N':
			no_initrd = 1;
			break;
		case 'c':
			if (strcmp(optarg, "real") == 0) {
				cfg.virtual_quantum_ns = 0;
			} else if (strcmp(optarg, "virtual") == 0) {
				cfg.virtual_quantum_ns = 1000000; /* 1 ms */
			} else {
				fprintf(stderr, "rumpk-sim: --clock: '%s' is neither real nor virtual\n",
					optarg);
				return 2;
			}
			break;
		case 'd':
			if (strcmp(optarg, "sdl") == 0 || strcmp(optarg, "none") == 0) {
				cfg.display = strcmp(optarg, "sdl") == 0;
			} else {
				fprintf(stderr, "rumpk-sim: --display: '%s' is neither sdl nor none\n",
					optarg);
				return 2;
			}
			break;
		case 'S': {
			unsigned w, h;
			char extra;
			if (sscanf(optarg, "%ux%u%c", &w, &h, &extra) != 2 || w < 640 || h < 200 ||
			    w > 7680 || h > 4320) {
				fprintf(stderr, "rumpk-sim: --size: '%s' is not WxH from 640x200 to "
					"7680x4320\n", optarg);
				return 2;
			}
			cfg.fb_width = w;
			cfg.fb_height = h;
			break;
		}
		case 'P':
			cfg.screenshot = optarg;
			break;
		case 's': {
			char *end;
			errno = 0;
			unsigned long long n = strtoull(optarg, &end, 0);
			if (errno || *end || !*optarg || optarg[0] == '-') {
				fprintf(stderr, "rumpk-sim: --seed: '%s' is not a number from 0 to "
					"2^64-1\n", optarg);
				return 2;
			}
			/* 32 bytes: SHA-512 of "rumpk-sim seed " and the number, its first half */
			char msg[64];
			unsigned char h[crypto_hash_sha512_BYTES];
			int len = snprintf(msg, sizeof(msg), "rumpk-sim seed %llu", n);
			crypto_hash_sha512(h, (const unsigned char *)msg, (unsigned long long)len);
			memcpy(cfg.seed, h, sizeof(cfg.seed));
			cfg.seeded = 1;
			break;
		}
		case 'T':
			trace_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (cfg.screenshot && !cfg.display) {
		fprintf(stderr, "rumpk-sim: --screenshot needs a framebuffer: add --display sdl\n");
		return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "rumpk-sim: unexpected argument '%s' (see --help)\n", argv[optind]);
		return 2;
	}
	if (trace_path) { /* trace=all, after the given words (the last trace= wins) */
		static char line[RUMPK_BOOT_CMDLINE_MAX];
		if ((size_t)snprintf(line, sizeof(line), "%s%strace=all", cfg.cmdline,
				     *cfg.cmdline ? " " : "") >= sizeof(line)) {
			fprintf(stderr, "rumpk-sim: --trace: the command line with trace=all is "
				"longer than %d bytes\n", RUMPK_BOOT_CMDLINE_MAX - 1);
			return 2;
		}
		cfg.cmdline = line;
		if (host_trace_open(trace_path) != 0)
			return 2;
	}
	if (no_initrd) {
		cfg.initrd_path = NULL;
	} else {
		const char *given = cfg.initrd_path;
		if (!given && !(cfg.initrd_path = default_initrd())) {
			fprintf(stderr, "rumpk-sim: cannot find this build tree's initrd.tar: pass "
				"--initrd FILE\n");
			return 2;
		}
		if (access(cfg.initrd_path, R_OK) != 0) {
			fprintf(stderr, "rumpk-sim: initrd %s: %s (%s)\n", cfg.initrd_path,
				strerror(errno), given ? "from --initrd" :
				"the build makes it: ninja -C build/<preset> initrd; or pass --initrd FILE");
			return 2;
		}
	}
	hosted_boot(&cfg);
}
