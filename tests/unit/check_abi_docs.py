#!/usr/bin/env python3
"""check_abi_docs.py ABI_H DOC — every packet kind (RUMPK_SYS_*), fault cause
(RUMPK_FAULT_*) and error code (RUMPK_E*) defined in abi.h is named in DOC (docs/abi.md),
each kind in its own table row with its value. Exits 1 naming what is missing, so a new
kind cannot land without its line in the reference."""
import re
import sys


def main():
    with open(sys.argv[1]) as h, open(sys.argv[2]) as d:
        header, doc = h.read(), d.read()
    kinds = re.findall(r"^#define (RUMPK_SYS_\w+) (\d+)", header, re.M)
    kinds = [(n, v) for n, v in kinds if n != "RUMPK_SYS_MAX"]
    faults = [n for n in re.findall(r"^#define (RUMPK_FAULT_\w+) \d+", header, re.M)
              if n != "RUMPK_FAULT_MAX"]
    errors = [n[len("RUMPK_"):] for n in re.findall(r"^#define (RUMPK_E[A-Z]+) \d+", header, re.M)]
    bad = []
    for name, value in kinds:
        if not re.search(r"^\| `%s` \| %s \|" % (name, value), doc, re.M):
            bad.append("kind %s (%s) has no row '| `%s` | %s |'" % (name, value, name, value))
    for name in faults:
        if "`%s`" % name not in doc:
            bad.append("fault cause %s is not named" % name)
    for name in errors:
        if "`%s`" % name not in doc:
            bad.append("error %s is not named" % name)
    print("%d kinds, %d fault causes, %d errors; %d missing from %s"
          % (len(kinds), len(faults), len(errors), len(bad), sys.argv[2]))
    for b in bad:
        print("  FAIL: %s" % b)
    return 1 if bad or not kinds or not faults or not errors else 0


if __name__ == "__main__":
    sys.exit(main())
