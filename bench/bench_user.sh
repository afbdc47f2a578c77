#!/usr/bin/env bash
# bench/bench_user.sh [--smoke] [--pairs N] [--part calls|start|all] [--build DIR] ... —
# issue D's benchmarks of programs on the sim: system calls and exec against Linux, the
# sim's start to the shell's prompt, its RSS, idle wake-ups and echo round trip
# (bench/bench_user.py says how each is taken; docs/performance.md has the figures).
# Run from anywhere; the hosted tree must be built. --help lists every option.
set -euo pipefail
here=${0%/*}; [ "$here" = "$0" ] && here=.
cd "$here/.."
exec python3 bench/bench_user.py "$@"
