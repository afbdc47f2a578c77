/*
 * governor.h — the adaptive I/O governor: Peace mode (a process rings its doorbell after
 * submitting; the CPU sleeps when idle) or War mode (the kernel polls every process's
 * submission ring on every scheduling pass and clears RUMPK_RING_NEED_WAKEUP, so a
 * process under load skips the doorbell), chosen by the rate of packets with hysteresis.
 *
 * It has no timer of its own: it samples when packets arrive (governor_packets, from the
 * drain) and when the scheduler passes (governor_tick), so an idle kernel takes no
 * wake-up for it. A window is GOV_WINDOW_NS long; at the first sample after a window
 * ends, its rate decides:
 *   Peace -> War    after GOV_WAR_WINDOWS windows in a row at >= GOV_WAR_RATE packets/s;
 *   War -> Peace    after GOV_PEACE_WINDOWS windows in a row at < GOV_PEACE_RATE, or at
 *                   once when no packet came for GOV_QUIET_NS (a quiet kernel is at peace).
 * GOV_PEACE_RATE < GOV_WAR_RATE: between them the mode stays as it is (hysteresis).
 * Pure bookkeeping: no allocation, no logging; the caller applies the mode.
 */
#ifndef RUMPK_GOVERNOR_H
#define RUMPK_GOVERNOR_H

#include <stdint.h>

#define GOV_WINDOW_NS 10000000ull     /* 10 ms */
#define GOV_WAR_RATE 100000ull        /* packets per second */
#define GOV_PEACE_RATE 20000ull
#define GOV_WAR_WINDOWS 2
#define GOV_PEACE_WINDOWS 5
#define GOV_QUIET_NS 100000000ull     /* 100 ms without a packet */

enum gov_mode { GOV_PEACE = 0, GOV_WAR = 1 };

struct governor {
	enum gov_mode mode;
	uint64_t window_start;   /* ns */
	uint64_t window_packets;
	uint64_t last_packet;    /* ns of the last sample with packets */
	uint32_t streak;         /* windows in a row that argue for the other mode */
	/* counters (SYS_STATS) */
	uint64_t packets;
	uint64_t windows;
	uint64_t to_war, to_peace;
	uint64_t last_rate;      /* packets/s of the last closed window */
};

/* governor_init — Peace, a window starting at now. */
void governor_init(struct governor *g, uint64_t now);

/* governor_packets — n packets were taken at time now (n may be 0: a doorbell with an
 * empty ring). Returns the mode after this sample. */
enum gov_mode governor_packets(struct governor *g, uint64_t now, uint64_t n);

/* governor_tick — a scheduling pass at time now, no packets: closes windows that ended and
 * goes back to Peace after GOV_QUIET_NS without packets. Returns the mode. */
enum gov_mode governor_tick(struct governor *g, uint64_t now);

#endif /* RUMPK_GOVERNOR_H */
