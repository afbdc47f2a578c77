/*
 * proc.c — the process table, and the mechanism of the process syscalls (EXEC, WAIT,
 * EXIT, KILL, GETPID, YIELD, SLEEP, TIME, HEAP, PS, HALT); the file and console ones are
 * sysfile.c's (contract in proc.h, reference docs/abi.md).
 *
 * One slot per process, PROC_MAX of them, zombies included. A process's life:
 *   spawn   read the file into a private copy, verify and validate it (exec.c), load it
 *           into a new space (loader.c) with the ring page's address, the doorbell and the
 *           provenance id in its auxv, format and share the ring page, start its thread;
 *   runs    every doorbell drains its submission ring (sys_drain) on its own thread, so a
 *           blocking call blocks only that process;
 *   ends    on EXIT, a kill or a fault its thread's `exited` op gives everything back
 *           (handles, space, ring page) and the slot becomes a zombie for the parent, or
 *           is freed at once for an orphan.
 * All of it runs on fibers of the one CPU, with interrupts enabled and no preemption in
 * kernel code: nothing here needs a lock.
 */
#include "proc.h"

#include "boot.h"
#include "console.h"
#include "exec.h"
#include "fault.h"
#include "governor.h"
#include "kprintf.h"
#include "kutil.h"
#include "loader.h"
#include "mem.h"
#include "param.h"
#include "prov.h"
#include "ring.h"
#include "sched.h"
#include "syscall.h"
#include "sysfile.h"
#include "trace.h"
#include "user.h"
#include "vfs.h"

enum { P_FREE = 0, P_LIVE, P_ZOMBIE };

#define SLOWEXEC_MAX_NS 50000000ull /* an injected slow exec waits up to 50 ms */

struct proc {
	uint32_t pid, ppid;          /* ppid 0: a child of the kernel, or an orphan */
	uint8_t slot_state;          /* P_* */
	uint8_t kernel_waits;        /* a child the kernel waits for (init): not an orphan */
	uint8_t blocked;             /* inside a blocking call (SYS_PS says so) */
	uint8_t counted_kill;        /* ended by a kill or a fault (stats) */
	int32_t status;              /* exit status, once ended (or set by EXIT/a fault) */
	int status_set;
	uint64_t prov;               /* the packet id: the low 64 bits of prov128 */
	uint8_t prov128[PROV_ID_BYTES];
	struct hal_as *as;
	uint64_t user_lo, user_hi;   /* its user range, as its space reported it */
	uint64_t base;               /* the image's load bias (image-relative pcs) */
	uint64_t stack_lo, stack_hi; /* the initial stack */
	uint64_t image_end;          /* base + the image's highest link address */
	uint64_t heap_lo, heap_end;
	void *ring;                  /* the ring page, the kernel's address */
	struct sys_rings rings;
	struct ring_watch w_sq, w_cq; /* "pid N sq", "pid N cq" in the list of rings */
	struct sys_counters n;
	struct sysfile_table files;
	struct uthread *thread;      /* NULL once ended */
	uint64_t cpu_ns;             /* frozen when it ends */
	struct waitq children;       /* it waits here for a child to end */
	char name[RUMPK_PROC_NAME_MAX];
};

static struct proc procs[PROC_MAX];
static uint32_t foreground_wait;    /* pid 1 waits for this child (Ctrl-C's target), or 0 */
static uint32_t next_pid = 1;
static struct waitq kernel_waiters; /* the kernel waits here for its own children */
static int ready;
static struct proc_stats st;
static struct governor gov;         /* Peace or War for every ring (governor.h) */
static int halt_ends_init;          /* HALT by init ends init first (the leak gate) */

static void ensure_ready(void)
{
	if (!ready) {
		waitq_init(&kernel_waiters);
		governor_init(&gov, hal_time_ns());
		ready = 1;
	}
}

static struct proc *find(uint32_t pid, int live_only)
{
	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *p = &procs[i];
		if (p->pid == pid && p->slot_state != P_FREE &&
		    (!live_only || p->slot_state == P_LIVE))
			return p;
	}
	return 0;
}

