#!/usr/bin/env bash
# scripts/swarm.sh — runs one shell session under many seeds of the sim's deterministic mode
# (rumpk-sim --clock virtual), each with seeded fault injection and the halt leak gate, in
# parallel processes; prints every failing seed with the one line that replays it, and a
# summary. With --shrink SEED it takes one failing seed and removes injection events
# (replaying each time) down to a minimal set that still fails the same way.
#
# A run passes when the kernel halts with status 0 and no sanitizer spoke. Everything else
# fails: 255 a panic or kernel fault, 102 the leak gate, 103 a virtual-clock deadlock, 124
# the wall-clock limit (--timeout), any other status (the shell must go on through every
# injection and end the session with 0), or an AddressSanitizer/UBSan report.
# docs/simulation.md describes the whole mechanism; docs/debugging.md shows a replay.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

usage() {
  cat <<EOF
usage: scripts/swarm.sh [options]            run seeds FIRST..FIRST+N-1
       scripts/swarm.sh [options] --shrink S shrink seed S's failure to its fewest injections
  --preset P     the build tree to use: build/P/sim/rumpk-sim (default hosted)
  --sim PATH     a rumpk-sim to run instead
  --input FILE   the session typed into the shell (default tests/swarm/session.txt)
  --faults SPEC  the injection spec (default: \$RUMPK_SWARM_FAULTS or every point at 2%,
                 see docs/faults.md); may name the test-only point leak
  --seeds N      how many seeds (default 200)
  --first S      the first seed (default 1)
  --jobs J       processes at once (default: the number of CPUs)
  --timeout S    wall-clock seconds one run may take (default 60)
  --keep DIR     keep each run's output (SEED.out) in DIR
  --shrink S     shrink the failure of seed S (with the same --faults and --input)
  -h, --help     this text
Exit status: 0 when every seed passed (--shrink: when it printed a minimal set), 1 when a
seed failed, 2 on a usage error.
EOF
}

preset=hosted sim= input=$top/tests/swarm/session.txt
faults=${RUMPK_SWARM_FAULTS:-all=0.02}
seeds=200 first=1 jobs=$(nproc) timeout=60 keep= shrink=
while [ $# -gt 0 ]; do
  case $1 in
    --preset) preset=$2; shift 2 ;;
    --sim) sim=$2; shift 2 ;;
    --input) input=$2; shift 2 ;;
    --faults) faults=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    --first) first=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --shrink) shrink=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "swarm: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
for v in seeds first jobs timeout ${shrink:+shrink}; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "swarm: --$v: '${!v}' is not a number" >&2; exit 2; }
done
[ -n "$sim" ] || sim=$top/build/$preset/sim/rumpk-sim
[ -x "$sim" ] || { echo "swarm: no simulator at $sim (scripts/build.sh $preset)" >&2; exit 2; }
[ -r "$input" ] || { echo "swarm: cannot read the session $input" >&2; exit 2; }
trace_tool=$(dirname "$sim")/../tools/rumpk-trace
work=$(mktemp -d "${TMPDIR:-/tmp}/rumpk-swarm.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The command line of one run; the sim prints the same options in its replay line.
command_of() { # SEED FAULTS [more options...]
  local seed=$1 spec=$2
  shift 2
  printf '%s' "$sim --display none --clock virtual --seed $seed --faults $spec --leak-gate --input $input"
  [ $# -eq 0 ] || printf ' %s' "$@"
}

# run SEED FAULTS OUT [more options]: one run; OUT gets its output, OUT.rc its status.
run() {
  local seed=$1 spec=$2 out=$3
  shift 3
  timeout -k 5 "$timeout" "$sim" --display none --clock virtual --seed "$seed" \
    --faults "$spec" --leak-gate --input "$input" "$@" >"$out" 2>&1 </dev/null
  echo $? >"$out.rc"
}

sanitizer_re='ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:'
# verdict_of STATUS SANITIZED: "pass", or the reason a run failed.
verdict_of() {
  local rc=$1
  if [ -n "$2" ]; then
    echo "sanitizer report (status $rc)"
    return
  fi
  case $rc in
    0) echo pass ;;
    255) echo "panic or kernel fault (status 255)" ;;
    102) echo "leak gate (status 102)" ;;
    103) echo "deadlock: idle with nothing left to wake it (status 103)" ;;
    124|137) echo "no halt within ${timeout} s of wall clock (status $rc)" ;;
    *) echo "exit status $rc" ;;
  esac
}
# verdict OUT: the same for the run whose output is OUT.
verdict() {
  local san=
  grep -qE "$sanitizer_re" "$1" && san=1
  verdict_of "$(cat "$1.rc")" "$san"
}

