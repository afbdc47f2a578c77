#!/usr/bin/env bash
# scripts/deps.sh — install what rumpk needs to build and test, and nothing else.
#
# Idempotent: asks dpkg which packages are present and installs only the missing ones
# (Debian packages, --no-install-recommends), printing each name it installs. Then fetches
# the Debian *source* packages the bare-metal builds compile from (libfdt today) into
# third_party/src/ (git-ignored), deriving a deb-src entry from this machine's own apt
# sources when none exists. Exits non-zero, with the reason, when something cannot be had:
# a missing tool must fail the run, never make a test skip itself.
#
#   scripts/deps.sh           everything the build, `make run` and `make test` need
#   scripts/deps.sh --check   only report what is missing (exit 1 if anything is)
#   scripts/deps.sh --bench   the above, then the extras only `make bench` needs (below)
set -euo pipefail

here=${0%/*}; [ "$here" = "$0" ] && here=.   # dirname without a fork
top=$(cd "$here/.." && pwd)
srcdir="$top/third_party/src"

# --bench: DPDK's ring library, the batched peer of bench/bench_ring.c. Only its small
# runtime packages are installed: libdpdk-dev would pull in ~216 packages, so its headers
# are unpacked from the downloaded .deb (same version as the runtime) into
# third_party/dpdk/include (git-ignored), and third_party/dpdk/lib gets unversioned
# symlinks to the runtime's .so.23 files, so `-lrte_ring -lrte_eal` links without the -dev
# package. Without these, bench_ring still builds and runs its other peers.
bench_extras() {
  local dpdk="$top/third_party/dpdk" libs=(librte-ring23 librte-eal23) miss=() ver p tmp
  for p in "${libs[@]}"; do
    dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || miss+=("$p")
  done
  if [ ${#miss[@]} -ne 0 ]; then
    local su=()
    [ "$(id -u)" -eq 0 ] || su=(sudo -n)
    echo "deps: installing ${miss[*]} (for make bench)"
    "${su[@]}" apt-get update -qq >/dev/null 2>&1 || true
    tmp=$(mktemp)
    DEBIAN_FRONTEND=noninteractive "${su[@]}" apt-get install -y -qq --no-install-recommends \
      "${miss[@]}" >"$tmp" 2>&1 || { cat "$tmp" >&2; echo "deps: apt-get install ${miss[*]} failed" >&2; exit 1; }
    rm -f "$tmp"
  fi
  ver=$(dpkg-query -W -f='${Version}' librte-ring23)
  if [ "$(cat "$dpdk/VERSION" 2>/dev/null)" != "$ver" ] || [ ! -f "$dpdk/include/rte_ring_elem.h" ]; then
    echo "deps: unpacking libdpdk-dev $ver headers into third_party/dpdk/"
    tmp=$(mktemp -d)
    chmod 755 "$tmp" # apt's download user must be able to write there
    (cd "$tmp" && apt-get download -qq "libdpdk-dev=$ver" >"$tmp/log" 2>&1) || {
      cat "$tmp/log" >&2; echo "deps: 'apt-get download libdpdk-dev=$ver' failed" >&2; exit 1; }
    dpkg-deb -x "$tmp"/libdpdk-dev_*.deb "$tmp/x"
    rm -rf "$dpdk" && mkdir -p "$dpdk/include" "$dpdk/lib"
    # generic headers in usr/include/dpdk, the architecture's in usr/include/<multiarch>/dpdk
    for p in "$tmp"/x/usr/include/dpdk "$tmp"/x/usr/include/*/dpdk; do cp -r "$p"/. "$dpdk/include/"; done
    rm -rf "$tmp"
    echo "$ver" >"$dpdk/VERSION"
  fi
  for p in ring eal; do
    local so
    so=$(dpkg -L "librte-${p}23" | grep -E "/librte_${p}\.so\.23$" | head -n1)
    [ -n "$so" ] || { echo "deps: librte-${p}23 has no librte_${p}.so.23" >&2; exit 1; }
    ln -sfn "$so" "$dpdk/lib/librte_${p}.so"
  done
}
if [ "${1:-}" = "--bench" ]; then
  "$0"
  bench_extras
  echo "deps: bench extras ok"
  exit 0
fi

