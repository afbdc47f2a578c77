#!/usr/bin/env bash
# tests/boot/gdb_check.sh — the gdb extension (scripts/gdb/rumpk.py) in batch mode against a
# running kernel: it stops at a kernel breakpoint while the shell runs `ps`, runs every
# command, and checks what they print.
#
#   gdb_check.sh --out DIR sim SIM INITRD
#   gdb_check.sh --out DIR qemu ARCH ELF       (QEMU on its own socket DIR/gdb.sock)
#
# The shell is sent "ps" then "halt 0"; the breakpoint is sys_ps (the kernel's side of the
# shell's `ps`), so the shell's fiber is the running one, the boot fiber waits for init, and
# the console's input ring has seen the line. Checks: `info stages` lists all 8 stages ok;
# `info fibers` lists nipbox running and the boot fiber waiting; `info fibers -bt` ends the
# boot fiber's stack in core_main and the shell's in the kernel's syscall path; `info rings`
# has "console in" with a peak above 0 and the shell's two rings; `info procs` has pid 1
# nipbox live. The transcript is DIR/gdb-<target>.log.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
[ "$1" = --out ] || { echo "usage: gdb_check.sh --out DIR sim|qemu ..." >&2; exit 2; }
out=$2; shift 2
mkdir -p "$out"
target=$1; shift
cmds=(-ex 'info stages' -ex 'info fibers' -ex 'info fibers -bt' -ex 'info rings' -ex 'info procs')
log=$out/gdb-$target.log
case "$target" in
  sim)
    sim=$1 initrd=$2
    printf 'ps\nhalt 0\n' >"$out/gdb-input.txt"
    timeout 120 gdb -q -batch -nx -x "$top/scripts/gdb/rumpk.py" -x "$top/scripts/gdb/sim.gdb" \
      -ex 'break sys_ps' -ex "run <$out/gdb-input.txt" "${cmds[@]}" -ex kill \
      --args "$sim" --display none --initrd "$initrd" >"$log" 2>&1 || true
    ;;
  qemu)
    arch=$1 elf=$2 sock=$out/gdb.sock
    rm -f "$sock"
    fifo=$out/gdb-console.fifo
    rm -f "$fifo"; mkfifo "$fifo"
    # QEMU waits (-S) on its own socket; the console gets "ps" once the prompt is there.
    "$top/scripts/qemu.sh" "$arch" -- -gdb "unix:$sock,server=on,wait=off" -S \
      <"$fifo" >"$out/gdb-qemu-console.log" 2>&1 &
    qemu=$!
    exec 3>"$fifo"
    trap 'kill $qemu 2>/dev/null || true; exec 3>&-; rm -f "$fifo"' EXIT
    for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
    (for _ in $(seq 600); do
       grep -q 'nipbox:/\$ ' "$out/gdb-qemu-console.log" 2>/dev/null && break; sleep 0.05
     done; printf 'ps\n' >&3) &
    timeout 120 gdb-multiarch -q -batch -nx -x "$top/scripts/gdb/rumpk.py" \
      -ex "target remote $sock" -ex 'break sys_ps' -ex continue "${cmds[@]}" -ex kill \
      "$elf" >"$log" 2>&1 || true
    ;;
  *) echo "gdb_check.sh: target must be sim or qemu" >&2; exit 2 ;;
esac

fail=0
need() { # need REGEX WHAT
  if ! grep -qE "$1" "$log"; then
    echo "gdb_check.sh: $target: $2 (no line matching /$1/)" >&2
    fail=1
  fi
}
need '^Breakpoint 1, sys_ps' "the breakpoint in sys_ps was never hit"
for s in memory traps timer scheduler rings crypto vfs loader; do
  need "^[0-9]+ +$s +ok " "info stages: stage $s not ok"
done
need '^[0-9]+ +nipbox +running ' "info fibers: the shell's fiber is not listed as running"
need '^0 +boot +waiting .*entry core_main' "info fibers: the boot fiber is not waiting in core_main"
need '^fiber 0 \(boot\), waiting:' "info fibers -bt: no stack for the boot fiber"
need '^  #[0-9]+ +core_main at boot\.c' "info fibers -bt: the boot fiber's stack does not end in core_main"
need '^  #[0-9]+ +sys_ps at proc\.c' "info fibers -bt: the shell's stack does not show sys_ps"
need '^console in +bytes +4096 ' "info rings: no console input ring"
need '^console in +bytes +4096 +[0-9]+ +[0-9]+ +[0-9]+ +[1-9][0-9]* ' "info rings: the console ring's peak is 0"
need '^pid 1 sq +packets +32 ' "info rings: no submission ring for pid 1"
need '^pid 1 cq +packets +64 ' "info rings: no completion ring for pid 1"
need '^1 +0 +nipbox +live +fiber [0-9]+ +user 0x' "info procs: pid 1 nipbox is not listed live"
if grep -qE 'Python Exception|Error occurred in Python|^Traceback' "$log"; then
  echo "gdb_check.sh: $target: the extension raised an error" >&2
  fail=1
fi
if [ $fail -ne 0 ]; then
  echo "---- $log ----" >&2
  cat "$log" >&2
  exit 1
fi
echo "gdb_check.sh: $target: every command printed what the session expects ($log)"
