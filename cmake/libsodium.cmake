# libsodium for the kernel: target rumpk_sodium, which the core links (src/core/sodium.h
# declares the functions it calls).
#
#   hosted      the system library (Debian's libsodium-dev, through pkg-config);
#   bare metal  the same release compiled here from Debian's source package, which
#               scripts/deps.sh unpacks into third_party/src/libsodium-*/ (never committed):
#               only the files Ed25519 verification, SHA-512 and SipHash-2-4 need, with
#               the cross toolchain and the kernel's freestanding flags.
#
# Bare-metal configuration, in place of libsodium's ./configure:
#   HAVE_TI_MODE=1  64x64->128-bit multiplications (the fe_51 field arithmetic); clang
#                   inlines them on both targets, no compiler-rt needed (no __multi3).
#   CONFIGURED=1    tells private/common.h the defines were chosen on purpose.
#   NATIVE_LITTLE_ENDIAN is left undefined: loads and stores go byte by byte, so nothing
#                   depends on unaligned access (riscv64 would trap to OpenSBI for it)
#                   and nothing calls memcpy for 8 bytes (-ffreestanding has no builtins).
#   No randombytes, no sodium_init(): verification needs neither.
# Headers libsodium includes that bare metal lacks come from cmake/libsodium-shim/ (its
# README). -ffunction-sections lets ld.lld --gc-sections drop the functions the kernel never
# calls, with their references to malloc, errno or randombytes, before --no-undefined looks.
# Warnings are silenced for these third-party files only (-w).
if(RUMPK_HAL STREQUAL "hosted")
  find_package(PkgConfig REQUIRED)
  if(NOT TARGET PkgConfig::SODIUM)
    pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET GLOBAL libsodium)
  endif()
  add_library(rumpk_sodium INTERFACE)
  target_link_libraries(rumpk_sodium INTERFACE PkgConfig::SODIUM)
  return()
endif()

file(GLOB RUMPK_SODIUM_ROOT LIST_DIRECTORIES true ${CMAKE_SOURCE_DIR}/third_party/src/libsodium-*)
list(GET RUMPK_SODIUM_ROOT 0 RUMPK_SODIUM_ROOT)
set(d ${RUMPK_SODIUM_ROOT}/src/libsodium)
if(NOT RUMPK_SODIUM_ROOT OR NOT EXISTS ${d}/crypto_sign/ed25519/ref10/open.c)
  message(FATAL_ERROR "libsodium sources missing: run scripts/deps.sh (it fetches Debian's "
    "libsodium source package into third_party/src/)")
endif()
add_library(rumpk_sodium STATIC
  ${d}/crypto_sign/ed25519/ref10/open.c          # crypto_sign_ed25519_verify_detached
  ${d}/crypto_sign/ed25519/ref10/sign.c          # _crypto_sign_ed25519_ref10_hinit (open.c)
  ${d}/crypto_core/ed25519/ref10/ed25519_ref10.c # group and field arithmetic (fe_51)
  ${d}/crypto_hash/sha512/hash_sha512.c          # crypto_hash_sha512
  ${d}/crypto_hash/sha512/cp/hash_sha512_cp.c    # its init/update/final
  ${d}/crypto_shorthash/siphash24/ref/shorthash_siphashx24_ref.c # crypto_shorthash_siphashx24
  ${d}/crypto_verify/sodium/verify.c             # crypto_verify_32
  ${d}/sodium/utils.c                            # sodium_memcmp, sodium_is_zero, sodium_memzero
)
target_compile_definitions(rumpk_sodium PRIVATE HAVE_TI_MODE=1 CONFIGURED=1)
target_include_directories(rumpk_sodium BEFORE PRIVATE ${CMAKE_SOURCE_DIR}/cmake/libsodium-shim)
target_include_directories(rumpk_sodium PRIVATE ${d}/include/sodium)
target_compile_options(rumpk_sodium PRIVATE ${RUMPK_FREESTANDING_FLAGS} -ffunction-sections
  -fdata-sections -w)
target_link_libraries(rumpk_sodium PUBLIC rumpk_libk) # memcpy, memset, memmove