# Binary packages, with what each is for.
pkgs=(
  cmake ninja-build make pkg-config   # build driver
  clang lld llvm                      # one compiler for host and both cross targets; llvm-objcopy
  libclang-rt-14-dev                  # ASan/UBSan/TSan runtimes and libFuzzer
  check                               # unit tests
  libsodium-dev                       # Ed25519, SHA-512, SipHash (hosted kernel and host tools)
  libsdl2-dev                         # rumpk-sim's desktop window
  xvfb libxtst-dev                    # boot.window: a private X server, keys typed by XTEST
  qemu-system-misc                    # qemu-system-riscv64 with OpenSBI (-bios default)
  qemu-system-arm                     # qemu-system-aarch64
  gdb gdb-multiarch                   # make debug; the gdb extension's tests (scripts/gdb)
  dpkg-dev                            # apt-get source
  python3                             # test and doc generators
  valgrind                            # callgrind instruction counts in bench/
  libck-dev libboost-context-dev      # benchmark peers: ck_ring, Boost.Context fcontext
)
# Source packages compiled by the bare-metal builds (each unpacks to third_party/src/<name>-<ver>/):
#   arm-trusted-firmware  for its copy of upstream libfdt (lib/libfdt). Debian's own
#                         device-tree-compiler source tarballs answer 404 from this registry
#                         (docs/NOTES.md); TF-A carries the same BSD-2-Clause libfdt.
#   libsodium             Ed25519 verify, SHA-512, SipHash for the bare-metal kernels.
srcpkgs=(arm-trusted-firmware libsodium)
# Files taken out of a downloaded binary package (never installed: console-setup-linux would
# pull in keyboard-configuration and its debconf questions), into third_party/debfiles/:
#   console-setup-linux   the console font (Lat15-VGA16.psf.gz, 8x16 VGA glyphs) that the
#                         build converts for the framebuffer console (src/tools/psf2c.py)
debfile_pkg=console-setup-linux
debfile_path=usr/share/consolefonts/Lat15-VGA16.psf.gz
debfile_dir="$top/third_party/debfiles"

check_only=0
[ "${1:-}" = "--check" ] && check_only=1

# The "nothing missing" path is what every `make run` pays, so it forks nothing when it can:
# a stamp (build/deps.stamp) holding the package list, written just BEFORE the dpkg check
# that found everything installed, is trusted while dpkg's status file is not newer than it.
# Every install or removal rewrites that file, so the stamp never hides a package removed
# since; a changed list above fails the comparison. Otherwise: one dpkg-query, parsed with
# bash builtins. Source trees are checked every time (compgen is a builtin).
stamp="$top/build/deps.stamp"
dpkg_status="${DPKG_ADMINDIR:-/var/lib/dpkg}/status"
want="v1 ${pkgs[*]}"
missing_src=()
for s in "${srcpkgs[@]}"; do
  compgen -G "$srcdir/$s-*/" >/dev/null || missing_src+=("$s")
done
missing_debfile=0
[ -f "$debfile_dir/${debfile_path##*/}" ] || missing_debfile=1
stamp_ok=0
if [ -f "$stamp" ] && [ -f "$dpkg_status" ] && ! [ "$dpkg_status" -nt "$stamp" ]; then
  key=""
  IFS= read -r key <"$stamp" || true
  [ "$key" = "$want" ] && stamp_ok=1
