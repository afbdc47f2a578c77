/*
 * mmu.c (riscv64) — Sv39 paging: the kernel's map, one page table per user space
 * (hal.h "address spaces"), the user copies, stack guard pages and phys-to-kernel.
 *
 * Sv39 (RISC-V Privileged Architecture v1.12, 4.4): three levels of 512 8-byte entries,
 * virtual address bits 38:30 index the root, 29:21 the middle table, 20:12 the leaf table.
 *
 * The kernel map, built once by hal_riscv64_mmu_init before core_main (MMU off until its
 * last instruction), is an identity map: every RAM range of the device tree in 4 KiB pages
 * (so any page can become a guard page: fiber stacks come from anywhere in RAM), with the
 * image's text R+X, its rodata R and everything else R+W, never W and X together; the
 * guard pages under the boot and trap stacks are left out. MMIO: the sifive_test finisher,
 * the UART and the three PLIC pages plic.c touches, R+W. Every kernel entry has U = 0 and
 * G = 1. Its tables come from the RAM right after the image (the core's allocator does not
 * exist yet); boot_info.kernel grows to cover them, so the allocator never hands them out.
 *
 * User spaces: every space has the same user range [USER_LO, USER_HI) = [1 GiB, 2 GiB),
 * exactly root entry 1, which nothing of the kernel uses (MMIO is below 1 GiB, RAM starts
 * at 2 GiB on virt). A space is its root page: a copy of the kernel root (the shared kernel
 * middle tables, so a guard page set later shows in every space) whose entry 1 points to
 * the space's own middle table. Tables and user pages come from core_page_alloc (fiber
 * context); mappings are 4 KiB leaves with U = 1, A and D preset (no A/D update traps).
 * Leaf software bits (RSW): SW_SHARED marks a kernel page from hal_as_share (never freed
 * here), SW_NONE a mapped page without access (PROT 0: V clear, the page kept).
 *
 * satp always holds some space's root (the kernel's, or the last user space entered: the
 * kernel half is the same in all). No ASIDs: a satp write and any change to the current
 * space's tables are followed by sfence.vma of everything (QEMU's TLB is not tagged by
 * ASID: its sfence.vma flushes it whole anyway). A space being destroyed while current is
 * switched away first.
 *
 * User copies check the whole range against the space's own tables (U, and R or W) before
 * copying a byte. For the space in satp they copy through the user addresses with
 * sstatus.SUM set for the copy alone; for any other (the loader fills a space that is not
 * current; a woken syscall may find another process's space current) they copy through
 * the kernel's identity map of the physical pages. SUM is clear everywhere else, so any
 * other kernel access to a user page faults.
 */
#include "boot.h"
#include "hal.h"
#include "kprintf.h"

#define PAGE 4096ull
#define PTE_V (1ull << 0)
#define PTE_R (1ull << 1)
#define PTE_W (1ull << 2)
#define PTE_X (1ull << 3)
#define PTE_U (1ull << 4)
#define PTE_G (1ull << 5)
#define PTE_A (1ull << 6)
#define PTE_D (1ull << 7)
#define SW_SHARED (1ull << 8) /* RSW: a kernel page (hal_as_share), not the space's */
#define SW_NONE (1ull << 9)   /* RSW: mapped without access (V clear) */
#define PTE_PPN_SHIFT 10
#define SATP_SV39 (8ull << 60)


#define USER_LO 0x40000000ull
#define USER_HI 0x80000000ull
#define USER_ROOT_INDEX 1

#define KERNEL_FLAGS (PTE_V | PTE_A | PTE_D | PTE_G)

struct hal_as {
	uint64_t root[512];
};
_Static_assert(sizeof(struct hal_as) == PAGE, "a space is its root page");

extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[]; /* linker.ld */
extern char __boot_stack_guard[], __trap_stack_guard[];

static struct hal_as *kspace; /* the kernel's root: entry 1 empty */
static uint64_t kernel_satp;
static uint64_t boot_next, boot_top; /* the boot-time table allocator */
static struct rumpk_boot_info *bi;

