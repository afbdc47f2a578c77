/*
 * bench_exec.c — what the kernel pays to accept a program (issue C): the private copy of
 * the file (page_alloc + copy, as exec_read makes it), sign_verify (src/core/sign.c:
 * Ed25519 under the built-in keys, then the SHA-512 image digest) and loader_load
 * (src/core/loader.c: elf_validate, then mapping, relocating and the initial stack) into a
 * fresh hosted address space, then loader_unload. The program is a signed copy of
 * build/hosted/programs/ldtest.elf made by rumpk_sign at build time (bench/CMakeLists.txt).
 *
 * Peers, each timed alternately with it in the same process (ABBA order, bench_abba.h):
 *   sha512              libsodium's crypto_hash_sha512 over the same bytes (the whole signed
 *                       file): the floor of any check that reads the file once;
 *   Linux spawn..reap   posix_spawn + waitpid of exec_nop, a static glibc program that
 *                       returns 0 at once: Linux creates a process (glibc's posix_spawn is
 *                       a vfork-style clone), execs the file, runs it to exit and reaps it.
 * That last pair is NOT like for like: the rumpk side only accepts the image (copy, verify,
 * validate, map, relocate, build the stack, unmap). It creates no process, never runs the
 * program and has nothing to reap, and the Linux side checks no signature. Its line says
 * so. A real exec-to-exit comparison needs processes, which a later issue brings.
 * The part of a verify that does not grow with the file (Ed25519's point decompression and
 * double scalar multiplication, hashing R and A, the key lookup) is "ed25519 fixed":
 * sign_verify of a signed 0-byte file. Subtracting it leaves the size-dependent work, which
 * is what can be compared with one SHA-512 pass.
 *
 * Lines (goal from the issue: verify+validate+load <= 1.05x SHA-512 + the fixed cost):
 *   exec: verify+validate+load / sha512 = R
 *   exec: ed25519 fixed / sha512 = R
 *   exec: (verify+validate+load - ed25519 fixed) / sha512 = R     the goal's ratio
 *   exec: (sign_verify - ed25519 fixed) / sha512 = R              the verify alone
 *   exec: (ed25519 check - ed25519 fixed) / sha512 = R            its Ed25519 call alone
 *   exec: Linux spawn+exec+exit+reap / rumpk accept only (verify+validate+load+unload) = R
 *   exec: the line above is not like for like: ...                 and why
 *   exec: per op: ...                                             where the time goes
 *
 * Runs the real core (allocator, sign.c, elf.c, loader.c) and the hosted HAL's address
 * spaces (hal_as.c) without core_main. loader_load needs boot_info() (AT_RANDOM), which
 * only core_main sets, so the link wraps it (-Wl,--wrap=boot_info, bench/CMakeLists.txt):
 * the core's calls reach __wrap_boot_info below and get this file's boot info.
 */
#include <errno.h>
#include <sodium.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "bench_abba.h"
#include "host.h"
#include "hosted_as.h"
#include "kprintf.h"
#include "loader.h"
#include "mem.h"
#include "sign.h"

#if !defined(RUMPK_EXEC_PROGRAM) || !defined(RUMPK_EXEC_EMPTY) || !defined(RUMPK_EXEC_SPAWN)
#error "RUMPK_EXEC_PROGRAM, RUMPK_EXEC_EMPTY, RUMPK_EXEC_SPAWN come from bench/CMakeLists.txt"
#endif

static struct rumpk_boot_info bi;

const struct rumpk_boot_info *__wrap_boot_info(void);
const struct rumpk_boot_info *__wrap_boot_info(void)
{
	return &bi;
}

struct blob {
	uint8_t *p;
	size_t len;
};

static struct blob prog, empty; /* the signed ldtest, a signed 0-byte file */
static unsigned prog_order;     /* page_alloc order of prog's private copy */
static uint8_t *prog_copy;      /* a private copy kept for the verify-only loop */
static volatile uint64_t sink;

static const char *const ld_argv[] = { "ldtest", "one", "two" };
static const char *const ld_envp[] = { "RUMPK=1" };
static const struct loader_args ld_args = { .argv = ld_argv, .argc = 3, .envp = ld_envp, .envc = 1 };

