#!/usr/bin/env python3
"""bench_swpan.py [--pairs P] [--n N] — what aarch64's software PAN costs per system call.

Boots two aarch64 kernels alternately (ABBA, P pairs) to the shell and runs
`sysbench -t -n N -s S` (and `-p /bin/hello`) in each, as bench_bare.py does:
  A  build/aarch64         the real kernel: TTBR0 on the empty table (ASID 0) whenever
                           the kernel runs, the space's table loaded only on the way out
                           to EL0 and inside the user-copy routines (src/hal-aarch64/mmu.c)
  B  build/aarch64-nopan   the same sources with -DRUMPK_AARCH64_SWPAN=OFF: the kernel keeps
                           the last resumed space's table, nothing is swapped
Make B once with
  cmake --preset aarch64 -B build/aarch64-nopan -DRUMPK_AARCH64_SWPAN=OFF
  ninja -C build/aarch64-nopan rumpk-aarch64 initrd
and prints, per kernel, the median getpid round trip (cntvct_el0 ticks and ns), exec to
exit of hello (repeated), and the difference A - B: the swaps' cost per round trip.
Nothing passes or fails on a figure.
"""
import argparse
import os
import statistics
import sys

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(top, "tests", "boot"))
sys.path.insert(0, os.path.join(top, "bench"))
import bench_bare  # noqa: E402  (drive, parse)


def run(build, n, s):
    kernel = os.path.join(top, build, "rumpk-aarch64.bin")
    initrd = os.path.join(top, build, "initrd.tar")
    for f in (kernel, initrd):
        if not os.path.exists(f):
            raise SystemExit("bench_swpan.py: no %s (see --help)" % f)
    bench_bare.command_for = lambda t: [os.path.join(top, "scripts/qemu.sh"), "aarch64",
                                        "--kernel", kernel, "--initrd", initrd]
    f = bench_bare.parse(bench_bare.drive("aarch64", [
        "sysbench -t -n %d -s %d" % (n, s), "sysbench -t -n 100 -s %d -p /bin/hello" % s], 300))
    g, rep = f["getpid"][0], f["spawn"][1]
    return (int(g["ticks"]) / int(g["n"]), int(g["ns"]) / int(g["n"]),
            int(rep["ns"]) / int(rep["n"]) / 1000)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--spawns", type=int, default=20)
    a = ap.parse_args()
    kernels = {"swpan": "build/aarch64", "nopan": "build/aarch64-nopan"}
    res = {k: [] for k in kernels}
    for i in range(a.pairs):
        order = ["swpan", "nopan"] if i % 2 == 0 else ["nopan", "swpan"]
        for k in order:
            res[k].append(run(kernels[k], a.n, a.spawns))
    med = {k: [statistics.median(x[j] for x in v) for j in range(3)] for k, v in res.items()}
    for k in kernels:
        print("bench_swpan %s: getpid round trip %.0f ticks = %.0f ns; exec to exit of hello "
              "%.0f us (median of %d)" % (k, med[k][0], med[k][1], med[k][2], a.pairs))
    print("bench_swpan: software PAN costs %.0f ticks = %.0f ns per getpid round trip "
          "(%.2fx), %.0f us per exec to exit of hello" %
          (med["swpan"][0] - med["nopan"][0], med["swpan"][1] - med["nopan"][1],
           med["swpan"][0] / med["nopan"][0], med["swpan"][2] - med["nopan"][2]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
