/*
 * test_loader.c — the loader (src/core/loader.c) mapping the real programs into hosted
 * address spaces (the hosted HAL's hal_as.c, linked through the fake HAL).
 *
 * Covered: the image at user_lo + USER_IMAGE_OFFSET; every segment's bytes equal to the
 * file with the relocations applied, and every relocated pointer read back through
 * hal_copy_from_user pointing into the image; .bss zero even where the file holds other
 * bytes after a segment's data; final permissions seen three ways (the HAL's record, the
 * copy calls' results, the host's /proc/self/maps), RELRO read-only; the stack: alignment,
 * argc/argv/envp, every auxv value, AT_RANDOM equal to the documented derivation; the
 * program actually running in place (crt0 -> main -> nexus_exit) and passing its own
 * checks; loading into a caller's space; and every failure (refused ELF, ET_EXEC that does
 * not fit, argument limits, a small or occupied caller's space, and each HAL call failing
 * in turn by fault injection) leaving no space, mapping or page behind.
 */
#define _GNU_SOURCE
#include <check.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include "boot.h"
#include "fake_hal.h"
#include "hosted_as.h"
#include "loader.h"
#include "mem.h"

#ifndef RUMPK_PROGRAMS_DIR
#error "RUMPK_PROGRAMS_DIR: build/<preset>/programs (tests/unit/CMakeLists.txt)"
#endif

#define PG 4096ull

static struct rumpk_boot_info bi;
static uint8_t *prog;
static size_t prog_size;
static struct hosted_as_stats as0;
static struct mem_stats mem0;

static const char *const argv3[] = { "ldtest", "one", "two" };
static const char *const envp1[] = { "RUMPK=1" };
static const struct loader_args ldtest_args = { .argv = argv3, .argc = 3, .envp = envp1, .envc = 1 };

/* The boot runs up to the memory stage (failstage=timer ends it there): boot_info() and
 * the page allocator are live, as they are when the loader stage runs. */
static void setup(void)
{
	fake_reset();
	fake_boot_info(&bi, "failstage=timer");
	for (size_t i = 0; i < sizeof(bi.entropy); i++)
		bi.entropy[i] = (uint8_t)(0x40 + i * 3);
	fake_run_core(&bi);
	ck_assert_ptr_eq(boot_info(), &bi);
	prog = fake_read_file(RUMPK_PROGRAMS_DIR "/ldtest.elf", &prog_size);
	hosted_as_stats(&as0);
	mem_stats(&mem0);
}

static void teardown(void)
{
	free(prog);
}

/* Nothing the loader made is left: spaces, ranges, bytes, kernel pages and objects. */
static void expect_nothing_left(void)
{
	struct hosted_as_stats as;
	struct mem_stats m;

	hosted_as_stats(&as);
	mem_stats(&m);
	ck_assert_uint_eq(as.spaces, as0.spaces);
	ck_assert_uint_eq(as.ranges, as0.ranges);
	ck_assert_uint_eq(as.mapped_bytes, as0.mapped_bytes);
	ck_assert_uint_eq(m.free_pages, mem0.free_pages);
	ck_assert_uint_eq(m.live_objects, mem0.live_objects);
}

static uint64_t rd64(struct hal_as *as, uint64_t va)
{
	uint64_t v;
	ck_assert_msg(hal_copy_from_user(as, &v, va, 8) == 0, "cannot read %#llx",
		      (unsigned long long)va);
	return v;
}

/* ---- running a program in place -------------------------------------------------------- */

static sigjmp_buf back;
static volatile uint64_t exit_status, exit_pc;

/* nexus_exit's ud2 (or any other fault of the program) ends up here, on the alternate
 * stack: the status is in rdi, as libnexus documents until the doorbell exists. */
static void on_program_trap(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	exit_status = sig == SIGILL ? (uint64_t)uc->uc_mcontext.gregs[REG_RDI]
				    : 1000 + (uint64_t)sig;
	exit_pc = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
	siglongjmp(back, 1);
}