static void free_slot(struct proc *p)
{
	if (p->slot_state == P_ZOMBIE)
		st.zombies--;
	kmemset(p, 0, sizeof(*p));
}

/* ---- how a process ended ----------------------------------------------------------------- */

int proc_fault_status(uint32_t cause)
{
	switch (cause) {
	case RUMPK_FAULT_ILLEGAL: return 132;
	case RUMPK_FAULT_BREAKPOINT: return 133;
	case RUMPK_FAULT_MISALIGNED: return 135;
	case RUMPK_FAULT_ARITH: return 136;
	default: return 139;
	}
}

/* An address as the same words on every HAL: small ones as they are (0 is 0 everywhere),
 * the image's as NAME+0xOFFSET, any other one only by what it is (host and bare-metal
 * layouts differ, and a message must not). Outside the process's user range is the
 * kernel's: on bare metal such an access faults, on the sim it is not isolated
 * (docs/security.md). */
static int in_user_range(const struct proc *p, uint64_t addr)
{
	return addr >= p->user_lo && addr < p->user_hi;
}

static void where(const struct proc *p, uint64_t addr, char *out, size_t len)
{
	if (addr < 0x10000)
		ksnprintf(out, len, "address %#llx", (unsigned long long)addr);
	else if (addr >= p->base && addr < p->image_end)
		ksnprintf(out, len, "%s+%#llx", p->name, (unsigned long long)(addr - p->base));
	else if (addr >= p->heap_lo && addr < p->heap_lo + PROC_HEAP_MAX)
		ksnprintf(out, len, "heap address");
	else if (addr >= p->stack_lo && addr < p->stack_hi)
		ksnprintf(out, len, "stack address");
	else if (!in_user_range(p, addr))
		ksnprintf(out, len, "kernel address");
	else
		ksnprintf(out, len, "address outside its image");
}

/* Words for a fault; whether the address could be read tells a write to a read-only page
 * from a write to nothing at all. A kernel address is the kernel's, not "unmapped". */
static void describe_fault(struct proc *p, uint32_t cause, uint64_t addr, char *out, size_t len)
{
	uint8_t b;
	char at[64];
	int readable = p->as && hal_copy_from_user(p->as, &b, addr, 1) == 0;
	const char *unmapped = addr >= 0x10000 && !in_user_range(p, addr) ? "" : "unmapped ";

	where(p, addr, at, sizeof(at));
	switch (cause) {
	case RUMPK_FAULT_READ:
		ksnprintf(out, len, "read of %s%s", unmapped, at);
		break;
	case RUMPK_FAULT_WRITE:
		ksnprintf(out, len, "write to %s%s", readable ? "read-only page, " : unmapped, at);
		break;
	case RUMPK_FAULT_EXEC:
		ksnprintf(out, len, "jump to non-executable %s", at);
		break;
	case RUMPK_FAULT_ILLEGAL:
		ksnprintf(out, len, "illegal instruction");
		break;
	case RUMPK_FAULT_BREAKPOINT:
		ksnprintf(out, len, "breakpoint");
		break;
	case RUMPK_FAULT_MISALIGNED:
		ksnprintf(out, len, "misaligned access");
		break;
	case RUMPK_FAULT_ARITH:
		ksnprintf(out, len, "arithmetic trap (divide error)");
		break;
	case RUMPK_FAULT_STACK:
		ksnprintf(out, len, "stack overflow");
		break;
	default:
		ksnprintf(out, len, "fault of unknown cause %u", cause);
	}
}

/* The process's regions, for the trace's region-relative pointers. */
static void trace_space_of(const struct proc *p, struct trace_space *ts)
{
	ts->as = p->as;
	ts->image_lo = p->base;
	ts->image_hi = p->image_end;
	ts->heap_lo = p->heap_lo;
	ts->heap_hi = p->heap_lo + PROC_HEAP_MAX;
	ts->stack_lo = p->stack_lo;
	ts->stack_hi = p->stack_hi;
	ts->ring = p->user_lo + USER_RING_OFFSET;
}

