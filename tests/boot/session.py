#!/usr/bin/env python3
"""session.py — runs a scripted shell session against a booting rumpk and checks it.

    session.py [--hal hosted|bare] [--timeout S] [--log FILE] [--steps FILE] [--pty]
               SESSION -- COMMAND...

COMMAND is the machine: `rumpk-sim --initrd ...` or `scripts/qemu.sh ARCH ...`. Its stdin
is a pipe the runner writes; stdout and stderr are read together (CR dropped, so QEMU's
CRLF and the sim's LF look alike). A line is sent only once the shell's prompt
(`nipbox:DIR$ ` at the end of the output) has appeared: bytes sent before a UART is set up
are lost on bare metal, and the sim's shell would see two commands as one read.

THE SESSION FORMAT (tests/boot/sessions/*.session), one directive per line:

  # comment                 ignored (only at the start of a line)
  > LINE                    wait for the prompt, send LINE and a newline. Escapes: \\xNN a
                            byte, \\n, \\r, \\t, \\\\; $NAME is a captured value (below)
  > @bytes N C              send N copies of the character C, then a newline (a long line)
  > @garbage N SEED         send N pseudo-random bytes (SEED fixes them) with no newline,
                            then Ctrl-U and a newline; 0x03, 0x04, CR and LF are left out
                            so the garbage can neither cancel nor halt
  >> DELAY [BYTES]          no prompt wait: DELAY (e.g. 200ms, 1s) after the previous
                            send, send BYTES (escapes as above, no newline added): Ctrl-C
                            while a program runs is `>> 200ms \\x03`; without BYTES, a
                            pause before the prompt is awaited (e.g. for a kill to land)
  any other line            expected output of the step above it (the lines between the
                            echo of the sent line and the next prompt; lines before the
                            first `>` are the boot's output). Every line must match, in
                            order, nothing more and nothing less, except:
      ...                   any number of lines (zero included)
      *                     inside a line: any characters (`\\*` is a star)
      %N                    inside a line: a positive integer (1, 2, ...; not 0)
      $NAME                 inside a line: captures a word ([A-Za-z0-9_.+-]+) for later
                            `>` lines (e.g. `[$pid] spin`, then `> kill $pid`); once
                            captured, $NAME in an expected line must be that same word;
                            `\\$` is a dollar sign
  @hosted: X / @bare: X     the line X (of any kind) only on that HAL (--hal); what
                            legitimately differs between the sim and bare metal
  ! stats-before            send `stats` and keep its counters (the leak gate's start)
  ! stats-after             send `stats` and compare the gated counters (GATED below) with
                            the kept ones; a difference is retried a few times over about
                            a second (exited fibers and zombies are reaped lazily) before
                            it fails, naming each counter, before and after
  ! timeout S               seconds to wait for each later prompt (default --timeout)
  ! exit N                  the machine must stop (after `> halt N`, or at the end of the
                            file, when the runner closes stdin) with exit status N

A step that does not see its prompt in time, output that does not match, or a machine that
stops early fails with the session line, what was expected, and the transcript so far.

--pty runs COMMAND on a pseudo-terminal that is its controlling terminal, instead of
pipes: what a person at `make run` has, so a Ctrl-C that the machine lets the terminal
turn into SIGINT (QEMU with plain -serial stdio) ends it, and the session fails.

--steps FILE writes one line per `>` step and leak-gate directive, pass or fail:
LINENO<TAB>RESULT (pass, fail, not-reached)<TAB>SPECIFIC (1 when an @hosted:/@bare: line
belongs to the step)<TAB>WHAT (the line sent, or the directive). scripts/parity.sh reads
them into docs/parity.md.
"""
import argparse
import fcntl
import os
import pty
import random
import re
import subprocess
import sys
import termios
import threading
import time

PROMPT = re.compile(rb"nipbox:[^\n]*\$ \Z")
GATED = ("mem_free_pages", "mem_objects", "fibers", "procs_live", "procs_zombies",
         "ring_slots", "spaces_live", "handles_open")


class Fail(Exception):
    pass


def unescape(s, names):
    """A send line's bytes: escapes and $NAME substitution."""
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if n == "x" and i + 3 < len(s) + 0 and re.fullmatch(r"[0-9a-fA-F]{2}", s[i + 2:i + 4]):
                out.append(int(s[i + 2:i + 4], 16))
                i += 4
                continue
            out += {"n": b"\n", "r": b"\r", "t": b"\t"}.get(n, n.encode())
            i += 2
            continue
        if c == "$":
            m = re.match(r"\$([A-Za-z_][A-Za-z0-9_]*)", s[i:])
            if m and m.group(1) in names:
                out += names[m.group(1)].encode()
                i += len(m.group(0))
                continue
        out += c.encode()
        i += 1
    return bytes(out)


