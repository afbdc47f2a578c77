/*
 * hal_arch.h (riscv64) — inline helpers the core may use on hot paths.
 */
#ifndef RUMPK_HAL_ARCH_H
#define RUMPK_HAL_ARCH_H

#define HAL_CACHE_LINE 64

/* hal_cpu_relax — inside a short spin (never as a way to wait for an event). The Zihintpause
 * "pause" hint encodes as a FENCE that older cores treat as a no-op. */
static inline void hal_cpu_relax(void)
{
	__asm__ volatile(".insn i 0x0f, 0, x0, x0, 0x010");
}

#endif /* RUMPK_HAL_ARCH_H */
