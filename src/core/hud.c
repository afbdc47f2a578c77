/*
 * hud.c — the live panel beside the framebuffer console (hud.h).
 *
 * One kernel fiber, started only when the framebuffer has room for the panel, redraws it
 * every HUD_PERIOD_NS at the lowest priority above idle: boot stages, processes and fibers
 * (state, priority, CPU share over the last period), every watched ring's fill and peak,
 * packets per second as a bar graph of the last HUD_HISTORY periods, the governor's mode,
 * free pages, doorbells and faults. It reads what the subsystems already count; nothing on
 * a hot path does anything for it except the scheduler's CPU accounting, which it turns on
 * for every fiber (sched_account_all). Without a framebuffer it never exists, so an idle
 * kernel still takes no wake-ups.
 */
#include "hud.h"

#include <stdarg.h>

#include "boot.h"
#include "fbcon.h"
#include "fbcon_font.h"
#include "hal.h"
#include "kprintf.h"
#include "kutil.h"
#include "mem.h"
#include "param.h"
#include "proc.h"
#include "ringwatch.h"
#include "sched.h"
#include "user.h"

#define HUD_BG 0x0c1a2eu
#define HUD_FG 0xc8d0e0u
#define HUD_HEAD 0x7fb4ffu
#define HUD_OK 0x7fd77fu
#define HUD_BAD 0xff7f7fu
#define HUD_BAR 0x4f8fdfu
#define HUD_MAX_FIBERS 12
#define HUD_MAX_PROCS 8
#define HUD_MAX_RINGS 8

static struct {
	uint32_t x, w, cols, y;   /* panel pixels, its width in cells, the next line's y */
	uint64_t last_ns, last_packets;
	uint32_t rate[HUD_HISTORY]; /* packets/s, oldest first */
	struct {
		uint32_t id;
		uint64_t cpu_ns;
	} prev[64], pprev[HUD_MAX_PROCS]; /* fibers' and processes' cpu_ns at the last draw */
	uint32_t nprev, npprev;
	uint64_t draws;
} H;