/* Jumps to the entry with the loader's stack pointer, like a user-mode entry would. */
static void __attribute__((noinline, noreturn)) enter(uint64_t entry, uint64_t sp)
{
	__asm__ volatile("movq %1, %%rsp\n\t"
			 "xorl %%ebp, %%ebp\n\t"
			 "jmpq *%0" ::"r"(entry), "r"(sp) : "memory");
	__builtin_unreachable();
}

static int run(const struct loader_image *li)
{
	static uint8_t altstack[64 * 1024];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) }, old_ss;
	struct sigaction sa, old_ill, old_segv;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_program_trap;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	ck_assert_int_eq(sigaltstack(&ss, &old_ss), 0);
	sigaction(SIGILL, &sa, &old_ill);
	sigaction(SIGSEGV, &sa, &old_segv);
	if (sigsetjmp(back, 1) == 0)
		enter(li->entry, li->sp);
	sigaction(SIGILL, &old_ill, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaltstack(&old_ss, NULL);
	return (int)exit_status;
}

/* ---- a successful load ------------------------------------------------------------------ */

START_TEST(maps_ldtest_as_linked)
{
	struct loader_image li;
	struct elf_image e;
	char perms[5];

	ck_assert_int_eq(elf_validate(prog, prog_size, &e), 0);
	/* bytes in the file right after the data segment's file data belong to no segment:
	 * poison them, so a loader copying more than p_filesz would leave them in .bss */
	const struct elf_seg *d = &e.loads[3];
	ck_assert(d->offset + d->filesz + 64 <= prog_size);
	memset(prog + d->offset + d->filesz, 0xaa, 64);
	ck_assert_int_eq(elf_validate(prog, prog_size, &e), 0);

	ck_assert_int_eq(loader_load(prog, prog_size, &ldtest_args, &li), 0);
	ck_assert_uint_eq(li.base, li.user_lo + USER_IMAGE_OFFSET);
	ck_assert_uint_eq(li.entry, li.base + e.entry);
	ck_assert_uint_eq(li.phdr, li.base + e.phoff);

	/* contents: the file with every relocation applied */
	uint8_t *want = malloc(e.hi);
	memset(want, 0, e.hi);
	for (unsigned i = 0; i < e.nloads; i++)
		memcpy(want + e.loads[i].vaddr, prog + e.loads[i].offset, e.loads[i].filesz);
	for (uint64_t k = 0; k < e.rela_count; k++) {
		struct elf64_rela r;
		memcpy(&r, prog + e.rela_off + k * sizeof(r), sizeof(r));
		uint64_t v = rd64(li.as, li.base + r.r_offset);
		ck_assert_uint_eq(v, li.base + (uint64_t)r.r_addend);
		ck_assert_msg(v >= li.base + e.lo && v < li.base + e.hi,
			      "relocation %llu: %#llx is outside the image",
			      (unsigned long long)k, (unsigned long long)v);
		memcpy(want + r.r_offset, &v, 8);
	}
	for (unsigned i = 0; i < e.nloads; i++) {
		const struct elf_seg *s = &e.loads[i];
		uint64_t lo = s->vaddr & ~(PG - 1), hi = (s->vaddr + s->memsz + PG - 1) & ~(PG - 1);
		uint8_t *got = malloc(hi - lo);
		ck_assert_int_eq(hal_copy_from_user(li.as, got, li.base + lo, hi - lo), 0);
		ck_assert_msg(memcmp(got, want + lo, hi - lo) == 0, "segment %u differs", i);
		free(got);
	}
	/* .bss (covered above too, said explicitly): zero to the end of its last page */
	uint64_t bss = li.base + d->vaddr + d->filesz;
	uint64_t bss_end = (li.base + d->vaddr + d->memsz + PG - 1) & ~(PG - 1);
	uint8_t *z = malloc(bss_end - bss);
	ck_assert_int_eq(hal_copy_from_user(li.as, z, bss, bss_end - bss), 0);
	for (uint64_t i = 0; i < bss_end - bss; i++)
		ck_assert_uint_eq(z[i], 0);
	free(z);
	free(want);

	/* permissions, three ways */
	static const struct { unsigned seg; unsigned prot; const char *host; } segs[] = {
		{ 0, HAL_PROT_R, "r--p" },
		{ 1, HAL_PROT_R | HAL_PROT_X, "r-xp" },
		{ 2, HAL_PROT_R, "r--p" }, /* all of it RELRO */
		{ 3, HAL_PROT_R | HAL_PROT_W, "rw-p" },
	};
	for (unsigned i = 0; i < 4; i++) {
		uint64_t va = li.base + e.loads[segs[i].seg].vaddr, s, x;
		unsigned prot;
		uint8_t byte;
		ck_assert_int_eq(hosted_as_lookup(li.as, va, &s, &x, &prot), 0);
		ck_assert_uint_eq(prot, segs[i].prot);
		fake_host_perms(va, perms);
		ck_assert_str_eq(perms, segs[i].host);
		ck_assert_int_eq(hal_copy_from_user(li.as, &byte, va, 1), 0);
		ck_assert_int_eq(hal_copy_to_user(li.as, va, &byte, 1),
				 (segs[i].prot & HAL_PROT_W) ? 0 : -RUMPK_EFAULT);
	}
	ck_assert_uint_eq(e.relro_vaddr, e.loads[2].vaddr);
	uint8_t b;
	ck_assert_int_eq(hal_copy_from_user(li.as, &b, li.base - 1, 1), -RUMPK_EFAULT);
	ck_assert_int_eq(hal_copy_from_user(li.as, &b, li.user_lo, 1), -RUMPK_EFAULT);
	ck_assert_int_eq(hal_copy_from_user(li.as, &b, li.base + e.hi, 1), -RUMPK_EFAULT);
	ck_assert_int_eq(hal_copy_from_user(li.as, &b, li.stack_lo - 1, 1), -RUMPK_EFAULT);
	ck_assert_int_eq(hal_copy_from_user(li.as, &b, li.stack_hi, 1), -RUMPK_EFAULT);
	fake_host_perms(li.stack_lo, perms);
	ck_assert_str_eq(perms, "rw-p");
	struct hosted_as_stats st; /* 4 segments + the stack, RELRO split off: >= 5 ranges */
	hosted_as_stats(&st);
	ck_assert_uint_ge(st.ranges - as0.ranges, 5);

	loader_unload(&li);
	ck_assert_ptr_null(li.as);
	expect_nothing_left();
}
END_TEST

