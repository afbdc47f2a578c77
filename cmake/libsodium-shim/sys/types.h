/* libsodium shim (cmake/libsodium-shim/README): randombytes.h and hash_sha512_cp.c include
 * it for size_t and the fixed-width types. */
#ifndef RUMPK_SODIUM_SHIM_SYS_TYPES_H
#define RUMPK_SODIUM_SHIM_SYS_TYPES_H
#include <stddef.h>
#include <stdint.h>
#endif
