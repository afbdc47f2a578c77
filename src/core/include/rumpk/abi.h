/*
 * rumpk/abi.h — the one definition of every structure that crosses a boundary.
 *
 * Included by the core, every HAL, libnexus, the host tools, the sim and the tests.
 * Nothing else may define these layouts again: a second copy is how three layers of the
 * original system drifted by 8 bytes. Rules for everything in this file:
 *   - fixed-width fields only (no enum, bool, long or pointer; addresses are uint64_t);
 *   - explicit padding and reserved fields, which must be zero or the structure is rejected;
 *   - _Static_assert on the size and on the offset of every field, right under the struct;
 *   - a version or feature word wherever the structure can grow.
 * Only <stdint.h> and <stddef.h> are included, so the file works freestanding and hosted.
 */
#ifndef RUMPK_ABI_H
#define RUMPK_ABI_H

#include <stddef.h>
#include <stdint.h>

#define RUMPK_ABI_VERSION 1u

/*
 * Error codes: the one list. Functions return 0 (or a count) on success and one of these,
 * negated, on failure. Completions carry them to user space unchanged.
 * rumpk_strerror() in the core (kprintf.h) gives each its name.
 */
#define RUMPK_OK 0
#define RUMPK_EINVAL 1     /* malformed argument or structure */
#define RUMPK_ENOMEM 2     /* out of memory */
#define RUMPK_EAGAIN 3     /* nothing available now; try again */
#define RUMPK_ENOENT 4     /* no such file, key or entry */
#define RUMPK_EFAULT 5     /* bad address, or a trap that should not have happened */
#define RUMPK_ERANGE 6     /* value out of range */
#define RUMPK_ETIMEDOUT 7  /* a deadline passed */
#define RUMPK_ENOSYS 8     /* not implemented by this HAL or kernel */
#define RUMPK_EIO 9        /* device or transport failure */
#define RUMPK_EVERSION 10  /* version word not understood */
#define RUMPK_ENOEXEC 11   /* not a program this kernel runs (malformed or foreign ELF) */
#define RUMPK_EPERM 12     /* refused by policy (e.g. not signed by a trusted key) */
#define RUMPK_ENOTDIR 13   /* a path component is not a directory */
#define RUMPK_EISDIR 14    /* a directory where a file was expected */
#define RUMPK_EBADF 15     /* not an open handle */
#define RUMPK_EMFILE 16    /* no free handle */
#define RUMPK_EEXIST 17    /* already exists (duplicate name) */
#define RUMPK_ESRCH 18     /* no such process */
#define RUMPK_ECHILD 19    /* no child to wait for */
#define RUMPK_EPROV 20     /* a packet's provenance id is not its submitter's */
#define RUMPK_EKILLED 21   /* the call was cut short because its process is being killed */
#define RUMPK_ERRNO_MAX 21

/*
 * Command packet: 32 bytes, the unit of every ring. Syscalls are packets: a process puts
 * one on its submission ring, the kernel answers with one on its completion ring
 * (docs/abi.md lists every kind with its arguments, results and errors).
 *
 *   field  submission (process -> kernel)          completion (kernel -> process)
 *   kind   what is asked: a RUMPK_SYS_* value      the same kind
 *   flags  per kind; bits a kind does not define   RUMPK_CQE_* bits
 *          must be zero, or the packet is refused
 *   tag    the process's own, any value            echoed: matches answers to requests,
 *                                                  so several can be in flight
 *   a, b   small arguments (a handle, a pid, a     a: a second result where the kind has
 *          length, a whence); zero where a kind    one (WAIT: the exit status), else 0;
 *          does not use them                       b: 0
 *   arg    a user address, an offset, a time or    the result: >= 0, or a negative
 *          a 64-bit value (per kind)               RUMPK_E* error (two's complement)
 *   id     the submitter's 64-bit provenance id    the id of the process the kernel
 *          (the low half of its 128-bit id, prov.h) answers, stamped by the kernel
 *
 * The kernel copies each packet out of the ring once and validates only its copy: kind,
 * flags, unused arguments, the id, and every user pointer and length through the HAL's
 * checked user copies. A packet that fails gets an error completion and a counter; the
 * process goes on.
 */
struct rumpk_packet {
	uint16_t kind;
	uint16_t flags;
	uint32_t tag;
	uint32_t a;
	uint32_t b;
	uint64_t arg;
	uint64_t id;
};
_Static_assert(sizeof(struct rumpk_packet) == 32, "packet is 32 bytes");
_Static_assert(offsetof(struct rumpk_packet, kind) == 0, "packet.kind");
_Static_assert(offsetof(struct rumpk_packet, flags) == 2, "packet.flags");
_Static_assert(offsetof(struct rumpk_packet, tag) == 4, "packet.tag");
_Static_assert(offsetof(struct rumpk_packet, a) == 8, "packet.a");
_Static_assert(offsetof(struct rumpk_packet, b) == 12, "packet.b");
_Static_assert(offsetof(struct rumpk_packet, arg) == 16, "packet.arg");
_Static_assert(offsetof(struct rumpk_packet, id) == 24, "packet.id");

/*
 * Packet kinds (syscalls). Arguments in the order a, b, arg; "ptr" is a user address the
 * kernel reads or writes through the checked user copies. docs/abi.md is the reference.
 */
