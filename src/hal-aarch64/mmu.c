/*
 * mmu.c (aarch64) — the kernel's high-half map, user address spaces, and the only code
 * that touches user memory.
 *
 * Translation regime (ARM ARM, VMSAv8-64 translation, 4 KiB granule):
 *   TTBR1_EL1, T1SZ = 16 (48 bits, a 4-level walk): the kernel. One linear map of the two physical windows
 *     (hal_arch.h): kernel VA = PA + KVA_OFFSET. [0, 1 GiB) is one Device-nGnRE block,
 *     never executable; RAM is Normal write-back memory in 4 KiB pages, so a fiber stack's
 *     guard page can be unmapped (hal_stack_guard). The image's own pages: text RX,
 *     rodata R, data/bss RW; all other RAM RW and never executable. Nothing is ever W+X.
 *   TTBR0_EL1, T0SZ = 34: user space [0, 1 GiB). Each space has a root table of 512
 *     2 MiB entries pointing to tables of 4 KiB pages, all from the core's page allocator,
 *     and an ASID of its own (8-bit ASIDs; ASID 0 is reserved for the empty table).
 *
 * Boot happens in two steps. hal_aarch64_mmu_init runs first, with the MMU off, at the
 * physical address QEMU loaded us to: it builds static tables for TTBR1 (RAM in 2 MiB
 * blocks, the image's own 2 MiB in pages) and an identity map of RAM in TTBR0 (EL1 read +
 * execute only) for the few instructions between turning the MMU on and jumping to the
 * high half (entry.S). hal_aarch64_mmu_final runs once the device tree has said where RAM
 * is: it breaks every RAM block into 4 KiB pages (break-before-make: invalid entry, TLB
 * invalidate, table entry; the tables go right after the image, and the image's own
 * 2 MiB, where the code, stack and tables in use live, is never touched), unmaps the
 * window's 2 MiB entries that hold no RAM, and points TTBR0 at the empty table.
 *
 * Software PAN: cortex-a72 has no PAN, so while the kernel runs TTBR0 points at an empty
 * table (ASID 0, which no space gets, so no translation of a space can be found under it).
 * The user-copy routines below check the whole range against the space's page table
 * first (valid entry, the HAL_PROT_* bits kept in the entry's software bits), then load
 * the space's TTBR0, copy with LDTR/STTR (the access is checked with EL0's permissions),
 * and put the empty table back. Every other kernel access to a user address faults.
 *
 * Page-table pages and user pages come from core_page_alloc (fiber context: every
 * hal_as_* caller is). A shared page (hal_as_share) is marked in a software bit so that
 * unmapping it never frees it. This file runs its first function with the MMU off: it is
 * compiled with -mstrict-align (CMakeLists.txt) and reaches its tables by PC-relative
 * addresses only, which are physical until the MMU is on.
 */
#include "boot.h"
#include "hal.h"
#include "kprintf.h"

/* Descriptor fields, ARM ARM, VMSAv8-64 translation table format descriptors. */
#define D_VALID 0x1ull
#define D_BLOCK 0x1ull            /* bits[1:0] = 01 at level 1 or 2 */
#define D_TABLE 0x3ull            /* bits[1:0] = 11: next-level table (L1/L2), page (L3) */
#define D_ATTR(i) ((uint64_t)(i) << 2)
#define D_AP_EL0 (1ull << 6)      /* AP[1]: EL0 may access */
#define D_AP_RO (1ull << 7)       /* AP[2]: read-only */
#define D_SH_INNER (3ull << 8)
#define D_AF (1ull << 10)
#define D_NG (1ull << 11)         /* not global: tagged with the ASID */
#define D_PXN (1ull << 53)
#define D_UXN (1ull << 54)
#define D_SW_SHARED (1ull << 55)  /* software: the page is the kernel's (hal_as_share) */
#define D_SW_PROT_SHIFT 56        /* software, bits 56..58: the HAL_PROT_* asked for */
#define D_ADDR 0x0000fffffffff000ull

/* MAIR_EL1: index 0 Device-nGnRE, index 1 Normal inner/outer write-back, read/write-allocate. */
#define ATTR_DEVICE 0
#define ATTR_NORMAL 1
#define MAIR_VALUE ((0x04ull << (8 * ATTR_DEVICE)) | (0xffull << (8 * ATTR_NORMAL)))

