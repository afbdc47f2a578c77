/*
 * test_user.c — user threads (src/core/user.c) on the hosted HAL's real user mode
 * (src/hal-hosted/user.S, hal_user.c, host_cpu.c's redirect), linked through the fake HAL.
 *
 * The program is src/user/utest (built by rumpk_add_program, loaded by loader_load into a
 * hosted space) and runs as a uthread with this file's ops. It talks through the doorbell
 * (a command in rbx, arguments in r12/r13, read from the trap frame: hosted_priv.h).
 * Covered: doorbells with callee-saved registers and FP control words surviving; each
 * fault kind reported with its cause, pc and address while only that thread ends and the
 * test (the kernel) goes on; a breakpoint the kernel resumes; two spinners and an
 * FP-checking thread all progressing under the real timer, ymm/MXCSR/x87 state intact,
 * then the spinners killed; threads blocked in a wait or a sleep killed promptly; a thread
 * killed before it ran; everything given back; a kernel fault outside user code still a
 * loud kernel fault (exit 255); hal_as_share's two views of one page and what unmap and
 * destroy leave; hal_copy_str_from_user's limits.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot.h"
#include "fake_hal.h"
#include "hosted_as.h"
#include "hosted_priv.h"
#include "loader.h"
#include "mem.h"
#include "param.h"
#include "sched.h"
#include "user.h"

#ifndef RUMPK_PROGRAMS_DIR
#error "RUMPK_PROGRAMS_DIR: build/<preset>/programs (tests/unit/CMakeLists.txt)"
#endif

#define BELL_COUNT 1
#define BELL_EXIT 2
#define BELL_EXPECT 3
#define BELL_BLOCK 4

static struct rumpk_boot_info bi;
static uint8_t *prog;
static size_t prog_size;
static struct hosted_as_stats as0;
static struct mem_stats mem0;
static struct sched_stats sched0;

/* What one thread did, as its ops saw it. */
struct rec {
	struct loader_image li;
	struct uthread *t;
	uint64_t bells;
	uint64_t stack_lo;    /* the loader's stack, kept past loader_unload */
	int exited, exit_status, has_status;
	int faults;
	uint32_t cause, access;
	uint64_t addr, pc;
	uint64_t expect_pc, expect_addr;
	int fault_action;     /* what the fault op answers */
	int block_result;     /* what the blocking wait returned */
	uint64_t killed_at, ended_at;
	struct waitq wq;
	struct completion *done;
};

static uint64_t reg(int off)
{
	return uthread_frame(uthread_current())->gpr[off / 8];
}

static void op_doorbell(void *owner)
{
	struct rec *r = owner;
	r->bells++;
	switch (reg(UF_RBX)) {
	case BELL_EXIT:
		r->exit_status = (int)reg(UF_R12);
		r->has_status = 1;
		uthread_exit();
	case BELL_EXPECT:
		r->expect_pc = reg(UF_R12);
		r->expect_addr = reg(UF_R13);
		break;
	case BELL_BLOCK:
		r->block_result = reg(UF_R12) ? sched_sleep_until(hal_time_ns() + 3600000000000ull)
					      : sched_wait(&r->wq);
		break;
	default:
		break;
	}
}

static int op_fault(void *owner, uint32_t cause, uint64_t addr, uint64_t pc, uint32_t access)
{
	struct rec *r = owner;
	r->faults++;
	r->cause = cause;
	r->addr = addr;
	r->pc = pc;
	r->access = access;
	return r->fault_action;
}

static void op_exited(void *owner)
{
	struct rec *r = owner;
	r->exited = 1;
	r->ended_at = hal_time_ns();
	if (r->done)
		completion_signal(r->done);
}

static const struct uthread_ops ops = { .doorbell = op_doorbell, .fault = op_fault,
					.exited = op_exited };

