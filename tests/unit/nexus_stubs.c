/*
 * nexus_stubs.c — what a program's start-up would give libnexus (nexus.c, crt0.S), for the
 * host tests that compile the membrane without them (test_membrane, test_nipbox): no
 * auxv, and traps that fail the test if libnexus ever takes one (the tests always hand a
 * doorbell and answer EXIT themselves).
 */
#include <check.h>
#include <stdint.h>

#include "nexus.h"

void (*nexus_exit_hook)(void);

uint64_t nexus_getauxval(uint64_t type)
{
	(void)type;
	return 0;
}

void nexus_trap_doorbell(void)
{
	ck_abort_msg("the trap doorbell was used");
}

void nexus_trap_exit(int status)
{
	ck_abort_msg("the exit trap was taken (status %d)", status);
}
