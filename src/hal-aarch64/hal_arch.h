/*
 * hal_arch.h (aarch64) — inline helpers the core may use on hot paths, and below them the
 * aarch64 HAL's own machine vocabulary (xv6's riscv.h): system-register access, the bits
 * this HAL sets, the trap frame layout and the functions the HAL's files call in one another.
 *
 * The core reaches this file through hal.h but must use only the first section; everything
 * under "HAL-internal" is for src/hal-aarch64/ alone. entry.S includes this file through the
 * C preprocessor, so the trap frame offsets are plain numbers shared by entry.S and trap.c
 * (trap.c asserts them against its struct). Bit positions come from the Arm Architecture
 * Reference Manual for A-profile (DDI 0487), "ARM ARM" below, cited by register or section
 * name since section numbers move between its issues.
 */
#ifndef RUMPK_HAL_ARCH_H
#define RUMPK_HAL_ARCH_H

#define HAL_CACHE_LINE 64
#define HAL_ELF_MACHINE 183 /* EM_AARCH64: the e_machine of programs this HAL runs */

#ifndef __ASSEMBLER__
/* hal_cpu_relax — inside a short spin (never as a way to wait for an event). */
static inline void hal_cpu_relax(void)
{
	__asm__ volatile("yield");
}

/* struct hal_ctx — a suspended execution context: its stack pointer; x19-x30 are in a
 * frame on its own stack (switch.S). All zero is a valid `from`. */
struct hal_ctx {
	void *sp;
};
#endif

/* ---- HAL-internal ----------------------------------------------------------------------- */

/* Physical memory as the kernel sees it (QEMU hw/arm/virt.c memmap: MMIO below 1 GiB, RAM
 * from 0x40000000). mmu.c maps exactly these two windows into the high half. */
#define DEVICE_WINDOW_BASE 0x00000000ull
#define RAM_WINDOW_BASE 0x40000000ull
#define WINDOW_SIZE 0x40000000ull

/* The high half (TTBR1_EL1, T1SZ = 16: the top 256 TiB) holds one linear map of both
 * windows at its base: kernel VA = PA + KVA_OFFSET. The kernel is linked there
 * (linker.ld), so its first instruction is at 0xffff000040080000 (the address the `crash
 * kernel` program reads). */
#ifdef __ASSEMBLER__
#define KVA_OFFSET 0xffff000000000000
#define KERNEL_PHYS 0x40080000
#else
#define KVA_OFFSET 0xffff000000000000ull
#define KERNEL_PHYS 0x40080000ull
#endif

/* The low half (TTBR0_EL1, T0SZ = 34): user space is [0, USER_TOP), one 2 MiB-entry root
 * table per address space, 4 KiB pages. */
#define USER_VA_BITS 30
#define USER_TOP (1ull << USER_VA_BITS)

/* PSTATE.DAIF bits as MRS DAIF reads them (ARM ARM, DAIF) and the DAIFSet/DAIFClr
 * immediate for IRQ alone. */
#define DAIF_I (1ull << 7)
#define DAIFSET_I 2

/* CPACR_EL1.FPEN = 0b11: FP/SIMD instructions trap neither at EL0 nor at EL1. */
#define CPACR_FPEN_ALL (3 << 20)

/* SCTLR_EL1 (ARM ARM, SCTLR_EL1): bits that are RES1 in Armv8.0 (11, 20, 22, 23, 28, 29),
 * and the ones rumpk sets. EE = E0E = 0: little-endian at EL1 and EL0. */
#define SCTLR_RES1 ((1 << 11) | (1 << 20) | (1 << 22) | (1 << 23) | (1 << 28) | (1 << 29))
#define SCTLR_M (1 << 0)   /* stage-1 translation on */
#define SCTLR_C (1 << 2)   /* data accesses may be cached */
#define SCTLR_SA (1 << 3)  /* EL1 stack pointer must be 16-byte aligned */
#define SCTLR_SA0 (1 << 4) /* the same at EL0 */
#define SCTLR_I (1 << 12)  /* instruction fetches may be cached */
#define SCTLR_DZE (1 << 14) /* EL0 may use DC ZVA (libc-style memset) */
#define SCTLR_UCT (1 << 15) /* EL0 may read CTR_EL0 (cache line sizes) */