static void setup(void)
{
	fake_reset();
	fake_boot_info(&bi, "failstage=timer");
	fake_run_core(&bi); /* memory up, boot_info() valid (AT_RANDOM) */
	ck_assert_int_eq(sched_init(), 0);
	fake_host_traps();
	prog = fake_read_file(RUMPK_PROGRAMS_DIR "/utest.elf", &prog_size);
	hosted_as_stats(&as0);
	mem_stats(&mem0);
	sched_stats(&sched0);
}

static void teardown(void)
{
	free(prog);
}

/* Loads utest with MODE and N and starts it (not yet run). */
static void start(struct rec *r, const char *mode, const char *n, struct completion *done)
{
	char db[32];
	snprintf(db, sizeof(db), "%llx", (unsigned long long)hal_user_doorbell());
	const char *argv[] = { "utest", mode, db, n ? n : "0" };
	struct loader_args a = { .argv = argv, .argc = 4 };
	int err;

	memset(r, 0, sizeof(*r));
	r->fault_action = HAL_USER_KILL;
	r->block_result = 1;
	r->done = done;
	waitq_init(&r->wq);
	ck_assert_int_eq(loader_load(prog, prog_size, &a, &r->li), 0);
	r->t = uthread_start(mode, r->li.as, r->li.entry, r->li.sp, &ops, r, &err);
	ck_assert_msg(r->t != NULL, "uthread_start: %d", err);
}

/* Everything the threads and loads took is back. */
static void expect_nothing_left(void)
{
	struct hosted_as_stats as;
	struct mem_stats m;
	struct sched_stats s;
	struct uthread_stats u;

	sched_reap();
	hosted_as_stats(&as);
	mem_stats(&m);
	sched_stats(&s);
	uthread_stats(&u);
	ck_assert_uint_eq(u.live, 0);
	ck_assert_uint_eq(s.fibers, sched0.fibers);
	ck_assert_uint_eq(as.spaces, as0.spaces);
	ck_assert_uint_eq(as.mapped_bytes, as0.mapped_bytes);
	/* a slab page a first allocation of some size made may stay cached */
	ck_assert_uint_eq(m.free_pages + m.cached_pages, mem0.free_pages + mem0.cached_pages);
	ck_assert_uint_eq(m.live_objects, mem0.live_objects);
}

/* Runs one thread to its end (the boot fiber waits) and unloads it. */
static void run(struct rec *r, const char *mode, const char *n)
{
	struct completion done;
	completion_init(&done, 1);
	start(r, mode, n, &done);
	ck_assert_int_eq(completion_wait(&done), 0);
	ck_assert(r->exited);
	r->stack_lo = r->li.stack_lo;
	loader_unload(&r->li);
}

START_TEST(doorbells_keep_callee_saved_state)
{
	struct rec r;
	run(&r, "bell", "1000");
	ck_assert(r.has_status);
	ck_assert_int_eq(r.exit_status, 0); /* no ring changed a callee-saved register */
	ck_assert_uint_eq(r.bells, 1000 + 1);
	ck_assert_int_eq(r.faults, 0);
	struct uthread_stats u;
	uthread_stats(&u);
	ck_assert_uint_ge(u.doorbells, 1001);
	expect_nothing_left();
}
END_TEST

static const struct {
	const char *mode;
	uint32_t cause;
	uint32_t access;
	int check_pc, check_addr;
} faults[] = {
	{ "read0", RUMPK_FAULT_READ, HAL_PROT_R, 1, 0 },
	{ "write-text", RUMPK_FAULT_WRITE, HAL_PROT_W, 1, 1 },
	{ "exec-data", RUMPK_FAULT_EXEC, HAL_PROT_X, 1, 1 },
	{ "ud2", RUMPK_FAULT_ILLEGAL, 0, 1, 1 },
	{ "int3", RUMPK_FAULT_BREAKPOINT, 0, 1, 1 },
	{ "div0", RUMPK_FAULT_ARITH, 0, 1, 1 },
	{ "misaligned", RUMPK_FAULT_MISALIGNED, 0, 1, 0 }, /* #AC reports no address */
	{ "recurse", RUMPK_FAULT_STACK, HAL_PROT_W, 0, 0 },
};

