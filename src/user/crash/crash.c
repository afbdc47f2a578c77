/*
 * crash KIND — misbehaves in one way, so the kernel's containment can be seen: the
 * kernel must end the program with a message naming the fault and go on running the
 * shell and everything else.
 *
 *   null   reads address 0                          fault: read
 *   text   writes into its own code                 fault: write (code is R+X, W^X)
 *   data   jumps into its data                      fault: exec (data is R+W, W^X)
 *   ill    executes an undefined instruction        fault: illegal instruction
 *   stack  recurses without end                     fault: stack (the guard page)
 *   forge  sends one packet with another process's provenance id: the kernel answers
 *          -RUMPK_EPROV and the program goes on; prints it and exits 0
 *   wild   passes addresses it does not own to write: every one must be answered
 *          EFAULT (bad address), never a kill; prints them and exits 0
 *   kernel loads from the kernel's own code                  fault: read of kernel address
 *          (bare metal). The sim runs programs inside its own process and cannot stop
 *          this (docs/security.md): there it reads the doorbell's first byte, says so
 *          and exits 0
 *   peek   starts `crash hold OFF` (another process that fills the page at user_lo + OFF
 *          with a secret), waits until it has, then loads from user_lo + OFF in its own
 *          space, where that page is not mapped                fault: read of heap address
 *          (bare metal: the same address in every space, so a HAL that shared one page
 *          table between processes would hand over the secret; the program says so and
 *          exits 1)
 *   xstack jumps into a return instruction on its stack       fault: exec (stack is R+W)
 *   xheap  jumps into a return instruction on its heap        fault: exec (heap is R+W)
 *
 * A kind that should have ended the program but did not prints so and exits 1; an
 * unknown kind exits 2. Each kind is one small function.
 */
#include <nexus.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An address the compiler cannot see through: it must not fold or drop the access. */
static uintptr_t opaque(uintptr_t a)
{
	__asm__ volatile("" : "+r"(a));
	return a;
}

static int crash_null(void)
{
	return *(volatile int *)opaque(0);
}

static int crash_text(void)
{
	volatile uint8_t *code = (volatile uint8_t *)opaque((uintptr_t)&crash_text);
	*code = 0;
	return 0;
}

/* A return instruction in writable data: if the kernel let data execute, it would come
 * straight back and the program says so. */
static uint8_t data_code[16] __attribute__((aligned(16))) =
#if defined(__x86_64__)
	{ 0xc3 };                   /* ret */
#elif defined(__riscv)
	{ 0x82, 0x80 };             /* c.ret */
#elif defined(__aarch64__)
	{ 0xc0, 0x03, 0x5f, 0xd6 }; /* ret */
#else
#error "crash: no return instruction for this machine"
#endif

static int crash_data(void)
{
	void (*f)(void) = (void (*)(void))opaque((uintptr_t)data_code);
	f();
	return 0;
}

static int crash_ill(void)
{
#if defined(__x86_64__)
	__asm__ volatile("ud2");
#elif defined(__riscv)
	__asm__ volatile(".2byte 0"); /* the all-zero encoding is defined illegal */
#elif defined(__aarch64__)
	__asm__ volatile("udf #0");
#endif
	return 0;
}

/* Each frame keeps a buffer live across the call, so it is no tail call; `stop` is never
 * set, but the compiler cannot know (no infinite-recursion warning, no folding). */
static volatile int stop;
static int recurse(int depth)
{
	volatile char frame[256];
	frame[depth & 255] = (char)depth;
	if (stop)
		return 0;
	return recurse(depth + 1) + frame[depth & 255];
}

static int crash_stack(void)
{
	return recurse(0);
}

static int crash_forge(void)
{
	uint64_t mine = nexus_getauxval(RUMPK_AT_PROV);
	int64_t r = nexus_call_as(mine ^ 0x5a5a5a5a5a5a5a5aull, RUMPK_SYS_GETPID, 0, 0, 0, NULL);
	printf("crash forge: a packet with id %#llx instead of %#llx: %s (%lld)\n",
	       (unsigned long long)(mine ^ 0x5a5a5a5a5a5a5a5aull), (unsigned long long)mine,
	       nexus_strerror(r), (long long)r);
	int pid = nexus_getpid();
	printf("crash forge: still running, pid %d\n", pid);
	return r == -RUMPK_EPROV && pid > 0 ? 0 : 1;
}