static int op_fault(void *owner, uint32_t cause, uint64_t addr, uint64_t pc, uint32_t access)
{
	struct proc *p = owner;
	char what[96];

	if (TRACE_ON(RUMPK_TRACE_SYS)) {
		struct trace_space ts;
		trace_space_of(p, &ts);
		trace_rec_fault(&ts, p->pid, cause, addr, pc, access);
	}
	describe_fault(p, cause, addr, what, sizeof(what));
	char at[64];
	where(p, pc, at, sizeof(at));
	kprintf("%s: killed: %s at %s\n", p->name, what, at);
	p->status = proc_fault_status(cause);
	p->status_set = 1;
	p->counted_kill = 1;
	st.faults++;
	return HAL_USER_KILL;
}

/* On the ending thread's own fiber: give everything back, then tell the parent. */
static void op_exited(void *owner)
{
	struct proc *p = owner;

	p->cpu_ns = uthread_cpu_ns(p->thread);
	p->thread = 0;
	if (!p->status_set) {
		p->status = PROC_STATUS_KILLED;
		p->counted_kill = 1;
	}
	if (p->counted_kill)
		st.killed++;
	if (TRACE_ON(RUMPK_TRACE_SYS))
		trace_rec_exit(p->pid, p->status);
	sysfile_close_all(&p->files);
	ring_watch_del(&p->w_sq);
	ring_watch_del(&p->w_cq);
	loader_space_destroy(p->as); /* the ring page's mapping goes with it; the page stays ours */
	p->as = 0;
	page_free(p->ring, 0);
	p->ring = 0;
	st.live--;

	/* its children lose their parent: zombies go now, the living will go when they end */
	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *c = &procs[i];
		if (c->slot_state == P_FREE || c == p || c->ppid != p->pid)
			continue;
		if (c->slot_state == P_ZOMBIE)
			free_slot(c);
		else
			c->ppid = 0;
	}
	struct proc *parent = p->ppid ? find(p->ppid, 1) : 0;
	if (parent || p->kernel_waits) {
		p->slot_state = P_ZOMBIE;
		st.zombies++;
		sched_wake_all(parent ? &parent->children : &kernel_waiters);
	} else {
		free_slot(p); /* an orphan: nobody will wait for it */
	}
}

/* ---- the process syscalls ---------------------------------------------------------------- */

static int64_t sys_wait(struct proc *p, uint32_t pid, uint32_t flags, uint32_t *a2)
{
	for (;;) {
		int any = 0;
		for (int i = 0; i < PROC_MAX; i++) {
			struct proc *c = &procs[i];
			if (c->slot_state == P_FREE || c->ppid != p->pid || (pid && c->pid != pid))
				continue;
			any = 1;
			if (c->slot_state == P_ZOMBIE) {
				uint32_t got = c->pid;
				*a2 = (uint32_t)c->status;
				free_slot(c);
				return got;
			}
		}
		if (!any)
			return -RUMPK_ECHILD;
		if (flags & RUMPK_WAIT_NOHANG)
			return -RUMPK_EAGAIN;
		p->blocked = 1;
		if (p->pid == 1 && pid)
			foreground_wait = pid; /* Ctrl-C's target while this wait lasts */
		int err = sched_wait(&p->children);
		if (p->pid == 1)
			foreground_wait = 0;
		p->blocked = 0;
		if (err)
			return err;
	}
}

int proc_interrupt_foreground(void)
{
	struct proc *t = foreground_wait ? find(foreground_wait, 1) : 0;
	if (!t || !t->thread)
		return 0;
	if (!t->status_set) {
		t->status = PROC_STATUS_INTERRUPTED;
		t->status_set = 1;
		t->counted_kill = 1;
	}
	uthread_kill(t->thread);
	console_write("^C\n", 3);
	return 1;
}

static int64_t sys_kill(struct proc *p, uint32_t pid)
{
	struct proc *t = find(pid, 1);
	if (!t || !t->thread)
		return -RUMPK_ESRCH;
	if (t->pid == 1 && t != p)
		return -RUMPK_EPERM; /* init (the shell) ends itself, by EXIT or HALT */
	uthread_kill(t->thread);
	return 0;
}

