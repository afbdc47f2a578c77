#!/usr/bin/env bash
# planted.sh SIM TRACE_TOOL — the swarm finds a planted bug and shrinks it to one event.
# The test-only fault point `leak` loses one page per injection (docs/faults.md): a swarm
# of 20 seeds with it at 3% (beside every other point at 2%) must report seeds failing the
# leak gate; shrinking the first of them must end at exactly one injection event, leak@N;
# the replay line it prints must fail the gate again (102), and the same seed with no
# injection at all must pass.
set -uo pipefail
sim=$1 tool=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
swarm=$top/scripts/swarm.sh
faults=all=0.02,leak=0.03
fail() { echo "planted: FAIL: $*"; exit 1; }

out=$("$swarm" --sim "$sim" --trace-tool "$tool" --seeds 20 --jobs 2 --faults "$faults" 2>&1)
rc=$?
echo "$out" | tail -4
[ $rc -eq 1 ] || fail "the swarm exited $rc, not 1 (a failing seed)"
seed=$(echo "$out" | sed -n 's/^FAIL seed \([0-9]*\): leak gate (status 102)$/\1/p' | head -1)
[ -n "$seed" ] || fail "no seed failed the leak gate"
echo "$out" | grep -E '^FAIL seed' | grep -qv 'leak gate' && fail "a seed failed for another reason"

shr=$("$swarm" --sim "$sim" --trace-tool "$tool" --shrink "$seed" --faults "$faults" 2>&1)
rc=$?
echo "$shr"
[ $rc -eq 0 ] || fail "--shrink $seed exited $rc"
event=$(echo "$shr" | sed -n 's/^swarm: minimal: 1 injection event(s) after [0-9]* replays: \(leak@[0-9]*\)$/\1/p')
[ -n "$event" ] || fail "the shrinker did not end at exactly one leak@N event"
replay=$(echo "$shr" | sed -n 's/^swarm: replay: //p')
[[ $replay == *"--seed $seed --faults $event "* ]] || fail "the replay line does not name seed $seed and $event"

# the replay line, as printed, fails the gate again; without the event the seed passes
eval "$replay" >/dev/null 2>&1
rc=$?
[ $rc -eq 102 ] || fail "the replay line exited $rc, not 102"
"$sim" --display none --clock virtual --seed "$seed" --faults '' --leak-gate \
  --input "$top/tests/swarm/session.txt" >/dev/null 2>&1
rc=$?
[ $rc -eq 0 ] || fail "seed $seed without injections exited $rc, not 0"
echo "planted: ok: seed $seed shrinks to $event, which alone fails the gate"
