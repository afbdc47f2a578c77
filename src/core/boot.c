/*
 * boot.c — core_main() and the ordered list of boot stages.
 *
 * The list below is the single source of the boot sequence: every HAL prints the banner
 * "rumpk VERSION on HAL" (the console's proof of life: the HAL calls core_main only once its
 * console works, and a stage that only said so would check nothing), then exactly these
 * lines, "[stage NN/MM] <name> ok" (or "... FAIL: <reason>", then a halt with exit code NN),
 * and the last line of every run is "halted, code N". tests/boot compares the lines across
 * HALs and docs/parity.md is generated from that comparison, so a stage's line must not
 * depend on the machine (HAL-specific facts stay off it).
 *
 * Stages run with interrupts disabled; one that needs interrupts waits in hal_cpu_idle().
 * The kernel command line may ask for extra self-tests (selftest=..., selftest.c), which
 * run after the last stage; the default boot runs none, so it stays fast. failstage=NAME
 * forces one stage to fail, which is how the boot tests prove their harness notices a
 * failure. Both lists of names are checked before the first stage: a misspelt name halts
 * the boot with SELFTEST_EXIT_CODE and a line naming it, never silently does nothing; so is
 * a faults= spec (fault.h), whose injection starts only once init has started. With `leakgate` the counters a session must give back are taken then too and
 * compared when init has ended (leakgate.h): a difference halts with LEAKGATE_EXIT_CODE.
 *
 * A boot whose entropy came from timing jitter (RUMPK_BOOT_ENTROPY_WEAK: the device tree
 * had no usable rng-seed) prints one warning line before the stages, since its boot key
 * (provenance ids, AT_RANDOM) can be guessed; boot_entropy_weak() tells the stats.
 */
#include "boot.h"

#include "cmdline.h"
#include "exec.h"
#include "fault.h"
#include "fbcon.h"
#include "hal.h"
#include "hud.h"
#include "kprintf.h"
#include "kutil.h"
#include "leakgate.h"
#include "mem.h"
#include "param.h"
#include "proc.h"
#include "ring.h"
#include "sched.h"
#include "selftest.h"
#include "sign.h"
#include "timer.h"
#include "trace.h"
#include "vfs.h"

#define WHY_MAX 128

struct stage {
	const char *name;
	/* returns 0, or a negative RUMPK_E* code with a reason written into why */
	int (*run)(const struct rumpk_boot_info *bi, char *why, size_t whylen);
};

static const struct rumpk_boot_info *the_boot_info;

/* Checks the HAL's report (a known version, sane ranges, some RAM left once the kernel,
 * initrd and device tree are set aside), then hands the RAM to the page allocator. */
static int stage_memory(const struct rumpk_boot_info *bi, char *why, size_t whylen)
{
	uint64_t total = 0;

	if (bi->version != RUMPK_BOOT_INFO_VERSION) {
		ksnprintf(why, whylen, "boot info version %u, expected %u", bi->version,
			  RUMPK_BOOT_INFO_VERSION);
		return -RUMPK_EVERSION;
	}
	if (bi->reserved0 != 0) {
		ksnprintf(why, whylen, "boot info reserved field is not zero");
		return -RUMPK_EINVAL;
	}
	if (bi->nmem == 0 || bi->nmem > RUMPK_BOOT_MAX_MEM ||
	    bi->nreserved > RUMPK_BOOT_MAX_RESERVED) {
		ksnprintf(why, whylen, "boot info has %u memory and %u reserved ranges", bi->nmem,
			  bi->nreserved);
		return -RUMPK_EINVAL;
	}
	for (uint32_t i = 0; i < bi->nmem; i++) {
		const struct rumpk_mem_range *r = &bi->mem[i];
		if (r->size == 0 || r->base + r->size < r->base) {
			ksnprintf(why, whylen, "memory range %u [%#llx +%#llx] is empty or wraps", i,
				  (unsigned long long)r->base, (unsigned long long)r->size);
			return -RUMPK_EINVAL;
		}
		total += r->size;
	}
	uint64_t used = bi->kernel.size + bi->initrd.size + bi->dtb.size;
	if (total < used + MIN_FREE_RAM) {
		ksnprintf(why, whylen, "%llu KiB of RAM, need at least %llu KiB free",
			  (unsigned long long)(total >> 10),
			  (unsigned long long)((used + MIN_FREE_RAM) >> 10));
		return -RUMPK_ENOMEM;
	}
	return mem_init(bi, why, whylen);
}

