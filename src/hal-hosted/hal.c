/*
 * hal.c — the hosted HAL's "top": hal.h implemented for a Linux process.
 *
 * This file sees kernel types only; every host call goes through host.h. Interrupts are
 * the timer signal. "Disabled" is a flag, not a signal mask, so hal_irq_save/restore cost
 * two plain stores instead of two system calls: a signal that lands while the flag says
 * disabled only sets `irq_pending`, and whoever re-enables delivers it. Both variables are
 * touched by the one kernel thread and by its own signal handler, so signal fences (not
 * atomics across CPUs) order them.
 *
 * Virtual mode (rumpk-sim --clock virtual, docs/simulation.md): no signal is an interrupt.
 * Time moves by seeded, jittered charges at the points where the kernel itself decides
 * something: each hal_ctx_switch (switch.S calls virtual_switch through
 * hosted_switch_hook), each doorbell and user budget trap (hal_user.c calls virtual_bell
 * through hosted_bell_hook), and hal_cpu_idle, which jumps to the armed deadline. A charge
 * that makes the deadline due sets timer_pending, delivered like a signal that arrived
 * while "disabled": at the next hal_irq_restore/idle, or at once in a doorbell. Console
 * input is released a line at a time at the first of those points after a reader
 * blocked on an empty ring (hal_console_wait), or after VIRT_INPUT_PATIENCE_NS of
 * virtual time without such a reader while input is left (a busy foreground program
 * still gets its Ctrl-C line). An idle CPU with no deadline and no input to release can
 * never wake: a deadlock, exit 103.
 */
#include "hal.h"

#include "host.h"
#include "hosted_priv.h"
#include "kprintf.h"

static struct rumpk_boot_info bootinfo;
static volatile int irq_enabled;
static volatile int irq_pending;     /* some interrupt below is pending */
static volatile int timer_pending;
static volatile int console_pending;

/* Virtual mode (see the top of the file). Charges in ns: a base plus a seeded jitter of
 * up to the same again. A budget trap charges what the program ran: the basic blocks of
 * its budget at VIRT_NS_PER_BLOCK each. Budgets (blocks between traps) are seeded too. */
#define VIRT_SWITCH_NS 2000
#define VIRT_BELL_NS 1000
#define VIRT_NS_PER_BLOCK 25
#define VIRT_BUDGET_MIN 2048
#define VIRT_BUDGET_SPREAD 4096
#define VIRT_BUDGET_MAX 65536 /* a budget trap claiming more is clamped to this */
#define VIRT_INPUT_PATIENCE_NS 1000000000ull
static int vclock;            /* 1 in virtual mode */
static int console_wants;     /* a reader blocked on an empty ring since the last release */
static uint64_t last_release; /* virtual time of the last input release */

const char *hal_name(void)
{
	return "hosted-x86_64";
}

void hal_console_write(const char *buf, size_t len)
{
	host_console_write(buf, len);
}

/* Input is SIGIO, which costs nothing while no byte arrives: War mode's polling needs no
 * mask here (hal.h allows ignoring it). */
void hal_console_rx_irq(int on)
{
	(void)on;
}

int hal_console_getc(void)
{
	int c = vclock ? -1 : host_display_getc(); /* virtual mode: scripted input only */
	if (c >= 0 || c == -2)
		return c == -2 ? -RUMPK_EIO : c;
	c = host_console_getc();
	return c == -2 ? -RUMPK_EIO : c < 0 ? -RUMPK_EAGAIN : c;
}

int hal_trap_init(void)
{
	return host_trap_probe() == 1 ? 0 : -RUMPK_EFAULT;
}

uint64_t hal_time_ns(void)
{
	return host_time_ns();
}

void hal_timer_arm(uint64_t deadline_ns)
{
	host_timer_arm(deadline_ns);
}

void hal_timer_disarm(void)
{
	host_timer_disarm();
}

/* Runs pending interrupts with the flag off, as core callbacks expect; in_user: they
 * interrupted user code (virtual mode's doorbell, hal.h's core_timer_irq). */
static void deliver_pending(int in_user)
{
	while (irq_pending) {
		irq_pending = 0;
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		if (timer_pending) {
			timer_pending = 0;
			core_timer_irq(in_user);
		}
		if (console_pending) {
			console_pending = 0;
			core_console_rx();
		}
	}
}

/* Virtual mode: ns plus up to ns of seeded jitter, charged; a due deadline becomes a
 * pending timer interrupt. Then input, if a reader waits for it (or has not for long). */
