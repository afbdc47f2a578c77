/*
 * bm_user.c — hal.h's user-mode section, shared pages, string copies and the
 * physical-to-kernel step on the bare-metal ports until they have user mode (E1/E2:
 * U-mode on riscv64, EL0 on aarch64). Honest stand-ins, like bm_as.c: no space can exist
 * (hal_as_create says -RUMPK_ENOSYS), so nothing here is ever reached with a real one.
 *   - frames: riscv64 rv64imac has no FP state and aarch64's q0-q31/fpcr/fpsr are not
 *     saved yet, so a frame is pc + sp + 31 general registers; init works, enter is a
 *     kernel fault with a message;
 *   - the doorbell is an instruction there (ecall / svc): hal_user_doorbell is 0;
 *   - the kernel runs identity-mapped: hal_phys_to_kernel is the identity.
 * A port replaces these with its trap.c / mmu.c implementation when it gets user mode.
 */
#include "hal.h"

struct hal_uframe {
	uint64_t pc, sp;
	uint64_t x[31];
	uint64_t pad;
};

size_t hal_uframe_size(void)
{
	return (sizeof(struct hal_uframe) + 63) & ~(size_t)63;
}

void hal_uframe_init(struct hal_uframe *f, uint64_t pc, uint64_t sp)
{
	__builtin_memset(f, 0, sizeof(*f));
	f->pc = pc;
	f->sp = sp;
}

uint64_t hal_uframe_pc(const struct hal_uframe *f)
{
	return f->pc;
}

uint64_t hal_uframe_sp(const struct hal_uframe *f)
{
	return f->sp;
}

void hal_user_enter(struct hal_as *as, struct hal_uframe *f)
{
	core_kernel_fault("hal_user_enter: no user mode on this HAL yet (E1/E2)", f->pc,
			  (uint64_t)(uintptr_t)as);
}

uint64_t hal_user_doorbell(void)
{
	return 0; /* ecall / svc */
}

int hal_as_share(struct hal_as *as, uint64_t va, void *kpage, unsigned prot)
{
	if (as)
		core_kernel_fault("hal_as_share: no address spaces on this HAL yet", va,
				  (uint64_t)(uintptr_t)as);
	return -RUMPK_ENOSYS;
}

int64_t hal_copy_str_from_user(struct hal_as *as, char *dst, uint64_t uaddr, size_t max)
{
	if (as)
		core_kernel_fault("hal_copy_str_from_user: no address spaces on this HAL yet",
				  uaddr, (uint64_t)(uintptr_t)as);
	return -RUMPK_EFAULT;
}

void *hal_phys_to_kernel(uint64_t pa, uint64_t len)
{
	if (pa == 0 || pa + len < pa)
		return NULL;
	return (void *)(uintptr_t)pa;
}
