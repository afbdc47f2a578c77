/*
 * fbcon.c — the framebuffer console (fbcon.h).
 *
 * State is static and fixed in size (no allocation: it runs before the memory stage and on
 * the panic path). Every write runs with interrupts disabled, so a kprintf from an
 * interrupt cannot interleave with a fiber's line. The text grid is the truth: drawing a
 * cell draws its glyph, scrolling moves the grid and the pixels together, and the HAL gets
 * the grid (hal_fb_text) for its screenshot's text beside the picture.
 */
#include "fbcon.h"

#include "fbcon_font.h"
#include "hal.h"
#include "kutil.h"

static struct {
	int active;
	struct hal_fb fb;
	uint32_t cols, rows;       /* the console's grid */
	uint32_t hud_x, hud_w;     /* the panel's pixels (hud_w 0: no panel) */
	uint32_t cx, cy;           /* the cursor's cell */
	int esc;                   /* 0, 1 after ESC, 2 inside ESC [ */
	uint8_t cells[FBCON_ROWS_MAX * FBCON_COLS_MAX];
} F;

int fbcon_active(void)
{
	return F.active;
}

uint32_t fbcon_cols(void)
{
	return F.cols;
}

uint32_t fbcon_rows(void)
{
	return F.rows;
}

const uint8_t *fbcon_cells(void)
{
	return F.cells;
}

uint32_t fbcon_hud_x(void)
{
	return F.hud_x;
}

uint32_t fbcon_hud_width(void)
{
	return F.hud_w;
}

uint32_t fbcon_height(void)
{
	return F.active ? F.fb.height : 0;
}

void fbcon_fill(uint32_t x, uint32_t y, uint32_t w, uint32_t h, uint32_t rgb)
{
	if (!F.active || x >= F.fb.width || y >= F.fb.height)
		return;
	if (w > F.fb.width - x)
		w = F.fb.width - x;
	if (h > F.fb.height - y)
		h = F.fb.height - y;
	for (uint32_t r = 0; r < h; r++) {
		uint32_t *p = F.fb.pixels + (size_t)(y + r) * F.fb.stride + x;
		for (uint32_t c = 0; c < w; c++)
			p[c] = rgb;
	}
	hal_fb_flush(x, y, w, h);
}

/* One glyph at pixel (x, y), clipped to the framebuffer; no flush. */
static void glyph(uint32_t x, uint32_t y, uint8_t ch, uint32_t fg, uint32_t bg)
{
	const unsigned char *g = fbcon_font[ch];
	for (uint32_t r = 0; r < FBCON_FONT_HEIGHT && y + r < F.fb.height; r++) {
		uint32_t *p = F.fb.pixels + (size_t)(y + r) * F.fb.stride + x;
		for (uint32_t c = 0; c < FBCON_FONT_WIDTH && x + c < F.fb.width; c++)
			p[c] = (g[r] & (0x80u >> c)) ? fg : bg;
	}
}

void fbcon_text(uint32_t x, uint32_t y, const char *s, uint32_t max_cells, uint32_t fg,
		uint32_t bg)
{
	uint32_t n = 0;
	if (!F.active || x >= F.fb.width || y >= F.fb.height)
		return;
	for (; s[n] && n < max_cells && x + n * FBCON_FONT_WIDTH < F.fb.width; n++)
		glyph(x + n * FBCON_FONT_WIDTH, y, (uint8_t)s[n], fg, bg);
	if (n)
		hal_fb_flush(x, y, n * FBCON_FONT_WIDTH, FBCON_FONT_HEIGHT);
}

static void draw_cell(uint32_t col, uint32_t row)
{
	glyph(col * FBCON_FONT_WIDTH, row * FBCON_FONT_HEIGHT, F.cells[row * F.cols + col],
	      FBCON_FG, FBCON_BG);
}

/* The cursor: the cell's glyph with its two lowest pixel rows in the foreground colour. */
static void cursor(int on)
{
	if (F.cx >= F.cols)
		return;
	draw_cell(F.cx, F.cy);
	if (on) {
		uint32_t y = F.cy * FBCON_FONT_HEIGHT + FBCON_FONT_HEIGHT - 2;
		for (uint32_t r = 0; r < 2; r++) {
			uint32_t *p = F.fb.pixels + (size_t)(y + r) * F.fb.stride +
				      F.cx * FBCON_FONT_WIDTH;
			for (uint32_t c = 0; c < FBCON_FONT_WIDTH; c++)
				p[c] = FBCON_FG;
		}
	}
}

