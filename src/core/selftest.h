/*
 * selftest.h — boot self-tests the kernel command line asks for (selftest=a,b or all).
 * They run after the last boot stage and before the kernel goes on; the default boot runs
 * none. Each prints one line: "[selftest] NAME ok: DETAIL" or "[selftest] NAME FAIL: WHY".
 */
#ifndef RUMPK_SELFTEST_H
#define RUMPK_SELFTEST_H

/* Exit code of a boot whose self-test failed, or that named an unknown self-test. */
#define SELFTEST_EXIT_CODE 100

/* selftest_run — runs the self-tests named in `cmdline`, in list order. Returns 0 if all
 * asked-for tests passed (or none was asked for), else -RUMPK_EINVAL (unknown name) or the
 * failing test's error. Interrupts disabled on entry and on return. */
int selftest_run(const char *cmdline);

#endif
