/*
 * fuzz_elf.c — arbitrary bytes as a program image: the ELF validator for every machine it
 * knows, and, when it accepts the bytes for this HAL's machine, the loader mapping them
 * into a hosted address space (the hosted HAL's real hal_as.c), then unloading.
 *
 * Invariants checked on every input (a breach aborts, which libFuzzer reports as a crash):
 * validation returns 0 exactly when it names no refusal and otherwise names one of the
 * known ones; a load either succeeds or fails cleanly, and after unload (or the failure)
 * no space, mapping or kernel memory is left. Seeded with the programs this build made and
 * the malformed corpus (tests/elf), so mutations start next to every check.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "boot.h"
#include "elf.h"
#include "fake_hal.h"
#include "hosted_as.h"
#include "loader.h"
#include "mem.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                           \
	do {                                                                               \
		if (!(c)) {                                                                \
			fprintf(stderr, "fuzz_elf: %s:%d: %s\n", __FILE__, __LINE__, #c);  \
			abort();                                                           \
		}                                                                          \
	} while (0)

static struct rumpk_boot_info bi;

/* The loader needs boot_info() (AT_RANDOM) and the allocator: boot up to the memory stage
 * (failstage=timer stops there), as the unit tests do. The boot info is built here rather
 * than by fake_boot_info(), whose Check assertions need a running Check test. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const uint64_t ram_size = 32ull << 20, align = 4ull << 20;
	uint8_t *p = mmap(NULL, ram_size + align, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	uint64_t ram = ((uint64_t)(uintptr_t)p + align - 1) & ~(align - 1);

	(void)argc;
	(void)argv;
	fake_reset();
	bi.version = RUMPK_BOOT_INFO_VERSION;
	bi.nmem = 1;
	bi.mem[0].base = ram;
	bi.mem[0].size = ram_size;
	bi.kernel.base = ram + (2ull << 20);
	bi.kernel.size = 1ull << 20;
	bi.timer_hz = 1000000000ull;
	snprintf(bi.cmdline, sizeof(bi.cmdline), "failstage=timer");
	for (unsigned i = 0; i < sizeof(bi.entropy); i++)
		bi.entropy[i] = (uint8_t)(i * 37 + 11);
	fake_run_core(&bi);
	CHECK(boot_info() == &bi);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t machines[] = { ELF_EM_X86_64, ELF_EM_RISCV, ELF_EM_AARCH64 };
	static const char *const argv[] = { "fuzz", "-x" };
	static const char *const envp[] = { "A=1" };
	struct elf_image img;
	int ours = -1;

	for (unsigned i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
		int r = elf_validate_for(data, size, machines[i], &img);
		CHECK((r == 0) == (img.err == ELF_OK));
		CHECK(r == 0 || r == -RUMPK_ENOEXEC);
		CHECK(img.err < ELF_E_PLACEMENT); /* the validator never names the loader's */
		if (machines[i] == HAL_ELF_MACHINE)
			ours = r;
	}
	if (ours != 0)
		return 0;

	struct hosted_as_stats a, b;
	struct mem_stats ma, mb;
	struct loader_image li;
	const struct loader_args args = { .argv = argv, .argc = 2, .envp = envp, .envc = 1 };

	hosted_as_stats(&a);
	mem_stats(&ma);
	int r = loader_load(data, size, &args, &li);
	if (r == 0) {
		uint64_t argc;
		CHECK(hal_copy_from_user(li.as, &argc, li.sp, sizeof(argc)) == 0 && argc == 2);
		loader_unload(&li);
	} else {
		CHECK(li.as == NULL);
	}
	hosted_as_stats(&b);
	mem_stats(&mb);
	CHECK(a.spaces == b.spaces && a.ranges == b.ranges && a.mapped_bytes == b.mapped_bytes);
	CHECK(ma.free_pages == mb.free_pages && ma.live_objects == mb.live_objects);
	return 0;
}
