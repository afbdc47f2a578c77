# libfdt for the bare-metal HALs (and, hosted, for the unit test of their device-tree reader), compiled from a Debian source package that
# scripts/deps.sh unpacked into third_party/src/ (never committed). Debian's own
# device-tree-compiler source tarballs are not served by this project's package registry
# (docs/NOTES.md), so the copy of upstream libfdt inside Debian's arm-trusted-firmware
# source package is used: same code, BSD-2-Clause.
file(GLOB RUMPK_LIBFDT_ROOT LIST_DIRECTORIES true
  ${CMAKE_SOURCE_DIR}/third_party/src/arm-trusted-firmware-*)
if(NOT RUMPK_LIBFDT_ROOT OR NOT EXISTS ${RUMPK_LIBFDT_ROOT}/lib/libfdt/fdt_ro.c)
  message(FATAL_ERROR "libfdt sources missing: run scripts/deps.sh (it fetches Debian's "
    "arm-trusted-firmware source package into third_party/src/)")
endif()
set(d ${RUMPK_LIBFDT_ROOT}/lib/libfdt)
if(RUMPK_HAL STREQUAL "hosted")
  # The hosted presets test src/libk/fdt_boot.c on the host (tests/unit/test_fdt_boot.c):
  # the same files with the host's libc, plus the sequential-write API the test builds its
  # device trees with.
  add_library(rumpk_libfdt STATIC ${d}/fdt.c ${d}/fdt_ro.c ${d}/fdt_addresses.c
    ${d}/fdt_strerror.c ${d}/fdt_sw.c)
  target_compile_options(rumpk_libfdt PRIVATE -w)
else()
  add_library(rumpk_libfdt STATIC ${d}/fdt.c ${d}/fdt_ro.c ${d}/fdt_addresses.c
    ${d}/fdt_strerror.c)
  target_compile_options(rumpk_libfdt PRIVATE ${RUMPK_FREESTANDING_FLAGS} -w)
  target_link_libraries(rumpk_libfdt PUBLIC rumpk_libk)
endif()
target_include_directories(rumpk_libfdt SYSTEM PUBLIC ${RUMPK_LIBFDT_ROOT}/include/lib/libfdt)