#define NORMAL (D_ATTR(ATTR_NORMAL) | D_SH_INNER | D_AF)
#define DEVICE (D_ATTR(ATTR_DEVICE) | D_AF | D_PXN | D_UXN)

/* TCR_EL1 fields, ARM ARM, TCR_EL1. Walks of both halves are cacheable, inner shareable. */
#define TCR_T0SZ(n) ((uint64_t)(n) << 0)
#define TCR_T0SZ_MASK 0x3full
#define TCR_WALK0 ((1ull << 8) | (1ull << 10) | (3ull << 12)) /* IRGN0, ORGN0 WBWA, SH0 */
#define TCR_TG0_4K (0ull << 14)
#define TCR_T1SZ(n) ((uint64_t)(n) << 16)
#define TCR_WALK1 ((1ull << 24) | (1ull << 26) | (3ull << 28)) /* IRGN1, ORGN1 WBWA, SH1 */
#define TCR_TG1_4K (2ull << 30)
#define TCR_IPS_SHIFT 32

#define BOOT_T0SZ 25 /* 39 bits: the identity map reaches RAM at 1 GiB */
#define KERNEL_T1SZ 16 /* the top 256 TiB: the linear map's base is 0xffff000000000000 */
#define USER_T0SZ (64 - USER_VA_BITS)

#define SZ_2M 0x200000ull
#define PAGE 4096ull
#define KVA(pa) ((pa) + KVA_OFFSET)
#define KPA(va) ((uint64_t)(uintptr_t)(va) - KVA_OFFSET)
#define ASID_SHIFT 48
#define MAX_ASID 255

extern char _kernel_start[], _text_end[], _rodata_end[], _kernel_end[]; /* linker.ld */

static uint64_t boot_id_l1[512] __attribute__((aligned(4096)));  /* TTBR0 at boot */
static uint64_t k_l0[512] __attribute__((aligned(4096)));        /* TTBR1 root */
static uint64_t k_l1[512] __attribute__((aligned(4096)));        /* its first 512 GiB */
static uint64_t k_l2_ram[512] __attribute__((aligned(4096)));    /* the RAM window */
static uint64_t k_l3_image[512] __attribute__((aligned(4096)));  /* the image's 2 MiB */
static uint64_t empty_root[512] __attribute__((aligned(4096)));  /* TTBR0 in the kernel */

uint64_t hal_aarch64_kernel_ttbr0; /* empty_root's PA, ASID 0: read by entry.S */

static inline void dsb_ishst(void)
{
	__asm__ volatile("dsb ishst" ::: "memory");
}

static inline void tlbi_va_all_asids(uint64_t va)
{
	__asm__ volatile("dsb ishst\n\ttlbi vaae1is, %0\n\tdsb ish\n\tisb"
			 ::"r"((va >> 12) & ((1ull << 44) - 1)) : "memory");
}

/* ---- boot, step 1 (MMU off, running at the physical address) ---------------------------- */