static void read_blob(const char *path, struct blob *b)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "bench_exec: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	b->len = (size_t)n;
	b->p = malloc(b->len ? b->len : 1);
	if (!b->p || fread(b->p, 1, b->len, f) != b->len) {
		fprintf(stderr, "bench_exec: cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
}

static unsigned order_for(size_t len)
{
	unsigned k = 0;
	while ((PAGE_SIZE << k) < len)
		k++;
	return k;
}

/* The kernel's private copy: fresh zeroed pages, the whole file copied in. */
static uint8_t *private_copy(const struct blob *b, unsigned order)
{
	uint8_t *c = page_alloc(order);
	if (!c) {
		fprintf(stderr, "bench_exec: page_alloc(%u) failed\n", order);
		exit(1);
	}
	memcpy(c, b->p, b->len);
	return c;
}

static void verify(const uint8_t *copy, size_t len, struct sign_result *res)
{
	if (sign_verify(copy, len, &sign_trusted_keys, res)) {
		char why[200];
		fprintf(stderr, "bench_exec: sign_verify refused the program: %s\n",
			sign_describe(res, why, sizeof(why)));
		exit(1);
	}
}

static void load(const uint8_t *copy, size_t len, struct loader_image *li)
{
	int err = loader_load(copy, len, &ld_args, li);
	if (err) {
		char why[200];
		elf_describe(&li->elf, why, sizeof(why));
		fprintf(stderr, "bench_exec: loader_load failed: %s (%s)\n", rumpk_strerror(err),
			why);
		exit(1);
	}
}

/* A: the whole acceptance of one program, as exec.c does it (exec_read's copy, the
 * signature, then the ELF: loader_load validates before it maps). */
static uint64_t run_exec(uint64_t n)
{
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		struct sign_result res;
		struct loader_image li;
		uint8_t *copy = private_copy(&prog, prog_order);
		verify(copy, prog.len, &res);
		load(copy, (size_t)res.signed_size, &li);
		sink += li.entry;
		loader_unload(&li);
		page_free(copy, prog_order);
	}
	return bench_now_ns() - t0;
}

/* B: one SHA-512 pass over the same bytes. */
static uint64_t run_sha512(uint64_t n)
{
	unsigned char h[crypto_hash_sha512_BYTES];
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		crypto_hash_sha512(h, prog.p, prog.len);
		sink += h[0];
	}
	return bench_now_ns() - t0;
}

/* The fixed Ed25519 cost: sign_verify of a signed 0-byte file. */
static uint64_t run_fixed(uint64_t n)
{
	struct sign_result res;
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		verify(empty.p, empty.len, &res);
		sink += res.digest[0];
	}
	return bench_now_ns() - t0;
}

/* sign_verify alone, on a private copy made once. */
static uint64_t run_verify(uint64_t n)
{
	struct sign_result res;
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		verify(prog_copy, prog.len, &res);
		sink += res.digest[0];
	}
	return bench_now_ns() - t0;
}

/* The Ed25519 check alone (sign_check_signature, the kernel's one Ed25519 call) over the
 * program's signed bytes: its size-dependent part is the SHA-512 of R || A || M. */
static struct rumpk_sig_trailer prog_trailer;
static const uint8_t *prog_pk;

static uint64_t run_ed25519(uint64_t n)
{
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 0; i < n; i++)
		if (sign_check_signature(prog_trailer.signature, sizeof(prog_trailer.signature),
					 prog.p, (size_t)prog_trailer.signed_size, prog_pk)) {
			fprintf(stderr, "bench_exec: sign_check_signature refused the program\n");
			exit(1);
		}
	return bench_now_ns() - t0;
}

/* C: start a static program and wait for it. */
static uint64_t run_spawn(uint64_t n)
{
	char *const argv[] = { (char *)"exec_nop", NULL };
	char *const envp[] = { NULL };
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		pid_t pid;
		int st, r = posix_spawn(&pid, RUMPK_EXEC_SPAWN, NULL, NULL, argv, envp);
		if (r) {
			fprintf(stderr, "bench_exec: posix_spawn %s: %s\n", RUMPK_EXEC_SPAWN,
				strerror(r));
			exit(1);
		}
		while (waitpid(pid, &st, 0) < 0)
			if (errno != EINTR) {
				perror("bench_exec: waitpid");
				exit(1);
			}
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "bench_exec: %s ended with status %#x\n", RUMPK_EXEC_SPAWN, st);
			exit(1);
		}
	}
	return bench_now_ns() - t0;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), bench_cmp_double);
	return v[n / 2];
}