static int64_t sys_heap(struct proc *p, uint64_t bytes)
{
	if (bytes > PROC_HEAP_MAX || p->heap_end - p->heap_lo > PROC_HEAP_MAX - bytes)
		return -RUMPK_ENOMEM;
	int err = hal_as_map(p->as, p->heap_end, bytes, HAL_PROT_R | HAL_PROT_W);
	if (err)
		return err == -RUMPK_EEXIST || err == -RUMPK_ERANGE ? -RUMPK_ENOMEM : err;
	uint64_t old = p->heap_end;
	p->heap_end += bytes;
	return (int64_t)old;
}

static void fill_info(const struct proc *p, struct rumpk_procinfo *out)
{
	kmemset(out, 0, sizeof(*out));
	out->pid = p->pid;
	out->ppid = p->ppid;
	out->state = p->slot_state == P_ZOMBIE ? RUMPK_PROC_ZOMBIE
		     : p->blocked ? RUMPK_PROC_BLOCKED : RUMPK_PROC_RUNNABLE;
	out->status = p->slot_state == P_ZOMBIE ? p->status : 0;
	out->cpu_ns = p->thread ? uthread_cpu_ns(p->thread) : p->cpu_ns;
	out->heap = p->heap_end - p->heap_lo;
	kmemcpy(out->name, p->name, sizeof(out->name));
}

static int64_t sys_ps(struct proc *p, uint32_t max, uint64_t buf)
{
	struct rumpk_procinfo info;
	uint32_t n = 0;

	for (int i = 0; i < PROC_MAX && n < max; i++) {
		if (procs[i].slot_state == P_FREE)
			continue;
		fill_info(&procs[i], &info);
		if (hal_copy_to_user(p->as, buf + (uint64_t)n * sizeof(info), &info, sizeof(info)))
			return n ? (int64_t)n : -RUMPK_EFAULT; /* not uint32_t's -5 */
		n++;
	}
	return n;
}

static int64_t sys_stats(struct proc *p, uint32_t size, uint64_t buf)
{
	struct rumpk_stats s;
	struct mem_stats m;
	struct sched_stats sc;
	struct console_stats cs;

	kmemset(&s, 0, sizeof(s));
	s.version = RUMPK_STATS_VERSION;
	s.flags = boot_entropy_weak() ? RUMPK_STATS_ENTROPY_WEAK : 0;
	s.uptime_ns = hal_time_ns();
	mem_stats(&m);
	s.mem_total_pages = m.total_pages;
	s.mem_free_pages = m.free_pages + m.cached_pages;
	s.mem_objects = m.live_objects;
	s.procs_live = st.live;
	s.procs_zombies = st.zombies;
	s.procs_spawned = st.spawned;
	s.procs_killed = st.killed;
	s.faults = st.faults;
	s.packets = st.packets;
	s.packets_refused = st.refused;
	s.ring_slots = kring_slots_live();
	sched_stats(&sc);
	s.fibers = sc.fibers;
	s.switches = sc.switches;
	s.idles = sc.idles;
	s.gov_to_war = gov.to_war;
	s.gov_to_peace = gov.to_peace;
	s.gov_rate = gov.last_rate;
	if (gov.mode == GOV_WAR)
		s.flags |= RUMPK_STATS_WAR;
	console_stats(&cs);
	s.console_in = cs.in_bytes;
	s.console_dropped = cs.in_dropped;
	s.console_out = cs.out_bytes;
	s.spaces_live = loader_spaces_live();
	s.handles_open = (uint64_t)vfs_handles_open();
	uint32_t n = size < sizeof(s) ? size : (uint32_t)sizeof(s);
	if (hal_copy_to_user(p->as, buf, &s, n))
		return -RUMPK_EFAULT;
	return n;
}