void hal_aarch64_mmu_init(void)
{
	/* With the MMU off these symbols' PC-relative addresses are physical. */
	uint64_t ks = (uint64_t)(uintptr_t)_kernel_start, te = (uint64_t)(uintptr_t)_text_end;
	uint64_t re = (uint64_t)(uintptr_t)_rodata_end;
	uint64_t img2m = ks & ~(SZ_2M - 1);
	/* IPS = the CPU's PARange (ID_AA64MMFR0_EL1[3:0]), at most 48 bits (encoding 5). */
	uint64_t parange = sysreg_read(id_aa64mmfr0_el1) & 0xf;
	if (parange > 5)
		parange = 5;

	/* identity: RAM, EL1 read + execute, only until entry.S has jumped to the high half */
	boot_id_l1[RAM_WINDOW_BASE >> 30] = RAM_WINDOW_BASE | D_BLOCK | NORMAL | D_AP_RO | D_UXN;

	k_l0[0] = (uint64_t)(uintptr_t)k_l1 | D_TABLE;
	k_l1[DEVICE_WINDOW_BASE >> 30] = DEVICE_WINDOW_BASE | D_BLOCK | DEVICE;
	k_l1[RAM_WINDOW_BASE >> 30] = (uint64_t)(uintptr_t)k_l2_ram | D_TABLE;
	for (uint64_t i = 0; i < 512; i++)
		k_l2_ram[i] = (RAM_WINDOW_BASE + (i << 21)) | D_BLOCK | NORMAL | D_PXN | D_UXN;
	k_l2_ram[(img2m - RAM_WINDOW_BASE) >> 21] = (uint64_t)(uintptr_t)k_l3_image | D_TABLE;
	for (uint64_t j = 0; j < 512; j++) {
		uint64_t pa = img2m + (j << 12), d = pa | D_TABLE | NORMAL | D_UXN;
		if (pa >= ks && pa < te)
			d |= D_AP_RO; /* text: read + execute */
		else if (pa >= te && pa < re)
			d |= D_AP_RO | D_PXN; /* rodata */
		else
			d |= D_PXN; /* data, bss, stacks, and the rest of this 2 MiB */
		k_l3_image[j] = d;
	}
	dsb_ishst();

	sysreg_write(mair_el1, MAIR_VALUE);
	sysreg_write(tcr_el1, TCR_T0SZ(BOOT_T0SZ) | TCR_WALK0 | TCR_TG0_4K | TCR_T1SZ(KERNEL_T1SZ) |
				      TCR_WALK1 | TCR_TG1_4K | (parange << TCR_IPS_SHIFT));
	sysreg_write(ttbr0_el1, (uint64_t)(uintptr_t)boot_id_l1);
	sysreg_write(ttbr1_el1, (uint64_t)(uintptr_t)k_l0);
	isb();
	/* nothing stale may survive from before: no TLB entries, no instruction cache lines */
	__asm__ volatile("tlbi vmalle1\n\tdsb nsh\n\tic iallu\n\tdsb nsh\n\tisb" ::: "memory");
	sysreg_write(sctlr_el1, SCTLR_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_SA0 | SCTLR_I |
					SCTLR_DZE | SCTLR_UCT);
	isb();
}

/* ---- boot, step 2 (high half, device tree read) ------------------------------------------ */

static int ram_holds(const struct rumpk_boot_info *bi, uint64_t lo, uint64_t hi)
{
	for (uint32_t r = 0; r < bi->nmem && r < RUMPK_BOOT_MAX_MEM; r++) {
		uint64_t b = bi->mem[r].base, e = b + bi->mem[r].size;
		if (e > b && b < hi && e > lo)
			return 1;
	}
	return 0;
}

static int overlaps(const struct rumpk_mem_range *m, uint64_t lo, uint64_t hi)
{
	return m->size && m->base < hi && m->base + m->size > lo;
}

/* Whether the page at pa is free RAM for a kernel page table: not the initrd, the device
 * tree or a reserved range. */
static int table_page_ok(const struct rumpk_boot_info *bi, uint64_t pa)
{
	if (!ram_holds(bi, pa, pa + PAGE) || overlaps(&bi->initrd, pa, pa + PAGE) ||
	    overlaps(&bi->dtb, pa, pa + PAGE))
		return 0;
	for (uint32_t r = 0; r < bi->nreserved && r < RUMPK_BOOT_MAX_RESERVED; r++)
		if (overlaps(&bi->reserved[r], pa, pa + PAGE))
			return 0;
	return 1;
}

uint64_t hal_aarch64_mmu_final(const struct rumpk_boot_info *bi)
{
	uint64_t kend = KPA(_kernel_end), next = kend;
	uint64_t img = (KPA(_kernel_start) - RAM_WINDOW_BASE) >> 21;

	for (uint64_t i = 0; i < 512; i++) {
		uint64_t lo = RAM_WINDOW_BASE + (i << 21);
		if (i == img)
			continue;
		if (!ram_holds(bi, lo, lo + SZ_2M)) {
			k_l2_ram[i] = 0; /* no RAM behind it: nothing may be fetched from there */
			tlbi_va_all_asids(KVA(lo));
			continue;
		}
		if (!table_page_ok(bi, next)) {
			kprintf("hal: no room for the kernel's page tables at %#llx (the initrd, the "
				"device tree or a reserved range follows the image)\n",
				(unsigned long long)next);
			core_halt(255);
		}
		uint64_t *l3 = (uint64_t *)(uintptr_t)KVA(next);
		for (uint64_t j = 0; j < 512; j++)
			l3[j] = (lo + (j << 12)) | D_TABLE | NORMAL | D_PXN | D_UXN;
		k_l2_ram[i] = 0; /* break ... */
		tlbi_va_all_asids(KVA(lo));
		k_l2_ram[i] = next | D_TABLE; /* ... before make */
		dsb_ishst();
		next += PAGE;
	}
	/* user space from now on: T0SZ 34, TTBR0 on the empty table (ASID 0) */
	hal_aarch64_kernel_ttbr0 = KPA(empty_root);
	uint64_t tcr = sysreg_read(tcr_el1);
	sysreg_write(tcr_el1, (tcr & ~TCR_T0SZ_MASK) | TCR_T0SZ(USER_T0SZ));
	sysreg_write(ttbr0_el1, hal_aarch64_kernel_ttbr0);
	isb();
	__asm__ volatile("tlbi vmalle1\n\tdsb nsh\n\tisb" ::: "memory");
	sysreg_write(cntkctl_el1, CNTKCTL_EL0VCTEN);
	return next - kend;
}

