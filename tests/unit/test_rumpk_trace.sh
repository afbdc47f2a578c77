#!/usr/bin/env bash
# test_rumpk_trace.sh RUMPK_TRACE SEEDS_PY — the trace tool's command line: every command
# on a known trace (tests/fuzz/trace_seeds.py writes one, and its framed console form), the
# exit statuses (0 same, 1 differ, 2 bad input) and the named errors of bad inputs. Works in
# a fresh temporary directory; prints the first failed check and exits 1.
set -uo pipefail
tool=${1:?usage: test_rumpk_trace.sh path/to/rumpk-trace path/to/trace_seeds.py}
seeds=${2:?usage: test_rumpk_trace.sh path/to/rumpk-trace path/to/trace_seeds.py}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cd "$t"
python3 "$seeds" . || exit 1
n=0

fail() { echo "test_rumpk_trace: FAIL: $*" >&2; sed 's/^/  stdout: /' out >&2; sed 's/^/  stderr: /' err >&2; exit 1; }
# run WANT_STATUS PATTERN ARGS...: exit status and a fixed string in stdout+stderr
run() {
  local want=$1 pat=$2
  shift 2
  "$tool" "$@" >out 2>err
  local got=$?
  n=$((n + 1))
  [ $got -eq "$want" ] || fail "rumpk-trace $* exited $got, expected $want"
  [ -z "$pat" ] || cat out err | grep -qF -- "$pat" || fail "rumpk-trace $*: no '$pat'"
}
# patch FILE OFFSET BYTE: one byte of a copy set to BYTE (decimal)
patch() {
  printf "$(printf '\\%03o' "$3")" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

run 0 "trace v1 of riscv64-virt, level all, 10 records" print trace.bin
run 0 "pid 1 write(a=1 b=6 arg=heap+0x20) tag 7 -> 6" print trace.bin
run 0 "halt code 1" print trace.bin
run 0 "packets by kind: write 1 read 1 heap 1 (errors 1)" summary trace.bin
run 0 "injections by point: alloc 1" summary trace.bin
run 0 "alloc@32" injections trace.bin
run 0 "the same 10 records" diff trace.bin trace.bin
run 0 "parity: 2 traces" parity trace.bin trace.bin
run 0 "" frames frames.log back.bin
cmp back.bin trace.bin || fail "frames did not give back the trace's bytes"

# a result changed (record 2, a console write: bytes 40 + 2 * 56 + 40): diff and parity see it
cp trace.bin b.bin
patch b.bin $((40 + 2 * 56 + 40)) 7
run 1 "first divergence at record #2" diff trace.bin b.bin
run 1 "pid 1: first divergence at call 1" parity trace.bin b.bin
run 1 "pid 1: first divergence" parity trace.bin trace.bin b.bin
# a time changed: diff ignores it unless --times
cp trace.bin c.bin
patch c.bin $((40 + 56 + 8)) 99
run 0 "the same" diff trace.bin c.bin
run 1 "first divergence at record #1" diff --times trace.bin c.bin

# bad inputs: each named, exit 2
head -c 100 trace.bin >short.bin
run 2 "ends inside a record (at byte 96)" print short.bin
head -c 20 trace.bin >tiny.bin
run 2 "shorter than a trace header" summary tiny.bin
cp trace.bin magic.bin
patch magic.bin 0 88
run 2 "bad magic" diff magic.bin trace.bin
cp trace.bin type.bin
patch type.bin $((40 + 3 * 56)) 77
run 2 "unknown record type (at byte 208)" parity trace.bin type.bin
run 2 "No such file" print missing.bin
sed 's/^rumpk-trace 1 \(.\)/rumpk-trace 1 0\1/' frames.log >badframe.log
run 2 "badframe.log:4: bad hex in a frame line" frames badframe.log x.bin
grep -v -e "rumpk-trace end" -e halted frames.log >noend.log
run 2 "ends before the 'rumpk-trace end' line" frames noend.log x.bin
run 2 "no 'rumpk-trace begin' line" frames trace.bin x.bin
run 2 "usage:" frob
run 2 "usage:" diff trace.bin
echo "test_rumpk_trace: $n checks ok"