static int stage_traps(const struct rumpk_boot_info *bi, char *why, size_t whylen)
{
	(void)bi;
	int err = hal_trap_init();
	if (err)
		ksnprintf(why, whylen, "the probe breakpoint trap did not come back");
	return err;
}

/* Passes after BOOT_TIMER_IRQS real interrupts, counted by core_timer_irq(), with the CPU
 * idle in between. A missing interrupt hangs here; the boot tests' timeout reports it. */
static int stage_timer(const struct rumpk_boot_info *bi, char *why, size_t whylen)
{
	struct timer_stats st0, st;
	uint64_t t0 = hal_time_ns();

	(void)bi;
	timer_stats(&st0);
	uint64_t want = st0.ticks + BOOT_TIMER_IRQS;
	timer_tick_start(BOOT_TIMER_PERIOD_NS);
	do {
		hal_cpu_idle();
		timer_stats(&st);
	} while (st.ticks < want);
	timer_tick_stop();
	uint64_t t1 = hal_time_ns();
	if (st.early != st0.early) {
		ksnprintf(why, whylen, "%llu interrupts arrived before their deadline",
			  (unsigned long long)(st.early - st0.early));
		return -RUMPK_ERANGE;
	}
	if (t1 - t0 < BOOT_TIMER_IRQS * BOOT_TIMER_PERIOD_NS) {
		ksnprintf(why, whylen, "%d ticks of %llu ns took only %llu ns: the clock is wrong",
			  BOOT_TIMER_IRQS, BOOT_TIMER_PERIOD_NS, (unsigned long long)(t1 - t0));
		return -RUMPK_ERANGE;
	}
	return 0;
}

static void probe_fiber(void *arg)
{
	*(int *)arg = 1;
}

/* Brings up the scheduler (the boot context becomes fiber 0, an idle fiber appears), then
 * proves a fiber can be created, run on its own stack, exit and be reclaimed. */
static int stage_scheduler(const struct rumpk_boot_info *bi, char *why, size_t whylen)
{
	struct sched_stats st0, st;
	int ran = 0, err = sched_init();

	(void)bi;
	if (err) {
		ksnprintf(why, whylen, "cannot create the idle fiber");
		return err;
	}
	sched_stats(&st0);
	if (!fiber_spawn("probe", probe_fiber, &ran, SCHED_PRIO_DEFAULT, &err)) {
		ksnprintf(why, whylen, "cannot create a fiber");
		return err;
	}
	fiber_yield(); /* same priority, queued first: the probe runs and exits */
	sched_reap();
	sched_stats(&st);
	if (!ran || st.fibers != st0.fibers || st.reaped != st0.reaped + 1) {
		ksnprintf(why, whylen, "probe fiber ran %d times, %llu fibers live (want %llu)", ran,
			  (unsigned long long)st.fibers, (unsigned long long)st0.fibers);
		return -RUMPK_EFAULT;
	}
	return 0;
}

/* A kernel ring round trip: packets out and back in order across a slot wrap, and its
 * memory accounted back. */
static int stage_rings(const struct rumpk_boot_info *bi, char *why, size_t whylen)
{
	struct rumpk_packet p, q;
	int err = 0;
	uint64_t slots0 = kring_slots_live();
	struct kring *r = kring_create(8, &err);

	(void)bi;
	if (!r) {
		ksnprintf(why, whylen, "cannot create a ring of 8 slots");
		return err;
	}
	for (uint32_t round = 0; round < 3; round++) {
		for (uint32_t i = 0; i < 5; i++) {
			kmemset(&p, 0, sizeof(p));
			p.kind = (uint16_t)round;
			p.tag = 0x100 * round + i;
			p.arg = 0x1000ull * round + i;
			p.id = ~(uint64_t)i;
			kring_send(r, &p);
		}
		for (uint32_t i = 0; i < 5; i++) {
			kring_recv(r, &q);
			if (q.kind != round || q.tag != 0x100 * round + i ||
			    q.arg != 0x1000ull * round + i || q.id != ~(uint64_t)i) {
				ksnprintf(why, whylen, "packet %u of round %u came back as arg %#llx", i,
					  round, (unsigned long long)q.arg);
				kring_destroy(r);
				return -RUMPK_EFAULT;
			}
		}
	}
	kring_destroy(r);
	if (kring_slots_live() != slots0) {
		ksnprintf(why, whylen, "ring slots not given back");
		return -RUMPK_EFAULT;
	}
	return 0;
}

