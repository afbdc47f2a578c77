#!/usr/bin/env bash
# scripts/debug.sh PRESET [--append ARGS] — the kernel under gdb, stopped at core_main.
#   hosted:          plain gdb on rumpk-sim (SIGALRM is the timer and SIGILL the trap probe,
#                    so gdb passes both silently; set 'handle SIGILL stop' to see the probe)
#   riscv64/aarch64: QEMU waiting on tcp::1234 (-s -S) in the background, its console on this
#                    terminal, and gdb-multiarch on the ELF with symbols
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
preset=${1:?usage: debug.sh PRESET [--append ARGS]}
shift
append=()
[ "${1:-}" = "--append" ] && append=(--append "$2")

case "$preset" in
  hosted)
    exec gdb -q -ex 'handle SIGALRM nostop noprint pass' -ex 'handle SIGILL nostop noprint pass' \
      -ex 'break core_main' -ex run --args "$top/build/hosted/sim/rumpk-sim" "${append[@]}"
    ;;
  riscv64|aarch64)
    "$top/scripts/qemu.sh" "$preset" --gdb "${append[@]}" </dev/null &
    qemu=$!
    trap 'kill $qemu 2>/dev/null || true' EXIT
    sleep 0.3
    gdb-multiarch -q -ex 'target remote :1234' -ex 'break core_main' -ex continue \
      "$top/build/$preset/rumpk-$preset.elf"
    ;;
  *) echo "debug.sh: unknown preset $preset" >&2; exit 2 ;;
esac
