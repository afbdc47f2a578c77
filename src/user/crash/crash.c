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
 *
 * A kind that should have ended the program but did not prints so and exits 1; an
 * unknown kind exits 2. Each kind is one small function.
 */
#include <nexus.h>
#include <stdio.h>
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

static const struct {
	const char *name;
	int (*run)(void);
	int returns; /* 1: the kind ends normally (forge, wild) */
} kinds[] = {
	{ "null", crash_null, 0 },   { "text", crash_text, 0 },   { "data", crash_data, 0 },
	{ "ill", crash_ill, 0 },     { "stack", crash_stack, 0 }, { "forge", crash_forge, 1 },
	{ "wild", crash_wild, 1 },
};

int main(int argc, char **argv, char **envp)
{
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
	fprintf(stderr, "crash: %s%s (usage: crash null|text|data|ill|stack|forge|wild)\n",
		argc == 2 ? "unknown kind " : "no kind", argc == 2 ? kind : "");
	return 2;
}
