/*
 * boot.h — the boot sequence: one ordered list of stages, the same on every HAL.
 */
#ifndef RUMPK_BOOT_H
#define RUMPK_BOOT_H

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

#endif /* RUMPK_BOOT_H */