/* EXEC: the argument block, the path and every argv string copied in, then a spawn. */
static int64_t sys_exec(struct proc *p, uint64_t args)
{
	struct rumpk_exec_args a;
	char path[VFS_PATH_MAX + 1];
	const char *argv[RUMPK_EXEC_ARGC_MAX];
	unsigned order = 2; /* 16 KiB: USER_ARG_BYTES_MAX of strings */
	_Static_assert((PAGE_SIZE << 2) >= USER_ARG_BYTES_MAX, "exec string buffer");

	if (hal_copy_from_user(p->as, &a, args, sizeof(a)))
		return -RUMPK_EFAULT;
	if (a.flags || a.reserved)
		return -RUMPK_EINVAL;
	if (a.argc == 0 || a.argc > RUMPK_EXEC_ARGC_MAX)
		return -RUMPK_ERANGE;
	int64_t len = sysfile_copy_path(p->as, path, a.path);
	if (len < 0)
		return len;
	char *strings = page_alloc(order);
	if (!strings)
		return -RUMPK_ENOMEM;
	uint64_t used = 0;
	int64_t err = 0;
	for (uint32_t i = 0; i < a.argc && !err; i++) {
		uint64_t uptr;
		if (hal_copy_from_user(p->as, &uptr, a.argv + 8ull * i, 8)) {
			err = -RUMPK_EFAULT;
			break;
		}
		/* each string copied page-wise like a path, into what is left of the buffer */
		char one[VFS_PATH_MAX + 1];
		int64_t n = sysfile_copy_path(p->as, one, uptr);
		if (n < 0)
			err = n;
		else if (used + (uint64_t)n + 1 > USER_ARG_BYTES_MAX)
			err = -RUMPK_ERANGE;
		else {
			kmemcpy(strings + used, one, (size_t)n + 1);
			argv[i] = strings + used;
			used += (uint64_t)n + 1;
		}
	}
	if (!err)
		err = proc_spawn(p, path, argv, a.argc);
	page_free(strings, order);
	return err;
}

static int64_t run_syscall(struct proc *p, const struct sys_call *c, uint32_t *a2)
{
	switch (c->kind) {
	case RUMPK_SYS_WRITE: return sysfile_write(&p->files, c->a, c->arg, c->b);
	case RUMPK_SYS_READ: {
		p->blocked = c->a == 0; /* the console: it waits for input */
		int64_t r = sysfile_read(&p->files, c->a, c->arg, c->b);
		p->blocked = 0;
		return r;
	}
	case RUMPK_SYS_OPEN: return sysfile_open(&p->files, c->arg, c->a);
	case RUMPK_SYS_CLOSE: return sysfile_close(&p->files, c->a);
	case RUMPK_SYS_SEEK: return sysfile_seek(&p->files, c->a, (int64_t)c->arg, c->b);
	case RUMPK_SYS_READDIR: return sysfile_readdir(&p->files, c->a, c->arg);
	case RUMPK_SYS_STAT: return sysfile_stat(&p->files, c->arg);
	case RUMPK_SYS_EXEC: return sys_exec(p, c->arg);
	case RUMPK_SYS_WAIT: return sys_wait(p, c->a, c->b, a2);
	case RUMPK_SYS_EXIT:
		p->status = (int32_t)(c->a & 0xff);
		p->status_set = 1;
		uthread_exit(); /* op_exited gives everything back */
	case RUMPK_SYS_YIELD:
		fiber_yield();
		return 0;
	case RUMPK_SYS_SLEEP: {
		uint64_t now = hal_time_ns();
		p->blocked = 1;
		int r = sched_sleep_until(c->arg > UINT64_MAX - now ? UINT64_MAX : now + c->arg);
		p->blocked = 0;
		return r;
	}
	case RUMPK_SYS_GETPID: return p->pid;
	case RUMPK_SYS_KILL: return sys_kill(p, c->a);
	case RUMPK_SYS_PS: return sys_ps(p, c->b, c->arg);
	case RUMPK_SYS_TIME: return (int64_t)hal_time_ns();
	case RUMPK_SYS_HEAP: return sys_heap(p, c->arg);
	case RUMPK_SYS_STATS: return sys_stats(p, c->b, c->arg);
	case RUMPK_SYS_HALT:
		if (p->pid != 1)
			return -RUMPK_EPERM;
		if (halt_ends_init && p->kernel_waits) {
			/* the kernel's wait for init returns the code; core_main halts */
			p->status = (int32_t)c->a;
			p->status_set = 1;
			uthread_exit();
		}
		core_halt((int)c->a);
	default:
		return -RUMPK_ENOSYS; /* a kind sys_decode knows and this switch does not */
	}
}

