/*
 * host_file.c — host files the sim hands the kernel (the initrd). Bottom code: the only
 * part of the HAL that opens files. Every failure is reported on stderr as
 * "rumpk-sim: PATH: what went wrong" before the caller gives up, so hal.c (the top, which
 * cannot format host errors) only has to stop.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host.h"

int64_t host_file_size(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "rumpk-sim: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "rumpk-sim: %s: not a regular file\n", path);
		return -1;
	}
	return (int64_t)st.st_size;
}

int host_file_read(const char *path, void *dst, uint64_t len)
{
	uint64_t done = 0;
	char extra;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "rumpk-sim: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (done < len) {
		ssize_t n = read(fd, (char *)dst + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "rumpk-sim: %s: %s after %llu of %llu bytes\n", path,
				n < 0 ? strerror(errno) : "the file ended", (unsigned long long)done,
				(unsigned long long)len);
			close(fd);
			return -1;
		}
		done += (uint64_t)n;
	}
	ssize_t more = read(fd, &extra, 1);
	close(fd);
	if (more != 0) {
		fprintf(stderr, "rumpk-sim: %s: %s while it was read\n", path,
			more > 0 ? "the file grew" : strerror(errno));
		return -1;
	}
	return 0;
}