/* CNTKCTL_EL1.EL0VCTEN: EL0 may read CNTVCT_EL0 (benchmarks count ticks in user code). */
#define CNTKCTL_EL0VCTEN (1 << 1)

/* CNTV_CTL_EL0 (ARM ARM, CNTV_CTL_EL0): the virtual timer's control register. */
#define CNTV_CTL_ENABLE (1 << 0)

/* ESR_EL1 (ARM ARM, ESR_EL1): exception class in bits [31:26], syndrome in [24:0]. */
#define ESR_EC(esr) (((esr) >> 26) & 0x3f)
#define ESR_ISS(esr) ((esr) & 0x1ffffff)
#define EC_BRK64 0x3c /* BRK instruction executed in AArch64 state */

/* The one BRK immediate hal_trap_init() uses as its probe (ESR.ISS holds it), chosen so
 * clang's __builtin_trap (brk #1) is never mistaken for it. */
#define BRK_PROBE 0x5254 /* "RT" */

/* Vector table: 16 entries of 0x80 bytes, 2 KiB aligned (ARM ARM, VBAR_EL1). The entry's
 * index is what entry.S passes to trap.c: group * 4 + kind. */
#define VEC_CUR_SP0 0   /* current EL, SP_EL0: never used (the kernel runs on SP_EL1) */
#define VEC_CUR_SPX 4   /* current EL, SP_ELx: the kernel's own traps */
#define VEC_LOWER64 8   /* from EL0 in AArch64: user programs */
#define VEC_LOWER32 12  /* from EL0 in AArch32: never */
#define VEC_SYNC 0
#define VEC_IRQ 1
#define VEC_FIQ 2
#define VEC_SERROR 3

/* Trap frame of a kernel trap: x0..x30, then ELR_EL1 and SPSR_EL1. 33 doublewords rounded
 * up to 34 = 272 bytes, a multiple of 16 so sp stays ABI-aligned. */
#define TF_X(n) ((n) * 8)
#define TF_ELR (31 * 8)
#define TF_SPSR (32 * 8)
#define TF_SIZE (34 * 8)

/* struct hal_uframe (trap.c), a user thread's state, at the top of its fiber's stack: x0..x30,
 * SP_EL0, ELR_EL1, SPSR_EL1, FPCR, FPSR, q0..q31 (16-byte aligned), then the TTBR0_EL1 value
 * of its space and the space itself. While user code runs SP_EL1 points at the frame, so
 * an exception from EL0 saves straight into it and the kernel stack grows down below. */
#define UF_X(n) ((n) * 8)
#define UF_SP (31 * 8)
#define UF_ELR (32 * 8)
#define UF_SPSR (33 * 8)
#define UF_FPCR (34 * 8)
#define UF_FPSR (35 * 8)
#define UF_Q(n) (36 * 8 + (n) * 16)
#define UF_TTBR0 (36 * 8 + 32 * 16)
#define UF_AS (UF_TTBR0 + 8)
#define UF_SIZE 832 /* 13 x 64 */

/* Per-CPU emergency stack: a kernel trap whose sp would land in an unmapped page (a fiber
 * stack's guard) switches to it, so the overflow is reported by name, not re-faulted. */
#define EMERGENCY_STACK_SIZE 4096

/* Boot stack: core_main needs at least 16 KiB (hal.h); traps nest on it too for now. */
#define BOOT_STACK_SIZE (16 * 1024)

/* struct hal_ctx offset, and the frame switch.S keeps at ctx->sp (hal_ctx_init in hal.c
 * builds one for a new context): x19..x28, x29 (fp), x30 (lr); 12 doublewords = 96 bytes,
 * so sp stays 16-byte aligned. */
#define HAL_CTX_SP 0
#define CTX_F_X(n) (((n) - 19) * 8) /* n = 19..30 */
#define CTX_FRAME_SIZE (12 * 8)

#ifndef __ASSEMBLER__
#include <stdint.h>

