/*
 * uptr [-v] — the user-pointer suite (in the spirit of xv6's usertests): every system call
 * that takes a user address is handed addresses the program does not own, and each must
 * be answered "bad address" (-RUMPK_EFAULT): never a kill, never a kernel panic, never a
 * partial copy. The bad addresses:
 *
 *   address 0; an unmapped page low in its own range; the page after its ring page; the
 *   kernel's code (bare metal: the kernel's first instruction; the sim: the doorbell, which
 *   is the sim's code); the top page of the 64-bit address space; 2^38 (the first address
 *   above Sv39's lower half) and 2^47 (above a 48-bit lower half); its own buffer with a
 *   tag in the top byte (aarch64 TBI would let the CPU use it; the kernel must not);
 *   its user range's last 8 bytes with 16 asked (crossing the end), the end itself; the
 *   last 8 bytes of its heap with 16 asked (crossing into an unmapped page); a range
 *   that wraps around 2^64.
 *
 * Strings (paths, argv): a string that runs off the end of its heap with no NUL is a bad
 * address; the same string with its NUL on the heap's last byte is an ordinary path (not
 * found). Reading a file into its own code (read-only) is a bad address. The kernel's free
 * pages, objects and open handles must be the same after every check as before the first.
 *
 * Prints one line per failed check (all of them with -v), then the summary; exit 0 when
 * every check passed, 1 otherwise.
 */
#include <nexus.h>
#include <stdio.h>
#include <string.h>

static int verbose, checks, failed;

static uintptr_t opaque(uintptr_t a)
{
	__asm__ volatile("" : "+r"(a));
	return a;
}

static void expect(const char *call, const char *what, uint64_t addr, int64_t got, int64_t want)
{
	checks++;
	if (got == want && !verbose)
		return;
	if (got != want)
		failed++;
	char res[48];
	if (got < 0)
		snprintf(res, sizeof(res), "%s", nexus_strerror(got));
	else
		snprintf(res, sizeof(res), "accepted (%lld)", (long long)got);
	printf("uptr: %s %s with %s (%#llx): %s%s%s\n", got == want ? "ok" : "FAIL:", call, what,
	       (unsigned long long)addr, res, got == want ? "" : ", want ",
	       got == want ? "" : (want < 0 ? nexus_strerror(want) : "success"));
}

struct bad {
	uint64_t addr, len;
	const char *what;
	int str; /* also a bad string: its first byte is not the program's */
};

#define NBAD 12
static struct bad bads[NBAD];

static uint64_t kernel_va(void)
{
#if defined(__riscv)
	return 0x80200000ull; /* where OpenSBI enters the kernel */
#elif defined(__aarch64__)
	return 0xffff000040080000ull; /* the kernel's first instruction (high half) */
#else
	return nexus_getauxval(RUMPK_AT_DOORBELL); /* the sim's own code */
#endif
}

static void make_bads(uint64_t heap_end, uint64_t buf)
{
	uint64_t lo = nexus_getauxval(RUMPK_AT_USER_LO), hi = nexus_getauxval(RUMPK_AT_USER_HI);
	uint64_t ring = nexus_getauxval(RUMPK_AT_RING);
	const struct bad b[NBAD] = {
		{ 0, 16, "address 0", 1 },
		{ lo + 0x1000, 16, "an unmapped page of its range", 1 },
		{ ring + 4096, 16, "the page after its ring page", 1 },
		{ kernel_va(), 16, "the kernel's code", 1 },
		{ 0xfffffffffffff000ull, 16, "the top page of the address space", 1 },
		{ 1ull << 38, 16, "2^38, above Sv39's lower half", 1 },
		{ 1ull << 47, 16, "2^47, above a 48-bit lower half", 1 },
		{ buf | 0x5a00000000000000ull, 16, "its own buffer with a tag in the top byte", 1 },
		{ hi - 8, 16, "a range crossing the end of its user range", 1 },
		{ hi, 16, "the end of its user range", 1 },
		{ heap_end - 8, 16, "a range crossing the end of its heap", 0 },
		{ 0xfffffffffffffff8ull, 16, "a range wrapping around 2^64", 1 },
	};
	memcpy(bads, b, sizeof(b));
}

