/*
 * cmdline.h — the kernel command line: space-separated words, each "key" or "key=value".
 *
 * Keys known today:
 *   selftest=a,b|all   run extra boot self-tests after the stages (selftest.c); default none
 *   failstage=NAME     make boot stage NAME report FAIL (proves the boot harness fails)
 *   init=PATH|none     the first program (default /bin/nipbox if the initrd has it, else
 *                      none); the boot ends with its exit status (boot.c run_init)
 *   faults=SPEC        seeded fault injection from init on (fault.h, docs/faults.md)
 *   faultseed=N        the fault decisions' seed (default: from the boot entropy)
 *   leakgate           compare the gated counters before init and after it ends
 *                      (leakgate.h); a difference halts with code 102
 *   trace=sys|all      record the kernel's trace (trace.c, docs/trace.md); any other
 *                      value is refused before the first stage (exit 100)
 */
#ifndef RUMPK_CMDLINE_H
#define RUMPK_CMDLINE_H

#include <stddef.h>

/* cmdline_get — copies the value of `key` into out (NUL-terminated; a bare "key" gives "").
 * Returns the value's length, -RUMPK_ENOENT if the key is absent, -RUMPK_ERANGE if the value
 * does not fit in `size` bytes (out then holds a truncated copy). The last occurrence wins. */
int cmdline_get(const char *cmdline, const char *key, char *out, size_t size);

/* cmdline_list_next — walks a comma-separated list such as a selftest= value: copies the
 * item at *pos into item (NUL-terminated; cut to size - 1 bytes) and moves *pos past it and
 * its comma. Returns the item's full length (0 for an empty item), or -RUMPK_ENOENT once
 * the list is exhausted. */
int cmdline_list_next(const char **pos, char *item, size_t size);

/* cmdline_has_item — 1 if `key`'s value is a comma-separated list containing `item`
 * (or is "all"), else 0. */
int cmdline_has_item(const char *cmdline, const char *key, const char *item);

#endif /* RUMPK_CMDLINE_H */
