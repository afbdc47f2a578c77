/*
 * unistd.h (libnexus) — the POSIX-named calls a small program expects, each one packet
 * (docs/abi.md). No errno: a failure is returned as a negative RUMPK_E* code (where POSIX
 * would return -1 and set errno); nexus_strerror() gives its words.
 */
#ifndef RUMPK_NEXUS_UNISTD_H
#define RUMPK_NEXUS_UNISTD_H

#include <stddef.h>
#include <stdint.h>

#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

typedef int64_t ssize_t;
typedef int64_t off_t;

ssize_t read(int handle, void *buf, size_t len);
ssize_t write(int handle, const void *buf, size_t len);
int close(int handle);
off_t lseek(int handle, off_t off, int whence);
int getpid(void);
unsigned sleep(unsigned seconds); /* 0, or the seconds left if the sleep was cut short */
int usleep(uint64_t microseconds);
void _exit(int status) __attribute__((noreturn));

#endif
