/*
 * boot.h — the boot sequence: one ordered list of stages, the same on every HAL.
 */
#ifndef RUMPK_BOOT_H
#define RUMPK_BOOT_H

#include <stdint.h>

#include "rumpk/abi.h"

/* core_halt — prints the last line, "halted, code N", then ends the machine (hal_halt). */
void core_halt(int code) __attribute__((noreturn));

/* The boot info core_main() was given (valid after core_main starts). */
const struct rumpk_boot_info *boot_info(void);

/* boot_entropy_weak — 1 if the HAL flagged the boot entropy RUMPK_BOOT_ENTROPY_WEAK (no
 * seed: the boot key can be guessed; core_main warns once), else 0. For stats. */
int boot_entropy_weak(void);

/* boot_stage_count — how many stages the boot list has (the MM of "[stage NN/MM]"). */
int boot_stage_count(void);

/* boot_stage_name — the name of stage i (0-based), or NULL past the end. */
const char *boot_stage_name(int i);

/*
 * What each stage of this boot did, in order (for the debugger's `info stages`, which reads
 * boot_stage_log by its symbol, and later the HUD). Written by core_main only.
 */
enum boot_stage_state {
	BOOT_STAGE_PENDING = 0, /* not reached (yet) */
	BOOT_STAGE_RUNNING = 1,
	BOOT_STAGE_OK = 2,
	BOOT_STAGE_FAILED = 3,
};

#define BOOT_STAGES_MAX 16
#define BOOT_STAGE_DETAIL_MAX 96

struct boot_stage_record {
	const char *name;
	uint32_t state;                     /* enum boot_stage_state */
	int32_t err;                        /* 0, or the stage's RUMPK_E* error */
	uint64_t start_ns, ns;              /* hal_time_ns() at its start; how long it took */
	char detail[BOOT_STAGE_DETAIL_MAX]; /* what followed "ok:" or "FAIL:" */
};

extern struct boot_stage_record boot_stage_log[BOOT_STAGES_MAX];
extern int boot_stage_log_count; /* = boot_stage_count() once core_main started */

#endif /* RUMPK_BOOT_H */