static int64_t call(uint16_t kind, uint32_t a, uint32_t b, uint64_t arg)
{
	return nexus_call(kind, a, b, arg, NULL);
}

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	verbose = argc == 2 && strcmp(argv[1], "-v") == 0;
	if (argc > 1 && !verbose) {
		fprintf(stderr, "uptr: usage: uptr [-v]\n");
		return 2;
	}

	/* Its heap: one page; its last 10 bytes are a string without a NUL. */
	int64_t heap = call(RUMPK_SYS_HEAP, 0, 0, 4096);
	if (heap < 0) {
		printf("uptr: no heap: %s\n", nexus_strerror(heap));
		return 1;
	}
	uint64_t heap_end = (uint64_t)heap + 4096;
	static char buf[64] __attribute__((aligned(16)));
	make_bads(heap_end, (uint64_t)(uintptr_t)buf);

	int file = nexus_open("/etc/motd", 0);
	int dir = nexus_open("/", RUMPK_O_DIRECTORY);
	if (file < 0 || dir < 0) {
		printf("uptr: cannot open /etc/motd and /: %s\n", nexus_strerror(file < 0 ? file : dir));
		return 1;
	}

	/* From here on the kernel must allocate nothing for good: counted now and at the end. */
	static struct rumpk_stats before, after;
	if (call(RUMPK_SYS_STATS, 0, sizeof(before), (uint64_t)(uintptr_t)&before) < 0) {
		printf("uptr: no stats\n");
		return 1;
	}

	static struct rumpk_stat st;
	static const char good_path[] = "/etc/motd";
	static const char *const good_argv[] = { "true", NULL };
	static uint64_t argv_words[2];
	for (int i = 0; i < NBAD; i++) {
		const struct bad *b = &bads[i];
		const int64_t E = -RUMPK_EFAULT;
		expect("write", b->what, b->addr, call(RUMPK_SYS_WRITE, 1, (uint32_t)b->len, b->addr), E);
		expect("read", b->what, b->addr, call(RUMPK_SYS_READ, file, (uint32_t)b->len, b->addr), E);
		if (b->str)
			expect("open", b->what, b->addr, call(RUMPK_SYS_OPEN, 0, 0, b->addr), E);
		expect("readdir", b->what, b->addr, call(RUMPK_SYS_READDIR, dir, 0, b->addr), E);
		expect("ps", b->what, b->addr, call(RUMPK_SYS_PS, 0, 1, b->addr), E);
		expect("stats", b->what, b->addr,
		       call(RUMPK_SYS_STATS, 0, sizeof(struct rumpk_stats), b->addr), E);

		expect("stat (block)", b->what, b->addr, call(RUMPK_SYS_STAT, 0, 0, b->addr), E);
		struct rumpk_stat_args sa = { (uint64_t)(uintptr_t)good_path, b->addr };
		expect("stat (out)", b->what, b->addr,
		       call(RUMPK_SYS_STAT, 0, 0, (uint64_t)(uintptr_t)&sa), E);
		sa = (struct rumpk_stat_args){ b->addr, (uint64_t)(uintptr_t)&st };
		if (b->str)
			expect("stat (path)", b->what, b->addr,
			       call(RUMPK_SYS_STAT, 0, 0, (uint64_t)(uintptr_t)&sa), E);

		expect("exec (block)", b->what, b->addr, call(RUMPK_SYS_EXEC, 0, 0, b->addr), E);
		argv_words[0] = (uint64_t)(uintptr_t)good_argv[0];
		struct rumpk_exec_args ea = { b->addr, (uint64_t)(uintptr_t)argv_words, 1, 0, 0 };
		if (b->str)
			expect("exec (path)", b->what, b->addr,
			       call(RUMPK_SYS_EXEC, 0, 0, (uint64_t)(uintptr_t)&ea), E);
		ea.path = (uint64_t)(uintptr_t)"/bin/true";
		ea.argv = b->addr;
		expect("exec (argv)", b->what, b->addr,
		       call(RUMPK_SYS_EXEC, 0, 0, (uint64_t)(uintptr_t)&ea), E);
		argv_words[0] = b->addr;
		ea.argv = (uint64_t)(uintptr_t)argv_words;
		if (b->str)
			expect("exec (argv[0])", b->what, b->addr,
			       call(RUMPK_SYS_EXEC, 0, 0, (uint64_t)(uintptr_t)&ea), E);
	}

	/* Strings at the end of the heap: without a NUL a bad address, with one a path. */
	char *tail = (char *)(uintptr_t)(heap_end - 10);
	memset(tail, 'a', 10);
	tail[0] = '/';
	expect("open", "a string running off its heap", heap_end - 10,
	       call(RUMPK_SYS_OPEN, 0, 0, heap_end - 10), -RUMPK_EFAULT);
	tail[9] = '\0';
	expect("open", "a string ending on its heap's last byte", heap_end - 10,
	       call(RUMPK_SYS_OPEN, 0, 0, heap_end - 10), -RUMPK_ENOENT);
	/* Reading into its own code: mapped, but not writable. */
	uint64_t code = opaque((uintptr_t)&main) & ~15ull;
	expect("read", "its own code (read-only)", code, call(RUMPK_SYS_READ, file, 16, code),
	       -RUMPK_EFAULT);
	/* A good call still works after all that. */
	expect("stat", "a good block", (uint64_t)(uintptr_t)&st,
	       nexus_stat(good_path, &st), 0);

	if (call(RUMPK_SYS_STATS, 0, sizeof(after), (uint64_t)(uintptr_t)&after) < 0) {
		printf("uptr: no stats\n");
		return 1;
	}
	nexus_close(file);
	nexus_close(dir);
	int leak = after.mem_objects != before.mem_objects ||
		   after.handles_open != before.handles_open ||
		   after.mem_free_pages != before.mem_free_pages;
	printf("uptr: %d checks, %d failed\n", checks, failed);
	if (leak) {
		printf("uptr: kernel memory changed: free pages %llu -> %llu, objects %llu -> %llu, "
		       "handles %llu -> %llu\n",
		       (unsigned long long)before.mem_free_pages,
		       (unsigned long long)after.mem_free_pages,
		       (unsigned long long)before.mem_objects, (unsigned long long)after.mem_objects,
		       (unsigned long long)before.handles_open,
		       (unsigned long long)after.handles_open);
	} else {
		printf("uptr: kernel free pages, objects and handles unchanged\n");
	}
	return failed || leak ? 1 : 0;
}