/* Whether [base, base + size) lies inside one of the two windows. */
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

/* RAM through the linear map, where every 2 MiB entry on the way is mapped. */
void *hal_phys_to_kernel(uint64_t pa, uint64_t len)
{
	if (pa == 0 || !inside(pa, len ? len : 1, RAM_WINDOW_BASE))
		return NULL;
	for (uint64_t a = pa & ~(SZ_2M - 1); a < pa + (len ? len : 1); a += SZ_2M)
		if (!(k_l2_ram[(a - RAM_WINDOW_BASE) >> 21] & D_VALID))
			return NULL;
	return (void *)(uintptr_t)KVA(pa);
}

/* The kernel's page entry for a linear-map address, or NULL (not RAM in pages). */
static uint64_t *kernel_pte(uint64_t va)
{
	if (va < KVA(RAM_WINDOW_BASE) || va >= KVA(RAM_WINDOW_BASE + WINDOW_SIZE))
		return NULL;
	uint64_t d = k_l2_ram[(va - KVA(RAM_WINDOW_BASE)) >> 21];
	if ((d & 3) != D_TABLE)
		return NULL;
	return (uint64_t *)(uintptr_t)KVA(d & D_ADDR) + ((va >> 12) & 511);
}

int hal_stack_guard(void *page, int on)
{
	uint64_t va = (uint64_t)(uintptr_t)page;
	uint64_t *pte = kernel_pte(va);

	if ((va & (PAGE - 1)) || (va >= (uint64_t)(uintptr_t)_kernel_start &&
				  va < (uint64_t)(uintptr_t)_kernel_end))
		return -RUMPK_EINVAL;
	if (!pte)
		return -RUMPK_ENOSYS;
	if (on)
		*pte &= ~D_VALID;
	else
		*pte |= D_VALID;
	tlbi_va_all_asids(va);
	return 0;
}

/* ---- user address spaces ----------------------------------------------------------------- */

struct hal_as {
	uint64_t *root; /* 512 entries of 2 MiB; NULL: this slot is free */
	uint64_t ttbr0; /* root's PA | ASID << 48 */
};

static int covered(struct hal_as *as, uint64_t va, uint64_t len, unsigned need);

/* Slot n holds the space with ASID n; slot 0 is never used (the empty table's ASID). */
static struct hal_as spaces[MAX_ASID + 1];
static struct hal_as *current_space;

uint64_t hal_aarch64_as_ttbr0(const struct hal_as *as)
{
	return as ? as->ttbr0 : hal_aarch64_kernel_ttbr0;
}

/* Whether the space user code runs in maps va (trap.c names a kernel fault there). */
int hal_aarch64_user_mapped(uint64_t va)
{
	return va < USER_TOP && covered(current_space, va, 1, 0);
}

static void tlbi_user(const struct hal_as *as, uint64_t va)
{
	uint64_t asid = as->ttbr0 >> ASID_SHIFT;
	__asm__ volatile("dsb ishst\n\ttlbi vae1is, %0\n\tdsb ish\n\tisb"
			 ::"r"((asid << ASID_SHIFT) | (va >> 12)) : "memory");
}

static void tlbi_asid(const struct hal_as *as)
{
	__asm__ volatile("dsb ishst\n\ttlbi aside1is, %0\n\tdsb ish\n\tisb"
			 ::"r"(as->ttbr0 & (0xffffull << ASID_SHIFT)) : "memory");
}

