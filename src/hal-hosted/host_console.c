/*
 * host_console.c — the console on the process's stdout/stdin.
 *
 * Input: when stdin is a terminal it is put in raw mode for the kernel (no echo, no line
 * editing, no signals from the keyboard: Ctrl-C and Ctrl-D reach the kernel as bytes; the
 * shell does what a line discipline would), and restored on every way out: hal_halt
 * (host_console_restore), a normal exit (atexit), SIGTERM/SIGHUP/SIGQUIT (handlers that
 * restore, then die of the same signal). Output processing (OPOST: "\n" as CRLF) stays on.
 * stdin raises SIGIO when input arrives (O_ASYNC), the console "interrupt": its handler
 * calls up into the top (hosted_console_signal), which treats it like the timer. Input that
 * raises no SIGIO (a file, /dev/null, bytes already waiting) is found by the core's poll
 * before a reader sleeps. The original terminal settings and stdin flags are put back
 * exactly, since stdin's open file is shared with whatever started the sim.
 *
 * Scripted input (virtual mode, host_console_set_scripted): input comes from --input FILE
 * or stdin, but nothing is read on its own: hal.c calls host_console_release at its
 * deterministic points, which reads exactly one more line (blocking on a pipe if it must:
 * virtual time stands still meanwhile), and host_console_getc hands out only released
 * bytes. No SIGIO, no raw mode: the terminal stays as it was (its own line editing and
 * echo, besides the shell's).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "host.h"

static struct termios saved_tty;
static int tty_saved;
static int saved_flags = -1;

void host_console_write(const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(1, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return; /* stdout closed: the kernel keeps running, output is lost */
		}
		buf += n;
		len -= (size_t)n;
	}
}

/* Input is read from stdin a block at a time and handed out a byte at a time: a 1 MiB
 * paste costs 256 reads, not a million. */
static unsigned char inbuf[4096];
static size_t inpos, inlen;

/* Scripted input: read from fd in blocks into sbuf; [0, slen) unread. released counts the
 * bytes of sbuf that getc may hand out; at_end: the file ended; end_released: getc says
 * so (-2) once the released bytes are gone. */
static int scripted, sfd = -1;
static unsigned char sbuf[65536];
static size_t spos, slen, sreleased;
static int at_end, end_released;
static int sfile; /* input is a regular file: a line is always read whole */

void host_console_set_scripted(const char *path)
{
	scripted = 1;
	sfd = 0;
	if (path && (sfd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "rumpk-sim: --input %s: %s\n", path, strerror(errno));
		exit(2);
	}
	struct stat st;
	sfile = fstat(sfd, &st) == 0 && S_ISREG(st.st_mode);
}

/* Tops sbuf up with what the file has; 0 if it has ended. */
static int fill(void)
{
	if (spos > 0) {
		memmove(sbuf, sbuf + spos, slen - spos);
		slen -= spos;
		sreleased -= spos;
		spos = 0;
	}
	for (;;) {
		ssize_t n = read(sfd, sbuf + slen, sizeof(sbuf) - slen);
		if (n > 0) {
			slen += (size_t)n;
			return 1;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) { /* a non-blocking stdin: wait for it */
			struct pollfd p = { .fd = sfd, .events = POLLIN };
			poll(&p, 1, -1);
			continue;
		}
		at_end = 1; /* 0, or an error: either way nothing more comes */
		return 0;
	}
}

int host_console_release(void)
{
	int read_once = 0;

	if (spos < sreleased)
		return 1; /* the kernel took only part of the last line: offer the rest again */
	if (end_released)
		return 0;
	for (;;) {
		unsigned char *nl = memchr(sbuf + spos, '\n', slen - spos);
		if (nl) {
			sreleased = (size_t)(nl - sbuf) + 1;
			return 1;
		}
		/* no whole line yet: read more, unless the line fills the buffer or input ended;
		 * from a pipe, what one read brought without a newline is released as it is
		 * (a driver that sends a lone Ctrl-C and waits would wait forever otherwise) */
		if (slen > spos && !sfile && read_once) {
			sreleased = slen;
			return 1;
		}
		read_once = 1;
		if (slen - spos == sizeof(sbuf) || at_end || !fill()) {
			if (slen > spos) {
				sreleased = slen; /* a line longer than the buffer, or the last one */
				return 1;
			}
			end_released = 1;
			return 1;
		}
	}
}

int host_console_input_left(void)
{
	return scripted && !end_released;
}

static int scripted_getc(void)
{
	if (spos < sreleased)
		return sbuf[spos++];
	return end_released ? -2 : -1;
}

int host_console_getc(void)
{
	if (scripted)
		return scripted_getc();
	if (inpos < inlen)
		return inbuf[inpos++];
	struct pollfd p = { .fd = 0, .events = POLLIN };
	if (poll(&p, 1, 0) != 1)
		return -1;
	if (!(p.revents & (POLLIN | POLLHUP)))
		return p.revents & (POLLERR | POLLNVAL) ? -2 : -1;
	ssize_t n = read(0, inbuf, sizeof(inbuf));
	if (n > 0) {
		inpos = 1;
		inlen = (size_t)n;
		return inbuf[0];
	}
	if (n == 0 || (errno != EAGAIN && errno != EINTR))
		return -2; /* the end of input */
	return -1;
}

void host_console_restore(void)
{
	if (tty_saved)
		tcsetattr(0, TCSADRAIN, &saved_tty);
	if (saved_flags >= 0)
		fcntl(0, F_SETFL, saved_flags);
}

static void on_io(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	if (!host_user_console_signal(uc))
		hosted_console_signal();
}

static void on_term(int sig)
{
	host_console_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

void host_console_init(void)
{
	static const int terms[] = { SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa;

	if (scripted)
		return; /* no raw mode and no SIGIO: input is released by hal.c (see the top) */
	if (isatty(0) && tcgetattr(0, &saved_tty) == 0) {
		struct termios raw = saved_tty;
		raw.c_iflag &= ~(tcflag_t)(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
		raw.c_lflag &= ~(tcflag_t)(ECHO | ICANON | IEXTEN | ISIG);
		raw.c_cflag |= CS8;
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		if (tcsetattr(0, TCSADRAIN, &raw) == 0)
			tty_saved = 1;
	}
	atexit(host_console_restore);
	memset(&sa, 0, sizeof(sa));
	sigfillset(&sa.sa_mask);
	sa.sa_handler = on_term;
	for (size_t i = 0; i < sizeof(terms) / sizeof(terms[0]); i++)
		sigaction(terms[i], &sa, NULL);
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
	sa.sa_sigaction = on_io;
	if (sigaction(SIGIO, &sa, NULL) != 0)
		host_die("sigaction(SIGIO) failed");
	saved_flags = fcntl(0, F_GETFL);
	if (saved_flags >= 0 && (fcntl(0, F_SETOWN, getpid()) != 0 ||
				 fcntl(0, F_SETFL, saved_flags | O_ASYNC) != 0))
		fcntl(0, F_SETFL, saved_flags); /* no SIGIO here: the core's poll still works */
}
