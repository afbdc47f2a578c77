/*
 * trace.c — the kernel's trace (contract in trace.h, format in abi.h, guide docs/trace.md).
 *
 * One staging buffer of TRACE_STAGE_RECS whole records; emit() copies a record in with
 * interrupts disabled (the console's receive interrupt records too, one CPU) and hands the
 * buffer to hal_trace_write when it is full. The HAL sees whole records only, so a sink
 * that must stop (bare metal's 64 KiB) keeps a clean prefix. Records never hold an address
 * of the kernel or the host: a user pointer becomes region + offset (trace_region), and
 * the bytes a call passed in or got out become a hash (RUMPK_TRACE_HASH), because image
 * and stack offsets differ from one machine's compiler to another's while bytes do not.
 */
#include "trace.h"

#include "cmdline.h"
#include "hal.h"
#include "kprintf.h"
#include "kutil.h"
#include "param.h"
#include "syscall.h"

uint8_t trace_level;

static struct rumpk_trace_rec stage[TRACE_STAGE_RECS];
static uint32_t staged;
static int halted;

/* A zeroed record of this type about pid. */
static void start(struct rumpk_trace_rec *r, unsigned type, uint32_t pid)
{
	kmemset(r, 0, sizeof(*r));
	r->type = (uint8_t)type;
	r->pid = pid;
}

/* interrupts disabled */
static void flush(void)
{
	if (staged)
		hal_trace_write(stage, staged * sizeof(stage[0]));
	staged = 0;
}

static void emit(struct rumpk_trace_rec *r)
{
	hal_irq_state_t s = hal_irq_save();
	if (!halted) {
		r->time_us = (uint32_t)(hal_time_ns() / 1000);
		stage[staged++] = *r;
		if (staged == TRACE_STAGE_RECS)
			flush();
	}
	hal_irq_restore(s);
}

int trace_init(const char *cmdline)
{
	char v[32];
	int len = cmdline_get(cmdline, "trace", v, sizeof(v));

	trace_level = RUMPK_TRACE_OFF;
	staged = 0;
	halted = 0;
	if (len == -RUMPK_ENOENT)
		return 0;
	if (len >= 0 && kstreq(v, "sys"))
		trace_level = RUMPK_TRACE_SYS;
	else if (len >= 0 && kstreq(v, "all"))
		trace_level = RUMPK_TRACE_ALL;
	else {
		kprintf("[boot] FAIL: trace=%s%s is not a trace level: use trace=sys or trace=all\n",
			v, len == -RUMPK_ERANGE ? "..." : "");
		return -RUMPK_EINVAL;
	}
	struct rumpk_trace_hdr h;
	kmemset(&h, 0, sizeof(h));
	kmemcpy(h.magic, RUMPK_TRACE_MAGIC, sizeof(h.magic));
	h.version = RUMPK_TRACE_VERSION;
	h.rec_size = sizeof(struct rumpk_trace_rec);
	h.level = trace_level;
	const char *name = hal_name();
	for (int i = 0; i < RUMPK_TRACE_HAL_MAX - 1 && name[i]; i++)
		h.hal[i] = name[i];
	hal_trace_write(&h, sizeof(h));
	return 0;
}

unsigned trace_region(const struct trace_space *s, uint64_t addr, uint64_t *off)
{
	if (addr < 0x10000) {
		*off = addr;
		return RUMPK_TREG_LOW;
	}
	if (addr >= s->image_lo && addr < s->image_hi) {
		*off = addr - s->image_lo;
		return RUMPK_TREG_IMAGE;
	}
	if (addr >= s->heap_lo && addr < s->heap_hi) {
		*off = addr - s->heap_lo;
		return RUMPK_TREG_HEAP;
	}
	if (addr >= s->stack_lo && addr < s->stack_hi) {
		*off = s->stack_hi - addr;
		return RUMPK_TREG_STACK;
	}
	if (addr >= s->ring && addr - s->ring < RUMPK_RING_PAGE_SIZE) {
		*off = addr - s->ring;
		return RUMPK_TREG_RING;
	}
	*off = 0;
	return RUMPK_TREG_BAD;
}

