/*
 * host_cpu.c — signals as the hosted machine's traps and interrupts, idle, RAM, exit.
 *
 * Every handler runs on an alternate stack with all signals blocked. SIGALRM is the timer
 * interrupt and goes to the top (hosted_timer_signal). SIGILL, SIGSEGV, SIGBUS and SIGFPE in
 * kernel code are kernel faults, except the one ud2 of the trap probe, which the SIGILL
 * handler recognises by its address and steps over. User code (a later issue) gets its
 * own path; until then every fault is the kernel's. That includes a touch of a fiber's
 * guard page (host_page_protect): the faulting stack is unusable, which is why handlers
 * run on the alternate stack (SA_ONSTACK), and si_addr lands inside the guard page.
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
#include <ucontext.h>
#include <unistd.h>

#include "host.h"

#define ALTSTACK_SIZE (64 * 1024)

static volatile int probe_hits;
extern const char host_probe_insn[]; /* the ud2 in host_trap_probe() */

static void on_alarm(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	hosted_timer_signal();
}

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	uint64_t pc = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];

	if (sig == SIGILL && pc == (uint64_t)(uintptr_t)host_probe_insn) {
		probe_hits++;
		uc->uc_mcontext.gregs[REG_RIP] += 2; /* ud2 is two bytes */
		return;
	}
	const char *kind = sig == SIGILL ? "illegal instruction (SIGILL)"
			   : sig == SIGSEGV ? "bad memory access (SIGSEGV)"
			   : sig == SIGBUS ? "bus error (SIGBUS)"
					   : "arithmetic trap (SIGFPE)";
	hosted_kernel_fault(kind, pc, (uint64_t)(uintptr_t)si->si_addr);
}

void host_signals_init(void)
{
	static const int faults[] = { SIGILL, SIGSEGV, SIGBUS, SIGFPE };
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
	sigprocmask(SIG_BLOCK, &block, &old);
	if (!*pending) {
		wait = old;
		sigdelset(&wait, SIGALRM);
		sigsuspend(&wait); /* returns after the handler ran, which set *pending */
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

void *host_ram_alloc(uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	return p == MAP_FAILED ? NULL : p;
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
