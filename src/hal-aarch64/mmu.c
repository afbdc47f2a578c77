/*
 * mmu.c (aarch64) — the boot identity map, turned on before any other C runs.
 *
 * Why so early: with the MMU off every data access is Device-nGnRnE, so an unaligned
 * access faults and exclusives (the atomics the rings of a later issue need) are not
 * guaranteed to work. One static table is enough for now (a later issue builds the real
 * page tables): TTBR0_EL1, 4 KiB granule, T0SZ = 25 (39-bit VA), so the walk starts at
 * level 1 and each of its 512 entries is a 1 GiB block (ARM ARM, VMSAv8-64 translation):
 *   [0, 1 GiB)      Device-nGnRE, never executable: the MMIO (GIC 0x08000000, PL011
 *                   0x09000000 and the rest of QEMU hw/arm/virt.c's memmap);
 *   [1 GiB, 2 GiB)  Normal write-back cacheable, inner shareable, EL1 read/write/execute:
 *                   the first GiB of RAM (RAM starts at 0x40000000), which holds the
 *                   kernel, the DTB and the initrd. RAM above it stays unmapped for now.
 * VA = PA everywhere, so nothing that ran before needs to move. TTBR1 walks are disabled.
 *
 * This file runs with the MMU off: it is compiled with -mstrict-align (CMakeLists.txt) and
 * stores only whole, aligned doublewords. The table is in the bss, which entry.S has
 * invalidated in the data cache and zeroed, so the walker sees exactly what is written here.
 */
#include "hal.h"

/* Block descriptor fields, ARM ARM, VMSAv8-64 stage 1 block descriptor. */
#define PTE_BLOCK 0x1ull              /* bits[1:0] = 01: a block at level 1 */
#define PTE_ATTR(i) ((uint64_t)(i) << 2) /* AttrIndx: which MAIR_EL1 byte */
#define PTE_SH_INNER (3ull << 8)      /* inner shareable */
#define PTE_AF (1ull << 10)           /* access flag: set, or the first access faults */
#define PTE_PXN (1ull << 53)          /* never executable at EL1 */
#define PTE_UXN (1ull << 54)          /* never executable at EL0 */
/* AP[2:1] = 00 (EL1 read/write, EL0 no access) is all zeros. */

/* MAIR_EL1 attributes, ARM ARM, MAIR_EL1: index 0 Device-nGnRE, index 1 Normal memory,
 * inner and outer write-back non-transient, read- and write-allocate. */
#define ATTR_DEVICE 0
#define ATTR_NORMAL 1
#define MAIR_VALUE ((0x04ull << (8 * ATTR_DEVICE)) | (0xffull << (8 * ATTR_NORMAL)))

/* TCR_EL1 fields, ARM ARM, TCR_EL1. */
#define TCR_T0SZ(n) ((uint64_t)(n) << 0)
#define TCR_IRGN0_WBWA (1ull << 8)
#define TCR_ORGN0_WBWA (1ull << 10)
#define TCR_SH0_INNER (3ull << 12)
#define TCR_TG0_4K (0ull << 14)
#define TCR_EPD1 (1ull << 23) /* no TTBR1 walks: the upper half faults */
#define TCR_TG1_4K (2ull << 30) /* a valid value even though TTBR1 is unused */
#define TCR_IPS_SHIFT 32

#define VA_BITS 39
#define L1_BLOCK_SHIFT 30 /* 1 GiB */

static uint64_t l1_table[512] __attribute__((aligned(4096)));

void hal_aarch64_mmu_init(void)
{
	/* IPS = the CPU's PARange (ID_AA64MMFR0_EL1[3:0]), at most 48 bits
	 * (encoding 5), the most a 4 KiB granule without FEAT_LPA2 can output. */
	uint64_t parange = sysreg_read(id_aa64mmfr0_el1) & 0xf;
	if (parange > 5)
		parange = 5;

	l1_table[DEVICE_WINDOW_BASE >> L1_BLOCK_SHIFT] =
		DEVICE_WINDOW_BASE | PTE_BLOCK | PTE_ATTR(ATTR_DEVICE) | PTE_AF | PTE_PXN | PTE_UXN;
	l1_table[RAM_WINDOW_BASE >> L1_BLOCK_SHIFT] =
		RAM_WINDOW_BASE | PTE_BLOCK | PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_UXN;
	__asm__ volatile("dsb ishst" ::: "memory"); /* the table is in memory before the walk */

	sysreg_write(mair_el1, MAIR_VALUE);
	sysreg_write(tcr_el1, TCR_T0SZ(64 - VA_BITS) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA |
				      TCR_SH0_INNER | TCR_TG0_4K | TCR_EPD1 | TCR_TG1_4K |
				      (parange << TCR_IPS_SHIFT));
	sysreg_write(ttbr0_el1, (uint64_t)(uintptr_t)l1_table);
	isb();
	/* nothing stale may survive from before: no TLB entries, no instruction cache lines */
	__asm__ volatile("tlbi vmalle1\n\tdsb nsh\n\tic iallu\n\tdsb nsh\n\tisb" ::: "memory");
	sysreg_write(sctlr_el1, SCTLR_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_SA0 | SCTLR_I);
	isb();
}

/* Whether [base, base + size) lies inside one of the two windows mapped above. */
static int inside(uint64_t base, uint64_t size, uint64_t wbase)
{
	return base >= wbase && size <= WINDOW_SIZE && base - wbase <= WINDOW_SIZE - size;
}

int hal_aarch64_mmu_is_device(uint64_t base, uint64_t size)
{
	return inside(base, size, DEVICE_WINDOW_BASE);
}

int hal_aarch64_mmu_is_ram(uint64_t base, uint64_t size)
{
	return inside(base, size, RAM_WINDOW_BASE);
}