#define RUMPK_SYS_WRITE 1    /* a handle, b length, arg ptr -> bytes written */
#define RUMPK_SYS_READ 2     /* a handle, b length, arg ptr -> bytes read, 0 at the end */
#define RUMPK_SYS_OPEN 3     /* a RUMPK_O_* flags, arg ptr to a NUL-terminated path -> handle */
#define RUMPK_SYS_CLOSE 4    /* a handle -> 0 */
#define RUMPK_SYS_SEEK 5     /* a handle, b RUMPK_SEEK_*, arg offset (int64) -> new offset */
#define RUMPK_SYS_READDIR 6  /* a handle, arg ptr to a struct rumpk_dirent -> 1, 0 at the end */
#define RUMPK_SYS_STAT 7     /* arg ptr to a struct rumpk_stat_args -> 0 */
#define RUMPK_SYS_EXEC 8     /* arg ptr to a struct rumpk_exec_args -> pid of the new process */
#define RUMPK_SYS_WAIT 9     /* a pid (0: any child), b RUMPK_WAIT_* -> pid; completion a: status */
#define RUMPK_SYS_EXIT 10    /* a status -> no completion: the process ends */
#define RUMPK_SYS_YIELD 11   /* -> 0, after other runnable processes had their turn */
#define RUMPK_SYS_SLEEP 12   /* arg nanoseconds -> 0 */
#define RUMPK_SYS_GETPID 13  /* -> pid */
#define RUMPK_SYS_KILL 14    /* a pid -> 0 */
#define RUMPK_SYS_PS 15      /* b count, arg ptr to count struct rumpk_procinfo -> entries */
#define RUMPK_SYS_TIME 16    /* -> nanoseconds since boot */
#define RUMPK_SYS_HEAP 17    /* arg bytes (page multiple, > 0) -> user address of the new bytes */
#define RUMPK_SYS_STATS 18   /* b size, arg ptr to a struct rumpk_stats -> 0 */
#define RUMPK_SYS_HALT 19    /* a exit code -> no completion (pid 1 only; others EPERM) */
#define RUMPK_SYS_MAX 19

/* completion flags */
#define RUMPK_CQE_ERROR 0x1u /* arg holds a negative RUMPK_E* error */

/* SYS_WAIT flags */
#define RUMPK_WAIT_NOHANG 0x1u /* no child has exited yet: answer -RUMPK_EAGAIN at once */

/* SYS_STAT's argument block: both addresses are the caller's. */
struct rumpk_stat_args {
	uint64_t path;     /* ptr to a NUL-terminated path */
	uint64_t out;      /* ptr to a struct rumpk_stat the kernel fills */
};
_Static_assert(sizeof(struct rumpk_stat_args) == 16, "stat_args is 16 bytes");
_Static_assert(offsetof(struct rumpk_stat_args, path) == 0, "stat_args.path");
_Static_assert(offsetof(struct rumpk_stat_args, out) == 8, "stat_args.out");

/* SYS_EXEC's argument block. */
#define RUMPK_EXEC_ARGC_MAX 64
struct rumpk_exec_args {
	uint64_t path;     /* ptr to the program's NUL-terminated path (a signed image) */
	uint64_t argv;     /* ptr to argc uint64_t pointers to NUL-terminated strings */
	uint32_t argc;     /* 1..RUMPK_EXEC_ARGC_MAX (argv[0] is the program's name) */
	uint32_t flags;    /* must be zero */
	uint64_t reserved; /* must be zero */
};
_Static_assert(sizeof(struct rumpk_exec_args) == 32, "exec_args is 32 bytes");
_Static_assert(offsetof(struct rumpk_exec_args, path) == 0, "exec_args.path");
_Static_assert(offsetof(struct rumpk_exec_args, argv) == 8, "exec_args.argv");
_Static_assert(offsetof(struct rumpk_exec_args, argc) == 16, "exec_args.argc");
_Static_assert(offsetof(struct rumpk_exec_args, flags) == 20, "exec_args.flags");
_Static_assert(offsetof(struct rumpk_exec_args, reserved) == 24, "exec_args.reserved");

/*
 * SYS_STATS's answer: the kernel's counters at one moment. The kernel writes the first
 * min(b, sizeof) bytes; a program compiled against an older, shorter struct gets its part.
 * The version word grows with the struct; reserved words are written as zero.
 */
