#!/usr/bin/env python3
"""check_docs.py ELF_H DOC — every refusal in elf.h's ELF_ERRORS list is documented in DOC
(docs/loader.md lists the validator's checks by their error names). Exits 1 naming the
missing ones, so a new refusal cannot land without its line in the docs."""
import re
import sys


def main():
    with open(sys.argv[1]) as h, open(sys.argv[2]) as d:
        header, doc = h.read(), d.read()
    body = header[header.index("#define ELF_ERRORS(X)"):]
    names = re.findall(r"X\((ELF_E_\w+),", body[:body.index("\n\n")])
    missing = [n for n in names if "`%s`" % n not in doc]
    print("%d refusals, %d documented in %s" % (len(names), len(names) - len(missing), sys.argv[2]))
    for n in missing:
        print("  FAIL: %s is not in %s" % (n, sys.argv[2]))
    return 1 if missing or not names else 0


if __name__ == "__main__":
    sys.exit(main())
