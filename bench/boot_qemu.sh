#!/usr/bin/env bash
# bench/boot_qemu.sh — QEMU boot time of rumpk against a bare "print and exit" image.
#
#   bench/boot_qemu.sh [--pairs N] [--build-dir D] [--kernel F] [--keep-logs] [--to-prompt] ARCH...
#   ARCH: riscv64 | aarch64 (default: both). N: pairs per machine (default 20, at least 1).
#   D: the preset's build tree (default build/ARCH): its kernel image and initrd.tar; F: boot
#   this kernel image instead (one ARCH only). Both images get D's initrd.
#
# For each machine it assembles bench/bare/ARCH.S with clang + ld.lld (bench/bare/bare.ld;
# aarch64 is made a raw arm64 Image with objcopy, as the kernel is), then boots rumpk and the
# bare image alternately, ABBA (pair i runs rumpk first when i is even, the bare image first
# when odd), each through scripts/qemu.sh with only --kernel changed: the same QEMU flags,
# the same initrd. A run is timed from just before scripts/qemu.sh starts to QEMU's exit, and
# must end as expected (rumpk: exit status 0 and "halted, code 0"; bare: status 0 and its one
# line), or the script fails. It prints, per machine, the median and range of the per-pair
# difference rumpk - bare (ms) and of the per-pair ratio rumpk / bare, and the median
# difference in QEMU's CPU time (user + system), which a busy host inflates less.
#
# --to-prompt (issues E1/E2): rumpk boots its default init, the shell, and is timed from
# the start to its first prompt (`nipbox:/$ `; then it gets "halt 0"), the bare image to
# its line (bench/qemu_until.py); the goal printed beside it is rumpk - bare <= 20 ms.
# Without it (issue D0) rumpk boots with init=none and both are timed to QEMU's exit.
#
# QEMU's own start-up differs a lot between hosts (40-100 ms for the bare image), so the
# difference is the figure to compare; the ratio stands beside it. No figure passes or fails:
# ctest's `bench` label runs 3 pairs only to prove this still works.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
pairs=20 kernel="" build_dir="" keep=0 to_prompt=0
archs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --pairs) pairs=$2; shift 2 ;;
    --kernel) kernel=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --keep-logs) keep=1; shift ;;
    --to-prompt) to_prompt=1; shift ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    riscv64|aarch64) archs+=("$1"); shift ;;
    *) echo "boot_qemu.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ ${#archs[@]} -gt 0 ] || archs=(riscv64 aarch64)
[ "$pairs" -ge 1 ] 2>/dev/null || { echo "boot_qemu.sh: --pairs wants a number >= 1" >&2; exit 2; }
[ -z "$kernel" ] || [ ${#archs[@]} -eq 1 ] || { echo "boot_qemu.sh: --kernel needs one ARCH" >&2; exit 2; }

work=$(mktemp -d)
[ $keep -eq 1 ] && echo "boot_qemu.sh: logs kept in $work" >&2
trap '[ $keep -eq 1 ] || rm -rf "$work"' EXIT

# Builds the bare image for $1 into $work, prints its path.
build_bare() {
  local arch=$1 flags base
  case "$arch" in
    riscv64) flags=(--target=riscv64-unknown-elf -march=rv64imac -mabi=lp64 -mno-relax)
             base=0x80200000 ;;
    aarch64) flags=(--target=aarch64-none-elf -mcpu=cortex-a72); base=0x40080000 ;;
  esac
  clang "${flags[@]}" -c "$top/bench/bare/$arch.S" -o "$work/bare-$arch.o"
  ld.lld -T "$top/bench/bare/bare.ld" --defsym "BASE=$base" "$work/bare-$arch.o" \
    -o "$work/bare-$arch.elf"
  if [ "$arch" = aarch64 ]; then
    llvm-objcopy -O binary "$work/bare-$arch.elf" "$work/bare-$arch.bin"
    echo "$work/bare-$arch.bin"
  else
    echo "$work/bare-$arch.elf"
  fi
}