#define RUMPK_STATS_VERSION 2u /* 2: spaces_live, handles_open */
#define RUMPK_STATS_ENTROPY_WEAK 0x1u /* the boot key came from timer jitter (boot.c) */
#define RUMPK_STATS_WAR 0x2u          /* the governor is in War mode */
struct rumpk_stats {
	uint32_t version;          /* RUMPK_STATS_VERSION */
	uint32_t flags;            /* RUMPK_STATS_* */
	uint64_t uptime_ns;
	uint64_t mem_total_pages;  /* memory: pages the allocator manages */
	uint64_t mem_free_pages;
	uint64_t mem_objects;      /* small objects allocated */
	uint64_t procs_live;       /* processes */
	uint64_t procs_zombies;
	uint64_t procs_spawned;
	uint64_t procs_killed;     /* by SYS_KILL or a fault */
	uint64_t faults;           /* CPU faults in user code */
	uint64_t packets;          /* taken off submission rings */
	uint64_t packets_refused;  /* of those, refused by decoding (forged ids included) */
	uint64_t ring_slots;       /* slots of the kernel's own rings */
	uint64_t fibers;           /* scheduler: live fibers */
	uint64_t switches;
	uint64_t idles;            /* times the CPU slept */
	uint64_t gov_to_war;       /* governor: mode changes */
	uint64_t gov_to_peace;
	uint64_t gov_rate;         /* packets/s of its last closed window */
	uint64_t console_in;       /* console bytes in, dropped (input ring full), out */
	uint64_t console_dropped;
	uint64_t console_out;
	uint64_t spaces_live;      /* user address spaces made and not destroyed (version 2) */
	uint64_t handles_open;     /* open VFS handles, every process's together (version 2) */
	uint64_t reserved[1];
};
_Static_assert(sizeof(struct rumpk_stats) == 200, "stats is 200 bytes");
_Static_assert(offsetof(struct rumpk_stats, version) == 0, "stats.version");
_Static_assert(offsetof(struct rumpk_stats, flags) == 4, "stats.flags");
_Static_assert(offsetof(struct rumpk_stats, uptime_ns) == 8, "stats.uptime_ns");
_Static_assert(offsetof(struct rumpk_stats, mem_total_pages) == 16, "stats.mem_total_pages");
_Static_assert(offsetof(struct rumpk_stats, mem_free_pages) == 24, "stats.mem_free_pages");
_Static_assert(offsetof(struct rumpk_stats, mem_objects) == 32, "stats.mem_objects");
_Static_assert(offsetof(struct rumpk_stats, procs_live) == 40, "stats.procs_live");
_Static_assert(offsetof(struct rumpk_stats, procs_zombies) == 48, "stats.procs_zombies");
_Static_assert(offsetof(struct rumpk_stats, procs_spawned) == 56, "stats.procs_spawned");
_Static_assert(offsetof(struct rumpk_stats, procs_killed) == 64, "stats.procs_killed");
_Static_assert(offsetof(struct rumpk_stats, faults) == 72, "stats.faults");
_Static_assert(offsetof(struct rumpk_stats, packets) == 80, "stats.packets");
_Static_assert(offsetof(struct rumpk_stats, packets_refused) == 88, "stats.packets_refused");
_Static_assert(offsetof(struct rumpk_stats, ring_slots) == 96, "stats.ring_slots");
_Static_assert(offsetof(struct rumpk_stats, fibers) == 104, "stats.fibers");
_Static_assert(offsetof(struct rumpk_stats, switches) == 112, "stats.switches");
_Static_assert(offsetof(struct rumpk_stats, idles) == 120, "stats.idles");
_Static_assert(offsetof(struct rumpk_stats, gov_to_war) == 128, "stats.gov_to_war");
_Static_assert(offsetof(struct rumpk_stats, gov_to_peace) == 136, "stats.gov_to_peace");
_Static_assert(offsetof(struct rumpk_stats, gov_rate) == 144, "stats.gov_rate");
_Static_assert(offsetof(struct rumpk_stats, console_in) == 152, "stats.console_in");
_Static_assert(offsetof(struct rumpk_stats, console_dropped) == 160, "stats.console_dropped");
_Static_assert(offsetof(struct rumpk_stats, console_out) == 168, "stats.console_out");
_Static_assert(offsetof(struct rumpk_stats, spaces_live) == 176, "stats.spaces_live");
_Static_assert(offsetof(struct rumpk_stats, handles_open) == 184, "stats.handles_open");
_Static_assert(offsetof(struct rumpk_stats, reserved) == 192, "stats.reserved");

/*
 * Why a process stopped: the cause of a CPU fault in user code (the HAL maps its machine's
 * trap to one of these; the core's kill message names it), and the states SYS_PS reports.
 */
#define RUMPK_FAULT_READ 1        /* load from an address it may not read */
#define RUMPK_FAULT_WRITE 2       /* store to an address it may not write */
#define RUMPK_FAULT_EXEC 3        /* instruction fetch from a non-executable address */
#define RUMPK_FAULT_ILLEGAL 4     /* undefined or privileged instruction */
#define RUMPK_FAULT_BREAKPOINT 5  /* a breakpoint instruction */
#define RUMPK_FAULT_MISALIGNED 6  /* a misaligned access the machine refuses */
#define RUMPK_FAULT_ARITH 7       /* arithmetic trap (x86_64 divide error) */
#define RUMPK_FAULT_STACK 8       /* stack overflow: a fault in the guard below its stack */
#define RUMPK_FAULT_MAX 8

#define RUMPK_PROC_RUNNABLE 1
#define RUMPK_PROC_BLOCKED 2
#define RUMPK_PROC_ZOMBIE 3       /* exited, waiting for its parent to wait */
#define RUMPK_PROC_NAME_MAX 32

/* One SYS_PS entry. */
struct rumpk_procinfo {
	uint32_t pid;
	uint32_t ppid;
	uint32_t state;    /* RUMPK_PROC_* */
	int32_t status;    /* exit status once a zombie, else 0 */
	uint64_t cpu_ns;   /* time spent running */
	uint64_t heap;     /* heap bytes */
	char name[RUMPK_PROC_NAME_MAX]; /* program name (argv[0]), NUL-terminated */
};
_Static_assert(sizeof(struct rumpk_procinfo) == 64, "procinfo is 64 bytes");
_Static_assert(offsetof(struct rumpk_procinfo, pid) == 0, "procinfo.pid");
_Static_assert(offsetof(struct rumpk_procinfo, ppid) == 4, "procinfo.ppid");
_Static_assert(offsetof(struct rumpk_procinfo, state) == 8, "procinfo.state");
_Static_assert(offsetof(struct rumpk_procinfo, status) == 12, "procinfo.status");
_Static_assert(offsetof(struct rumpk_procinfo, cpu_ns) == 16, "procinfo.cpu_ns");
_Static_assert(offsetof(struct rumpk_procinfo, heap) == 24, "procinfo.heap");
_Static_assert(offsetof(struct rumpk_procinfo, name) == 32, "procinfo.name");