static void virtual_charge(uint64_t ns)
{
	if (host_virtual_charge(ns + host_virtual_rand((uint32_t)ns + 1))) {
		timer_pending = 1;
		irq_pending = 1;
	}
	if (!console_wants && host_console_input_left() &&
	    hal_time_ns() - last_release >= VIRT_INPUT_PATIENCE_NS)
		console_wants = 1;
	if (console_wants) {
		console_wants = 0;
		last_release = hal_time_ns();
		if (host_console_release()) {
			console_pending = 1;
			irq_pending = 1;
		}
	}
}

/* hosted_switch_hook: every hal_ctx_switch, interrupts disabled (delivered after it). */
static void virtual_switch(void)
{
	virtual_charge(VIRT_SWITCH_NS);
}

/* hosted_bell_hook: every doorbell, on the thread's kernel stack, interrupts enabled. A
 * budget trap (libnexus's budget.c: rdi = RUMPK_BUDGET_MAGIC, rsi = the blocks it ran)
 * charges those blocks and gets its next budget back in rax. What became pending is
 * taken here, as the timer or console trap of this user thread. */
static void virtual_bell(struct hal_uframe *f)
{
	uint64_t ran = f->gpr[UF_RSI / 8];

	if (f->gpr[UF_RDI / 8] == RUMPK_BUDGET_MAGIC) {
		if (ran > VIRT_BUDGET_MAX)
			ran = VIRT_BUDGET_MAX;
		virtual_charge(ran * VIRT_NS_PER_BLOCK);
		f->gpr[UF_RAX / 8] = VIRT_BUDGET_MIN + host_virtual_rand(VIRT_BUDGET_SPREAD);
	} else {
		virtual_charge(VIRT_BELL_NS);
	}
	if (irq_pending) {
		hal_irq_state_t s = hal_irq_save();
		deliver_pending(1);
		hal_irq_restore(s);
	}
}

void hal_console_wait(void)
{
	if (vclock)
		console_wants = 1;
}

/* Nothing can wake an idle virtual machine: say so, print the replay line, exit 103. */
static void __attribute__((noreturn)) virtual_deadlock(void)
{
	kprintf("\n[virtual] deadlock: the CPU is idle with no timer armed and no console input "
		"left to deliver, at %llu ns of virtual time: nothing can ever wake the kernel\n",
		(unsigned long long)hal_time_ns());
	host_virtual_replay();
	host_display_halt();
	host_console_restore();
	host_exit(HOSTED_EXIT_DEADLOCK);
}

void hosted_timer_signal(void)
{
	if (!irq_enabled) {
		timer_pending = 1;
		irq_pending = 1;
		return;
	}
	irq_enabled = 0;
	core_timer_irq(0);
	irq_enabled = 1;
}

void hosted_console_signal(void)
{
	if (!irq_enabled) {
		console_pending = 1;
		irq_pending = 1;
		return;
	}
	irq_enabled = 0;
	core_console_rx();
	irq_enabled = 1;
}

void hosted_kernel_fault(const char *kind, uint64_t pc, uint64_t addr)
{
	irq_enabled = 0;
	core_kernel_fault(kind, pc, addr);
}

hal_irq_state_t hal_irq_save(void)
{
	hal_irq_state_t was = irq_enabled;
	irq_enabled = 0;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	return was;
}

void hal_irq_restore(hal_irq_state_t state)
{
	if (!state) {
		irq_enabled = 0;
		return;
	}
	deliver_pending(0);
	irq_enabled = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	/* a signal between the check and the store above set irq_pending: deliver it */
	if (irq_pending) {
		irq_enabled = 0;
		deliver_pending(0);
		irq_enabled = 1;
	}
}

void hal_irq_enable(void)
{
	hal_irq_restore(1);
}

void hal_cpu_idle(void)
{
	if (vclock) {
		/* a scheduling decision; then nothing to wait for: the deadline is now */
		virtual_charge(0);
		if (!irq_pending && console_wants)
			virtual_charge(0); /* a reader blocked after the charge above: release now */
		if (!irq_pending && host_console_input_left() &&
		    last_release + VIRT_INPUT_PATIENCE_NS <= host_virtual_deadline()) {
			/* input nobody asked for comes before the next deadline: time jumps to
			 * when its patience runs out (a Ctrl-C line for a sleeping program) */
			uint64_t now = hal_time_ns(), at = last_release + VIRT_INPUT_PATIENCE_NS;
			if (host_virtual_charge(at > now ? at - now : 0))
				timer_pending = irq_pending = 1;
			virtual_charge(0);
		}
		if (!irq_pending) {
			if (!host_virtual_skip())
				virtual_deadlock();
			timer_pending = 1;
			irq_pending = 1;
		}
	} else {
		host_idle(&irq_pending);
	}
	deliver_pending(0);
}

