/*
 * tar_image.h — ustar archives built in memory, for the tests (header-only, libc).
 *
 * timg_add() writes a header the way GNU tar --format=ustar does (zero-padded octal fields
 * ending in NUL, checksum "%06o\0 ", magic "ustar\0" + "00", numeric owner 0, mtime 0) and
 * the data padded to 512 bytes; timg_end() adds the two zero blocks and, like GNU tar, pads
 * to a multiple of `record` bytes (10240 for GNU's default, 0 for none). Tests then damage
 * the bytes of a valid image and call timg_sum() to keep the checksum right when the damage
 * should be found by something else.
 */
#ifndef RUMPK_TAR_IMAGE_H
#define RUMPK_TAR_IMAGE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIMG_BLOCK 512

struct timg {
	uint8_t *buf;
	size_t len, cap;
};

static inline void timg_reserve(struct timg *t, size_t more)
{
	if (t->len + more <= t->cap)
		return;
	size_t cap = t->cap ? t->cap : 4096;
	while (cap < t->len + more)
		cap *= 2;
	t->buf = realloc(t->buf, cap);
	if (!t->buf)
		abort();
	memset(t->buf + t->cap, 0, cap - t->cap);
	t->cap = cap;
}

static inline void timg_init(struct timg *t)
{
	t->buf = NULL;
	t->len = t->cap = 0;
}

static inline void timg_free(struct timg *t)
{
	free(t->buf);
	timg_init(t);
}

/* A GNU-style octal field: n - 1 zero-padded digits and a NUL. */
static inline void timg_octal(uint8_t *f, size_t n, uint64_t v)
{
	char tmp[32];
	snprintf(tmp, sizeof(tmp), "%0*llo", (int)(n - 1), (unsigned long long)v);
	memcpy(f, tmp, n - 1);
	f[n - 1] = '\0';
}

/* Recomputes the checksum of the header at hdr (unsigned sum, written as GNU tar does). */
static inline void timg_sum(uint8_t *hdr)
{
	unsigned sum = 0;
	char tmp[16];
	memset(hdr + 148, ' ', 8);
	for (int i = 0; i < TIMG_BLOCK; i++)
		sum += hdr[i];
	snprintf(tmp, sizeof(tmp), "%06o", sum);
	memcpy(hdr + 148, tmp, 6);
	hdr[154] = '\0';
	hdr[155] = ' ';
}

/* Appends an entry (type '0' file, '5' directory, or anything to test refusals) with `size`
 * bytes of data (data may be NULL for zeros). Returns the header's offset in t->buf. */
static inline size_t timg_add(struct timg *t, const char *name, char type, const void *data,
			      size_t size)
{
	size_t padded = (size + TIMG_BLOCK - 1) / TIMG_BLOCK * TIMG_BLOCK;
	timg_reserve(t, TIMG_BLOCK + padded);
	size_t at = t->len;
	uint8_t *h = t->buf + at;
	memset(h, 0, TIMG_BLOCK + padded);
	memcpy(h, name, strnlen(name, 100));
	timg_octal(h + 100, 8, type == '5' ? 0755 : 0644);
	timg_octal(h + 108, 8, 0);
	timg_octal(h + 116, 8, 0);
	timg_octal(h + 124, 12, size);
	timg_octal(h + 136, 12, 0);
	h[156] = (uint8_t)type;
	memcpy(h + 257, "ustar\0" "00", 8);
	timg_octal(h + 329, 8, 0);
	timg_octal(h + 337, 8, 0);
	if (data)
		memcpy(h + TIMG_BLOCK, data, size);
	timg_sum(h);
	t->len += TIMG_BLOCK + padded;
	return at;
}

/* The end-of-archive marker, then zeros up to a multiple of `record` (0: no padding). */
static inline void timg_end(struct timg *t, size_t record)
{
	size_t len = t->len + 2 * TIMG_BLOCK;
	if (record)
		len = (len + record - 1) / record * record;
	timg_reserve(t, len - t->len);
	memset(t->buf + t->len, 0, len - t->len);
	t->len = len;
}

#endif /* RUMPK_TAR_IMAGE_H */
