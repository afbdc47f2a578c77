/*
 * test_trace.c — the kernel's trace (src/core/trace.c), its bare-metal sink
 * (src/libk/bm_trace.c, compiled here under another name beside the fake HAL's) and the
 * host's parsers of it (src/tools/trace_read.c), including every malformed input they name.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "fake_hal.h"
#include "kprintf.h"
#include "selftest.h"
#include "trace.h"
#include "trace_read.h"

/* bm_trace.c's hal_trace_write and the console it writes to, renamed by the build
 * (tests/unit/CMakeLists.txt) so it sits beside the fake HAL's: its lines go to bm_log. */
void bm_trace_write(const void *buf, size_t len);
static char bm_log[256 * 1024];
static size_t bm_log_len;
void bm_console_write(const char *buf, size_t len)
{
	ck_assert_uint_le(len, sizeof(bm_log) - 1 - bm_log_len);
	memcpy(bm_log + bm_log_len, buf, len);
	bm_log_len += len;
	bm_log[bm_log_len] = '\0';
}

static struct trace boot_traced(const char *cmdline, int want_code)
{
	struct trace t;
	size_t at;

	ck_assert_int_eq(fake_boot(cmdline), want_code);
	ck_assert_int_eq(fake.trace_ended, 1);
	enum trace_err e = trace_parse(fake_trace, fake.trace_len, &t, &at);
	ck_assert_msg(e == TRE_OK, "trace: %s at %zu", trace_err_name(e), at);
	return t;
}

static size_t count(const struct trace *t, unsigned type)
{
	size_t n = 0;
	for (size_t i = 0; i < t->n; i++)
		n += t->rec[i].type == type;
	return n;
}

START_TEST(off_writes_nothing)
{
	ck_assert_int_eq(fake_boot("init=/bin/hello"), 0);
	ck_assert_uint_eq(fake.trace_writes, 0);
	ck_assert_int_eq(fake.trace_ended, 0);
	ck_assert_uint_eq(trace_level, RUMPK_TRACE_OFF);
}
END_TEST

START_TEST(bad_level_refuses_to_boot)
{
	ck_assert_int_eq(fake_boot("trace=everything"), SELFTEST_EXIT_CODE);
	ck_assert_ptr_nonnull(strstr(fake.console, "[boot] FAIL: trace=everything is not a trace "
					   "level: use trace=sys or trace=all\n"));
	ck_assert_uint_eq(fake.trace_writes, 0);
}
END_TEST

/* hello with two arguments at trace=sys: its start, its writes (the bytes hashed), its exit
 * and the halt, and no scheduling record (that is trace=all's). */
START_TEST(sys_records_a_program)
{
	struct trace t = boot_traced("trace=sys init=/bin/hello", 0);
	ck_assert_str_eq(t.hdr.hal, "fake");
	ck_assert_uint_eq(t.hdr.level, RUMPK_TRACE_SYS);
	ck_assert_int_eq(t.halted, 1);
	ck_assert_uint_eq(count(&t, RUMPK_TR_SCHED), 0);
	ck_assert_uint_eq(count(&t, RUMPK_TR_SPAWN), 1);
	ck_assert_uint_eq(count(&t, RUMPK_TR_EXIT), 1);
	const struct rumpk_trace_rec *r = &t.rec[0];
	ck_assert_uint_eq(r->type, RUMPK_TR_SPAWN);
	ck_assert_uint_eq(r->pid, 1);
	ck_assert_uint_eq(r->a, 0);
	ck_assert_uint_eq(r->arg, 'h' | 'e' << 8 | 'l' << 16 | 'l' << 24 | (uint64_t)'o' << 32);
	/* hello writes "hello\n" first: handle 1, its bytes hashed, the buffer not an address */
	r = &t.rec[1];
	ck_assert_uint_eq(r->type, RUMPK_TR_PACKET);
	ck_assert_uint_eq(r->kind, RUMPK_SYS_WRITE);
	ck_assert_uint_eq(r->a, 1);
	ck_assert_uint_eq(r->res, 6);
	ck_assert_uint_eq(r->hash, rumpk_trace_hash(0, "hello\n", 6));
	ck_assert_uint_ne(r->arg_region, RUMPK_TREG_NONE);
	ck_assert_uint_ne(r->arg_region, RUMPK_TREG_BAD);
	ck_assert_uint_lt(r->arg, 1u << 24); /* an offset in its region, not an address */
	r = &t.rec[t.n - 1];
	ck_assert_uint_eq(r->type, RUMPK_TR_HALT);
	ck_assert_uint_eq(r->a, 0);
	r = &t.rec[t.n - 2];
	ck_assert_uint_eq(r->type, RUMPK_TR_EXIT);
	ck_assert_uint_eq(r->a, 0);
	trace_free(&t);
}
END_TEST

