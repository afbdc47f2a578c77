/*
 * test_abi.c — the layouts in rumpk/abi.h as seen by an ordinary hosted C program (the
 * view the host tools and the sim have), byte by byte, so a change in the header that keeps
 * the static asserts happy but moves bytes is still caught here.
 */
#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fake_hal.h"
#include "rumpk/abi.h"

START_TEST(packet_layout)
{
	struct rumpk_packet p;
	unsigned char raw[32];

	ck_assert_uint_eq(sizeof(p), 32);
	ck_assert_uint_eq(_Alignof(struct rumpk_packet), 8);
	memset(&p, 0, sizeof(p));
	p.kind = 0x04030201u;
	p.flags = 0x08070605u;
	p.arg = 0x100f0e0d0c0b0a09ull;
	for (int i = 0; i < 16; i++)
		p.id[i] = (uint8_t)(0x11 + i);
	memcpy(raw, &p, sizeof(raw));
	for (int i = 0; i < 32; i++) /* little-endian on every rumpk target: bytes 01..20 */
		ck_assert_uint_eq(raw[i], (unsigned)(i + 1));
}
END_TEST

START_TEST(packet_offsets)
{
	ck_assert_uint_eq(offsetof(struct rumpk_packet, kind), 0);
	ck_assert_uint_eq(offsetof(struct rumpk_packet, flags), 4);
	ck_assert_uint_eq(offsetof(struct rumpk_packet, arg), 8);
	ck_assert_uint_eq(offsetof(struct rumpk_packet, id), 16);
	ck_assert_uint_eq(sizeof(((struct rumpk_packet *)0)->id), 16);
}
END_TEST

START_TEST(boot_info_layout)
{
	ck_assert_uint_eq(sizeof(struct rumpk_mem_range), 16);
	ck_assert_uint_eq(sizeof(struct rumpk_boot_info), 752);
	ck_assert_uint_eq(offsetof(struct rumpk_boot_info, mem), 16);
	ck_assert_uint_eq(offsetof(struct rumpk_boot_info, reserved), 16 + 16 * RUMPK_BOOT_MAX_MEM);
	ck_assert_uint_eq(offsetof(struct rumpk_boot_info, kernel),
			  16 + 16 * (RUMPK_BOOT_MAX_MEM + RUMPK_BOOT_MAX_RESERVED));
	ck_assert_uint_eq(offsetof(struct rumpk_boot_info, entropy), 448);
	ck_assert_uint_eq(offsetof(struct rumpk_boot_info, cmdline), 480);
	ck_assert_uint_eq(sizeof(((struct rumpk_boot_info *)0)->cmdline), RUMPK_BOOT_CMDLINE_MAX);
	ck_assert_uint_eq(offsetof(struct rumpk_boot_info, timer_hz), 736);
	ck_assert_uint_eq(offsetof(struct rumpk_boot_info, reserved0), 744);
	ck_assert_uint_eq(sizeof(struct rumpk_boot_info) % 8, 0);
}
END_TEST

START_TEST(error_codes_distinct)
{
	static const int codes[] = { RUMPK_EINVAL, RUMPK_ENOMEM, RUMPK_EAGAIN, RUMPK_ENOENT,
				     RUMPK_EFAULT, RUMPK_ERANGE, RUMPK_ETIMEDOUT, RUMPK_ENOSYS,
				     RUMPK_EIO, RUMPK_EVERSION, RUMPK_ENOEXEC, RUMPK_EPERM,
				     RUMPK_ENOTDIR, RUMPK_EISDIR, RUMPK_EBADF, RUMPK_EMFILE,
				     RUMPK_EEXIST };
	int seen[RUMPK_ERRNO_MAX + 1] = { 0 };
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		ck_assert_int_gt(codes[i], 0);
		ck_assert_int_le(codes[i], RUMPK_ERRNO_MAX);
		ck_assert_int_eq(seen[codes[i]]++, 0);
	}
}
END_TEST

START_TEST(sig_trailer_layout)
{
	ck_assert_uint_eq(sizeof(struct rumpk_sig_trailer), 96);
	ck_assert_uint_eq(sizeof(RUMPK_SIG_MAGIC) - 1, 8);
	ck_assert_uint_eq(offsetof(struct rumpk_sig_trailer, signature) + RUMPK_SIG_BYTES, 96);
	ck_assert_uint_eq(sizeof(struct rumpk_auxv), 16);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("abi");
	TCase *tc = tcase_create("layout");
	tcase_add_test(tc, packet_layout);
	tcase_add_test(tc, packet_offsets);
	tcase_add_test(tc, boot_info_layout);
	tcase_add_test(tc, error_codes_distinct);
	tcase_add_test(tc, sig_trailer_layout);
	suite_add_tcase(s, tc);
	return unit_main(s);
}
