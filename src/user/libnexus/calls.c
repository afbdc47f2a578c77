/*
 * calls.c — libnexus's one-packet calls (nexus.h) and the words for error codes. Apart from
 * sys.c so that a program pays, in size, only for the calls it makes: every program links
 * sys.c (its exit is a packet), only callers link this file.
 */
#include "nexus.h"
#include "nexus_sys.h"

/* ---- the calls, one packet each ------------------------------------------------------- */

int64_t nexus_read(int handle, void *buf, uint64_t len)
{
	if (len > UINT32_MAX)
		len = UINT32_MAX;
	return nexus_call(RUMPK_SYS_READ, (uint32_t)handle, (uint32_t)len, (uint64_t)(uintptr_t)buf, 0);
}

int64_t nexus_write(int handle, const void *buf, uint64_t len)
{
	return nexus_sys_write((uint32_t)handle, buf, len);
}

int nexus_open(const char *path, uint32_t flags)
{
	return (int)nexus_call(RUMPK_SYS_OPEN, flags, 0, (uint64_t)(uintptr_t)path, 0);
}

int nexus_close(int handle)
{
	return (int)nexus_call(RUMPK_SYS_CLOSE, (uint32_t)handle, 0, 0, 0);
}

int64_t nexus_seek(int handle, int64_t off, uint32_t whence)
{
	return nexus_call(RUMPK_SYS_SEEK, (uint32_t)handle, whence, (uint64_t)off, 0);
}

int nexus_readdir(int handle, struct rumpk_dirent *d)
{
	return (int)nexus_call(RUMPK_SYS_READDIR, (uint32_t)handle, 0, (uint64_t)(uintptr_t)d, 0);
}

int nexus_stat(const char *path, struct rumpk_stat *st)
{
	struct rumpk_stat_args a = { (uint64_t)(uintptr_t)path, (uint64_t)(uintptr_t)st };
	return (int)nexus_call(RUMPK_SYS_STAT, 0, 0, (uint64_t)(uintptr_t)&a, 0);
}

int nexus_spawn(const char *path, const char *const *argv)
{
	uint32_t argc = 0;
	while (argv[argc])
		argc++;
	struct rumpk_exec_args a = { .path = (uint64_t)(uintptr_t)path,
				     .argv = (uint64_t)(uintptr_t)argv, .argc = argc };
	return (int)nexus_call(RUMPK_SYS_EXEC, 0, 0, (uint64_t)(uintptr_t)&a, 0);
}

int nexus_wait(int pid, int *status, uint32_t flags)
{
	uint32_t st = 0;
	int64_t r = nexus_call(RUMPK_SYS_WAIT, (uint32_t)pid, flags, 0, &st);
	if (r >= 0 && status)
		*status = (int)st;
	return (int)r;
}

int nexus_kill(int pid)
{
	return (int)nexus_call(RUMPK_SYS_KILL, (uint32_t)pid, 0, 0, 0);
}

int nexus_getpid(void)
{
	return (int)nexus_call(RUMPK_SYS_GETPID, 0, 0, 0, 0);
}

int nexus_yield(void)
{
	return (int)nexus_call(RUMPK_SYS_YIELD, 0, 0, 0, 0);
}

int nexus_sleep_ns(uint64_t ns)
{
	return (int)nexus_call(RUMPK_SYS_SLEEP, 0, 0, ns, 0);
}

int64_t nexus_time_ns(void)
{
	return nexus_call(RUMPK_SYS_TIME, 0, 0, 0, 0);
}

int nexus_ps(struct rumpk_procinfo *out, uint32_t max)
{
	return (int)nexus_call(RUMPK_SYS_PS, 0, max, (uint64_t)(uintptr_t)out, 0);
}

int nexus_halt(int code)
{
	return (int)nexus_call(RUMPK_SYS_HALT, (uint32_t)code, 0, 0, 0);
}

/* ---- error names --------------------------------------------------------------------- */

static const char *const errwords[RUMPK_ERRNO_MAX + 1] = {
	[RUMPK_EINVAL] = "invalid argument",
	[RUMPK_ENOMEM] = "out of memory",
	[RUMPK_EAGAIN] = "try again",
	[RUMPK_ENOENT] = "no such file or directory",
	[RUMPK_EFAULT] = "bad address",
	[RUMPK_ERANGE] = "out of range",
	[RUMPK_ETIMEDOUT] = "timed out",
	[RUMPK_ENOSYS] = "not implemented",
	[RUMPK_EIO] = "input/output error",
	[RUMPK_EVERSION] = "unknown version",
	[RUMPK_ENOEXEC] = "not a program this kernel runs",
	[RUMPK_EPERM] = "not permitted",
	[RUMPK_ENOTDIR] = "not a directory",
	[RUMPK_EISDIR] = "is a directory",
	[RUMPK_EBADF] = "bad handle",
	[RUMPK_EMFILE] = "too many open handles",
	[RUMPK_EEXIST] = "already exists",
	[RUMPK_ESRCH] = "no such process",
	[RUMPK_ECHILD] = "no child to wait for",
	[RUMPK_EPROV] = "forged provenance id",
	[RUMPK_EKILLED] = "killed",
};

const char *nexus_strerror(int64_t err)
{
	if (err < 0)
		err = -err;
	if (err == 0)
		return "ok";
	if (err > RUMPK_ERRNO_MAX || !errwords[err])
		return "unknown error";
	return errwords[err];
}
