# cmake -DSOURCE_DIR=D -DBINARY_DIR=D -DNINJA=F -DDEPFILE=F -DOUTPUTS=F[|F...]
#       -DCONFIGURE_ARGS=A[|A...] -P host_tools.cmake
#
# Builds the host tools (src/tools) for a cross preset, as a Ninja project of its own in
# BINARY_DIR with the host compiler (cmake/signing.cmake runs this as a custom command).
# The outer build runs it only when one of its inputs changed, which it learns from DEPFILE,
# written here after each build: every file the inner build read (sources and headers from
# the inner ninja's deps log, the CMakeLists and CMake modules its build.ninja is regenerated
# from). So an unchanged tree costs the outer ninja a few stats and no process, while an edit
# of src/tools, of a header it includes or of its CMakeLists rebuilds the tools. The outputs
# are rewritten only when the inner ninja relinks them; the outer rule restats them, so
# dependents (signing, the key tables) re-run only when a tool really changed.
# Configures BINARY_DIR when it has no build.ninja, or when CONFIGURE_ARGS differ from the
# ones it was configured with. Prints the inner output only when something failed.
foreach(v SOURCE_DIR BINARY_DIR NINJA DEPFILE OUTPUTS)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "host_tools: -D${v}=... is missing")
  endif()
endforeach()
string(REPLACE "|" ";" OUTPUTS "${OUTPUTS}")
string(REPLACE "|" ";" CONFIGURE_ARGS "${CONFIGURE_ARGS}")

set(args_file ${BINARY_DIR}/rumpk-configure-args.txt)
set(old_args "")
if(EXISTS ${args_file})
  file(READ ${args_file} old_args)
endif()
if(NOT EXISTS ${BINARY_DIR}/build.ninja OR NOT old_args STREQUAL "${CONFIGURE_ARGS}")
  execute_process(
    COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${BINARY_DIR} -G Ninja
      -DCMAKE_MAKE_PROGRAM=${NINJA} ${CONFIGURE_ARGS}
    OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "host tools: configuring ${SOURCE_DIR} in ${BINARY_DIR} failed:\n${out}")
  endif()
  file(WRITE ${args_file} "${CONFIGURE_ARGS}")
endif()

execute_process(COMMAND ${NINJA} -C ${BINARY_DIR}
  OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "host tools: building ${BINARY_DIR} failed:\n${out}")
endif()

# Every input the inner build knows of: header/source deps, then build.ninja's own inputs.
execute_process(COMMAND ${NINJA} -C ${BINARY_DIR} -t deps
  OUTPUT_VARIABLE deps_out RESULT_VARIABLE rc1)
execute_process(COMMAND ${NINJA} -C ${BINARY_DIR} -t query build.ninja
  OUTPUT_VARIABLE regen_out RESULT_VARIABLE rc2)
if(NOT rc1 EQUAL 0 OR NOT rc2 EQUAL 0)
  message(FATAL_ERROR "host tools: could not list the inputs of ${BINARY_DIR}")
endif()
string(REGEX MATCHALL "\n    [^\n]+" deps "${deps_out}")
string(REGEX MATCH "input: RERUN_CMAKE[^\n]*(\n    [^\n]+)*" regen "${regen_out}")
string(REGEX MATCHALL "\n    [^\n]+" regen "${regen}")
set(inputs "")
foreach(line IN LISTS deps regen)
  string(REGEX REPLACE "^\n    (\\| )?" "" p "${line}")
  if(NOT IS_ABSOLUTE "${p}")
    set(p ${BINARY_DIR}/${p})
  endif()
  # Only files that exist: a missing input without a rule would make the outer rule dirty
  # forever. The inner tree's own generated files are the inner ninja's business.
  if(EXISTS "${p}" AND NOT IS_DIRECTORY "${p}")
    string(REPLACE " " "\\ " p "${p}")
    list(APPEND inputs "${p}")
  endif()
endforeach()
list(REMOVE_DUPLICATES inputs)
list(JOIN OUTPUTS " " targets)
list(JOIN inputs " \\\n  " body)
file(WRITE ${DEPFILE}.tmp "${targets}: \\\n  ${body}\n")
file(RENAME ${DEPFILE}.tmp ${DEPFILE})