if [ -n "$shrink" ]; then
  [ -x "$trace_tool" ] || { echo "swarm: --shrink needs $trace_tool (scripts/build.sh $preset)" >&2; exit 2; }
  run "$shrink" "$faults" "$work/orig" --trace "$work/orig.trace"
  want=$(verdict "$work/orig")
  if [ "$want" = pass ]; then
    echo "swarm: seed $shrink passes with --faults $faults: nothing to shrink" >&2
    exit 1
  fi
  read -r -a events <<<"$("$trace_tool" injections "$work/orig.trace")"
  echo "swarm: seed $shrink fails ($want) after ${#events[@]} injections; shrinking"
  # still_fails EVENT...: replays with exactly those injection events (a comma list; "none"
  # injects nothing) and says whether it fails the same way.
  tries=0
  still_fails() {
    local spec
    spec=$(IFS=,; echo "${*:-none}")
    tries=$((tries + 1))
    run "$shrink" "$spec" "$work/try"
    [ "$(verdict "$work/try")" = "$want" ]
  }
  if ! still_fails "${events[@]}"; then
    echo "swarm: replaying exactly those ${#events[@]} injections does not fail the same way" \
      "($(verdict "$work/try")): the failure is not the injections' (replay: $(command_of "$shrink" "$faults"))" >&2
    exit 1
  fi
  # Delta debugging: drop chunks of events while the failure stays, then smaller chunks.
  chunk=$(( (${#events[@]} + 1) / 2 ))
  while [ "$chunk" -ge 1 ] && [ ${#events[@]} -gt 0 ]; do
    i=0 removed=0
    while [ $i -lt ${#events[@]} ]; do
      keep_ev=("${events[@]:0:i}" "${events[@]:i+chunk}")
      if still_fails "${keep_ev[@]}"; then
        events=("${keep_ev[@]}")
        removed=1
      else
        i=$((i + chunk))
      fi
    done
    [ $removed -eq 0 ] || continue # the same size again, until a pass removes nothing
    [ "$chunk" -gt 1 ] || break     # no single event can go: 1-minimal
    chunk=$((chunk / 2))
  done
  spec=$(IFS=,; echo "${events[*]:-none}")
  echo "swarm: minimal: ${#events[@]} injection event(s) after $tries replays: ${spec}"
  echo "swarm: fails: $want"
  echo "swarm: replay: $(command_of "$shrink" "$spec")"
  exit 0
fi

export -f run
export sim input timeout
t0=$(date +%s%N)
seq "$first" $((first + seeds - 1)) |
  xargs -P "$jobs" -I{} bash -c 'run {} "$0" "$1/{}.out"' "$faults" "$work"
t1=$(date +%s%N)

nfail=0
declare -A inj sanitized
# one pass over all outputs for what is summed or searched (a process per seed is slow)
while IFS= read -r f; do sanitized[$f]=1; done < <(grep -lE "$sanitizer_re" "$work"/*.out)
# "[faults] injected: alloc 2 of 67, ring 20 of 985" (docs/faults.md): by point
while read -r name count; do
  inj[$name]=$(( ${inj[$name]:-0} + count ))
done < <(sed -n 's/^\[faults\] injected: //p' "$work"/*.out | tr ',' '\n' |
         sed -nE 's/^ *([a-z]+) ([0-9]+) of [0-9]+$/\1 \2/p')
for ((s = first; s < first + seeds; s++)); do
  out=$work/$s.out
  read -r rc <"$out.rc"
  v=$(verdict_of "$rc" "${sanitized[$out]:-}")
  if [ "$v" != pass ]; then
    nfail=$((nfail + 1))
    echo "FAIL seed $s: $v"
    grep -E 'panic|leak gate|deadlock|Sanitizer|runtime error' "$out" | head -3 | sed 's/^/    /'
    line=$(sed -n 's/^rumpk-sim: replay: //p' "$out" | head -1)
    echo "    replay: ${line:-$(command_of "$s" "$faults")}"
  fi
done
[ -z "$keep" ] || { mkdir -p "$keep" && cp "$work"/*.out "$keep"/; }

secs=$(awk -v n=$((t1 - t0)) 'BEGIN { printf "%.2f", n / 1e9 }')
rate=$(awk -v s="$seeds" -v n=$((t1 - t0)) 'BEGIN { printf "%.1f", s / (n / 1e9) }')
summary=""
for k in $(printf '%s\n' "${!inj[@]}" | sort); do
  [ "${inj[$k]}" -eq 0 ] || summary+=" $k ${inj[$k]},"
done
echo "swarm: $seeds seeds ($first..$((first + seeds - 1))), $((seeds - nfail)) passed," \
  "$nfail failed, in $secs s ($rate seeds/s, $jobs jobs), faults $faults"
if [ -n "$summary" ]; then
  echo "swarm: injections by point:${summary%,}"
else
  echo "swarm: no injection happened"
fi
[ "$nfail" -eq 0 ]
