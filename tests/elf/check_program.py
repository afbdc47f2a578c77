#!/usr/bin/env python3
"""check_program.py — holds a built user program to the static-PIE contract, as llvm-readelf
sees it (docs/loader.md). One ctest per program and machine (tests/elf/CMakeLists.txt).

    check_program.py --readelf LLVM_READELF --machine x86_64|riscv64|aarch64 [--big] ELF

Checks: ELF64 little-endian, ET_DYN for the named machine; no PT_INTERP; PT_DYNAMIC,
PT_GNU_RELRO and a non-executable PT_GNU_STACK present; no PT_LOAD both writable and
executable; no DT_NEEDED, no text relocations; every dynamic relocation R_<machine>_RELATIVE.
With --big (the loader's test program): at least one relocation, sections .rodata, .data,
.data.rel.ro and .bss present, and at least 4 KiB of code + data (.text, .rodata, .data*,
.sdata). Prints what it found; exits 1 naming every rule broken, and also when it could not
parse all that readelf announced (program headers, relocations): a check that matched
nothing must not pass.
"""
import argparse
import re
import subprocess
import sys

MACHINES = {
    "x86_64": ("Advanced Micro Devices X86-64", "R_X86_64_RELATIVE"),
    "riscv64": ("RISC-V", "R_RISCV_RELATIVE"),
    "aarch64": ("AArch64", "R_AARCH64_RELATIVE"),
}


def readelf(tool, flag, path):
    return subprocess.run([tool, flag, "--wide", path], check=True, capture_output=True,
                          text=True).stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--readelf", required=True)
    ap.add_argument("--machine", required=True, choices=sorted(MACHINES))
    ap.add_argument("--big", action="store_true")
    ap.add_argument("elf")
    a = ap.parse_args()
    machine_name, relative = MACHINES[a.machine]
    bad = []

    hdr = readelf(a.readelf, "-h", a.elf)
    field = dict(re.findall(r"^\s*([A-Za-z ]+):\s+(.*?)\s*$", hdr, re.M))
    if field.get("Class") != "ELF64":
        bad.append("not ELF64 (%s)" % field.get("Class"))
    if "little endian" not in field.get("Data", ""):
        bad.append("not little-endian")
    if not field.get("Type", "").startswith("DYN"):
        bad.append("type %s, want DYN (static PIE)" % field.get("Type"))
    if field.get("Machine") != machine_name:
        bad.append("machine %s, want %s" % (field.get("Machine"), machine_name))

    # "  LOAD  0x001000 0x...1000 0x...1000 0x000074 0x000074 R E 0x1000"
    segs = []
    for line in readelf(a.readelf, "-l", a.elf).splitlines():
        m = re.match(r"^\s+([A-Z_]+)\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x[0-9a-f]+"
                     r"\s+0x[0-9a-f]+\s+([RWE ]+?)\s+0x[0-9a-f]+\s*$", line)
        if m:
            segs.append((m.group(1), set(m.group(2).replace(" ", ""))))
    types = [t for t, _ in segs]
    m = re.search(r"^There are (\d+) program headers", readelf(a.readelf, "-l", a.elf), re.M)
    if not m or int(m.group(1)) != len(segs):
        bad.append("parsed %d program headers of the %s readelf announced: unknown output format"
                   % (len(segs), m.group(1) if m else "?"))
    if "INTERP" in types:
        bad.append("has PT_INTERP")
    for need in ("DYNAMIC", "GNU_RELRO", "GNU_STACK"):
        if types.count(need) != 1:
            bad.append("%d PT_%s, want 1" % (types.count(need), need))
    for t, flags in segs:
        if t == "GNU_STACK" and "E" in flags:
            bad.append("executable PT_GNU_STACK")
        if t == "LOAD" and {"W", "E"} <= flags:
            bad.append("a PT_LOAD both writable and executable")
    if "LOAD" not in types:
        bad.append("no PT_LOAD")

    dyn = readelf(a.readelf, "-d", a.elf)
    if "(NEEDED)" in dyn:
        bad.append("DT_NEEDED present")
    if "(TEXTREL)" in dyn or re.search(r"\(FLAGS\).*TEXTREL", dyn):
        bad.append("text relocations")

    # Every relocation readelf announces must be parsed, or a format this regex does not
    # know would pass as "no relocations other than RELATIVE".
    rtext = readelf(a.readelf, "-r", a.elf)
    relocs = re.findall(r"^[0-9a-f]{16}\s+[0-9a-f]{16}\s+(R_\w+)", rtext, re.M)
    announced = sum(int(n) for n in re.findall(
        r"^Relocation section '[^']*' at offset 0x[0-9a-f]+ contains (\d+) entr", rtext, re.M))
    if "There are no relocations in this file." in rtext:
        if relocs or announced:
            bad.append("readelf says there are no relocations, yet lists some")
    elif announced == 0 or len(relocs) != announced:
        bad.append("parsed %d relocations of the %d readelf announced: unknown output format"
                   % (len(relocs), announced))
    others = sorted(set(r for r in relocs if r != relative))
    if others:
        bad.append("relocations other than %s: %s" % (relative, ", ".join(others)))

    sizes = {}
    for m in re.finditer(r"\]\s+(\.\S+)\s+(\w+)\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)",
                         readelf(a.readelf, "-S", a.elf)):
        sizes[m.group(1)] = int(m.group(3), 16)
    code_data = sum(v for k, v in sizes.items()
                    if k in (".text", ".rodata", ".data", ".data.rel.ro", ".sdata"))
    if a.big:
        if not relocs:
            bad.append("no relocations (the test program must have .data pointers)")
        for s in (".rodata", ".data", ".data.rel.ro", ".bss"):
            if s not in sizes:
                bad.append("no %s section" % s)
        if code_data < 4096:
            bad.append("only %d bytes of code + data, want >= 4096" % code_data)

    print("%s: %s %s, segments %s, %d %s relocations, %d bytes code+data" % (
        a.elf, field.get("Type", "?").split()[0], a.machine, " ".join(types), len(relocs),
        relative, code_data))
    for b in bad:
        print("  FAIL: %s" % b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
