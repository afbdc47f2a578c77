/*
 * trace.h — the kernel's trace: a compact binary log of what the kernel decided (docs/trace.md).
 *
 * Records (struct rumpk_trace_rec, abi.h) are built on the caller's stack and copied into a
 * small static staging buffer; a full buffer, and the halt, hand it to hal_trace_write (the
 * sim: a file; bare metal: 64 KiB of memory written as framed console lines at halt). No
 * allocation, no logging, no host or kernel address in a record. Off unless the command
 * line says trace=sys|all: every hook is one predictable branch on trace_level then.
 */
#ifndef RUMPK_TRACE_H
#define RUMPK_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "rumpk/abi.h"

struct hal_as;
struct sys_call;

/* RUMPK_TRACE_OFF/SYS/ALL; written once by trace_init, read by every hook. */
extern uint8_t trace_level;

/* Bytes of the staging buffer: a multiple of the record size (whole records per write). */
#define TRACE_STAGE_RECS 32

/*
 * trace_init — boot, before the first stage, interrupts disabled. Reads trace= from the
 * command line (absent: off; "sys", "all"); when on, writes the header. Returns 0, or
 * -RUMPK_EINVAL for any other value (the boot then refuses to start, like a misspelt
 * selftest=, and prints why).
 */
int trace_init(const char *cmdline);

/* Where a process's addresses lie: what trace_packet/trace_fault turn pointers into
 * region + offset with. Filled by proc.c from its process. */
struct trace_space {
	struct hal_as *as;                /* for hashing the bytes a call passed in or out */
	uint64_t image_lo, image_hi;
	uint64_t heap_lo, heap_hi;
	uint64_t stack_lo, stack_hi;
	uint64_t ring;                    /* the ring page's user address */
};

/* trace_region — the RUMPK_TREG_* of addr in s; *off the value to record. */
unsigned trace_region(const struct trace_space *s, uint64_t addr, uint64_t *off);

/* The record makers. Fiber context unless said; each takes the interrupt state it needs.
 * Call them only through the inline guards below (they assume tracing is on). */
void trace_rec_sched(uint32_t from, uint32_t to);
void trace_rec_packet(const struct trace_space *s, uint32_t pid, const struct sys_call *c,
		      int64_t res, uint32_t a2);
void trace_rec_fault(const struct trace_space *s, uint32_t pid, uint32_t cause, uint64_t addr,
		     uint64_t pc, uint32_t access);
void trace_rec_spawn(uint32_t pid, uint32_t ppid, const char *name, const char *const *argv,
		     uint32_t argc);
void trace_rec_exit(uint32_t pid, int32_t status);
void trace_rec_input(const char *bytes, size_t n); /* any context (the receive interrupt) */

/*
 * trace_inject — the fault injector (faults.c) reports one injection: `point` a RUMPK_INJ_*,
 * n the point's event count when it fired, pid the process concerned (0: none). Any
 * context; recorded at trace=all only.
 */
void trace_inject(unsigned point, uint64_t n, uint32_t pid);

/*
 * trace_halt — core_halt only (orderly and panic), interrupts disabled: the HALT record,
 * the last flush, and hal_trace_write(NULL, 0) (the trace is complete). Once: a second call
 * (a panic inside the first) does nothing.
 */
void trace_halt(int code);

/* The guards the hooks use: nothing but a load and a branch while tracing is off. */
#define TRACE_ON(lvl) __builtin_expect(trace_level >= (lvl), 0)

static inline void trace_sched(uint32_t from, uint32_t to)
{
	if (TRACE_ON(RUMPK_TRACE_ALL))
		trace_rec_sched(from, to);
}

static inline void trace_input(const char *bytes, size_t n)
{
	if (TRACE_ON(RUMPK_TRACE_ALL))
		trace_rec_input(bytes, n);
}

#endif /* RUMPK_TRACE_H */
