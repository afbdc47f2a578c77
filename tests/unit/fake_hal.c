/*
 * fake_hal.c — hal.h for unit tests. Single-threaded and deterministic: the timer fires
 * only inside hal_cpu_idle(), which advances time to the armed deadline (plus a skew a test
 * may set), so a boot stage that waits for interrupts finishes instantly and repeatably.
 * Idling with no timer armed would hang a real machine; here it fails the test.
 */
#include "fake_hal.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "host.h"
#include "mem.h"
#include "sched.h"
#include "tar_image.h"

struct fake_hal fake;

void fake_reset(void)
{
	memset(&fake, 0, sizeof(fake));
}

/* The hosted HAL's own guest RAM (host_ram_alloc: a memfd mapped shared, so hal_as_share
 * works), not a heap block: the core may make pages of it inaccessible
 * (hal_stack_guard), and LeakSanitizer's final scan reads every live heap block, where
 * such a page would crash it. */
void *fake_ram(void)
{
	static void *ram;
	if (!ram) {
		ram = host_ram_alloc(FAKE_RAM_SIZE, FAKE_RAM_ALIGN);
		ck_assert_ptr_nonnull(ram);
	}
	return ram;
}

/* A small valid ustar image, built once, outside the fake RAM (so no test's page counts
 * change): what the default boot's vfs stage mounts. */
/* Adds the build's signed program at `file` as bin/NAME, so the loader stage has real,
 * correctly signed work on the fake machine too. */
static void add_signed_program(struct timg *t, const char *name, const char *file)
{
	static char data[256 * 1024];
	char path[64];
	FILE *f = fopen(file, "rb");
	ck_assert_msg(f != NULL, "fake initrd: cannot open the signed program %s", file);
	size_t n = fread(data, 1, sizeof(data), f);
	ck_assert_msg(n > 0 && feof(f), "fake initrd: %s is empty or too large", file);
	fclose(f);
	snprintf(path, sizeof(path), "bin/%s", name);
	timg_add(t, path, '0', data, n);
}

/* src/user/CMakeLists.txt's RUMPK_PROGRAMS, as a C list (tests/unit/CMakeLists.txt). */
const char *const fake_bin_programs[] = { RUMPK_BIN_PROGRAMS };

size_t fake_bin_count(void)
{
	return sizeof(fake_bin_programs) / sizeof(fake_bin_programs[0]);
}

const void *fake_initrd(size_t *size)
{
	static struct timg t;
	if (!t.len) {
		timg_add(&t, "bin/", '5', NULL, 0);
		for (size_t i = 0; i < fake_bin_count(); i++) {
			char file[512];
			snprintf(file, sizeof(file), "%s/%s", RUMPK_SIGNED_DIR, fake_bin_programs[i]);
			add_signed_program(&t, fake_bin_programs[i], file);
		}
		timg_add(&t, "etc/", '5', NULL, 0);
		timg_add(&t, "etc/motd", '0', FAKE_MOTD, sizeof(FAKE_MOTD) - 1);
		timg_end(&t, 10240);
	}
	*size = t.len;
	return t.buf;
}

void fake_boot_info(struct rumpk_boot_info *bi, const char *cmdline)
{
	size_t initrd_size;
	const void *initrd = fake_initrd(&initrd_size);

	uint64_t ram = (uint64_t)(uintptr_t)fake_ram();

	memset(bi, 0, sizeof(*bi));
	bi->version = RUMPK_BOOT_INFO_VERSION;
	bi->nmem = 1;
	bi->mem[0].base = ram;
	bi->mem[0].size = FAKE_RAM_SIZE;
	bi->kernel.base = ram + (2ull << 20); /* like riscv64: the kernel 2 MiB into RAM */
	bi->kernel.size = 1ull << 20;
	bi->timer_hz = 1000000000ull;
	bi->initrd.base = (uint64_t)(uintptr_t)initrd;
	bi->initrd.size = initrd_size;
	strncpy(bi->cmdline, cmdline ? cmdline : "", sizeof(bi->cmdline) - 1);
	/* The fake machine's boots end after the stages, as the suites expect: no first
	 * program (its console has no one typing), unless a test names one. */
	if (!strstr(bi->cmdline, "init="))
		strncat(bi->cmdline, bi->cmdline[0] ? " init=none" : "init=none",
			sizeof(bi->cmdline) - 1 - strlen(bi->cmdline));
}

