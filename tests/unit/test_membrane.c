/*
 * test_membrane.c — libnexus's membrane (src/user/libnexus/sys.c, calls.c) against the
 * kernel's real drain (src/core/syscall.c) on the host, with no user mode in between: the
 * "doorbell" is a function that drains the ring page as the kernel would, and a small
 * mechanism answers a few kinds. Proves the two halves of the ABI agree: tags, ids,
 * arguments, results, second results, errors, back-pressure from a full submission ring.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_hal.h"
#include "nexus.h"
#include "nexus_libc.h"
#include "nexus_sys.h"
#include "syscall.h"

#define PROV 0x1122334455667788ull

static unsigned char *page;
static struct sys_rings kr;
static struct sys_counters counters;
static char written[4096];
static size_t nwritten;
static uint32_t bells, execs, drained_max;
static int exited = -1;

static int64_t mechanism(void *ctx, const struct sys_call *c, uint32_t *a2)
{
	(void)ctx;
	execs++;
	switch (c->kind) {
	case RUMPK_SYS_WRITE:
		if (c->a != 1 && c->a != 2)
			return -RUMPK_EBADF;
		memcpy(written + nwritten, (const void *)(uintptr_t)c->arg, c->b);
		nwritten += c->b;
		return c->b;
	case RUMPK_SYS_GETPID:
		return 42;
	case RUMPK_SYS_WAIT:
		*a2 = 7;
		return c->a ? c->a : 9;
	case RUMPK_SYS_OPEN: {
		const char *path = (const char *)(uintptr_t)c->arg;
		return strcmp(path, "/etc/motd") == 0 ? 3 : -RUMPK_ENOENT;
	}
	case RUMPK_SYS_EXIT:
		exited = (int)c->a;
		return 0;
	default:
		return -RUMPK_ENOSYS;
	}
}

static void doorbell(void)
{
	bells++;
	int32_t n = sys_drain(&kr, PROV, 1000, mechanism, NULL, &counters);
	ck_assert_int_ge(n, 0);
	if ((uint32_t)n > drained_max)
		drained_max = (uint32_t)n;
}

static void setup(void)
{
	page = aligned_alloc(4096, RUMPK_RING_PAGE_SIZE);
	memset(page, 0, RUMPK_RING_PAGE_SIZE);
	struct rumpk_ring_hdr *sq = (void *)(page + RUMPK_SQ_OFFSET);
	struct rumpk_ring_hdr *cq = (void *)(page + RUMPK_CQ_OFFSET);
	ck_assert_int_eq(ring_format(sq, RUMPK_SQ_SLOTS), 0);
	ck_assert_int_eq(ring_format(cq, RUMPK_CQ_SLOTS), 0);
	sys_rings_own(&kr, sq, RUMPK_SQ_SLOTS, cq, RUMPK_CQ_SLOTS);
	sq->flags = RUMPK_RING_NEED_WAKEUP; /* Peace mode */
	memset(&counters, 0, sizeof(counters));
	nwritten = 0;
	bells = execs = drained_max = 0;
	exited = -1;
	nexus_sys_attach(page, PROV, doorbell);
}

static void teardown(void)
{
	free(page);
}

START_TEST(calls_round_trip)
{
	ck_assert_int_eq(nexus_getpid(), 42);
	ck_assert_int_eq(nexus_write(1, "hello\n", 6), 6);
	ck_assert_int_eq(nexus_write(5, "x", 1), -RUMPK_EBADF);
	ck_assert_int_eq(nexus_open("/etc/motd", 0), 3);
	ck_assert_int_eq(nexus_open("/nope", 0), -RUMPK_ENOENT);
	int status = -1;
	ck_assert_int_eq(nexus_wait(5, &status, 0), 5);
	ck_assert_int_eq(status, 7);
	ck_assert_int_eq(nexus_kill(3), -RUMPK_ENOSYS);
	ck_assert_str_eq(nexus_strerror(-RUMPK_ENOENT), "no such file or directory");
	ck_assert_str_eq(nexus_strerror(-999), "unknown error");
	ck_assert_uint_eq(nwritten, 6);
	ck_assert_mem_eq(written, "hello\n", 6);
	ck_assert_uint_eq(execs, 7);
	ck_assert_uint_eq(counters.packets, 7);
	for (int r = 0; r < SYS_R_COUNT; r++)
		ck_assert_uint_eq(counters.refused[r], 0); /* libnexus never sends a bad packet */
}
END_TEST

