/*
 * selftest.h — boot self-tests the kernel command line asks for (selftest=a,b or all).
 * They run after the last boot stage and before the kernel goes on; the default boot runs
 * none. The names are checked before the first stage (core_main), so a misspelt one stops
 * the boot at once instead of after every stage. Each prints one line: "[selftest] NAME ok: DETAIL" or "[selftest] NAME FAIL: WHY".
 */
#ifndef RUMPK_SELFTEST_H
#define RUMPK_SELFTEST_H

/* Exit code of a boot whose self-test failed, or whose command line named an unknown
 * self-test or stage (selftest=, failstage=). */
#define SELFTEST_EXIT_CODE 100

/* selftest_check_names — every name in cmdline's selftest= list is a known self-test (or
 * the list is "all", or absent). Returns 0, or -RUMPK_EINVAL / -RUMPK_ERANGE after printing
 * one "[selftest] FAIL: ..." line that names the culprit and lists the known tests. */
int selftest_check_names(const char *cmdline);

/* selftest_run — runs the self-tests named in `cmdline` (names already checked), in
 * registry order. Returns 0 if all asked-for tests passed (or none was asked for), else the
 * failing test's error. Interrupts disabled on entry and on return. */
int selftest_run(const char *cmdline);

/* The registry, for tests and help texts: count, and the name of test i (NULL if out of range). */
int selftest_count(void);
const char *selftest_name(int i);
/* selftest_fatal — 1 if self-test i ends the kernel when it passes (overflow): it runs only
 * when named, never through selftest=all. */
int selftest_fatal(int i);

#endif
