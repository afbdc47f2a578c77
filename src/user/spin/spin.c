/*
 * spin — a program that never calls the kernel: after start-up it loops forever. Only
 * preemption stops it (the timer takes the CPU back at the user boundary) and only a
 * kill ends it (the shell's Ctrl-C or `kill PID`). It shows that a program that never
 * yields cannot freeze the kernel or the shell, on any HAL.
 */
int main(int argc, char **argv, char **envp)
{
	for (;;)
		;
}
