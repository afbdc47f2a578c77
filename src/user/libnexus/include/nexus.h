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
 * nexus_exit — ends the program with `status`: flushes what stdout holds, then an EXIT
 * packet. Never returns. Without a kernel to talk to (no ring page in the auxv: a program
 * run in place by a test), it leaves `status` in the first argument register (x86_64 edi,
 * riscv64 a0, aarch64 w0) and executes an undefined instruction (nexus_trap_exit), so the
 * program stops with an illegal-instruction trap that carries its status.
 */
void nexus_exit(int status) __attribute__((noreturn));

/* The exit status of a program that nexus_abort ended (a broken heap, ...). */
#define NEXUS_ABORT_STATUS 134

/* crt0.S, per machine: the exit trap above, and the trap-instruction doorbell (riscv64
 * ecall, aarch64 svc #0; on x86_64 the kernel always hands a doorbell pointer, and this
 * one is an undefined instruction). */
void nexus_trap_exit(int status) __attribute__((noreturn));
void nexus_trap_doorbell(void);

/* nexus.c: called by nexus_exit before the EXIT packet (stdio sets it when it buffers). */
extern void (*nexus_exit_hook)(void);

/* ---- the membrane (sys.c): one packet per call, docs/abi.md ------------------------------
 * Every call returns a result >= 0 or a negative RUMPK_E* error (no errno);
 * nexus_strerror() gives its words. */

/* nexus_sys_init — nexus_start, before main: finds the ring page, the doorbell and the
 * provenance id in the auxv. nexus_sys_attach does the same with explicit values (tests). */
void nexus_sys_init(void);
void nexus_sys_attach(void *ring_page, uint64_t prov_id, void (*doorbell)(void));
int nexus_sys_attached(void);

/* nexus_call — one request: returns the completion's result; *a2 gets its second result. */
int64_t nexus_call(uint16_t kind, uint32_t a, uint32_t b, uint64_t arg, uint32_t *a2);

/*
 * nexus_call_as — nexus_call with `id` in the packet instead of the process's own
 * provenance id: a test hook (crash forge) that shows the kernel refuses a packet with
 * another id (-RUMPK_EPROV) and lets the process go on. No other program needs it.
 */
int64_t nexus_call_as(uint64_t id, uint16_t kind, uint32_t a, uint32_t b, uint64_t arg,
		      uint32_t *a2);

/*
 * nexus_call_many — n requests in flight at once (ringbench). The caller fills kind,
 * flags, a, b and arg of each reqs[i]; tag and id are written here. Rings the doorbell
 * once per batch pushed when the kernel asks for it, and waits for all n answers:
 * res[i] gets request i's result (second results are not kept). Returns 0, or
 * -RUMPK_ENOSYS without a kernel (every res[i] says so too).
 */
int nexus_call_many(struct rumpk_packet *reqs, int64_t *res, uint32_t n);

int64_t nexus_read(int handle, void *buf, uint64_t len);
int64_t nexus_write(int handle, const void *buf, uint64_t len);
int nexus_open(const char *path, uint32_t flags); /* RUMPK_O_DIRECTORY for a directory */
int nexus_close(int handle);
int64_t nexus_seek(int handle, int64_t off, uint32_t whence);
int nexus_readdir(int handle, struct rumpk_dirent *d); /* 1, 0 at the end */
int nexus_stat(const char *path, struct rumpk_stat *st);
int nexus_spawn(const char *path, const char *const *argv); /* argv NULL-terminated; a pid */
int nexus_wait(int pid, int *status, uint32_t flags);        /* pid 0: any child */
int nexus_kill(int pid);
int nexus_getpid(void);
int nexus_yield(void);
int nexus_sleep_ns(uint64_t ns);
int64_t nexus_time_ns(void);
int nexus_ps(struct rumpk_procinfo *out, uint32_t max);
int nexus_halt(int code);
const char *nexus_strerror(int64_t err);

/* nexus_getauxval — the value of auxv entry `type` (RUMPK_AT_*), or 0 if absent. */
uint64_t nexus_getauxval(uint64_t type);

/* The environment the program started with (NULL-terminated), as main's envp. */
extern char **nexus_environ;

/* nexus_getenv — the value of NAME=value in the environment, or NULL. */
const char *nexus_getenv(const char *name);

/* nexus_start — crt0's entry into C: `sp` is the initial stack pointer (-> argc). */
void nexus_start(uint64_t *sp) __attribute__((noreturn));

#endif /* RUMPK_NEXUS_H */
