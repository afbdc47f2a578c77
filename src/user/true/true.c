/*
 * true — does nothing and exits with 0: the smallest program for exec loops (execloop) and
 * the one sysbench spawns and waits for, so those figures are the cost of an exec (verify,
 * load, run to exit, reap) and nothing of its own.
 */
int main(int argc, char **argv, char **envp)
{
	(void)argc;
	(void)argv;
	(void)envp;
	return 0;
}
