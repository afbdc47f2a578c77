/*
 * fake_hal.c — hal.h for unit tests. Single-threaded and deterministic: the timer fires
 * only inside hal_cpu_idle(), which advances time to the armed deadline (plus a skew a test
 * may set), so a boot stage that waits for interrupts finishes instantly and repeatably.
 * Idling with no timer armed would hang a real machine; here it fails the test.
 */
#include "fake_hal.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

struct fake_hal fake;

void fake_reset(void)
{
	memset(&fake, 0, sizeof(fake));
}

void *fake_ram(void)
{
	static void *ram;
	if (!ram)
		ram = aligned_alloc(FAKE_RAM_ALIGN, FAKE_RAM_SIZE);
	ck_assert_ptr_nonnull(ram);
	return ram;
}

void fake_boot_info(struct rumpk_boot_info *bi, const char *cmdline)
{
	uint64_t ram = (uint64_t)(uintptr_t)fake_ram();

	memset(bi, 0, sizeof(*bi));
	bi->version = RUMPK_BOOT_INFO_VERSION;
	bi->nmem = 1;
	bi->mem[0].base = ram;
	bi->mem[0].size = FAKE_RAM_SIZE;
	bi->kernel.base = ram + (2ull << 20); /* like riscv64: the kernel 2 MiB into RAM */
	bi->kernel.size = 1ull << 20;
	bi->timer_hz = 1000000000ull;
	strncpy(bi->cmdline, cmdline ? cmdline : "", sizeof(bi->cmdline) - 1);
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

const char *hal_name(void)
{
	return "fake";
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
	return fake.now_ns;
}

void hal_timer_arm(uint64_t deadline_ns)
{
	fake.timer_armed = 1;
	fake.deadline_ns = deadline_ns;
}

void hal_timer_disarm(void)
{
	fake.timer_armed = 0;
}

hal_irq_state_t hal_irq_save(void)
{
	hal_irq_state_t was = (hal_irq_state_t)fake.irq_enabled;
	fake.irq_enabled = 0;
	return was;
}

void hal_irq_restore(hal_irq_state_t state)
{
	fake.irq_enabled = (int)state;
}

void hal_irq_enable(void)
{
	fake.irq_enabled = 1;
}

void hal_cpu_idle(void)
{
	ck_assert_msg(!fake.irq_enabled, "hal_cpu_idle called with interrupts enabled");
	ck_assert_msg(fake.timer_armed, "hal_cpu_idle with no timer armed would hang forever");
	uint64_t skew = fake.idles >= fake.skew_after_idles ? (uint64_t)fake.irq_skew_ns : 0;
	fake.idles++;
	uint64_t at = fake.deadline_ns + skew;
	if (at > fake.now_ns)
		fake.now_ns = at;
	fake.timer_armed = 0;
	core_timer_irq();
}

void hal_halt(int code)
{
	fake.halted = 1;
	fake.halt_code = hal_exit_status(code);
	if (!fake.halt_jmp)
		abort();
	longjmp(*fake.halt_jmp, 1);
}

int unit_main(Suite *suite)
{
	SRunner *sr = srunner_create(suite);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