/*
 * bench_minus — like abba_pairs, in rounds of three: a(n), f(n), b(n) in even rounds and
 * b(n), f(n), a(n) in odd ones, and the ratio (a - f) / b of each round. Prints
 *   <name>: (<a_name> - <f_name>) / <b_name> = R (median of P rounds, range LO..HI; ...)
 * and returns the median.
 */
static double bench_minus(const char *name, const char *a_name, uint64_t (*a)(uint64_t),
			  const char *f_name, uint64_t (*f)(uint64_t), const char *b_name,
			  uint64_t (*b)(uint64_t), uint64_t n, int rounds)
{
	double r[64], ta[64], tf[64], tb[64];
	if (rounds > 64)
		rounds = 64;
	a(n / 10 + 1);
	f(n / 10 + 1);
	b(n / 10 + 1);
	for (int i = 0; i < rounds; i++) {
		if (i & 1) {
			tb[i] = (double)b(n);
			tf[i] = (double)f(n);
			ta[i] = (double)a(n);
		} else {
			ta[i] = (double)a(n);
			tf[i] = (double)f(n);
			tb[i] = (double)b(n);
		}
		r[i] = (ta[i] - tf[i]) / tb[i];
	}
	double med = median(r, rounds);
	printf("%s: (%s - %s) / %s = %.3f (median of %d ABBA rounds, range %.3f..%.3f; %s %.1f ns/op, "
	       "%s %.1f ns/op, %s %.1f ns/op)\n",
	       name, a_name, f_name, b_name, med, rounds, r[0], r[rounds - 1], a_name,
	       median(ta, rounds) / (double)n, f_name, median(tf, rounds) / (double)n, b_name,
	       median(tb, rounds) / (double)n);
	fflush(stdout);
	return med;
}

/* Where the time of run_exec goes: each step timed on its own, n ops a run. elf_validate
 * runs inside loader_load; it is timed once more apart (t[4]) to show its share. */
static void breakdown(uint64_t n, int runs)
{
	double t[5][64];
	if (runs > 64)
		runs = 64;
	for (int r = 0; r < runs; r++) {
		uint64_t sum[5] = { 0, 0, 0, 0, 0 };
		for (uint64_t i = 0; i < n; i++) {
			struct sign_result res;
			struct loader_image li;
			struct elf_image ei;
			uint64_t t0 = bench_now_ns();
			uint8_t *copy = private_copy(&prog, prog_order);
			uint64_t t1 = bench_now_ns();
			verify(copy, prog.len, &res);
			uint64_t t2 = bench_now_ns();
			load(copy, (size_t)res.signed_size, &li);
			uint64_t t3 = bench_now_ns();
			loader_unload(&li);
			page_free(copy, prog_order);
			uint64_t t4 = bench_now_ns();
			if (elf_validate(prog.p, (size_t)res.signed_size, &ei)) {
				fprintf(stderr, "bench_exec: elf_validate refused the program\n");
				exit(1);
			}
			uint64_t t5 = bench_now_ns();
			sum[0] += t1 - t0;
			sum[1] += t2 - t1;
			sum[2] += t3 - t2;
			sum[3] += t4 - t3;
			sum[4] += t5 - t4;
		}
		for (int k = 0; k < 5; k++)
			t[k][r] = (double)sum[k] / (double)n;
	}
	printf("exec: per op (median of %d runs of %llu): private copy %.0f ns, sign_verify %.0f "
	       "ns, loader_load %.0f ns (of which elf_validate %.0f ns), loader_unload + page_free "
	       "%.0f ns\n",
	       runs, (unsigned long long)n, median(t[0], runs), median(t[1], runs),
	       median(t[2], runs), median(t[4], runs), median(t[3], runs));
	fflush(stdout);
}