/* A physical (or, hosted, host-virtual) address range. */
struct rumpk_mem_range {
	uint64_t base;
	uint64_t size;
};
_Static_assert(sizeof(struct rumpk_mem_range) == 16, "mem_range is 16 bytes");
_Static_assert(offsetof(struct rumpk_mem_range, base) == 0, "mem_range.base");
_Static_assert(offsetof(struct rumpk_mem_range, size) == 8, "mem_range.size");

#define RUMPK_BOOT_INFO_VERSION 1u
#define RUMPK_BOOT_MAX_MEM 8
#define RUMPK_BOOT_MAX_RESERVED 16
#define RUMPK_BOOT_CMDLINE_MAX 256
#define RUMPK_BOOT_ENTROPY_BYTES 32

/* boot_info.flags */
#define RUMPK_BOOT_ENTROPY_WEAK 0x1u /* entropy came from timing jitter, not a real seed */

/*
 * What a HAL hands core_main(): the memory it found and what lies in it. The HAL only
 * reports; the core owns every allocator. The kernel image, the initrd and the device tree
 * are reported apart from the firmware's reserved ranges so the core can name each.
 * A range of size 0 means "none" (e.g. no initrd).
 */
struct rumpk_boot_info {
	uint32_t version;     /* RUMPK_BOOT_INFO_VERSION */
	uint32_t flags;       /* RUMPK_BOOT_* */
	uint32_t nmem;        /* valid entries in mem[] */
	uint32_t nreserved;   /* valid entries in reserved[] */
	struct rumpk_mem_range mem[RUMPK_BOOT_MAX_MEM];           /* usable RAM */
	struct rumpk_mem_range reserved[RUMPK_BOOT_MAX_RESERVED]; /* firmware, MMIO holes */
	struct rumpk_mem_range kernel;  /* image plus bss and boot stack */
	struct rumpk_mem_range initrd;  /* ustar archive, or size 0 */
	struct rumpk_mem_range dtb;     /* flattened device tree, or size 0 (hosted) */
	uint8_t entropy[RUMPK_BOOT_ENTROPY_BYTES]; /* seeds the boot key */
	char cmdline[RUMPK_BOOT_CMDLINE_MAX];      /* NUL-terminated kernel command line */
	uint64_t timer_hz;    /* frequency of the HAL's time source, for reports */
	uint64_t reserved0;   /* must be zero */
};
_Static_assert(sizeof(struct rumpk_boot_info) == 16 + 16 * 8 + 16 * 16 + 3 * 16 + 32 + 256 + 16,
	       "boot_info size");
_Static_assert(offsetof(struct rumpk_boot_info, version) == 0, "boot_info.version");
_Static_assert(offsetof(struct rumpk_boot_info, flags) == 4, "boot_info.flags");
_Static_assert(offsetof(struct rumpk_boot_info, nmem) == 8, "boot_info.nmem");
_Static_assert(offsetof(struct rumpk_boot_info, nreserved) == 12, "boot_info.nreserved");
_Static_assert(offsetof(struct rumpk_boot_info, mem) == 16, "boot_info.mem");
_Static_assert(offsetof(struct rumpk_boot_info, reserved) == 144, "boot_info.reserved");
_Static_assert(offsetof(struct rumpk_boot_info, kernel) == 400, "boot_info.kernel");
_Static_assert(offsetof(struct rumpk_boot_info, initrd) == 416, "boot_info.initrd");
_Static_assert(offsetof(struct rumpk_boot_info, dtb) == 432, "boot_info.dtb");
_Static_assert(offsetof(struct rumpk_boot_info, entropy) == 448, "boot_info.entropy");
_Static_assert(offsetof(struct rumpk_boot_info, cmdline) == 480, "boot_info.cmdline");
_Static_assert(offsetof(struct rumpk_boot_info, timer_hz) == 736, "boot_info.timer_hz");
_Static_assert(offsetof(struct rumpk_boot_info, reserved0) == 744, "boot_info.reserved0");

/*
 * Ring header: the shared part of a single-producer / single-consumer ring of
 * struct rumpk_packet slots, laid out at the start of a ring's memory with the slots right
 * after it (RUMPK_RING_SLOTS_OFFSET). Each index has a cache line to itself so producer and
 * consumer never write the same line. Indices are free-running uint32_t counters (slot =
 * index & (capacity - 1)) and wrap at 2^32; tail - head is the number of filled slots.
 *
 * Who writes what (accessors: rumpk/ring.h):
 *   magic, version, capacity  the ring's creator, once, before either side attaches
 *   tail   the producer only, with release order after filling the slots it publishes;
 *          the consumer reads it with acquire order before reading those slots
 *   head   the consumer only, with release order after it has copied the slots out;
 *          the producer reads it with acquire order before overwriting those slots
 *   flags  the consumer only (RUMPK_RING_NEED_WAKEUP: it sleeps, ring its doorbell)
 * A side that does not trust the other (the kernel facing user space) never reads
 * capacity back from shared memory and clamps every index it reads (see ring.h).
 */
