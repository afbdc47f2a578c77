/*
 * bm_as.c — the address-space contract (hal.h) on the bare-metal ports until they have
 * page tables for user spaces (Sv39 on riscv64, the 4 KiB granule on aarch64: a later
 * issue). hal_as_create says -RUMPK_ENOSYS, as hal.h documents, so the core verifies and
 * validates programs there but maps none. Since no space can exist, every other call
 * refuses too, and a non-NULL space reaching one of them is a broken invariant.
 * One file for both ports, linked like bm_ctx.c through rumpk_fdt_boot; a port replaces
 * it with its mmu.c implementation when it gets one.
 */
#include "hal.h"

/* No caller can hold a space these functions did not create. */
static void no_such_space(const struct hal_as *as, const char *what)
{
	if (as)
		core_kernel_fault(what, 0, (uint64_t)(uintptr_t)as);
}

int hal_as_create(struct hal_as **out, uint64_t *user_lo, uint64_t *user_hi)
{
	*out = NULL;
	*user_lo = 0;
	*user_hi = 0;
	return -RUMPK_ENOSYS;
}

void hal_as_destroy(struct hal_as *as)
{
	no_such_space(as, "hal_as_destroy: no address spaces on this HAL yet");
}

int hal_as_map(struct hal_as *as, uint64_t va, uint64_t size, unsigned prot)
{
	no_such_space(as, "hal_as_map: no address spaces on this HAL yet");
	return -RUMPK_ENOSYS;
}

int hal_as_protect(struct hal_as *as, uint64_t va, uint64_t size, unsigned prot)
{
	no_such_space(as, "hal_as_protect: no address spaces on this HAL yet");
	return -RUMPK_ENOSYS;
}

int hal_as_unmap(struct hal_as *as, uint64_t va, uint64_t size)
{
	no_such_space(as, "hal_as_unmap: no address spaces on this HAL yet");
	return -RUMPK_ENOSYS;
}

void hal_as_switch(struct hal_as *as)
{
	no_such_space(as, "hal_as_switch: no address spaces on this HAL yet");
}

int hal_copy_to_user(struct hal_as *as, uint64_t uaddr, const void *src, size_t len)
{
	no_such_space(as, "hal_copy_to_user: no address spaces on this HAL yet");
	return -RUMPK_EFAULT;
}

int hal_copy_from_user(struct hal_as *as, void *dst, uint64_t uaddr, size_t len)
{
	no_such_space(as, "hal_copy_from_user: no address spaces on this HAL yet");
	return -RUMPK_EFAULT;
}
