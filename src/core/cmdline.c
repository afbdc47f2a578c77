/*
 * cmdline.c — lookups on the kernel command line.
 *
 * The line comes from the HAL (device tree /chosen/bootargs, or the sim's --append) and is
 * untrusted text: every scan is bounded by RUMPK_BOOT_CMDLINE_MAX and by the NUL, nothing is
 * modified, and a value that does not fit is reported, never silently cut.
 */
#include "cmdline.h"

#include "kutil.h"
#include "param.h"
#include "rumpk/abi.h"

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int cmdline_get(const char *line, const char *key, char *out, size_t size)
{
	size_t klen = kstrlen(key);
	int found = -RUMPK_ENOENT;
	size_t i = 0;

	if (!line || !size)
		return -RUMPK_EINVAL;
	while (i < RUMPK_BOOT_CMDLINE_MAX && line[i]) {
		while (i < RUMPK_BOOT_CMDLINE_MAX && is_space(line[i]))
			i++;
		size_t w = i;
		while (i < RUMPK_BOOT_CMDLINE_MAX && line[i] && !is_space(line[i]))
			i++;
		size_t wlen = i - w;
		if (wlen < klen || kmemcmp(line + w, key, klen) != 0)
			continue;
		if (wlen == klen) {
			out[0] = '\0';
			found = 0;
		} else if (line[w + klen] == '=') {
			size_t vlen = wlen - klen - 1;
			size_t n = vlen < size - 1 ? vlen : size - 1;
			kmemcpy(out, line + w + klen + 1, n);
			out[n] = '\0';
			found = vlen < size ? (int)vlen : -RUMPK_ERANGE;
		}
	}
	return found;
}

int cmdline_list_next(const char **pos, char *item, size_t size)
{
	const char *p = *pos, *e = p;

	if (!*p)
		return -RUMPK_ENOENT;
	while (*e && *e != ',')
		e++;
	size_t len = (size_t)(e - p);
	size_t n = len < size - 1 ? len : size - 1;
	kmemcpy(item, p, n);
	item[n] = '\0';
	*pos = *e ? e + 1 : e;
	return (int)len;
}

int cmdline_has_item(const char *line, const char *key, const char *item)
{
	char val[CMDLINE_VALUE_MAX], it[CMDLINE_VALUE_MAX];
	const char *pos = val;

	if (cmdline_get(line, key, val, sizeof(val)) < 0)
		return 0;
	if (kstreq(val, "all"))
		return 1;
	while (cmdline_list_next(&pos, it, sizeof(it)) >= 0)
		if (kstreq(it, item))
			return 1;
	return 0;
}