START_TEST(each_fault_kills_only_its_thread)
{
	const char *mode = faults[_i].mode;
	struct rec r;
	run(&r, mode, NULL);
	ck_assert_msg(r.faults == 1, "%s: %d faults", mode, r.faults);
	ck_assert_msg(!r.has_status, "%s: exited with %d instead of faulting", mode, r.exit_status);
	ck_assert_msg(r.cause == faults[_i].cause, "%s: cause %u, want %u", mode, r.cause,
		      faults[_i].cause);
	ck_assert_msg(r.access == faults[_i].access, "%s: access %u", mode, r.access);
	if (faults[_i].check_pc)
		ck_assert_msg(r.pc == r.expect_pc, "%s: pc %#llx, want %#llx", mode,
			      (unsigned long long)r.pc, (unsigned long long)r.expect_pc);
	if (faults[_i].check_addr)
		ck_assert_msg(r.addr == r.expect_addr, "%s: addr %#llx, want %#llx", mode,
			      (unsigned long long)r.addr, (unsigned long long)r.expect_addr);
	if (r.cause == RUMPK_FAULT_READ)
		ck_assert_uint_eq(r.addr, 0);
	if (r.cause == RUMPK_FAULT_STACK) /* just below the loader's stack */
		ck_assert_msg(r.addr < r.stack_lo && r.addr >= r.stack_lo - 4096,
			      "stack fault at %#llx, stack from %#llx", (unsigned long long)r.addr,
			      (unsigned long long)r.stack_lo);
	expect_nothing_left();
}
END_TEST

START_TEST(a_resumed_breakpoint_goes_on)
{
	struct rec r;
	struct completion done;
	completion_init(&done, 1);
	start(&r, "int3", NULL, &done);
	r.fault_action = HAL_USER_RESUME; /* int3 is a trap: resuming continues after it */
	completion_wait(&done);
	ck_assert_int_eq(r.faults, 1);
	ck_assert_int_eq(r.has_status, 1);
	ck_assert_int_eq(r.exit_status, 7);
	loader_unload(&r.li);
	expect_nothing_left();
}
END_TEST

START_TEST(spinners_are_preempted_and_killed)
{
	struct rec s1, s2, fp;
	struct completion done;

	fake_real_clock();
	completion_init(&done, 3);
	start(&s1, "spin", NULL, &done);
	start(&s2, "spin", NULL, &done);
	start(&fp, "fpspin", "40", &done); /* 40 chunks of 4 M loop turns */
	/* the boot fiber sleeps; only the timer, landing in user code, gets anything else
	 * onto the CPU */
	uint64_t t0 = hal_time_ns();
	while (!fp.exited && hal_time_ns() - t0 < 20000000000ull)
		sched_sleep_until(hal_time_ns() + 20000000);
	ck_assert_msg(fp.exited, "the FP thread never finished beside two spinners");
	ck_assert_msg(fp.has_status && fp.exit_status == 0,
		      "ymm/xmm, MXCSR or x87 CW changed under preemption (status %d)",
		      fp.exit_status);
	uint64_t c1 = uthread_cpu_ns(s1.t), c2 = uthread_cpu_ns(s2.t);
	ck_assert_msg(c1 > 10000000 && c2 > 10000000, "spinners' CPU time %llu, %llu ns",
		      (unsigned long long)c1, (unsigned long long)c2);
	struct uthread_stats u;
	uthread_stats(&u);
	ck_assert_uint_gt(u.preempts, 4);
	uint64_t k = hal_time_ns();
	uthread_kill(s1.t);
	uthread_kill(s2.t);
	ck_assert_int_eq(completion_wait(&done), 0);
	ck_assert(s1.exited && s2.exited);
	ck_assert_msg(s1.ended_at - k < 500000000ull && s2.ended_at - k < 500000000ull,
		      "kill took too long");
	ck_assert(!s1.has_status && s1.faults == 0);
	loader_unload(&s1.li);
	loader_unload(&s2.li);
	loader_unload(&fp.li);
	expect_nothing_left();
}
END_TEST

