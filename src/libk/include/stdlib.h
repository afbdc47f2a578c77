/*
 * stdlib.h (libk) — present because libfdt's and libsodium's headers include it. Bare-metal
 * rumpk has no heap in libc's sense, so nothing is declared beyond what they need.
 */
#ifndef RUMPK_LIBK_STDLIB_H
#define RUMPK_LIBK_STDLIB_H

#include <stddef.h>

#endif
