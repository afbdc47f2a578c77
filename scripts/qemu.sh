#!/usr/bin/env bash
# scripts/qemu.sh — the one place that knows rumpk's QEMU command lines.
#
#   scripts/qemu.sh ARCH [--kernel F] [--initrd F | --no-initrd] [--append ARGS] [--gdb]
#                        [--mem MIB] [-- EXTRA QEMU ARGS]
#   ARCH: riscv64 | aarch64
#   --initrd F: the initrd (default build/ARCH/initrd.tar, which every build makes);
#   --no-initrd boots without one (the kernel's vfs stage then fails, saying so).
#   --append ARGS: the kernel command line; given more than once, the parts are joined
#   (the kernel takes the last of two equal keys).
#
# The serial console is this script's stdin/stdout (-serial stdio). Never -nographic: it
# multiplexes the monitor onto the serial line, so a byte 0x01 then 'x' from a test would end
# QEMU. QEMU's exit status is the kernel's halt code (sifive_test on riscv64, semihosting
# SYS_EXIT on aarch64). --gdb waits for gdb on tcp::1234 (-s -S).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
arch=${1:-}
[ -n "$arch" ] && shift
kernel="" initrd="" no_initrd=0 append="" gdb=0 mem=32
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --kernel) kernel=$2; shift 2 ;;
    --initrd) initrd=$2; shift 2 ;;
    --no-initrd) no_initrd=1; shift ;;
    --append) append="${append:+$append }$2"; shift 2 ;; # repeatable: joined by spaces
    --mem) mem=$2; shift 2 ;;
    --gdb) gdb=1; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "qemu.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

common=(-m "${mem}M" -smp 1 -display none -serial stdio -monitor none -nic none)
case "$arch" in
  riscv64)
    # OpenSBI comes inside Debian's QEMU (-bios default); it enters the kernel in S-mode at
    # the lowest PT_LOAD address (0x80200000), a0 = hart id, a1 = device tree.
    : "${kernel:=$top/build/riscv64/rumpk-riscv64.elf}"
    cmd=(qemu-system-riscv64 -machine virt -bios default "${common[@]}")
    ;;
  aarch64)
    # A raw arm64 Image (not the ELF): only then does QEMU load -initrd and pass x0 = DTB.
    # -semihosting lets hal_halt() set QEMU's exit status with SYS_EXIT.
    : "${kernel:=$top/build/aarch64/rumpk-aarch64.bin}"
    cmd=(qemu-system-aarch64 -machine virt -cpu cortex-a72 -semihosting "${common[@]}")
    ;;
  *) echo "qemu.sh: ARCH must be riscv64 or aarch64 (got '${arch}')" >&2; exit 2 ;;
esac
[ -f "$kernel" ] || { echo "qemu.sh: no kernel image at $kernel (build the $arch preset first)" >&2; exit 2; }
cmd+=(-kernel "$kernel")
if [ $no_initrd -eq 0 ]; then
  # QEMU places it: riscv64 virt 0x81200000, aarch64 virt 0x41000000 with -m 32M (both in
  # the device tree's /chosen linux,initrd-start/-end, which the HALs read).
  : "${initrd:=$top/build/$arch/initrd.tar}"
  [ -f "$initrd" ] || { echo "qemu.sh: no initrd at $initrd (build the $arch preset first, or pass --initrd F / --no-initrd)" >&2; exit 2; }
  cmd+=(-initrd "$initrd")
fi
[ -n "$append" ] && cmd+=(-append "$append")
[ $gdb -eq 1 ] && cmd+=(-s -S)
cmd+=("${extra[@]}")
exec "${cmd[@]}"
