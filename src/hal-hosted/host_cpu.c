/*
 * host_cpu.c — signals as the hosted machine's traps and interrupts, idle, RAM, exit.
 *
 * Every handler runs on an alternate stack with all signals blocked. SIGALRM is the timer
 * interrupt and goes to the top (hosted_timer_signal). SIGILL, SIGSEGV, SIGBUS and SIGFPE in
 * kernel code are kernel faults, except the one ud2 of the trap probe, which the SIGILL
 * handler recognises by its address and steps over. A touch of a fiber's guard page
 * (host_page_protect) is a kernel fault too: the faulting stack is unusable, which is why
 * handlers run on the alternate stack (SA_ONSTACK), and si_addr lands inside the guard page.
 *
 * User code: when hosted_in_user is set and rip is not in the way out's last instructions
 * (hosted_priv.h), the signal belongs to the user thread. The handler never switches
 * context (the signal would stay blocked and the next one would reuse this stack): it
 * copies the interrupted general registers, rip and rflags into the thread's frame,
 * records what happened (the timer, or a fault with its RUMPK_FAULT_* cause, address and
 * access), and returns into hosted_user_trap_entry (user.S) on the thread's kernel stack,
 * which saves the FP state the signal return has just put back. Causes: SIGSEGV by the
 * page-fault error code (REG_ERR bit 4 instruction fetch -> EXEC, bit 1 -> WRITE, else
 * READ; a general-protection fault, REG_TRAPNO 13, has no address: READ at 0); SIGBUS
 * BUS_ADRALN -> MISALIGNED, a stack-segment fault (trap 12) -> STACK, else like SIGSEGV;
 * SIGILL -> ILLEGAL; SIGFPE -> ARITH; SIGTRAP -> BREAKPOINT. hal_user.c refines READ and
 * WRITE near the user's rsp to STACK.
 *
 * Part of rumpk_hal_hosted_cpu, which the unit tests' fake HAL links too: there the two
 * calls up (hosted_timer_signal, hosted_kernel_fault) go to fake_hal.c, and the handlers
 * are installed only by tests that ask (fake_host_traps).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/types.h>
#include <ucontext.h>
#include <unistd.h>

#include "host.h"
#include "hosted_priv.h"
#include "rumpk/abi.h"

#define ALTSTACK_SIZE (64 * 1024)

static volatile int probe_hits;
extern const char host_probe_insn[]; /* the ud2 in host_trap_probe() */

/* hal.h's HAL_PROT_* (host.h's HOST_PROT_*): the access a fault attempted */
#define ACCESS_R HOST_PROT_R
#define ACCESS_W HOST_PROT_W
#define ACCESS_X HOST_PROT_X

static int user_context(const ucontext_t *uc)
{
	uint64_t rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];

	return hosted_in_user && !(rip >= (uint64_t)(uintptr_t)hosted_user_exit_begin &&
				   rip < (uint64_t)(uintptr_t)hosted_user_exit_end);
}

/* Hands the interrupted user thread to hosted_user_trap_entry (see the top of the file). */
static void redirect(ucontext_t *uc, uint32_t trap, uint32_t cause, uint64_t addr,
		     uint32_t access)
{
	static const int order[16] = { REG_RAX, REG_RBX, REG_RCX, REG_RDX, REG_RSI, REG_RDI,
				       REG_RBP, REG_RSP, REG_R8,  REG_R9,  REG_R10, REG_R11,
				       REG_R12, REG_R13, REG_R14, REG_R15 };
	struct hal_uframe *f = hosted_cur_frame;
	greg_t *g = uc->uc_mcontext.gregs;

	for (int i = 0; i < 16; i++)
		f->gpr[i] = (uint64_t)g[order[i]];
	f->rip = (uint64_t)g[REG_RIP];
	f->rflags = (uint64_t)g[REG_EFL];
	f->trap = trap;
	f->cause = cause;
	f->addr = addr;
	f->access = access;
	hosted_in_user = 0;
	g[REG_RIP] = (greg_t)(uintptr_t)hosted_user_trap_entry;
	g[REG_RSP] = (greg_t)(uintptr_t)f;
	g[REG_RDI] = (greg_t)(uintptr_t)f;
	g[REG_EFL] &= ~(greg_t)UF_RFLAGS_CLEAR;
}

/* Linux delivers a signal with the interrupted rflags.AC kept (it clears only DF, RF and
 * TF): a user program running with alignment checks on would make this C code fault. */