static int crash_wild(void)
{
	static const struct {
		uint64_t addr, len;
		const char *what;
	} wild[] = {
		{ 0x1000, 16, "an unmapped page below the program" },
		{ 0xffff800000001000ull, 16, "a kernel-half address" },
		{ 0xfffffffffffff000ull, 0x2000, "a range that wraps around the address space" },
		{ 0, 1, "address 0" },
	};
	int ok = 1;
	for (unsigned i = 0; i < sizeof(wild) / sizeof(wild[0]); i++) {
		int64_t r = nexus_write(1, (const void *)(uintptr_t)wild[i].addr, wild[i].len);
		printf("crash wild: write of %llu bytes from %#llx (%s): %s\n",
		       (unsigned long long)wild[i].len, (unsigned long long)wild[i].addr,
		       wild[i].what, r < 0 ? nexus_strerror(r) : "accepted (wrong)");
		ok &= r == -RUMPK_EFAULT;
	}
	return ok ? 0 : 1;
}

#if defined(__x86_64__)
#define KERNEL_ISOLATED 0 /* the sim: programs run inside the kernel's process */
#else
#define KERNEL_ISOLATED 1
#endif

#if defined(__riscv)
#define KERNEL_VA 0x80200000ull /* the kernel's first instruction (OpenSBI enters it there) */
#elif defined(__aarch64__)
#define KERNEL_VA 0xffff000040080000ull /* the kernel's first instruction (high half) */
#endif

static int crash_kernel(void)
{
#if KERNEL_ISOLATED
	volatile uint8_t *k = (volatile uint8_t *)opaque(KERNEL_VA);
#else
	volatile uint8_t *k = (volatile uint8_t *)opaque(nexus_getauxval(RUMPK_AT_DOORBELL));
#endif
	uint8_t b = *k;
	printf("crash kernel: read %#x, a byte of the kernel's code: %s\n", b,
	       KERNEL_ISOLATED ? "the kernel is not isolated (wrong)"
			       : "the sim does not isolate the kernel from programs (docs/security.md)");
	return KERNEL_ISOLATED;
}

static int64_t heap_grow(uint64_t bytes)
{
	return nexus_call(RUMPK_SYS_HEAP, 0, 0, bytes, NULL);
}

static const struct rumpk_procinfo *find_proc(struct rumpk_procinfo *ps, int n, int pid)
{
	for (int i = 0; i < n; i++)
		if ((int)ps[i].pid == pid)
			return &ps[i];
	return NULL;
}

#define SECRET 0x5ec4e75ec4e75ec4ull
#define PEEK_GAP (1ull << 20) /* how far above the peeker's heap the holder's page is */
#define WAIT_STEPS 500        /* 10 ms each */

static int crash_peek(void)
{
	uint64_t lo = nexus_getauxval(RUMPK_AT_USER_LO);
	int64_t mine = heap_grow(4096);
	if (mine < 0) {
		printf("crash peek: no heap: %s\n", nexus_strerror(mine));
		return 1;
	}
	uint64_t off = (uint64_t)mine + 4096 + PEEK_GAP - lo;
	char arg[24];
	snprintf(arg, sizeof(arg), "%llu", (unsigned long long)off);
	const char *const argv[] = { "crash", "hold", arg, NULL };
	int pid = nexus_spawn("/bin/crash", argv);
	if (pid < 0) {
		printf("crash peek: cannot start the holder: %s\n", nexus_strerror(pid));
		return 1;
	}
	/* The holder is ready once its heap reaches past the page (ps shows heap bytes). */
	static struct rumpk_procinfo ps[64];
	int ready = 0;
	for (int step = 0; step < WAIT_STEPS && !ready; step++) {
		int n = nexus_ps(ps, 64);
		const struct rumpk_procinfo *h = find_proc(ps, n, pid);
		if (!h || h->state == RUMPK_PROC_ZOMBIE)
			break;
		ready = h->heap >= PEEK_GAP + 4096;
		if (!ready)
			nexus_sleep_ns(10000000);
	}
	if (!ready) {
		printf("crash peek: the holder never filled its page\n");
		nexus_kill(pid);
		nexus_wait(pid, NULL, 0);
		return 1;
	}
	fflush(stdout);
	uint64_t got = *(volatile uint64_t *)opaque(lo + off);
	printf("crash peek: read %#llx from another process's page: %s\n",
	       (unsigned long long)got, got == SECRET ? "its secret (not isolated)" : "not its secret");
	nexus_kill(pid);
	nexus_wait(pid, NULL, 0);
	return 1;
}

