/*
 * spin [N] — a program that never calls the kernel: after start-up it loops forever. Only
 * preemption stops it (the timer takes the CPU back at the user boundary) and only a
 * kill ends it (the shell's Ctrl-C or `kill PID`). It shows that a program that never
 * yields cannot freeze the kernel or the shell, on any HAL.
 *
 * With N it loops N times and exits 0 instead: a fixed amount of pure CPU work, one basic
 * block per round, which bench/bench_virtual.py times with and without the sim's virtual
 * mode budget checks (the worst case for them: one check per round).
 */
#include <stdlib.h>

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	if (argc > 1) {
		unsigned long long n = strtoull(argv[1], NULL, 10);
		for (unsigned long long i = 0; i < n; i++)
			__asm__ volatile("" ::: "memory"); /* one round: nothing the compiler may drop */
		return 0;
	}
	for (;;)
		;
}