def line_regex(pat, groups, names):
    """One expected line as a regex; $NAME captures into a group recorded in `groups`."""
    rx = ""
    i = 0
    while i < len(pat):
        c = pat[i]
        if c == "\\" and i + 1 < len(pat):
            rx += re.escape(pat[i + 1])
            i += 2
        elif pat.startswith("%N", i):
            rx += "[1-9][0-9]*"
            i += 2
        elif c == "*":
            rx += "[^\n]*?"
            i += 1
        elif c == "$" and re.match(r"\$[A-Za-z_]", pat[i:]):
            name = re.match(r"\$([A-Za-z_][A-Za-z0-9_]*)", pat[i:]).group(1)
            i += 1 + len(name)
            if name in names:  # captured before: must be the same value
                rx += re.escape(names[name])
                continue
            g = "g%d" % len(groups)
            groups.append((g, name))
            rx += "(?P<%s>[A-Za-z0-9_.+-]+)" % g
        else:
            rx += re.escape(c)
            i += 1
    return rx


class Step:
    def __init__(self, lineno, kind, arg):
        self.lineno, self.kind, self.arg = lineno, kind, arg
        self.expect = []   # expected output lines
        self.inject = []   # (delay seconds, bytes text) for >> lines
        self.specific = 0  # an @hosted:/@bare: line belongs to it
        self.result = "not-reached"


def parse(path, hal):
    steps = [Step(0, "boot", None)]
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            m = re.match(r"@(hosted|bare):\s?(.*)\Z", line)
            if m:
                steps[-1].specific = 1
                if m.group(1) != hal:
                    continue
                line = m.group(2)
            if line.startswith("#"):
                continue
            if line.startswith(">> "):
                m = re.match(r">> (\d+)(ms|s)(?: (.*))?\Z", line)
                if not m:
                    raise SystemExit("%s:%d: expected '>> DELAY BYTES' (e.g. >> 200ms \\x03)" % (path, n))
                delay = int(m.group(1)) / (1000.0 if m.group(2) == "ms" else 1.0)
                steps[-1].inject.append((delay, m.group(3) or ""))
            elif line.startswith("> ") or line == ">":
                steps.append(Step(n, "send", line[2:]))
            elif line.startswith("! "):
                words = line[2:].split()
                if words[0] not in ("stats-before", "stats-after", "timeout", "exit"):
                    raise SystemExit("%s:%d: unknown directive '%s'" % (path, n, words[0]))
                steps.append(Step(n, words[0], words[1] if len(words) > 1 else None))
            elif line.strip() == "" and not steps[-1].expect and steps[-1].kind != "send":
                continue  # blank lines between directives
            else:
                steps[-1].expect.append(line)
    return steps


class Machine:
    def __init__(self, cmd, log, use_pty=False):
        self.master = None
        if use_pty:
            self.master, slave = pty.openpty()

            def own_terminal():  # a session of its own, the pty its controlling terminal
                os.setsid()
                fcntl.ioctl(0, termios.TIOCSCTTY, 0)
            self.p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave,
                                      preexec_fn=own_terminal)
            os.close(slave)
        else:
            self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT)
        self.buf = bytearray()
        self.cv = threading.Condition()
        self.eof = False
        self.log = log
        self.start = time.monotonic()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        fd = self.master if self.master is not None else self.p.stdout.fileno()
        while True:
            try:
                b = os.read(fd, 65536)
            except OSError:  # a pty whose other side has closed
                b = b""
            with self.cv:
                if not b:
                    self.eof = True
                else:
                    self.buf += b.replace(b"\r", b"")
                self.cv.notify_all()
            if not b:
                return

    def text(self, start=0, end=None):
        with self.cv:
            return bytes(self.buf[start:end]).decode("utf-8", "replace")

    def send(self, data):
        try:
            if self.master is not None:
                while data:  # a pty takes what its buffer holds
                    data = data[os.write(self.master, data):]
                return
            self.p.stdin.write(data)
            self.p.stdin.flush()
        except OSError:  # the machine has gone (a broken pipe, a closed pty)
            pass

    def wait_prompt(self, pos, timeout):
        """Waits until the output past pos ends in a prompt (returns the end of the output
        before the prompt and the new position) or the machine stops (returns None)."""
        deadline = time.monotonic() + timeout
        with self.cv:
            while True:
                m = PROMPT.search(self.buf, pos)
                if m:
                    return m.start(), len(self.buf)
                if self.eof:
                    return None
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                self.cv.wait(min(left, 0.05))


def match(step, out, names, hal):
    """Matches one step's output lines against its expectations; fills names."""
    lines = out.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    groups = []
    rx = ""
    for e in step.expect:
        rx += r"(?:[^\n]*\n)*?" if e == "..." else line_regex(e, groups, names) + r"\n"
    text = "".join(l + "\n" for l in lines)
    m = re.fullmatch(rx, text)
    if not m:
        raise Fail("output does not match\n---- expected ----\n%s\n---- got ----\n%s" %
                   ("\n".join(step.expect), text))
    for g, name in groups:
        names[name] = m.group(g)


def stats_of(out):
    vals = {}
    for l in out.split("\n"):
        m = re.fullmatch(r"([a-z_]+) (\d+)", l)
        if m:
            vals[m.group(1)] = int(m.group(2))
    missing = [k for k in GATED if k not in vals]
    if missing:
        raise Fail("stats printed no %s:\n%s" % (", ".join(missing), out))
    return vals