/* sys_drain's exec: one call, and its PACKET record when tracing (EXIT and HALT never
 * return: theirs is made first, with result 0). */
static int64_t proc_syscall(void *ctx, const struct sys_call *c, uint32_t *a2)
{
	struct proc *p = ctx;
	struct trace_space ts;

	if (!TRACE_ON(RUMPK_TRACE_SYS))
		return run_syscall(p, c, a2);
	trace_space_of(p, &ts);
	if (c->kind == RUMPK_SYS_EXIT || (c->kind == RUMPK_SYS_HALT && p->pid == 1))
		trace_rec_packet(&ts, p->pid, c, 0, 0);
	int64_t r = run_syscall(p, c, a2);
	trace_rec_packet(&ts, p->pid, c, r, *a2);
	return r;
}

/* The sys_rings' refused hook while tracing: a packet decoding refused (a forged id, an
 * unknown kind) is in the trace too, with the error it was answered. */
static void trace_refused(void *ctx, const struct sys_call *c, int64_t res)
{
	struct proc *p = ctx;
	struct trace_space ts;

	trace_space_of(p, &ts);
	trace_rec_packet(&ts, p->pid, c, res, 0);
}

static uint64_t refused_sum(const struct sys_counters *n)
{
	uint64_t sum = 0;
	for (int r = 0; r < SYS_R_COUNT; r++)
		sum += n->refused[r];
	return sum;
}

/* The governor's mode on every live ring: War clears RUMPK_RING_NEED_WAKEUP (the kernel
 * polls), Peace sets it (the process rings). Only on a change of mode. */
static void apply_mode(enum gov_mode m)
{
	console_set_polled(m == GOV_WAR);
	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *q = &procs[i];
		if (q->slot_state != P_LIVE || !q->ring)
			continue;
		struct rumpk_ring_hdr *sq = (void *)((char *)q->ring + RUMPK_SQ_OFFSET);
		__atomic_store_n(&sq->flags, m == GOV_WAR ? 0u : RUMPK_RING_NEED_WAKEUP,
				 __ATOMIC_RELEASE);
	}
}

/* Drains p's submission ring and tells the governor what came. */
static void drain(struct proc *p)
{
	uint64_t packets = p->n.packets, refused = refused_sum(&p->n);
	enum gov_mode before = gov.mode;

	ring_watch_note(&p->w_sq);
	sys_drain(&p->rings, p->prov, RUMPK_SQ_SLOTS, proc_syscall, p, &p->n);
	ring_watch_note(&p->w_cq);
	st.packets += p->n.packets - packets;
	st.refused += refused_sum(&p->n) - refused;
	if (governor_packets(&gov, hal_time_ns(), p->n.packets - packets) != before)
		apply_mode(gov.mode);
}

static void op_doorbell(void *owner)
{
	drain(owner);
}

/* Every return to user code: in War mode the kernel polls this process's ring here (the
 * process skips its doorbell); in Peace mode only the governor's clock moves. */
static void op_boundary(void *owner)
{
	struct proc *p = owner;
	enum gov_mode before = gov.mode;

	/* Fault point "kill": any process but init, at any return to user code (after a
	 * call, a preemption, a fault it survived), ends as SYS_KILL would end it. */
	if (p->pid != 1 && fault_inject(RUMPK_INJ_KILL, 0)) {
		uthread_kill(p->thread);
		return; /* core_user_return ends the thread */
	}
	if (gov.mode == GOV_WAR) {
		drain(owner);
		console_poll();
	} else if (governor_tick(&gov, hal_time_ns()) != before)
		apply_mode(gov.mode);
}

