/*
 * user.S (hosted, x86_64) — the boundary between kernel and user code: the way out
 * (hosted_user_resume), the way in from a trap (hosted_user_trap_entry, where the signal
 * handlers of host_cpu.c redirect a user thread) and the doorbell (hosted_user_doorbell_entry,
 * a function programs call through the auxv). Frame layout: hosted_priv.h.
 *
 * Every program shares the sim process, so "user mode" is a flag (hosted_in_user) plus the
 * rule that the kernel runs only on kernel stacks: a user thread's kernel stack is the
 * part of its fiber's stack below its frame.
 *
 * The way out restores every register without a kernel stack and without iretq: it writes
 * the user's rflags and rip just below the user's rsp (programs are built -mno-red-zone,
 * so nothing live is there; hal_user.c has checked that those 16 bytes are writable user
 * memory), loads the FP state and the 15 other registers from the frame, points rsp at
 * the two words, and ends with popfq; ret. From hosted_user_exit_begin to
 * hosted_user_exit_end a signal is the kernel's even though hosted_in_user is already 1:
 * rsp there is still a kernel address and the frame is not yet the user's state.
 *
 * The way in from a trap: the signal handler has copied the interrupted general registers,
 * rip and rflags into the frame, cleared hosted_in_user and returned into this code with
 * rsp = rdi = frame. The kernel's signal return restored the user's FP state, so XSAVE
 * (with the mask hal_user.c read from CPUID) stores it whole; then fninit (empty x87
 * stack, CW 0x037f), MXCSR 0x1f80 and vzeroupper give kernel C code the kernel's FP state
 * (docs/runtime.md: the control words are kernel-wide).
 *
 * The doorbell is a C call from the program: only what a callee must keep is saved (rbx,
 * rbp, r12-r15, rsp, the return rip, MXCSR and the x87 CW, psABI 3.2.1), and rflags.
 * rdi and rsi go back as the caller passed them (virtual mode's budget trap passes two
 * arguments there and gets its next budget in rax: hal.c); the other caller-saved
 * registers go back zero. It touches the user stack once (pushfq) before it clears
 * hosted_in_user, so a timer
 * signal before that point preempts it as user code (resumed exactly, it just goes on),
 * and after it as kernel code; no frame field is written while a preemption could still
 * overwrite it.
 */
#include "hosted_priv.h"

	.section .rodata
	.p2align 2
kernel_mxcsr:
	.long	0x1f80		/* psABI 3.4.1: all exceptions masked, round to nearest */
kernel_fcw:
	.word	0x037f

	.text

/* void hosted_user_resume(struct hal_uframe *f) — noreturn */
	.globl	hosted_user_resume
	.type	hosted_user_resume, @function
	.p2align 4
hosted_user_resume:
	.cfi_startproc
	.cfi_undefined %rip
	movq	%rdi, %rsp		/* the C stack below f is not needed any more */
	movq	UF_RSP(%rsp), %rax
	subq	$16, %rax
	movq	%rax, UF_TMP(%rsp)
	movq	UF_RFLAGS(%rsp), %rcx
	andq	$~0x100, %rcx		/* never TF: nobody would handle the single-step trap */
	movq	%rcx, (%rax)
	movq	UF_RIP(%rsp), %rcx
	movq	%rcx, 8(%rax)
	.globl	hosted_user_exit_begin
hosted_user_exit_begin:
	cmpl	$UF_KIND_CALL, UF_KIND(%rsp)
	je	1f
	cmpl	$0, hosted_xsave_mode(%rip)
	je	2f
	movl	hosted_xsave_mask_lo(%rip), %eax
	movl	hosted_xsave_mask_hi(%rip), %edx
	xrstor64 UF_XSAVE(%rsp)
	jmp	3f
2:	fxrstor64 UF_XSAVE(%rsp)
	jmp	3f
1:	ldmxcsr	UF_MXCSR(%rsp)		/* a doorbell returns like a call: control words only */
	fldcw	UF_FCW(%rsp)
