/*
 * nexus.c — libnexus's portable half of start-up: reads argc, argv, envp and the auxv
 * from the initial stack (layout in nexus.h), runs the constructors of .init_array,
 * attaches the membrane (sys.c), calls main, and hands its result to nexus_exit.
 *
 * Constructors: ordinary programs have none; the sim's virtual-mode copies have one, the
 * compiler's module constructor that hands its budget-check guards to budget.c. The
 * loader has applied every relocation before _start, so the table's entries are final.
 * lld defines __init_array_start/end (equal when the section is absent).
 */
#include "nexus.h"

#include <string.h>

char **nexus_environ;
void (*nexus_exit_hook)(void);
static const struct rumpk_auxv *auxv;
extern void (*const __init_array_start[])(void) __attribute__((visibility("hidden")));
extern void (*const __init_array_end[])(void) __attribute__((visibility("hidden")));

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
	for (void (*const *c)(void) = __init_array_start; c < __init_array_end; c++)
		(*c)();
	nexus_sys_init();
	nexus_exit(main(argc, argv, envp));
}

void nexus_exit(int status)
{
	if (nexus_exit_hook)
		nexus_exit_hook();
	if (nexus_sys_attached())
		nexus_call(RUMPK_SYS_EXIT, (uint32_t)status, 0, 0, 0);
	nexus_trap_exit(status); /* no kernel to tell, or it did not end us */
}