static const struct uthread_ops proc_ops = {
	.doorbell = op_doorbell,
	.fault = op_fault,
	.exited = op_exited,
	.boundary = op_boundary,
};

/* ---- spawn --------------------------------------------------------------------------- */

static int refuse(const char *path, int err, const char *why)
{
	kprintf("exec: refused %s: %s\n", path, why);
	return err;
}

int proc_spawn(struct proc *parent, const char *path, const char *const *argv, uint32_t argc)
{
	struct exec_verdict v;
	struct loader_image li;
	char why[160];
	uint8_t *buf;
	size_t len;
	unsigned order;
	struct proc *p = 0;

	ensure_ready();
	for (int i = 0; i < PROC_MAX && !p; i++)
		if (procs[i].slot_state == P_FREE)
			p = &procs[i];
	if (!p)
		return -RUMPK_EAGAIN;
	int err = exec_read(path, &buf, &len, &order);
	if (err)
		return err;
	/* Fault point "slowexec": verification delayed, as by a large file or a slow CPU; the
	 * caller's fiber sleeps (a kill cuts it short: the spawn then ends with EKILLED). */
	uint64_t r;
	if (fault_inject(RUMPK_INJ_SLOWEXEC, &r) &&
	    sched_sleep_until(hal_time_ns() + 1 + r % SLOWEXEC_MAX_NS) == -RUMPK_EKILLED) {
		page_free(buf, order);
		return -RUMPK_EKILLED;
	}
	/* Fault point "leak", test-only (named explicitly, never by all=): a planted bug that
	 * loses one page per injected spawn, for the swarm to find and shrink. */
	if (fault_inject(RUMPK_INJ_LEAK, 0))
		(void)page_alloc(0);
	err = exec_check_cached(buf, len, &v, why, sizeof(why));
	if (err) {
		page_free(buf, order);
		return refuse(path, v.refused == EXEC_REFUSED_SIGN ? -RUMPK_EPERM : -RUMPK_ENOEXEC,
			      why);
	}

	uint32_t pid = next_pid++;
	static const uint8_t kernel_id[PROV_ID_BYTES];
	uint8_t id128[PROV_ID_BYTES];
	prov_id(parent ? parent->prov128 : kernel_id, pid, v.sign.digest, id128);
	uint64_t prov = 0;
	for (int i = 7; i >= 0; i--) /* the low half, little-endian (docs/abi.md) */
		prov = prov << 8 | id128[i];
	const struct rumpk_auxv extra[] = {
		{ RUMPK_AT_RING, USER_RING_OFFSET }, /* relative: bit 0 of extra_rel */
		{ RUMPK_AT_DOORBELL, hal_user_doorbell() },
		{ RUMPK_AT_PROV, prov },
	};
	struct loader_args la = { .argv = argv, .argc = argc, .extra = extra, .nextra = 3,
				  .extra_rel = 0x1 };
	err = loader_load(buf, v.elf_size, &la, &li);
	page_free(buf, order);
	if (err) {
		if (err == -RUMPK_ENOEXEC) {
			elf_describe(&li.elf, why, sizeof(why));
			return refuse(path, err, why);
		}
		return err;
	}

	void *ring = page_alloc(0);
	if (!ring) {
		loader_unload(&li);
		return -RUMPK_ENOMEM;
	}
	struct rumpk_ring_hdr *sq = (void *)((char *)ring + RUMPK_SQ_OFFSET);
	struct rumpk_ring_hdr *cq = (void *)((char *)ring + RUMPK_CQ_OFFSET);
	ring_format(sq, RUMPK_SQ_SLOTS);
	ring_format(cq, RUMPK_CQ_SLOTS);
	sq->flags = gov.mode == GOV_WAR ? 0 : RUMPK_RING_NEED_WAKEUP; /* the governor's mode */
	err = hal_as_share(li.as, li.user_lo + USER_RING_OFFSET, ring, HAL_PROT_R | HAL_PROT_W);
	if (err) {
		loader_unload(&li);
		page_free(ring, 0);
		return err;
	}

	kmemset(p, 0, sizeof(*p));
	p->pid = pid;
	p->ppid = parent ? parent->pid : 0;
	p->kernel_waits = !parent;
	p->prov = prov;
	kmemcpy(p->prov128, id128, sizeof(id128));
	p->as = li.as;
	p->user_lo = li.user_lo;
	p->user_hi = li.user_hi;
	p->stack_lo = li.stack_lo;
	p->stack_hi = li.stack_hi;
	p->base = li.base;
	p->image_end = li.base + li.elf.hi;
	p->heap_lo = p->heap_end = li.user_lo + USER_HEAP_OFFSET;
	p->ring = ring;
	sys_rings_own(&p->rings, sq, RUMPK_SQ_SLOTS, cq, RUMPK_CQ_SLOTS);
	if (trace_level)
		p->rings.refused = trace_refused;
	sysfile_init(&p->files, li.as);
	waitq_init(&p->children);
	const char *name = argv && argc && argv[0] ? argv[0] : path;
	const char *slash = name;
	for (const char *c = name; *c; c++)
		if (*c == '/')
			slash = c + 1;
	ksnprintf(p->name, sizeof(p->name), "%s", slash);
	char wname[RING_WATCH_NAME_MAX];
	ksnprintf(wname, sizeof(wname), "pid %u sq", pid);
	ring_watch_add(&p->w_sq, wname, RING_WATCH_PACKETS, RUMPK_SQ_SLOTS, &sq->tail, &sq->head);
	ksnprintf(wname, sizeof(wname), "pid %u cq", pid);
	ring_watch_add(&p->w_cq, wname, RING_WATCH_PACKETS, RUMPK_CQ_SLOTS, &cq->tail, &cq->head);
	p->slot_state = P_LIVE;
	st.live++;
	st.spawned++;
	if (TRACE_ON(RUMPK_TRACE_SYS)) /* before its thread can run and make records */
		trace_rec_spawn(pid, p->ppid, p->name, argv, argc);
	p->thread = uthread_start(p->name, li.as, li.entry, li.sp, &proc_ops, p, &err);
	if (!p->thread) {
		/* nothing ran: undo by hand (op_exited never comes) */
		st.live--;
		st.spawned--;
		p->slot_state = P_FREE;
		ring_watch_del(&p->w_sq);
		ring_watch_del(&p->w_cq);
		loader_space_destroy(li.as);
		page_free(ring, 0);
		kmemset(p, 0, sizeof(*p));
		return err;
	}
	return (int)pid;
}

