#!/usr/bin/env bash
# tests/boot/window_check.sh --out DIR XDRIVE SIM INITRD — the sim's window as a person uses
# it, on a private X server (Xvfb): keys typed into the window reach the shell, and closing
# the window halts the kernel cleanly with code 0.
#
# The sim runs with --display sdl and a stdin that never delivers a byte (an open, empty
# FIFO), so the only input is the window's. XDRIVE (tests/boot/xdrive.c) types
# "echo typed in the window" and Return through XTEST, then, once the shell has printed
# the echo, sends the window manager's close request. Transcript: DIR/window.log.
set -euo pipefail
[ "$1" = --out ] || { echo "usage: window_check.sh --out DIR XDRIVE SIM INITRD" >&2; exit 2; }
out=$2 xdrive=$3 sim=$4 initrd=$5
mkdir -p "$out"
log=$out/window.log
fifo=$out/window-stdin.fifo

# A private server on a display number it picks itself (-displayfd: checking for a free
# number first races with a second test run starting its own server at the same moment).
Xvfb -displayfd 4 -screen 0 1400x900x24 -nolisten tcp 4>"$out/xvfb.display" >"$out/xvfb.log" 2>&1 &
xvfb=$!
sim_pid=""
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  kill "$xvfb" 2>/dev/null || true
  exec 3>&- 2>/dev/null || true
  rm -f "$fifo"
}
trap cleanup EXIT
n=
for _ in $(seq 400); do # up to 20 s on a loaded machine
  n=$(tr -dc 0-9 <"$out/xvfb.display" 2>/dev/null || true)
  [ -n "$n" ] && [ -S "/tmp/.X11-unix/X$n" ] && break
  sleep 0.05
done
[ -n "$n" ] && [ -S "/tmp/.X11-unix/X$n" ] ||
  { echo "window_check.sh: Xvfb did not start" >&2; cat "$out/xvfb.log" >&2; exit 1; }
export DISPLAY=":$n"
unset WAYLAND_DISPLAY SDL_VIDEODRIVER

rm -f "$fifo"; mkfifo "$fifo"
exec 3<>"$fifo" # held open read-write: the sim's stdin never ends and never has a byte
"$sim" --display sdl --initrd "$initrd" <"$fifo" >"$log" 2>&1 &
sim_pid=$!

for _ in $(seq 200); do grep -q 'nipbox:/\$ ' "$log" 2>/dev/null && break; sleep 0.05; done
"$xdrive" type rumpk-sim $'echo typed in the window\n'
for _ in $(seq 200); do grep -q '^typed in the window' "$log" && break; sleep 0.05; done
if ! grep -q '^typed in the window' "$log"; then
  echo "window_check.sh: the keys typed into the window did not reach the shell" >&2
  cat "$log" >&2
  exit 1
fi
"$xdrive" close rumpk-sim
rc=0
for _ in $(seq 200); do kill -0 "$sim_pid" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$sim_pid" 2>/dev/null; then
  echo "window_check.sh: the sim is still running 10 s after its window was closed" >&2
  cat "$log" >&2
  exit 1
fi
wait "$sim_pid" || rc=$?
sim_pid=""
last=$(tr -d '\r' <"$log" | grep -v '^$' | tail -n 1)
if [ $rc -ne 0 ] || [ "$last" != "halted, code 0" ]; then
  echo "window_check.sh: closing the window ended the sim with status $rc, last line '$last'" >&2
  cat "$log" >&2
  exit 1
fi
echo "window_check.sh: typed keys reached the shell; closing the window halted with code 0"
