/*
 * nexus.c — libnexus's portable half of start-up: reads argc, argv, envp and the auxv
 * from the initial stack (layout in nexus.h), calls main, and hands its result to
 * nexus_exit (arch/<machine>/crt0.S).
 */
#include "nexus.h"

#include <string.h>

char **nexus_environ;
static const struct rumpk_auxv *auxv;

uint64_t nexus_getauxval(uint64_t type)
{
	for (const struct rumpk_auxv *a = auxv; a && a->type != RUMPK_AT_NULL; a++)
		if (a->type == type)
			return a->value;
	return 0;
}

const char *nexus_getenv(const char *name)
{
	size_t n = strlen(name);

	for (char **e = nexus_environ; e && *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

void nexus_start(uint64_t *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	char **e = envp;

	while (*e)
		e++;
	auxv = (const struct rumpk_auxv *)(e + 1);
	nexus_environ = envp;
	nexus_exit(main(argc, argv, envp));
}
