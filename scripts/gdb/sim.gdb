# scripts/gdb/sim.gdb — the sim's signals are its hardware: gdb passes them silently.
# SIGALRM / SIGVTALRM: the timer (real / --clock virtual); SIGIO: console input;
# SIGILL: the traps stage's probe; SIGSEGV, SIGBUS, SIGFPE, SIGTRAP: a user program's fault,
# which the kernel contains (a kernel fault still ends the sim with a panic line).
handle SIGALRM nostop noprint pass
handle SIGVTALRM nostop noprint pass
handle SIGIO nostop noprint pass
handle SIGILL nostop noprint pass
handle SIGSEGV nostop noprint pass
handle SIGBUS nostop noprint pass
handle SIGFPE nostop noprint pass
