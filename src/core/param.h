/*
 * param.h — every tunable limit of the core, in one place (xv6's rule).
 */
#ifndef RUMPK_PARAM_H
#define RUMPK_PARAM_H

#define KPRINTF_BUF 256            /* bytes formatted before a console write */
#define CMDLINE_VALUE_MAX 64       /* longest value of one key=value on the command line */

/* timer boot stage: interrupts required, and their period */
#define BOOT_TIMER_IRQS 3
#define BOOT_TIMER_PERIOD_NS 100000ull /* 0.1 ms: three real interrupts in ~0.3 ms */

/* selftest=timer: a longer run of ticks */
#define SELFTEST_TIMER_TICKS 100
#define SELFTEST_TIMER_PERIOD_NS 1000000ull

/* memory boot stage: RAM that must remain once kernel, initrd and device tree are set aside */
#define MIN_FREE_RAM (4ull << 20)

/* scheduler */
#define SCHED_PRIOS 32               /* priority levels; the last is the idle fiber's */
#define SCHED_PRIO_DEFAULT 16
#define SCHED_SLICE_NS 10000000ull   /* 10 ms: a fiber's turn when others of its priority wait */
#define FIBER_STACK_ORDER 2          /* 4 pages = 16 KiB, the lowest a guard page where possible */
#define FIBER_CANARY 0x5354414b43414e59ull /* "YNACKATS": the lowest stack word */

/* user threads (user.c): a fiber of 2^order pages whose top holds the HAL's trap frame
 * (x86_64: up to ~3 KiB with AVX-512 state), the rest its kernel stack */
#define UTHREAD_STACK_ORDER 3        /* 8 pages = 32 KiB */
#define UTHREAD_PRIO SCHED_PRIO_DEFAULT

/* selftest=sched: packets ping-ponged between two fibers, and the sleeper's naps */
#define SELFTEST_SCHED_PACKETS 100000
#define SELFTEST_SCHED_NAPS 5
#define SELFTEST_SCHED_NAP_NS 2000000ull

/* selftest=idle: how long the only fiber sleeps, and the most idle waits that may take */
#define SELFTEST_IDLE_NS 300000000ull
#define SELFTEST_IDLE_MAX_WAITS 5

/*
 * User address spaces (docs/loader.md). Offsets are from the space's user_lo (what
 * hal_as_create reports): on the hosted HAL every space is a reservation of its own inside
 * the sim process, on bare metal the same range for every space.
 *
 *   user_lo                                   never mapped: NULL and small offsets fault
 *   user_lo + USER_IMAGE_OFFSET               the image (ET_DYN placed here, aligned up
 *                                             to its largest p_align), at most
 *                                             USER_IMAGE_SPAN bytes of link addresses
 *   user_lo + USER_RING_OFFSET                the ring page (one page, docs/abi.md)
 *   user_lo + USER_HEAP_OFFSET                the heap, growing up (SYS_HEAP), at most
 *                                             PROC_HEAP_MAX bytes
 *   user_hi - GAP - USER_STACK_SIZE           the initial stack, read-write
 *   user_hi - USER_STACK_TOP_GAP .. user_hi   never mapped
 */
#define USER_IMAGE_OFFSET 0x10000ull      /* 64 KiB: the image is never placed at 0 */
#define USER_IMAGE_SPAN (64ull << 20)     /* link addresses of an image: [0, span) */
#define USER_RING_OFFSET (120ull << 20)   /* the process's ring page (docs/abi.md) */
#define USER_HEAP_OFFSET (128ull << 20)   /* heap start; it grows up by SYS_HEAP */
#define USER_STACK_SIZE (256ull << 10)    /* initial stack, mapped read-write */
#define USER_STACK_TOP_GAP (64ull << 10)  /* unmapped pages above the stack */
#define USER_SPACE_MIN (USER_HEAP_OFFSET + USER_STACK_SIZE + USER_STACK_TOP_GAP)
#define USER_ARG_BYTES_MAX (16u << 10)    /* argv + envp strings, NULs included */
#define USER_ARG_COUNT_MAX 256u           /* argc + envc */

/* Processes (proc.c) */
#define PROC_MAX 64                       /* processes, zombies included */
#define PROC_HEAP_MAX (16ull << 20)       /* heap bytes one process may grow */
#define INIT_DEFAULT "/bin/nipbox"        /* the first program, when init= does not say */
#define INIT_EXIT_CODE 101                /* the boot's exit code when init cannot start */

/* ELF validator (elf.c): limits on what a program may ask for */
#define ELF_MAX_PHNUM 32                  /* program headers (lld emits 8-10) */
#define ELF_MAX_LOADS 8                   /* PT_LOAD segments (lld emits 4) */
#define ELF_MAX_ALIGN (64ull << 10)       /* largest PT_LOAD p_align (lld's aarch64 default) */

_Static_assert(USER_IMAGE_OFFSET + ELF_MAX_ALIGN + USER_IMAGE_SPAN <= USER_RING_OFFSET,
	       "an image placed at its highest base still ends below the ring page");
_Static_assert(USER_RING_OFFSET + 4096 <= USER_HEAP_OFFSET, "the ring page below the heap");

/* initrd (tarfs.c): limits on what an archive may hold (docs/vfs.md) */
#define TARFS_MAX_ENTRIES 256    /* headers in the archive */
#define TARFS_MAX_NODES 512      /* index nodes: the root, every entry, implied directories */
#define TARFS_MAX_DEPTH 16       /* components of one path */
#define TARFS_PATH_MAX 100       /* bytes of a path: the ustar name field (prefix refused) */

/* VFS (vfs.c) */
#define VFS_PATH_MAX 256         /* bytes of a path argument, without its NUL */
#define VFS_MAX_HANDLES 32       /* open handles, kernel-wide */
#define VFS_MAX_MOUNTS 4         /* mounted filesystems, "/" included */
#define VFS_MAX_DEPTH (TARFS_MAX_DEPTH * VFS_MAX_MOUNTS) /* directories a walk may be inside */

/* exec: the largest program file read into a private copy */
#define EXEC_MAX_FILE (4ull << 20)
#define EXEC_CACHE_ENTRIES 16 /* accepted images remembered by their SHA-512 (exec.c) */

#define RUMPK_VERSION_STRING "0.1.0"

#endif /* RUMPK_PARAM_H */
