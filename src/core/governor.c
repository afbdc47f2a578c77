/*
 * governor.c — Peace/War by packet rate with hysteresis (contract in governor.h).
 *
 * A window's rate is p * 1e9 / w packets/s (64-bit division; p * 1e9 saturates instead of
 * overflowing, so a flood reads as a very high rate, never a low one). A sample that arrives
 * after several windows closes only the first with the packets counted so far; the empty
 * windows after it count as quiet ones.
 */
#include "governor.h"

#include "kutil.h"

void governor_init(struct governor *g, uint64_t now)
{
	kmemset(g, 0, sizeof(*g));
	g->mode = GOV_PEACE;
	g->window_start = now;
	g->last_packet = now;
}

static void set_mode(struct governor *g, enum gov_mode m)
{
	if (g->mode == m)
		return;
	g->mode = m;
	g->streak = 0;
	if (m == GOV_WAR)
		g->to_war++;
	else
		g->to_peace++;
}

/* One closed window of `ns` with `p` packets: its vote. */
static void close_window(struct governor *g, uint64_t ns, uint64_t p)
{
	if (ns > GOV_QUIET_NS)
		ns = GOV_QUIET_NS;
	if (ns == 0)
		ns = 1;
	g->windows++;
	uint64_t rate = p > UINT64_MAX / 1000000000ull ? UINT64_MAX : p * 1000000000ull / ns;
	g->last_rate = rate;
	if (g->mode == GOV_PEACE) {
		int hot = rate >= GOV_WAR_RATE;
		g->streak = hot ? g->streak + 1 : 0;
		if (g->streak >= GOV_WAR_WINDOWS)
			set_mode(g, GOV_WAR);
	} else {
		int cool = rate < GOV_PEACE_RATE;
		g->streak = cool ? g->streak + 1 : 0;
		if (g->streak >= GOV_PEACE_WINDOWS)
			set_mode(g, GOV_PEACE);
	}
}

/* Closes every window that ended by `now`; the packets counted so far belong to the
 * first, the rest were empty. */
static void advance(struct governor *g, uint64_t now)
{
	if (now < g->window_start)
		return; /* a clock that went back: wait for it */
	if (now - g->window_start < GOV_WINDOW_NS)
		return;
	uint64_t windows = (now - g->window_start) / GOV_WINDOW_NS;
	close_window(g, GOV_WINDOW_NS, g->window_packets);
	for (uint64_t i = 1; i < windows && i <= GOV_PEACE_WINDOWS; i++)
		close_window(g, GOV_WINDOW_NS, 0);
	g->window_start += windows * GOV_WINDOW_NS;
	g->window_packets = 0;
	if (g->mode == GOV_WAR && now - g->last_packet >= GOV_QUIET_NS)
		set_mode(g, GOV_PEACE);
}

enum gov_mode governor_packets(struct governor *g, uint64_t now, uint64_t n)
{
	advance(g, now);
	g->window_packets += n;
	g->packets += n;
	if (n)
		g->last_packet = now;
	return g->mode;
}

enum gov_mode governor_tick(struct governor *g, uint64_t now)
{
	advance(g, now);
	return g->mode;
}