static inline uint64_t pte_pa(uint64_t pte)
{
	return (pte >> PTE_PPN_SHIFT) << 12;
}

static inline uint64_t *pte_table(uint64_t pte)
{
	return (uint64_t *)(uintptr_t)pte_pa(pte);
}

static inline uint64_t pa_pte(uint64_t pa)
{
	return (pa >> 12) << PTE_PPN_SHIFT;
}

static inline uint64_t satp_of(const struct hal_as *as)
{
	return SATP_SV39 | ((uint64_t)(uintptr_t)as >> 12);
}

static inline void flush_all(void)
{
	__asm__ volatile("sfence.vma zero, zero" ::: "memory");
}

static inline void flush_page(uint64_t va)
{
	__asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
}

/* ---- the kernel map (boot, MMU off) ------------------------------------------------- */

static int overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return blen && a < b + blen && b < a + alen;
}

/* One zeroed page after the image; never one the firmware, the initrd or the device tree
 * holds (a machine with so much RAM that its tables reach them cannot boot). */
static uint64_t *boot_page(void)
{
	uint64_t p = boot_next;
	int clash = p + PAGE > boot_top || overlaps(p, PAGE, bi->initrd.base, bi->initrd.size) ||
		    overlaps(p, PAGE, bi->dtb.base, bi->dtb.size);
	for (uint32_t i = 0; i < bi->nreserved; i++)
		clash |= overlaps(p, PAGE, bi->reserved[i].base, bi->reserved[i].size);
	if (clash) {
		kprintf("hal: no room for the kernel's page tables at %#llx (after the image, "
			"before the initrd, device tree or firmware): cannot boot\n",
			(unsigned long long)p);
		core_halt(255);
	}
	boot_next += PAGE;
	uint64_t *t = (uint64_t *)(uintptr_t)p;
	for (unsigned i = 0; i < 512; i++)
		t[i] = 0;
	return t;
}

/* The leaf entry for va in the kernel map, making the tables on the way. */
static uint64_t *kernel_leaf(uint64_t va)
{
	uint64_t *t = kspace->root;
	for (int level = 2; level > 0; level--) {
		uint64_t *e = &t[(va >> (12 + 9 * level)) & 511];
		if (!(*e & PTE_V))
			*e = pa_pte((uint64_t)(uintptr_t)boot_page()) | PTE_V | PTE_G;
		t = pte_table(*e);
	}
	return &t[(va >> 12) & 511];
}

static void kernel_map(uint64_t pa, uint64_t size, uint64_t flags)
{
	uint64_t end = (pa + size + PAGE - 1) & ~(PAGE - 1);
	for (uint64_t a = pa & ~(PAGE - 1); a < end; a += PAGE)
		*kernel_leaf(a) = pa_pte(a) | flags | KERNEL_FLAGS;
}

static uint64_t ram_flags(uint64_t pa)
{
	uint64_t text = (uint64_t)(uintptr_t)__kernel_start;
	if (pa >= text && pa < (uint64_t)(uintptr_t)__text_end)
		return PTE_R | PTE_X;
	if (pa >= text && pa < (uint64_t)(uintptr_t)__rodata_end)
		return PTE_R;
	if (pa == (uint64_t)(uintptr_t)__boot_stack_guard ||
	    pa == (uint64_t)(uintptr_t)__trap_stack_guard)
		return 0; /* left unmapped */
	return PTE_R | PTE_W;
}

/* The kernel's identity map and the user range must not meet (root entry 1 is every
 * space's own): a machine that puts RAM or a device there cannot boot this HAL. */
static void __attribute__((noreturn)) outside_user_range(const char *what, uint64_t at)
{
	kprintf("hal: %s at %#llx lies in the user range [%#llx, %#llx): cannot boot\n", what,
		(unsigned long long)at, USER_LO, USER_HI);
	core_halt(255);
}

