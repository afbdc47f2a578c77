/*
 * hal_arch.h (hosted, x86_64) — inline helpers the core may use on hot paths.
 */
#ifndef RUMPK_HAL_ARCH_H
#define RUMPK_HAL_ARCH_H

#define HAL_CACHE_LINE 64

/* hal_cpu_relax — inside a short spin (never as a way to wait for an event). */
static inline void hal_cpu_relax(void)
{
	__builtin_ia32_pause();
}

#endif /* RUMPK_HAL_ARCH_H */