/* The L3 entry for user va, or NULL; alloc: make the L3 table if missing (NULL if no memory). */
static uint64_t *user_pte(struct hal_as *as, uint64_t va, int alloc)
{
	uint64_t *e = &as->root[(va >> 21) & 511];
	if (!(*e & D_VALID)) {
		if (!alloc)
			return NULL;
		void *t = core_page_alloc(0);
		if (!t)
			return NULL;
		dsb_ishst(); /* zeroed table visible to the walker before it is linked */
		*e = KPA(t) | D_TABLE;
	}
	return (uint64_t *)(uintptr_t)KVA(*e & D_ADDR) + ((va >> 12) & 511);
}

static unsigned pte_prot(uint64_t pte)
{
	return (unsigned)(pte >> D_SW_PROT_SHIFT) & 7;
}

/* A user page entry: never executable at EL1, tagged with the ASID, EL0 access by prot. */
static uint64_t user_entry(uint64_t pa, unsigned prot, uint64_t shared)
{
	uint64_t d = pa | D_TABLE | NORMAL | D_NG | D_PXN | shared |
		     ((uint64_t)prot << D_SW_PROT_SHIFT);
	if (prot)
		d |= D_AP_EL0;
	if (!(prot & HAL_PROT_W))
		d |= D_AP_RO;
	if (!(prot & HAL_PROT_X))
		d |= D_UXN;
	return d;
}

/* Whether every page of [va, va + len) is mapped with at least `need`. */
static int covered(struct hal_as *as, uint64_t va, uint64_t len, unsigned need)
{
	uint64_t end = va + len;
	if (!as || end < va || end > USER_TOP)
		return 0;
	for (uint64_t p = va & ~(PAGE - 1); p < end; p += PAGE) {
		uint64_t *pte = user_pte(as, p, 0);
		if (!pte || !(*pte & D_VALID) || (pte_prot(*pte) & need) != need)
			return 0;
	}
	return 1;
}

/* hal.h's shared rules, in the order every HAL applies them: range, then prot. */
static int range_args(uint64_t va, uint64_t size, unsigned prot)
{
	int err = hal_as_check_range(va, size, 0, USER_TOP);
	return err ? err : hal_as_check_prot(prot);
}

int hal_as_create(struct hal_as **out, uint64_t *user_lo, uint64_t *user_hi)
{
	*out = NULL;
	*user_lo = 0;
	*user_hi = USER_TOP;
	for (uint64_t asid = 1; asid <= MAX_ASID; asid++) {
		struct hal_as *as = &spaces[asid];
		if (as->root)
			continue;
		as->root = core_page_alloc(0);
		if (!as->root)
			return -RUMPK_ENOMEM;
		as->ttbr0 = KPA(as->root) | (asid << ASID_SHIFT);
		*out = as;
		return 0;
	}
	return -RUMPK_ENOMEM; /* every ASID is taken */
}

/* Drops the entries of [va, end), freeing what is not shared; no TLB maintenance. */
static void drop(struct hal_as *as, uint64_t va, uint64_t end)
{
	for (uint64_t p = va; p < end; p += PAGE) {
		uint64_t *pte = user_pte(as, p, 0);
		if (!pte || !(*pte & D_VALID))
			continue;
		if (!(*pte & D_SW_SHARED))
			core_page_free((void *)(uintptr_t)KVA(*pte & D_ADDR), 0);
		*pte = 0;
	}
}

void hal_as_destroy(struct hal_as *as)
{
	if (!as)
		return;
	if (as == current_space)
		current_space = NULL;
	for (unsigned i = 0; i < 512; i++) {
		if (!(as->root[i] & D_VALID))
			continue;
		drop(as, (uint64_t)i << 21, (uint64_t)(i + 1) << 21);
		core_page_free((void *)(uintptr_t)KVA(as->root[i] & D_ADDR), 0);
		as->root[i] = 0;
	}
#ifdef RUMPK_AARCH64_NO_SWPAN
	if (hal_aarch64_kernel_ttbr0 == as->ttbr0) { /* the measuring build kept it live */
		hal_aarch64_kernel_ttbr0 = KPA(empty_root);
		sysreg_write(ttbr0_el1, hal_aarch64_kernel_ttbr0);
		isb();
	}
#endif
	tlbi_asid(as); /* before the ASID can be handed out again */
	core_page_free(as->root, 0);
	as->root = NULL;
	as->ttbr0 = 0;
}