static inline void clear_ac(void)
{
	__asm__ volatile("pushfq\n\tandl $~0x40000, (%%rsp)\n\tpopfq" ::: "memory", "cc");
}

/* Virtual mode's stall watchdog (host_time.c): a program without budget checks that spins
 * is preempted as by a timer, once host_virtual_stall has said so and made the deadline
 * due. Kernel code is never interrupted: it only ever waits in hal_cpu_idle. */
static void on_vtalrm(int sig, siginfo_t *si, void *ucv)
{
	clear_ac();
	(void)sig;
	(void)si;
	int in_user = user_context(ucv);
	if (host_virtual_stall(in_user) && in_user)
		redirect(ucv, UF_TRAP_TIMER, 0, 0, 0);
}

static void on_alarm(int sig, siginfo_t *si, void *ucv)
{
	clear_ac();
	(void)sig;
	(void)si;
	if (user_context(ucv))
		redirect(ucv, UF_TRAP_TIMER, 0, 0, 0);
	else
		hosted_timer_signal();
}

int host_user_console_signal(void *ucv)
{
	clear_ac();
	if (!user_context(ucv))
		return 0;
	redirect(ucv, UF_TRAP_CONSOLE, 0, 0, 0);
	return 1;
}

/* A page fault's cause from its error code (SDM vol. 3, 4.7: bit 1 write, bit 4 fetch). */
static uint32_t page_fault_cause(uint64_t err, uint32_t *access)
{
	if (err & 16) {
		*access = ACCESS_X;
		return RUMPK_FAULT_EXEC;
	}
	if (err & 2) {
		*access = ACCESS_W;
		return RUMPK_FAULT_WRITE;
	}
	*access = ACCESS_R;
	return RUMPK_FAULT_READ;
}

static void user_fault(int sig, siginfo_t *si, ucontext_t *uc)
{
	uint64_t trapno = (uint64_t)uc->uc_mcontext.gregs[REG_TRAPNO];
	uint64_t err = (uint64_t)uc->uc_mcontext.gregs[REG_ERR];
	uint64_t pc = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
	uint64_t addr = (uint64_t)(uintptr_t)si->si_addr;
	uint32_t access = 0, cause;

	switch (sig) {
	case SIGILL:
		cause = RUMPK_FAULT_ILLEGAL;
		addr = pc;
		break;
	case SIGFPE:
		cause = RUMPK_FAULT_ARITH;
		addr = pc;
		break;
	case SIGTRAP:
		cause = RUMPK_FAULT_BREAKPOINT;
		addr = pc - 1;
		break;
	case SIGBUS:
		if (si->si_code == BUS_ADRALN) {
			cause = RUMPK_FAULT_MISALIGNED;
			break;
		}
		if (trapno == 12) {
			cause = RUMPK_FAULT_STACK;
			break;
		}
		cause = page_fault_cause(err, &access);
		break;
	default: /* SIGSEGV */
		if (trapno == 13) {
			cause = RUMPK_FAULT_READ; /* general protection: no address */
			addr = 0;
			break;
		}
		cause = page_fault_cause(err, &access);
		break;
	}
	redirect(uc, UF_TRAP_FAULT, cause, addr, access);
}

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
	clear_ac();
	ucontext_t *uc = ucv;
	uint64_t pc = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];

	if (sig == SIGILL && pc == (uint64_t)(uintptr_t)host_probe_insn) {
		probe_hits++;
		uc->uc_mcontext.gregs[REG_RIP] += 2; /* ud2 is two bytes */
		return;
	}
	if (user_context(uc)) {
		user_fault(sig, si, uc);
		return;
	}
	const char *kind = sig == SIGILL ? "illegal instruction (SIGILL)"
			   : sig == SIGSEGV ? "bad memory access (SIGSEGV)"
			   : sig == SIGBUS ? "bus error (SIGBUS)"
			   : sig == SIGTRAP ? "breakpoint (SIGTRAP)"
					   : "arithmetic trap (SIGFPE)";
	hosted_kernel_fault(kind, pc, (uint64_t)(uintptr_t)si->si_addr);
}