void hal_riscv64_mmu_init(struct rumpk_boot_info *info, const uint64_t *mmio, unsigned nmmio)
{
	uint64_t kend = (uint64_t)(uintptr_t)__kernel_end;

	bi = info;
	boot_next = (kend + PAGE - 1) & ~(PAGE - 1);
	boot_top = UINT64_MAX;
	for (uint32_t i = 0; i < bi->nmem; i++)
		if (kend >= bi->mem[i].base && kend <= bi->mem[i].base + bi->mem[i].size)
			boot_top = bi->mem[i].base + bi->mem[i].size;
	kspace = (struct hal_as *)boot_page();
	for (uint32_t i = 0; i < bi->nmem; i++) {
		uint64_t lo = (bi->mem[i].base + PAGE - 1) & ~(PAGE - 1);
		uint64_t hi = (bi->mem[i].base + bi->mem[i].size) & ~(PAGE - 1);
		if (hi > lo && overlaps(lo, hi - lo, USER_LO, USER_HI - USER_LO))
			outside_user_range("RAM", lo);
		for (uint64_t a = lo; a < hi; a += PAGE) {
			uint64_t f = ram_flags(a);
			if (f)
				*kernel_leaf(a) = pa_pte(a) | f | KERNEL_FLAGS;
		}
	}
	for (unsigned i = 0; i < nmmio; i++) {
		if (overlaps(mmio[2 * i], mmio[2 * i + 1], USER_LO, USER_HI - USER_LO))
			outside_user_range("a device", mmio[2 * i]);
		kernel_map(mmio[2 * i], mmio[2 * i + 1], PTE_R | PTE_W);
	}
	bi->kernel.size = boot_next - bi->kernel.base; /* the tables are the kernel's */

	kernel_satp = satp_of(kspace);
	flush_all();
	csr_write(satp, kernel_satp);
	flush_all();
}

/* ---- stack guards, physical memory ------------------------------------------------- */

static uint64_t *kernel_leaf_lookup(uint64_t va)
{
	uint64_t *t = kspace->root;
	for (int level = 2; level > 0; level--) {
		uint64_t e = t[(va >> (12 + 9 * level)) & 511];
		if (!(e & PTE_V) || (e & (PTE_R | PTE_W | PTE_X)))
			return 0; /* absent, or a large leaf */
		t = pte_table(e);
	}
	return &t[(va >> 12) & 511];
}

/* Clearing V of a RAM page's leaf (the page stays in the tables, so turning the guard off
 * needs no memory). Shared by every space through the kernel's middle tables. */
int hal_stack_guard(void *page, int on)
{
	uint64_t va = (uint64_t)(uintptr_t)page;
	uint64_t *e;

	if (!kspace || (va & (PAGE - 1)) || !(e = kernel_leaf_lookup(va)) || pte_pa(*e) != va ||
	    (*e & (PTE_W | PTE_R)) != (PTE_W | PTE_R))
		return -RUMPK_ENOSYS;
	if (on)
		*e &= ~PTE_V;
	else
		*e |= PTE_V;
	flush_page(va);
	return 0;
}

void *hal_phys_to_kernel(uint64_t pa, uint64_t len)
{
	if (pa == 0 || pa + len < pa)
		return NULL;
	for (uint32_t i = 0; bi && i < bi->nmem; i++)
		if (pa >= bi->mem[i].base && pa + len <= bi->mem[i].base + bi->mem[i].size)
			return (void *)(uintptr_t)pa;
	return NULL;
}

/* ---- user spaces --------------------------------------------------------------------- */

/* The leaf entry of user address va in as, or NULL if its leaf table is missing (then,
 * with alloc, one is made: NULL means no memory). */
static uint64_t *user_leaf(struct hal_as *as, uint64_t va, int alloc)
{
	uint64_t *mid = pte_table(as->root[USER_ROOT_INDEX]);
	uint64_t *e = &mid[(va >> 21) & 511];
	if (!(*e & PTE_V)) {
		void *t;
		if (!alloc || !(t = core_page_alloc(0)))
			return 0;
		*e = pa_pte((uint64_t)(uintptr_t)t) | PTE_V;
	}
	return &pte_table(*e)[(va >> 12) & 511];
}