int hal_fb_get(struct hal_fb *fb)
{
	uint32_t w, h;
	uint32_t *p = host_display_pixels(&w, &h);
	if (!p)
		return -RUMPK_ENOSYS;
	fb->pixels = p;
	fb->width = w;
	fb->height = h;
	fb->stride = w;
	return 0;
}

void hal_fb_flush(uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	(void)x, (void)y, (void)w, (void)h;
	host_display_dirty(); /* the window copies the whole framebuffer at its next frame */
}

void hal_fb_text(const uint8_t *cells, uint32_t cols, uint32_t rows)
{
	host_display_text(cells, cols, rows);
}

/* The sim's trace goes to --trace FILE (host_trace.c); without it trace= has no sink. */
void hal_trace_write(const void *buf, size_t len)
{
	host_trace_write(buf, len);
}

void hal_halt(int code)
{
	int status = hal_exit_status(code);

	if (vclock && (status == HAL_HALT_PANIC || status == HAL_HALT_LEAK || status == HOSTED_EXIT_DEADLOCK))
		host_virtual_replay(); /* a panic, a kernel fault or a leak: how to see it again */
	host_display_halt();
	host_console_restore();
	host_exit(hal_exit_status(code));
}

/*
 * Copies the initrd file into guest RAM where QEMU's aarch64 virt would put it: at
 * min(RAM / 2, 128 MiB) from the start, page aligned (hw/arm/boot.c). The core's allocator
 * then keeps those pages for it, as on the bare-metal machines.
 */
static void load_initrd(void *ram, uint64_t ram_bytes, const char *path)
{
	int64_t size = host_file_size(path);
	uint64_t off = ram_bytes / 2 < (128ull << 20) ? ram_bytes / 2 : 128ull << 20;

	off &= ~4095ull;
	if (size < 0)
		host_die("cannot load the initrd (see above; --initrd FILE)");
	if (size == 0)
		host_die("the initrd file is empty (a ustar archive holds at least two zero blocks)");
	if ((uint64_t)size > ram_bytes - off)
		host_die("the initrd does not fit in the upper half of guest RAM: raise --mem");
	if (host_file_read(path, (char *)ram + off, (uint64_t)size) != 0)
		host_die("cannot load the initrd (see above)");
	bootinfo.initrd.base = (uint64_t)(uintptr_t)ram + off;
	bootinfo.initrd.size = (uint64_t)size;
}

/* Builds the boot info from the runner's configuration and enters the core. */
void hosted_boot(const struct hosted_config *cfg)
{
	const char *c = cfg->cmdline ? cfg->cmdline : "";
	size_t i;

	host_time_init();
	host_signals_init();
	if (cfg->virtual_clock) {
		vclock = 1;
		host_virtual_seed(cfg->jitter_key);
		host_virtual_set_replay(cfg->replay);
		host_time_set_virtual(); /* after the handlers: the watchdog's SIGVTALRM */
		host_console_set_scripted(cfg->input_path);
		hosted_switch_hook = virtual_switch;
		hosted_bell_hook = virtual_bell;
	}
	host_console_init();
	void *ram = host_ram_alloc(cfg->ram_bytes, 4096);
	if (!ram)
		host_die("cannot map the guest RAM");
	bootinfo.version = RUMPK_BOOT_INFO_VERSION;
	bootinfo.nmem = 1;
	bootinfo.mem[0].base = (uint64_t)(uintptr_t)ram;
	bootinfo.mem[0].size = cfg->ram_bytes;
	if (cfg->initrd_path)
		load_initrd(ram, cfg->ram_bytes, cfg->initrd_path);
	if (cfg->seeded)
		for (i = 0; i < sizeof(bootinfo.entropy); i++)
			bootinfo.entropy[i] = cfg->seed[i % sizeof(cfg->seed)];
	else
		host_entropy(bootinfo.entropy, sizeof(bootinfo.entropy));
	if (cfg->display && host_display_init(cfg->fb_width, cfg->fb_height, cfg->screenshot) != 0)
		host_die("--display sdl: no window (see above)");
	for (i = 0; i + 1 < sizeof(bootinfo.cmdline) && c[i]; i++)
		bootinfo.cmdline[i] = c[i];
	bootinfo.cmdline[i] = '\0';
	bootinfo.timer_hz = host_time_hz();
	core_main(&bootinfo);
}

/* Guest "physical" addresses are the sim's own: identity, unless the range wraps. */
void *hal_phys_to_kernel(uint64_t pa, uint64_t len)
{
	if (pa == 0 || pa + len < pa)
		return NULL;
	return (void *)(uintptr_t)pa;
}
