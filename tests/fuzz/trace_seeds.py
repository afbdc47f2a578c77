#!/usr/bin/env python3
"""trace_seeds.py DIR — seeds for fuzz_trace: a small binary trace with one record of every
type (layout: rumpk/abi.h, struct rumpk_trace_hdr/rec) and the same trace as the framed
console lines a bare-metal kernel writes at halt (src/libk/bm_trace.c)."""
import os
import struct
import sys


def frame_sum(lineno, b):
    h = 2166136261
    for x in struct.pack("<I", lineno) + b:
        h = ((h ^ x) * 16777619) & 0xffffffff
    return h


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    hdr = b"RUMPKTRC" + struct.pack("<IIII", 1, 56, 2, 0) + b"riscv64-virt".ljust(16, b"\0")
    recs = b""
    # type flags arg_region res_region pid time kind res0 tag a b a2 arg res hash
    for t, flags, ar, rr, kind in ((1, 0, 0, 0, 0), (4, 0, 0, 0, 0), (2, 0, 3, 0, 1),
                                   (2, 1, 6, 0, 2), (2, 0, 0, 3, 17), (3, 0, 2, 2, 1),
                                   (6, 0, 0, 0, 1), (7, 0, 0, 0, 0), (5, 0, 0, 0, 0),
                                   (8, 0, 0, 0, 0)):
        recs += struct.pack("<BBBBIIHHIIIIQQQ", t, flags, ar, rr, 1, 1000, kind, 0, 7, 1, 6, 0,
                            0x20, 6, 0x1234)
    trace = hdr + recs
    with open(os.path.join(out, "trace.bin"), "wb") as f:
        f.write(trace)
    lines = ["noise before\r", "rumpk-trace begin 1"]
    n = 0
    for off in range(0, len(trace), 48):
        chunk = trace[off:off + 48]
        lines.append("rumpk-trace %d %s %08x" % (n, chunk.hex(), frame_sum(n, chunk)))
        n += 1
    lines.append("rumpk-trace end %d %d 0" % (n, len(trace)))
    lines.append("halted, code 0")
    with open(os.path.join(out, "frames.log"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
