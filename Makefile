# rumpk — a thin wrapper over CMake presets and the scripts in scripts/.
#
#   make run [ARCH=riscv64|aarch64] [APPEND='selftest=all']   build what is needed and boot
#                                                             (with build/<preset>/initrd.tar)
#   make test                                                 everything CI runs
#   make bench                                                the benchmarks, full length
#   make debug [ARCH=riscv64|aarch64]                         gdb, stopped at core_main
#   make clean
#
# Every target first runs scripts/deps.sh, which returns in a few ms when nothing is missing
# (bench runs it with --bench).
# A preset is configured only when its build tree is missing; after that ninja re-runs CMake
# by itself when a CMakeLists.txt changes, so an edit-run loop pays for compiling only.

ARCH ?= hosted
APPEND ?=
SHELL := /bin/bash

ifeq ($(ARCH),hosted)
PRESET := hosted
else ifneq ($(filter $(ARCH),riscv64 aarch64),)
PRESET := $(ARCH)
else
$(error ARCH must be hosted, riscv64 or aarch64 (got '$(ARCH)'))
endif

.PHONY: run test bench debug clean deps configure build

deps:
	@scripts/deps.sh

configure: deps
	@scripts/build.sh --configure-only $(PRESET)

build: deps
	@scripts/build.sh $(PRESET)

# One recipe line: every line is a shell of its own, and this one is the edit-run loop
# (scripts run by `bash` directly, sparing the `env` of their #! line).
run:
ifeq ($(PRESET),hosted)
	@bash scripts/deps.sh && bash scripts/build.sh hosted rumpk-sim && \
	  exec build/hosted/sim/rumpk-sim --initrd build/hosted/initrd.tar $(if $(APPEND),--append '$(APPEND)')
else
	@bash scripts/deps.sh && bash scripts/build.sh $(PRESET) && \
	  exec scripts/qemu.sh $(PRESET) --initrd build/$(PRESET)/initrd.tar $(if $(APPEND),--append '$(APPEND)')
endif

test: deps
	@scripts/test.sh

# bench: deps.sh --bench adds the peers only benchmarks need (DPDK's rte_ring); the hosted
# tree is re-configured so it finds them even if it was configured before they existed.
bench:
	@scripts/deps.sh --bench
	@scripts/build.sh --configure-only hosted
	@cmake build/hosted >/dev/null
	@scripts/build.sh hosted
	@for b in build/hosted/bench/bench_*; do RUMPK_BENCH=full "$$b" || exit 1; done
	@bench/bench_user.sh
	@for a in riscv64 aarch64; do scripts/build.sh $$a && bench/boot_qemu.sh $$a || exit 1; done
	@bench/edit_run.sh

debug: deps
	@scripts/build.sh $(PRESET)
	@scripts/debug.sh $(PRESET) $(if $(APPEND),--append '$(APPEND)')

clean:
	rm -rf build compile_commands.json
