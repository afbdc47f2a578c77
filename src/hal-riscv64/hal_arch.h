/*
 * hal_arch.h (riscv64) — inline helpers the core may use on hot paths, and below them the
 * riscv64 HAL's own machine vocabulary (xv6's riscv.h): CSR bits, the trap frame layout and
 * the few functions the HAL's files call in one another.
 *
 * The core reaches this file through hal.h but must use only the first section; everything
 * under "HAL-internal" is for src/hal-riscv64/ alone. The trap frame offsets are plain
 * numbers so entry.S (which includes this file through the C preprocessor) and trap.c share
 * one definition; trap.c asserts them against its struct.
 */
#ifndef RUMPK_HAL_ARCH_H
#define RUMPK_HAL_ARCH_H

#define HAL_CACHE_LINE 64
#define HAL_ELF_MACHINE 243 /* EM_RISCV: the e_machine of programs this HAL runs */

#ifndef __ASSEMBLER__
/* hal_cpu_relax — inside a short spin (never as a way to wait for an event). The Zihintpause
 * "pause" hint encodes as a FENCE that older cores treat as a no-op. */
static inline void hal_cpu_relax(void)
{
	__asm__ volatile(".insn i 0x0f, 0, x0, x0, 0x010");
}

/* struct hal_ctx — a suspended execution context: its stack pointer; ra and s0-s11 are in
 * a frame on its own stack (switch.S). All zero is a valid `from`. */
struct hal_ctx {
	void *sp;
};
#endif

/* ---- HAL-internal ----------------------------------------------------------------------- */

/* CSR bits, RISC-V Privileged Architecture v1.12, chapter 4 (supervisor level). */
#define SSTATUS_SIE (1 << 1)  /* supervisor interrupts enabled */
#define SSTATUS_SPIE (1 << 5) /* SIE before the trap; sret restores it */
#define SSTATUS_SPP (1 << 8)  /* the trap came from S-mode (sret goes back there) */
#define SSTATUS_SUM (1 << 18) /* S-mode may access U pages (user copies only) */
#define SIE_STIE (1 << 5)     /* supervisor timer interrupt enable */
#define SIE_SEIE (1 << 9)     /* supervisor external interrupt enable (the PLIC) */
#define SCAUSE_INTERRUPT (1ul << 63)
#define IRQ_S_TIMER 5           /* scause code of the supervisor timer interrupt */
#define IRQ_S_EXTERNAL 9        /* scause code of the supervisor external interrupt */
#define EXC_BREAKPOINT 3        /* scause code of ebreak */
#define EXC_ECALL_U 8           /* scause code of ecall from U-mode */

/* Trap frame: x0..x31 (x0's slot unused, x2 = sp before the trap), then four CSRs.
 * 36 doublewords = 288 bytes, a multiple of 16 so sp stays ABI-aligned. */
#define TF_X(n) ((n) * 8)
#define TF_SEPC (32 * 8)
#define TF_SSTATUS (33 * 8)
#define TF_SCAUSE (34 * 8)
#define TF_STVAL (35 * 8)
#define TF_SIZE (36 * 8)

/* Boot stack: core_main needs at least 16 KiB (hal.h). Trap stack: every trap taken in
 * S-mode runs on it (entry.S), whatever stack the kernel was on. Both page multiples,
 * each with an unmapped guard page below it (linker.ld, mmu.c). */
#define BOOT_STACK_SIZE (16 * 1024)
#define TRAP_STACK_SIZE (16 * 1024)

/* struct hal_uframe (trap.c): a user thread's registers. pc in the slot of x0, x1..x31,
 * then the trap's scause and stval and the space; 320 bytes, a multiple of 64 (hal.h). */
#define UF_PC 0
#define UF_X(n) ((n) * 8)
#define UF_CAUSE (32 * 8)
#define UF_TVAL (33 * 8)
#define UF_AS (34 * 8)
#define UF_SIZE (40 * 8)