#define RUMPK_RING_MAGIC 0x474e5252u /* "RRNG" little-endian */
#define RUMPK_RING_VERSION 1u
#define RUMPK_RING_LINE 64u
#define RUMPK_RING_NEED_WAKEUP 0x1u

struct rumpk_ring_hdr {
	uint32_t magic;    /* RUMPK_RING_MAGIC */
	uint32_t version;  /* RUMPK_RING_VERSION */
	uint32_t capacity; /* slots: a power of two, 1..2^31 */
	uint32_t reserved0;
	uint8_t pad0[RUMPK_RING_LINE - 16];
	uint32_t tail;     /* producer's index: next slot to fill */
	uint8_t pad1[RUMPK_RING_LINE - 4];
	uint32_t head;     /* consumer's index: next slot to read */
	uint32_t flags;    /* RUMPK_RING_* set by the consumer */
	uint8_t pad2[RUMPK_RING_LINE - 8];
};
#define RUMPK_RING_SLOTS_OFFSET (3 * RUMPK_RING_LINE)
_Static_assert(sizeof(struct rumpk_ring_hdr) == RUMPK_RING_SLOTS_OFFSET, "ring header size");
_Static_assert(offsetof(struct rumpk_ring_hdr, magic) == 0, "ring.magic");
_Static_assert(offsetof(struct rumpk_ring_hdr, version) == 4, "ring.version");
_Static_assert(offsetof(struct rumpk_ring_hdr, capacity) == 8, "ring.capacity");
_Static_assert(offsetof(struct rumpk_ring_hdr, reserved0) == 12, "ring.reserved0");
_Static_assert(offsetof(struct rumpk_ring_hdr, tail) == 64, "ring.tail");
_Static_assert(offsetof(struct rumpk_ring_hdr, head) == 128, "ring.head");
_Static_assert(offsetof(struct rumpk_ring_hdr, flags) == 132, "ring.flags");

/*
 * The ring page: one 4 KiB page per process, allocated and formatted by the kernel before
 * the process starts (every index 0) and mapped read-write into it (auxv RUMPK_AT_RING).
 * The submission ring (process produces, kernel consumes) is at offset 0, the completion
 * ring (kernel produces, process consumes) right after its slots; each is a ring header
 * followed by its slots (rumpk/ring.h). The capacities are the kernel's: it never reads
 * them back from the page. The submission ring's header flags carry
 * RUMPK_RING_NEED_WAKEUP, written by the kernel: set, a process must ring its doorbell
 * after submitting (Peace mode); clear, the kernel polls this ring on every scheduling
 * pass and a doorbell is not needed to be heard (War mode, docs/abi.md).
 */
#define RUMPK_RING_PAGE_SIZE 4096u
#define RUMPK_SQ_OFFSET 0u
#define RUMPK_SQ_SLOTS 32u
#define RUMPK_CQ_OFFSET (RUMPK_SQ_OFFSET + RUMPK_RING_SLOTS_OFFSET + RUMPK_SQ_SLOTS * 32u)
#define RUMPK_CQ_SLOTS 64u
_Static_assert(RUMPK_CQ_OFFSET % RUMPK_RING_LINE == 0, "completion ring header on a line");
_Static_assert(RUMPK_CQ_OFFSET + RUMPK_RING_SLOTS_OFFSET + RUMPK_CQ_SLOTS * 32u <=
	       RUMPK_RING_PAGE_SIZE, "both rings fit the page");
_Static_assert(RUMPK_CQ_OFFSET == 1216, "completion ring at 1216");

/*
 * Signature trailer: appended to a program by `rumpk-sign sign`. The Ed25519 signature
 * covers every byte of the file before the trailer (signed_size bytes); the kernel checks
 * the trailer, then the signature with the public key whose id matches, before it reads a
 * single byte of the ELF inside.
 *   key_id  the first 8 bytes of SHA-512(public key): which trusted key signed
 */
#define RUMPK_SIG_MAGIC "RUMPKSIG" /* 8 bytes, no NUL stored */
#define RUMPK_SIG_VERSION 1u
#define RUMPK_SIG_KEY_ID_BYTES 8
#define RUMPK_SIG_BYTES 64
#define RUMPK_SIG_PUBKEY_BYTES 32

struct rumpk_sig_trailer {
	uint8_t magic[8];                        /* RUMPK_SIG_MAGIC */
	uint32_t version;                        /* RUMPK_SIG_VERSION */
	uint32_t reserved0;                      /* must be zero */
	uint64_t signed_size;                    /* bytes before the trailer */
	uint8_t key_id[RUMPK_SIG_KEY_ID_BYTES];  /* which key signed */
	uint8_t signature[RUMPK_SIG_BYTES];      /* Ed25519 over those bytes */
};
_Static_assert(sizeof(struct rumpk_sig_trailer) == 96, "signature trailer is 96 bytes");
_Static_assert(offsetof(struct rumpk_sig_trailer, magic) == 0, "sig.magic");
_Static_assert(offsetof(struct rumpk_sig_trailer, version) == 8, "sig.version");
_Static_assert(offsetof(struct rumpk_sig_trailer, reserved0) == 12, "sig.reserved0");
_Static_assert(offsetof(struct rumpk_sig_trailer, signed_size) == 16, "sig.signed_size");
_Static_assert(offsetof(struct rumpk_sig_trailer, key_id) == 24, "sig.key_id");
_Static_assert(offsetof(struct rumpk_sig_trailer, signature) == 32, "sig.signature");

