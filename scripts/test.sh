#!/usr/bin/env bash
# scripts/test.sh — what `make test` (and so CI) runs: build every preset, run its ctest
# (labels unit, boot, and later fuzz and bench smoke runs), compare the boot transcripts
# across HALs into docs/parity.md, and print a timing summary per preset and label.
# Exit status 0 only if every build and every test passed, the HALs agree, and every label
# stayed within its time budget (below).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

presets=(hosted hosted-asan riscv64 aarch64)
jobs=${RUMPK_TEST_JOBS:-2}
failed_presets=()
passed=0 failed=0
declare -A label_time label_count
# Time budgets per ctest label: seconds summed over all tests of the label in all presets
# (ctest's "sec*proc": each test's wall time times its PROCESSORS), about twice what a quiet 2-core machine takes, so a label that grows
# or a test that starts to hang is caught here, long before CI's 90-minute limit. A label
# with no budget fails too: a new label must say what it may cost. RUMPK_BUDGET_SCALE
# (default 1) multiplies them all, for a slower machine.
declare -A label_budget=([unit]=300 [boot]=300 [fuzz]=200 [bench]=60 [swarm]=60)
budget_scale=${RUMPK_BUDGET_SCALE:-1}
summary=()

t_all=$(date +%s%N)
for p in "${presets[@]}"; do
  echo "==== $p: build"
  t0=$(date +%s%N)
  if ! scripts/build.sh "$p"; then
    failed_presets+=("$p (build)")
    failed=$((failed + 1))
    continue
  fi
  t1=$(date +%s%N)
  echo "==== $p: ctest -j$jobs"
  log="build/$p/ctest.log"
  (cd "build/$p" && ctest -j"$jobs" --output-on-failure) 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  t2=$(date +%s%N)
  [ "$rc" -eq 0 ] || failed_presets+=("$p (tests)")
  # "100% tests passed, 0 tests failed out of 7"
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1)
  if [ -n "$line" ]; then
    total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
    nfail=$(sed -E 's/.*passed, ([0-9]+) tests failed.*/\1/' <<<"$line")
    passed=$((passed + total - nfail))
    failed=$((failed + nfail))
  else
    failed=$((failed + 1))
  fi
  # "boot    =   0.04 sec*proc (2 tests)" from ctest's Label Time Summary
  while read -r lbl _ secs _ cnt _; do
    label_time[$lbl]=$(awk -v a="${label_time[$lbl]:-0}" -v b="$secs" 'BEGIN { printf "%.2f", a + b }')
    cnt=${cnt//[^0-9]/}
    label_count[$lbl]=$(( ${label_count[$lbl]:-0} + cnt ))
  done < <(sed -n '/^Label Time Summary:/,/^$/p' "$log" | grep -E '^[a-z]+ +=')
  summary+=("$(printf '  %-12s build %6.1f s   tests %6.1f s' "$p" \
    "$(awk -v n=$((t1 - t0)) 'BEGIN { print n / 1e9 }')" \
    "$(awk -v n=$((t2 - t1)) 'BEGIN { print n / 1e9 }')")")
done

echo "==== parity across HALs"
if scripts/parity.sh; then
  passed=$((passed + 1))
else
  failed_presets+=("parity")
  failed=$((failed + 1))
fi

echo
echo "==== timing summary"
printf '%s\n' "${summary[@]}"
echo "  per label (all presets, CPU seconds summed over tests):"
for lbl in $(printf '%s\n' "${!label_time[@]}" | sort); do
  printf '    %-8s %7.2f s  (%d tests, budget %s s)\n' "$lbl" "${label_time[$lbl]}" \
    "${label_count[$lbl]}" "${label_budget[$lbl]:-none}"
done
over_budget=()
for lbl in $(printf '%s\n' "${!label_time[@]}" | sort); do
  b=${label_budget[$lbl]:-}
  if [ -z "$b" ]; then
    over_budget+=("label '$lbl' has no time budget (scripts/test.sh label_budget)")
    continue
  fi
  b=$(awk -v b="$b" -v s="$budget_scale" 'BEGIN { printf "%.2f", b * s }')
  if awk -v t="${label_time[$lbl]}" -v b="$b" 'BEGIN { exit !(t > b) }'; then
    over_budget+=("label '$lbl' took ${label_time[$lbl]} s, over its budget of $b s")
  fi
done
for o in "${over_budget[@]}"; do
  echo "  OVER BUDGET: $o"
  failed_presets+=("budget")
  failed=$((failed + 1))
done
printf '  wall clock: %.1f s\n' "$(awk -v n=$(( $(date +%s%N) - t_all )) 'BEGIN { print n / 1e9 }')"
echo
if [ ${#failed_presets[@]} -ne 0 ]; then
  echo "FAILED: ${failed_presets[*]}"
fi
echo "total: $passed passed, $failed failed"
[ ${#failed_presets[@]} -eq 0 ]