static const struct stage stages[] = {
	{ "memory", stage_memory },
	{ "traps", stage_traps },
	{ "timer", stage_timer },
	{ "scheduler", stage_scheduler },
	{ "rings", stage_rings },
	{ "crypto", sign_stage }, /* sign.c: boot key, trusted keys, known answers */
	{ "vfs", vfs_stage },     /* vfs.c: the initrd mounted at /, /etc/motd read */
	{ "loader", exec_stage }, /* exec.c: every /bin program verified, validated, loaded */
};

_Static_assert(ARRAY_SIZE(stages) <= BOOT_STAGES_MAX, "boot_stage_log holds every stage");
struct boot_stage_record boot_stage_log[BOOT_STAGES_MAX];
int boot_stage_log_count;

int boot_stage_count(void)
{
	return (int)ARRAY_SIZE(stages);
}

const char *boot_stage_name(int i)
{
	return i >= 0 && i < boot_stage_count() ? stages[i].name : 0;
}

const struct rumpk_boot_info *boot_info(void)
{
	return the_boot_info;
}

void core_halt(int code)
{
	hal_irq_save();
	fault_stop();
	if (code != 255) /* an orderly halt (not a panic): the HUD shows the final state */
		hud_draw();
	fault_report();
	trace_halt(code); /* the last records, and a bare-metal trace's lines, before the line */
	kprintf("halted, code %d\n", hal_exit_status(code));
	hal_halt(code);
}

void core_kernel_fault(const char *kind, uint64_t pc, uint64_t addr)
{
	struct fiber *f = sched_guard_owner(addr);
	if (f)
		kpanic("fiber %u (%s): kernel stack overflow (%s at pc %#llx, address %#llx in its "
		       "guard page)",
		       f->id, f->name, kind, (unsigned long long)pc, (unsigned long long)addr);
	kpanic("kernel fault: %s at pc %#llx, address %#llx", kind, (unsigned long long)pc,
	       (unsigned long long)addr);
}

/* failstage=NAME must name a stage. 0 if it does (or is absent); else prints why and
 * returns -RUMPK_EINVAL. The name, if any, goes into forced (empty otherwise). */
static int check_failstage(const char *cmdline, char *forced, size_t size)
{
	int len = cmdline_get(cmdline, "failstage", forced, size);

	if (len == -RUMPK_ENOENT) {
		forced[0] = '\0';
		return 0;
	}
	for (int i = 0; len > 0 && i < boot_stage_count(); i++)
		if (kstreq(forced, stages[i].name))
			return 0;
	if (len == -RUMPK_ERANGE)
		kprintf("[boot] FAIL: the failstage= value is longer than %d bytes (known:",
			(int)size - 1);
	else
		kprintf("[boot] FAIL: unknown stage '%s' in failstage= (known:", forced);
	for (int i = 0; i < boot_stage_count(); i++)
		kprintf(" %s", stages[i].name);
	kprintf(")\n");
	return -RUMPK_EINVAL;
}

/*
 * The first program: init=PATH on the command line (init=none: no program), else
 * /bin/nipbox when the initrd has it, else none (the boot ends with code 0, as before programs ran). The kernel waits for
 * it and halts with its exit status; a program that cannot be started is named and the
 * boot ends with INIT_EXIT_CODE, except the default one on a HAL without user mode
 * (-RUMPK_ENOSYS: bare metal until issues E1/E2), which is named and skipped.
 */
