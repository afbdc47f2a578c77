/*
 * test_abi.c — golden byte images of every structure in rumpk/abi.h.
 *
 * abi.h's _Static_asserts already pin sizes and offsets at compile time; repeating them here
 * could never fail. Instead each test fills a structure field by field with distinct values,
 * takes its bytes, and compares them with an image written out by hand below: literal
 * offsets and literal little-endian bytes, derived from the documented layout, not from the
 * header. A field that moves, grows, changes width or endianness, or padding that appears,
 * makes the bytes differ even where the header's own asserts were edited to match.
 */
#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fake_hal.h"
#include "rumpk/abi.h"

/* One hand-written run of expected bytes at a literal offset. */
struct span {
	size_t off;
	size_t len;
	const char *bytes;
};
#define SPAN(off, lit) { (off), sizeof(lit) - 1, (lit) }

/* Compares raw (n bytes) with the spans, every byte outside them zero. Returns the offset
 * of the first byte that differs (reported), or -1 if the image matches. */
static long image_diff(const char *what, const void *raw, size_t n, const struct span *sp,
		       size_t nsp)
{
	unsigned char want[1024];
	ck_assert_uint_le(n, sizeof(want));
	memset(want, 0, n);
	for (size_t i = 0; i < nsp; i++) {
		ck_assert_uint_le(sp[i].off + sp[i].len, n);
		memcpy(want + sp[i].off, sp[i].bytes, sp[i].len);
	}
	const unsigned char *got = raw;
	for (size_t i = 0; i < n; i++)
		if (got[i] != want[i]) {
			fprintf(stderr, "%s: byte %zu is %#x, the golden image has %#x\n", what, i,
				got[i], want[i]);
			return (long)i;
		}
	return -1;
}
#define IMAGE_DIFF(what, obj, spans) \
	image_diff(what, &(obj), sizeof(obj), spans, sizeof(spans) / sizeof(spans[0]))
#define CHECK_IMAGE(what, obj, spans) ck_assert_int_eq(IMAGE_DIFF(what, obj, spans), -1)

START_TEST(packet_image)
{
	struct rumpk_packet p;
	memset(&p, 0, sizeof(p));
	p.kind = 0x0201;
	p.flags = 0x0403;
	p.tag = 0x08070605u;
	p.a = 0x0c0b0a09u;
	p.b = 0x100f0e0du;
	p.arg = 0x1817161514131211ull;
	p.id = 0x201f1e1d1c1b1a19ull;
	static const struct span img[] = {
		SPAN(0, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10"
			"\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x20"),
	};
	ck_assert_uint_eq(sizeof(p), 32);
	ck_assert_uint_eq(_Alignof(struct rumpk_packet), 8);
	CHECK_IMAGE("packet", p, img);
}
END_TEST

/* The syscall argument blocks and SYS_PS's entry. */
START_TEST(syscall_block_images)
{
	struct rumpk_stat_args sa = { .path = 0x1122334455667788ull, .out = 0x99aabbccddeeff00ull };
	static const struct span simg[] = {
		SPAN(0, "\x88\x77\x66\x55\x44\x33\x22\x11\x00\xff\xee\xdd\xcc\xbb\xaa\x99"),
	};
	CHECK_IMAGE("stat_args", sa, simg);

	struct rumpk_exec_args ea;
	memset(&ea, 0, sizeof(ea));
	ea.path = 0x0807060504030201ull;
	ea.argv = 0x100f0e0d0c0b0a09ull;
	ea.argc = 0x14131211u;
	ea.flags = 0x18171615u;
	ea.reserved = 0x201f1e1d1c1b1a19ull;
	static const struct span eimg[] = {
		SPAN(0, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10"
			"\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x20"),
	};
	CHECK_IMAGE("exec_args", ea, eimg);

	struct rumpk_procinfo pi;
	memset(&pi, 0, sizeof(pi));
	pi.pid = 7;
	pi.ppid = 1;
	pi.state = RUMPK_PROC_ZOMBIE;
	pi.status = -2;
	pi.cpu_ns = 0x0102030405060708ull;
	pi.heap = 0x10000;
	memcpy(pi.name, "nipbox", 7);
	pi.name[31] = 'z';
	static const struct span pimg[] = {
		SPAN(0, "\x07\0\0\0\x01\0\0\0\x03\0\0\0\xfe\xff\xff\xff"
			"\x08\x07\x06\x05\x04\x03\x02\x01\0\0\x01\0\0\0\0\0nipbox"),
		SPAN(63, "z"),
	};
	CHECK_IMAGE("procinfo", pi, pimg);
}
END_TEST

