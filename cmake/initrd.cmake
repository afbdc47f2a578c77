# The initrd: a POSIX ustar archive, build/<preset>/initrd.tar, packed reproducibly by GNU tar
# from a staging directory (cmake/initrd_pack.cmake). The kernel mounts it at "/" (tarfs,
# docs/vfs.md), so what goes in must follow tarfs's rules; rumpk_initrd_add checks the path.
#
#   rumpk_initrd_add(PATH_IN_INITRD SOURCE_FILE [DEPENDS target...])
#
# puts SOURCE_FILE into the archive as PATH_IN_INITRD: relative ("bin/hello", no leading
# '/'), components of [A-Za-z0-9._+-] only, no "." or "..", at most 100 bytes (the ustar
# name field: tarfs refuses the prefix field) and 16 components. SOURCE_FILE is absolute,
# relative to the calling directory, or a generator expression ($<TARGET_FILE:x>). When a
# build step makes it, name that step's targets in DEPENDS. Every file under
# src/user/rootfs/ is added as its path below that directory (etc/motd).
#
# The target `initrd` (in ALL) makes the archive; rumpk-sim and both kernel images depend
# on it. ctest initrd.reproducible packs the same inputs a second time and requires
# byte-identical output.
find_program(RUMPK_TAR NAMES tar gtar REQUIRED)
execute_process(COMMAND ${RUMPK_TAR} --version OUTPUT_VARIABLE _rumpk_tar_version ERROR_QUIET)
if(NOT _rumpk_tar_version MATCHES "\\(GNU tar\\) ([0-9]+\\.[0-9]+)"
   OR CMAKE_MATCH_1 VERSION_LESS 1.28)
  message(FATAL_ERROR "initrd: ${RUMPK_TAR} is not GNU tar >= 1.28 (needed for --sort=name); "
    "install Debian's tar")
endif()

set(RUMPK_INITRD ${CMAKE_BINARY_DIR}/initrd.tar)
set(RUMPK_INITRD_VIRTUAL ${CMAKE_BINARY_DIR}/initrd-virtual.tar) # hosted presets only
set(RUMPK_INITRD_PACK ${CMAKE_CURRENT_LIST_DIR}/initrd_pack.cmake)
set_property(GLOBAL PROPERTY RUMPK_INITRD_PATHS "")
set_property(GLOBAL PROPERTY RUMPK_INITRD_SOURCES "")
set_property(GLOBAL PROPERTY RUMPK_INITRD_DEPENDS "")

add_custom_target(initrd ALL DEPENDS ${RUMPK_INITRD})

function(rumpk_initrd_add path source)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "" "DEPENDS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "rumpk_initrd_add(${path}): unexpected ${arg_UNPARSED_ARGUMENTS}")
  endif()
  string(LENGTH "${path}" len)
  string(REPLACE "/" ";" comps "${path}")
  list(LENGTH comps depth)
  if(NOT path MATCHES "^[A-Za-z0-9._+-]+(/[A-Za-z0-9._+-]+)*$" OR len GREATER 100
     OR depth GREATER 16 OR "." IN_LIST comps OR ".." IN_LIST comps)
    message(FATAL_ERROR "rumpk_initrd_add: '${path}' is not a valid initrd path (relative, "
      "[A-Za-z0-9._+-] components, no . or .., at most 100 bytes and 16 components)")
  endif()
  get_property(paths GLOBAL PROPERTY RUMPK_INITRD_PATHS)
  foreach(p IN LISTS paths)
    string(FIND "${path}/" "${p}/" a)
    string(FIND "${p}/" "${path}/" b)
    if(a EQUAL 0 OR b EQUAL 0)
      message(FATAL_ERROR "rumpk_initrd_add: '${path}' collides with '${p}' already in the "
        "initrd (the same path, or a file used as a directory)")
    endif()
  endforeach()
  if(NOT source MATCHES "^\\$<" AND NOT IS_ABSOLUTE "${source}")
    set(source ${CMAKE_CURRENT_SOURCE_DIR}/${source})
  endif()
  set_property(GLOBAL APPEND PROPERTY RUMPK_INITRD_PATHS "${path}")
  set_property(GLOBAL APPEND PROPERTY RUMPK_INITRD_SOURCES "${source}")
  set_property(GLOBAL APPEND PROPERTY RUMPK_INITRD_DEPENDS ${arg_DEPENDS})
endfunction()

