/*
 * hud.h — the live panel beside the framebuffer console (hud.c): what the kernel is doing,
 * redrawn a few times a second by a fiber of its own that exists only when there is a
 * framebuffer with room for the panel.
 */
#ifndef RUMPK_HUD_H
#define RUMPK_HUD_H

#define HUD_PERIOD_NS 250000000ull /* four redraws a second */
#define HUD_HISTORY 40             /* periods in the packets/s graph */

/* hud_start — from core_main after the stages, fiber context. Starts the HUD's fiber and
 * the scheduler's CPU accounting for every fiber; 0, or -RUMPK_ENOSYS without a
 * framebuffer (or no room for the panel), or the spawn's error. */
int hud_start(void);

/* hud_draw — one redraw now (the fiber's loop; tests call it directly). */
void hud_draw(void);

#endif /* RUMPK_HUD_H */