static inline int mapped(uint64_t pte)
{
	return (pte & (PTE_V | SW_NONE)) != 0;
}

static uint64_t leaf_bits(unsigned prot)
{
	uint64_t b = PTE_U | PTE_A | PTE_D;
	if (prot == 0)
		return SW_NONE;
	if (prot & (HAL_PROT_R | HAL_PROT_W))
		b |= PTE_R; /* Sv39 reserves W without R */
	if (prot & HAL_PROT_W)
		b |= PTE_W;
	if (prot & HAL_PROT_X)
		b |= PTE_X;
	return b | PTE_V;
}

static int check_range(uint64_t va, uint64_t size)
{
	return hal_as_check_range(va, size, USER_LO, USER_HI);
}

static inline int is_current(const struct hal_as *as)
{
	return csr_read(satp) == satp_of(as);
}

/* 1 if every page of [va, va + size) is mapped in as. */
static int all_mapped(struct hal_as *as, uint64_t va, uint64_t size)
{
	for (uint64_t a = va; a < va + size; a += PAGE) {
		uint64_t *e = user_leaf(as, a, 0);
		if (!e || !mapped(*e))
			return 0;
	}
	return 1;
}

int hal_as_create(struct hal_as **out, uint64_t *user_lo, uint64_t *user_hi)
{
	struct hal_as *as = core_page_alloc(0);
	void *mid = core_page_alloc(0);

	*out = 0;
	*user_lo = USER_LO;
	*user_hi = USER_HI;
	if (!as || !mid) {
		if (as)
			core_page_free(as, 0);
		if (mid)
			core_page_free(mid, 0);
		return -RUMPK_ENOMEM;
	}
	for (unsigned i = 0; i < 512; i++)
		as->root[i] = kspace->root[i];
	as->root[USER_ROOT_INDEX] = pa_pte((uint64_t)(uintptr_t)mid) | PTE_V;
	*out = as;
	return 0;
}

void hal_as_destroy(struct hal_as *as)
{
	if (!as)
		return;
	if (is_current(as))
		hal_as_switch(0);
	uint64_t *mid = pte_table(as->root[USER_ROOT_INDEX]);
	for (unsigned i = 0; i < 512; i++) {
		if (!(mid[i] & PTE_V))
			continue;
		uint64_t *leaf = pte_table(mid[i]);
		for (unsigned j = 0; j < 512; j++)
			if (mapped(leaf[j]) && !(leaf[j] & SW_SHARED))
				core_page_free((void *)(uintptr_t)pte_pa(leaf[j]), 0);
		core_page_free(leaf, 0);
	}
	core_page_free(mid, 0);
	core_page_free(as, 0);
}

/* Unmaps [va, end) (all mapped), freeing the space's own pages. */
static void unmap_pages(struct hal_as *as, uint64_t va, uint64_t end)
{
	for (uint64_t a = va; a < end; a += PAGE) {
		uint64_t *e = user_leaf(as, a, 0);
		if (!(*e & SW_SHARED))
			core_page_free((void *)(uintptr_t)pte_pa(*e), 0);
		*e = 0;
	}
}

int hal_as_map(struct hal_as *as, uint64_t va, uint64_t size, unsigned prot)
{
	int err = check_range(va, size);

	if (err || (err = hal_as_check_prot(prot)))
		return err;
	for (uint64_t a = va; a < va + size; a += PAGE) {
		uint64_t *e = user_leaf(as, a, 0);
		if (e && mapped(*e))
			return -RUMPK_EEXIST;
	}
	for (uint64_t a = va; a < va + size; a += PAGE) {
		uint64_t *e = user_leaf(as, a, 1);
		void *page = e ? core_page_alloc(0) : 0;
		if (!page) {
			unmap_pages(as, va, a); /* nothing of this call stays mapped */
			if (is_current(as))
				flush_all();
			return -RUMPK_ENOMEM;
		}
		*e = pa_pte((uint64_t)(uintptr_t)page) | leaf_bits(prot);
	}
	if (is_current(as))
		flush_all();
	return 0;
}