START_TEST(mem_range_and_auxv_images)
{
	struct rumpk_mem_range r = { .base = 0x8877665544332211ull, .size = 0x0123456789abcdefull };
	static const struct span rimg[] = {
		SPAN(0, "\x11\x22\x33\x44\x55\x66\x77\x88\xef\xcd\xab\x89\x67\x45\x23\x01"),
	};
	CHECK_IMAGE("mem_range", r, rimg);

	struct rumpk_auxv a = { .type = RUMPK_AT_RANDOM, .value = 0xfedcba9876543210ull };
	static const struct span aimg[] = {
		SPAN(0, "\x19\0\0\0\0\0\0\0\x10\x32\x54\x76\x98\xba\xdc\xfe"),
	};
	CHECK_IMAGE("auxv", a, aimg);
}
END_TEST

START_TEST(boot_info_image)
{
	static struct rumpk_boot_info bi;
	memset(&bi, 0, sizeof(bi));
	bi.version = 0x11121314u;
	bi.flags = 0x21222324u;
	bi.nmem = 0x31323334u;
	bi.nreserved = 0x41424344u;
	bi.mem[0] = (struct rumpk_mem_range){ 0x0101010101010101ull, 0x0202020202020202ull };
	bi.mem[7] = (struct rumpk_mem_range){ 0x0303030303030303ull, 0x0404040404040404ull };
	bi.reserved[0].base = 0x0505050505050505ull;
	bi.reserved[15].size = 0x0606060606060606ull;
	bi.kernel.base = 0x0707070707070707ull;
	bi.initrd.size = 0x0808080808080808ull;
	bi.dtb.base = 0x0909090909090909ull;
	bi.dtb.size = 0x0a0a0a0a0a0a0a0aull;
	bi.entropy[0] = 0xe0;
	bi.entropy[31] = 0xef;
	bi.cmdline[0] = 'a';
	bi.cmdline[255] = 'z';
	bi.timer_hz = 0x0000000000989680ull; /* 10 MHz */
	bi.reserved0 = 0xc1c2c3c4c5c6c7c8ull;
	static const struct span img[] = {
		SPAN(0, "\x14\x13\x12\x11\x24\x23\x22\x21\x34\x33\x32\x31\x44\x43\x42\x41"),
		SPAN(16, "\x01\x01\x01\x01\x01\x01\x01\x01\x02\x02\x02\x02\x02\x02\x02\x02"), /* mem[0] */
		SPAN(128, "\x03\x03\x03\x03\x03\x03\x03\x03\x04\x04\x04\x04\x04\x04\x04\x04"), /* mem[7] */
		SPAN(144, "\x05\x05\x05\x05\x05\x05\x05\x05"),  /* reserved[0].base */
		SPAN(392, "\x06\x06\x06\x06\x06\x06\x06\x06"),  /* reserved[15].size */
		SPAN(400, "\x07\x07\x07\x07\x07\x07\x07\x07"),  /* kernel.base */
		SPAN(424, "\x08\x08\x08\x08\x08\x08\x08\x08"),  /* initrd.size */
		SPAN(432, "\x09\x09\x09\x09\x09\x09\x09\x09\x0a\x0a\x0a\x0a\x0a\x0a\x0a\x0a"), /* dtb */
		SPAN(448, "\xe0"), SPAN(479, "\xef"),         /* entropy[0], entropy[31] */
		SPAN(480, "a"), SPAN(735, "z"),               /* cmdline[0], cmdline[255] */
		SPAN(736, "\x80\x96\x98\0\0\0\0\0"),          /* timer_hz */
		SPAN(744, "\xc8\xc7\xc6\xc5\xc4\xc3\xc2\xc1"),  /* reserved0, the last 8 bytes */
	};
	ck_assert_uint_eq(sizeof(bi), 752);
	CHECK_IMAGE("boot_info", bi, img);
}
END_TEST

