/*
 * bm_fb.c — hal.h's framebuffer section on the bare-metal ports: neither QEMU machine gives
 * them one (riscv64 virt has no display device; aarch64 virt could have ramfb, which this
 * port does not drive). The core then draws nothing and starts no HUD; the serial console
 * is the console.
 */
#include "hal.h"

int hal_fb_get(struct hal_fb *fb)
{
	(void)fb;
	return -RUMPK_ENOSYS;
}

void hal_fb_flush(uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	(void)x, (void)y, (void)w, (void)h;
}

void hal_fb_text(const uint8_t *cells, uint32_t cols, uint32_t rows)
{
	(void)cells, (void)cols, (void)rows;
}
