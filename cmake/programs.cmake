# User programs: static-PIE ELF64 images for one machine, linked against libnexus
# (src/user/libnexus: crt0 + the small libc) and libk's string functions (src/libk/string.c),
# and nothing of the kernel's build: no sanitizer, no -fno-pie, no libc, whatever the preset.
#
#   rumpk_add_program(NAME SOURCE... [MACHINE x86_64|riscv64|aarch64] [BIN] [VIRTUAL])
#
# builds ${CMAKE_BINARY_DIR}/programs/NAME.elf for the preset's machine
# (RUMPK_PROGRAM_MACHINE: x86_64 in the hosted presets, else RUMPK_HAL). With another
# MACHINE it builds ${CMAKE_BINARY_DIR}/programs/<MACHINE>/NAME.elf instead (the hosted
# tests validate the cross images too). The target is program-NAME (program-NAME-<MACHINE>
# for another machine), in ALL; its properties RUMPK_ELF and RUMPK_MACHINE give the output
# and the machine, and the global property RUMPK_PROGRAM_TARGETS lists every such target.
# The ELF is unsigned. With BIN (for the preset's machine), the program also goes into the
# initrd: its copy without debug information (llvm-objcopy --strip-debug: the kernel
# hashes every byte at boot and at every exec; gdb reads NAME.elf) is signed with the
# build's key into ${RUMPK_SIGNED_DIR}/NAME (target signed-NAME) and packed as /bin/NAME.
#
# VIRTUAL (hosted presets; implies the preset's machine): the copy for the sim's virtual
# mode (docs/simulation.md), every C file compiled with budget checks
# (-fsanitize-coverage=trace-pc-guard,no-prune: a hook call on every edge, even in a bare
# `for(;;);`, which plain trace-pc-guard leaves as `jmp .`) and linked with libnexus's
# budget.c (the hook). Output programs/virtual/NAME.elf, target program-NAME-virtual;
# with BIN it is signed into ${RUMPK_SIGNED_DIR}-virtual/NAME and packed as /bin/NAME of
# initrd-virtual.tar (cmake/initrd.cmake), the virtual mode's default initrd. The one
# exception to "no sanitizer flags in programs"; coverage adds only R_*_RELATIVE
# relocations (the guards' table in .init_array), so programs.readelf holds it too.
#
# Why custom commands and not add_executable: every target of a preset is compiled with
# that preset's flags (the toolchain file's -fno-pie, hosted-asan's -fsanitize=...), and a
# hosted tree must also build riscv64/aarch64 programs. A program's compile line is
# exactly what is below, for its machine. Recipe verified with clang/lld 14
# (docs/loader.md): ET_DYN, no PT_INTERP, PT_DYNAMIC with only R_*_RELATIVE, PT_GNU_RELRO,
# a non-executable PT_GNU_STACK, four PT_LOADs on separate pages, linked at 0.

if(RUMPK_HAL STREQUAL "hosted")
  set(RUMPK_PROGRAM_MACHINE x86_64)
else()
  set(RUMPK_PROGRAM_MACHINE ${RUMPK_HAL})
endif()
set(_rumpk_user_dir ${CMAKE_SOURCE_DIR}/src/user)

# Per machine. x86_64: -mno-red-zone, since the hosted HAL's preemption writes below a
# program's rsp (MACHINE-FACTS.md). riscv64: lld 14 cannot relax, and rv64imac has no FPU
# code (no float runtime either). aarch64: FP/SIMD allowed (clang vectorises string and
# copy loops with q registers): the kernel saves q0-q31, FPCR and FPSR at every trap from
# EL0 (issue E2). Note: basic.session still passes with the q restore removed (the kernel
# never touches those registers), so only a program that checks its own q registers while
# another one changes them would show the state surviving a switch.
set(_rumpk_prog_target_x86_64 --target=x86_64-unknown-linux-gnu -mno-red-zone)
set(_rumpk_prog_target_riscv64 --target=riscv64-unknown-elf -march=rv64imac -mabi=lp64
  -mcmodel=medany -mno-relax)
set(_rumpk_prog_target_aarch64 --target=aarch64-none-elf -mcpu=cortex-a72)

# The paths in a program's debug info are relative to the top of the clone (compiled there,
# its directory mapped to "."): a program is then the same bytes in every clone of the
# same commit, so its build id, its image digest and the provenance ids derived from it are
# too, and a replay line from CI gives the same bytes locally (docs/simulation.md). gdb
# finds the sources when it runs from the top of the clone.
set(_rumpk_prog_common -fPIE -ffreestanding -nostdlibinc -g
  -ffile-prefix-map=${CMAKE_SOURCE_DIR}=.
  -I${_rumpk_user_dir}/libnexus/include -I${CMAKE_SOURCE_DIR}/src/libk/include
  -I${CMAKE_SOURCE_DIR}/src/core/include)