int hal_as_share(struct hal_as *as, uint64_t va, void *kpage, unsigned prot)
{
	int err = check_range(va, PAGE);
	uint64_t *e;

	if (err)
		return err;
	if (((uintptr_t)kpage & (PAGE - 1)) || !kpage || !(prot & HAL_PROT_R) ||
	    (prot & ~(HAL_PROT_R | HAL_PROT_W)))
		return -RUMPK_EINVAL; /* R or RW, never X */
	e = user_leaf(as, va, 0);
	if (e && mapped(*e))
		return -RUMPK_EEXIST;
	if (!e && !(e = user_leaf(as, va, 1)))
		return -RUMPK_ENOMEM;
	*e = pa_pte((uint64_t)(uintptr_t)kpage) | leaf_bits(prot) | SW_SHARED;
	if (is_current(as))
		flush_all();
	return 0;
}

int hal_as_protect(struct hal_as *as, uint64_t va, uint64_t size, unsigned prot)
{
	int err = check_range(va, size);

	if (err == -RUMPK_ERANGE)
		return -RUMPK_EFAULT; /* outside the space: certainly not mapped */
	if (err || (err = hal_as_check_prot(prot)))
		return err;
	if (!all_mapped(as, va, size))
		return -RUMPK_EFAULT;
	for (uint64_t a = va; a < va + size; a += PAGE)
		if ((*user_leaf(as, a, 0) & SW_SHARED) && (prot & HAL_PROT_X))
			return -RUMPK_EINVAL; /* a kernel page is never executable */
	for (uint64_t a = va; a < va + size; a += PAGE) {
		uint64_t *e = user_leaf(as, a, 0);
		*e = (*e & (~0ull << PTE_PPN_SHIFT)) | (*e & SW_SHARED) | leaf_bits(prot);
	}
	if (is_current(as))
		flush_all();
	return 0;
}

int hal_as_unmap(struct hal_as *as, uint64_t va, uint64_t size)
{
	int err = check_range(va, size);

	if (err == -RUMPK_ERANGE)
		return -RUMPK_EFAULT;
	if (err)
		return err;
	if (!all_mapped(as, va, size))
		return -RUMPK_EFAULT;
	unmap_pages(as, va, va + size);
	if (is_current(as))
		flush_all();
	return 0;
}

void hal_as_switch(struct hal_as *as)
{
	uint64_t want = as ? satp_of(as) : kernel_satp;
	if (csr_read(satp) != want) {
		csr_write(satp, want);
		flush_all();
	}
}

/* 1 if user address va is mapped in `as` with every bit of `need` (HAL_PROT_*); its
 * physical address in *pa. */
int hal_riscv64_user_page(struct hal_as *as, uint64_t va, unsigned need, uint64_t *pa)
{
	uint64_t *e, want = PTE_V | PTE_U;

	if (!as || va < USER_LO || va >= USER_HI || !(e = user_leaf(as, va, 0)))
		return 0;
	if (need & HAL_PROT_R)
		want |= PTE_R;
	if (need & HAL_PROT_W)
		want |= PTE_W;
	if (need & HAL_PROT_X)
		want |= PTE_X;
	if ((*e & want) != want)
		return 0;
	if (pa)
		*pa = pte_pa(*e) | (va & (PAGE - 1));
	return 1;
}

/* 1 if va is mapped at all in as (any access, PROT 0 included). */
int hal_riscv64_user_mapped(struct hal_as *as, uint64_t va)
{
	uint64_t *e;
	return as && va >= USER_LO && va < USER_HI && (e = user_leaf(as, va, 0)) && mapped(*e);
}

/* 1 if va is mapped in the user space now in satp (none: 0). For naming a kernel fault:
 * the kernel touched a user page outside the copy routines, where SUM is clear. */
