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
 * In virtual mode the default is initrd-virtual.tar beside it: the same files, with every
 * program built with budget checks (docs/simulation.md).
 *
 * Virtual mode (--clock virtual) re-executes the sim once with ADDR_NO_RANDOMIZE
 * (personality(2)), so that host addresses (guest RAM, address-space reservations, the
 * sim's own code in a kernel fault's pc) are the same on every run; picks a seed when
 * none was given and says which; and builds the line that replays the run, which the HAL
 * prints when the run fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "host.h"
#include "rumpk/abi.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/common_interface_defs.h>
#define SIM_SANITIZED 1
#endif
#endif

#define DEFAULT_RAM_MIB 32
#define DEFAULT_FB_W 1280
#define DEFAULT_FB_H 720

static void usage(FILE *f)
{
	fprintf(f,
		"usage: rumpk-sim [options]\n"
		"Boots the rumpk kernel as a Linux process; the exit status is the kernel's\n"
		"halt code (0 success, N = the number of a failed boot stage, 100 a failed self-test\n"
		"or an unknown name in selftest= or failstage= or a bad faults=, 101 an init\n"
		"that cannot start, 102 the halt leak gate found a leak, 103 a deadlock in\n"
		"virtual mode (idle, no timer armed, no input left), 255 a panic; with an init,\n"
		"its exit status; 2 a bad option).\n"
		"\n"
		"  -a, --append ARGS   kernel command line, e.g. 'selftest=all' (max %d bytes)\n"
		"  -m, --mem MIB       guest RAM in MiB (default %d, 8..4096)\n"
		"  -i, --initrd FILE   the initrd, a POSIX ustar archive (default: initrd.tar of\n"
		"                      this build tree, i.e. <dir of rumpk-sim>/../initrd.tar)\n"
		"      --no-initrd     boot without an initrd (the vfs stage fails)\n"
		"      --clock MODE    real (default): the host's clock and timer; virtual: a\n"
		"                      deterministic simulation (docs/simulation.md): time moves\n"
		"                      only by the kernel's own events, charged with jitter drawn\n"
		"                      from the seed; input is released a line at a time when a\n"
		"                      reader waits; programs are preempted by budget checks built\n"
		"                      into them (default initrd: initrd-virtual.tar). The same\n"
		"                      seed and input give the same bytes; a failing run prints\n"
		"                      'rumpk-sim: replay: COMMAND' on stderr\n"
		"      --input FILE    console input from FILE instead of stdin\n"
		"      --display MODE  sdl: a window with the console and the live HUD (SDL2,\n"
		"                      loaded only then; keys go to the console, closing the\n"
		"                      window ends the input; virtual mode ignores its keys: they\n"
		"                      come when they come); none: the terminal only. Default:\n"
		"                      sdl when DISPLAY or WAYLAND_DISPLAY is set, else none\n"
		"      --size WxH      the framebuffer in pixels (default %ux%u; the window can\n"
		"                      be resized, the picture scales)\n"
		"      --screenshot F  at halt, the framebuffer as a PPM image to F and the\n"
		"                      console's text to F.txt (needs --display sdl)\n"
		"      --seed N        the run's seed (0..2^64-1): the boot entropy (boot key,\n"
		"                      AT_RANDOM, provenance ids) and, in virtual mode, every\n"
		"                      scheduling jitter. Virtual mode without it picks one and\n"
		"                      prints 'rumpk-sim: seed N' on stderr\n"
		"      --faults SPEC   seeded fault injection from init on: adds faults=SPEC to\n"
		"                      the command line, e.g. alloc=0.01,ring=0.05 or alloc@17\n"
		"                      (docs/faults.md); the decisions come from --seed\n"
		"      --leak-gate     adds leakgate: when init ends, the counters stats reports\n"
		"                      must be back where they were before it started, else the\n"
		"                      halt code is 102 and a line names each difference\n"
		"      --trace FILE    write the kernel's trace to FILE (trace=all on the kernel\n"
		"                      command line: packets, processes, faults, scheduling,\n"
		"                      injections, console input; read it with rumpk-trace)\n"
		"  -h, --help          this text\n"
		"\n"
		"Kernel command line keys:\n"
		"  selftest=a,b|all    extra boot self-tests (timer, sched, idle, crypto; overflow,\n"
		"                      which must end the kernel, runs only when named)\n"
		"  failstage=NAME      force boot stage NAME to fail (for testing the harness)\n"
		"  init=PATH           the first program, e.g. init=/bin/hello (default /bin/nipbox\n"
		"                      when the initrd has it); the exit status is then init's\n"
		"  faults=SPEC         as --faults; a malformed SPEC halts before the first stage\n"
		"                      with code 100, naming the bad item\n"
		"  faultseed=N         the fault decisions' seed (printed at halt as\n"
		"                      '[faults] seed N'; default: from the boot entropy)\n"
		"  leakgate            as --leak-gate\n"
		"  trace=sys|all       record the kernel's trace (docs/trace.md); sys: packets,\n"
		"                      processes and faults only\n",
		RUMPK_BOOT_CMDLINE_MAX - 1, DEFAULT_RAM_MIB, DEFAULT_FB_W, DEFAULT_FB_H);
}

