/*
 * proc.h — processes: a signed program running in its own address space on a user thread
 * (user.h), talking to the kernel only through its ring page (docs/abi.md).
 *
 * A process owns, and gives back when it ends: its address space (with the image, stack,
 * heap and the ring page mapped), the ring page itself, its handles (sysfile.h) and its user
 * thread. What stays after it ends is its slot as a zombie (pid, exit status, CPU time)
 * until its parent waits for it; an orphan (whose parent has ended) is reaped by the
 * kernel at once. Pids count up from 1 and are never reused while a slot holds them.
 *
 * Exit statuses: what the program passed to EXIT (taken modulo 256), else, numbered as
 * Unix shells show a death by signal (128 + the signal's number) so they read familiarly:
 * PROC_STATUS_KILLED (137) for SYS_KILL, PROC_STATUS_INTERRUPTED (130) for Ctrl-C, and for
 * a CPU fault 139 (a bad read, write, jump or stack overflow), 132 (illegal instruction),
 * 133 (breakpoint), 135 (misaligned access), 136 (arithmetic trap): proc_fault_status().
 */
#ifndef RUMPK_PROC_H
#define RUMPK_PROC_H

#include <stddef.h>
#include <stdint.h>

#include "rumpk/abi.h"

#define PROC_STATUS_KILLED 137
#define PROC_STATUS_INTERRUPTED 130

/* proc_fault_status — the exit status of a process killed by fault `cause`. */
int proc_fault_status(uint32_t cause);

/*
 * proc_interrupt_foreground — the console's Ctrl-C (interrupts disabled, from the input
 * path): if process 1 is blocked waiting for one given child (SYS_WAIT with a pid and no
 * flags: the shell's foreground program), that child is killed (status 130), "^C" is
 * written, and 1 is returned (the byte is consumed). Otherwise 0: the byte is input.
 */
int proc_interrupt_foreground(void);

struct proc;

/*
 * proc_spawn — starts the program at `path` (a signed image in the VFS) with argv[0..argc)
 * as a child of `parent` (NULL: a child of the kernel, e.g. init). Fiber context; reads,
 * verifies and loads the file first, so a refusal costs only the private copy. Returns the
 * new pid (> 0), or a negative error: the file's (ENOENT, ENOTDIR, EISDIR, ERANGE),
 * -RUMPK_EPERM (not signed by a trusted key), -RUMPK_ENOEXEC (not a valid program),
 * -RUMPK_ENOMEM, -RUMPK_EAGAIN (PROC_MAX processes exist), -RUMPK_ENOSYS (this HAL has
 * no user mode), -RUMPK_EKILLED (the caller was killed while the spawn waited). A
 * refusal is also printed once, naming the file and the reason.
 */
int proc_spawn(struct proc *parent, const char *path, const char *const *argv, uint32_t argc);

/*
 * proc_wait_exit — the kernel's own wait for a child of the kernel (init): blocks until
 * process `pid` has ended, reaps it and returns its exit status, or -RUMPK_ESRCH.
 */
int proc_wait_exit(int pid);

/* Counters for the leak gate and SYS_STATS. */
struct proc_stats {
	uint64_t live;      /* processes not yet ended */
	uint64_t zombies;   /* ended, not yet waited for */
	uint64_t spawned;
	uint64_t killed;    /* ended by SYS_KILL or a fault */
	uint64_t faults;
	uint64_t packets;   /* taken off submission rings, all processes, since boot */
	uint64_t refused;   /* of those, refused by decoding */
};
void proc_stats(struct proc_stats *out);

/* proc_list — up to max processes (zombies included) as SYS_PS describes them, in slot
 * order, into kernel memory; returns how many. For the HUD. */
int proc_list(struct rumpk_procinfo *out, int max);

/* proc_halt_ends_init — from now on a HALT by init (the shell) ends init with the halt
 * code as its exit status instead of halting at once, so the kernel's wait for it returns
 * and core_main halts after the leak gate (leakgate.h). Once, before init starts. */
void proc_halt_ends_init(void);

/* proc_end_all — kills every live process and waits, up to timeout_ns, until all have
 * ended (orphans free their slots as they end). Fiber context. 0, or -RUMPK_ETIMEDOUT
 * with some still live. For the leak gate, after init has ended. */
int proc_end_all(uint64_t timeout_ns);

/* proc_current_pid — the pid of the process whose thread is running (the one an interrupt
 * interrupted, too), or 0 on a kernel fiber. For fault injection's records. */
uint32_t proc_current_pid(void);

/* proc_war_mode — 1 while the I/O governor is in War mode (rings polled), 0 in Peace. */
int proc_war_mode(void);

#endif /* RUMPK_PROC_H */