/* struct hal_ctx offset, and the frame switch.S keeps at ctx->sp (hal_ctx_init in hal.c
 * builds one for a new context): ra, then s0..s11; 13 doublewords padded to 112 bytes so
 * sp stays 16-byte aligned. */
#define HAL_CTX_SP 0
#define CTX_F_RA 0
#define CTX_F_S(n) (((n) + 1) * 8)
#define CTX_FRAME_SIZE (14 * 8)

#ifndef __ASSEMBLER__
#include <stdint.h>

/* switch.S's frame as a type, for debuggers (scripts/gdb/rumpk.py unwinds a suspended fiber
 * from it): fields named after gdb's registers; `pc` is the ra slot, the resume address. */
struct hal_switch_frame {
	uint64_t pc, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, pad;
};
_Static_assert(sizeof(struct hal_switch_frame) == CTX_FRAME_SIZE, "switch frame size");
_Static_assert(__builtin_offsetof(struct hal_switch_frame, s0) == CTX_F_S(0), "switch frame s0");

#define csr_read(csr)                                                  \
	({                                                             \
		uint64_t v__;                                          \
		__asm__ volatile("csrr %0, " #csr : "=r"(v__));        \
		v__;                                                   \
	})
#define csr_write(csr, val) __asm__ volatile("csrw " #csr ", %0" ::"rK"(val) : "memory")
#define csr_set(csr, bits) __asm__ volatile("csrs " #csr ", %0" ::"rK"(bits) : "memory")
#define csr_clear(csr, bits) __asm__ volatile("csrc " #csr ", %0" ::"rK"(bits) : "memory")
/* csrrc: clears `bits` and returns the old value in one instruction. */
#define csr_read_clear(csr, bits)                                                        \
	({                                                                               \
		uint64_t v__;                                                            \
		__asm__ volatile("csrrc %0, " #csr ", %1" : "=r"(v__) : "rK"(bits) : "memory"); \
		v__;                                                                     \
	})

/* rdtime: the platform timer (ACLINT mtime on virt), readable in S-mode via mcounteren. */
static inline uint64_t rv_rdtime(void)
{
	uint64_t t;
	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

/* Between the HAL's files (entry.S, trap.c, uart.c, hal.c). */
void hal_riscv64_boot(uint64_t hartid, uint64_t dtb) __attribute__((noreturn)); /* hal.c */
void hal_riscv64_trap_vector(void);      /* entry.S: stvec target, saves a frame */
void hal_riscv64_trap_install(void);     /* trap.c: points stvec at the vector */
void hal_riscv64_sbi_set_timer(uint64_t ticks); /* hal.c */
void hal_riscv64_uart_init(uintptr_t base, uint32_t clock_hz); /* uart.c */
void hal_riscv64_ctx_start(void); /* switch.S: a new context's first "return address" */
struct rumpk_boot_info;
struct hal_as;
struct hal_uframe;
/* mmu.c: the kernel map from the boot info and MMIO (base, size) pairs; paging on */
void hal_riscv64_mmu_init(struct rumpk_boot_info *bi, const uint64_t *mmio, unsigned nmmio);
int hal_riscv64_user_page(struct hal_as *as, uint64_t va, unsigned need, uint64_t *pa);
int hal_riscv64_user_mapped(struct hal_as *as, uint64_t va);
int hal_riscv64_current_user_mapped(uint64_t va);
void hal_riscv64_user_resume(struct hal_uframe *f) __attribute__((noreturn)); /* entry.S */
void hal_riscv64_user_trap(struct hal_uframe *f) __attribute__((noreturn));   /* trap.c */
/* plic.c: the PLIC and the UART's receive interrupt */
void hal_riscv64_plic_setup(uint64_t base, uint32_t context, uint32_t uart_irq);
int hal_riscv64_plic_init(void);
void hal_riscv64_external_irq(void);
void hal_riscv64_uart_rx_irq(int on);  /* uart.c: the receive interrupt wanted (1) or not */
void hal_riscv64_uart_rx_done(void);   /* uart.c: after core_console_rx: mask if not drained */
#endif

#endif /* RUMPK_HAL_ARCH_H */
