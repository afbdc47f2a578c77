/*
 * kutil.h — small helpers every core file may use.
 *
 * The core is freestanding (-ffreestanding, no libc headers), so mem* come as compiler
 * builtins: they inline when the size is known and otherwise call memcpy & co, which the
 * hosted build takes from libc and the bare-metal builds from src/libk.
 */
#ifndef RUMPK_KUTIL_H
#define RUMPK_KUTIL_H

#include <stddef.h>
#include <stdint.h>

#define kmemcpy __builtin_memcpy
#define kmemmove __builtin_memmove
#define kmemset __builtin_memset
#define kmemcmp __builtin_memcmp
#define kstrlen __builtin_strlen

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define UNUSED __attribute__((unused))

/* kstreq — 1 if the NUL-terminated strings a and b are equal. */
static inline int kstreq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

#endif /* RUMPK_KUTIL_H */
