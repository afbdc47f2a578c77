# Shared build rules.
#
# rumpk_warnings(target): the project's warning set (errors) for code written here.
# RUMPK_FREESTANDING_FLAGS: how the core (and everything bare-metal) is compiled. -nostdlibinc
# drops the system include directories, so a libc or POSIX header in the core fails the
# build; clang's own freestanding headers (stdint, stddef, stdarg, stdbool, stdatomic) stay.

set(RUMPK_FREESTANDING_FLAGS -ffreestanding -nostdlibinc -fno-common)

function(rumpk_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-unused-parameter
    -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla)
endfunction()

# Sanitizers (hosted-asan preset): the whole hosted build, core included.
if(RUMPK_SANITIZE)
  add_compile_options(-fsanitize=${RUMPK_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${RUMPK_SANITIZE})
endif()

# rumpk_bare_metal_kernel() — what both bare-metal HAL directories add beside their kernel:
#   - a warning when the build type's flags do not end in -Os: cmake/toolchain-*.cmake seeds
#     -Os (boot time under QEMU's TCG), but a tree configured before that keeps CMake's -O2
#     in its cache until it is configured afresh;
#   - bench.boot_qemu, bench/boot_qemu.sh's 3-pair smoke run of this kernel against a bare
#     "print and exit" image under the same QEMU flags (label bench; `make bench` runs 20).
function(rumpk_bare_metal_kernel)
  string(TOUPPER "${CMAKE_BUILD_TYPE}" cfg)
  string(REGEX MATCHALL "-O[0-9a-z]*" opts "${CMAKE_C_FLAGS_${cfg}}")
  list(POP_BACK opts last_opt) # the last -O is the one clang uses
  if(cfg AND NOT last_opt MATCHES "^-O[sz]$")
    message(WARNING "CMAKE_C_FLAGS_${cfg} is '${CMAKE_C_FLAGS_${cfg}}', not the "
      "toolchain's -Os: remove ${CMAKE_BINARY_DIR} (or cmake --fresh) to boot faster in QEMU")
  endif()
  add_test(NAME bench.boot_qemu COMMAND ${CMAKE_SOURCE_DIR}/bench/boot_qemu.sh --pairs 3
    --build-dir ${CMAKE_BINARY_DIR} ${RUMPK_HAL})
  set_tests_properties(bench.boot_qemu PROPERTIES LABELS bench RUN_SERIAL TRUE TIMEOUT 120)
endfunction()
