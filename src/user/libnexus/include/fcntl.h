/*
 * fcntl.h (libnexus) — open(). The file system is the read-only initrd: O_RDONLY is the
 * only access mode, and O_DIRECTORY opens a directory for readdir. A negative result is a
 * RUMPK_E* code (unistd.h).
 */
#ifndef RUMPK_NEXUS_FCNTL_H
#define RUMPK_NEXUS_FCNTL_H

#include "rumpk/abi.h"

#define O_RDONLY 0
#define O_DIRECTORY RUMPK_O_DIRECTORY

int open(const char *path, int flags);

#endif
