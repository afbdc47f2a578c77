/*
 * nexus.h — libnexus, what every rumpk user program links against (rumpk_add_program adds
 * it, with libk's <string.h> functions).
 *
 * Today: the start-up code (arch/<machine>/crt0.S + nexus.c), access to what the
 * loader put on the initial stack, and the system-independent half of a small libc
 * (<stdio.h>, <stdlib.h>, <string.h>, <ctype.h>; docs/libnexus.md), which reaches the
 * kernel only through the seams in nexus_sys.h. The "membrane" (libc-like calls turned
 * into ring packets), those seams and the doorbell come with user mode.
 *
 * Start-up contract with the kernel's loader (src/core/loader.c, docs/loader.md): _start
 * runs with sp 16-byte aligned, pointing at argc; above it argv[argc] and NULL, envp and
 * NULL, then the auxv (struct rumpk_auxv pairs, RUMPK_AT_* types, ending with AT_NULL).
 * Every R_*_RELATIVE relocation has been applied and PT_GNU_RELRO is read-only already,
 * so nothing here relocates itself (unlike a static-PIE crt0 for Linux).
 */
#ifndef RUMPK_NEXUS_H
#define RUMPK_NEXUS_H

#include <stddef.h>
#include <stdint.h>

#include "rumpk/abi.h"

/* The program's own: called by nexus_start with the initial stack's vectors. */
int main(int argc, char **argv, char **envp);

/*
 * nexus_exit — ends the program with `status`. Never returns.
 *
 * Until the doorbell exists there is no way to tell the kernel anything, and nexus_exit
 * does not pretend otherwise: it leaves `status` in the first argument register (x86_64
 * edi, riscv64 a0, aarch64 w0) and executes an undefined instruction (ud2, unimp,
 * udf #0x4e58), so the program stops with an illegal-instruction trap that carries its
 * status. The user-mode issue turns this into an EXIT packet on the ring plus the
 * doorbell; the symbol and its contract (never returns) stay.
 */
void nexus_exit(int status) __attribute__((noreturn));

/* nexus_getauxval — the value of auxv entry `type` (RUMPK_AT_*), or 0 if absent. */
uint64_t nexus_getauxval(uint64_t type);

/* The environment the program started with (NULL-terminated), as main's envp. */
extern char **nexus_environ;

/* nexus_getenv — the value of NAME=value in the environment, or NULL. */
const char *nexus_getenv(const char *name);

/* nexus_start — crt0's entry into C: `sp` is the initial stack pointer (-> argc). */
void nexus_start(uint64_t *sp) __attribute__((noreturn));

#endif /* RUMPK_NEXUS_H */
