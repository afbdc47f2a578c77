#!/usr/bin/env bash
# scripts/build.sh [--configure-only] PRESET [TARGET...] — configure PRESET if its build tree
# is missing, then build it (or only TARGETs). Keeps compile_commands.json at the top level
# pointing at the hosted tree, for editors.
set -euo pipefail
here=${0%/*}; [ "$here" = "$0" ] && here=.   # dirname without a fork
cd "$here/.."
configure_only=0
if [ "${1:-}" = "--configure-only" ]; then configure_only=1; shift; fi
preset=${1:?usage: build.sh [--configure-only] PRESET [TARGET...]}
shift
if [ ! -f "build/$preset/build.ninja" ]; then
  log=$(mktemp)
  cmake --preset "$preset" >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; exit 1; }
  rm -f "$log"
fi
if [ "$preset" = hosted ] && [ ! -e compile_commands.json ]; then
  ln -sf build/hosted/compile_commands.json compile_commands.json
fi
[ $configure_only -eq 1 ] && exit 0
# ninja directly: `cmake --build` adds a CMake start-up to every edit-run cycle.
# --quiet prints only what commands print (errors, warnings); the filter drops ninja's own
# "no work to do" with a builtin loop (no grep process: this runs on every `make run`).
ninja -C "build/$preset" --quiet "$@" | while IFS= read -r line || [ -n "$line" ]; do
  [ "$line" = "ninja: no work to do." ] || printf '%s\n' "$line"
done