int proc_wait_exit(int pid)
{
	struct proc *p = find((uint32_t)pid, 0);

	ensure_ready();
	if (!p || !p->kernel_waits)
		return -RUMPK_ESRCH;
	while (p->slot_state != P_ZOMBIE)
		sched_wait(&kernel_waiters);
	int status = p->status;
	free_slot(p);
	return status;
}

int proc_list(struct rumpk_procinfo *out, int max)
{
	int n = 0;
	for (int i = 0; i < PROC_MAX && n < max; i++)
		if (procs[i].slot_state != P_FREE)
			fill_info(&procs[i], &out[n++]);
	return n;
}

void proc_halt_ends_init(void)
{
	halt_ends_init = 1;
}

int proc_end_all(uint64_t timeout_ns)
{
	uint64_t deadline = hal_time_ns() + timeout_ns;

	for (int i = 0; i < PROC_MAX; i++)
		if (procs[i].slot_state == P_LIVE && procs[i].thread)
			uthread_kill(procs[i].thread);
	while (st.live && hal_time_ns() < deadline)
		sched_sleep_until(hal_time_ns() + 1000000); /* they end on their own fibers */
	return st.live ? -RUMPK_ETIMEDOUT : 0;
}

uint32_t proc_current_pid(void)
{
	struct uthread *t = uthread_current();
	for (int i = 0; t && i < PROC_MAX; i++)
		if (procs[i].slot_state == P_LIVE && procs[i].thread == t)
			return procs[i].pid;
	return 0;
}

int proc_war_mode(void)
{
	return gov.mode == GOV_WAR;
}

void proc_stats(struct proc_stats *out)
{
	*out = st;
}