/*
 * The auxiliary vector a program finds after envp on its initial stack: pairs of
 * (type, value) uint64_t words ending with RUMPK_AT_NULL. Types keep the System V numbers so
 * ordinary crt0 code reads them.
 */
#define RUMPK_AT_NULL 0
#define RUMPK_AT_PHDR 3   /* user address of the program headers */
#define RUMPK_AT_PHENT 4  /* size of one program header */
#define RUMPK_AT_PHNUM 5  /* number of program headers */
#define RUMPK_AT_PAGESZ 6 /* 4096 */
#define RUMPK_AT_BASE 7   /* where the image was placed (its load bias) */
#define RUMPK_AT_ENTRY 9  /* the program's entry point */
#define RUMPK_AT_RANDOM 25 /* user address of 16 random bytes */
/* rumpk's own entries (numbers no System V type uses): how a program reaches the kernel */
#define RUMPK_AT_RING 0x7201     /* user address of the process's ring page */
#define RUMPK_AT_DOORBELL 0x7202 /* the doorbell: a `void (*)(void)` to call (hosted), or 0:
				    the machine's trap instruction is the doorbell (ecall/svc) */
#define RUMPK_AT_PROV 0x7203     /* the process's 64-bit provenance id (docs/abi.md) */
#define RUMPK_AT_USER_LO 0x7204  /* the process's user range [lo, hi): every address it can */
#define RUMPK_AT_USER_HI 0x7205  /* ever map lies inside; the kernel's never do */
/* The sim's virtual mode (docs/simulation.md): a program built with budget checks calls the
 * hosted doorbell as uint64_t bell(RUMPK_BUDGET_MAGIC, blocks_run) when its budget runs
 * out; the sim charges virtual time for the blocks and returns the next budget. Any other
 * first argument is an ordinary doorbell (which returns nothing). */
#define RUMPK_BUDGET_MAGIC 0x7275706d6b627567ull /* "gubkmpur": "rumpkbug" little-endian */

struct rumpk_auxv {
	uint64_t type;  /* RUMPK_AT_* */
	uint64_t value;
};
_Static_assert(sizeof(struct rumpk_auxv) == 16, "auxv entry is 16 bytes");
_Static_assert(offsetof(struct rumpk_auxv, type) == 0, "auxv.type");
_Static_assert(offsetof(struct rumpk_auxv, value) == 8, "auxv.value");

/*
 * Files (the VFS, src/core/vfs.h; docs/vfs.md): what stat and readdir report, the open
 * flags and the seek origins. Read-only for now. Output structures: the kernel writes every
 * reserved field as zero.
 */
#define RUMPK_NAME_MAX 100 /* bytes of one path component (the ustar name field) */

#define RUMPK_FT_FILE 1    /* a regular file */
#define RUMPK_FT_DIR 2     /* a directory */

#define RUMPK_O_DIRECTORY 0x1u /* open a directory (for readdir); without it, only files */

#define RUMPK_SEEK_SET 0   /* from the start */
#define RUMPK_SEEK_CUR 1   /* from the handle's offset */
#define RUMPK_SEEK_END 2   /* from the end */

struct rumpk_stat {
	uint32_t type;      /* RUMPK_FT_* */
	uint32_t mode;      /* permission bits (07777) as the archive stores them */
	uint64_t size;      /* bytes; 0 for a directory */
	uint64_t mtime;     /* seconds since 1970 as stored (the build stores 0) */
	uint64_t reserved0; /* zero */
};
_Static_assert(sizeof(struct rumpk_stat) == 32, "stat is 32 bytes");
_Static_assert(offsetof(struct rumpk_stat, type) == 0, "stat.type");
_Static_assert(offsetof(struct rumpk_stat, mode) == 4, "stat.mode");
_Static_assert(offsetof(struct rumpk_stat, size) == 8, "stat.size");
_Static_assert(offsetof(struct rumpk_stat, mtime) == 16, "stat.mtime");
_Static_assert(offsetof(struct rumpk_stat, reserved0) == 24, "stat.reserved0");

struct rumpk_dirent {
	uint32_t type;      /* RUMPK_FT_* */
	uint32_t namelen;   /* bytes of name before its NUL */
	uint64_t size;      /* bytes; 0 for a directory */
	char name[RUMPK_NAME_MAX + 4]; /* NUL-terminated, zero-padded to the end */
};
_Static_assert(sizeof(struct rumpk_dirent) == 120, "dirent is 120 bytes");
_Static_assert(offsetof(struct rumpk_dirent, type) == 0, "dirent.type");
_Static_assert(offsetof(struct rumpk_dirent, namelen) == 4, "dirent.namelen");
_Static_assert(offsetof(struct rumpk_dirent, size) == 8, "dirent.size");
_Static_assert(offsetof(struct rumpk_dirent, name) == 16, "dirent.name");

