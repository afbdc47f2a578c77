/*
 * sim_empty.c — the floor for bench_user.sh's sim start-up figures: a program linked with
 * the libraries rumpk-sim links (libsodium, librt, libc: `ldd rumpk-sim`) that does
 * nothing but print the shell's prompt and wait for its input to end. Spawn to prompt and
 * RSS at the prompt of rumpk-sim are compared with this program's in the same run.
 * Not named bench_*: `make bench` runs every build/hosted/bench/bench_* file.
 */
#include <unistd.h>

int main(void)
{
	static const char prompt[] = "nipbox:/$ ";
	char c;
	if (write(1, prompt, sizeof(prompt) - 1) < 0)
		return 1;
	while (read(0, &c, 1) > 0)
		;
	return 0;
}