/* The caller's extra auxv entries land between AT_RANDOM and AT_NULL, in order; an
 * AT_NULL among them, too many of them, or a NULL array is refused before anything maps. */
START_TEST(extra_auxv_entries)
{
	static const struct rumpk_auxv extra[3] = {
		{ 0x6001, 0x123000 }, { 0x6002, 0x4567 }, { 0x6003, ~0ull }, /* no ring page */
	};
	struct loader_args a = ldtest_args;
	struct loader_image li;
	a.extra = extra;
	a.nextra = 3;
	a.extra_rel = 0x2; /* the second one is an offset from user_lo */
	ck_assert_int_eq(loader_load(prog, prog_size, &a, &li), 0);
	uint64_t at = li.sp + 8 * (7 + 2 * (LOADER_AUXV_COUNT - 1)); /* after AT_USER_HI */
	ck_assert_uint_eq(rd64(li.as, at - 16), RUMPK_AT_USER_HI);
	for (unsigned i = 0; i < 3; i++) {
		ck_assert_uint_eq(rd64(li.as, at + 16 * i), extra[i].type);
		ck_assert_uint_eq(rd64(li.as, at + 16 * i + 8),
				  extra[i].value + (i == 1 ? li.user_lo : 0));
	}
	ck_assert_uint_eq(rd64(li.as, at + 48), RUMPK_AT_NULL);
	ck_assert_uint_eq(rd64(li.as, at + 56), 0);
	ck_assert_int_eq(run(&li), 0); /* ldtest still finds its auxv and passes */
	loader_unload(&li);

	struct rumpk_auxv bad[LOADER_AUXV_EXTRA_MAX + 1] = { { RUMPK_AT_RING, 1 } };
	a.extra = bad;
	a.nextra = LOADER_AUXV_EXTRA_MAX + 1;
	ck_assert_int_eq(loader_load(prog, prog_size, &a, &li), -RUMPK_ERANGE);
	a.nextra = 2; /* bad[1] is AT_NULL */
	ck_assert_int_eq(loader_load(prog, prog_size, &a, &li), -RUMPK_EINVAL);
	a.extra = NULL;
	a.nextra = 1;
	ck_assert_int_eq(loader_load(prog, prog_size, &a, &li), -RUMPK_EINVAL);
	expect_nothing_left();
}
END_TEST

