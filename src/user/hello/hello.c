/*
 * hello — the smallest rumpk program. Until user mode and the membrane exist (a later
 * issue) it has no way to print: it checks it was started with a program name and exits
 * with 0 through libnexus, and the greeting waits in .rodata for the console call.
 */
#include <nexus.h>

static const char greeting[] = "hello from rumpk\n";

int main(int argc, char **argv, char **envp)
{
	return argc >= 1 && argv[0] && greeting[0] == 'h' ? 0 : 1;
}