# Unwind tables off: nothing unwinds user code, and no .eh_frame means no PT_GNU_EH_FRAME.
set(_rumpk_prog_cflags -std=gnu11 -O2 -fno-common -fno-stack-protector
  -fno-asynchronous-unwind-tables -fno-unwind-tables -ffunction-sections -fdata-sections
  -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes
  -Wmissing-prototypes -Wvla)
set(_rumpk_prog_ldflags -fPIE -nostdlib -fuse-ld=lld
  -Wl,-pie,--no-dynamic-linker,-z,text,-z,noexecstack,-z,separate-code,-z,max-page-size=4096
  -Wl,--no-undefined,--gc-sections,--compress-debug-sections=zlib)

# libnexus's small libc (docs/libnexus.md): the nexus_ implementation files, which
# tests/unit/test_libnexus.c also compiles for the host, and libc.c (the standard names,
# programs only). Every program compiles all of them for its machine (which keeps them
# freestanding on all three) into its own archive, libnexus-libc.a: the linker takes
# only the members a program refers to, so a program that calls none of them links
# exactly as before, and carries none of their debug information either (--gc-sections
# would drop their code but not that). Their seams (nexus_sys.h: nexus_sys_write,
# nexus_sys_heap_grow, nexus_abort) are the syscall layer's to define; until then a
# program that calls printf or malloc fails to link, on purpose (--no-undefined).
find_program(RUMPK_LLVM_AR NAMES llvm-ar llvm-ar-14 REQUIRED) # GNU ar cannot index cross objects
set(RUMPK_LIBNEXUS_LIBC_SOURCES
  ${_rumpk_user_dir}/libnexus/format.c
  ${_rumpk_user_dir}/libnexus/stdio.c
  ${_rumpk_user_dir}/libnexus/malloc.c
  ${_rumpk_user_dir}/libnexus/str.c
  ${_rumpk_user_dir}/libnexus/stdlib.c)

set_property(GLOBAL PROPERTY RUMPK_PROGRAM_TARGETS "")

set(RUMPK_SIGNED_DIR ${CMAKE_BINARY_DIR}/programs/signed)
find_program(RUMPK_LLVM_OBJCOPY NAMES llvm-objcopy llvm-objcopy-14 REQUIRED)