START_TEST(builds_the_initial_stack)
{
	struct loader_image li;
	struct elf_image e;
	char s[64];

	ck_assert_int_eq(elf_validate(prog, prog_size, &e), 0);
	ck_assert_int_eq(loader_load(prog, prog_size, &ldtest_args, &li), 0);
	ck_assert_uint_eq(li.sp % 16, 0);
	ck_assert_uint_eq(li.stack_hi, li.user_hi - USER_STACK_TOP_GAP);
	ck_assert_uint_eq(li.stack_hi - li.stack_lo, USER_STACK_SIZE);
	ck_assert(li.sp > li.stack_lo && li.sp < li.stack_hi);

	uint64_t at = li.sp;
	ck_assert_uint_eq(rd64(li.as, at), 3);
	for (int i = 0; i < 3; i++) {
		uint64_t p = rd64(li.as, at + 8 * (1 + (uint64_t)i));
		ck_assert(p > li.sp && p < li.stack_hi);
		ck_assert_int_eq(hal_copy_from_user(li.as, s, p, strlen(argv3[i]) + 1), 0);
		ck_assert_str_eq(s, argv3[i]);
	}
	ck_assert_uint_eq(rd64(li.as, at + 8 * 4), 0);
	uint64_t p = rd64(li.as, at + 8 * 5);
	ck_assert_int_eq(hal_copy_from_user(li.as, s, p, 8), 0);
	ck_assert_str_eq(s, "RUMPK=1");
	ck_assert_uint_eq(rd64(li.as, at + 8 * 6), 0);

	const uint64_t want[LOADER_AUXV_COUNT][2] = {
		{ RUMPK_AT_PHDR, li.base + e.phoff },
		{ RUMPK_AT_PHENT, 56 },
		{ RUMPK_AT_PHNUM, e.phnum },
		{ RUMPK_AT_PAGESZ, 4096 },
		{ RUMPK_AT_BASE, li.base },
		{ RUMPK_AT_ENTRY, li.base + e.entry },
		{ RUMPK_AT_RANDOM, li.random },
		{ RUMPK_AT_USER_LO, li.user_lo },
		{ RUMPK_AT_USER_HI, li.user_hi },
		{ RUMPK_AT_NULL, 0 },
	};
	for (unsigned i = 0; i < LOADER_AUXV_COUNT; i++) {
		ck_assert_uint_eq(rd64(li.as, at + 8 * (7 + 2 * i)), want[i][0]);
		ck_assert_uint_eq(rd64(li.as, at + 8 * (8 + 2 * i)), want[i][1]);
	}
	/* AT_PHDR shows the file's program headers */
	size_t table = (size_t)e.phnum * 56;
	uint8_t *ph = malloc(table);
	ck_assert_int_eq(hal_copy_from_user(li.as, ph, li.phdr, table), 0);
	ck_assert_mem_eq(ph, prog + e.phoff, table);
	free(ph);
	/* AT_RANDOM: 16 bytes at the top of the stack, the documented derivation */
	uint8_t rnd[16], expect[16];
	ck_assert_uint_eq(li.random, li.stack_hi - 16);
	ck_assert_int_eq(hal_copy_from_user(li.as, rnd, li.random, 16), 0);
	loader_at_random(bi.entropy, li.load_seq, expect);
	ck_assert_mem_eq(rnd, expect, 16);
	loader_unload(&li);
	expect_nothing_left();
}
END_TEST

