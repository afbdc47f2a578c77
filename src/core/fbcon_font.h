/*
 * fbcon_font.h — the console font: 256 glyphs, 8 pixels wide, one byte a row (bit 7 is the
 * leftmost pixel), indexed by the byte printed (Latin-1). The data is generated at build
 * time by src/tools/psf2c.py from Debian's console-setup-linux (Lat15-VGA16), never
 * committed.
 */
#ifndef RUMPK_FBCON_FONT_H
#define RUMPK_FBCON_FONT_H

#define FBCON_FONT_WIDTH 8
#define FBCON_FONT_HEIGHT 16

extern const unsigned char fbcon_font[256][FBCON_FONT_HEIGHT];

#endif /* RUMPK_FBCON_FONT_H */
