/*
 * fbcon.h — the console drawn into the HAL's framebuffer (hal_fb_get), and the drawing
 * primitives the HUD shares.
 *
 * The screen is split: the console's text grid on the left, the HUD panel (hud.c) on the
 * right when the framebuffer is wide enough for both. Every byte the serial console gets
 * (kprintf and programs' writes, through console_out) is drawn too: printable bytes,
 * newline, carriage return, backspace and tab; an ANSI escape sequence (ESC [ ... letter)
 * is skipped. The last line scrolls up; the cursor is a bar under the next cell. Without a
 * framebuffer every call returns at once.
 */
#ifndef RUMPK_FBCON_H
#define RUMPK_FBCON_H

#include <stddef.h>
#include <stdint.h>

#define FBCON_COLS_MAX 160
#define FBCON_ROWS_MAX 80
#define HUD_COLS 48 /* the panel's width in cells, when it fits */

/* Colours, 0x00RRGGBB */
#define FBCON_FG 0xd0d0d0u
#define FBCON_BG 0x101010u

/* fbcon_init — once, from core_main before the first stage. 0 when a framebuffer exists
 * (the console now draws), -RUMPK_ENOSYS when not. Interrupts disabled. */
int fbcon_init(void);

/* fbcon_active — 1 after a successful fbcon_init. */
int fbcon_active(void);

/* fbcon_write — draws bytes; any context (the panic path too). */
void fbcon_write(const char *s, size_t n);

/* The console's grid (read-only; for tests and the HUD's layout). */
uint32_t fbcon_cols(void);
uint32_t fbcon_rows(void);
const uint8_t *fbcon_cells(void); /* rows * cols bytes, row after row, spaces where empty */

/* The HUD's rectangle in pixels (x, width); 0 width when the screen has no room for it. */
uint32_t fbcon_hud_x(void);
uint32_t fbcon_hud_width(void);
uint32_t fbcon_height(void);

/* Drawing for the HUD: a filled rectangle, and text at a pixel position (no wrapping; cut
 * at max_cells). Both clip to the framebuffer and flush what they drew. */
void fbcon_fill(uint32_t x, uint32_t y, uint32_t w, uint32_t h, uint32_t rgb);
void fbcon_text(uint32_t x, uint32_t y, const char *s, uint32_t max_cells, uint32_t fg,
		uint32_t bg);

#endif /* RUMPK_FBCON_H */