static int run_init(const char *cmdline)
{
	char path[CMDLINE_VALUE_MAX];
	struct rumpk_stat st;
	int len = cmdline_get(cmdline, "init", path, sizeof(path));

	if (len == -RUMPK_ERANGE) {
		kprintf("init: the init= value is longer than %d bytes\n", (int)sizeof(path) - 1);
		return INIT_EXIT_CODE;
	}
	if (len >= 0 && kstreq(path, "none"))
		return 0; /* asked for no first program */
	if (len < 0) {
		if (vfs_stat(INIT_DEFAULT, &st) != 0)
			return 0;
		ksnprintf(path, sizeof(path), "%s", INIT_DEFAULT);
	}
	const char *name = path;
	for (const char *c = path; *c; c++)
		if (*c == '/')
			name = c + 1;
	const char *argv[] = { name };
	int pid = proc_spawn(0, path, argv, 1);
	if (pid == -RUMPK_ENOSYS && len < 0) {
		/* the default init, on a HAL without user mode yet: the boot ends as before */
		kprintf("init: %s not started: no user mode on this HAL\n", path);
		return 0;
	}
	if (pid < 0) {
		kprintf("init: cannot start %s (%s)\n", path, rumpk_strerror(pid));
		return INIT_EXIT_CODE;
	}
	fault_start(); /* init runs: from here on every point's opportunities count */
	return proc_wait_exit(pid);
}

int boot_entropy_weak(void)
{
	return the_boot_info && (the_boot_info->flags & RUMPK_BOOT_ENTROPY_WEAK) != 0;
}

void core_main(const struct rumpk_boot_info *bi)
{
	char why[WHY_MAX];
	char forced[CMDLINE_VALUE_MAX];
	int n = boot_stage_count();

	hal_irq_save();
	the_boot_info = bi;
	fbcon_init(); /* a framebuffer console when the machine has a framebuffer */
	kprintf("rumpk %s on %s\n", RUMPK_VERSION_STRING, hal_name());
	if (check_failstage(bi->cmdline, forced, sizeof(forced)) ||
	    selftest_check_names(bi->cmdline) || fault_setup(bi->cmdline, bi->entropy) ||
	    trace_init(bi->cmdline))
		core_halt(SELFTEST_EXIT_CODE);
	if (boot_entropy_weak())
		kprintf("warning: no seed for the boot key (no usable rng-seed in the device tree): "
			"it came from timer jitter and can be guessed, so provenance ids and "
			"AT_RANDOM are predictable\n");

	kmemset(boot_stage_log, 0, sizeof(boot_stage_log));
	for (int i = 0; i < n; i++)
		boot_stage_log[i].name = stages[i].name;
	boot_stage_log_count = n;
	for (int i = 0; i < n; i++) {
		int err;
		struct boot_stage_record *rec = &boot_stage_log[i];
		why[0] = '\0';
		rec->state = BOOT_STAGE_RUNNING;
		rec->start_ns = hal_time_ns();
		if (forced[0] && kstreq(forced, stages[i].name)) {
			ksnprintf(why, sizeof(why), "forced by failstage=%s", forced);
			err = -RUMPK_EINVAL;
		} else {
			err = stages[i].run(bi, why, sizeof(why));
		}
		rec->ns = hal_time_ns() - rec->start_ns;
		rec->err = err;
		rec->state = err ? BOOT_STAGE_FAILED : BOOT_STAGE_OK;
		ksnprintf(rec->detail, sizeof(rec->detail), "%s", why);
		if (err) {
			kprintf("[stage %02d/%02d] %s FAIL: %s (%s)\n", i + 1, n, stages[i].name,
				why[0] ? why : "no reason given", rumpk_strerror(err));
			core_halt(i + 1);
		}
		if (why[0]) /* a stage may report what it found: "ok: 2 verified, 2 mapped, ..." */
			kprintf("[stage %02d/%02d] %s ok: %s\n", i + 1, n, stages[i].name, why);
		else
			kprintf("[stage %02d/%02d] %s ok\n", i + 1, n, stages[i].name);
	}
	hud_start(); /* the live panel, only beside a framebuffer console */
	if (selftest_run(bi->cmdline))
		core_halt(SELFTEST_EXIT_CODE);
	/* From here on the machine is the user's: the leak gate's "before", then init, with
	 * fault injection on once it has started (injection never touches the stages, the
	 * self-tests or init's own start, whose failures would end the boot, not test it). */
	struct leakgate before;
	char flag[CMDLINE_VALUE_MAX];
	int gate = cmdline_get(bi->cmdline, "leakgate", flag, sizeof(flag)) != -RUMPK_ENOENT;
	if (gate) {
		proc_halt_ends_init(); /* the shell's `halt` ends it first, then the gate runs */
		leakgate_take(&before);
	}
	int code = run_init(bi->cmdline);
	fault_stop();
	if (gate && leakgate_check(&before))
		code = LEAKGATE_EXIT_CODE;
	core_halt(code);
}