/* Cleans [kva, kva + size) to the point of unification and drops every instruction cache
 * line, so code the kernel wrote through its own map is what user fetches see (ARM ARM,
 * "Instruction cache maintenance": DC CVAU, DSB, IC IALLUIS, DSB, ISB). */
static void sync_icache(struct hal_as *as, uint64_t va, uint64_t size)
{
	uint64_t line = 4ull << ((sysreg_read(ctr_el0) >> 16) & 0xf);
	for (uint64_t p = va; p < va + size; p += PAGE) {
		uint64_t *pte = user_pte(as, p, 0);
		uint64_t k = KVA(*pte & D_ADDR);
		for (uint64_t a = k; a < k + PAGE; a += line)
			__asm__ volatile("dc cvau, %0" ::"r"(a) : "memory");
	}
	__asm__ volatile("dsb ish\n\tic ialluis\n\tdsb ish\n\tisb" ::: "memory");
}

static int map_pages(struct hal_as *as, uint64_t va, uint64_t size, unsigned prot, void *kpage)
{
	int err = range_args(va, size, prot);
	if (err)
		return err;
	for (uint64_t p = va; p < va + size; p += PAGE) {
		uint64_t *pte = user_pte(as, p, 0);
		if (pte && (*pte & D_VALID))
			return -RUMPK_EEXIST;
	}
	for (uint64_t p = va; p < va + size; p += PAGE) {
		uint64_t *pte = user_pte(as, p, 1);
		void *page = kpage ? kpage : (pte ? core_page_alloc(0) : NULL);
		if (!pte || !page) {
			drop(as, va, p); /* never mapped yet, so nothing to invalidate */
			return -RUMPK_ENOMEM;
		}
		*pte = user_entry(KPA(page), prot, kpage ? D_SW_SHARED : 0);
	}
	dsb_ishst();
	if (prot & HAL_PROT_X)
		sync_icache(as, va, size);
	return 0;
}

int hal_as_map(struct hal_as *as, uint64_t va, uint64_t size, unsigned prot)
{
	return map_pages(as, va, size, prot, NULL);
}

int hal_as_share(struct hal_as *as, uint64_t va, void *kpage, unsigned prot)
{
	if (!kpage || ((uintptr_t)kpage & (PAGE - 1)) || (prot & HAL_PROT_X) || !(prot & HAL_PROT_R))
		return -RUMPK_EINVAL;
	return map_pages(as, va, PAGE, prot, kpage);
}

/* Permission changes need no break-before-make (ARM ARM, "Translation table entry
 * changes"): the entry is rewritten in place, then its TLB entry invalidated. */
int hal_as_protect(struct hal_as *as, uint64_t va, uint64_t size, unsigned prot)
{
	int err = range_args(va, size, prot);
	if (err == -RUMPK_ERANGE)
		return -RUMPK_EFAULT;
	if (err)
		return err;
	if (!covered(as, va, size, 0))
		return -RUMPK_EFAULT;
	for (uint64_t p = va; p < va + size; p += PAGE) {
		uint64_t *pte = user_pte(as, p, 0);
		*pte = user_entry(*pte & D_ADDR, prot, *pte & D_SW_SHARED);
	}
	if (prot & HAL_PROT_X)
		sync_icache(as, va, size);
	if (size > 64 * PAGE)
		tlbi_asid(as);
	else
		for (uint64_t p = va; p < va + size; p += PAGE)
			tlbi_user(as, p);
	return 0;
}

int hal_as_unmap(struct hal_as *as, uint64_t va, uint64_t size)
{
	int err = range_args(va, size, 0);
	if (err == -RUMPK_ERANGE)
		return -RUMPK_EFAULT;
	if (err)
		return err;
	if (!covered(as, va, size, 0))
		return -RUMPK_EFAULT;
	drop(as, va, va + size);
	if (size > 64 * PAGE)
		tlbi_asid(as);
	else
		for (uint64_t p = va; p < va + size; p += PAGE)
			tlbi_user(as, p);
	return 0;
}

/* The space user code runs in; its TTBR0 is loaded only on the way out to EL0 (trap.c). */
void hal_as_switch(struct hal_as *as)
{
	current_space = as;
}

/* ---- user copies ------------------------------------------------------------------------- */

