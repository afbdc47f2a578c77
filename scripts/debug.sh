#!/usr/bin/env bash
# scripts/debug.sh PRESET [--append ARGS] — the kernel under gdb, stopped at core_main.
#   hosted:          plain gdb on rumpk-sim (SIGALRM/SIGVTALRM are the timer, SIGIO console
#                    input, SIGILL the trap probe and SIGSEGV a user program's fault the
#                    kernel contains, so gdb passes them silently; 'handle SIGSEGV stop' to
#                    stop on one)
#   riscv64/aarch64: QEMU waiting on tcp::1234 (-s -S) in the background, its console on this
#                    terminal, and gdb-multiarch on the ELF with symbols
# Both load scripts/gdb/rumpk.py: info stages, info fibers [-bt], info rings, info procs
# (docs/debugging.md).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
preset=${1:?usage: debug.sh PRESET [--append ARGS]}
shift
append=()
[ "${1:-}" = "--append" ] && append=(--append "$2")

case "$preset" in
  hosted)
    exec gdb -q -x "$top/scripts/gdb/rumpk.py" -x "$top/scripts/gdb/sim.gdb" \
      -ex 'break core_main' -ex run --args "$top/build/hosted/sim/rumpk-sim" "${append[@]}"
    ;;
  riscv64|aarch64)
    "$top/scripts/qemu.sh" "$preset" --gdb "${append[@]}" </dev/null &
    qemu=$!
    trap 'kill $qemu 2>/dev/null || true' EXIT
    sleep 0.3
    gdb-multiarch -q -x "$top/scripts/gdb/rumpk.py" -ex 'target remote :1234' \
      -ex 'break core_main' -ex continue \
      "$top/build/$preset/rumpk-$preset.elf"
    ;;
  *) echo "debug.sh: unknown preset $preset" >&2; exit 2 ;;
esac
