# Signing: the host tool rumpk-sign, the signing key pair, the kernel's generated tables
# (trusted public keys, Wycheproof vectors) and rumpk_sign(), the one way the build signs
# a file. docs/security.md describes the scheme.
#
# Variables for the rest of the build (set here, read anywhere after this include):
#   RUMPK_SIGN_EXE            the rumpk-sign executable (a generator expression when hosted)
#   RUMPK_SIGN_DEPENDS        what a custom command running it must DEPEND on
#   RUMPK_SIGNING_KEY_FILE    the secret key files are signed with
#   RUMPK_SIGNING_PUB_FILE    its public key, built into the kernel
# Targets: rumpk-sign, rumpk_keys (the key pair exists), rumpk_sign_data (generated C).
#
# Cache variables:
#   RUMPK_SIGNING_KEY   an existing secret key (rumpk-sign keygen's signing.key format) to
#                       sign with instead of the development key; also read from the
#                       environment at configure time. Its public key is the .pub beside it
#                       (foo.key -> foo.pub) if present, else derived into build/<preset>/keys/.
#   RUMPK_KEY_DIR       where the development key pair is made when RUMPK_SIGNING_KEY is
#                       empty: the top-level build/keys/, shared by every preset, created
#                       once (rumpk-sign keygen --if-missing) and never committed.
#   RUMPK_TRUSTED_KEYS  more .pub files the kernel trusts (e.g. the next release key).

# ---- the host tool --------------------------------------------------------------------------
if(RUMPK_HAL STREQUAL "hosted")
  add_subdirectory(src/tools)
  set(RUMPK_SIGN_EXE $<TARGET_FILE:rumpk-sign>)
  set(RUMPK_SIGN_DEPENDS rumpk-sign)
  set(sign_target rumpk-sign)
  set(RUMPK_TRACE_EXE $<TARGET_FILE:rumpk-trace>) # the trace reader (tests/boot parity)
else()
  # The cross toolchain builds for the target; the tools must run here. A host sub-build
  # of src/tools with the host compiler into build/<preset>/host-tools (cmake/host_tools.cmake).
  # It runs only when something it read changed (its depfile lists every source, header and
  # CMake file of the sub-build), never on an unchanged tree; its outputs are restat, so a
  # rebuild that does not change rumpk-sign re-signs nothing. A new tool: add it to OUTPUT.
  set(host_tools ${CMAKE_BINARY_DIR}/host-tools)
  set(host_tools_outputs ${host_tools}/rumpk-sign ${host_tools}/rumpk-trace)
  set(host_tools_args -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo)
  # Lists cross the command line joined with '|' (a ';' would split the argument).
  string(REPLACE ";" "|" host_tools_args_arg "${host_tools_args}")
  string(REPLACE ";" "|" host_tools_outputs_arg "${host_tools_outputs}")
  add_custom_command(OUTPUT ${host_tools_outputs}
    COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_SOURCE_DIR}/src/tools
      -DBINARY_DIR=${host_tools} -DNINJA=${CMAKE_MAKE_PROGRAM}
      -DDEPFILE=${host_tools}/rumpk-host-tools.d "-DOUTPUTS=${host_tools_outputs_arg}"
      "-DCONFIGURE_ARGS=${host_tools_args_arg}"
      -P ${CMAKE_SOURCE_DIR}/cmake/host_tools.cmake
    DEPENDS ${CMAKE_SOURCE_DIR}/cmake/host_tools.cmake ${CMAKE_SOURCE_DIR}/src/tools/CMakeLists.txt
    DEPFILE ${host_tools}/rumpk-host-tools.d
    COMMENT "Building the host tools (src/tools) in ${host_tools}"
    VERBATIM)
  add_custom_target(rumpk_host_tools DEPENDS ${host_tools_outputs})
  # `rumpk-sign` is a utility target here, not an IMPORTED executable: CMake resolves a
  # DEPENDS on an imported target's location to the target itself and drops the rule
  # making the file. Commands running the tool DEPEND on ${RUMPK_SIGN_DEPENDS} (the file).
  add_custom_target(rumpk-sign DEPENDS ${host_tools}/rumpk-sign)
  set(RUMPK_SIGN_EXE ${host_tools}/rumpk-sign)
  set(RUMPK_SIGN_DEPENDS ${host_tools}/rumpk-sign)
  set(sign_target rumpk_host_tools)
  set(RUMPK_TRACE_EXE ${host_tools}/rumpk-trace)
endif()

# ---- the key pair ---------------------------------------------------------------------------
set(RUMPK_KEY_DIR ${CMAKE_SOURCE_DIR}/build/keys CACHE PATH
  "where the development signing key pair is made (shared by all presets)")
set(RUMPK_SIGNING_KEY "$ENV{RUMPK_SIGNING_KEY}" CACHE FILEPATH
  "secret key to sign programs with (empty: the development key in RUMPK_KEY_DIR)")
set(RUMPK_TRUSTED_KEYS "" CACHE STRING "more public keys (.pub files) the kernel trusts")

