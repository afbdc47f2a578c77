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
  --trace-tool T the rumpk-trace to read traces with (--shrink; default: the one in the
                 sim's build tree)
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
seed failed or a non-empty --faults injected nothing in any run, 2 on a usage error.
EOF
}

preset=hosted sim= input=$top/tests/swarm/session.txt
faults=${RUMPK_SWARM_FAULTS:-all=0.02}
seeds=200 first=1 jobs=$(nproc) timeout=60 keep= shrink= trace_tool=
while [ $# -gt 0 ]; do
  case $1 in
    --preset) preset=$2; shift 2 ;;
    --sim) sim=$2; shift 2 ;;
    --trace-tool) trace_tool=$2; shift 2 ;;
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
[ -n "$trace_tool" ] || trace_tool=$(dirname "$sim")/../src/tools/rumpk-trace
work=$(mktemp -d "${TMPDIR:-/tmp}/rumpk-swarm.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The command line of one run; the sim prints the same options in its replay line.
command_of() { # SEED FAULTS [more options...]
  local seed=$1 spec=${2:-"''"} # '' : no injection at all
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
  # The spec lives on the kernel's 255-byte command line (at most 32 @/~ items), so a
  # failure with hundreds of injections is shrunk in three steps (docs/simulation.md):
  # 1. whole points: POINT=0 appended (a later rate by name wins) while it still fails;
  # 2. while too many events remain for a list: exclude the first or the second half of a
  #    point's opportunities (POINT~A-B), keeping the rates;
  # 3. the events as an explicit list (POINT@N only, no rates), then delta debugging: drop
  #    chunks of events, then single ones, until no single event can go.
  # "Fails the same way" means the same verdict (leak gate, panic, ...) as the original.
  tries=0
  # attempt SPEC: one replay (traced to $work/try.trace); true when it fails like the original
  attempt() {
    tries=$((tries + 1))
    run "$shrink" "$1" "$work/try" --trace "$work/try.trace"
    [ "$(verdict "$work/try")" = "$want" ]
  }
  events_of() { "$trace_tool" injections "$1"; }
  run "$shrink" "$faults" "$work/orig" --trace "$work/orig.trace"
  want=$(verdict "$work/orig")
  if [ "$want" = pass ]; then
    echo "swarm: seed $shrink passes with --faults $faults: nothing to shrink" >&2
    exit 1
  fi
  read -r -a events <<<"$(events_of "$work/orig.trace")"
  echo "swarm: seed $shrink fails ($want) after ${#events[@]} injections; shrinking"
  spec=$faults
  # 1. whole points
  for p in $(printf '%s\n' "${events[@]}" | sed 's/@.*//' | sort -u); do
    if attempt "$spec,$p=0"; then spec="$spec,$p=0"; fi
  done
  attempt "$spec" || { echo "swarm: $spec no longer fails the same way" >&2; exit 1; }
  read -r -a events <<<"$(events_of "$work/try.trace")"
  echo "swarm: points that matter: $(printf '%s\n' "${events[@]}" | sed 's/@.*//' | sort -u |
    tr '\n' ' ')(${#events[@]} injections)"
  # 2. halves of a point's opportunities, while the list would not fit
  fits() { local l; l=$(IFS=,; echo "$*"); [ $# -le 32 ] && [ ${#l} -le 160 ]; }
  while ! fits "${events[@]}"; do
    # the point with the most events, its first and last opportunity, the middle one
    p=$(printf '%s\n' "${events[@]}" | sed 's/@.*//' | sort | uniq -c | sort -rn | awk 'NR==1 { print $2 }')
    mapfile -t ns < <(printf '%s\n' "${events[@]}" | sed -n "s/^$p@//p" | sort -n)
    mid=${ns[$(( ${#ns[@]} / 2 ))]}
    if attempt "$spec,$p~1-$((mid - 1))"; then
      spec="$spec,$p~1-$((mid - 1))"
    elif attempt "$spec,$p~$mid-999999999999"; then
      spec="$spec,$p~$mid-999999999999"
    else
      echo "swarm: cannot halve $p's ${#ns[@]} injections any further; stopping at" \
        "${#events[@]} events (not minimal)" >&2
      echo "swarm: replay: $(command_of "$shrink" "$spec")"
      exit 1
    fi
    attempt "$spec" || { echo "swarm: $spec no longer fails the same way" >&2; exit 1; }
    read -r -a events <<<"$(events_of "$work/try.trace")"
  done
  # 3. an explicit list, delta debugging
  list() { local IFS=,; echo "$*"; } # empty: inject nothing
  if ! attempt "$(list "${events[@]}")"; then
    echo "swarm: replaying exactly those ${#events[@]} injections does not fail the same way" \
      "($(verdict "$work/try")) (replay: $(command_of "$shrink" "$spec"))" >&2
    exit 1
  fi
  chunk=$(( (${#events[@]} + 1) / 2 ))
  while [ "$chunk" -ge 1 ] && [ ${#events[@]} -gt 0 ]; do
    i=0 removed=0
    while [ $i -lt ${#events[@]} ]; do
      keep_ev=("${events[@]:0:i}" "${events[@]:i+chunk}")
      if attempt "$(list "${keep_ev[@]}")"; then
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
  echo "swarm: minimal: ${#events[@]} injection event(s) after $tries replays: $(list "${events[@]}")"
  echo "swarm: fails: $want"
  echo "swarm: replay: $(command_of "$shrink" "$(list "${events[@]}")")"
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
elif [ -n "$faults" ]; then
  # a spec that injected nothing in all those runs tested nothing: say so, and fail
  echo "swarm: FAIL: no injection happened with --faults $faults in $seeds runs"
  exit 1
else
  echo "swarm: no injection asked for (--faults '')"
fi
[ "$nfail" -eq 0 ]
