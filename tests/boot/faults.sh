#!/usr/bin/env bash
# tests/boot/faults.sh — one fault point at a high rate through a shell session, with the
# leak gate: the kernel must survive every injection (no panic, the shell reaches the end
# of its input and halts with 0, every gated counter back where it was before init).
#
#   faults.sh --out DIR --seed N SPEC -- COMMAND...
#
# SPEC is a faults= value (e.g. ring=0.5). Runs tests/boot/boot.sh on faults-input.txt with
# "faults=SPEC leakgate" and --seed N, then checks the transcript's "[faults] injected:"
# line: every point SPEC names was injected at least once (for all=, some point was): a run
# that injected nothing proved nothing. A failure prints the line that replays it.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="" seed=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --) shift; break ;;
    *) spec=$1; shift ;;
  esac
done
[ -n "$out" ] && [ -n "$seed" ] && [ -n "${spec:-}" ] && [ $# -gt 0 ] ||
  { echo "faults.sh: need --out, --seed, SPEC and a command" >&2; exit 2; }
name="faults-${spec//[=@,.]/_}"
replay="$* --seed $seed --append 'faults=$spec leakgate' < $here/faults-input.txt"
if ! "$here/boot.sh" --name "$name" --out "$out" --timeout 60 --expect ok \
    --input "$here/faults-input.txt" --append "faults=$spec leakgate" \
    --require "session-end" --require "[faults] injected:" -- "$@" --seed "$seed"; then
  echo "faults.sh: replay: $replay" >&2
  exit 1
fi
line=$(grep '^\[faults\] injected:' "$out/$name.log")
for item in ${spec//,/ }; do
  point=${item%%[=@]*}
  pattern="[:,] $point [1-9][0-9]* of"
  [ "$point" = all ] && pattern=" [1-9][0-9]* of" # all=: some point, any
  if ! grep -Eq "$pattern" <<<"$line"; then
    echo "faults.sh: $point was never injected: $line" >&2
    echo "faults.sh: replay: $replay" >&2
    exit 1
  fi
done
echo "faults.sh: $line"