if(RUMPK_SIGNING_KEY)
  get_filename_component(RUMPK_SIGNING_KEY_FILE ${RUMPK_SIGNING_KEY} ABSOLUTE)
  if(NOT EXISTS ${RUMPK_SIGNING_KEY_FILE} OR IS_DIRECTORY ${RUMPK_SIGNING_KEY_FILE})
    message(FATAL_ERROR "RUMPK_SIGNING_KEY=${RUMPK_SIGNING_KEY}: no such secret key file "
      "(make one with: rumpk-sign keygen DIR; or leave RUMPK_SIGNING_KEY empty for the "
      "development key in ${RUMPK_KEY_DIR})")
  endif()
  string(REGEX REPLACE "\\.key$" "" stem ${RUMPK_SIGNING_KEY_FILE})
  if(EXISTS ${stem}.pub)
    set(RUMPK_SIGNING_PUB_FILE ${stem}.pub)
  else()
    set(RUMPK_SIGNING_PUB_FILE ${CMAKE_BINARY_DIR}/keys/signing.pub)
    add_custom_command(OUTPUT ${RUMPK_SIGNING_PUB_FILE}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/keys
      COMMAND ${RUMPK_SIGN_EXE} pubkey ${RUMPK_SIGNING_KEY_FILE} ${RUMPK_SIGNING_PUB_FILE}
      DEPENDS ${RUMPK_SIGNING_KEY_FILE} ${RUMPK_SIGN_DEPENDS}
      COMMENT "Public key of ${RUMPK_SIGNING_KEY_FILE}" VERBATIM)
  endif()
  add_custom_target(rumpk_keys ALL DEPENDS ${RUMPK_SIGNING_PUB_FILE})
else()
  set(RUMPK_SIGNING_KEY_FILE ${RUMPK_KEY_DIR}/signing.key)
  set(RUMPK_SIGNING_PUB_FILE ${RUMPK_KEY_DIR}/signing.pub)
  # No file dependency on the tool: the pair is made once, and a rebuilt rumpk-sign must
  # not re-run this (the order comes from add_dependencies below).
  add_custom_command(OUTPUT ${RUMPK_SIGNING_KEY_FILE} ${RUMPK_SIGNING_PUB_FILE}
    COMMAND ${RUMPK_SIGN_EXE} keygen --if-missing ${RUMPK_KEY_DIR}
    COMMENT "Development signing key pair in ${RUMPK_KEY_DIR}" VERBATIM)
  add_custom_target(rumpk_keys ALL DEPENDS ${RUMPK_SIGNING_KEY_FILE} ${RUMPK_SIGNING_PUB_FILE})
  add_dependencies(rumpk_keys ${sign_target})
endif()

# rumpk_sign(IN OUT): a build rule making OUT = IN signed with RUMPK_SIGNING_KEY_FILE
# (rumpk-sign sign). Add OUT to a target (as a source or a custom target's DEPENDS) to have
# it built. IN must not be signed already; OUT is rewritten only when its bytes change.
function(rumpk_sign in out)
  get_filename_component(dir ${out} DIRECTORY)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
    COMMAND ${RUMPK_SIGN_EXE} sign ${RUMPK_SIGNING_KEY_FILE} ${in} ${out}
    DEPENDS ${in} ${RUMPK_SIGNING_KEY_FILE} ${RUMPK_SIGN_DEPENDS}
    COMMENT "Signing ${out}" VERBATIM)
endfunction()

# ---- generated C compiled into the kernel ---------------------------------------------------
set(gen ${CMAKE_BINARY_DIR}/gen)
file(MAKE_DIRECTORY ${gen})
add_custom_command(OUTPUT ${gen}/sign_keys.c
  COMMAND ${RUMPK_SIGN_EXE} pubkey-c ${RUMPK_SIGNING_PUB_FILE} ${RUMPK_TRUSTED_KEYS}
    ${gen}/sign_keys.c
  DEPENDS ${RUMPK_SIGNING_PUB_FILE} ${RUMPK_TRUSTED_KEYS} ${RUMPK_SIGN_DEPENDS}
  COMMENT "Trusted public keys -> gen/sign_keys.c" VERBATIM)

# The project's own copy of the vectors (tests/data/wycheproof/README.md says where from).
set(RUMPK_WYCHEPROOF_ED25519 ${CMAKE_SOURCE_DIR}/tests/data/wycheproof/ed25519_test.json)
find_package(Python3 REQUIRED COMPONENTS Interpreter)
add_custom_command(OUTPUT ${gen}/wycheproof_ed25519.c
  COMMAND Python3::Interpreter ${CMAKE_SOURCE_DIR}/scripts/wycheproof2c.py
    ${RUMPK_WYCHEPROOF_ED25519} ${gen}/wycheproof_ed25519.c
  DEPENDS ${RUMPK_WYCHEPROOF_ED25519} ${CMAKE_SOURCE_DIR}/scripts/wycheproof2c.py
  COMMENT "Wycheproof Ed25519 vectors -> gen/wycheproof_ed25519.c" VERBATIM)

# Compiled like the core (freestanding, its headers), linked by it (src/core/CMakeLists.txt).
add_library(rumpk_sign_data STATIC ${gen}/sign_keys.c ${gen}/wycheproof_ed25519.c)
# The key pair's rule (no file dependency on the tool, above) is shared by rumpk_keys and
# this target, and Ninja orders a shared rule only after what all its targets depend on.
add_dependencies(rumpk_sign_data ${sign_target})
target_include_directories(rumpk_sign_data PRIVATE
  $<TARGET_PROPERTY:rumpk_core,INTERFACE_INCLUDE_DIRECTORIES>)
target_compile_options(rumpk_sign_data PRIVATE
  $<TARGET_PROPERTY:rumpk_core,INTERFACE_COMPILE_OPTIONS> ${RUMPK_FREESTANDING_FLAGS})
rumpk_warnings(rumpk_sign_data)
