#!/usr/bin/env bash
# parity_trace.sh TOOL OUT_DIR HAL SESSION -- COMMAND...
# boot.session-parity: runs SESSION (tests/boot/session.py) on the machine COMMAND with the
# kernel's trace on and leaves it, as a binary trace, in OUT_DIR/parity.trace, where
# scripts/parity.sh compares the HALs' traces with `rumpk-trace parity` (docs/trace.md).
#   HAL hosted: the sim writes it (--trace FILE, trace=all);
#   HAL bare:   the kernel writes it as framed lines at halt (--append trace=sys), which
#               `rumpk-trace frames` takes out of the console log session.py keeps.
# Fails if the session fails, if the trace is not a valid one, or if it was cut short (no
# halt record, or the bare-metal 64 KiB buffer overflowed).
set -uo pipefail
tool=$1 out=$2 hal=$3 session=$4
shift 4
[ "${1:-}" = "--" ] && shift
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
trace=$out/parity.trace log=$out/session-parity.log
rm -f "$trace"
if [ "$hal" = hosted ]; then
  python3 "$here/session.py" --hal hosted --log "$log" "$session" -- "$@" --trace "$trace" || exit 1
else
  python3 "$here/session.py" --hal bare --timeout 40 --log "$log" "$session" -- "$@" \
    --append trace=sys || exit 1
  "$tool" frames "$log" "$trace" 2>"$out/parity.frames.err"
  rc=$?
  cat "$out/parity.frames.err" >&2
  [ $rc -eq 0 ] || exit 1
  if [ -s "$out/parity.frames.err" ]; then
    echo "parity_trace: the trace was truncated: the parity session must fit 64 KiB" >&2
    exit 1
  fi
fi
"$tool" summary "$trace" || exit 1
if "$tool" print "$trace" | head -1 | grep -q "no halt record"; then
  echo "parity_trace: $trace has no halt record: the trace was cut short" >&2
  exit 1
fi
echo "parity_trace: $trace written"