/* The build tree's initrd: ../NAME next to this executable's directory. Returns a
 * malloc'd path, or NULL if /proc/self/exe cannot be read. */
static char *default_initrd(const char *name)
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
	if (asprintf(&path, "%s/../%s", exe, name) < 0)
		return NULL;
	return path;
}

/* Appends s to the replay line, in single quotes unless it is plain. */
static void replay_add(char **line, size_t *len, size_t *cap, const char *arg)
{
	int plain = *arg != '\0';
	for (const char *c = arg; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=./,:@%+",
			    *c))
			plain = 0;
	size_t need = *len + 4 * strlen(arg) + 4;
	if (need > *cap) {
		*cap = need * 2;
		*line = realloc(*line, *cap);
		if (!*line)
			abort();
	}
	char *p = *line + *len;
	if (*len)
		*p++ = ' ';
	if (plain) {
		p = stpcpy(p, arg);
	} else {
		*p++ = '\'';
		for (const char *c = arg; *c; c++) {
			if (*c == '\'')
				p = stpcpy(p, "'\\''");
			else
				*p++ = *c;
		}
		*p++ = '\'';
		*p = '\0';
	}
	*len = (size_t)(p - *line);
}

/* The command that replays this run: the sim as it was called, every option as given,
 * plus the seed if it was picked here, plus stdin when it is a file (as --input). */
static char *replay_line(int argc, char **argv, int seed_given, unsigned long long seed,
			 int input_given)
{
	char *line = NULL, num[32];
	size_t len = 0, cap = 0;
	struct stat st;

	for (int i = 0; i < argc; i++)
		replay_add(&line, &len, &cap, argv[i]);
	if (!seed_given) {
		snprintf(num, sizeof(num), "%llu", seed);
		replay_add(&line, &len, &cap, "--seed");
		replay_add(&line, &len, &cap, num);
	}
	if (!input_given) {
		char path[4096];
		ssize_t n = readlink("/proc/self/fd/0", path, sizeof(path) - 1);
		if (n > 0)
			path[n] = '\0';
		if (n > 0 && fstat(0, &st) == 0 &&
		    (S_ISREG(st.st_mode) || strcmp(path, "/dev/null") == 0)) {
			replay_add(&line, &len, &cap, "--input");
			replay_add(&line, &len, &cap, path);
		} else {
			/* a pipe or a terminal: the words say what to add */
			static const char note[] = " (with the same input on stdin)";
			line = realloc(line, len + sizeof(note));
			if (!line)
				abort();
			memcpy(line + len, note, sizeof(note));
		}
	}
	return line;
}

/* Virtual mode: run again with the address space's randomisation off (once: the new
 * process finds the flag set). If the host refuses, the run goes on and says so. */
