#!/usr/bin/env python3
"""qemu_until.py MARKER [--send TEXT] [--log FILE] -- COMMAND... — boot time to a marker.

Starts COMMAND (scripts/qemu.sh ...) with its stdin a pipe, reads its output until MARKER
appears (CRs dropped), prints the microseconds from just before the start to that moment
and QEMU's CPU time is left to the caller's `time`. Then sends TEXT (escapes \\n) if
given, e.g. "halt 0\\n" once the shell's prompt is there, closes stdin and waits for the
machine to stop; exits with its status, or 3 when it stopped or 60 s passed without the
marker. For bench/boot_qemu.sh --to-prompt.
"""
import argparse
import os
import select
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("marker")
    ap.add_argument("--send", default="")
    ap.add_argument("--log")
    ap.add_argument("command", nargs="+")
    a = ap.parse_args()
    marker = a.marker.encode()
    t0 = time.monotonic()
    p = subprocess.Popen(a.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    buf = bytearray()
    seen = None
    fd = p.stdout.fileno()
    while seen is None and time.monotonic() - t0 < 60:
        if not select.select([fd], [], [], max(0.0, 60 - (time.monotonic() - t0)))[0]:
            break
        b = os.read(fd, 65536)
        if not b:
            break
        buf += b.replace(b"\r", b"")
        if marker in buf:
            seen = time.monotonic()
    if seen is None:
        p.kill()
    elif a.send:
        p.stdin.write(a.send.encode().decode("unicode_escape").encode("latin-1"))
        p.stdin.flush()
    p.stdin.close()
    rest = p.stdout.read()
    buf += rest.replace(b"\r", b"")
    code = p.wait()
    if a.log:
        with open(a.log, "wb") as f:
            f.write(buf)
    if seen is None:
        sys.stderr.write("qemu_until.py: no '%s' in the output (status %d)\n" % (a.marker, code))
        return 3
    print(int((seen - t0) * 1e6))
    return code


if __name__ == "__main__":
    sys.exit(main())
