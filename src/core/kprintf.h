/*
 * kprintf.h — the core's formatted output, over hal_console_write().
 */
#ifndef RUMPK_KPRINTF_H
#define RUMPK_KPRINTF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Conversions: %d %i %u %x %X %o %c %s %p %%, length modifiers hh h l ll z j t, flags
 * '-' '0' ' ' '+' '#', a field width and a precision (also as '*'). No floating point.
 * An unknown conversion is printed as-is so a bad format is visible, never undefined.
 */

/* kvsnprintf — formats into buf (always NUL-terminated when size > 0); returns the length
 * the full output would have had, like C99 vsnprintf. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* kprintf — formats to the console. Interrupt-safe: output of one call is never interleaved
 * with another's. Returns the number of bytes written. Not for hot paths (trap, timer, ring,
 * switch): those stay silent. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* kpanic — a broken invariant: prints "panic: <message>", then halts with code 255. */
void kpanic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* rumpk_strerror — the name of a RUMPK_E* code, given negated or not ("EINVAL"). */
const char *rumpk_strerror(int err);

#endif /* RUMPK_KPRINTF_H */