3:	movb	$1, hosted_in_user(%rip)
	movq	UF_RAX(%rsp), %rax
	movq	UF_RBX(%rsp), %rbx
	movq	UF_RCX(%rsp), %rcx
	movq	UF_RDX(%rsp), %rdx
	movq	UF_RSI(%rsp), %rsi
	movq	UF_RDI(%rsp), %rdi
	movq	UF_RBP(%rsp), %rbp
	movq	UF_R8(%rsp), %r8
	movq	UF_R9(%rsp), %r9
	movq	UF_R10(%rsp), %r10
	movq	UF_R11(%rsp), %r11
	movq	UF_R12(%rsp), %r12
	movq	UF_R13(%rsp), %r13
	movq	UF_R14(%rsp), %r14
	movq	UF_R15(%rsp), %r15
	movq	UF_TMP(%rsp), %rsp	/* the user's rsp - 16: rflags, rip */
	popfq
	ret
	.globl	hosted_user_exit_end
hosted_user_exit_end:
	.cfi_endproc
	.size	hosted_user_resume, . - hosted_user_resume

/* Where a user trap lands (host_cpu.c's redirect): rsp = rdi = f, 64-byte aligned. */
	.globl	hosted_user_trap_entry
	.type	hosted_user_trap_entry, @function
	.p2align 4
hosted_user_trap_entry:
	.cfi_startproc
	.cfi_undefined %rip		/* the outermost kernel frame of this trap */
	cmpl	$0, hosted_xsave_mode(%rip)
	je	1f
	movl	hosted_xsave_mask_lo(%rip), %eax
	movl	hosted_xsave_mask_hi(%rip), %edx
	xsave64	UF_XSAVE(%rdi)
	jmp	2f
1:	fxsave64 UF_XSAVE(%rdi)
2:	movl	$UF_KIND_FULL, UF_KIND(%rdi)
	fninit
	ldmxcsr	kernel_mxcsr(%rip)
	cmpl	$0, hosted_avx(%rip)
	je	3f
	vzeroupper
3:	call	hosted_user_trap
	ud2
	.cfi_endproc
	.size	hosted_user_trap_entry, . - hosted_user_trap_entry

/* void hosted_user_doorbell_entry(void) — called by a program. */
	.globl	hosted_user_doorbell_entry
	.type	hosted_user_doorbell_entry, @function
	.p2align 4
hosted_user_doorbell_entry:
	.cfi_startproc
	pushfq
	popq	%rax			/* the user's rflags (a fault here is the user's) */
	movb	$0, hosted_in_user(%rip) /* from here on: kernel code */
	movq	hosted_cur_frame(%rip), %r11
	movq	%rax, UF_RFLAGS(%r11)
	movq	(%rsp), %rax
	movq	%rax, UF_RIP(%r11)	/* back to the caller */
	leaq	8(%rsp), %rax
	movq	%rax, UF_RSP(%r11)	/* with its return address popped */
	movq	%rbx, UF_RBX(%r11)
	movq	%rbp, UF_RBP(%r11)
	movq	%r12, UF_R12(%r11)
	movq	%r13, UF_R13(%r11)
	movq	%r14, UF_R14(%r11)
	movq	%r15, UF_R15(%r11)
	movq	%rsi, UF_RSI(%r11)	/* the caller's own: virtual mode's budget trap */
	movq	%rdi, UF_RDI(%r11)	/* passes its two arguments here (hal.c) */
	xorl	%eax, %eax		/* caller-saved: zero, so no kernel value goes back */
	movq	%rax, UF_RAX(%r11)	/* (virtual mode's budget trap: its next budget) */
	movq	%rax, UF_RCX(%r11)
	movq	%rax, UF_RDX(%r11)
	movq	%rax, UF_R8(%r11)
	movq	%rax, UF_R9(%r11)
	movq	%rax, UF_R10(%r11)
	movq	%rax, UF_R11(%r11)
	movl	%eax, UF_FCW(%r11)
	stmxcsr	UF_MXCSR(%r11)
	fnstcw	UF_FCW(%r11)
	movl	$UF_KIND_CALL, UF_KIND(%r11)
	movq	%r11, %rsp		/* the thread's kernel stack, below its frame */
	pushq	$0x202			/* kernel rflags: DF, AC and TF clear */
	popfq
	ldmxcsr	kernel_mxcsr(%rip)
	fldcw	kernel_fcw(%rip)
	cmpl	$0, hosted_avx(%rip)
	je	1f
	vzeroupper
1:	movq	%r11, %rdi
	call	hosted_user_doorbell_trap
	ud2
	.cfi_endproc
	.size	hosted_user_doorbell_entry, . - hosted_user_doorbell_entry

	.section .note.GNU-stack, "", @progbits