START_TEST(runs_ldtest_in_place)
{
	struct loader_image li;

	ck_assert_int_eq(loader_load(prog, prog_size, &ldtest_args, &li), 0);
	int status = run(&li);
	ck_assert_msg(status == 0, "ldtest failed its check %d (docs/loader.md), stopped at %#llx",
		      status, (unsigned long long)exit_pc);
	loader_unload(&li);
	expect_nothing_left();
}
END_TEST

START_TEST(runs_hello_without_arguments)
{
	struct loader_image li;
	size_t size;
	uint8_t *hello = fake_read_file(RUMPK_PROGRAMS_DIR "/hello.elf", &size);
	static const char *const name[] = { "hello" };
	struct loader_args a = { .argv = name, .argc = 1 };

	ck_assert_int_eq(loader_load(hello, size, &a, &li), 0);
	ck_assert_int_eq(run(&li), 0);
	loader_unload(&li);
	a.argc = 0; /* no program name: hello says 1 */
	ck_assert_int_eq(loader_load(hello, size, &a, &li), 0);
	ck_assert_uint_eq(rd64(li.as, li.sp), 0);
	ck_assert_uint_eq(rd64(li.as, li.sp + 8), 0);
	ck_assert_uint_eq(rd64(li.as, li.sp + 16), 0);
	ck_assert_uint_eq(rd64(li.as, li.sp + 24), RUMPK_AT_PHDR);
	ck_assert_int_eq(run(&li), 1);
	loader_unload(&li);
	free(hello);
	expect_nothing_left();
}
END_TEST

START_TEST(two_loads_are_independent)
{
	struct loader_image a, b;
	uint8_t ra[16], rb[16];

	ck_assert_int_eq(loader_load(prog, prog_size, &ldtest_args, &a), 0);
	ck_assert_int_eq(loader_load(prog, prog_size, &ldtest_args, &b), 0);
	ck_assert(a.user_hi <= b.user_lo || b.user_hi <= a.user_lo);
	ck_assert_uint_eq(b.load_seq, a.load_seq + 1);
	ck_assert_int_eq(hal_copy_from_user(a.as, ra, a.random, 16), 0);
	ck_assert_int_eq(hal_copy_from_user(b.as, rb, b.random, 16), 0);
	ck_assert(memcmp(ra, rb, 16) != 0);
	ck_assert_int_eq(run(&b), 0);
	ck_assert_int_eq(run(&a), 0);
	loader_unload(&a);
	loader_unload(&b);
	loader_unload(&b); /* zeroed: ignored */
	expect_nothing_left();
}
END_TEST

/* ---- failures leave nothing --------------------------------------------------------------- */

START_TEST(refused_elf_maps_nothing)
{
	struct loader_image li;

	prog[0] = 0;
	ck_assert_int_eq(loader_load(prog, prog_size, &ldtest_args, &li), -RUMPK_ENOEXEC);
	ck_assert_int_eq(li.elf.err, ELF_E_MAGIC);
	ck_assert_ptr_null(li.as);
	expect_nothing_left();
	ck_assert_int_eq(loader_load(prog, 10, &ldtest_args, &li), -RUMPK_ENOEXEC);
	ck_assert_int_eq(li.elf.err, ELF_E_SHORT);
	expect_nothing_left();
}
END_TEST

/* The program re-linked by hand as a fixed-address ET_EXEC at USER_IMAGE_OFFSET: every
 * link-time address moves (headers, entry, DT_RELA, relocation offsets and addends). */
