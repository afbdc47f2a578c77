#!/usr/bin/env python3
"""bench_user.py — the driver behind bench/bench_user.sh (issue D's benchmarks).

Part "calls": the program sysbench inside rumpk-sim (fed to the shell on the sim's stdin:
`sysbench ...` then `halt 0`) against its Linux twin user_peer (syscall(SYS_getpid),
posix_spawn + waitpid of the static exec_nop), alternately in ABBA order, one boot and one
peer process per pair. Every ratio is rumpk / Linux per operation, taken per pair; the
median of the pair ratios is judged against the goal.

Part "start": rumpk-sim against sim_empty (the same shared libraries, prints the prompt and
waits), each started on a fresh pty, ABBA pairs: spawn to the prompt "nipbox:/$ " on the
pty, RSS at the prompt (VmRSS), then for the sim its idle wake-ups at the prompt (context
switches of all its threads over IDLE seconds) and the round trip of "echo hi" at the
prompt (write the line, read until "hi" and the next prompt) against the same round trip
through /bin/cat on a raw pty (the pty's own floor, same run).

No figure here passes or fails a test: the script prints each with its goal, met or NOT
met, and exits 0 unless a run itself failed.
"""
import argparse, os, pty, re, select, signal, statistics, subprocess, sys, time, tty

PROMPT = b"nipbox:/$ "


def die(msg):
    sys.exit("bench_user: " + msg)


def parse(text, tag):
    """{'getpid': {'n': .., 'ns': ..}, ...} from lines '<tag>: KEY k=v k=v'."""
    out = {}
    for m in re.finditer(tag + r": (\w+) ([^\r\n]*)", text):
        out[m.group(1)] = {k: int(v) for k, v in re.findall(r"(\w+)=(-?\d+)", m.group(2))}
    return out


def run_rumpk(a):
    cmd = "sysbench -n %d -b %d -s %d\nhalt 0\n" % (a.n, a.batch, a.spawns)
    p = subprocess.run([a.sim, "--display", "none", "--initrd", a.initrd], input=cmd.encode(), capture_output=True,
                       timeout=300)
    out = p.stdout.decode(errors="replace")
    r = parse(out, "sysbench")
    if p.returncode != 0 or "spawn" not in r:
        die("rumpk-sim run failed (exit %d):\n%s%s" % (p.returncode, out, p.stderr.decode(errors="replace")))
    return r


def run_linux(a):
    p = subprocess.run([a.peer, "-n", str(a.n), "-s", str(a.spawns), a.nop], capture_output=True,
                       timeout=300)
    r = parse(p.stdout.decode(), "linux")
    if p.returncode != 0 or "spawn" not in r:
        die("user_peer failed (exit %d): %s" % (p.returncode, p.stderr.decode()))
    return r


def per_op(r, key):
    return r[key]["ns"] / r[key].get("n", 1)


def abba(pairs, fa, fb):
    """[(a_result, b_result)] in ABBA order."""
    res = []
    for i in range(pairs):
        if i & 1:
            b = fb(); a = fa()
        else:
            a = fa(); b = fb()
        res.append((a, b))
    return res


def verdict(value, goal, fmt="%.3f"):
    ok = value <= goal
    return ("met" if ok else "NOT met") + (" (" + fmt + (" <= " if ok else " > ") + fmt + ")") % (value, goal)


def line(name, ratios, a_name, a_vals, b_name, b_vals, unit, goal=None):
    med = statistics.median(ratios)
    s = "%s: %.3f (median of %d ABBA pairs, range %.3f..%.3f; %s %.1f %s, %s %.1f %s)" % (
        name, med, len(ratios), min(ratios), max(ratios), a_name, statistics.median(a_vals), unit,
        b_name, statistics.median(b_vals), unit)
    if goal is not None:
        s += "  goal <= %.2f: %s" % (goal, verdict(med, goal))
    print(s, flush=True)
    return med