static void kill_blocked(const char *how)
{
	struct rec r;
	struct completion done;
	completion_init(&done, 1);
	start(&r, "block", how, &done);
	fiber_yield(); /* it runs (same priority), rings, and blocks */
	ck_assert_uint_eq(r.bells, 1);
	ck_assert(!r.exited);
	uthread_kill(r.t);
	ck_assert_int_eq(completion_wait(&done), 0);
	ck_assert(r.exited);
	ck_assert_int_eq(r.block_result, -RUMPK_EKILLED);
	ck_assert_uint_eq(r.bells, 1); /* never back in user code */
	loader_unload(&r.li);
	expect_nothing_left();
}

START_TEST(a_thread_blocked_in_a_wait_is_killed)
{
	kill_blocked("0");
}
END_TEST

START_TEST(a_thread_blocked_in_a_sleep_is_killed)
{
	kill_blocked("1");
}
END_TEST

START_TEST(a_thread_killed_before_it_ran)
{
	struct rec r;
	struct completion done;
	completion_init(&done, 1);
	start(&r, "bell", "5", &done);
	uthread_kill(r.t);
	completion_wait(&done);
	ck_assert(r.exited);
	ck_assert_uint_eq(r.bells, 0);
	loader_unload(&r.li);
	expect_nothing_left();
}
END_TEST

START_TEST(bad_start_arguments)
{
	int err = 0;
	struct uthread_ops none = { 0 };
	ck_assert_ptr_null(uthread_start("x", NULL, 0, 0, &ops, NULL, &err));
	ck_assert_int_eq(err, -RUMPK_EINVAL);
	ck_assert_ptr_null(uthread_start("x", (struct hal_as *)8, 0, 0, &none, NULL, &err));
	ck_assert_int_eq(err, -RUMPK_EINVAL);
	ck_assert_ptr_null(uthread_current()); /* the boot fiber is a kernel fiber */
}
END_TEST

