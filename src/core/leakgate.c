/*
 * leakgate.c — the halt leak gate (contract in leakgate.h).
 *
 * What is compared is what the rest of the kernel already counts; this file only reads it.
 * When init has ended, processes it left running (orphans: `spin &` and an exit) are
 * killed and waited for, since ending is what must give everything back; exited fibers
 * are the one thing freed lazily (by the idle fiber, never on the switch path), so the
 * check reaps them next. Then every counter must be where it was before init.
 */
#include "leakgate.h"

#include "kprintf.h"
#include "loader.h"
#include "mem.h"
#include "proc.h"
#include "ring.h"
#include "sched.h"
#include "vfs.h"

#define LEAKGATE_END_NS 2000000000ull /* how long processes left running may take to end */

static const char *const lg_names[LG_COUNT] = {
	[LG_FREE_PAGES] = "mem_free_pages", [LG_OBJECTS] = "mem_objects",
	[LG_FIBERS] = "fibers", [LG_PROCS_LIVE] = "procs_live",
	[LG_PROCS_ZOMBIES] = "procs_zombies", [LG_RING_SLOTS] = "ring_slots",
	[LG_SPACES] = "spaces_live", [LG_HANDLES] = "handles_open",
};

void leakgate_take(struct leakgate *out)
{
	struct mem_stats m;
	struct sched_stats sc;
	struct proc_stats ps;

	mem_stats(&m);
	sched_stats(&sc);
	proc_stats(&ps);
	out->v[LG_FREE_PAGES] = m.free_pages + m.cached_pages; /* as SYS_STATS counts them */
	out->v[LG_OBJECTS] = m.live_objects;
	out->v[LG_FIBERS] = sc.fibers;
	out->v[LG_PROCS_LIVE] = ps.live;
	out->v[LG_PROCS_ZOMBIES] = ps.zombies;
	out->v[LG_RING_SLOTS] = kring_slots_live();
	out->v[LG_SPACES] = loader_spaces_live();
	out->v[LG_HANDLES] = (uint64_t)vfs_handles_open();
}

int leakgate_compare(const struct leakgate *before, const struct leakgate *after, char *msg,
		     size_t len)
{
	int n = 0;
	size_t at = 0;

	msg[0] = '\0';
	for (int i = 0; i < LG_COUNT; i++) {
		if (before->v[i] == after->v[i])
			continue;
		int w = ksnprintf(msg + at, len - at, "%s%s %llu -> %llu", n ? ", " : "leak gate: ",
				  lg_names[i], (unsigned long long)before->v[i],
				  (unsigned long long)after->v[i]);
		if (w > 0)
			at += (size_t)w < len - at ? (size_t)w : len - at - 1;
		n++;
	}
	return n;
}

int leakgate_check(const struct leakgate *before)
{
	struct leakgate after;
	char msg[LG_COUNT * 48 + 16];

	proc_end_all(LEAKGATE_END_NS); /* one still live after that is reported as procs_live */
	sched_reap();
	leakgate_take(&after);
	if (!leakgate_compare(before, &after, msg, sizeof(msg)))
		return 0;
	kprintf("%s\n", msg);
	return LEAKGATE_EXIT_CODE;
}