START_TEST(ring_hdr_image)
{
	static struct rumpk_ring_hdr h;
	memset(&h, 0, sizeof(h));
	h.magic = RUMPK_RING_MAGIC;
	h.version = RUMPK_RING_VERSION;
	h.capacity = 0x400;
	h.reserved0 = 0x5a5a5a5au;
	h.tail = 0xa1a2a3a4u;
	h.head = 0xb1b2b3b4u;
	h.flags = RUMPK_RING_NEED_WAKEUP;
	static const struct span img[] = {
		SPAN(0, "RRNG\x01\0\0\0\0\x04\0\0\x5a\x5a\x5a\x5a"), /* magic reads "RRNG" in memory */
		SPAN(64, "\xa4\xa3\xa2\xa1"),                     /* tail: its own cache line */
		SPAN(128, "\xb4\xb3\xb2\xb1\x01\0\0\0"),          /* head, flags: the third line */
	};
	ck_assert_uint_eq(sizeof(h), 192);
	CHECK_IMAGE("ring_hdr", h, img);
}
END_TEST

START_TEST(sig_trailer_image)
{
	struct rumpk_sig_trailer t;
	memset(&t, 0, sizeof(t));
	memcpy(t.magic, RUMPK_SIG_MAGIC, 8);
	t.version = RUMPK_SIG_VERSION;
	t.reserved0 = 0x0d0c0b0au;
	t.signed_size = 0x0000000000007890ull;
	for (int i = 0; i < RUMPK_SIG_KEY_ID_BYTES; i++)
		t.key_id[i] = (uint8_t)(0xa0 + i);
	t.signature[0] = 0x51;
	t.signature[63] = 0x5f;
	static const struct span img[] = {
		SPAN(0, "RUMPKSIG\x01\0\0\0\x0a\x0b\x0c\x0d\x90\x78\0\0\0\0\0\0"
			"\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\x51"),
		SPAN(95, "\x5f"),
	};
	ck_assert_uint_eq(sizeof(t), 96);
	CHECK_IMAGE("sig_trailer", t, img);
}
END_TEST

START_TEST(stat_and_dirent_images)
{
	struct rumpk_stat st;
	memset(&st, 0, sizeof(st));
	st.type = RUMPK_FT_DIR;
	st.mode = 0755;
	st.size = 0x1122334455667788ull;
	st.mtime = 0x0000000065000000ull;
	st.reserved0 = 0xffeeddccbbaa9988ull;
	static const struct span simg[] = {
		SPAN(0, "\x02\0\0\0\xed\x01\0\0\x88\x77\x66\x55\x44\x33\x22\x11"
			"\0\0\0\x65\0\0\0\0\x88\x99\xaa\xbb\xcc\xdd\xee\xff"),
	};
	CHECK_IMAGE("stat", st, simg);

	struct rumpk_dirent d;
	memset(&d, 0, sizeof(d));
	d.type = RUMPK_FT_FILE;
	d.namelen = 5;
	d.size = 0x2a;
	memcpy(d.name, "hello", 6);
	d.name[RUMPK_NAME_MAX + 3] = 'Z';
	static const struct span dimg[] = {
		SPAN(0, "\x01\0\0\0\x05\0\0\0\x2a\0\0\0\0\0\0\0hello"),
		SPAN(119, "Z"), /* the last byte of the 104-byte name field */
	};
	ck_assert_uint_eq(sizeof(d), 120);
	CHECK_IMAGE("dirent", d, dimg);
}
END_TEST

START_TEST(stats_image)
{
	static struct rumpk_stats st;
	memset(&st, 0, sizeof(st));
	st.version = RUMPK_STATS_VERSION;
	st.flags = RUMPK_STATS_ENTROPY_WEAK | RUMPK_STATS_WAR;
	st.uptime_ns = 0x0807060504030201ull;
	st.mem_total_pages = 0x11;
	st.procs_live = 0x22;
	st.packets = 0x33;
	st.fibers = 0x44;
	st.gov_to_war = 0x55;
	st.console_in = 0x66;
	st.console_out = 0x77;
	st.spaces_live = 0x99;
	st.handles_open = 0xaa;
	st.reserved[0] = 0x88;
	static const struct span img[] = {
		SPAN(0, "\x02\0\0\0\x03\0\0\0\x01\x02\x03\x04\x05\x06\x07\x08"),
		SPAN(16, "\x11"), SPAN(40, "\x22"), SPAN(80, "\x33"), SPAN(104, "\x44"),
		SPAN(128, "\x55"), SPAN(152, "\x66"), SPAN(168, "\x77"), SPAN(176, "\x99"),
		SPAN(184, "\xaa"), SPAN(192, "\x88"),
	};
	ck_assert_uint_eq(sizeof(st), 200);
	CHECK_IMAGE("stats", st, img);
}
END_TEST