/* hal_as_share (memfd RAM) and hal_copy_str_from_user on a hosted space. */
START_TEST(shared_page_and_string_copy)
{
	struct hal_as *as;
	uint64_t lo, hi;
	char perms[5], buf[16];

	ck_assert_int_eq(hal_as_create(&as, &lo, &hi), 0);
	uint8_t *kp = core_page_alloc(0);
	ck_assert_ptr_nonnull(kp);
	uint64_t va = lo + 0x200000;
	ck_assert_int_eq(hal_as_share(as, va, kp, HAL_PROT_R | HAL_PROT_X), -RUMPK_EINVAL);
	ck_assert_int_eq(hal_as_share(as, va, kp + 1, HAL_PROT_R), -RUMPK_EINVAL);
	ck_assert_int_eq(hal_as_share(as, hi, kp, HAL_PROT_R), -RUMPK_ERANGE);
	ck_assert_int_eq(hal_as_share(as, va, kp, HAL_PROT_R | HAL_PROT_W), 0);
	ck_assert_int_eq(hal_as_share(as, va, kp, HAL_PROT_R), -RUMPK_EEXIST);
	/* one memory, two addresses */
	kp[5] = 0x5a;
	ck_assert_uint_eq(*(volatile uint8_t *)(uintptr_t)(va + 5), 0x5a);
	*(volatile uint8_t *)(uintptr_t)(va + 6) = 0xa5;
	ck_assert_uint_eq(kp[6], 0xa5);
	fake_host_perms(va, perms);
	ck_assert_str_eq(perms, "rw-s");
	ck_assert_int_eq(hal_as_protect(as, va, 4096, HAL_PROT_R | HAL_PROT_X), -RUMPK_EINVAL);
	/* a string crossing from a mapped page into the shared page, and its limits */
	ck_assert_int_eq(hal_as_map(as, va - 4096, 4096, HAL_PROT_R | HAL_PROT_W), 0);
	ck_assert_int_eq(hal_copy_to_user(as, va - 3, "abc", 3), 0);
	memcpy(kp, "de\0", 3);
	ck_assert_int_eq(hal_copy_str_from_user(as, buf, va - 3, sizeof(buf)), 5);
	ck_assert_str_eq(buf, "abcde");
	ck_assert_int_eq(hal_copy_str_from_user(as, buf, va - 3, 5), -RUMPK_ERANGE);
	ck_assert_int_eq(hal_copy_str_from_user(as, buf, va - 3, 6), 5);
	memset(kp, 'x', 4096); /* no NUL before the unmapped page after it */
	ck_assert_int_eq(hal_copy_str_from_user(as, buf, va + 4090, sizeof(buf)), -RUMPK_EFAULT);
	ck_assert_int_eq(hal_copy_str_from_user(as, buf, lo, sizeof(buf)), -RUMPK_EFAULT);
	/* unmapping leaves the kernel's page alone; a new map there reads zeros */
	kp[0] = 0x77;
	ck_assert_int_eq(hal_as_unmap(as, va - 4096, 8192), 0);
	ck_assert_uint_eq(kp[0], 0x77);
	fake_host_perms(va, perms);
	ck_assert_str_eq(perms, "---p");
	ck_assert_int_eq(hal_as_map(as, va, 4096, HAL_PROT_R | HAL_PROT_W), 0);
	ck_assert_uint_eq(*(volatile uint8_t *)(uintptr_t)va, 0);
	ck_assert_uint_eq(kp[0], 0x77);
	/* destroying the space with a shared page in it leaves the page too */
	ck_assert_int_eq(hal_as_unmap(as, va, 4096), 0);
	ck_assert_int_eq(hal_as_share(as, va, kp, HAL_PROT_R), 0);
	hal_as_destroy(as);
	ck_assert_uint_eq(kp[0], 0x77);
	core_page_free(kp, 0);
	ck_assert_ptr_eq(hal_phys_to_kernel(0x1000, 16), (void *)0x1000);
	ck_assert_ptr_null(hal_phys_to_kernel(UINT64_MAX - 4, 16));
	expect_nothing_left();
}
END_TEST

/* A kernel fault outside user code: still core_kernel_fault, halt 255. */
static void check_kernel_fault_and_exit(void)
{
	if (!strstr(fake.console, "kernel fault"))
		_exit(1);
	_exit(fake.halt_code);
}

START_TEST(a_kernel_fault_is_still_the_kernels)
{
	struct rec r;
	run(&r, "read0", NULL); /* user mode has been used, and left */
	fake.on_halt = check_kernel_fault_and_exit;
	*(volatile int *)(uintptr_t)16 = 1;
	_exit(2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("user");
	TCase *tc = tcase_create("uthreads");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, doorbells_keep_callee_saved_state);
	tcase_add_loop_test(tc, each_fault_kills_only_its_thread, 0,
			    (int)(sizeof(faults) / sizeof(faults[0])));
	tcase_add_test(tc, a_resumed_breakpoint_goes_on);
	tcase_add_test(tc, spinners_are_preempted_and_killed);
	tcase_add_test(tc, a_thread_blocked_in_a_wait_is_killed);
	tcase_add_test(tc, a_thread_blocked_in_a_sleep_is_killed);
	tcase_add_test(tc, a_thread_killed_before_it_ran);
	tcase_add_test(tc, bad_start_arguments);
	tcase_add_test(tc, shared_page_and_string_copy);
	tcase_add_exit_test(tc, a_kernel_fault_is_still_the_kernels, 255);
	suite_add_tcase(s, tc);
	return unit_main(s);
}
