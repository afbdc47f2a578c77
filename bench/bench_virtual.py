#!/usr/bin/env python3
"""bench/bench_virtual.py [--build DIR] [--runs N] [--rounds N] [--smoke] — the sim's virtual mode
(docs/simulation.md): how fast simulated time goes, and what the budget checks cost.

Figures (each the median of --runs runs, the runs of a comparison alternated ABBA):

  idle     simulated seconds per wall second of `sleep 1000` at the shell: an idle CPU
           jumps to the next deadline, so this is the cost of one boot and a few jumps
  busy     the same for `spin &` then `sleep 10`: ten simulated seconds of a program
           that never stops, preempted by its budget checks
  hook     `spin N` (N rounds of a one-block loop, then exit), real clock, as built for
           real mode (no checks) and for virtual mode (a check per round: the worst case),
           and the virtual copy in virtual mode (charges too): wall time of the run minus
           that of the same session without the spin (boot and halt), and the ratios

Every run is checked: exit status 0 and 'halted, code 0'. The sim's own start (~5 ms) is
part of idle and busy, which is why idle is a lower bound. Prints one line per figure.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def run(sim, args, session):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(session)
        path = f.name
    try:
        t0 = time.perf_counter()
        with open(path) as stdin:
            p = subprocess.run([sim, "--display", "none"] + args, stdin=stdin,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        t = time.perf_counter() - t0
    finally:
        os.unlink(path)
    out = p.stdout.decode(errors="replace")
    if p.returncode != 0 or "halted, code 0" not in out:
        sys.exit("bench_virtual: %s %s: exit %d\n%s%s" % (sim, " ".join(args), p.returncode,
                                                           out[-2000:], p.stderr.decode()))
    return t


def abba(runs, a, b):
    """Alternates a() and b() as ABBA pairs; returns the two lists of times."""
    ta, tb = [], []
    for i in range(runs):
        if i % 2 == 0:
            ta.append(a())
            tb.append(b())
        else:
            tb.append(b())
            ta.append(a())
    return ta, tb


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build/hosted")
    ap.add_argument("--runs", type=int, default=6)
    ap.add_argument("--rounds", type=int, default=300000000, help="N of spin N")
    ap.add_argument("--smoke", action="store_true",
                    help="one run each, a million rounds, a 1 s busy session: proves it works")
    a = ap.parse_args()
    busy_s = 10
    if a.smoke:
        a.runs, a.rounds, busy_s = 1, 1000000, 1
    sim = os.path.join(a.build, "sim", "rumpk-sim")
    plain = os.path.join(a.build, "initrd.tar")
    virt = os.path.join(a.build, "initrd-virtual.tar")
    vmode = ["--clock", "virtual", "--seed", "1", "--initrd", virt]

    idle = [run(sim, vmode, "sleep 1000\n") for _ in range(a.runs)]
    print("virtual: idle   %.0f simulated s per wall s (sleep 1000: %.1f ms wall, median of %d)"
          % (1000 / statistics.median(idle), statistics.median(idle) * 1e3, a.runs))
    busy = [run(sim, vmode, "spin &\nsleep %d\nkill 2\n" % busy_s) for _ in range(a.runs)]
    print("virtual: busy   %.2f simulated s per wall s (spin & + sleep %d: %.0f ms wall, "
          "median of %d)" % (busy_s / statistics.median(busy), busy_s,
                             statistics.median(busy) * 1e3, a.runs))

    n = a.rounds
    work = "spin %d\n" % n
    base_p, spin_p = abba(a.runs, lambda: run(sim, ["--initrd", plain], "true\n"),
                          lambda: run(sim, ["--initrd", plain], work))
    base_v, spin_v = abba(a.runs, lambda: run(sim, ["--initrd", virt], "true\n"),
                          lambda: run(sim, ["--initrd", virt], work))
    base_vv, spin_vv = abba(a.runs, lambda: run(sim, vmode, "true\n"),
                            lambda: run(sim, vmode, work))
    plain_s = statistics.median(spin_p) - statistics.median(base_p)
    hook_s = statistics.median(spin_v) - statistics.median(base_v)
    vv_s = statistics.median(spin_vv) - statistics.median(base_vv)
    print("virtual: hook   spin %d: %.3f s plain, %.3f s with budget checks (%.1fx), "
          "%.3f s with checks in virtual mode (%.1fx); %.2f / %.2f / %.2f ns per round"
          % (n, plain_s, hook_s, hook_s / plain_s, vv_s, vv_s / plain_s,
             plain_s * 1e9 / n, hook_s * 1e9 / n, vv_s * 1e9 / n))


if __name__ == "__main__":
    main()
