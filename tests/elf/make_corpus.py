#!/usr/bin/env python3
"""make_corpus.py — malformed ELF files made from a real program, each tagged with the exact
refusal the kernel's validator (src/core/elf.c) must give.

    make_corpus.py --input PROGRAM.elf --outdir DIR [--manifest FILE] [--errors-from elf.h]

PROGRAM.elf is a static-PIE program rumpk_add_program built (any machine: x86_64, riscv64,
aarch64) with relocations, PT_GNU_RELRO and .bss: src/user/ldtest is the one the build uses.
Each case copies it and breaks exactly one rule, so the validator, which stops at the first
problem in a fixed order, must name that rule. DIR receives NNN-<case>.elf files and the
manifest (default DIR/manifest.txt), one line per file:

    <file name> <ERROR NAME> <what was changed>

ERROR NAME is an elf_err name from elf.h (ELF_E_MAGIC ...; ELF_OK for the unmodified
control copy). Lines starting with '#' are comments. With --errors-from, the script reads
the ELF_ERRORS list in elf.h and fails unless every validator refusal (all but ELF_OK and
the loader's ELF_E_PLACEMENT) has at least one file and every tag is a known name.

Used by tests/elf/CMakeLists.txt (corpus at build time, test_elf checks every file) and
meant for the full signed path later: sign each file, pack it, expect the same tag.
"""
import argparse
import os
import re
import struct
import sys

# ---- ELF constants (gABI; psABI relocation numbers) ----------------------------------------
PT_NULL, PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_NOTE, PT_SHLIB, PT_PHDR, PT_TLS = range(8)
PT_GNU_EH_FRAME, PT_GNU_STACK, PT_GNU_RELRO, PT_GNU_PROPERTY = (0x6474E550, 0x6474E551,
                                                                 0x6474E552, 0x6474E553)
PF_X, PF_W, PF_R = 1, 2, 4
DT_NULL, DT_NEEDED, DT_PLTRELSZ, DT_RELA, DT_RELASZ, DT_RELAENT = 0, 1, 2, 7, 8, 9
DT_REL, DT_RELSZ, DT_DEBUG, DT_TEXTREL, DT_JMPREL, DT_FLAGS, DT_RELR = 17, 18, 21, 22, 23, 30, 36
DF_TEXTREL = 4
EM_386, EM_X86_64, EM_AARCH64, EM_RISCV = 3, 62, 183, 243
MAX_PHNUM = 32        # param.h ELF_MAX_PHNUM
MAX_LOADS = 8         # param.h ELF_MAX_LOADS
MAX_ALIGN = 64 << 10  # param.h ELF_MAX_ALIGN
IMAGE_SPAN = 64 << 20 # param.h USER_IMAGE_SPAN
PAGE = 4096
U64 = (1 << 64) - 1

# machine -> (RELATIVE, an absolute 64-bit type, GLOB_DAT, JUMP_SLOT)
RELOCS = {
    EM_X86_64: (8, 1, 6, 7),
    EM_RISCV: (3, 2, 2, 5),
    EM_AARCH64: (1027, 257, 1025, 1026),
}

EH = {"e_type": (16, "H"), "e_machine": (18, "H"), "e_version": (20, "I"),
      "e_entry": (24, "Q"), "e_phoff": (32, "Q"), "e_ehsize": (52, "H"),
      "e_phentsize": (54, "H"), "e_phnum": (56, "H")}
PH = {"p_type": (0, "I"), "p_flags": (4, "I"), "p_offset": (8, "Q"), "p_vaddr": (16, "Q"),
      "p_paddr": (24, "Q"), "p_filesz": (32, "Q"), "p_memsz": (40, "Q"), "p_align": (48, "Q")}