/* The hash of [uaddr, uaddr + n) of the process, continuing from h; 0 if unreadable. */
static uint64_t hash_user(struct hal_as *as, uint64_t h, uint64_t uaddr, uint64_t n)
{
	uint8_t chunk[256];
	while (n) {
		size_t k = n < sizeof(chunk) ? (size_t)n : sizeof(chunk);
		if (hal_copy_from_user(as, chunk, uaddr, k))
			return 0;
		h = rumpk_trace_hash(h, chunk, k);
		uaddr += k;
		n -= k;
	}
	return h;
}

/* A user string and its NUL, continuing from h (an unreadable one adds nothing). */
static uint64_t hash_str(struct hal_as *as, uint64_t h, uint64_t uaddr)
{
	char s[VFS_PATH_MAX + 1];
	int64_t n = hal_copy_str_from_user(as, s, uaddr, sizeof(s));
	return n < 0 ? h : rumpk_trace_hash(h, s, (size_t)n + 1);
}

/* The bytes a call passed in or got out (see RUMPK_TR_PACKET in abi.h). */
static uint64_t packet_hash(const struct trace_space *s, const struct sys_call *c, int64_t res)
{
	uint64_t blk[2], h;

	switch (c->kind) {
	case RUMPK_SYS_WRITE:
	case RUMPK_SYS_READ:
		return res > 0 ? hash_user(s->as, 0, c->arg, (uint64_t)res) : 0;
	case RUMPK_SYS_READDIR: /* the entry without its size: each machine's programs differ */
		if (res != 1)
			return 0;
		h = hash_user(s->as, 0, c->arg, offsetof(struct rumpk_dirent, size));
		return hash_user(s->as, h, c->arg + offsetof(struct rumpk_dirent, name),
				 sizeof(struct rumpk_dirent) - offsetof(struct rumpk_dirent, name));
	case RUMPK_SYS_OPEN:
		return hash_str(s->as, 0, c->arg);
	case RUMPK_SYS_STAT: /* struct rumpk_stat_args: the path */
		if (hal_copy_from_user(s->as, blk, c->arg, sizeof(struct rumpk_stat_args)))
			return 0;
		return hash_str(s->as, 0, blk[0]);
	case RUMPK_SYS_EXEC: { /* struct rumpk_exec_args: the path and each argv string */
		struct rumpk_exec_args a;
		if (hal_copy_from_user(s->as, &a, c->arg, sizeof(a)))
			return 0;
		h = hash_str(s->as, 0, a.path);
		for (uint32_t i = 0; i < a.argc && i < RUMPK_EXEC_ARGC_MAX; i++) {
			uint64_t p;
			if (hal_copy_from_user(s->as, &p, a.argv + 8ull * i, 8))
				break;
			h = hash_str(s->as, h, p);
		}
		return h;
	}
	default:
		return 0;
	}
}

/* Kinds whose arg is a user address. */
static int arg_is_pointer(uint32_t kind)
{
	switch (kind) {
	case RUMPK_SYS_WRITE: case RUMPK_SYS_READ: case RUMPK_SYS_OPEN: case RUMPK_SYS_READDIR:
	case RUMPK_SYS_STAT: case RUMPK_SYS_EXEC: case RUMPK_SYS_PS: case RUMPK_SYS_STATS:
		return 1;
	default:
		return 0;
	}
}