# The data files kept in the repository. No CONFIGURE_DEPENDS: that re-runs the glob (a CMake
# start-up, ~15-35 ms) on every ninja invocation, edit-run loop included. Instead every
# directory under rootfs/ is a configure dependency: adding, removing or renaming an entry
# changes its directory's mtime, so ninja re-runs CMake then, and only then, for one stat
# per directory. A changed file's content needs no re-configure (the pack rule depends on it).
set(_rumpk_rootfs ${CMAKE_SOURCE_DIR}/src/user/rootfs)
file(GLOB_RECURSE _rumpk_rootfs_files RELATIVE ${_rumpk_rootfs} ${_rumpk_rootfs}/*)
file(GLOB_RECURSE _rumpk_rootfs_dirs LIST_DIRECTORIES true ${_rumpk_rootfs}/*)
set(_rumpk_rootfs_watch ${_rumpk_rootfs})
foreach(d IN LISTS _rumpk_rootfs_dirs)
  if(IS_DIRECTORY ${d})
    list(APPEND _rumpk_rootfs_watch ${d})
  endif()
endforeach()
set_property(DIRECTORY ${CMAKE_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${_rumpk_rootfs_watch})
list(SORT _rumpk_rootfs_files)
foreach(f IN LISTS _rumpk_rootfs_files)
  rumpk_initrd_add(${f} ${_rumpk_rootfs}/${f})
endforeach()

# Runs once the whole project has been read (cmake_language DEFER), so rumpk_initrd_add
# calls from any directory, before or after this file, all land in the archive.
function(_rumpk_initrd_finish)
  get_property(paths GLOBAL PROPERTY RUMPK_INITRD_PATHS)
  get_property(sources GLOBAL PROPERTY RUMPK_INITRD_SOURCES)
  get_property(deps GLOBAL PROPERTY RUMPK_INITRD_DEPENDS)
  set(manifest ${CMAKE_BINARY_DIR}/initrd.manifest)
  set(content "")
  foreach(p s IN ZIP_LISTS paths sources)
    string(APPEND content "${p}\t${s}\n")
  endforeach()
  # generator expressions in SOURCE_FILE are expanded here
  file(GENERATE OUTPUT ${manifest} CONTENT "${content}")
  set(pack ${CMAKE_COMMAND} -DMANIFEST=${manifest} -DTAR=${RUMPK_TAR})
  add_custom_command(OUTPUT ${RUMPK_INITRD}
    COMMAND ${pack} -DOUT=${RUMPK_INITRD} -DSTAGE=${CMAKE_BINARY_DIR}/initrd.d
      -P ${RUMPK_INITRD_PACK}
    DEPENDS ${sources} ${manifest} ${RUMPK_INITRD_PACK}
    COMMENT "Packing the initrd ${RUMPK_INITRD}"
    VERBATIM)
  if(deps)
    add_dependencies(initrd ${deps})
  endif()
  foreach(t IN ITEMS rumpk-sim rumpk-riscv64 rumpk-aarch64)
    if(TARGET ${t})
      add_dependencies(${t} initrd)
    endif()
  endforeach()
  # initrd-virtual.tar (hosted presets, the sim's virtual mode): the same files, with each
  # /bin program replaced by its copy built with budget checks (cmake/programs.cmake,
  # VIRTUAL). Packed by the same script, so the same reproducible tar line.
  get_property(vpaths GLOBAL PROPERTY RUMPK_INITRD_VIRTUAL_PATHS)
  get_property(vsources GLOBAL PROPERTY RUMPK_INITRD_VIRTUAL_SOURCES)
  get_property(vdeps GLOBAL PROPERTY RUMPK_INITRD_VIRTUAL_DEPENDS)
  if(vpaths)
    set(vcontent "")
    set(vall "")
    foreach(p s IN ZIP_LISTS paths sources)
      list(FIND vpaths "${p}" i)
      if(NOT i EQUAL -1)
        list(GET vsources ${i} s)
      endif()
      list(APPEND vall "${s}")
      string(APPEND vcontent "${p}\t${s}\n")
    endforeach()
    set(vmanifest ${CMAKE_BINARY_DIR}/initrd-virtual.manifest)
    file(GENERATE OUTPUT ${vmanifest} CONTENT "${vcontent}")
    add_custom_command(OUTPUT ${RUMPK_INITRD_VIRTUAL}
      COMMAND ${CMAKE_COMMAND} -DMANIFEST=${vmanifest} -DTAR=${RUMPK_TAR}
        -DOUT=${RUMPK_INITRD_VIRTUAL} -DSTAGE=${CMAKE_BINARY_DIR}/initrd-virtual.d
        -P ${RUMPK_INITRD_PACK}
      DEPENDS ${vall} ${vmanifest} ${RUMPK_INITRD_PACK}
      COMMENT "Packing the virtual mode's initrd ${RUMPK_INITRD_VIRTUAL}"
      VERBATIM)
    add_custom_target(initrd-virtual ALL DEPENDS ${RUMPK_INITRD_VIRTUAL})
    add_dependencies(initrd-virtual initrd ${vdeps})
    if(TARGET rumpk-sim)
      add_dependencies(rumpk-sim initrd-virtual)
    endif()
  endif()
  add_test(NAME initrd.reproducible
    COMMAND ${pack} -DOUT=${CMAKE_BINARY_DIR}/initrd-again.tar
      -DSTAGE=${CMAKE_BINARY_DIR}/initrd-again.d -DCOMPARE=${RUMPK_INITRD}
      -P ${RUMPK_INITRD_PACK})
  set_tests_properties(initrd.reproducible PROPERTIES LABELS unit)
endfunction()
cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL _rumpk_initrd_finish)
