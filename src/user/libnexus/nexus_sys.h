/*
 * nexus_sys.h (private to libnexus) — the seams between libnexus's small libc and the
 * kernel interface. The libc (format.c, stdio.c, malloc.c, ...) calls only these three
 * functions to reach the outside world; they are implemented over the syscall ring
 * (a later part of issue D), and by tests/unit/test_libnexus.c on the host.
 *
 * Nothing here is declared for programs: they use the standard names (<stdio.h>,
 * <stdlib.h>) or the nexus_ calls of nexus.h.
 */
#ifndef RUMPK_NEXUS_SYS_H
#define RUMPK_NEXUS_SYS_H

#include <stdint.h>

/*
 * nexus_sys_write — writes `len` bytes from `buf` to the open handle `handle` (1 = the
 * program's stdout, 2 = its stderr; other handles as open() gives them).
 * Returns the number of bytes written (0 < n <= len when len > 0; a short count is
 * allowed and the caller writes the rest), or a negative RUMPK_E* error from rumpk/abi.h
 * (-RUMPK_EBADF for a handle that is not open, -RUMPK_EFAULT for a bad buffer, ...).
 * May block. libnexus treats a return of 0 for len > 0 as an error (-RUMPK_EIO) so that
 * it never loops forever.
 */
int64_t nexus_sys_write(uint32_t handle, const void *buf, uint64_t len);

/*
 * nexus_sys_heap_grow — grows the process heap by `bytes` (a non-zero multiple of 4096).
 * Returns the user address where the new bytes start, which is the heap's old end: the
 * heap is one contiguous region that only grows, so consecutive successful calls return
 * consecutive ranges. The new bytes read as zero and are readable and writable. Returns a
 * negative RUMPK_E* error instead, with the heap unchanged: -RUMPK_ENOMEM when the
 * per-process limit (or memory) would be exceeded, -RUMPK_EINVAL for a size that is not a
 * non-zero multiple of 4096. Only malloc.c calls it.
 * (malloc.c copes with a non-contiguous answer by starting a new region, but the
 * contract above is what it is written for.)
 */
int64_t nexus_sys_heap_grow(uint64_t bytes);

/*
 * nexus_abort — ends the program at once because libnexus found a broken invariant
 * (a double free, a corrupted heap header). `why` is a short constant text, e.g.
 * "malloc: double free"; the caller has already written a full message to handle 2.
 * Must not return, must not call malloc, and need not flush stdout (the program is
 * broken; its buffered output may be part of the damage). The kernel should record an
 * abnormal exit (not status 0).
 */
void nexus_abort(const char *why) __attribute__((noreturn));

/*
 * nexus_doorbell — the doorbell the kernel handed out in the auxv (the sim's auxv entry
 * point), or 0: none (bare metal rings with a trap instruction; a program run in place has
 * no kernel). Set by sys.c when it attaches; budget.c (the sim's virtual mode) calls it
 * as uint64_t bell(RUMPK_BUDGET_MAGIC, blocks) when a budget runs out.
 */
extern uintptr_t nexus_doorbell;

#endif /* RUMPK_NEXUS_SYS_H */