START_TEST(all_adds_scheduling)
{
	struct trace t = boot_traced("init=/bin/hello trace=all", 0);
	ck_assert_uint_eq(t.hdr.level, RUMPK_TRACE_ALL);
	ck_assert_uint_gt(count(&t, RUMPK_TR_SCHED), 0);
	ck_assert_uint_gt(count(&t, RUMPK_TR_PACKET), 0);
	/* whole records per write: the staging buffer hands over a multiple of the size */
	ck_assert_uint_eq((fake.trace_len - sizeof(struct rumpk_trace_hdr)) %
			  sizeof(struct rumpk_trace_rec), 0);
	trace_free(&t);
}
END_TEST

/* trace_inject is the fault injector's: recorded at all only. */
START_TEST(injections_only_at_all)
{
	struct trace t;
	size_t at;

	fake_reset();
	ck_assert_int_eq(trace_init("trace=sys"), 0);
	trace_inject(RUMPK_INJ_ALLOC, 17, 3);
	trace_halt(0);
	ck_assert_int_eq(trace_parse(fake_trace, fake.trace_len, &t, &at), TRE_OK);
	ck_assert_uint_eq(count(&t, RUMPK_TR_INJECT), 0);
	trace_free(&t);

	fake_reset();
	ck_assert_int_eq(trace_init("trace=all"), 0);
	trace_inject(RUMPK_INJ_RING, 5, 2);
	trace_halt(7);
	trace_halt(8); /* once: a panic inside the first halt adds nothing */
	ck_assert_int_eq(trace_parse(fake_trace, fake.trace_len, &t, &at), TRE_OK);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_uint_eq(t.rec[0].type, RUMPK_TR_INJECT);
	ck_assert_uint_eq(t.rec[0].kind, RUMPK_INJ_RING);
	ck_assert_uint_eq(t.rec[0].arg, 5);
	ck_assert_uint_eq(t.rec[0].pid, 2);
	ck_assert_uint_eq(t.rec[1].a, 7);
	trace_free(&t);
	trace_level = RUMPK_TRACE_OFF;
}
END_TEST

/* A panic (halt code 255) writes the trace too: the HALT record and the end. */
static void panic_now(void)
{
	kpanic("a test panic");
}

START_TEST(panic_writes_the_trace)
{
	struct trace t;
	size_t at;

	fake_reset();
	ck_assert_int_eq(trace_init("trace=sys"), 0);
	trace_rec_exit(5, 3);
	fake_must_panic(panic_now);
	ck_assert_int_eq(fake.trace_ended, 1);
	ck_assert_int_eq(trace_parse(fake_trace, fake.trace_len, &t, &at), TRE_OK);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_uint_eq(t.rec[0].type, RUMPK_TR_EXIT);
	ck_assert_uint_eq(t.rec[0].pid, 5);
	ck_assert_uint_eq(t.rec[1].type, RUMPK_TR_HALT);
	ck_assert_uint_eq(t.rec[1].a, 255);
	trace_free(&t);
	trace_level = RUMPK_TRACE_OFF;
}
END_TEST