function(rumpk_add_program name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "BIN;VIRTUAL" "MACHINE" "")
  set(sources ${arg_UNPARSED_ARGUMENTS})
  if(NOT sources)
    message(FATAL_ERROR "rumpk_add_program(${name}): no sources")
  endif()
  set(machine ${RUMPK_PROGRAM_MACHINE})
  if(arg_MACHINE)
    set(machine ${arg_MACHINE})
  endif()
  if(NOT DEFINED _rumpk_prog_target_${machine})
    message(FATAL_ERROR "rumpk_add_program(${name}): unknown MACHINE '${machine}' "
      "(x86_64, riscv64 or aarch64)")
  endif()
  set(variant "")
  set(cov "")
  if(arg_VIRTUAL)
    if(NOT machine STREQUAL "x86_64" OR NOT RUMPK_HAL STREQUAL "hosted")
      message(FATAL_ERROR "rumpk_add_program(${name}): VIRTUAL is for the hosted presets")
    endif()
    set(variant -virtual)
    set(cov -fsanitize-coverage=trace-pc-guard,no-prune)
    set(out ${CMAKE_BINARY_DIR}/programs/virtual/${name}.elf)
    set(target program-${name}-virtual)
  elseif(machine STREQUAL RUMPK_PROGRAM_MACHINE)
    set(out ${CMAKE_BINARY_DIR}/programs/${name}.elf)
    set(target program-${name})
  else()
    set(out ${CMAKE_BINARY_DIR}/programs/${machine}/${name}.elf)
    set(target program-${name}-${machine})
  endif()
  set(objdir ${CMAKE_BINARY_DIR}/programs-obj/${machine}${variant}/${name})
  set(tflags ${_rumpk_prog_target_${machine}})

  list(APPEND sources
    ${_rumpk_user_dir}/libnexus/arch/${machine}/crt0.S
    ${_rumpk_user_dir}/libnexus/nexus.c
    ${CMAKE_SOURCE_DIR}/src/libk/string.c)
  if(arg_VIRTUAL)
    list(APPEND sources ${_rumpk_user_dir}/libnexus/budget.c)
  endif()
  # sys.c is the membrane (packets on the ring page), libc.c the standard names: programs only.
  set(libc_sources ${RUMPK_LIBNEXUS_LIBC_SOURCES} ${_rumpk_user_dir}/libnexus/sys.c
    ${_rumpk_user_dir}/libnexus/calls.c ${_rumpk_user_dir}/libnexus/libc.c)
  set(objs "")
  set(libc_objs "")
  foreach(src IN LISTS sources libc_sources)
    if(NOT IS_ABSOLUTE "${src}")
      set(src ${CMAKE_CURRENT_SOURCE_DIR}/${src})
    endif()
    file(RELATIVE_PATH rel ${CMAKE_SOURCE_DIR} ${src})
    set(obj ${objdir}/${rel}.o)
    get_filename_component(odir ${obj} DIRECTORY)
    if(src MATCHES "\\.S$")
      # No -g for assembly: clang 14's assembler writes the file's absolute path into its
      # line table whatever -ffile-prefix-map says, which would make programs differ per
      # clone (above). Their symbols and .cfi directives stay; gdb shows the disassembly.
      set(flags ${tflags} ${_rumpk_prog_common})
      list(REMOVE_ITEM flags -g)
    else()
      set(flags ${tflags} ${_rumpk_prog_common} ${_rumpk_prog_cflags} ${cov})
    endif()
    add_custom_command(OUTPUT ${obj}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${odir}
      COMMAND ${CMAKE_C_COMPILER} ${flags} -MD -MF ${obj}.d -c ${src} -o ${obj}
      WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
      DEPENDS ${src}
      DEPFILE ${obj}.d
      COMMENT "Program ${name} (${machine}${variant}): ${rel}"
      VERBATIM)
    if(src IN_LIST libc_sources)
      list(APPEND libc_objs ${obj})
    else()
      list(APPEND objs ${obj})
    endif()
  endforeach()
  set(libc_archive ${objdir}/libnexus-libc.a)
  add_custom_command(OUTPUT ${libc_archive}
    COMMAND ${CMAKE_COMMAND} -E rm -f ${libc_archive}
    COMMAND ${RUMPK_LLVM_AR} rcs ${libc_archive} ${libc_objs}
    DEPENDS ${libc_objs}
    COMMENT "Program ${name} (${machine}): libnexus-libc.a"
    VERBATIM)
  get_filename_component(outdir ${out} DIRECTORY)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${outdir}
    COMMAND ${CMAKE_C_COMPILER} ${tflags} ${_rumpk_prog_ldflags} ${objs} ${libc_archive} -o ${out}
    DEPENDS ${objs} ${libc_archive}
    COMMENT "Program ${name} (${machine}) -> ${out}"
    VERBATIM)
  add_custom_target(${target} ALL DEPENDS ${out})
  set_target_properties(${target} PROPERTIES RUMPK_ELF ${out} RUMPK_MACHINE ${machine})
  set_property(GLOBAL APPEND PROPERTY RUMPK_PROGRAM_TARGETS ${target})
  if(arg_BIN)
    if(NOT machine STREQUAL RUMPK_PROGRAM_MACHINE)
      message(FATAL_ERROR "rumpk_add_program(${name}): BIN is for the preset's machine only")
    endif()
    set(stripped ${CMAKE_BINARY_DIR}/programs/stripped${variant}/${name}.elf)
    set(signed ${RUMPK_SIGNED_DIR}${variant}/${name})
    add_custom_command(OUTPUT ${stripped}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/programs/stripped${variant}
      COMMAND ${RUMPK_LLVM_OBJCOPY} --strip-debug ${out} ${stripped}
      DEPENDS ${out} ${target}
      COMMENT "Program ${name}${variant} without debug information -> ${stripped}" VERBATIM)
    rumpk_sign(${stripped} ${signed})
    add_custom_target(signed-${name}${variant} DEPENDS ${signed})
    add_dependencies(signed-${name}${variant} ${target})
    if(arg_VIRTUAL)
      set_property(GLOBAL APPEND PROPERTY RUMPK_INITRD_VIRTUAL_PATHS bin/${name})
      set_property(GLOBAL APPEND PROPERTY RUMPK_INITRD_VIRTUAL_SOURCES ${signed})
      set_property(GLOBAL APPEND PROPERTY RUMPK_INITRD_VIRTUAL_DEPENDS signed-${name}${variant})
    else()
      rumpk_initrd_add(bin/${name} ${signed} DEPENDS signed-${name})
    endif()
  endif()
endfunction()