int fake_boot(const char *cmdline)
{
	static struct rumpk_boot_info bi; /* the core may keep a pointer to it past the boot */

	fake_reset();
	fake_boot_info(&bi, cmdline);
	return fake_run_core(&bi);
}

void fake_machine(void)
{
	struct rumpk_boot_info bi;
	char why[128];

	fake_reset();
	fake_boot_info(&bi, "");
	ck_assert_msg(mem_init(&bi, why, sizeof(why)) == 0, "mem_init: %s", why);
	ck_assert_int_eq(sched_init(), 0);
}

int fake_run_core(const struct rumpk_boot_info *bi)
{
	jmp_buf jb;

	fake.halt_jmp = &jb;
	if (setjmp(jb) == 0)
		core_main(bi);
	fake.halt_jmp = NULL;
	return fake.halt_code;
}

const char *fake_must_panic(void (*fn)(void))
{
	jmp_buf jb;
	fake.console_len = 0;
	fake.console[0] = '\0';
	fake.halt_jmp = &jb;
	if (setjmp(jb) == 0) {
		fn();
		ck_abort_msg("expected a panic");
	}
	fake.halt_jmp = NULL;
	ck_assert_int_eq(fake.halt_code, 255);
	return fake.console;
}

const char *hal_name(void)
{
	return "fake";
}

void hal_console_rx_irq(int on)
{
	fake.rx_irq_off = !on;
	fake.rx_irq_calls++;
}

void hal_console_wait(void)
{
	fake.console_waits++;
}

int hal_fb_get(struct hal_fb *fb)
{
	if (!fake.fb.pixels)
		return -RUMPK_ENOSYS;
	*fb = fake.fb;
	return 0;
}

void hal_fb_flush(uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	if ((uint64_t)x + w > fake.fb.width || (uint64_t)y + h > fake.fb.height)
		ck_abort_msg("hal_fb_flush(%u, %u, %u, %u) outside a %ux%u framebuffer", x, y, w, h,
			     fake.fb.width, fake.fb.height);
	fake.fb_flushes++;
}

uint8_t fake_trace[FAKE_TRACE_MAX];

void hal_trace_write(const void *buf, size_t len)
{
	if (len == 0) {
		fake.trace_ended = 1;
		return;
	}
	fake.trace_writes++;
	if (len > FAKE_TRACE_MAX - fake.trace_len)
		len = FAKE_TRACE_MAX - fake.trace_len;
	memcpy(fake_trace + fake.trace_len, buf, len);
	fake.trace_len += len;
}

void hal_fb_text(const uint8_t *cells, uint32_t cols, uint32_t rows)
{
	fake.fb_cells = cells;
	fake.fb_cols = cols;
	fake.fb_rows = rows;
}

void hal_console_write(const char *buf, size_t len)
{
	size_t room = sizeof(fake.console) - 1 - fake.console_len;
	if (len > room)
		len = room;
	memcpy(fake.console + fake.console_len, buf, len);
	fake.console_len += len;
	fake.console[fake.console_len] = '\0';
	fake.console_writes++;
}

int hal_console_getc(void)
{
	if (!fake.input || !*fake.input)
		return -RUMPK_EAGAIN;
	return (unsigned char)*fake.input++;
}

int hal_trap_init(void)
{
	return fake.trap_init_result;
}

uint64_t hal_time_ns(void)
{
	return fake.real_clock ? host_time_ns() : fake.now_ns;
}

void hal_timer_arm(uint64_t deadline_ns)
{
	fake.timer_armed = 1;
	fake.deadline_ns = deadline_ns;
	if (fake.real_clock)
		host_timer_arm(deadline_ns);
}

void hal_timer_disarm(void)
{
	fake.timer_armed = 0;
	if (fake.real_clock)
		host_timer_disarm();
}

void fake_real_clock(void)
{
	host_time_init();
	host_signals_init();
	fake.real_clock = 1;
}

/* Real clock: timer interrupts that arrived while disabled, with the flag off. */
static void deliver_pending(void)
{
	while (fake.irq_pending) {
		fake.irq_pending = 0;
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		core_timer_irq(0);
	}
}