def part_calls(a):
    pairs = abba(a.pairs, lambda: run_rumpk(a), lambda: run_linux(a))
    lin = [per_op(l, "getpid") for _, l in pairs]
    rows = [("getpid_peace", "syscall round trip, one packet, Peace (doorbell per call) / Linux syscall(SYS_getpid)", 0.25),
            ("getpid", "syscall round trip, one packet, after warm-up / Linux syscall(SYS_getpid)", 0.25),
            ("getpid_batch", "syscall per packet, batches of %d / Linux syscall(SYS_getpid)" % a.batch, 0.25)]
    for key, name, goal in rows:
        rk = [per_op(r, key) for r, _ in pairs]
        wars = sorted(set(r[key]["war"] for r, _ in pairs))
        line("user: " + name + " [War mode at the end: %s]" % "/".join(
            {0: "no", 1: "yes"}.get(w, "unknown") for w in wars),
             [x / y for x, y in zip(rk, lin)], "rumpk", rk, "linux", lin, "ns/op", goal)
    if all(r[k]["war"] != 1 for r, _ in pairs for k in ("getpid", "getpid_batch")):
        print("user: note: the kernel never reported War mode (RUMPK_STATS_WAR), even after the "
              "batched warm-up: every figure above is Peace, a doorbell per call or per batch", flush=True)
    for key, name, goal in [("spawn_first", "exec first (spawn+run+exit+wait of /bin/true, the boot's first) / Linux posix_spawn+waitpid (the process's first)", 0.6),
                            ("spawn", "exec repeated (image cache: the signature check skipped) / Linux posix_spawn+waitpid repeated", 0.1)]:
        rk = [per_op(r, key) / 1000 for r, _ in pairs]
        lx = [per_op(l, key) / 1000 for _, l in pairs]
        line("user: " + name, [x / y for x, y in zip(rk, lx)], "rumpk", rk, "linux", lx, "us/op", goal)


class Pty:
    """A process on a fresh pty; its output is read from the master."""

    def __init__(self, argv, raw=False):
        self.master, slave = pty.openpty()
        if raw:
            tty.setraw(slave)
        self.buf = b""
        self.t0 = time.perf_counter_ns()
        self.p = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, close_fds=True,
                                  start_new_session=True)
        os.close(slave)

    def wait_for(self, pat, timeout=10.0):
        """Reads until pat is in the unread output; ns when it was seen; drops the output up to it."""
        end = time.monotonic() + timeout
        while pat not in self.buf:
            left = end - time.monotonic()
            if left <= 0 or not select.select([self.master], [], [], left)[0]:
                die("no %r from %s within %.0f s; got %r" % (pat, self.p.args[0], timeout, self.buf[-300:]))
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                die("%s ended before %r; got %r" % (self.p.args[0], pat, self.buf[-300:]))
            self.buf += chunk
        t = time.perf_counter_ns()
        self.buf = self.buf[self.buf.index(pat) + len(pat):]
        return t

    def proc(self, field):
        """Sum of a /proc status field over the process's threads (kB or a count)."""
        total = 0
        tasks = os.listdir("/proc/%d/task" % self.p.pid) if field.endswith("switches") else [None]
        for t in tasks:
            path = "/proc/%d/status" % self.p.pid if t is None else "/proc/%d/task/%s/status" % (self.p.pid, t)
            with open(path) as f:
                for l in f:
                    if l.startswith(field + ":"):
                        total += int(l.split()[1])
        return total

    def close(self, bye=None):
        if bye:
            os.write(self.master, bye)
        try:
            self.p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        os.close(self.master)


def start_sim(a):
    s = Pty([a.sim, "--display", "none", "--initrd", a.initrd])
    t = s.wait_for(PROMPT)
    return s, (t - s.t0) / 1e6