class Elf:
    """The facts of the input the mutations need; every mutation works on a fresh copy."""

    def __init__(self, data):
        self.data = bytes(data)
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            sys.exit("make_corpus: input is not a little-endian ELF64 file")
        self.machine = self.eh("e_machine")
        if self.machine not in RELOCS:
            sys.exit("make_corpus: unknown machine %d" % self.machine)
        self.phoff, self.phnum = self.eh("e_phoff"), self.eh("e_phnum")
        self.ph = [self.phdr(i) for i in range(self.phnum)]
        self.loads = [i for i, p in enumerate(self.ph) if p["p_type"] == PT_LOAD]
        self.text = next(i for i in self.loads if self.ph[i]["p_flags"] & PF_X)
        writable = [i for i in self.loads if self.ph[i]["p_flags"] & PF_W]
        self.relro_load, self.data_load = writable[0], writable[-1]
        self.first_load = self.loads[0]
        self.dyn = self.find(PT_DYNAMIC)
        self.relro = self.find(PT_GNU_RELRO)
        self.stack = self.find(PT_GNU_STACK)
        self.phdr_seg = self.find(PT_PHDR)
        if None in (self.dyn, self.relro, self.stack, self.phdr_seg):
            sys.exit("make_corpus: input lacks PT_DYNAMIC, PT_GNU_RELRO, PT_GNU_STACK or PT_PHDR")
        d = self.ph[self.dyn]
        self.dyn_entries = []  # (file offset, tag, value)
        for off in range(d["p_offset"], d["p_offset"] + d["p_filesz"], 16):
            tag, val = struct.unpack_from("<qQ", self.data, off)
            self.dyn_entries.append((off, tag, val))
        tags = {t: (o, v) for o, t, v in self.dyn_entries}
        if DT_RELA not in tags or DT_RELASZ not in tags or DT_RELAENT not in tags:
            sys.exit("make_corpus: input has no DT_RELA table (use a program with .data pointers)")
        self.rela_vaddr, self.relasz = tags[DT_RELA][1], tags[DT_RELASZ][1]
        self.rela_off = self.vaddr_to_off(self.rela_vaddr)
        self.nrela = self.relasz // 24
        # a dynamic entry nothing depends on, to turn into something else
        ignorable = [o for o, t, v in self.dyn_entries
                     if t not in (DT_NULL, DT_RELA, DT_RELASZ, DT_RELAENT, DT_FLAGS)]
        self.spare_dyn = ignorable[0]
        self.tag_off = {t: o for o, t, v in self.dyn_entries}

    def eh(self, name):
        off, fmt = EH[name]
        return struct.unpack_from("<" + fmt, self.data, off)[0]

    def phdr(self, i):
        base = self.phoff + 56 * i
        return {k: struct.unpack_from("<" + f, self.data, base + o)[0] for k, (o, f) in PH.items()}

    def find(self, ptype):
        return next((i for i, p in enumerate(self.ph) if p["p_type"] == ptype), None)

    def vaddr_to_off(self, va):
        for i in self.loads:
            p = self.ph[i]
            if p["p_vaddr"] <= va < p["p_vaddr"] + p["p_filesz"]:
                return p["p_offset"] + va - p["p_vaddr"]
        sys.exit("make_corpus: address %#x is not in the file" % va)