START_TEST(regions)
{
	struct trace_space s = { .image_lo = 0x100000, .image_hi = 0x180000,
				 .heap_lo = 0x8000000, .heap_hi = 0x9000000,
				 .stack_lo = 0x20000000, .stack_hi = 0x20040000,
				 .ring = 0x7800000 };
	uint64_t off;
	ck_assert_uint_eq(trace_region(&s, 0, &off), RUMPK_TREG_LOW);
	ck_assert_uint_eq(off, 0);
	ck_assert_uint_eq(trace_region(&s, 0x1000, &off), RUMPK_TREG_LOW);
	ck_assert_uint_eq(off, 0x1000);
	ck_assert_uint_eq(trace_region(&s, 0x100010, &off), RUMPK_TREG_IMAGE);
	ck_assert_uint_eq(off, 0x10);
	ck_assert_uint_eq(trace_region(&s, 0x180000, &off), RUMPK_TREG_BAD);
	ck_assert_uint_eq(off, 0);
	ck_assert_uint_eq(trace_region(&s, 0x8000020, &off), RUMPK_TREG_HEAP);
	ck_assert_uint_eq(off, 0x20);
	ck_assert_uint_eq(trace_region(&s, 0x2003fff0, &off), RUMPK_TREG_STACK);
	ck_assert_uint_eq(off, 0x10); /* below the top */
	ck_assert_uint_eq(trace_region(&s, 0x7800fff, &off), RUMPK_TREG_RING);
	ck_assert_uint_eq(off, 0xfff);
	ck_assert_uint_eq(trace_region(&s, 0x7801000, &off), RUMPK_TREG_BAD);
	ck_assert_uint_eq(trace_region(&s, 0xffff800000001000ull, &off), RUMPK_TREG_BAD);
}
END_TEST

START_TEST(hash_joins)
{
	const char *ab = "hello, world";
	uint64_t ha = rumpk_trace_hash(0, ab, 5), hb = rumpk_trace_hash(0, ab + 5, 7);
	uint64_t p7 = 1;
	for (int i = 0; i < 7; i++)
		p7 *= RUMPK_TRACE_HASH_P;
	ck_assert_uint_eq(ha * p7 + hb, rumpk_trace_hash(0, ab, 12));
	ck_assert_uint_ne(rumpk_trace_hash(0, "\0", 1), rumpk_trace_hash(0, "", 0));
}
END_TEST

/* ---- the parser: one named error per malformed input --------------------------------- */

static uint8_t img[sizeof(struct rumpk_trace_hdr) + 3 * sizeof(struct rumpk_trace_rec)];

static void good_image(void)
{
	struct rumpk_trace_hdr h = { .version = RUMPK_TRACE_VERSION,
				     .rec_size = sizeof(struct rumpk_trace_rec),
				     .level = RUMPK_TRACE_SYS, .hal = "riscv64-virt" };
	struct rumpk_trace_rec r[3] = {
		{ .type = RUMPK_TR_SPAWN, .pid = 1 },
		{ .type = RUMPK_TR_PACKET, .pid = 1, .kind = RUMPK_SYS_WRITE,
		  .arg_region = RUMPK_TREG_HEAP, .flags = RUMPK_TRF_ERROR },
		{ .type = RUMPK_TR_HALT },
	};
	memcpy(h.magic, RUMPK_TRACE_MAGIC, 8);
	memcpy(img, &h, sizeof(h));
	memcpy(img + sizeof(h), r, sizeof(r));
}

static enum trace_err parse_img(size_t len, size_t *at)
{
	struct trace t;
	enum trace_err e = trace_parse(img, len, &t, at);
	if (e == TRE_OK)
		trace_free(&t);
	return e;
}

#define REC(i, field) (sizeof(struct rumpk_trace_hdr) + (i) * sizeof(struct rumpk_trace_rec) + \
		       offsetof(struct rumpk_trace_rec, field))