void host_signals_init(void)
{
	static const int faults[] = { SIGILL, SIGSEGV, SIGBUS, SIGFPE, SIGTRAP };
	stack_t ss = { 0 };
	struct sigaction sa;

	ss.ss_sp = mmap(NULL, ALTSTACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	if (ss.ss_sp == MAP_FAILED)
		host_die("cannot map the signal stack");
	ss.ss_size = ALTSTACK_SIZE;
	if (sigaltstack(&ss, NULL) != 0)
		host_die("sigaltstack failed");

	memset(&sa, 0, sizeof(sa));
	sigfillset(&sa.sa_mask);
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
	sa.sa_sigaction = on_alarm;
	if (sigaction(SIGALRM, &sa, NULL) != 0)
		host_die("sigaction(SIGALRM) failed");
	sa.sa_sigaction = on_vtalrm;
	if (sigaction(SIGVTALRM, &sa, NULL) != 0)
		host_die("sigaction(SIGVTALRM) failed");
	sa.sa_sigaction = on_fault;
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		if (sigaction(faults[i], &sa, NULL) != 0)
			host_die("sigaction(fault) failed");
}

int host_trap_probe(void)
{
	probe_hits = 0;
	__asm__ volatile(".globl host_probe_insn\n"
			 "host_probe_insn: ud2\n" ::: "memory");
	return probe_hits;
}

void host_idle(volatile int *pending)
{
	sigset_t block, old, wait;

	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigaddset(&block, SIGIO); /* console input (host_console.c), where the sim asks for it */
	sigaddset(&block, SIGVTALRM);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (!*pending) {
		wait = old;
		sigdelset(&wait, SIGALRM);
		sigdelset(&wait, SIGIO);
		sigsuspend(&wait); /* returns after the handler ran, which set *pending */
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Guest RAM is a memfd mapped MAP_SHARED, so that a page of it can appear a second time
 * inside a user space (host_ram_share: the ring page), both views the same memory. One
 * RAM per process. */
#define HOST_RAM_WINDOW 0x200000000000ull /* 32 TiB: above ASan's shadow, below the host's */
static int ram_fd = -1;
static uintptr_t ram_base;
static uint64_t ram_size;

void *host_ram_alloc(uint64_t size, uint64_t align)
{
	if (ram_fd >= 0 || !align || (align & (align - 1)))
		return NULL;
	int fd = memfd_create("rumpk-guest-ram", MFD_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (ftruncate(fd, (off_t)size) != 0) {
		close(fd);
		return NULL;
	}
	/* reserve size + align, then put the memfd at the aligned address inside; the
	 * reservation goes to a fixed address (host_as.c explains the window) when the host
	 * has it free, so guest "physical" addresses, which panic messages print, do not
	 * depend on the host's address randomisation */
	const int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
	void *want = (void *)(uintptr_t)HOST_RAM_WINDOW;
	char *r = mmap(want, size + align, PROT_NONE, flags | MAP_FIXED_NOREPLACE, -1, 0);
	if (r != MAP_FAILED && r != want) {
		munmap(r, size + align);
		r = MAP_FAILED;
	}
	if (r == MAP_FAILED)
		r = mmap(NULL, size + align, PROT_NONE, flags, -1, 0);
	if (r == MAP_FAILED) {
		close(fd);
		return NULL;
	}
	uintptr_t a = ((uintptr_t)r + align - 1) & ~(uintptr_t)(align - 1);
	void *p = mmap((void *)a, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
	if (p == MAP_FAILED) {
		munmap(r, size + align);
		close(fd);
		return NULL;
	}
	ram_fd = fd;
	ram_base = a;
	ram_size = size;
	return p;
}

int host_ram_share(uint64_t va, const void *page, uint64_t len, unsigned prot)
{
	uintptr_t p = (uintptr_t)page;
	int pp = ((prot & HOST_PROT_R) ? PROT_READ : 0) | ((prot & HOST_PROT_W) ? PROT_WRITE : 0);

	if (ram_fd < 0 || p < ram_base || p + len > ram_base + ram_size || (prot & HOST_PROT_X))
		return -1;
	void *m = mmap((void *)(uintptr_t)va, len, pp, MAP_SHARED | MAP_FIXED, ram_fd,
		       (off_t)(p - ram_base));
	return m == MAP_FAILED ? -1 : 0;
}

int host_page_protect(void *page, uint64_t len, bool accessible)
{
	return mprotect(page, len, accessible ? PROT_READ | PROT_WRITE : PROT_NONE) == 0 ? 0 : -1;
}

void host_entropy(uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = getrandom(buf, len, 0);
		if (n <= 0)
			host_die("getrandom failed");
		buf += n;
		len -= (size_t)n;
	}
}

void host_exit(int code)
{
	_exit(code);
}

void host_die(const char *msg)
{
	fprintf(stderr, "rumpk-sim: %s\n", msg);
	exit(1);
}
