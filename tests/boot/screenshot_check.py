#!/usr/bin/env python3
"""screenshot_check.py --out DIR --font FONT.psf.gz --expect TXT -- SIM ARGS... — the window.

Runs the sim headless with a framebuffer (SDL's offscreen driver: --display sdl), under
--clock virtual --seed 1, feeding the shell a short session, and takes its --screenshot at
halt. Then checks, from the picture itself and not from what the sim says about it:

  - the console's text grid (SHOT.txt) matches TXT line by line (`*` in a TXT line: any
    characters);
  - three cells of the picture match the font's glyphs bit for bit, read from FONT itself
    (PSF and its Unicode table): foreground exactly where the glyph has a bit;
  - the HUD panel, read back from its pixels by matching every 8x16 cell against the
    font, lists the shell among the processes and its fiber among the fibers, and shows
    the console ring with a peak fill above 0.

Writes DIR/screenshot.ppm, .ppm.txt, DIR/screenshot-hud.txt (the panel as read) and
DIR/screenshot.png (the same picture, for the README: docs/screenshot.png is a copy).
"""
import argparse
import os
import re
import struct
import subprocess
import sys
import zlib

FG, BG = 0xD0D0D0, 0x101010  # fbcon.c's console colours
HUD_BG = 0x0C1A2E            # hud.c's panel background
SESSION = b"hello from the screenshot test\necho status $?\nps\nhalt 0\n"


def font(path):
    """The font's glyphs for printable ASCII, read by the build's own PSF reader (the
    check is of the drawing: the picture against the font file, not the generated C)."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                    "src", "tools"))
    import psf2c
    width, h, glyphs, table = psf2c.load(path)
    return h, {chr(cp): glyphs[g] for cp, g in table.items() if 0x20 <= cp < 0x7F}


def ppm(path):
    d = open(path, "rb").read()
    magic, dims, maxv, px = d.split(b"\n", 3)
    assert magic == b"P6" and maxv == b"255"
    w, h = map(int, dims.split())
    return w, h, px


def write_png(img, path):
    """The picture as a PNG (8-bit RGB, one zlib stream; Python's own zlib)."""
    w, h, px = img
    raw = b"".join(b"\x00" + px[y * w * 3:(y + 1) * w * 3] for y in range(h))

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def pixel(img, x, y):
    w, h, px = img
    i = (y * w + x) * 3
    return px[i] << 16 | px[i + 1] << 8 | px[i + 2]


def cell_bits(img, x0, y0, fh, bg):
    """A cell's 8 x fh pixels as glyph rows: bit set where the pixel is not bg."""
    rows = []
    for r in range(fh):
        b = 0
        for c in range(8):
            if pixel(img, x0 + c, y0 + r) != bg:
                b |= 0x80 >> c
        rows.append(b)
    return bytes(rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--font", required=True)
    ap.add_argument("--expect", required=True)
    ap.add_argument("sim", nargs="+")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    shot = os.path.join(a.out, "screenshot.ppm")
    for f in (shot, shot + ".txt"):
        if os.path.exists(f):
            os.remove(f)
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen")
    env.pop("DISPLAY", None)
    p = subprocess.run(a.sim + ["--display", "sdl", "--clock", "virtual", "--seed", "1",
                                "--screenshot", shot], input=SESSION, capture_output=True,
                       env=env, timeout=60)
    fails = []
    if p.returncode != 0:
        fails.append("the sim exited %d" % p.returncode)
    if not os.path.exists(shot) or not os.path.exists(shot + ".txt"):
        sys.stderr.write("screenshot_check.py: no screenshot written\n%s%s" %
                         (p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")))
        return 1

    # 1. the text grid
    got = open(shot + ".txt", encoding="latin-1").read().split("\n")
    while got and got[-1] == "":
        got.pop()
    want = [l.rstrip("\n") for l in open(a.expect, encoding="utf-8") if not l.startswith("#")]
    for i in range(max(len(got), len(want))):
        g = got[i] if i < len(got) else "<missing>"
        w = want[i] if i < len(want) else "<nothing more>"
        if not re.fullmatch(".*".join(re.escape(x) for x in w.split("*")), g):
            fails.append("text grid line %d: %r, expected %r" % (i + 1, g, w))
            break

    # 2. three glyph cells bit for bit: the first three non-space cells of the first row
    fh, glyphs = font(a.font)
    img = ppm(shot)
    write_png(img, os.path.join(a.out, "screenshot.png"))
    checked = 0
    for col, ch in enumerate(got[0] if got else ""):
        if ch == " " or checked == 3:
            continue
        cell = cell_bits(img, col * 8, 0, fh, BG)
        exact = all(pixel(img, col * 8 + c, r) in (FG, BG) for r in range(fh) for c in range(8))
        if cell != glyphs[ch][:fh] or not exact:
            fails.append("cell (0,%d) '%s' does not match the font's glyph bit for bit" %
                         (col, ch))
        checked += 1
    if checked < 3:
        fails.append("fewer than three glyph cells to check")

    # 3. the HUD, read back from its pixels
    w, h, _ = img
    hud_x = next((x for x in range(w) if pixel(img, x, h - 1) == HUD_BG), None)
    lines = []
    if hud_x is None:
        fails.append("no HUD panel in the picture")
    else:
        by_bits = {}
        for ch, g in glyphs.items():
            by_bits.setdefault(g[:fh], ch)
        for row in range(h // fh):
            s = ""
            for c in range((w - hud_x) // 8):
                s += by_bits.get(cell_bits(img, hud_x + c * 8, row * fh, fh, HUD_BG), "~")
            lines.append(s.rstrip())
        with open(os.path.join(a.out, "screenshot-hud.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")

        def section(title):
            out, on = [], False
            for l in lines:
                if l and not l.startswith(" "):
                    on = l.startswith(title)
                elif on:
                    out.append(l)
            return out
        if not any(l.split()[-1:] == ["nipbox"] for l in section("processes")):
            fails.append("the HUD's processes do not list nipbox")
        if not any(" nipbox " in l for l in section("fibers")):
            fails.append("the HUD's fibers do not list the shell's fiber (nipbox)")
        ring = [l for l in section("rings") if l.split()[:2] == ["console", "in"]]
        if not ring or not ring[0].split()[-1].isdigit() or int(ring[0].split()[-1]) == 0:
            fails.append("the HUD shows no console ring with a peak fill above 0: %r" % ring)
    if fails:
        sys.stderr.write("screenshot_check.py: %s\n" % "\nscreenshot_check.py: ".join(fails))
        sys.stderr.write("---- text grid ----\n%s\n---- HUD as read ----\n%s\n" %
                         ("\n".join(got), "\n".join(lines)))
        return 1
    print("screenshot_check.py: text grid, 3 glyph cells and the HUD as expected (%s)" % shot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