def part_start(a):
    def sim():
        s, ms = start_sim(a)
        rss = s.proc("VmRSS")
        s.close(b"halt 0\n")
        return ms, rss

    def empty():
        s = Pty([a.empty])
        ms = (s.wait_for(PROMPT) - s.t0) / 1e6
        rss = s.proc("VmRSS")
        s.close(b"\x04")  # Ctrl-D on the pty: the end of its input
        return ms, rss

    pairs = abba(a.start_pairs, sim, empty)
    diff = [x[0] - y[0] for x, y in pairs]
    sm = [x[0] for x, _ in pairs]
    em = [y[0] for _, y in pairs]
    med = statistics.median(diff)
    print("start: rumpk-sim spawn to prompt - sim_empty spawn to prompt = %.3f ms (median of %d ABBA "
          "pairs, range %.3f..%.3f; rumpk-sim %.3f ms, sim_empty %.3f ms)  goal <= 1.5 ms: %s" % (
              med, len(diff), min(diff), max(diff), statistics.median(sm), statistics.median(em),
              verdict(med, 1.5, "%.3f")), flush=True)
    print("start: main() to prompt, estimated as that difference (the work rumpk-sim does that "
          "sim_empty does not: %.3f ms)  goal <= 1 ms: %s" % (med, verdict(med, 1.0, "%.3f")), flush=True)
    rd = [(x[1] - y[1]) / 1024 for x, y in pairs]
    print("start: RSS at the prompt, rumpk-sim - sim_empty = %.2f MB (median of %d pairs, range "
          "%.2f..%.2f; rumpk-sim %d kB, sim_empty %d kB)  goal <= 1.5 MB: %s" % (
              statistics.median(rd), len(rd), min(rd), max(rd), statistics.median(x[1] for x, _ in pairs),
              statistics.median(y[1] for _, y in pairs), verdict(statistics.median(rd), 1.5, "%.2f")), flush=True)

    # idle wake-ups: context switches of every thread of the sim at the prompt
    s, _ = start_sim(a)
    time.sleep(0.2)
    v0, n0 = s.proc("voluntary_ctxt_switches"), s.proc("nonvoluntary_ctxt_switches")
    time.sleep(a.idle)
    v1, n1 = s.proc("voluntary_ctxt_switches"), s.proc("nonvoluntary_ctxt_switches")
    rate = (v1 - v0 + n1 - n0) / a.idle
    print("idle: rumpk-sim at the prompt: %.1f wake-ups/s (%d voluntary + %d involuntary context "
          "switches in %.1f s)  goal 0/s: %s" % (rate, v1 - v0, n1 - n0, a.idle,
                                                  "met" if v1 - v0 + n1 - n0 == 0 else "NOT met"), flush=True)

    # echo hi at the prompt, against cat on a raw pty
    c = Pty(["cat"], raw=True)
    sim_us, cat_us = [], []

    def one_sim():
        t0 = time.perf_counter_ns()
        os.write(s.master, b"echo hi\r")
        s.wait_for(b"hi\r\n")
        t1 = s.wait_for(PROMPT)
        sim_us.append((t1 - t0) / 1e3)

    def one_cat():
        t0 = time.perf_counter_ns()
        os.write(c.master, b"echo hi\r")
        t1 = c.wait_for(b"echo hi\r")
        cat_us.append((t1 - t0) / 1e3)

    for _ in range(5):
        one_sim(); one_cat()
    sim_us.clear(); cat_us.clear()
    abba(a.echo, one_sim, one_cat)
    ratios = [x / y for x, y in zip(sim_us, cat_us)]
    ms = statistics.median(sim_us)
    print("echo: 'echo hi' at the prompt over a pty, to the next prompt: %.1f us (median of %d, range "
          "%.1f..%.1f)  goal <= 75 us: %s; the pty's floor, cat on a raw pty in the same run: %.1f us "
          "(rumpk / cat %.2f)" % (ms, len(sim_us), min(sim_us), max(sim_us), verdict(ms, 75, "%.1f"),
                                   statistics.median(cat_us), statistics.median(ratios)), flush=True)
    s.close(b"halt 0\n")
    c.p.send_signal(signal.SIGTERM)
    c.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build/hosted")
    ap.add_argument("--pairs", type=int, default=11)
    ap.add_argument("--start-pairs", type=int, default=21)
    ap.add_argument("-n", type=int, default=100000)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--spawns", type=int, default=200)
    ap.add_argument("--echo", type=int, default=400)
    ap.add_argument("--idle", type=float, default=2.0)
    ap.add_argument("--part", choices=["calls", "start", "all"], default="all")
    ap.add_argument("--smoke", action="store_true", help="2 pairs, few operations: proves it runs")
    a = ap.parse_args()
    if a.smoke:
        a.pairs, a.start_pairs, a.n, a.spawns, a.echo, a.idle = 2, 2, 2000, 5, 10, 0.3
    b = a.build
    a.sim, a.initrd = b + "/sim/rumpk-sim", b + "/initrd.tar"
    a.peer, a.nop, a.empty = b + "/bench/exec/user_peer", b + "/bench/exec/exec_nop", b + "/bench/sim_empty"
    for f in (a.sim, a.initrd, a.peer, a.nop, a.empty):
        if not os.path.exists(f):
            die("%s is missing: build the hosted preset first (scripts/build.sh hosted)" % f)
    print("bench_user: %s, load average %.2f" % (time.strftime("%Y-%m-%d %H:%M"), os.getloadavg()[0]), flush=True)
    if a.part in ("calls", "all"):
        part_calls(a)
    if a.part in ("start", "all"):
        part_start(a)


if __name__ == "__main__":
    main()