int hal_riscv64_current_user_mapped(uint64_t va)
{
	uint64_t satp = csr_read(satp);
	if (!kspace || satp == kernel_satp || (satp >> 60) != (SATP_SV39 >> 60))
		return 0;
	return hal_riscv64_user_mapped((struct hal_as *)(uintptr_t)((satp & ((1ull << 44) - 1))
								     << 12), va);
}

/* ---- user copies --------------------------------------------------------------------- */

static int range_ok(struct hal_as *as, uint64_t uaddr, size_t len, unsigned need)
{
	uint64_t end = uaddr + len;

	if (!as || end < uaddr || uaddr < USER_LO || end > USER_HI)
		return 0;
	for (uint64_t a = uaddr & ~(PAGE - 1); a < end; a += PAGE)
		if (!hal_riscv64_user_page(as, a, need, 0))
			return 0;
	return 1;
}

/* Copies len bytes between kernel memory and the checked user range, page by page
 * through the identity map, or at once through the user addresses when `as` is current. */
static void copy_checked(struct hal_as *as, uint64_t uaddr, void *kbuf, size_t len, int to_user)
{
	if (is_current(as)) {
		csr_set(sstatus, SSTATUS_SUM);
		if (to_user)
			__builtin_memcpy((void *)(uintptr_t)uaddr, kbuf, len);
		else
			__builtin_memcpy(kbuf, (const void *)(uintptr_t)uaddr, len);
		csr_clear(sstatus, SSTATUS_SUM);
		return;
	}
	char *k = kbuf;
	while (len) {
		uint64_t pa, chunk = PAGE - (uaddr & (PAGE - 1));
		if (chunk > len)
			chunk = len;
		hal_riscv64_user_page(as, uaddr, 0, &pa);
		if (to_user)
			__builtin_memcpy((void *)(uintptr_t)pa, k, chunk);
		else
			__builtin_memcpy(k, (const void *)(uintptr_t)pa, chunk);
		k += chunk;
		uaddr += chunk;
		len -= chunk;
	}
}

int hal_copy_to_user(struct hal_as *as, uint64_t uaddr, const void *src, size_t len)
{
	if (len == 0)
		return 0;
	if (!range_ok(as, uaddr, len, HAL_PROT_W))
		return -RUMPK_EFAULT;
	copy_checked(as, uaddr, (void *)(uintptr_t)src, len, 1);
	return 0;
}

int hal_copy_from_user(struct hal_as *as, void *dst, uint64_t uaddr, size_t len)
{
	if (len == 0)
		return 0;
	if (!range_ok(as, uaddr, len, HAL_PROT_R))
		return -RUMPK_EFAULT;
	copy_checked(as, uaddr, dst, len, 0);
	return 0;
}

/* Page by page: each page is checked before any byte of it is read, and bytes are read
 * one at a time up to the NUL (none past it). */
int64_t hal_copy_str_from_user(struct hal_as *as, char *dst, uint64_t uaddr, size_t max)
{
	uint64_t at = uaddr, pa;
	size_t n = 0;

	if (!as || max == 0)
		return -RUMPK_EFAULT;
	while (n < max) {
		if (!hal_riscv64_user_page(as, at, HAL_PROT_R, &pa))
			return -RUMPK_EFAULT;
		uint64_t room = PAGE - (at & (PAGE - 1));
		if (room > max - n)
			room = max - n;
		int sum = is_current(as);
		const volatile char *src = (const volatile char *)(uintptr_t)(sum ? at : pa);
		if (sum)
			csr_set(sstatus, SSTATUS_SUM);
		uint64_t i = 0;
		while (i < room && (dst[n + i] = src[i]) != '\0')
			i++;
		if (sum)
			csr_clear(sstatus, SSTATUS_SUM);
		if (i < room)
			return (int64_t)(n + i);
		n += room;
		at += room;
	}
	return -RUMPK_ERANGE;
}
