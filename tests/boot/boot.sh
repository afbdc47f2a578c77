#!/usr/bin/env bash
# tests/boot/boot.sh — boot one kernel, check its console, keep the transcript.
#
#   boot.sh --name NAME --out DIR [--timeout S] [--expect ok | ok:N | fail:STAGE | halt:N]
#           [--append ARGS] [--input FILE] [--require PREFIX]... [--max-cpu-ms N] -- COMMAND...
#
# COMMAND boots the kernel (rumpk-sim, or scripts/qemu.sh ARCH) with ARGS appended as
# "--append ARGS". Its stdin is /dev/null, or FILE with --input (what the shell reads). The transcript, normalised (CRLF -> LF,
# everything before the "rumpk ..." banner dropped, e.g. OpenSBI's), goes to DIR/NAME.log.
#
# --expect ok: every stage of stages.txt printed "[stage NN/MM] NAME ok" in order with
#   MM = their count, "halted, code 0" is the last line, and the exit status is 0.
# --require PREFIX: some line of the transcript must start with PREFIX (repeatable).
# --max-cpu-ms N: the run may use at most N ms of CPU (user + system): proof that a kernel
#   that sleeps really leaves the CPU idle (used on the hosted HAL, where CPU time is the
#   kernel's own).
# --expect fail:STAGE: the stages before STAGE passed, STAGE printed a FAIL line, the last
#   line is "halted, code N" with N = STAGE's number, and the exit status is N.
# --expect ok:N: as ok, but the boot ends with "halted, code N" and exit status N (what
#   the first program, init, exited with).
# --expect halt:N: no stage ran (a refused command line), the last line is "halted, code N"
#   and the exit status is N.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
name="" out="" timeout_s=30 expect=ok append="" input=/dev/null
required=()
max_cpu_ms=""
while [ $# -gt 0 ]; do
  case "$1" in
    --name) name=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --expect) expect=$2; shift 2 ;;
    --append) append=$2; shift 2 ;;
    --input) input=$2; shift 2 ;;
    --require) required+=("$2"); shift 2 ;;
    --max-cpu-ms) max_cpu_ms=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "boot.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$name" ] && [ -n "$out" ] && [ $# -gt 0 ] || { echo "boot.sh: need --name, --out and a command" >&2; exit 2; }
mkdir -p "$out"
log="$out/$name.log"
raw="$out/$name.raw"

args=("$@")
[ -n "$append" ] && args+=(--append "$append")
start=$(date +%s%N)
timeout --kill-after=5 "$timeout_s" "${args[@]}" <"$input" >"$raw" 2>&1
status=$?
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
# `times`, second line: CPU time of this shell's finished children ("0m0.012s 0m0.004s").
# It must run in this shell, not in a $(...) subshell, which has no children of its own.
times >"$out/$name.times"
cpu_ms=$(tail -n 1 "$out/$name.times" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/);
  printf "%d", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000 }')
tr -d '\r' <"$raw" | awk 'found || /^rumpk [0-9]/ { found = 1; print }' >"$log"

fail() {
  echo "boot.sh: $name: $*" >&2
  echo "---- transcript ($log, exit status $status, ${elapsed_ms} ms) ----" >&2
  cat "$raw" >&2
  exit 1
}
[ $status -eq 124 ] || [ $status -eq 137 ] && fail "timed out after ${timeout_s}s"

if [ -n "$max_cpu_ms" ] && [ "$cpu_ms" -gt "$max_cpu_ms" ]; then
  fail "used ${cpu_ms} ms of CPU in ${elapsed_ms} ms, more than ${max_cpu_ms} ms: is something busy-waiting?"
fi
for r in "${required[@]}"; do
  grep -qF -- "$r" <(cut -c1-${#r} "$log") || fail "no line starts with '$r'"
done

mapfile -t stages < <(grep -vE '^[[:space:]]*(#|$)' "$here/stages.txt")
total=${#stages[@]}
mapfile -t got < <(grep -E '^\[stage [0-9]+/[0-9]+\] ' "$log")
last=$(tail -n 1 "$log")

want_fail=""
want_code=0
if [[ $expect == ok:* ]]; then
  want_code=${expect#ok:}
  expect=ok
fi
if [[ $expect == halt:* ]]; then
  code=${expect#halt:}
  [ ${#got[@]} -eq 0 ] || fail "expected no stage to run, got: ${got[0]}"
  [ "$last" = "halted, code $code" ] || fail "last line is '$last', expected 'halted, code $code'"
  [ $status -eq "$code" ] || fail "exit status $status, expected $code"
  echo "boot.sh: $name: halted before the stages as expected, exit $status (${elapsed_ms} ms)"
  exit 0
elif [[ $expect == fail:* ]]; then
  want_fail=${expect#fail:}
elif [ "$expect" != ok ]; then
  echo "boot.sh: --expect ok, ok:N, fail:STAGE or halt:N" >&2; exit 2
fi

i=0
for s in "${stages[@]}"; do
  n=$(printf '%02d/%02d' $((i + 1)) "$total")
  line=${got[$i]:-<missing>}
  if [ "$s" = "$want_fail" ]; then
    [[ $line == "[stage $n] $s FAIL: "* ]] || fail "expected stage $n $s to FAIL, got: $line"
    code=$((i + 1))
    [ "$last" = "halted, code $code" ] || fail "last line is '$last', expected 'halted, code $code'"
    [ $status -eq $code ] || fail "exit status $status, expected $code"
    echo "boot.sh: $name: stage $s failed as forced, exit $status (${elapsed_ms} ms)"
    exit 0
  fi
  # "ok", or "ok: what the stage found" (the loader's counts)
  [ "$line" = "[stage $n] $s ok" ] || [[ $line == "[stage $n] $s ok: "* ]] ||
    fail "expected '[stage $n] $s ok', got: $line"
  i=$((i + 1))
done
[ -z "$want_fail" ] || fail "stage $want_fail is not in stages.txt"
[ ${#got[@]} -eq "$total" ] || fail "printed ${#got[@]} stage lines, expected $total"
[ "$last" = "halted, code $want_code" ] || fail "last line is '$last', expected 'halted, code $want_code'"
[ $status -eq "$want_code" ] || fail "exit status $status, expected $want_code"
echo "boot.sh: $name: $total stages ok, exit $status (${elapsed_ms} ms, ${cpu_ms} ms CPU)"