int main(void)
{
	const uint64_t ram_size = 64ull << 20;
	struct hosted_as_stats as0, as1;
	struct mem_stats m0, m1;
	struct sign_result res;
	struct loader_image li;
	char why[128];

	host_time_init();
	host_signals_init();
	bi.version = RUMPK_BOOT_INFO_VERSION;
	bi.nmem = 1;
	bi.mem[0].base = (uint64_t)(uintptr_t)host_ram_alloc(ram_size, 4096);
	bi.mem[0].size = ram_size;
	host_entropy(bi.entropy, sizeof(bi.entropy));
	if (!bi.mem[0].base || mem_init(&bi, why, sizeof(why))) {
		fprintf(stderr, "bench_exec: cannot set up the core: %s\n", why);
		return 1;
	}

	read_blob(RUMPK_EXEC_PROGRAM, &prog);
	read_blob(RUMPK_EXEC_EMPTY, &empty);
	prog_order = order_for(prog.len);
	prog_copy = private_copy(&prog, prog_order);

	/* What is measured, once, checked: the program verifies and loads. */
	hosted_as_stats(&as0);
	mem_stats(&m0);
	verify(prog_copy, prog.len, &res);
	load(prog_copy, (size_t)res.signed_size, &li);
	hosted_as_stats(&as1);
	printf("exec: %s: %zu bytes (%llu of ELF + the 96-byte trailer), key %s, %u PT_LOADs, "
	       "%llu relocations, %llu KiB mapped with the stack\n",
	       RUMPK_EXEC_PROGRAM, prog.len, (unsigned long long)res.signed_size,
	       res.key && res.key->name ? res.key->name : "?", li.elf.nloads,
	       (unsigned long long)li.elf.rela_count,
	       (unsigned long long)((as1.mapped_bytes - as0.mapped_bytes) >> 10));
	loader_unload(&li);
	memcpy(&prog_trailer, prog.p + prog.len - sizeof(prog_trailer), sizeof(prog_trailer));
	prog_pk = res.key->pk;
	verify(empty.p, empty.len, &res);

	int full = bench_full();
	uint64_t n = full ? 1000 : 20;
	int pairs = full ? 21 : 3;
	abba_pairs("exec", "verify+validate+load", run_exec, "sha512", run_sha512, n, pairs);
	abba_pairs("exec", "ed25519 fixed", run_fixed, "sha512", run_sha512, n, pairs);
	bench_minus("exec", "verify+validate+load", run_exec, "ed25519 fixed", run_fixed, "sha512",
		    run_sha512, n, pairs);
	bench_minus("exec", "sign_verify", run_verify, "ed25519 fixed", run_fixed, "sha512",
		    run_sha512, n, pairs);
	bench_minus("exec", "ed25519 check", run_ed25519, "ed25519 fixed", run_fixed, "sha512",
		    run_sha512, n, pairs);
	/* Not an exec against an exec: see the top of this file. */
	abba_pairs("exec", "Linux spawn+exec+exit+reap", run_spawn,
		   "rumpk accept only (verify+validate+load+unload)", run_exec, full ? 400 : 5, pairs);
	printf("exec: the line above is not like for like: Linux creates a process, runs a static "
	       "no-op to exit and reaps it; rumpk creates no process and never runs the image, and "
	       "Linux checks no signature (a real exec-to-exit needs processes)\n");
	breakdown(n, pairs);

	/* Every load was undone: no space, mapping or page left behind. */
	page_free(prog_copy, prog_order);
	hosted_as_stats(&as1);
	mem_stats(&m1);
	if (as1.spaces != as0.spaces || as1.mapped_bytes != as0.mapped_bytes ||
	    m1.free_pages + m1.cached_pages != m0.free_pages + m0.cached_pages + (1u << prog_order)) {
		fprintf(stderr, "bench_exec: leaked: %llu spaces, %llu bytes mapped, %lld pages\n",
			(unsigned long long)(as1.spaces - as0.spaces),
			(unsigned long long)(as1.mapped_bytes - as0.mapped_bytes),
			(long long)(m0.free_pages + m0.cached_pages + (1u << prog_order)) -
				(long long)(m1.free_pages + m1.cached_pages));
		return 1;
	}
	return 0;
}
