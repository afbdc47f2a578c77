/*
 * user_peer.c — the Linux side of bench/bench_user.sh: the same figures as the rumpk
 * program sysbench (src/user/sysbench), taken the way Linux programs take them, in the
 * same line format so the driver reads both alike:
 *
 *   linux: getpid n=N ns=T        N syscall(SYS_getpid) (the raw call: glibc caches
 *                                 nothing for getpid since 2.25, syscall() makes sure)
 *   linux: spawn_first ns=T status=S  this process's first posix_spawn + waitpid of PROGRAM
 *   linux: spawn n=S ns=T         S more of them
 *
 * usage: user_peer [-n COUNT] [-s SPAWNS] PROGRAM (bench/exec/exec_nop, a static
 * `return 0`). Built by the host compiler with -O2 and none of the preset's flags, as
 * exec_nop is. Not named bench_*: `make bench` runs every build/hosted/bench/bench_* file,
 * and this one means nothing without the driver.
 */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* posix_spawn + waitpid of path; its exit status, or -1 with a message. */
static int spawn_wait(const char *path)
{
	char *argv[] = { (char *)path, NULL };
	pid_t pid;
	int st, e = posix_spawn(&pid, path, NULL, NULL, argv, environ);
	if (e != 0) {
		fprintf(stderr, "user_peer: posix_spawn %s: %s\n", path, strerror(e));
		return -1;
	}
	if (waitpid(pid, &st, 0) != pid) {
		perror("user_peer: waitpid");
		return -1;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	unsigned long long n = 100000, s = 200;
	int opt;
	while ((opt = getopt(argc, argv, "n:s:")) != -1) {
		if (opt == 'n')
			n = strtoull(optarg, NULL, 10);
		else if (opt == 's')
			s = strtoull(optarg, NULL, 10);
		else
			return 2;
	}
	if (optind != argc - 1 || n == 0) {
		fprintf(stderr, "usage: user_peer [-n COUNT] [-s SPAWNS] PROGRAM\n");
		return 2;
	}
	const char *prog = argv[optind];
	pid_t self = getpid();

	uint64_t t0 = now_ns();
	int st = spawn_wait(prog);
	uint64_t t1 = now_ns();
	if (st < 0)
		return 1;
	printf("linux: spawn_first ns=%llu status=%d\n", (unsigned long long)(t1 - t0), st);

	for (unsigned long long i = 0; i < n / 10 + 1; i++) /* warm-up, as sysbench does */
		if (syscall(SYS_getpid) != self)
			return 1;
	t0 = now_ns();
	for (unsigned long long i = 0; i < n; i++)
		if (syscall(SYS_getpid) != self) {
			fprintf(stderr, "user_peer: getpid gave another pid\n");
			return 1;
		}
	t1 = now_ns();
	printf("linux: getpid n=%llu ns=%llu\n", n, (unsigned long long)(t1 - t0));

	t0 = now_ns();
	for (unsigned long long i = 0; i < s; i++)
		if (spawn_wait(prog) != 0)
			return 1;
	t1 = now_ns();
	printf("linux: spawn n=%llu ns=%llu\n", s, (unsigned long long)(t1 - t0));
	return 0;
}
