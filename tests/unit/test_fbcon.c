/*
 * test_fbcon.c — the framebuffer console and the HUD on the fake HAL's framebuffer: every
 * byte the console prints lands in the text grid and as the font's glyph in the pixels;
 * control bytes, escapes, wrapping and scrolling; no framebuffer means nothing drawn and
 * no HUD; the HUD draws only inside its panel and lists what runs.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "console.h"
#include "fake_hal.h"
#include "fbcon.h"
#include "fbcon_font.h"
#include "hud.h"
#include "kprintf.h"

#define W 1024 /* 128 cells: 80 for the console + 48 for the HUD */
#define H 320  /* 20 rows */

static uint32_t pixels[W * H];

static void with_fb(void)
{
	fake_reset();
	memset(pixels, 0xee, sizeof(pixels));
	fake.fb = (struct hal_fb){ .pixels = pixels, .width = W, .height = H, .stride = W };
}

/* The cell's pixels are glyph `ch` in the console's colours, bit for bit. */
static int cell_is(uint32_t col, uint32_t row, unsigned char ch)
{
	for (uint32_t r = 0; r < FBCON_FONT_HEIGHT; r++)
		for (uint32_t c = 0; c < FBCON_FONT_WIDTH; c++) {
			uint32_t p = pixels[(row * FBCON_FONT_HEIGHT + r) * W + col * FBCON_FONT_WIDTH + c];
			uint32_t want = (fbcon_font[ch][r] & (0x80u >> c)) ? FBCON_FG : FBCON_BG;
			if (p != want)
				return 0;
		}
	return 1;
}

static const char *row_text(uint32_t row)
{
	static char buf[FBCON_COLS_MAX + 1];
	memcpy(buf, fbcon_cells() + row * fbcon_cols(), fbcon_cols());
	buf[fbcon_cols()] = '\0';
	for (int i = (int)fbcon_cols() - 1; i >= 0 && buf[i] == ' '; i--)
		buf[i] = '\0';
	return buf;
}

START_TEST(no_framebuffer_draws_nothing)
{
	fake_reset();
	ck_assert_int_eq(fbcon_init(), -RUMPK_ENOSYS);
	ck_assert_int_eq(fbcon_active(), 0);
	fbcon_write("x", 1);
	ck_assert_uint_eq(fake.fb_flushes, 0);
	ck_assert_int_eq(hud_start(), -RUMPK_ENOSYS);
}
END_TEST

START_TEST(text_grid_and_glyphs)
{
	with_fb();
	ck_assert_int_eq(fbcon_init(), 0);
	ck_assert_uint_eq(fbcon_cols(), 80);
	ck_assert_uint_eq(fbcon_rows(), 20);
	ck_assert_uint_eq(fbcon_hud_x(), 640);
	ck_assert_uint_eq(fbcon_hud_width(), 384);
	ck_assert_ptr_eq(fake.fb_cells, fbcon_cells());
	ck_assert_uint_eq(fake.fb_cols, 80);
	console_out("ab\tc\n", 5);
	console_out("xy\bZ\rQ\n", 7);
	console_out("\x1b[2Kes\x1b[1;31mc\n", 15); /* escapes are skipped */
	console_out("\x01\x7f" "d\n", 4);          /* other control bytes draw nothing */
	ck_assert_str_eq(row_text(0), "ab      c");
	ck_assert_str_eq(row_text(1), "QZ");
	ck_assert_str_eq(row_text(2), "esc");
	ck_assert_str_eq(row_text(3), "d");
	ck_assert(cell_is(0, 0, 'a'));
	ck_assert(cell_is(8, 0, 'c'));
	ck_assert(cell_is(1, 1, 'Z'));
	ck_assert(cell_is(5, 0, ' '));
	ck_assert_uint_gt(fake.fb_flushes, 0);
	for (uint32_t i = 0; i < W * H; i++) /* nothing outside the screen's two parts */
		if (pixels[i] == 0xeeeeeeeeu)
			ck_abort_msg("pixel %u never drawn", i);
}
END_TEST

START_TEST(wraps_and_scrolls)
{
	with_fb();
	ck_assert_int_eq(fbcon_init(), 0);
	char line[100];
	memset(line, 'w', 85);
	console_out(line, 85); /* 80 on row 0, 5 wrap to row 1 */
	ck_assert_str_eq(row_text(1), "wwwww");
	for (int i = 0; i < 30; i++) {
		char l[16];
		int n = ksnprintf(l, sizeof(l), "\nline %d", i);
		console_out(l, (size_t)n);
	}
	ck_assert_str_eq(row_text(19), "line 29");
	ck_assert_str_eq(row_text(0), "line 10");
	ck_assert(cell_is(0, 0, 'l'));
	ck_assert(cell_is(5, 19, '2'));
}
END_TEST

/* The HUD draws inside its panel only, and lists the boot stages, fibers and rings. */
START_TEST(hud_stays_in_its_panel)
{
	struct rumpk_boot_info bi;
	with_fb();
	fake_boot_info(&bi, "init=none");
	ck_assert_int_eq(fake_run_core(&bi), 0);
	ck_assert_int_eq(fbcon_active(), 1);
	/* the console's part shows the boot; the panel has the HUD's background */
	ck_assert(cell_is(0, 0, 'r'));
	uint32_t bg = pixels[(H - 1) * W + W - 1];
	ck_assert_uint_ne(bg, FBCON_BG);
	memset(pixels, 0, 640 * sizeof(uint32_t)); /* row 0 of the console: must stay */
	hud_draw();
	for (uint32_t x = 0; x < 640; x++)
		ck_assert_uint_eq(pixels[x], 0);
	/* "rumpk" at the panel's first cell, in the HUD's own colours */
	for (uint32_t r = 0; r < FBCON_FONT_HEIGHT; r++)
		for (uint32_t c = 0; c < FBCON_FONT_WIDTH; c++) {
			uint32_t p = pixels[r * W + 640 + c];
			ck_assert_int_eq(p != bg, (fbcon_font['r'][r] & (0x80u >> c)) != 0);
		}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fbcon");
	TCase *tc = tcase_create("fbcon");
	tcase_add_test(tc, no_framebuffer_draws_nothing);
	tcase_add_test(tc, text_grid_and_glyphs);
	tcase_add_test(tc, wraps_and_scrolls);
	tcase_add_test(tc, hud_stays_in_its_panel);
	suite_add_tcase(s, tc);
	return unit_main(s);
}