static void make_exec(uint8_t *f, size_t size, uint64_t delta)
{
	struct elf64_ehdr eh;
	struct elf_image e;

	ck_assert_int_eq(elf_validate(f, size, &e), 0);
	for (uint64_t k = 0; k < e.rela_count; k++) {
		struct elf64_rela r;
		memcpy(&r, f + e.rela_off + k * sizeof(r), sizeof(r));
		r.r_offset += delta;
		r.r_addend += (int64_t)delta;
		memcpy(f + e.rela_off + k * sizeof(r), &r, sizeof(r));
	}
	memcpy(&eh, f, sizeof(eh));
	for (int i = 0; i < eh.e_phnum; i++) {
		struct elf64_phdr ph;
		memcpy(&ph, f + eh.e_phoff + (size_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type == ELF_PT_DYNAMIC) {
			for (uint64_t o = ph.p_offset; o < ph.p_offset + ph.p_filesz; o += 16) {
				struct elf64_dyn d;
				memcpy(&d, f + o, sizeof(d));
				if (d.d_tag == ELF_DT_RELA)
					d.d_val += delta;
				memcpy(f + o, &d, sizeof(d));
			}
		}
		if (ph.p_type != ELF_PT_GNU_STACK)
			ph.p_vaddr += delta;
		memcpy(f + eh.e_phoff + (size_t)i * sizeof(ph), &ph, sizeof(ph));
	}
	eh.e_type = ELF_ET_EXEC;
	eh.e_entry += delta;
	memcpy(f, &eh, sizeof(eh));
}

/* Valid, but its fixed addresses need a space starting at 0; a hosted one never does. */
START_TEST(fixed_address_program_does_not_fit)
{
	struct loader_image li;
	struct elf_image e;

	make_exec(prog, prog_size, USER_IMAGE_OFFSET);
	ck_assert_int_eq(elf_validate(prog, prog_size, &e), 0);
	ck_assert_uint_eq(e.type, ELF_ET_EXEC);
	ck_assert_int_eq(loader_load(prog, prog_size, &ldtest_args, &li), -RUMPK_ENOEXEC);
	ck_assert_int_eq(li.elf.err, ELF_E_PLACEMENT);
	ck_assert_ptr_null(li.as);
	expect_nothing_left();
}
END_TEST

START_TEST(argument_limits)
{
	static const char *many[USER_ARG_COUNT_MAX + 1];
	static char big[USER_ARG_BYTES_MAX + 2];
	struct loader_image li;
	struct loader_args a = ldtest_args;

	for (unsigned i = 0; i <= USER_ARG_COUNT_MAX; i++)
		many[i] = "x";
	a.argv = many;
	a.argc = USER_ARG_COUNT_MAX; /* 256 + 1 env: one too many */
	ck_assert_int_eq(loader_load(prog, prog_size, &a, &li), -RUMPK_ERANGE);
	a.argc = USER_ARG_COUNT_MAX - 1;
	ck_assert_int_eq(loader_load(prog, prog_size, &a, &li), 0);
	ck_assert_uint_eq(rd64(li.as, li.sp), USER_ARG_COUNT_MAX - 1);
	loader_unload(&li);

	memset(big, 'a', sizeof(big) - 1);
	const char *one[] = { big };
	a.argv = one;
	a.argc = 1;
	ck_assert_int_eq(loader_load(prog, prog_size, &a, &li), -RUMPK_ERANGE);
	big[USER_ARG_BYTES_MAX - 1 - 8] = '\0'; /* with "RUMPK=1\0": exactly the budget */
	ck_assert_int_eq(loader_load(prog, prog_size, &a, &li), 0);
	loader_unload(&li);
	big[USER_ARG_BYTES_MAX - 1 - 8] = 'a';
	big[USER_ARG_BYTES_MAX - 8] = '\0'; /* one byte over */
	ck_assert_int_eq(loader_load(prog, prog_size, &a, &li), -RUMPK_ERANGE);

	const char *null_one[] = { "ldtest", NULL };
	a.argv = null_one;
	a.argc = 2;
	ck_assert_int_eq(loader_load(prog, prog_size, &a, &li), -RUMPK_EINVAL);
	a.argv = NULL;
	ck_assert_int_eq(loader_load(prog, prog_size, &a, &li), -RUMPK_EINVAL);
	expect_nothing_left();
}
END_TEST

/* Every HAL call a load makes fails once, in turn: each failure must undo everything. */
/* The space's range records run out at every point of a load in turn (the HAL's limit
 * lowered to 1, 2, ... records): each load either succeeds or fails with ENOMEM, and a
 * failure, however late (a protect that needs a split, with the segments already mapped),
 * leaves nothing behind. Undo destroys the space, so it has nothing left that could fail. */
START_TEST(range_limit_failures_are_undone)
{
	struct loader_image li;
	int failed = 0, late = 0;
	unsigned n;

	for (n = 1; n < HOSTED_AS_MAX_RANGES; n++) {
		struct hosted_as_stats a, b;
		hosted_as_limit_ranges(n);
		hosted_as_stats(&a);
		int r = loader_load(prog, prog_size, &ldtest_args, &li);
		hosted_as_stats(&b);
		if (r == 0) {
			loader_unload(&li);
			expect_nothing_left();
			break;
		}
		ck_assert_msg(r == -RUMPK_ENOMEM, "limit %u: %d", n, r);
		ck_assert_ptr_null(li.as);
		expect_nothing_left();
		failed++;
		late += b.calls - a.calls > 4; /* failed after several maps and copies */
	}
	hosted_as_limit_ranges(0);
	ck_assert_uint_lt(n, HOSTED_AS_MAX_RANGES); /* some limit is enough for ldtest */
	ck_assert_int_gt(failed, 2);
	ck_assert_int_gt(late, 0);
}
END_TEST

START_TEST(each_failing_hal_call_is_undone)
{
	struct loader_image li;
	struct hosted_as_stats a, b;

	hosted_as_stats(&a);
	ck_assert_int_eq(loader_load(prog, prog_size, &ldtest_args, &li), 0);
	hosted_as_stats(&b);
	loader_unload(&li);
	uint64_t calls = b.calls - a.calls;
	ck_assert_uint_ge(calls, 10); /* maps, copies, relocations, protects, the stack */
	for (uint64_t k = 1; k <= calls; k++) {
		hosted_as_fail_nth(k);
		int r = loader_load(prog, prog_size, &ldtest_args, &li);
		ck_assert_msg(r == -RUMPK_ENOMEM || r == -RUMPK_EFAULT, "call %llu: %d",
			      (unsigned long long)k, r);
		ck_assert_ptr_null(li.as);
		expect_nothing_left();
	}
	hosted_as_fail_nth(calls + 1); /* one past the last call: the load succeeds */
	ck_assert_int_eq(loader_load(prog, prog_size, &ldtest_args, &li), 0);
	hosted_as_fail_nth(0);
	loader_unload(&li);
	expect_nothing_left();
}
END_TEST

START_TEST(at_random_derivation)
{
	uint8_t e[RUMPK_BOOT_ENTROPY_BYTES] = { 0 }, x[16], y[16], z[16];

	loader_at_random(e, 1, x);
	loader_at_random(e, 1, y);
	ck_assert_mem_eq(x, y, 16);
	loader_at_random(e, 2, y);
	ck_assert(memcmp(x, y, 16) != 0);
	e[31] = 1;
	loader_at_random(e, 1, z);
	ck_assert(memcmp(x, z, 16) != 0);
	ck_assert(memcmp(x, x + 8, 8) != 0);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("loader");
	TCase *tc = tcase_create("load");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, maps_ldtest_as_linked);
	tcase_add_test(tc, builds_the_initial_stack);
	tcase_add_test(tc, extra_auxv_entries);
	tcase_add_test(tc, runs_ldtest_in_place);
	tcase_add_test(tc, runs_hello_without_arguments);
	tcase_add_test(tc, two_loads_are_independent);
	tcase_add_test(tc, refused_elf_maps_nothing);
	tcase_add_test(tc, fixed_address_program_does_not_fit);
	tcase_add_test(tc, argument_limits);
	tcase_add_test(tc, range_limit_failures_are_undone);
	tcase_add_test(tc, each_failing_hal_call_is_undone);
	tcase_add_test(tc, at_random_derivation);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_main(make_suite());
}
