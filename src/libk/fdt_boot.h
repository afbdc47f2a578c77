/*
 * fdt_boot.h — the device tree -> struct rumpk_boot_info step that every bare-metal HAL
 * shares (libk's rumpk_fdt_boot library, built on libfdt).
 *
 * A HAL validates the tree's header itself (where the tree may lie and what to say when it
 * is missing differ per machine), finds its own devices with the helpers below, then calls
 * fdt_boot_fill() once. What is left to the HAL afterwards: bi->kernel (its linker symbols),
 * bi->timer_hz, and any machine-specific check of the ranges found (aarch64 makes sure the
 * initrd lies in the RAM it mapped).
 *
 * Reading rules, the same on every HAL: a node counts unless its "status" is a string
 * other than "okay"/"ok"; "reg" is read with the parent's #address-cells (1-2) and
 * #size-cells (0-2), untranslated (every bus on QEMU virt maps 1:1); a malformed cell count
 * makes the node's reg unreadable. Diagnostics are single "hal: ..." lines (kprintf);
 * the one fatal case, more reserved ranges than the boot info holds, ends in core_halt().
 * Depends on the core for exactly those two services (hal.h allows HALs both).
 *
 * The helpers below answer from an index of the tree's nodes that the first of them builds
 * in one walk (fdt_boot.c says why), so a HAL should use them rather than the libfdt
 * lookups that walk the whole tree each time (fdt_path_offset, fdt_parent_offset,
 * fdt_node_offset_by_compatible).
 */
#ifndef RUMPK_FDT_BOOT_H
#define RUMPK_FDT_BOOT_H

#include <stdint.h>

#include "rumpk/abi.h"

/*
 * fdt_boot_fill — called once by a HAL's boot code, before core_main. `fdt` points at a
 * writable tree that passed fdt_check_header(), whose physical address is `dtb_pa`;
 * `counter` reads a free-running cycle or time counter. Zeroes *bi, then fills version, mem (from /memory nodes), reserved
 * (the header's memory-reservation block, then /reserved-memory children), dtb, initrd and
 * cmdline (from /chosen), entropy and flags. /chosen rng-seed and kaslr-seed are folded
 * into the entropy and wiped from the tree; fewer than 32 seed bytes are topped up with
 * counter jitter and flagged RUMPK_BOOT_ENTROPY_WEAK. Prints one line per value it drops;
 * halts with code 255 if the reserved ranges do not fit. Returns nothing.
 */
void fdt_boot_fill(struct rumpk_boot_info *bi, void *fdt, uint64_t dtb_pa,
		   uint64_t (*counter)(void));

/*
 * fdt_boot_device_base — the first reg address of the first enabled node compatible with
 * `compatible` whose reg can be read; that node's offset in *node. Returns `dflt` (and
 * *node = -1) when there is none.
 */
uint64_t fdt_boot_device_base(const void *fdt, const char *compatible, uint64_t dflt,
			      int *node);

/*
 * fdt_boot_path — the offset of the node at `path` (len bytes, not necessarily
 * NUL-terminated), as fdt_path_offset_namelen() would return it (aliases included), or a
 * negative FDT_ERR_* code.
 */
int fdt_boot_path(const void *fdt, const char *path, int len);

/*
 * fdt_boot_compatible — fdt_node_offset_by_compatible() with the same contract: the first
 * node after offset `from` (-1: from the start) whose "compatible" list holds
 * `compatible`, enabled or not; -FDT_ERR_NOTFOUND when there is none.
 */
int fdt_boot_compatible(const void *fdt, int from, const char *compatible);

/*
 * fdt_boot_reg — the idx-th (address, size) pair of `node`'s reg, with its parent's cell
 * counts. Returns 0, -RUMPK_ENOENT if there is no such pair, or -RUMPK_EINVAL if the cell
 * counts are malformed or wider than rumpk reads.
 */
int fdt_boot_reg(const void *fdt, int node, int idx, uint64_t *base, uint64_t *size);

/* fdt_boot_prop_u32 — a 4-byte property, or `dflt` if it is absent or another size. */
uint32_t fdt_boot_prop_u32(const void *fdt, int node, const char *name, uint32_t dflt);

/*
 * fdt_boot_prop_u64 — a property of one or two cells into *out. Returns 0, -RUMPK_ENOENT
 * if it is absent, -RUMPK_EINVAL if it is neither 4 nor 8 bytes (*out untouched on error).
 */
int fdt_boot_prop_u64(const void *fdt, int node, const char *name, uint64_t *out);

/*
 * fdt_boot_prop_string — a property's value if it is a NUL-terminated string, its length
 * (without the NUL) in *len; NULL if it is absent, empty or not terminated.
 */
const char *fdt_boot_prop_string(const void *fdt, int node, const char *name, int *len);

#endif /* RUMPK_FDT_BOOT_H */
