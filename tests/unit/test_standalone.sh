#!/usr/bin/env bash
# test_standalone.sh TOP — a clone must stand alone: no tracked file outside docs/ may refer
# to the team's folder beside the clone (".." + "/shared"), since a user's clone has nothing
# beside it. CI clones with that folder present, so only this test can catch a regression.
# The pattern is split so that this file does not match itself. Before the real scan, the
# scanner is run on a planted tree and must find the planted reference (a test that cannot
# fail proves nothing).
set -uo pipefail
top=${1:?usage: test_standalone.sh SOURCE_DIR}
pat='\.\.''/shared'

# scan DIR: prints every offending file (path relative to DIR), one a line.
scan() {
  local dir=$1
  if git -C "$dir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$dir" ls-files -z -- ':!docs/' | (cd "$dir" && xargs -0 -r grep -l -E -I -- "$pat")
  else
    (cd "$dir" && find . -path ./build -prune -o -path ./third_party -prune -o -path ./docs -prune \
      -o -path ./.git -prune -o -type f -print0 | xargs -0 -r grep -l -E -I -- "$pat")
  fi
}

t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/src" "$t/docs"
printf 'read ../%s/testdata\n' shared >"$t/src/planted.cmake"
printf 'see ../%s/x\n' shared >"$t/docs/ok.md"
got=$(scan "$t")
if [ "$got" != "./src/planted.cmake" ] && [ "$got" != "src/planted.cmake" ]; then
  echo "test_standalone: FAIL: the scanner did not find exactly the planted file (got: '$got')" >&2
  exit 1
fi

bad=$(scan "$top")
if [ -n "$bad" ]; then
  echo "test_standalone: FAIL: these tracked files refer to the folder beside the clone;" >&2
  echo "  a user's clone has no such folder (copy what is needed into the project):" >&2
  sed 's/^/  /' <<<"$bad" >&2
  exit 1
fi
echo "test_standalone: ok, no tracked file outside docs/ refers to the folder beside the clone"
