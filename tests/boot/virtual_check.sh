#!/usr/bin/env bash
# tests/boot/virtual_check.sh — the sim's virtual mode (docs/simulation.md), one check per
# subcommand; each runs `SIM --display none --clock virtual --initrd INITRD ...` and keeps
# its transcripts in OUT.
#
#   virtual_check.sh determinism OUT SIM INITRD SESSION
#       the same seed and input four times give byte-identical console output: plain,
#       with a longer environment (the host's stack moves), beside a CPU hog on every
#       core, and through a pipe instead of --input; the plain and the loaded run also
#       write byte-identical traces (--trace); a different seed gives different output
#       and a different trace; nothing printed looks like a host address (0x55...,
#       0x7f...).
#   virtual_check.sh replay OUT SIM INITRD SESSION
#       SESSION ends in a deadlock: exit 103, the named message, and a replay line on
#       stderr, which run again (eval'd as printed) gives the same bytes and status.
#   virtual_check.sh panic OUT SIM INITRD SESSION
#       a kernel panic (selftest=overflow, SESSION unused but passed as --input) exits 255
#       and prints a replay line; the replay panics the same way, byte for byte; the
#       panic's pc and address are the sim's link-time code address and guest RAM's fixed
#       window, never a host address (0x55..., 0x7f...).
#   virtual_check.sh delivery OUT SIM INITRD SESSION
#       input is released a line at a time: SESSION's first line is `stats`, which must
#       find exactly its own 6 bytes taken by the console (console_in 6), not the file.
set -uo pipefail

[ $# -eq 5 ] || { echo "usage: virtual_check.sh determinism|replay|panic|delivery OUT SIM INITRD SESSION" >&2; exit 2; }
what=$1 out=$2 sim=$3 initrd=$4 session=$5
mkdir -p "$out"
base=("$sim" --display none --clock virtual --initrd "$initrd")
fail() { echo "virtual_check.sh $what: $*" >&2; exit 1; }

# run NAME SEED [extra sim args]: console (stdout) to OUT/virtual-NAME.out, stderr to .err
run() {
  local name=$1 seed=$2; shift 2
  timeout 60 "${base[@]}" --seed "$seed" "$@" >"$out/virtual-$name.out" 2>"$out/virtual-$name.err"
  echo $? >"$out/virtual-$name.status"
}
status() { cat "$out/virtual-$1.status"; }
same() { cmp -s "$out/virtual-$1.out" "$out/virtual-$2.out" ||
  { diff "$out/virtual-$1.out" "$out/virtual-$2.out" | head -20 >&2; fail "$1 and $2 differ"; }; }

case "$what" in
determinism)
  run a 1 --input "$session" --trace "$out/virtual-a.trace"
  [ "$(status a)" = 0 ] || { cat "$out/virtual-a.err" >&2; fail "exit status $(status a), not 0"; }
  grep -q '^halted, code 0$' "$out/virtual-a.out" || fail "no 'halted, code 0'"
  PAD=$(head -c 3000 /dev/zero | tr '\0' x) run b 1 --input "$session"
  hogs=()
  for _ in $(seq "$(nproc)"); do ( while :; do :; done ) & hogs+=($!); done
  run c 1 --input "$session" --trace "$out/virtual-c.trace"
  kill "${hogs[@]}" 2>/dev/null; wait "${hogs[@]}" 2>/dev/null
  cat "$session" | run d 1
  for n in b c d; do same a $n; done
  cmp -s "$out/virtual-a.trace" "$out/virtual-c.trace" ||
    fail "the traces of seed 1, plain and beside the CPU hog, differ (rumpk-trace diff them)"
  [ "$(stat -c %s "$out/virtual-a.trace")" -gt 1000 ] || fail "the trace is nearly empty"
  run e 2 --input "$session" --trace "$out/virtual-e.trace"
  cmp -s "$out/virtual-a.out" "$out/virtual-e.out" && fail "seeds 1 and 2 gave the same output"
  cmp -s "$out/virtual-a.trace" "$out/virtual-e.trace" && fail "seeds 1 and 2 gave the same trace"
  if grep -nE '0x(55|56|7f)[0-9a-f]{9,}' "$out/virtual-a.out"; then
    fail "the console shows what looks like a host address (above)"
  fi
  echo "virtual_check.sh: 4 runs of seed 1 identical ($(wc -c <"$out/virtual-a.out") bytes," \
    "traces $(wc -c <"$out/virtual-a.trace") bytes), seed 2 differs"
  ;;
replay)
  run r 5 --input "$session"
  [ "$(status r)" = 103 ] || { cat "$out/virtual-r.err" >&2; fail "exit status $(status r), not 103"; }
  grep -q '^\[virtual\] deadlock: the CPU is idle with no timer armed and no console input left' \
    "$out/virtual-r.out" || fail "no deadlock message"
  line=$(sed -n 's/^rumpk-sim: replay: //p' "$out/virtual-r.err")
  [ -n "$line" ] || { cat "$out/virtual-r.err" >&2; fail "no replay line on stderr"; }
  case "$line" in *"--seed 5"*"--input $session"*) ;; *) fail "replay line lacks the seed or input: $line" ;; esac
  eval "timeout 60 $line" >"$out/virtual-replayed.out" 2>"$out/virtual-replayed.err"
  st=$?
  [ $st = 103 ] || fail "the replay exited $st, not 103"
  same r replayed
  echo "virtual_check.sh: deadlock (103) replayed byte for byte by: $line"
  ;;
panic)
  run p 9 --input "$session" --append "selftest=overflow init=none"
  [ "$(status p)" = 255 ] || fail "exit status $(status p), not 255"
  grep -q '^panic: fiber [0-9]* (overflow): kernel stack overflow' "$out/virtual-p.out" ||
    fail "no panic line"
  if grep -nE '0x(55|56|7f)[0-9a-f]{9,}' "$out/virtual-p.out"; then
    fail "the panic shows what looks like a host address (above)"
  fi
  line=$(sed -n 's/^rumpk-sim: replay: //p' "$out/virtual-p.err")
  [ -n "$line" ] || { cat "$out/virtual-p.err" >&2; fail "no replay line on stderr"; }
  PAD=$(head -c 3000 /dev/zero | tr '\0' y) eval "timeout 60 $line" \
    >"$out/virtual-replayed-p.out" 2>"$out/virtual-replayed-p.err"
  st=$?
  [ $st = 255 ] || fail "the replay exited $st, not 255"
  cmp -s "$out/virtual-p.out" "$out/virtual-replayed-p.out" ||
    { diff "$out/virtual-p.out" "$out/virtual-replayed-p.out" >&2; fail "the replay differs"; }
  echo "virtual_check.sh: the panic replayed byte for byte by: $line"
  ;;
delivery)
  run l 3 --input "$session"
  [ "$(status l)" = 0 ] || fail "exit status $(status l), not 0"
  grep -q '^console_in 6$' "$out/virtual-l.out" ||
    { grep console_in "$out/virtual-l.out" >&2; fail "stats saw more than its own line"; }
  echo "virtual_check.sh: the first line was released alone"
  ;;
*) fail "unknown check" ;;
esac