void trace_rec_packet(const struct trace_space *s, uint32_t pid, const struct sys_call *c,
		      int64_t res, uint32_t a2)
{
	struct rumpk_trace_rec r;

	start(&r, RUMPK_TR_PACKET, pid);
	r.kind = c->kind;
	r.tag = c->tag;
	r.a = c->a;
	r.b = c->b;
	r.a2 = a2;
	r.arg = c->arg;
	if (arg_is_pointer(c->kind))
		r.arg_region = (uint8_t)trace_region(s, c->arg, &r.arg);
	r.res = (uint64_t)res;
	if (res < 0)
		r.flags |= RUMPK_TRF_ERROR;
	else if (c->kind == RUMPK_SYS_HEAP)
		r.res_region = (uint8_t)trace_region(s, (uint64_t)res, &r.res);
	r.hash = packet_hash(s, c, res);
	emit(&r);
}

void trace_rec_fault(const struct trace_space *s, uint32_t pid, uint32_t cause, uint64_t addr,
		     uint64_t pc, uint32_t access)
{
	struct rumpk_trace_rec r;

	start(&r, RUMPK_TR_FAULT, pid);
	r.kind = (uint16_t)cause;
	r.a = access;
	/* an address only for a memory access: for an illegal instruction one machine reports
	 * the pc, another 0 (hal.h: "0 if the machine gives none") */
	if (access)
		r.arg_region = (uint8_t)trace_region(s, addr, &r.arg);
	r.res_region = (uint8_t)trace_region(s, pc, &r.res);
	emit(&r);
}

void trace_rec_spawn(uint32_t pid, uint32_t ppid, const char *name, const char *const *argv,
		     uint32_t argc)
{
	struct rumpk_trace_rec r;
	char line[16];
	size_t n = 0, k = 0;

	start(&r, RUMPK_TR_SPAWN, pid);
	r.a = ppid;
	while (name[n])
		n++;
	r.hash = rumpk_trace_hash(0, name, n);
	/* what a reader sees of it: the name and as much of the arguments as fits 16 bytes */
	for (size_t i = 0; i < n && k < sizeof(line); i++)
		line[k++] = name[i];
	for (uint32_t a = 1; argv && a < argc && k < sizeof(line); a++) {
		line[k++] = ' ';
		for (const char *c = argv[a]; *c && k < sizeof(line); c++)
			line[k++] = *c;
	}
	for (size_t i = 0; i < k; i++)
		*(i < 8 ? &r.arg : &r.res) |= (uint64_t)(uint8_t)line[i] << (8 * (i & 7));
	emit(&r);
}

void trace_rec_exit(uint32_t pid, int32_t status)
{
	struct rumpk_trace_rec r;

	start(&r, RUMPK_TR_EXIT, pid);
	r.a = (uint32_t)status;
	emit(&r);
}

void trace_rec_sched(uint32_t from, uint32_t to)
{
	struct rumpk_trace_rec r;

	start(&r, RUMPK_TR_SCHED, 0);
	r.a = from;
	r.b = to;
	emit(&r);
}

void trace_rec_input(const char *bytes, size_t n)
{
	struct rumpk_trace_rec r;

	start(&r, RUMPK_TR_INPUT, 0);
	r.a = (uint32_t)n;
	r.hash = rumpk_trace_hash(0, bytes, n);
	emit(&r);
}

void trace_inject(unsigned point, uint64_t n, uint32_t pid)
{
	struct rumpk_trace_rec r;

	if (!TRACE_ON(RUMPK_TRACE_ALL))
		return;
	start(&r, RUMPK_TR_INJECT, pid);
	r.kind = (uint16_t)point;
	r.arg = n;
	emit(&r);
}

void trace_halt(int code)
{
	struct rumpk_trace_rec r;

	if (!trace_level || halted)
		return;
	start(&r, RUMPK_TR_HALT, 0);
	r.a = (uint32_t)code;
	emit(&r);
	hal_irq_state_t s = hal_irq_save();
	halted = 1; /* before the HAL writes: a panic in the sink must not come back here */
	flush();
	hal_trace_write(0, 0);
	hal_irq_restore(s);
}