def run(args, steps):
    logf = open(args.log, "w") if args.log else None
    m = Machine(args.command, logf, args.pty)
    names, before = {}, None
    timeout, want_exit = args.timeout, None
    pos = 0
    step = None

    def command(data, s, tmo):
        """Sends one line after the prompt seen; returns the output past its echo."""
        nonlocal pos
        m.send(data)
        last = time.monotonic()
        for delay, text in s.inject if s else ():
            time.sleep(max(0.0, last + delay - time.monotonic()))
            m.send(unescape(text, names))
            last = time.monotonic()
        r = m.wait_prompt(pos, tmo)
        end, newpos = r if r else (None, None)
        out = m.text(pos, end)
        pos = newpos if r else len(m.buf)
        # the first line is the shell's echo of what was typed
        nl = out.find("\n")
        return (out[nl + 1:] if nl >= 0 else ""), r is not None

    def stats():
        out, alive = command(b"stats\n", None, timeout)
        if not alive:
            raise Fail("the machine stopped during stats")
        return stats_of(out)

    try:
        for i, step in enumerate(steps):
            if step.kind == "boot":
                r = m.wait_prompt(0, timeout)
                if r is None:
                    raise Fail("the machine stopped before the first prompt")
                match(step, m.text(0, r[0]), names, args.hal)
                pos = r[1]
            elif step.kind == "timeout":
                timeout = float(step.arg)
            elif step.kind == "exit":
                want_exit = int(step.arg)
            elif step.kind == "stats-before":
                before = stats()
            elif step.kind == "stats-after":
                if before is None:
                    raise Fail("stats-after without stats-before")
                tries = 0
                while True:
                    after = stats()
                    diff = [k for k in GATED if after[k] != before[k]]
                    if not diff or tries == 10:
                        break
                    tries += 1
                    time.sleep(0.1)
                if diff:
                    raise Fail("leak gate: " + ", ".join(
                        "%s %d before, %d after" % (k, before[k], after[k]) for k in diff))
                print("session.py: leak gate: %s back to their values%s" %
                      (", ".join(GATED), " (after %d re-reads)" % tries if tries else ""))
            else:
                if step.arg.startswith("@bytes "):
                    n, c = step.arg.split()[1:3]
                    data = c.encode() * int(n) + b"\n"
                elif step.arg.startswith("@garbage "):
                    n, seed = step.arg.split()[1:3]
                    rnd = random.Random(int(seed))
                    data = bytes(b for b in (rnd.randrange(256) for _ in range(int(n) * 2))
                                 if b not in (3, 4, 10, 13))[:int(n)] + b"\x15\n"
                else:
                    data = unescape(step.arg, names) + b"\n"
                out, alive = command(data, step, timeout)
                if not alive and any(s.kind == "send" for s in steps[i + 1:]):
                    raise Fail("the machine stopped before the next command")
                match(step, out, names, args.hal)
            step.result = "pass"
        step = None
        if m.master is None:
            m.p.stdin.close()  # (a terminal stays open: the machine must stop by itself)
        try:
            code = m.p.wait(timeout)
        except subprocess.TimeoutExpired:
            raise Fail("the machine did not stop within %ss after the last command" % timeout)
        if want_exit is not None and code != want_exit:
            raise Fail("exit status %d, expected %d" % (code, want_exit))
    except (Fail, TimeoutError) as e:
        what = str(e) if isinstance(e, Fail) else "no prompt within %ss" % timeout
        where = "%s:%d" % (args.session, step.lineno) if step else args.session
        if step and step.kind == "send":
            where += " (> %s)" % (step.arg if len(step.arg) < 80 else step.arg[:60] + "...")
        tail = m.text()
        if len(tail) > 20000:
            tail = "[... %d bytes ...]\n" % (len(tail) - 20000) + tail[-20000:]
        sys.stderr.write("session.py: %s: %s\n---- transcript so far (%.1f s) ----\n%s\n" %
                         (where, what, time.monotonic() - m.start, tail))
        if step:
            step.result = "fail"
        m.p.kill()
        m.p.wait()
        return 1
    finally:
        if logf:
            logf.write(m.text())
            logf.close()
        if args.steps:
            with open(args.steps, "w", encoding="utf-8") as f:
                for s in steps:
                    if s.kind in ("send", "stats-before", "stats-after"):
                        what = s.arg if s.kind == "send" else "! " + s.kind
                        f.write("%d\t%s\t%d\t%s\n" % (s.lineno, s.result, s.specific, what))
    print("session.py: %s: %d steps ok, exit %d (%.1f s)" %
          (os.path.basename(args.session), sum(s.kind == "send" for s in steps), code,
           time.monotonic() - m.start))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hal", choices=("hosted", "bare"), default="hosted")
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--log")
    ap.add_argument("--steps")
    ap.add_argument("--pty", action="store_true")
    ap.add_argument("session")
    ap.add_argument("command", nargs="+")
    args = ap.parse_args()
    return run(args, parse(args.session, args.hal))


if __name__ == "__main__":
    sys.exit(main())