static void reexec_without_aslr(char **argv)
{
	int cur = personality(0xffffffff);

	if (cur == -1 || (cur & ADDR_NO_RANDOMIZE))
		return;
	if (personality((unsigned long)cur | ADDR_NO_RANDOMIZE) != -1)
		execv("/proc/self/exe", argv);
	fprintf(stderr, "rumpk-sim: cannot turn off address randomisation (%s): host addresses "
		"may differ between runs\n", strerror(errno));
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
		{ "faults", required_argument, NULL, 'F' },
		{ "leak-gate", no_argument, NULL, 'L' },
		{ "input", required_argument, NULL, 'I' },
		{ "trace", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hosted_config cfg = { .ram_bytes = (uint64_t)DEFAULT_RAM_MIB << 20, .cmdline = "",
				     .fb_width = DEFAULT_FB_W, .fb_height = DEFAULT_FB_H };
	int c, no_initrd = 0, leak_gate = 0, seed_given = 0;
	unsigned long long seed = 0;
	const char *faults = NULL;
	static char cmdline[RUMPK_BOOT_CMDLINE_MAX];
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
			if (strcmp(optarg, "real") == 0 || strcmp(optarg, "virtual") == 0) {
				cfg.virtual_clock = strcmp(optarg, "virtual") == 0;
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
			seed = n;
			seed_given = 1;
			break;
		}
		case 'F':
			faults = optarg;
			break;
		case 'L':
			leak_gate = 1;
			break;
		case 'I':
			cfg.input_path = optarg;
			break;
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
	if (faults || leak_gate) { /* the kernel parses and refuses a bad spec by name */
		int len = snprintf(cmdline, sizeof(cmdline), "%s%s%s%s", cfg.cmdline,
				   faults ? " faults=" : "", faults ? faults : "",
				   leak_gate ? " leakgate" : "");
		if (len < 0 || (size_t)len >= sizeof(cmdline)) {
			fprintf(stderr, "rumpk-sim: --faults/--leak-gate: the command line would be "
				"longer than %d bytes\n", RUMPK_BOOT_CMDLINE_MAX - 1);
			return 2;
		}
		cfg.cmdline = cmdline;
	}
	if (cfg.screenshot && !cfg.display) {
		fprintf(stderr, "rumpk-sim: --screenshot needs a framebuffer: add --display sdl\n");
		return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "rumpk-sim: unexpected argument '%s' (see --help)\n", argv[optind]);
		return 2;
	}
	if (cfg.virtual_clock) {
		reexec_without_aslr(argv);
		if (!seed_given) {
			if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed)) {
				fprintf(stderr, "rumpk-sim: getrandom failed: pass --seed N\n");
				return 2;
			}
			fprintf(stderr, "rumpk-sim: seed %llu\n", seed);
		}
		cfg.replay = replay_line(argc, argv, seed_given, seed, cfg.input_path != NULL);
	} else if (cfg.input_path) {
		/* the real clock reads stdin as it is: make FILE stdin */
		int fd = open(cfg.input_path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || dup2(fd, 0) < 0) {
			fprintf(stderr, "rumpk-sim: --input %s: %s\n", cfg.input_path, strerror(errno));
			return 2;
		}
		close(fd);
		cfg.input_path = NULL;
	}
	if (seed_given || cfg.virtual_clock) {
		/* SHA-512 of "rumpk-sim seed N": the first half is the boot entropy, the second
		 * the key of virtual mode's jitter stream (host_virtual.c) */
		char msg[64];
		unsigned char h[crypto_hash_sha512_BYTES];
		int len = snprintf(msg, sizeof(msg), "rumpk-sim seed %llu", seed);
		crypto_hash_sha512(h, (const unsigned char *)msg, (unsigned long long)len);
		memcpy(cfg.seed, h, sizeof(cfg.seed));
		memcpy(cfg.jitter_key, h + sizeof(cfg.seed), sizeof(cfg.jitter_key));
		cfg.seeded = 1;
	}
#ifdef SIM_SANITIZED
	if (cfg.virtual_clock) /* an ASan/UBSan report ends the run: say how to replay it */
		__sanitizer_set_death_callback(host_virtual_replay);
#endif
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
		if (!given && cfg.virtual_clock) {
			cfg.initrd_path = default_initrd("initrd-virtual.tar");
			if (cfg.initrd_path && access(cfg.initrd_path, R_OK) != 0) {
				fprintf(stderr, "rumpk-sim: %s: %s: using initrd.tar, whose programs "
					"have no budget checks (a busy one stalls virtual time)\n",
					cfg.initrd_path, strerror(errno));
				free((char *)cfg.initrd_path);
				cfg.initrd_path = NULL;
			}
		}
		if (!given && !cfg.initrd_path && !(cfg.initrd_path = default_initrd("initrd.tar"))) {
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