START_TEST(parser_names_each_fault)
{
	size_t at, full = sizeof(img);
	good_image();
	ck_assert_int_eq(parse_img(full, &at), TRE_OK);
	ck_assert_int_eq(parse_img(sizeof(struct rumpk_trace_hdr), &at), TRE_OK); /* no records */
	ck_assert_int_eq(parse_img(39, &at), TRE_SHORT);
	ck_assert_int_eq(parse_img(full - 1, &at), TRE_PARTIAL);
	ck_assert_uint_eq(at, REC(2, type));
	struct { size_t off; uint8_t val; enum trace_err want; } cases[] = {
		{ 0, 'X', TRE_MAGIC },
		{ offsetof(struct rumpk_trace_hdr, version), 2, TRE_VERSION },
		{ offsetof(struct rumpk_trace_hdr, rec_size), 48, TRE_RECSIZE },
		{ offsetof(struct rumpk_trace_hdr, level), 3, TRE_LEVEL },
		{ offsetof(struct rumpk_trace_hdr, level), 0, TRE_LEVEL },
		{ offsetof(struct rumpk_trace_hdr, reserved0), 1, TRE_HDR_RESERVED },
		{ offsetof(struct rumpk_trace_hdr, hal), 0, TRE_HAL },
		{ REC(1, type), 0, TRE_TYPE },
		{ REC(1, type), RUMPK_TR_MAX + 1, TRE_TYPE },
		{ REC(1, arg_region), RUMPK_TREG_MAX + 1, TRE_REGION },
		{ REC(1, res_region), 200, TRE_REGION },
		{ REC(1, reserved0), 1, TRE_REC_RESERVED },
		{ REC(1, flags), 0x2, TRE_REC_RESERVED },
		{ REC(1, type), RUMPK_TR_HALT, TRE_AFTER_HALT },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		good_image();
		img[cases[i].off] = cases[i].val;
		enum trace_err e = parse_img(full, &at);
		ck_assert_msg(e == cases[i].want, "case %zu: %s, want %s", i, trace_err_name(e),
			      trace_err_name(cases[i].want));
	}
	/* a HAL name that fills all 16 bytes: no NUL */
	good_image();
	memset(img + offsetof(struct rumpk_trace_hdr, hal), 'x', RUMPK_TRACE_HAL_MAX);
	ck_assert_int_eq(parse_img(full, &at), TRE_HAL);
	for (int e = 0; e < TRE_COUNT; e++)
		ck_assert_str_ne(trace_err_name((enum trace_err)e), "?");
}
END_TEST

/* ---- frames: the bare-metal sink's lines, read back ---------------------------------- */

static enum trace_err frames_of(const char *log, uint8_t **out, size_t *n, uint64_t *dropped,
				size_t *line)
{
	return trace_frames(log, strlen(log), out, n, dropped, line);
}

START_TEST(frames_round_trip)
{
	static uint8_t data[1000];
	uint8_t *out;
	size_t n, line;
	uint64_t dropped;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	strcpy(bm_log, "boot noise\r\nrumpk-trace end 0 0 0\n"); /* before the begin line */
	bm_log_len = strlen(bm_log);
	bm_trace_write(data, 600);
	bm_trace_write(data + 600, 400);
	bm_trace_write(NULL, 0);
	ck_assert_int_eq(frames_of(bm_log, &out, &n, &dropped, &line), TRE_OK);
	ck_assert_uint_eq(n, sizeof(data));
	ck_assert_int_eq(memcmp(out, data, n), 0);
	ck_assert_uint_eq(dropped, 0);
	free(out);
	/* CRLF everywhere, as a QEMU log may have it */
	static char crlf[sizeof(bm_log) * 2];
	size_t k = 0;
	for (size_t i = 0; i < bm_log_len; i++) {
		if (bm_log[i] == '\n')
			crlf[k++] = '\r';
		crlf[k++] = bm_log[i];
	}
	crlf[k] = '\0';
	ck_assert_int_eq(frames_of(crlf, &out, &n, &dropped, &line), TRE_OK);
	ck_assert_uint_eq(n, sizeof(data));
	free(out);
}
END_TEST

/* More than 64 KiB: a clean prefix is kept and what was lost is counted. */
START_TEST(frames_cap_at_64k)
{
	static uint8_t chunk[10000];
	uint8_t *out;
	size_t n, line;
	uint64_t dropped;

	for (size_t i = 0; i < sizeof(chunk); i++)
		chunk[i] = (uint8_t)i;
	bm_log_len = 0;
	for (int i = 0; i < 8; i++) /* 80,000 bytes: the 7th write no longer fits */
		bm_trace_write(chunk, sizeof(chunk));
	bm_trace_write(NULL, 0);
	ck_assert_int_eq(frames_of(bm_log, &out, &n, &dropped, &line), TRE_OK);
	ck_assert_uint_eq(n, 60000);
	ck_assert_uint_eq(dropped, 20000);
	ck_assert_int_eq(memcmp(out + 50000, chunk, sizeof(chunk)), 0);
	free(out);
}
END_TEST