/* ---- fault injection points (F2) ------------------------------------------------------
 * The kernel's named injection points (docs/faults.md): `faults=NAME=RATE` / `NAME@N` on the
 * command line picks them, and the trace's injection records carry the number. Defined here
 * because the trace format (below) and the tools that read it (rumpk-trace, the swarm's
 * shrinker) name them too. RUMPK_INJ_LEAK is test-only: a planted bug that leaks one page,
 * enabled only when named, never by all=RATE. */
#define RUMPK_INJ_ALLOC 1       /* a page allocation fails */
#define RUMPK_INJ_OBJALLOC 2    /* a kernel object allocation fails */
#define RUMPK_INJ_RING 3        /* a ring is seen full */
#define RUMPK_INJ_TIMERLATE 4   /* a timer fires late */
#define RUMPK_INJ_TIMEREARLY 5  /* a timer fires early */
#define RUMPK_INJ_INPUT 6       /* console input split and delayed */
#define RUMPK_INJ_WAKEUP 7      /* a spurious wake-up */
#define RUMPK_INJ_SLOWEXEC 8    /* exec's verification delayed */
#define RUMPK_INJ_KILL 9        /* a process (never pid 1) killed at a random point */
#define RUMPK_INJ_LEAK 10       /* test-only: leaks one page */
#define RUMPK_INJ_MAX 10
/* Names in the same order, index = point (0 unused): the spelling faults= accepts. */
#define RUMPK_INJ_NAMES                                                                   \
	{ "", "alloc", "objalloc", "ring", "timerlate", "timerearly", "input", "wakeup",  \
	  "slowexec", "kill", "leak" }

/* ---- traces (F2, docs/trace.md) -----------------------------------------------------------
 * A trace is a header followed by fixed-size records, written by the kernel (trace.c)
 * through hal_trace_write and read by src/tools/rumpk-trace. Little-endian, as every
 * machine rumpk runs on. Nothing in a trace is a host or kernel address: user pointers are
 * recorded as an offset into their region of the process (RUMPK_TREG_*), never raw.
 *
 *   header   struct rumpk_trace_hdr, once, when tracing starts (trace= on the command line)
 *   records  struct rumpk_trace_rec, rec_size bytes each, in the order the kernel made them
 */
#define RUMPK_TRACE_MAGIC "RUMPKTRC" /* 8 bytes, no NUL stored */
#define RUMPK_TRACE_VERSION 1u
#define RUMPK_TRACE_HAL_MAX 16

/* Levels (trace=sys|all; the sim's --trace FILE is all). */
#define RUMPK_TRACE_OFF 0
#define RUMPK_TRACE_SYS 1 /* packets, spawn/exit, user faults, halt */
#define RUMPK_TRACE_ALL 2 /* + scheduling decisions, injections, console input */

struct rumpk_trace_hdr {
	uint8_t magic[8];   /* RUMPK_TRACE_MAGIC */
	uint32_t version;   /* RUMPK_TRACE_VERSION */
	uint32_t rec_size;  /* sizeof(struct rumpk_trace_rec): a reader refuses any other */
	uint32_t level;     /* RUMPK_TRACE_SYS or RUMPK_TRACE_ALL */
	uint32_t reserved0; /* zero */
	char hal[RUMPK_TRACE_HAL_MAX]; /* hal_name(), NUL-padded (cut to 15 bytes) */
};
_Static_assert(sizeof(struct rumpk_trace_hdr) == 40, "trace header is 40 bytes");
_Static_assert(offsetof(struct rumpk_trace_hdr, magic) == 0, "trace_hdr.magic");
_Static_assert(offsetof(struct rumpk_trace_hdr, version) == 8, "trace_hdr.version");
_Static_assert(offsetof(struct rumpk_trace_hdr, rec_size) == 12, "trace_hdr.rec_size");
_Static_assert(offsetof(struct rumpk_trace_hdr, level) == 16, "trace_hdr.level");
_Static_assert(offsetof(struct rumpk_trace_hdr, reserved0) == 20, "trace_hdr.reserved0");
_Static_assert(offsetof(struct rumpk_trace_hdr, hal) == 24, "trace_hdr.hal");

/* Record types, and what each uses of struct rumpk_trace_rec (unused fields are zero):
 *   SCHED   a from fiber id, b to fiber id                                        (all)
 *   PACKET  pid, kind, tag, a, b as submitted; arg (arg_region), res the result
 *           (res_region: HEAP's new address), a2 the second result; flags ERROR when
 *           res < 0; hash: the bytes passed in (WRITE's written bytes, OPEN/STAT/EXEC's
 *           path and argv strings) or out (READ's bytes read, READDIR's entry but its
 *           size: programs differ in size per machine), else 0
 *   FAULT   pid, kind the RUMPK_FAULT_* cause, a the HAL_PROT_* access, arg the address
 *           (arg_region; only when access is not 0, else none), res the pc (res_region)
 *   SPAWN   pid the new process, a its parent (0: the kernel), arg and res the first 16
 *           bytes of its name and arguments joined by spaces (NUL-padded, little-endian),
 *           hash of the whole name
 *   EXIT    pid, a the exit status
 *   INJECT  pid (0: none), kind the RUMPK_INJ_* point, arg n (the point's event count)  (all)
 *   INPUT   a bytes delivered to the console's input ring, hash of them               (all)
 *   HALT    a the halt code; always the last record
 */
