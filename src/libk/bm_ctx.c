/*
 * bm_ctx.c — the parts of the context contract (hal.h) that are the same on every
 * bare-metal port: nothing per context outlives its stack there, so the last switch is an
 * ordinary one and releasing a context is free. Each port keeps its own hal_ctx_init,
 * switch.S and hal_stack_guard (which differ with the port's MMU).
 */
#include "hal.h"

void hal_ctx_exit(struct hal_ctx *from, struct hal_ctx *to)
{
	hal_ctx_switch(from, to);
	core_kernel_fault("a dead fiber context was resumed", 0, 0);
}

void hal_ctx_release(struct hal_ctx *ctx)
{
	(void)ctx;
}
