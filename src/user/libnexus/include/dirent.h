/*
 * dirent.h (libnexus) — opendir/readdir/closedir over a directory handle. struct dirent
 * is the kernel's struct rumpk_dirent (d_name is its name, d_type RUMPK_FT_FILE or
 * RUMPK_FT_DIR, d_size the file size). readdir returns NULL at the end or on an error
 * (closedir then returns the error, if any, as a negative RUMPK_E* code).
 */
#ifndef RUMPK_NEXUS_DIRENT_H
#define RUMPK_NEXUS_DIRENT_H

#include "rumpk/abi.h"

#define DT_REG RUMPK_FT_FILE
#define DT_DIR RUMPK_FT_DIR

struct dirent {
	uint32_t d_type;
	uint32_t d_namelen;
	uint64_t d_size;
	char d_name[RUMPK_NAME_MAX + 4];
};
_Static_assert(sizeof(struct dirent) == sizeof(struct rumpk_dirent), "dirent is rumpk_dirent");

typedef struct nexus_dir DIR;

DIR *opendir(const char *path);
struct dirent *readdir(DIR *d);
int closedir(DIR *d);

#endif