#define RUMPK_TR_SCHED 1
#define RUMPK_TR_PACKET 2
#define RUMPK_TR_FAULT 3
#define RUMPK_TR_SPAWN 4
#define RUMPK_TR_EXIT 5
#define RUMPK_TR_INJECT 6
#define RUMPK_TR_INPUT 7
#define RUMPK_TR_HALT 8
#define RUMPK_TR_MAX 8

/* rec.flags */
#define RUMPK_TRF_ERROR 0x1u /* PACKET: the result is a negative RUMPK_E* error */

/* Where a recorded address lies in its process (arg_region / res_region). Image and stack
 * layouts differ per machine (each compiler lays code and frames out differently), so the
 * parity oracle compares only the region for those, and the offset for the others. */
#define RUMPK_TREG_NONE 0  /* not an address: the value as it is */
#define RUMPK_TREG_LOW 1   /* below 64 KiB (NULL and its neighbours): the value as it is */
#define RUMPK_TREG_IMAGE 2 /* offset from the image's load address */
#define RUMPK_TREG_HEAP 3  /* offset from the heap's start */
#define RUMPK_TREG_STACK 4 /* offset below the initial stack's top */
#define RUMPK_TREG_RING 5  /* offset into the ring page */
#define RUMPK_TREG_BAD 6   /* anywhere else (unmapped, the kernel's): recorded as 0 */
#define RUMPK_TREG_MAX 6

struct rumpk_trace_rec {
	uint8_t type;       /* RUMPK_TR_* */
	uint8_t flags;      /* RUMPK_TRF_* */
	uint8_t arg_region; /* RUMPK_TREG_* of arg */
	uint8_t res_region; /* RUMPK_TREG_* of res */
	uint32_t pid;       /* the process concerned, 0 for none */
	uint32_t time_us;   /* hal_time_ns() / 1000, low 32 bits (wraps after 71 minutes) */
	uint16_t kind;      /* packet kind, fault cause, injection point */
	uint16_t reserved0; /* zero */
	uint32_t tag;
	uint32_t a;
	uint32_t b;
	uint32_t a2;
	uint64_t arg;
	uint64_t res;
	uint64_t hash;      /* RUMPK_TRACE_HASH of some bytes, or 0 */
};
_Static_assert(sizeof(struct rumpk_trace_rec) == 56, "trace record is 56 bytes");
_Static_assert(offsetof(struct rumpk_trace_rec, type) == 0, "trace_rec.type");
_Static_assert(offsetof(struct rumpk_trace_rec, flags) == 1, "trace_rec.flags");
_Static_assert(offsetof(struct rumpk_trace_rec, arg_region) == 2, "trace_rec.arg_region");
_Static_assert(offsetof(struct rumpk_trace_rec, res_region) == 3, "trace_rec.res_region");
_Static_assert(offsetof(struct rumpk_trace_rec, pid) == 4, "trace_rec.pid");
_Static_assert(offsetof(struct rumpk_trace_rec, time_us) == 8, "trace_rec.time_us");
_Static_assert(offsetof(struct rumpk_trace_rec, kind) == 12, "trace_rec.kind");
_Static_assert(offsetof(struct rumpk_trace_rec, reserved0) == 14, "trace_rec.reserved0");
_Static_assert(offsetof(struct rumpk_trace_rec, tag) == 16, "trace_rec.tag");
_Static_assert(offsetof(struct rumpk_trace_rec, a) == 20, "trace_rec.a");
_Static_assert(offsetof(struct rumpk_trace_rec, b) == 24, "trace_rec.b");
_Static_assert(offsetof(struct rumpk_trace_rec, a2) == 28, "trace_rec.a2");
_Static_assert(offsetof(struct rumpk_trace_rec, arg) == 32, "trace_rec.arg");
_Static_assert(offsetof(struct rumpk_trace_rec, res) == 40, "trace_rec.res");
_Static_assert(offsetof(struct rumpk_trace_rec, hash) == 48, "trace_rec.hash");

/* The byte hash of traces: h = h * P + (byte + 1) mod 2^64 from h = 0. A polynomial, so the
 * hash of two pieces joined is H(A) * P^len(B) + H(B): the parity oracle joins console
 * reads and writes that a UART delivered in different pieces on different machines. */
#define RUMPK_TRACE_HASH_P 0x100000001b3ull
static inline uint64_t rumpk_trace_hash(uint64_t h, const void *bytes, size_t n)
{
	const uint8_t *b = (const uint8_t *)bytes;
	for (size_t i = 0; i < n; i++)
		h = h * RUMPK_TRACE_HASH_P + (uint64_t)b[i] + 1u;
	return h;
}

/* A bare-metal kernel writes its trace at halt as console lines (docs/trace.md, the sink
 * src/libk/bm_trace.c, the reader `rumpk-trace frames`): "rumpk-trace begin 1", then
 * "rumpk-trace N HEX SUM" for N = 0, 1, ... with up to RUMPK_TRACE_FRAME_BYTES bytes as
 * lower-case hex and SUM this checksum in 8 hex digits, then "rumpk-trace end LINES BYTES
 * DROPPED" (DROPPED: bytes that did not fit the kernel's buffer). */
#define RUMPK_TRACE_FRAME_BYTES 48
static inline uint32_t rumpk_trace_frame_sum(uint32_t lineno, const uint8_t *b, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a 32 over the line number (LE) and the bytes */
	for (int i = 0; i < 4; i++)
		h = (h ^ ((lineno >> (8 * i)) & 0xffu)) * 16777619u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

#endif /* RUMPK_ABI_H */