/* The space's table in TTBR0 for the copy, the empty one again after it. Interrupts may
 * come in between: their handlers run kernel code only and never touch TTBR0.
 * RUMPK_AARCH64_NO_SWPAN (CMake option RUMPK_AARCH64_SWPAN=OFF) builds a kernel without
 * software PAN, only to measure what it costs (docs/performance.md): the kernel then
 * keeps the last resumed space's table (entry.S), and a copy into that space swaps
 * nothing. Never the default, never tested for isolation. */
static inline void user_begin(const struct hal_as *as)
{
#ifdef RUMPK_AARCH64_NO_SWPAN
	if (as->ttbr0 == hal_aarch64_kernel_ttbr0)
		return;
#endif
	sysreg_write(ttbr0_el1, as->ttbr0);
	isb();
}

static inline void user_end(void)
{
#ifdef RUMPK_AARCH64_NO_SWPAN
	if (sysreg_read(ttbr0_el1) == hal_aarch64_kernel_ttbr0)
		return;
#endif
	sysreg_write(ttbr0_el1, hal_aarch64_kernel_ttbr0);
	isb();
}

/* One access with EL0's permissions (LDTR/STTR), 1 or 8 bytes between the user address u
 * and the kernel bytes k, in the direction `to_user` says: only between user_begin and
 * user_end, on a range covered() has checked. */
static inline void user_move(uint64_t u, uint8_t *k, size_t n, int to_user)
{
	uint64_t v = 0;

	if (n == 8) {
		if (to_user) {
			__builtin_memcpy(&v, k, 8);
			__asm__ volatile("sttr %0, [%1]" ::"r"(v), "r"(u) : "memory");
		} else {
			__asm__ volatile("ldtr %0, [%1]" : "=r"(v) : "r"(u) : "memory");
			__builtin_memcpy(k, &v, 8);
		}
	} else if (to_user) {
		__asm__ volatile("sttrb %w0, [%1]" ::"r"((uint32_t)*k), "r"(u) : "memory");
	} else {
		uint32_t b;
		__asm__ volatile("ldtrb %w0, [%1]" : "=r"(b) : "r"(u) : "memory");
		*k = (uint8_t)b;
	}
}

/* Both copy directions: the range checked for `prot` (R to read it, W to write it), then
 * bytes until the user address is 8-aligned, doublewords, and the tail in bytes. */
static int user_copy(struct hal_as *as, uint64_t uaddr, uint8_t *k, size_t len, uint32_t prot)
{
	const int to_user = prot == HAL_PROT_W;
	const size_t head = (size_t)(-uaddr & 7);

	if (len == 0)
		return 0;
	if (!covered(as, uaddr, len, prot))
		return -RUMPK_EFAULT;
	user_begin(as);
	for (size_t i = 0; i < len;) {
		size_t n = i >= head && len - i >= 8 ? 8 : 1;
		user_move(uaddr + i, k + i, n, to_user);
		i += n;
	}
	user_end();
	return 0;
}

int hal_copy_from_user(struct hal_as *as, void *dst, uint64_t uaddr, size_t len)
{
	return user_copy(as, uaddr, dst, len, HAL_PROT_R);
}

int hal_copy_to_user(struct hal_as *as, uint64_t uaddr, const void *src, size_t len)
{
	return user_copy(as, uaddr, (uint8_t *)(uintptr_t)src, len, HAL_PROT_W); /* only read */
}

/* Page by page: each page is checked before any of its bytes is read, and the copy stops
 * at the NUL, so no byte after it (perhaps on an unmapped page) is ever touched. */
int64_t hal_copy_str_from_user(struct hal_as *as, char *dst, uint64_t uaddr, size_t max)
{
	size_t n = 0;

	while (n < max) {
		uint64_t a = uaddr + n;
		if (a < uaddr || !covered(as, a, 1, HAL_PROT_R))
			return -RUMPK_EFAULT;
		size_t chunk = PAGE - (a & (PAGE - 1));
		if (chunk > max - n)
			chunk = max - n;
		user_begin(as);
		for (size_t i = 0; i < chunk; i++, a++) {
			uint32_t b;
			__asm__ volatile("ldtrb %w0, [%1]" : "=r"(b) : "r"(a) : "memory");
			dst[n] = (char)b;
			if (!b) {
				user_end();
				return (int64_t)n;
			}
			n++;
		}
		user_end();
	}
	return -RUMPK_ERANGE;
}