class Img(bytearray):
    """A mutable copy with typed field setters."""

    def __init__(self, elf):
        super().__init__(elf.data)
        self.elf = elf

    def set_eh(self, name, val):
        off, fmt = EH[name]
        mask = (1 << 8 * struct.calcsize(fmt)) - 1
        struct.pack_into("<" + fmt, self, off, val & mask)

    def set_ph(self, i, name, val):
        off, fmt = PH[name]
        base = self.elf.phoff + 56 * i
        struct.pack_into("<" + fmt, self, base + off, val & (U64 if fmt == "Q" else 0xFFFFFFFF))

    def set_dyn(self, off, tag=None, val=None):
        t, v = struct.unpack_from("<qQ", self, off)
        struct.pack_into("<qQ", self, off, t if tag is None else tag, v if val is None else val)

    def set_rela(self, k, offset=None, info=None):
        base = self.elf.rela_off + 24 * k
        o, i, a = struct.unpack_from("<QQq", self, base)
        struct.pack_into("<QQq", self, base, o if offset is None else offset & U64,
                         i if info is None else info, a)

    def append_phdrs(self, extra=(), keep=True):
        """Moves the program header table to the end of the file (8-aligned), optionally
        with extra entries (bytes of 56 each); returns the new e_phoff."""
        old = bytes(self[self.elf.phoff:self.elf.phoff + 56 * self.elf.phnum]) if keep else b""
        while len(self) % 8:
            self.append(0)
        new = len(self)
        self.extend(old + b"".join(extra))
        self.set_eh("e_phoff", new)
        self.set_eh("e_phnum", (len(old) + 56 * len(extra)) // 56)
        return new

    def raw_ph(self, i):
        return bytes(self[self.elf.phoff + 56 * i:self.elf.phoff + 56 * (i + 1)])


def cases(e):
    """(slug, error name, description, function Img -> bytes-like)."""
    rel, abs64, globdat, jslot = RELOCS[e.machine]
    others = [m for m in (EM_X86_64, EM_RISCV, EM_AARCH64, EM_386, 0) if m != e.machine]
    t, d, ld, fl = e.text, e.data_load, e.dyn, e.first_load
    size = len(e.data)
    C = []

    def simple(slug, err, desc, fn):
        C.append((slug, err, desc, fn))

    simple("valid", "ELF_OK", "the unmodified program (control)", lambda m: m)

    # identification and file header
    simple("short-empty", "ELF_E_SHORT", "empty file", lambda m: b"")
    simple("short-1", "ELF_E_SHORT", "1 byte", lambda m: m[:1])
    simple("short-63", "ELF_E_SHORT", "63 bytes: one short of a header", lambda m: m[:63])
    simple("short-ident", "ELF_E_SHORT", "only e_ident (16 bytes)", lambda m: m[:16])

    def magic(i, v):
        def f(m):
            m[i] = v
            return m
        return f
    simple("magic-0", "ELF_E_MAGIC", "e_ident[0] = 0", magic(0, 0))
    simple("magic-3", "ELF_E_MAGIC", "\"\\x7fELG\"", magic(3, ord("G")))
    simple("magic-zero-header", "ELF_E_MAGIC", "64 zero bytes, then the program",
           lambda m: bytes(64) + m[64:])
    simple("class-32", "ELF_E_CLASS", "EI_CLASS = ELFCLASS32", magic(4, 1))
    simple("class-none", "ELF_E_CLASS", "EI_CLASS = 0", magic(4, 0))
    simple("data-msb", "ELF_E_DATA", "EI_DATA = ELFDATA2MSB", magic(5, 2))
    simple("data-none", "ELF_E_DATA", "EI_DATA = 0", magic(5, 0))
    simple("ident-version-0", "ELF_E_IDENT_VERSION", "EI_VERSION = 0", magic(6, 0))
    simple("ident-version-2", "ELF_E_IDENT_VERSION", "EI_VERSION = 2", magic(6, 2))
    simple("osabi-freebsd", "ELF_E_OSABI", "EI_OSABI = 9 (FreeBSD)", magic(7, 9))
    simple("osabi-standalone", "ELF_E_OSABI", "EI_OSABI = 255", magic(7, 255))

    def eh(name, val):
        def f(m):
            m.set_eh(name, val)
            return m
        return f
    simple("type-rel", "ELF_E_TYPE", "e_type = ET_REL (an object file)", eh("e_type", 1))
    simple("type-core", "ELF_E_TYPE", "e_type = ET_CORE", eh("e_type", 4))
    simple("type-none", "ELF_E_TYPE", "e_type = ET_NONE", eh("e_type", 0))
    for m_ in others:
        simple("machine-%d" % m_, "ELF_E_MACHINE", "e_machine = %d" % m_, eh("e_machine", m_))
    simple("version-0", "ELF_E_VERSION", "e_version = 0", eh("e_version", 0))
    simple("version-2", "ELF_E_VERSION", "e_version = 2", eh("e_version", 2))
    simple("ehsize-52", "ELF_E_EHSIZE", "e_ehsize = 52 (ELF32's)", eh("e_ehsize", 52))
    simple("ehsize-0", "ELF_E_EHSIZE", "e_ehsize = 0", eh("e_ehsize", 0))
    simple("phentsize-32", "ELF_E_PHENTSIZE", "e_phentsize = 32 (ELF32's)", eh("e_phentsize", 32))
    simple("phentsize-64", "ELF_E_PHENTSIZE", "e_phentsize = 64", eh("e_phentsize", 64))
    simple("phnum-0", "ELF_E_PHNUM_ZERO", "e_phnum = 0", eh("e_phnum", 0))
    simple("phnum-33", "ELF_E_PHNUM_MAX", "e_phnum = ELF_MAX_PHNUM + 1",
           eh("e_phnum", MAX_PHNUM + 1))
    simple("phnum-xnum", "ELF_E_PHNUM_MAX", "e_phnum = 0xffff (PN_XNUM)", eh("e_phnum", 0xFFFF))
    simple("phoff-wrap", "ELF_E_PHDR_WRAP", "e_phoff = 2^64 - 8", eh("e_phoff", U64 - 7))
    simple("phoff-eof", "ELF_E_PHDR_EOF", "e_phoff = file size - 8", eh("e_phoff", size - 8))
    simple("phoff-at-eof", "ELF_E_PHDR_EOF", "e_phoff = file size", eh("e_phoff", size))
    simple("phdr-truncated", "ELF_E_PHDR_EOF", "file cut inside the program header table",
           lambda m: m[:e.phoff + 56 * e.phnum - 1])

    def ph(i, **kw):
        def f(m):
            for k, v in kw.items():
                m.set_ph(i, k, v)
            return m
        return f

    # each program header on its own
    simple("interp", "ELF_E_INTERP", "PT_GNU_STACK turned into PT_INTERP",
           ph(e.stack, p_type=PT_INTERP))
    for slug, v in (("tls", PT_TLS), ("shlib", PT_SHLIB), ("null", PT_NULL),
                    ("gnu-property", PT_GNU_PROPERTY), ("os-specific", 0x60000000)):
        simple("seg-type-" + slug, "ELF_E_SEG_TYPE", "PT_GNU_STACK turned into type %#x" % v,
               ph(e.stack, p_type=v))
    simple("filesz-data", "ELF_E_FILESZ", "data PT_LOAD p_filesz = p_memsz + 1",
           ph(d, p_filesz=e.ph[d]["p_memsz"] + 1))
    simple("filesz-dynamic", "ELF_E_FILESZ", "PT_DYNAMIC p_filesz = p_memsz + 16",
           ph(ld, p_filesz=e.ph[ld]["p_memsz"] + 16))
    simple("offset-wrap", "ELF_E_SEG_OFF_WRAP", "text PT_LOAD p_offset = 2^64 - 16",
           ph(t, p_offset=U64 - 15))
    simple("offset-eof", "ELF_E_SEG_EOF", "data PT_LOAD p_filesz reaches one byte past EOF",
           ph(d, p_filesz=size - e.ph[d]["p_offset"] + 1,
              p_memsz=max(e.ph[d]["p_memsz"], size - e.ph[d]["p_offset"] + 1)))
    simple("segment-truncated", "ELF_E_SEG_EOF", "file cut 16 bytes into the text segment",
           lambda m: m[:e.ph[t]["p_offset"] + 16])
    simple("vaddr-wrap", "ELF_E_SEG_VA_WRAP", "data PT_LOAD p_vaddr = 2^64 - 4096",
           ph(d, p_vaddr=U64 - 4095))
    simple("vaddr-wrap-dynamic", "ELF_E_SEG_VA_WRAP", "PT_DYNAMIC p_vaddr = 2^64 - 8",
           ph(ld, p_vaddr=U64 - 7))

    def too_many_loads(m):
        extra = [m.raw_ph(fl)] * (MAX_LOADS + 1 - len(e.loads))
        m.append_phdrs(extra)
        return m
    simple("too-many-loads", "ELF_E_TOO_MANY_LOADS",
           "program headers moved to EOF with copies of the first PT_LOAD: 9 PT_LOADs",
           too_many_loads)
    simple("align-0", "ELF_E_ALIGN_ZERO", "text PT_LOAD p_align = 0", ph(t, p_align=0))
    simple("align-3-pages", "ELF_E_ALIGN_POW2", "text PT_LOAD p_align = 0x3000",
           ph(t, p_align=0x3000))
    simple("align-1", "ELF_E_ALIGN_SMALL", "text PT_LOAD p_align = 1", ph(t, p_align=1))
    simple("align-2k", "ELF_E_ALIGN_SMALL", "text PT_LOAD p_align = 2048", ph(t, p_align=2048))
    simple("align-128k", "ELF_E_ALIGN_LARGE", "text PT_LOAD p_align = 128 KiB",
           ph(t, p_align=2 * MAX_ALIGN))
    simple("align-2-63", "ELF_E_ALIGN_LARGE", "data PT_LOAD p_align = 2^63", ph(d, p_align=1 << 63))
    simple("congruence-vaddr", "ELF_E_CONGRUENCE", "text PT_LOAD p_vaddr + 16 (p_offset kept)",
           ph(t, p_vaddr=e.ph[t]["p_vaddr"] + 16))
    simple("congruence-offset", "ELF_E_CONGRUENCE", "data PT_LOAD p_offset + 8",
           ph(d, p_offset=e.ph[d]["p_offset"] + 8))
    simple("range-vaddr", "ELF_E_SEG_RANGE", "data PT_LOAD moved up by USER_IMAGE_SPAN",
           ph(d, p_vaddr=e.ph[d]["p_vaddr"] + IMAGE_SPAN))
    simple("range-memsz", "ELF_E_SEG_RANGE", "data PT_LOAD p_memsz = 128 MiB",
           ph(d, p_memsz=2 * IMAGE_SPAN))
    simple("range-exec", "ELF_E_SEG_RANGE",
           "e_type = ET_EXEC with link address 0 (below the fixed-address window)",
           eh("e_type", 2))
    simple("wx-text", "ELF_E_WX", "text PT_LOAD made writable",
           ph(t, p_flags=e.ph[t]["p_flags"] | PF_W))
    simple("wx-data", "ELF_E_WX", "data PT_LOAD made executable",
           ph(d, p_flags=e.ph[d]["p_flags"] | PF_X))
    simple("exec-stack", "ELF_E_EXEC_STACK", "PT_GNU_STACK with PF_X",
           ph(e.stack, p_flags=e.ph[e.stack]["p_flags"] | PF_X))
    for slug, v in (("stack", PT_GNU_STACK), ("dynamic", PT_DYNAMIC), ("relro", PT_GNU_RELRO)):
        simple("dup-" + slug, "ELF_E_DUP_SEGMENT", "PT_PHDR turned into a second %s" % slug,
               ph(e.phdr_seg, p_type=v))

    # relations between segments
    def no_load(m):
        for i in e.loads:
            m.set_ph(i, "p_type", PT_NOTE)
        return m
    simple("no-load", "ELF_E_NO_LOAD", "every PT_LOAD turned into PT_NOTE", no_load)
    simple("overlap-data", "ELF_E_LOAD_OVERLAP", "data PT_LOAD moved down one page onto RELRO's",
           ph(d, p_vaddr=e.ph[d]["p_vaddr"] - PAGE))
    simple("overlap-text", "ELF_E_LOAD_OVERLAP", "text PT_LOAD moved down one page onto the first",
           ph(t, p_vaddr=e.ph[t]["p_vaddr"] - PAGE))

    def dup_load(m):
        m.append_phdrs([m.raw_ph(t)])
        return m
    simple("overlap-duplicate", "ELF_E_LOAD_OVERLAP",
           "program headers moved to EOF with a copy of the text PT_LOAD", dup_load)
    simple("entry-0", "ELF_E_ENTRY", "e_entry = 0 (the read-only headers)", eh("e_entry", 0))
    simple("entry-end", "ELF_E_ENTRY", "e_entry = end of the text segment's file data",
           eh("e_entry", e.ph[t]["p_vaddr"] + e.ph[t]["p_filesz"]))
    simple("entry-data", "ELF_E_ENTRY", "e_entry in the data segment",
           eh("e_entry", e.ph[d]["p_vaddr"]))
    simple("entry-far", "ELF_E_ENTRY", "e_entry = 2^63", eh("e_entry", 1 << 63))

    def phdrs_at_eof(m):
        m.append_phdrs()
        return m
    simple("phdr-unmapped", "ELF_E_PHDR_UNMAPPED",
           "program header table moved to EOF, outside every PT_LOAD", phdrs_at_eof)
    simple("relro-in-text", "ELF_E_RELRO_RANGE", "PT_GNU_RELRO moved onto the text segment",
           ph(e.relro, p_vaddr=e.ph[t]["p_vaddr"], p_offset=e.ph[t]["p_offset"]))
    simple("relro-too-long", "ELF_E_RELRO_RANGE", "PT_GNU_RELRO p_memsz one page past its PT_LOAD",
           ph(e.relro, p_memsz=e.ph[e.relro]["p_memsz"] + PAGE))
    simple("dynamic-outside", "ELF_E_DYN_RANGE",
           "PT_DYNAMIC p_offset = EOF - 16 (not in a PT_LOAD's file data)",
           ph(ld, p_offset=size - 16, p_filesz=16, p_memsz=16))

    # the dynamic table
    def dyn(off, tag=None, val=None):
        def f(m):
            m.set_dyn(off, tag, val)
            return m
        return f

    def unterminated(m):
        for o, tg, v in e.dyn_entries:
            if tg == DT_NULL:
                m.set_dyn(o, DT_DEBUG, 0)
        return m
    simple("dynamic-unterminated", "ELF_E_DYN_UNTERMINATED", "every DT_NULL turned into DT_DEBUG",
           unterminated)
    simple("dt-needed", "ELF_E_NEEDED", "a spare dynamic entry turned into DT_NEEDED",
           dyn(e.spare_dyn, DT_NEEDED, 1))
    simple("dt-rel", "ELF_E_DYN_REL", "a spare dynamic entry turned into DT_REL",
           dyn(e.spare_dyn, DT_REL, e.rela_vaddr))
    simple("dt-relsz", "ELF_E_DYN_REL", "a spare dynamic entry turned into DT_RELSZ",
           dyn(e.spare_dyn, DT_RELSZ, 16))
    simple("dt-relr", "ELF_E_DYN_REL", "a spare dynamic entry turned into DT_RELR",
           dyn(e.spare_dyn, DT_RELR, e.rela_vaddr))
    simple("dt-jmprel", "ELF_E_DYN_PLT", "a spare dynamic entry turned into DT_JMPREL",
           dyn(e.spare_dyn, DT_JMPREL, e.rela_vaddr))
    simple("dt-pltrelsz", "ELF_E_DYN_PLT", "a spare dynamic entry turned into DT_PLTRELSZ 24",
           dyn(e.spare_dyn, DT_PLTRELSZ, 24))
    simple("dt-textrel", "ELF_E_DYN_TEXTREL", "a spare dynamic entry turned into DT_TEXTREL",
           dyn(e.spare_dyn, DT_TEXTREL, 0))
    simple("df-textrel", "ELF_E_DYN_TEXTREL",
           "a spare dynamic entry turned into DT_FLAGS DF_TEXTREL",
           dyn(e.spare_dyn, DT_FLAGS, DF_TEXTREL))
    simple("relaent-16", "ELF_E_RELAENT", "DT_RELAENT = 16", dyn(e.tag_off[DT_RELAENT], None, 16))
    simple("relaent-0", "ELF_E_RELAENT", "DT_RELAENT = 0", dyn(e.tag_off[DT_RELAENT], None, 0))
    simple("rela-without-size", "ELF_E_RELA_INCOMPLETE", "DT_RELASZ turned into DT_DEBUG",
           dyn(e.tag_off[DT_RELASZ], DT_DEBUG, 0))
    simple("relasz-without-rela", "ELF_E_RELA_INCOMPLETE", "DT_RELA turned into DT_DEBUG",
           dyn(e.tag_off[DT_RELA], DT_DEBUG, 0))
    simple("relasz-odd", "ELF_E_RELASZ", "DT_RELASZ + 8",
           dyn(e.tag_off[DT_RELASZ], None, e.relasz + 8))
    simple("rela-nowhere", "ELF_E_RELA_RANGE", "DT_RELA = 0x3fff0000 (no segment there)",
           dyn(e.tag_off[DT_RELA], None, 0x3FFF0000))
    simple("rela-in-bss", "ELF_E_RELA_RANGE", "DT_RELA points into .bss (no file data)",
           dyn(e.tag_off[DT_RELA], None, e.ph[d]["p_vaddr"] + e.ph[d]["p_filesz"]))
    simple("relasz-huge", "ELF_E_RELA_RANGE", "DT_RELASZ = 24 * 10^6",
           dyn(e.tag_off[DT_RELASZ], None, 24 * 10 ** 6))

    # the relocations
    def rela(k, offset=None, info=None):
        def f(m):
            m.set_rela(k, offset, info)
            return m
        return f
    last = e.nrela - 1
    simple("reloc-abs64", "ELF_E_RELOC_TYPE", "first relocation: an absolute 64-bit type",
           rela(0, info=abs64))
    simple("reloc-glob-dat", "ELF_E_RELOC_TYPE", "first relocation: GLOB_DAT with symbol 1",
           rela(0, info=(1 << 32) | globdat))
    simple("reloc-jump-slot", "ELF_E_RELOC_TYPE", "last relocation: JUMP_SLOT",
           rela(last, info=jslot))
    simple("reloc-none", "ELF_E_RELOC_TYPE", "last relocation: type 0 (NONE)", rela(last, info=0))
    simple("reloc-symbol", "ELF_E_RELOC_SYM", "first relocation: RELATIVE naming symbol 1",
           rela(0, info=(1 << 32) | rel))
    simple("reloc-in-text", "ELF_E_RELOC_TARGET", "first relocation targets the text segment",
           rela(0, offset=e.ph[t]["p_vaddr"]))
    simple("reloc-in-headers", "ELF_E_RELOC_TARGET", "first relocation targets the ELF header",
           rela(0, offset=0))
    simple("reloc-straddles-end", "ELF_E_RELOC_TARGET",
           "last relocation's 8 bytes cross the end of the data segment",
           rela(last, offset=e.ph[d]["p_vaddr"] + e.ph[d]["p_memsz"] - 4))
    simple("reloc-wrap", "ELF_E_RELOC_TARGET", "first relocation at 2^64 - 4",
           rela(0, offset=U64 - 3))

    # the first problem wins
    def many(m):
        m[4] = 1                      # class
        m.set_eh("e_machine", others[0])
        m.set_ph(e.stack, "p_flags", PF_X | PF_W | PF_R)
        return m
    simple("first-wins-class", "ELF_E_CLASS", "bad class, machine and stack together", many)

    def many2(m):
        m.set_ph(t, "p_align", 0)      # program header 'text' ...
        m.set_ph(d, "p_flags", PF_W | PF_X)  # ... comes before 'data'
        m.set_eh("e_entry", 0)
        return m
    simple("first-wins-align", "ELF_E_ALIGN_ZERO", "p_align 0, W+X data, bad entry together",
           many2)
    return C


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def known_errors(path):
    text = read(path)
    body = text[text.index("#define ELF_ERRORS(X)"):]
    body = body[:body.index("\n\n")]
    return re.findall(r"X\((ELF_\w+),", body)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", required=True, help="a static-PIE program (src/user/ldtest)")
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--manifest", help="default: OUTDIR/manifest.txt")
    ap.add_argument("--errors-from", help="src/core/elf.h: require every refusal covered")
    a = ap.parse_args()

    elf = Elf(read(a.input, "rb"))
    os.makedirs(a.outdir, exist_ok=True)
    for f in os.listdir(a.outdir):  # a stale file from an older case list must not linger
        if f.endswith(".elf"):
            os.remove(os.path.join(a.outdir, f))
    manifest = a.manifest or os.path.join(a.outdir, "manifest.txt")
    all_cases = cases(elf)
    lines = ["# rumpk ELF corpus: make_corpus.py --input %s (e_machine %d), %d files" %
             (os.path.basename(a.input), elf.machine, len(all_cases)),
             "# <file> <error name from src/core/elf.h> <what was changed>"]
    for n, (slug, err, desc, fn) in enumerate(all_cases):
        name = "%03d-%s.elf" % (n, slug)
        with open(os.path.join(a.outdir, name), "wb") as out:
            out.write(bytes(fn(Img(elf))))
        lines.append("%s %s %s" % (name, err, desc))

    if a.errors_from:
        names = known_errors(a.errors_from)
        used = {c[1] for c in all_cases}
        unknown = used - set(names)
        missing = [n for n in names if n not in used and n not in ("ELF_OK", "ELF_E_PLACEMENT")]
        if unknown or missing:
            sys.exit("make_corpus: unknown tags %s; refusals without a file: %s" %
                     (sorted(unknown), missing))
    tmp = manifest + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, manifest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
