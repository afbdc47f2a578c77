#!/usr/bin/env bash
# test_rumpk_sign.sh RUMPK_SIGN — the host tool's command line: every command, every refusal
# and its message, atomic and exclusive key creation, deterministic re-signing. Works in a
# fresh temporary directory; prints the first failed check and exits 1.
set -uo pipefail
tool=${1:?usage: test_rumpk_sign.sh path/to/rumpk-sign}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cd "$t"
n=0

fail() { echo "test_rumpk_sign: FAIL: $*" >&2; [ -f err ] && sed 's/^/  stderr: /' err >&2; exit 1; }
# run WANT_STATUS [GREP_IN_STDERR] -- ARGS...: the tool's exit status (and message) must match.
run() {
  local want=$1 pat=""
  shift
  if [ "$1" != -- ]; then pat=$1; shift; fi
  shift
  "$tool" "$@" >out 2>err
  local got=$?
  n=$((n + 1))
  [ $got -eq "$want" ] || fail "rumpk-sign $* exited $got, expected $want"
  if [ -n "$pat" ]; then grep -qF -- "$pat" err || fail "rumpk-sign $*: stderr lacks '$pat'"; fi
}
flip() { # flip FILE OFFSET: xor one byte with 0x01
  local b
  b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
  printf "$(printf '\\%03o' $(( b ^ 1 )))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
size() { stat -c %s "$1"; }

# --help everywhere, usage errors exit 2
for c in keygen sign verify pubkey pubkey-c keyid; do
  run 0 -- "$c" --help
  grep -q "^usage: rumpk-sign $c " out || fail "$c --help prints no usage line"
done
run 0 -- --help
run 2 "unknown command" -- frobnicate
run 2 "need KEY, IN and OUT" -- sign a b
run 2 "unknown option --bogus" -- keygen --bogus d
run 2 "contradict" -- keygen --force --if-missing d

# keygen: modes, refusal, --if-missing, --force, a missing .pub rewritten
run 0 -- keygen k
[ "$(stat -c %a k/signing.key)" = 600 ] || fail "signing.key mode $(stat -c %a k/signing.key)"
[ "$(size k/signing.key)" = 64 ] && [ "$(size k/signing.pub)" = 32 ] || fail "key sizes"
ls k | grep -q tmp && fail "temporary files left in k/"
cp k/signing.key key.orig
run 1 "already exists (key id" -- keygen k
run 1 "keygen --force" -- keygen k
cmp -s k/signing.key key.orig || fail "a refused keygen changed the key"
run 0 -- keygen --if-missing k
cmp -s k/signing.key key.orig || fail "keygen --if-missing changed the key"
rm k/signing.pub
run 0 -- keygen --if-missing k
run 0 -- pubkey k/signing.key derived.pub
cmp -s k/signing.pub derived.pub || fail "--if-missing did not rewrite signing.pub from the key"
run 0 -- keygen k2
run 0 -- keygen --force k2
cp k2/signing.pub k/signing.pub
run 1 "does not belong to" -- keygen --if-missing k
run 0 -- pubkey k/signing.key k/signing.pub
id=$("$tool" keyid k/signing.pub)
[ "$id" = "$("$tool" keyid k/signing.key)" ] || fail "keyid differs for the key and its .pub"
[[ $id =~ ^[0-9a-f]{16}$ ]] || fail "keyid printed '$id'"
# concurrent keygens agree on one pair
for i in 1 2 3 4 5 6; do "$tool" keygen --if-missing race >/dev/null 2>&1 & done
wait
run 0 -- pubkey race/signing.key race.pub
cmp -s race.pub race/signing.pub || fail "concurrent keygens left a mismatched pair"

# sign + verify; refusal of a signed input; --resign is deterministic
head -c 1000 /dev/urandom >prog
chmod 751 prog
run 0 -- sign k/signing.key prog prog.s
[ "$(size prog.s)" = 1096 ] || fail "signed size $(size prog.s)"
[ "$(stat -c %a prog.s)" = 751 ] || fail "sign did not keep the input's mode"
cmp -s <(head -c 1000 prog.s) prog || fail "the payload changed"
[ "$(tail -c 96 prog.s | head -c 8)" = RUMPKSIG ] || fail "no magic"
run 0 -- verify k/signing.pub prog.s
grep -q "good signature by k/signing.pub (key id $id), 1000 bytes signed" out || fail "verify output"
run 1 "already signed (key id $id, 1000 bytes signed); use sign --resign" -- sign k/signing.key prog.s x
run 0 -- sign --resign k/signing.key prog.s prog.rs
cmp -s prog.s prog.rs || fail "--resign gave other bytes (Ed25519 is deterministic)"
run 0 -- sign --resign k2/signing.key prog.s prog.k2
run 1 "signed by key id" -- verify k/signing.pub prog.k2
cp prog.s same && run 0 -- sign --resign k/signing.key same same && cmp -s same prog.s ||
  fail "signing in place"
: >empty
run 0 -- sign k/signing.key empty empty.s
run 0 -- verify k/signing.pub empty.s

# every refusal of verify, with its reason
run 1 "not signed (no signature trailer" -- verify k/signing.pub prog
head -c 50 prog.s >short
run 1 "shorter than a signature trailer" -- verify k/signing.pub short
cp prog.s bad && flip bad 10 && run 1 "bad signature (key id $id)" -- verify k/signing.pub bad
cp prog.s bad && flip bad 1070 && run 1 "bad signature" -- verify k/signing.pub bad
cp prog.s bad && flip bad 1000 && run 1 "not signed (no signature trailer" -- verify k/signing.pub bad
cp prog.s bad && flip bad 1008 && run 1 "trailer version 0, this tool knows version 1" -- verify k/signing.pub bad
cp prog.s bad && flip bad 1012 && run 1 "reserved field is not zero" -- verify k/signing.pub bad
{ head -c 999 prog.s; tail -c 96 prog.s; } >bad
run 1 "covers 1000 bytes but 999 precede it" -- verify k/signing.pub bad
{ head -c 1000 prog.s; echo x; tail -c 96 prog.s; } >bad
run 1 "covers 1000 bytes but 1002 precede it" -- verify k/signing.pub bad
run 1 "ends with a signature trailer covering 1000 bytes" -- sign --resign k/signing.key bad x

# key files in the wrong place, corrupt, missing
run 1 "SECRET key; give the .pub" -- verify k/signing.key prog.s
run 1 "looks like a public key" -- sign k/signing.pub prog x
cp k/signing.key corrupt.key && flip corrupt.key 40 && chmod 600 corrupt.key
run 1 "corrupt secret key" -- sign corrupt.key prog x
run 1 "nosuch: cannot open" -- sign k/signing.key nosuch x
chmod 644 k2/signing.key
run 0 "is accessible to group or others (mode 644)" -- sign k2/signing.key prog x
[ -e x ] || fail "a warned-about key did not sign"

# pubkey-c: the table, duplicates folded, rewritten only on change
run 0 -- pubkey-c k/signing.pub k2/signing.pub k/signing.pub keys.c
[ "$(grep -c '\.pk = {' keys.c)" = 2 ] || fail "pubkey-c: expected 2 keys"
grep -q "sign_trusted_keys = { keys, 2 }" keys.c || fail "pubkey-c: keyring line"
grep -q "key id $id" keys.c || fail "pubkey-c: key id comment"
touch -d @1000000000 keys.c
run 0 -- pubkey-c k/signing.pub k2/signing.pub keys.c
[ "$(stat -c %Y keys.c)" = 1000000000 ] || fail "pubkey-c rewrote an unchanged table"
run 1 "SECRET" -- pubkey-c k/signing.key keys.c

echo "test_rumpk_sign: $n checks passed"
