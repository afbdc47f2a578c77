#!/usr/bin/env bash
# mangled_readelf.sh ARGS... — runs the real readelf ($RUMPK_READELF, default llvm-readelf),
# then reshapes its relocation and program-header lines into a form check_program.py's
# patterns do not know (as a new readelf version might). check_program.py must then fail,
# naming the parse, instead of passing on "found nothing bad".
set -euo pipefail
"${RUMPK_READELF:-llvm-readelf}" "$@" |
  sed -E 's/^([0-9a-f]{16})  /\1 | /; s/^  (LOAD|DYNAMIC|GNU_RELRO|GNU_STACK) /  \1: /'