/* switch.S's frame as a type, for debuggers (scripts/gdb/rumpk.py unwinds a suspended fiber
 * from it): fields named after gdb's registers; `pc` is the x30 slot, the resume address. */
struct hal_switch_frame {
	uint64_t x19, x20, x21, x22, x23, x24, x25, x26, x27, x28, x29, pc;
};
_Static_assert(sizeof(struct hal_switch_frame) == CTX_FRAME_SIZE, "switch frame size");
_Static_assert(__builtin_offsetof(struct hal_switch_frame, pc) == CTX_F_X(30), "switch frame pc");

#define sysreg_read(reg)                                              \
	({                                                            \
		uint64_t v__;                                         \
		__asm__ volatile("mrs %0, " #reg : "=r"(v__));        \
		v__;                                                  \
	})
#define sysreg_write(reg, val) \
	__asm__ volatile("msr " #reg ", %0" ::"r"((uint64_t)(val)) : "memory")
#define isb() __asm__ volatile("isb" ::: "memory")

/* mmio_* — device registers, through the Device-nGnRE window mmu.c maps. Plain LDR/STR
 * with no writeback, as Linux's accessors do: under a hypervisor only those forms report a
 * usable syndrome when the access traps. */
static inline uint32_t mmio_read32(uintptr_t addr)
{
	uint32_t v;
	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" ::"rZ"(v), "r"(addr) : "memory");
}

/* Between the HAL's files. */
void hal_aarch64_boot(uint64_t dtb) __attribute__((noreturn)); /* hal.c, from entry.S */
void hal_aarch64_mmu_init(void);            /* mmu.c, from entry.S with the MMU off */
int hal_aarch64_mmu_is_device(uint64_t base, uint64_t size); /* mmu.c */
int hal_aarch64_mmu_is_ram(uint64_t base, uint64_t size);    /* mmu.c */
/* mmu.c, from hal.c once the device tree is read: RAM in 4 KiB pages, the boot identity map
 * gone, TTBR0 on the empty table. Returns the bytes of page tables it put after the image. */
struct rumpk_boot_info;
uint64_t hal_aarch64_mmu_final(const struct rumpk_boot_info *bi);
struct hal_as;
uint64_t hal_aarch64_as_ttbr0(const struct hal_as *as); /* mmu.c: a space's TTBR0 value */
int hal_aarch64_user_mapped(uint64_t va); /* mmu.c: the current space maps va */
extern uint64_t hal_aarch64_kernel_ttbr0;   /* mmu.c: the empty table, ASID 0 (software PAN) */
void hal_aarch64_user_resume(void *f) __attribute__((noreturn)); /* entry.S: eret to EL0 */
void hal_aarch64_user_trap(void *f, uint64_t vector) __attribute__((noreturn)); /* trap.c */
void hal_aarch64_pl011_rx_irq(void);        /* pl011.c: from gic.c on the UART's interrupt */
void hal_aarch64_pl011_rx_enable(int on);   /* pl011.c */
void hal_aarch64_gic_enable_uart(uint32_t intid); /* gic.c */
/* A device register's kernel address. */
static inline uintptr_t hal_aarch64_dev(uint64_t pa)
{
	return (uintptr_t)(pa + KVA_OFFSET);
}
extern char hal_aarch64_vectors[];          /* entry.S: the VBAR_EL1 table */
void hal_aarch64_pl011_init(uintptr_t base); /* pl011.c */
void hal_aarch64_pl011_flush(void);         /* pl011.c: waits until the last bit left */
void hal_aarch64_gic_set_base(uintptr_t dist, uintptr_t cpu); /* gic.c, from hal.c */
void hal_aarch64_gic_init(void);            /* gic.c, from hal_trap_init() */
void hal_aarch64_gic_irq(int in_user);      /* gic.c, from trap.c on an IRQ exception */
extern volatile uint64_t hal_aarch64_irq_count; /* trap.c: IRQ exceptions taken */
extern volatile int hal_aarch64_halting;    /* hal.c: set just before the semihosting exit */
void hal_aarch64_ctx_start(void);           /* switch.S: a new context's first "return address" */
#endif

#endif /* RUMPK_HAL_ARCH_H */