fi
missing=()
if [ $stamp_ok -eq 0 ]; then
  # Stamp first (its mtime must predate the query), emptied again below if anything is missing.
  [ -d "$top/build" ] && printf '%s\n' "$want" >"$stamp" 2>/dev/null || true
  # dpkg-query exits 1 when it has never heard of a package: that is "missing", not an error.
  declare -A installed=()
  while read -r name status; do
    [ "$status" = installed ] && installed[${name%%:*}]=1
  done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${pkgs[@]}" 2>/dev/null || true)
  for p in "${pkgs[@]}"; do
    [ -n "${installed[$p]:-}" ] || missing+=("$p")
  done
  if [ ${#missing[@]} -ne 0 ] && [ -f "$stamp" ]; then : >"$stamp"; fi
fi

if [ ${#missing[@]} -eq 0 ] && [ ${#missing_src[@]} -eq 0 ] && [ $missing_debfile -eq 0 ]; then
  exit 0
fi
if [ $check_only -eq 1 ]; then
  echo "deps: missing packages: ${missing[*]:-none}; missing sources: ${missing_src[*]:-none};" \
    "missing files: $([ $missing_debfile -eq 1 ] && echo "$debfile_path" || echo none)" >&2
  exit 1
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if [ ${#missing[@]} -ne 0 ] || [ ! -f /etc/apt/sources.list.d/rumpk-deb-src.sources ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "deps: not root, and these are missing: ${missing[*]} ${missing_src[*]}" >&2
      echo "deps: run 'sudo scripts/deps.sh' once (or install them yourself), then retry." >&2
      exit 1
    fi
  fi
fi

apt_updated=0
apt_update() {
  [ $apt_updated -eq 1 ] && return 0
  echo "deps: apt-get update"
  # Third-party repositories on a machine may be unreachable; Debian's own lists are what
  # matter, and a failed install below reports any real problem.
  "${sudo[@]}" apt-get update -qq >/dev/null 2>&1 || true
  apt_updated=1
}

if [ ${#missing[@]} -ne 0 ]; then
  echo "deps: installing ${missing[*]}"
  apt_update
  log=$(mktemp)
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >"$log" 2>&1 || {
    cat "$log" >&2
    echo "deps: apt-get install failed for: ${missing[*]}" >&2
    exit 1
  }
  rm -f "$log"
fi

# A deb-src entry derived from the machine's own Debian sources (never a hard-coded mirror).
ensure_deb_src() {
  if grep -rqsE '^[[:space:]]*(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    return 0
  fi
  local out=/etc/apt/sources.list.d/rumpk-deb-src.sources tmp
  tmp=$(mktemp)
  # deb822 stanzas that carry Debian's archive key: copy them with Types: deb-src.
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'BEGIN{RS=""; ORS="\n\n"} /debian-archive-keyring/ && /Types:[^\n]*deb/ {
           sub(/Types:[^\n]*/, "Types: deb-src"); print }' "$f" >>"$tmp"
  done
  # One-line sources.list entries: "deb URI suite comp..." -> "deb-src URI suite comp...".
  if [ -f /etc/apt/sources.list ]; then
    grep -E '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list | grep -v 'deb-src' |
      sed -E 's/^[[:space:]]*deb[[:space:]]/deb-src /' >"$tmp.list" || true
    [ -s "$tmp.list" ] && "${sudo[@]}" cp "$tmp.list" /etc/apt/sources.list.d/rumpk-deb-src.list
    rm -f "$tmp.list"
  fi
  if [ -s "$tmp" ]; then
    "${sudo[@]}" cp "$tmp" "$out"
  fi
  rm -f "$tmp"
  if ! grep -rqsE '^[[:space:]]*(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "deps: found no Debian apt source to derive a deb-src entry from" >&2
    exit 1
  fi
  apt_updated=0
}

if [ ${#missing_src[@]} -ne 0 ]; then
  ensure_deb_src
  apt_update
  mkdir -p "$srcdir"
  for s in "${missing_src[@]}"; do
    echo "deps: fetching Debian source package $s into third_party/src/"
    log=$(mktemp)
    (cd "$srcdir" && apt-get source -qq "$s" >"$log" 2>&1) || {
      grep -E '^(E:|Err)' "$log" >&2
      echo "deps: 'apt-get source $s' failed (is a deb-src entry reachable?)" >&2
      exit 1
    }
    rm -f "$log"
    rm -f "$srcdir/$s"_*  # keep the unpacked tree only
    compgen -G "$srcdir/$s-*/" >/dev/null || { echo "deps: $s did not unpack" >&2; exit 1; }
  done
fi

if [ $missing_debfile -eq 1 ]; then
  echo "deps: taking $debfile_path out of Debian's $debfile_pkg into third_party/debfiles/"
  apt_update
  tmp=$(mktemp -d)
  chmod 755 "$tmp" # apt's download user must be able to write there
  (cd "$tmp" && apt-get download -qq "$debfile_pkg" >"$tmp/log" 2>&1) || {
    cat "$tmp/log" >&2; echo "deps: 'apt-get download $debfile_pkg' failed" >&2; exit 1; }
  dpkg-deb -x "$tmp/${debfile_pkg}"_*.deb "$tmp/x"
  [ -f "$tmp/x/$debfile_path" ] || { echo "deps: $debfile_pkg has no $debfile_path" >&2; exit 1; }
  mkdir -p "$debfile_dir"
  cp "$tmp/x/$debfile_path" "$debfile_dir/"
  rm -rf "$tmp"
fi
echo "deps: ok"