/* The other half of peek: fill the page at user_lo + OFF (growing the heap up to it), then
 * stay until the peeker is gone (killed for its read), at most WAIT_STEPS * 10 ms. */
static int crash_hold(const char *offarg)
{
	uint64_t target = nexus_getauxval(RUMPK_AT_USER_LO) + strtoull(offarg, NULL, 10);
	int64_t at;
	do {
		at = heap_grow(64 << 10);
	} while (at >= 0 && (uint64_t)at + (64 << 10) <= target);
	if (at < 0 || (uint64_t)at > target)
		return 1;
	*(volatile uint64_t *)opaque(target & ~7ull) = SECRET;
	static struct rumpk_procinfo ps[64];
	int me = nexus_getpid();
	for (int step = 0; step < WAIT_STEPS; step++) {
		int n = nexus_ps(ps, 64);
		const struct rumpk_procinfo *self = find_proc(ps, n, me);
		if (!self || self->ppid == 0 || !find_proc(ps, n, (int)self->ppid) ||
		    find_proc(ps, n, (int)self->ppid)->state == RUMPK_PROC_ZOMBIE)
			return 0;
		nexus_sleep_ns(10000000);
	}
	return 0;
}

static int run_code(uint8_t *where)
{
	for (unsigned i = 0; i < sizeof(data_code); i++)
		where[i] = data_code[i];
	void (*f)(void) = (void (*)(void))opaque((uintptr_t)where);
	f();
	return 0;
}

static int crash_xstack(void)
{
	uint8_t code[16] __attribute__((aligned(16)));
	return run_code(code);
}

static int crash_xheap(void)
{
	int64_t at = heap_grow(4096);
	if (at < 0)
		return 1;
	return run_code((uint8_t *)(uintptr_t)at);
}

static const struct {
	const char *name;
	int (*run)(void);
	int returns; /* 1: the kind ends normally (forge, wild) */
} kinds[] = {
	{ "null", crash_null, 0 },   { "text", crash_text, 0 },   { "data", crash_data, 0 },
	{ "ill", crash_ill, 0 },     { "stack", crash_stack, 0 }, { "forge", crash_forge, 1 },
	{ "wild", crash_wild, 1 },   { "kernel", crash_kernel, !KERNEL_ISOLATED },
	{ "peek", crash_peek, 0 },   { "xstack", crash_xstack, 0 }, { "xheap", crash_xheap, 0 },
};

int main(int argc, char **argv, char **envp)
{
	if (argc == 3 && strcmp(argv[1], "hold") == 0)
		return crash_hold(argv[2]);
	const char *kind = argc == 2 ? argv[1] : "";
	for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(kind, kinds[i].name) != 0)
			continue;
		fflush(stdout);
		int r = kinds[i].run();
		if (kinds[i].returns)
			return r;
		fprintf(stderr, "crash %s: still running: the fault was not caught\n", kind);
		return 1;
	}
	fprintf(stderr, "crash: %s%s (usage: crash null|text|data|ill|stack|forge|wild|kernel|peek|xstack|xheap)\n",
		argc == 2 ? "unknown kind " : "no kind", argc == 2 ? kind : "");
	return 2;
}