START_TEST(frames_name_each_fault)
{
	uint8_t *out;
	size_t n, line;
	uint64_t dropped;
	char log[4096], good[256];
	const uint8_t bytes[3] = { 1, 2, 3 };

	snprintf(good, sizeof(good), "rumpk-trace 0 010203 %08x\n", rumpk_trace_frame_sum(0, bytes, 3));
	struct { const char *fmt; enum trace_err want; } cases[] = {
		{ "nothing here\n", TRE_NO_BEGIN },
		{ "rumpk-trace begin 2\n%srumpk-trace end 1 3 0\n", TRE_BEGIN },
		{ "rumpk-trace begin 1\n%shalted, code 0\nrumpk-trace end 1 3 0\n", TRE_SYNTAX },
		{ "rumpk-trace begin 1\n%srumpk-trace 0 010203 00000000\n", TRE_SEQUENCE },
		{ "rumpk-trace begin 1\nrumpk-trace 0 01020 00000000\n%s", TRE_HEX },
		{ "rumpk-trace begin 1\nrumpk-trace 0 0102zz 00000000\n%s", TRE_HEX },
		{ "rumpk-trace begin 1\nrumpk-trace 0 010203 0000000\n%s", TRE_HEX },
		{ "rumpk-trace begin 1\nrumpk-trace 0 010203 00000000\n%s", TRE_CHECKSUM },
		{ "rumpk-trace begin 1\n%s", TRE_NO_END },
		{ "rumpk-trace begin 1\n%srumpk-trace end 2 3 0\n", TRE_END },
		{ "rumpk-trace begin 1\n%srumpk-trace end 1 4 0\n", TRE_END },
		{ "rumpk-trace begin 1\n%srumpk-trace end 1 3\n", TRE_SYNTAX },
		{ "rumpk-trace begin 1\nrumpk-trace 9999999999999999999 01 00000000\n%s", TRE_SYNTAX },
		{ "rumpk-trace begin 1\n%srumpk-trace end 1 3 0\n", TRE_OK },
		{ "rumpk-trace begin 1\r\n%srumpk-trace end 1 3 7\r\n", TRE_OK },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(log, sizeof(log), cases[i].fmt, good);
		enum trace_err e = frames_of(log, &out, &n, &dropped, &line);
		ck_assert_msg(e == cases[i].want, "case %zu: %s, want %s", i, trace_err_name(e),
			      trace_err_name(cases[i].want));
		if (e == TRE_OK) {
			ck_assert_uint_eq(n, 3);
			ck_assert_int_eq(memcmp(out, bytes, 3), 0);
			free(out);
		}
	}
	ck_assert_uint_eq(dropped, 7);
	/* a frame line with more than 48 bytes */
	char longline[512] = "rumpk-trace begin 1\nrumpk-trace 0 ";
	for (int i = 0; i < 49; i++)
		strcat(longline, "ab");
	strcat(longline, " 00000000\n");
	ck_assert_int_eq(frames_of(longline, &out, &n, &dropped, &line), TRE_HEX);
	ck_assert_uint_eq(line, 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("kernel");
	tcase_add_test(tc, off_writes_nothing);
	tcase_add_test(tc, bad_level_refuses_to_boot);
	tcase_add_test(tc, sys_records_a_program);
	tcase_add_test(tc, all_adds_scheduling);
	tcase_add_test(tc, injections_only_at_all);
	tcase_add_test(tc, panic_writes_the_trace);
	tcase_add_test(tc, regions);
	tcase_add_test(tc, hash_joins);
	suite_add_tcase(s, tc);
	tc = tcase_create("reader");
	tcase_add_test(tc, parser_names_each_fault);
	tcase_add_test(tc, frames_round_trip);
	tcase_add_test(tc, frames_cap_at_64k);
	tcase_add_test(tc, frames_name_each_fault);
	suite_add_tcase(s, tc);
	return unit_main(s);
}