/* The libc's printf goes through the same seam. */
START_TEST(printf_through_the_ring)
{
	ck_assert_int_eq(nexus_dprintf(1, "%s %d %#x\n", "pid", 42, 255), 12);
	ck_assert_uint_eq(nwritten, 12);
	ck_assert_mem_eq(written, "pid 42 0xff\n", 12);
}
END_TEST

/* A wrong id in the packets (another process's, or a stale one) is answered, not obeyed. */
START_TEST(forged_id_is_refused)
{
	nexus_sys_attach(page, PROV ^ 0xff, doorbell);
	ck_assert_int_eq(nexus_getpid(), -RUMPK_EPROV);
	ck_assert_uint_eq(execs, 0);
	ck_assert_uint_eq(counters.refused[SYS_R_PROV], 1);
}
END_TEST

/* crash forge's hook: one packet with another id is refused and counted; the process's
 * own calls still work after it. */
START_TEST(call_as_another_id_is_refused)
{
	ck_assert_int_eq(nexus_call_as(PROV ^ 1, RUMPK_SYS_GETPID, 0, 0, 0, NULL), -RUMPK_EPROV);
	ck_assert_uint_eq(counters.refused[SYS_R_PROV], 1);
	ck_assert_int_eq(nexus_call_as(PROV, RUMPK_SYS_GETPID, 0, 0, 0, NULL), 42);
	ck_assert_int_eq(nexus_getpid(), 42);
	ck_assert_uint_eq(execs, 2);
}
END_TEST

/* ringbench's batches: more requests than either ring holds (SQ 32, CQ 64) all come
 * back, each answer in its own request's slot, with far fewer doorbells than packets. */
START_TEST(call_many_fills_both_rings)
{
	static struct rumpk_packet reqs[300];
	static int64_t res[300];
	for (uint32_t n = 0; n <= 300; n += 100) {
		memset(reqs, 0, sizeof(reqs));
		for (uint32_t i = 0; i < n; i++) {
			reqs[i].kind = i % 3 ? RUMPK_SYS_GETPID : RUMPK_SYS_WAIT;
			reqs[i].a = i % 3 ? 0 : i + 1;
			res[i] = -1;
		}
		bells = 0;
		ck_assert_int_eq(nexus_call_many(reqs, res, n), 0);
		for (uint32_t i = 0; i < n; i++)
			ck_assert_int_eq(res[i], i % 3 ? 42 : (int64_t)i + 1);
		ck_assert_uint_le(bells, n / 8 + 1);
	}
	ck_assert_uint_eq(counters.packets, 600);
	ck_assert_int_eq(nexus_getpid(), 42); /* tags go on after a batch */
}
END_TEST

/* Without a doorbell request (War mode: the kernel polls), a call still gets its answer:
 * it rings when the answer is not there yet. */
START_TEST(war_mode_still_answers)
{
	((struct rumpk_ring_hdr *)(page + RUMPK_SQ_OFFSET))->flags = 0;
	ck_assert_int_eq(nexus_getpid(), 42);
	ck_assert_uint_eq(bells, 1);
}
END_TEST

START_TEST(many_calls_wrap_both_rings)
{
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(nexus_getpid(), 42);
	ck_assert_uint_eq(counters.packets, 1000);
	ck_assert_uint_eq(drained_max, 1);
}
END_TEST

int main(int argc, char **argv, char **envp) /* nexus.h declares a program's main so */
{
	(void)argc;
	(void)argv;
	(void)envp;
	Suite *s = suite_create("membrane");
	TCase *tc = tcase_create("calls");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, calls_round_trip);
	tcase_add_test(tc, printf_through_the_ring);
	tcase_add_test(tc, forged_id_is_refused);
	tcase_add_test(tc, call_as_another_id_is_refused);
	tcase_add_test(tc, call_many_fills_both_rings);
	tcase_add_test(tc, war_mode_still_answers);
	tcase_add_test(tc, many_calls_wrap_both_rings);
	suite_add_tcase(s, tc);
	return unit_main(s);
}