/* Everything moves up one line; the last line is empty. */
static void scroll(void)
{
	uint32_t line_px = F.fb.stride * FBCON_FONT_HEIGHT;
	uint32_t w = F.cols * FBCON_FONT_WIDTH;

	kmemmove(F.cells, F.cells + F.cols, (size_t)(F.rows - 1) * F.cols);
	kmemset(F.cells + (size_t)(F.rows - 1) * F.cols, ' ', F.cols);
	for (uint32_t r = 0; r + 1 < F.rows; r++)
		for (uint32_t y = 0; y < FBCON_FONT_HEIGHT; y++)
			kmemcpy(F.fb.pixels + (size_t)r * line_px + (size_t)y * F.fb.stride,
				F.fb.pixels + (size_t)(r + 1) * line_px + (size_t)y * F.fb.stride,
				w * sizeof(uint32_t));
	for (uint32_t y = 0; y < FBCON_FONT_HEIGHT; y++) {
		uint32_t *p = F.fb.pixels + (size_t)(F.rows - 1) * line_px + (size_t)y * F.fb.stride;
		for (uint32_t c = 0; c < w; c++)
			p[c] = FBCON_BG;
	}
}

static void newline(void)
{
	F.cx = 0;
	if (++F.cy == F.rows) {
		scroll();
		F.cy = F.rows - 1;
	}
}

static void put(uint8_t ch)
{
	if (F.esc == 1) { /* after ESC: '[' starts a sequence, anything else ends it */
		F.esc = ch == '[' ? 2 : 0;
		return;
	}
	if (F.esc == 2) { /* parameters until a final byte (0x40..0x7e) */
		if (ch >= 0x40 && ch <= 0x7e)
			F.esc = 0;
		return;
	}
	switch (ch) {
	case 0x1b:
		F.esc = 1;
		return;
	case '\n':
		newline();
		return;
	case '\r':
		F.cx = 0;
		return;
	case '\b':
		if (F.cx > 0)
			F.cx--;
		return;
	case '\t':
		do
			put(' ');
		while (F.cx % 8 != 0 && F.cx < F.cols);
		return;
	default:
		break;
	}
	if (ch < 0x20 || ch == 0x7f)
		return; /* other control bytes draw nothing */
	if (F.cx >= F.cols)
		newline();
	F.cells[F.cy * F.cols + F.cx] = ch;
	draw_cell(F.cx, F.cy);
	F.cx++;
}

void fbcon_write(const char *s, size_t n)
{
	if (!F.active || !n)
		return;
	hal_irq_state_t st = hal_irq_save();
	uint32_t top = F.cy;
	cursor(0);
	for (size_t i = 0; i < n; i++)
		put((uint8_t)s[i]);
	cursor(1);
	if (F.cy < top || F.cy == F.rows - 1) /* it may have scrolled: show the whole grid */
		top = 0;
	hal_fb_flush(0, top * FBCON_FONT_HEIGHT, F.cols * FBCON_FONT_WIDTH,
		     (F.cy + 1 - top) * FBCON_FONT_HEIGHT);
	hal_irq_restore(st);
}

int fbcon_init(void)
{
	struct hal_fb fb;
	int err = hal_fb_get(&fb);
	if (err)
		return err;
	if (!fb.pixels || fb.width < 40 * FBCON_FONT_WIDTH || fb.height < 4 * FBCON_FONT_HEIGHT ||
	    fb.stride < fb.width)
		return -RUMPK_EINVAL;
	F.fb = fb;
	uint32_t all = fb.width / FBCON_FONT_WIDTH;
	uint32_t cols = all >= 80 + HUD_COLS ? all - HUD_COLS : all;
	F.cols = cols > FBCON_COLS_MAX ? FBCON_COLS_MAX : cols;
	F.rows = fb.height / FBCON_FONT_HEIGHT;
	if (F.rows > FBCON_ROWS_MAX)
		F.rows = FBCON_ROWS_MAX;
	F.hud_x = F.cols * FBCON_FONT_WIDTH;
	F.hud_w = cols < all ? fb.width - F.hud_x : 0;
	F.cx = F.cy = 0;
	F.esc = 0;
	kmemset(F.cells, ' ', sizeof(F.cells));
	F.active = 1;
	fbcon_fill(0, 0, fb.width, fb.height, FBCON_BG);
	cursor(1);
	hal_fb_text(F.cells, F.cols, F.rows);
	return 0;
}
