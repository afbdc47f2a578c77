/*
 * hello — the smallest rumpk program that talks to the kernel: prints "hello" and then
 * each of its arguments, one per line, through printf (libnexus: one WRITE packet per
 * line), and exits with 0 (1 when it was started without even a program name). Run
 * without a kernel to talk to (in place, by the loader's
 * tests) its writes fail and it still exits with 0: the exit trap carries the status.
 */
#include <stdio.h>

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	if (argc < 1 || !argv[0])
		return 1;
	printf("hello\n");
	for (int i = 1; i < argc; i++)
		printf("%s\n", argv[i]);
	return 0;
}