static void line(uint32_t fg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void line(uint32_t fg, const char *fmt, ...)
{
	char buf[HUD_COLS + 1];
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	for (int i = n < (int)H.cols ? n : (int)H.cols; i < (int)H.cols; i++)
		buf[i] = ' ';
	buf[H.cols] = '\0';
	if (H.y + FBCON_FONT_HEIGHT <= fbcon_height())
		fbcon_text(H.x, H.y, buf, H.cols, fg, HUD_BG);
	H.y += FBCON_FONT_HEIGHT;
}

/* Share of one period, in tenths of a percent, from a cpu_ns delta. */
static uint32_t share(uint64_t delta_ns, uint64_t period_ns)
{
	if (!period_ns)
		return 0;
	uint64_t s = delta_ns * 1000 / period_ns;
	return s > 1000 ? 1000 : (uint32_t)s;
}

static uint64_t prev_cpu(const __typeof__(H.prev[0]) *prev, uint32_t n, uint32_t id,
			 uint64_t now_cpu)
{
	for (uint32_t i = 0; i < n; i++)
		if (prev[i].id == id)
			return prev[i].cpu_ns;
	return now_cpu; /* new since the last draw: no share yet */
}

static const char *fiber_state(uint8_t s)
{
	switch (s) {
	case FIBER_RUNNABLE: return "ready";
	case FIBER_RUNNING: return "run";
	case FIBER_SLEEPING: return "sleep";
	case FIBER_WAITING: return "wait";
	default: return "?";
	}
}

static void draw_stages(void)
{
	line(HUD_HEAD, "boot stages");
	for (int i = 0; i < boot_stage_log_count; i++) {
		const struct boot_stage_record *r = &boot_stage_log[i];
		const char *st = r->state == BOOT_STAGE_OK ? "ok" : r->state == BOOT_STAGE_FAILED
							   ? "FAIL" : r->state == BOOT_STAGE_RUNNING ? "..." : "-";
		line(r->state == BOOT_STAGE_FAILED ? HUD_BAD : HUD_OK, " %-10s %-4s %6llu.%llu ms",
		     r->name, st, (unsigned long long)(r->ns / 1000000),
		     (unsigned long long)(r->ns / 100000 % 10));
	}
}

static void draw_procs(uint64_t period)
{
	static struct rumpk_procinfo ps[HUD_MAX_PROCS];
	int n = proc_list(ps, HUD_MAX_PROCS);
	line(HUD_HEAD, "processes (%d)", n);
	line(HUD_FG, " PID  PPID STATE   HEAP  CPU%% NAME");
	for (int i = 0; i < n; i++) {
		const char *st = ps[i].state == RUMPK_PROC_ZOMBIE ? "zomb"
				 : ps[i].state == RUMPK_PROC_BLOCKED ? "wait" : "run";
		uint32_t s = share(ps[i].cpu_ns - prev_cpu(H.pprev, H.npprev, ps[i].pid,
							   ps[i].cpu_ns), period);
		line(HUD_FG, " %3u %5u %-5s %5lluK %3u.%u %.16s", ps[i].pid, ps[i].ppid, st,
		     (unsigned long long)(ps[i].heap >> 10), s / 10, s % 10, ps[i].name);
	}
	H.npprev = 0;
	for (int i = 0; i < n; i++) {
		H.pprev[H.npprev].id = ps[i].pid;
		H.pprev[H.npprev++].cpu_ns = ps[i].cpu_ns;
	}
}

static void draw_fibers(uint64_t period)
{
	static struct fiber_info f[HUD_MAX_FIBERS];
	int n = sched_fibers(f, HUD_MAX_FIBERS);
	line(HUD_HEAD, "fibers");
	line(HUD_FG, "  ID NAME             STATE PRIO  CPU%%");
	for (int i = 0; i < n; i++) {
		uint32_t s = share(f[i].cpu_ns - prev_cpu(H.prev, H.nprev, f[i].id, f[i].cpu_ns),
				   period);
		line(HUD_FG, " %3u %-16.16s %-5s %4u %3u.%u", f[i].id, f[i].name,
		     fiber_state(f[i].state), f[i].prio, s / 10, s % 10);
	}
	H.nprev = 0;
	for (int i = 0; i < n && H.nprev < ARRAY_SIZE(H.prev); i++) {
		H.prev[H.nprev].id = f[i].id;
		H.prev[H.nprev++].cpu_ns = f[i].cpu_ns;
	}
}

static void draw_rings(void)
{
	struct {
		char name[RING_WATCH_NAME_MAX];
		uint32_t fill, cap, peak;
	} r[HUD_MAX_RINGS];
	int n = 0;
	hal_irq_state_t s = hal_irq_save();
	for (const struct ring_watch *w = ring_watch_list; w && n < HUD_MAX_RINGS; w = w->next) {
		kmemcpy(r[n].name, w->name, sizeof(r[n].name));
		r[n].fill = ring_watch_fill(w);
		r[n].cap = w->capacity;
		r[n].peak = w->peak;
		n++;
	}
	hal_irq_restore(s);
	line(HUD_HEAD, "rings: fill / capacity, peak");
	for (int i = 0; i < n; i++) {
		char bar[11];
		uint32_t k = r[i].cap ? (uint32_t)((uint64_t)r[i].peak * 10 / r[i].cap) : 0;
		uint32_t f = r[i].cap ? (uint32_t)((uint64_t)r[i].fill * 10 / r[i].cap) : 0;
		for (uint32_t j = 0; j < 10; j++)
			bar[j] = j < f ? '#' : j < k ? '+' : '.';
		bar[10] = '\0';
		line(HUD_FG, " %-12.12s %s %u/%u peak %u", r[i].name, bar, r[i].fill, r[i].cap,
		     r[i].peak);
	}
}

/* Packets per second: one bar per period, scaled to the highest in the window. */
static void draw_rate(void)
{
	uint32_t max = 1;
	for (int i = 0; i < HUD_HISTORY; i++)
		if (H.rate[i] > max)
			max = H.rate[i];
	line(HUD_HEAD, "packets/s: now %u, peak %u", H.rate[HUD_HISTORY - 1], max);
	uint32_t gh = 3 * FBCON_FONT_HEIGHT, bw = (H.w - 16) / HUD_HISTORY;
	if (bw == 0 || H.y + gh > fbcon_height())
		return;
	fbcon_fill(H.x, H.y, H.w, gh, HUD_BG);
	for (int i = 0; i < HUD_HISTORY; i++) {
		uint32_t h = (uint32_t)((uint64_t)H.rate[i] * (gh - 2) / max);
		if (h)
			fbcon_fill(H.x + 8 + (uint32_t)i * bw, H.y + gh - h, bw > 1 ? bw - 1 : 1, h,
				   HUD_BAR);
	}
	H.y += gh;
}

static void draw_counters(void)
{
	struct mem_stats m;
	struct proc_stats p;
	struct uthread_stats u;
	mem_stats(&m);
	proc_stats(&p);
	uthread_stats(&u);
	line(HUD_HEAD, "kernel");
	line(HUD_FG, " governor %s   free pages %llu/%llu", proc_war_mode() ? "War" : "Peace",
	     (unsigned long long)(m.free_pages + m.cached_pages),
	     (unsigned long long)m.total_pages);
	line(HUD_FG, " doorbells %llu   faults %llu   killed %llu",
	     (unsigned long long)u.doorbells, (unsigned long long)p.faults,
	     (unsigned long long)p.killed);
}

void hud_draw(void)
{
	if (!H.w)
		return;
	uint64_t now = hal_time_ns(), period = now - H.last_ns;
	struct proc_stats p;
	proc_stats(&p);
	for (int i = 0; i + 1 < HUD_HISTORY; i++)
		H.rate[i] = H.rate[i + 1];
	uint64_t d = p.packets - H.last_packets;
	H.rate[HUD_HISTORY - 1] = period ? (uint32_t)(d * 1000000000ull / period) : 0;
	H.last_packets = p.packets;
	H.last_ns = now;

	H.y = 0;
	line(HUD_HEAD, "rumpk on %s  up %llu.%llu s", hal_name(),
	     (unsigned long long)(now / 1000000000ull),
	     (unsigned long long)(now / 100000000ull % 10));
	draw_stages();
	draw_procs(period);
	draw_fibers(period);
	draw_rings();
	draw_rate();
	draw_counters();
	if (H.y < fbcon_height())
		fbcon_fill(H.x, H.y, H.w, fbcon_height() - H.y, HUD_BG);
	H.draws++;
}

static void hud_main(void *arg)
{
	(void)arg;
	for (;;) {
		hud_draw();
		sched_sleep_until(hal_time_ns() + HUD_PERIOD_NS);
	}
}

int hud_start(void)
{
	if (!fbcon_active() || !fbcon_hud_width())
		return -RUMPK_ENOSYS;
	H.x = fbcon_hud_x();
	H.w = fbcon_hud_width();
	H.cols = H.w / FBCON_FONT_WIDTH;
	if (H.cols > HUD_COLS)
		H.cols = HUD_COLS;
	H.last_ns = hal_time_ns();
	sched_account_all();
	hud_draw(); /* the first frame now, not when the fiber first gets the CPU */
	int err;
	if (!fiber_spawn("hud", hud_main, 0, SCHED_PRIOS - 2, &err))
		return err;
	return 0;
}