# run ARCH IMAGE EXPECT LOG: one boot through scripts/qemu.sh (with $initrd); prints its
# wall time and the CPU time (user + system) it used, in microseconds. Fails when QEMU's
# status is not 0 or EXPECT is not in the output.
run() {
  local arch=$1 image=$2 expect=$3 log=$4 t0 t1 rc=0 TIMEFORMAT='%3U %3S'
  if [ $to_prompt -eq 1 ]; then
    local marker="bare $arch" send="" us
    [ "$image" = "$bare" ] || { marker='nipbox:/$ '; send='halt 0\n'; }
    { time us=$(python3 "$top/bench/qemu_until.py" "$marker" --send "$send" --log "$log" -- \
        "$top/scripts/qemu.sh" "$arch" --kernel "$image" --initrd "$initrd"); } 2>"$log.cpu" || rc=$?
    if [ $rc -ne 0 ] || ! grep -qF "$expect" "$log"; then
      echo "boot_qemu.sh: $arch: $image ended with status $rc, without '$expect'; output:" >&2
      tail -n 20 "$log" >&2
      exit 1
    fi
    echo "$us $(awk '{ printf "%d", ($1 + $2) * 1e6 }' "$log.cpu")"
    return
  fi
  local app=()
  [ "$image" = "$bare" ] || app=(--append init=none) # no shell: boot, halt 0
  t0=${EPOCHREALTIME/./}
  { time "$top/scripts/qemu.sh" "$arch" --kernel "$image" --initrd "$initrd" "${app[@]}" \
      </dev/null >"$log" 2>&1; } 2>"$log.cpu" || rc=$?
  t1=${EPOCHREALTIME/./}
  if [ $rc -ne 0 ] || ! grep -qF "$expect" "$log"; then
    echo "boot_qemu.sh: $arch: $image ended with status $rc, without '$expect'; output:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  echo "$((t1 - t0)) $(awk '{ printf "%d", ($1 + $2) * 1e6 }' "$log.cpu")"
}

for arch in "${archs[@]}"; do
  k=$kernel
  d=${build_dir:-$top/build/$arch}
  initrd=$d/initrd.tar
  [ -f "$initrd" ] || { echo "boot_qemu.sh: no initrd at $initrd (scripts/build.sh $arch first)" >&2; exit 2; }
  if [ -z "$k" ]; then
    case "$arch" in
      riscv64) k=$d/rumpk-riscv64.elf ;;
      aarch64) k=$d/rumpk-aarch64.bin ;;
    esac
  fi
  [ -f "$k" ] || { echo "boot_qemu.sh: no kernel at $k (scripts/build.sh $arch first)" >&2; exit 2; }
  bare=$(build_bare "$arch")
  : >"$work/$arch.times"
  for ((i = 0; i < pairs; i++)); do
    if ((i % 2 == 0)); then
      r=$(run "$arch" "$k" "halted, code 0" "$work/$arch-rumpk.log")
      b=$(run "$arch" "$bare" "bare $arch" "$work/$arch-bare.log")
    else
      b=$(run "$arch" "$bare" "bare $arch" "$work/$arch-bare.log")
      r=$(run "$arch" "$k" "halted, code 0" "$work/$arch-rumpk.log")
    fi
    echo "$r $b" >>"$work/$arch.times" # wall, cpu of rumpk; wall, cpu of bare
  done
  # Median (mean of the middle two for an even count) and range of a column of numbers.
  awk -v arch="$arch" -v pairs="$pairs" -v prompt=$to_prompt '
    function med(a, n,   i, j, t) {
      for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
        t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    { n++; r[n] = $1 / 1000; b[n] = $3 / 1000; d[n] = r[n] - b[n]; q[n] = r[n] / b[n]
      c[n] = ($2 - $4) / 1000 }
    END {
      mr = med(r, n); mb = med(b, n); md = med(d, n); mq = med(q, n); mc = med(c, n)
      printf "boot %s%s: rumpk - bare = %.1f ms (median of %d ABBA pairs, range %.1f..%.1f); " \
        "rumpk / bare = %.2f (range %.2f..%.2f); rumpk %.1f ms, bare %.1f ms to %s; " \
        "QEMU CPU time rumpk - bare = %.1f ms%s\n",
        arch, prompt ? " to the shell" : "", md, n, d[1], d[n], mq, q[1], q[n], mr, mb,
        prompt ? "the prompt / its line" : "QEMU exit", mc,
        prompt ? (md <= 20 ? "; goal <= 20 ms: met" : "; goal <= 20 ms: NOT MET") : ""
    }' "$work/$arch.times"
done