/* The checker itself must be able to fail: a one-byte difference is reported. */
/* The kernel's trace (docs/trace.md): what rumpk-trace reads. */
START_TEST(trace_images)
{
	struct rumpk_trace_hdr h;
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, RUMPK_TRACE_MAGIC, 8);
	h.version = 0x04030201u;
	h.rec_size = 0x08070605u;
	h.level = 0x0c0b0a09u;
	memcpy(h.hal, "rv", 2);
	static const struct span himg[] = {
		SPAN(0, "RUMPKTRC\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c"),
		SPAN(24, "rv"),
	};
	ck_assert_uint_eq(sizeof(h), 40);
	CHECK_IMAGE("trace_hdr", h, himg);

	struct rumpk_trace_rec r;
	memset(&r, 0, sizeof(r));
	r.type = 0x01;
	r.flags = 0x02;
	r.arg_region = 0x03;
	r.res_region = 0x04;
	r.pid = 0x08070605u;
	r.time_us = 0x0c0b0a09u;
	r.kind = 0x0e0d;
	r.tag = 0x14131211u;
	r.a = 0x18171615u;
	r.b = 0x1c1b1a19u;
	r.a2 = 0x201f1e1du;
	r.arg = 0x2827262524232221ull;
	r.res = 0x302f2e2d2c2b2a29ull;
	r.hash = 0x3837363534333231ull;
	static const struct span rimg[] = {
		SPAN(0, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e"),
		SPAN(16, "\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x20"
			 "\x21\x22\x23\x24\x25\x26\x27\x28\x29\x2a\x2b\x2c\x2d\x2e\x2f\x30"
			 "\x31\x32\x33\x34\x35\x36\x37\x38"),
	};
	ck_assert_uint_eq(sizeof(r), 56);
	ck_assert_uint_eq(_Alignof(struct rumpk_trace_rec), 8);
	CHECK_IMAGE("trace_rec", r, rimg);
	/* the hashes are fixed functions: a changed constant would orphan every old trace */
	ck_assert_uint_eq(rumpk_trace_hash(0, "ab", 2), 0x62ull * 0x100000001b3ull + 0x63);
	const uint8_t one = 0x41;
	ck_assert_uint_eq(rumpk_trace_frame_sum(0, &one, 1), 0x5111333cu);
}
END_TEST

START_TEST(golden_check_detects_a_moved_byte)
{
	struct rumpk_mem_range r = { .base = 1, .size = 0 };
	static const struct span wrong[] = { SPAN(1, "\x01") };
	ck_assert_int_eq(IMAGE_DIFF("mem_range (a deliberately wrong image)", r, wrong), 0);
}
END_TEST

START_TEST(error_codes_distinct)
{
	static const int codes[] = { RUMPK_EINVAL, RUMPK_ENOMEM, RUMPK_EAGAIN, RUMPK_ENOENT,
				     RUMPK_EFAULT, RUMPK_ERANGE, RUMPK_ETIMEDOUT, RUMPK_ENOSYS,
				     RUMPK_EIO, RUMPK_EVERSION, RUMPK_ENOEXEC, RUMPK_EPERM,
				     RUMPK_ENOTDIR, RUMPK_EISDIR, RUMPK_EBADF, RUMPK_EMFILE,
				     RUMPK_EEXIST, RUMPK_ESRCH, RUMPK_ECHILD, RUMPK_EPROV,
				     RUMPK_EKILLED };
	int seen[RUMPK_ERRNO_MAX + 1] = { 0 };
	ck_assert_uint_eq(sizeof(codes) / sizeof(codes[0]), RUMPK_ERRNO_MAX);
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		ck_assert_int_gt(codes[i], 0);
		ck_assert_int_le(codes[i], RUMPK_ERRNO_MAX);
		ck_assert_int_eq(seen[codes[i]]++, 0);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("abi");
	TCase *tc = tcase_create("golden");
	tcase_add_test(tc, packet_image);
	tcase_add_test(tc, syscall_block_images);
	tcase_add_test(tc, stats_image);
	tcase_add_test(tc, mem_range_and_auxv_images);
	tcase_add_test(tc, boot_info_image);
	tcase_add_test(tc, ring_hdr_image);
	tcase_add_test(tc, sig_trailer_image);
	tcase_add_test(tc, stat_and_dirent_images);
	tcase_add_test(tc, trace_images);
	tcase_add_test(tc, golden_check_detects_a_moved_byte);
	tcase_add_test(tc, error_codes_distinct);
	suite_add_tcase(s, tc);
	return unit_main(s);
}