hal_irq_state_t hal_irq_save(void)
{
	hal_irq_state_t was = (hal_irq_state_t)fake.irq_enabled;
	fake.irq_enabled = 0;
	return was;
}

void hal_irq_restore(hal_irq_state_t state)
{
	if (state && fake.real_clock) { /* as hal.c: deliver, enable, catch a late arrival */
		deliver_pending();
		fake.irq_enabled = 1;
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		if (fake.irq_pending) {
			fake.irq_enabled = 0;
			deliver_pending();
			fake.irq_enabled = 1;
		}
		return;
	}
	fake.irq_enabled = (int)state;
}

void hal_irq_enable(void)
{
	hal_irq_restore(1);
}

void hal_cpu_idle(void)
{
	ck_assert_msg(!fake.irq_enabled, "hal_cpu_idle called with interrupts enabled");
	if (fake.real_clock) {
		fake.idles++;
		host_idle(&fake.irq_pending);
		deliver_pending();
		return;
	}
	ck_assert_msg(fake.timer_armed, "hal_cpu_idle with no timer armed would hang forever");
	uint64_t skew = fake.idles >= fake.skew_after_idles ? (uint64_t)fake.irq_skew_ns : 0;
	fake.idles++;
	uint64_t at = fake.deadline_ns + skew;
	if (at > fake.now_ns)
		fake.now_ns = at;
	else if (fake.now_ns < fake.deadline_ns)
		fake.now_ns = fake.deadline_ns; /* an early interrupt was delivered already: now
						 * the one a real timer sends at its deadline */
	fake.timer_armed = 0;
	core_timer_irq(0);
}

int fake_fire_timer_if_due(void)
{
	if (!fake.timer_armed || fake.now_ns < fake.deadline_ns)
		return 0;
	fake.timer_armed = 0;
	int was = fake.irq_enabled;
	fake.irq_enabled = 0; /* core callbacks run with interrupts off */
	core_timer_irq(0);
	fake.irq_enabled = was;
	return 1;
}

void hal_halt(int code)
{
	fake.halted = 1;
	fake.halt_code = hal_exit_status(code);
	if (fake.on_halt)
		fake.on_halt();
	if (!fake.halt_jmp)
		abort();
	longjmp(*fake.halt_jmp, 1);
}

/* ---- the hosted HAL's bottom calls up into its top; here the fake is that top ---------- */

void fake_host_traps(void)
{
	host_signals_init();
}

/* No host timer is armed in the fake machine unless a test asked for the real clock;
 * then this is hal.c's hosted_timer_signal. */
void hosted_timer_signal(void)
{
	if (!fake.real_clock) {
		static const char msg[] = "fake HAL: unexpected host timer signal\n";
		ssize_t n = write(2, msg, sizeof(msg) - 1);
		(void)n;
		abort();
	}
	if (!fake.irq_enabled) {
		fake.irq_pending = 1;
		return;
	}
	fake.irq_enabled = 0;
	core_timer_irq(0);
	fake.irq_enabled = 1;
}

void hosted_kernel_fault(const char *kind, uint64_t pc, uint64_t addr)
{
	fake.irq_enabled = 0;
	core_kernel_fault(kind, pc, addr);
}

int unit_main(Suite *suite)
{
	SRunner *sr = srunner_create(suite);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

uint8_t *fake_read_file_opt(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *b = malloc((size_t)(n > 0 ? n : 0) + 128);
	ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

uint8_t *fake_read_file(const char *path, size_t *len)
{
	uint8_t *b = fake_read_file_opt(path, len);
	ck_assert_msg(b != NULL, "cannot open %s (is it built?)", path);
	return b;
}

void fake_host_perms(uint64_t va, char out[5])
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];

	ck_assert_ptr_nonnull(f);
	strcpy(out, "none");
	while (fgets(line, sizeof(line), f)) {
		unsigned long long a, b;
		char perms[5];
		if (sscanf(line, "%llx-%llx %4s", &a, &b, perms) == 3 && va >= a && va < b) {
			memcpy(out, perms, 5);
			break;
		}
	}
	fclose(f);
}

/* The fake machine's "physical" addresses are the test process's: identity. */
void *hal_phys_to_kernel(uint64_t pa, uint64_t len)
{
	if (pa == 0 || pa + len < pa)
		return NULL;
	return (void *)(uintptr_t)pa;
}
