#!/usr/bin/env python3
"""packet_seeds.py OUTDIR — seed inputs for fuzz_packet (format at the top of
fuzz_packet.c): for every kind, one well-formed request pushed and drained, then the
completion read; plus one with a forged id and one with an unknown kind."""
import os
import struct
import sys

ID = 0x0123456789abcdef
# kind: (a, b, arg), well-formed (docs/abi.md)
KINDS = {1: (1, 5, 0x10000), 2: (0, 64, 0x10000), 3: (0, 0, 0x10000), 4: (3, 0, 0),
         5: (3, 2, 0), 6: (3, 0, 0x10000), 7: (0, 0, 0x10000), 8: (0, 0, 0x10000),
         9: (0, 1, 0), 10: (0, 0, 0), 11: (0, 0, 0), 12: (0, 0, 1000000), 13: (0, 0, 0),
         14: (2, 0, 0), 15: (0, 4, 0x10000), 16: (0, 0, 0), 17: (0, 0, 0x4000),
         18: (0, 128, 0x10000), 19: (0, 0, 0)}


def packet(kind, tag, a, b, arg, pid=ID):
    return struct.pack("<HHIIIQQ", kind, 0, tag, a, b, arg, pid)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for kind, (a, b, arg) in KINDS.items():
        data = b"\0" + packet(kind, kind, a, b, arg) + b"\x04\x10" + b"\x05\x04"
        open(os.path.join(out, "kind-%02d" % kind), "wb").write(data)
    forged = b"\0" + packet(13, 1, 0, 0, 0, pid=ID ^ 1) + b"\x04\x10"
    open(os.path.join(out, "forged"), "wb").write(forged)
    unknown = b"\0" + packet(999, 2, 0, 0, 0) + b"\x04\x10"
    open(os.path.join(out, "unknown"), "wb").write(unknown)
    stall = b"".join(b"\0" + packet(13, t, 0, 0, 0) for t in range(8)) + b"\x04\x20\x05\x02\x04\x20"
    open(os.path.join(out, "stall"), "wb").write(stall)


if __name__ == "__main__":
    main()
