# cmake -DMANIFEST=F -DTAR=T -DOUT=F -DSTAGE=D [-DCOMPARE=F] -P initrd_pack.cmake
#
# Packs the initrd (cmake/initrd.cmake): copies every "PATH<TAB>SOURCE" line of MANIFEST to
# STAGE/PATH (a fresh directory), then archives STAGE's top-level entries with GNU tar as
# POSIX ustar. Reproducible: entries sorted by name in the C locale, mtime 0, owner and
# group 0 with no names, and modes normalised (directories and executables 0755, other files
# 0644) so neither the clock, the user, the umask nor the file system order shows in the
# bytes. OUT is replaced only once tar succeeded. With COMPARE, OUT must then be
# byte-identical to that file (the ctest initrd.reproducible).
foreach(v MANIFEST TAR OUT STAGE)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "initrd_pack: -D${v}=... is missing")
  endif()
endforeach()

file(STRINGS ${MANIFEST} lines)
file(REMOVE_RECURSE ${STAGE})
file(MAKE_DIRECTORY ${STAGE})
foreach(line IN LISTS lines)
  if(NOT line MATCHES "^([^\t]+)\t(.+)$")
    message(FATAL_ERROR "initrd_pack: bad manifest line '${line}' in ${MANIFEST}")
  endif()
  set(path ${CMAKE_MATCH_1})
  set(src ${CMAKE_MATCH_2})
  if(NOT EXISTS ${src} OR IS_DIRECTORY ${src})
    message(FATAL_ERROR "initrd_pack: ${path}: source ${src} is missing or not a file")
  endif()
  get_filename_component(dir ${STAGE}/${path} DIRECTORY)
  file(MAKE_DIRECTORY ${dir})
  file(COPY_FILE ${src} ${STAGE}/${path} ONLY_IF_DIFFERENT)
endforeach()

file(GLOB top RELATIVE ${STAGE} ${STAGE}/*)
list(SORT top)
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env LC_ALL=C TZ=UTC
    ${TAR} --format=ustar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner
      --mode=u=rwX,go=rX -C ${STAGE} -cf ${OUT}.tmp -- ${top}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE ${OUT}.tmp)
  message(FATAL_ERROR "initrd_pack: ${TAR} failed (${rc}) packing ${STAGE}")
endif()
file(RENAME ${OUT}.tmp ${OUT})

if(DEFINED COMPARE)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT} ${COMPARE}
    RESULT_VARIABLE diff)
  if(NOT diff EQUAL 0)
    message(FATAL_ERROR "initrd_pack: packing the same inputs twice gave different bytes: "
      "${OUT} vs ${COMPARE} (is the archive out of date? rebuild, then compare again)")
  endif()
  message(STATUS "initrd_pack: ${OUT} is byte-identical to ${COMPARE}")
endif()
