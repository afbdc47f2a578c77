#!/usr/bin/env bash
# run_fuzz.sh BINARY CORPUS_DIR SECONDS MIN_EXECS [SEED_DIR_OR_FILE...]
# Runs one libFuzzer target for SECONDS from a fresh working corpus seeded with the given
# files/directories; fails on any crash, leak or sanitizer report, and when fewer than
# MIN_EXECS inputs ran (a target too slow to fuzz is a finding too).
set -uo pipefail
bin=$1 corpus=$2 secs=$3 min=$4
shift 4
rm -rf "$corpus" && mkdir -p "$corpus"
for s in "$@"; do
  if [ -d "$s" ]; then cp -r "$s"/. "$corpus"/ 2>/dev/null || true
  elif [ -f "$s" ]; then cp "$s" "$corpus"/
  else echo "run_fuzz: seed $s does not exist (build it first)" >&2; exit 1; fi
done
log="$corpus.log"
"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$corpus-" "$corpus" >"$log" 2>&1
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
name=$(basename "$bin")
if [ $rc -ne 0 ]; then
  tail -40 "$log" >&2
  echo "run_fuzz: $name failed (exit $rc); the input is in $(dirname "$corpus")/" >&2
  exit 1
fi
if [ -z "$execs" ] || [ "$execs" -lt "$min" ]; then
  echo "run_fuzz: $name ran only ${execs:-0} inputs in ${secs}s (need $min)" >&2
  exit 1
fi
echo "run_fuzz: $name: $execs inputs in ${secs}s, no finding ($(ls "$corpus" | wc -l) corpus files)"
