/*
 * libsodium shim (cmake/libsodium-shim/README): libk's stdlib.h plus the three functions
 * libsodium's sources name in code the kernel never calls (sodium_malloc, sodium_free, the
 * abort() in ge25519_from_uniform). Declared so the files parse; never defined.
 */
#ifndef RUMPK_SODIUM_SHIM_STDLIB_H
#define RUMPK_SODIUM_SHIM_STDLIB_H
#include_next <stdlib.h>
void *malloc(size_t size);
void free(void *p);
void abort(void) __attribute__((noreturn));
#endif
