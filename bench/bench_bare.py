#!/usr/bin/env python3
"""bench_bare.py [--smoke] [--n N] [--spawns S] [TARGET...] — issues E1/E2's in-guest figures.

TARGET: hosted, riscv64, aarch64 (default: all three; each needs its preset built). Each
target boots to the shell (the sim: build/hosted/sim/rumpk-sim; QEMU: scripts/qemu.sh with
build/ARCH's kernel and initrd), then runs, from the shell:

  sysbench -t -n N -s S                 getpid round trips one at a time and batched, and
                                        spawn + wait of /bin/true
  sysbench -t -n 100 -s S -p /bin/hello spawn + wait of /bin/hello: exec to exit of hello

and prints, per target, the getpid round trip in the machine's own counter ticks (riscv64
rdtime, aarch64 cntvct_el0, x86_64 rdtsc, read in user mode by sysbench -t) and in ns (the
kernel's clock), batched per packet, and exec-to-exit of hello (the first of the boot, and
repeated). All targets run in the same invocation, one after another, so the figures sit
side by side; nothing passes or fails on a figure (--smoke only proves the path works:
small N and S).
"""
import argparse
import os
import re
import sys
import time

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(top, "tests", "boot"))
import session  # noqa: E402  (Machine: a booting rumpk driven through its console)


def command_for(target):
    if target == "hosted":
        return [os.path.join(top, "build/hosted/sim/rumpk-sim"), "--display", "none", "--initrd",
                os.path.join(top, "build/hosted/initrd.tar")]
    return [os.path.join(top, "scripts/qemu.sh"), target]


def drive(target, lines, timeout):
    """Boots target, sends each line after a prompt, returns all output."""
    m = session.Machine(command_for(target), None)
    pos = 0
    try:
        for line in lines + ["halt 0"]:
            r = m.wait_prompt(pos, timeout)
            if r is None:
                raise SystemExit("bench_bare.py: %s stopped early:\n%s" % (target, m.text()[-3000:]))
            pos = r[1]
            m.send(line.encode() + b"\n")
        m.p.stdin.close()
        m.p.wait(timeout)
    finally:
        if m.p.poll() is None:
            m.p.kill()
    return m.text()


def parse(out):
    figs = {}
    for l in out.split("\n"):
        mm = re.match(r"sysbench: (\w+) (.*)", l)
        if mm:
            kv = dict(x.split("=", 1) for x in mm.group(2).split())
            figs.setdefault(mm.group(1), []).append(kv)
    return figs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--spawns", type=int, default=50)
    ap.add_argument("targets", nargs="*", default=["hosted", "riscv64", "aarch64"])
    a = ap.parse_args()
    n, s = (200, 3) if a.smoke else (a.n, a.spawns)
    for t in a.targets:
        if t not in ("hosted", "riscv64", "aarch64"):
            raise SystemExit("bench_bare.py: unknown target %s" % t)
        t0 = time.monotonic()
        out = drive(t, ["sysbench -t -n %d -s %d" % (n, s),
                        "sysbench -t -n 100 -s %d -p /bin/hello" % s], 120)
        f = parse(out)
        try:
            g, b = f["getpid"][0], f["getpid_batch"][0]
            first, rep = f["spawn_first"][1], f["spawn"][1]
        except (KeyError, IndexError):
            raise SystemExit("bench_bare.py: %s: sysbench did not print its figures:\n%s" %
                             (t, out[-3000:]))
        gn = int(g["n"])
        print("bench_bare %s: getpid round trip %.0f ticks = %.0f ns (war=%s); batched (b=%s) "
              "%.0f ticks = %.0f ns per packet; exec to exit of hello: first %.0f us (%s ticks), "
              "repeated %.0f us (%.0f ticks) each; counter %.1f MHz (%.1f s)" %
              (t, int(g["ticks"]) / gn, int(g["ns"]) / gn, g["war"], b["b"],
               int(b["ticks"]) / int(b["n"]), int(b["ns"]) / int(b["n"]),
               int(first["ns"]) / 1000, first["ticks"],
               int(rep["ns"]) / int(rep["n"]) / 1000, int(rep["ticks"]) / int(rep["n"]),
               int(g["ticks"]) / int(g["ns"]) * 1000, time.monotonic() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
