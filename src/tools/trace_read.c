/*
 * trace_read.c — the host's two trace parsers (contract in trace_read.h).
 *
 * Both treat their input as hostile (a trace may come from a kernel that panicked, a
 * console log from anywhere): every length is checked before it is used, nothing is read
 * past the buffer, and the first problem ends the parse with its name and position.
 */
#include "trace_read.h"

#include <stdlib.h>
#include <string.h>

static const char *const names[TRE_COUNT] = {
	[TRE_OK] = "ok",
	[TRE_SHORT] = "shorter than a trace header",
	[TRE_MAGIC] = "bad magic (not a rumpk trace)",
	[TRE_VERSION] = "unknown trace version",
	[TRE_RECSIZE] = "record size is not this reader's",
	[TRE_LEVEL] = "unknown trace level",
	[TRE_HAL] = "HAL name empty or not NUL-terminated",
	[TRE_HDR_RESERVED] = "header reserved field not zero",
	[TRE_PARTIAL] = "ends inside a record",
	[TRE_TYPE] = "unknown record type",
	[TRE_REGION] = "unknown address region",
	[TRE_REC_RESERVED] = "record reserved field or undefined flag set",
	[TRE_AFTER_HALT] = "a record after the halt record",
	[TRE_NO_BEGIN] = "no 'rumpk-trace begin' line in the log",
	[TRE_BEGIN] = "a begin line of an unknown frame version",
	[TRE_SYNTAX] = "a line inside the frames is not a frame line",
	[TRE_SEQUENCE] = "frame lines out of order",
	[TRE_HEX] = "bad hex in a frame line",
	[TRE_CHECKSUM] = "frame line checksum mismatch",
	[TRE_NO_END] = "the log ends before the 'rumpk-trace end' line",
	[TRE_END] = "the end line's counts disagree with the frames",
	[TRE_NOMEM] = "out of memory",
};

const char *trace_err_name(enum trace_err e)
{
	return (unsigned)e < TRE_COUNT ? names[e] : "?";
}

void trace_free(struct trace *t)
{
	free(t->rec);
	memset(t, 0, sizeof(*t));
}

enum trace_err trace_parse(const uint8_t *buf, size_t len, struct trace *t, size_t *at)
{
	const size_t hs = sizeof(struct rumpk_trace_hdr), rs = sizeof(struct rumpk_trace_rec);

	memset(t, 0, sizeof(*t));
	*at = 0;
	if (len < hs)
		return TRE_SHORT;
	memcpy(&t->hdr, buf, hs);
	if (memcmp(t->hdr.magic, RUMPK_TRACE_MAGIC, 8) != 0)
		return TRE_MAGIC;
	*at = offsetof(struct rumpk_trace_hdr, version);
	if (t->hdr.version != RUMPK_TRACE_VERSION)
		return TRE_VERSION;
	*at = offsetof(struct rumpk_trace_hdr, rec_size);
	if (t->hdr.rec_size != rs)
		return TRE_RECSIZE;
	*at = offsetof(struct rumpk_trace_hdr, level);
	if (t->hdr.level != RUMPK_TRACE_SYS && t->hdr.level != RUMPK_TRACE_ALL)
		return TRE_LEVEL;
	*at = offsetof(struct rumpk_trace_hdr, reserved0);
	if (t->hdr.reserved0)
		return TRE_HDR_RESERVED;
	*at = offsetof(struct rumpk_trace_hdr, hal);
	if (!t->hdr.hal[0] || !memchr(t->hdr.hal, 0, sizeof(t->hdr.hal)))
		return TRE_HAL;
	size_t body = len - hs;
	*at = hs + body / rs * rs;
	if (body % rs)
		return TRE_PARTIAL;
	t->n = body / rs;
	t->rec = malloc(t->n ? t->n * rs : 1);
	if (!t->rec)
		return TRE_NOMEM;
	memcpy(t->rec, buf + hs, t->n * rs);
	for (size_t i = 0; i < t->n; i++) {
		const struct rumpk_trace_rec *r = &t->rec[i];
		size_t off = hs + i * rs;
		*at = off;
		if (t->halted)
			goto fail_after;
		if (r->type == 0 || r->type > RUMPK_TR_MAX)
			goto fail_type;
		*at = off + offsetof(struct rumpk_trace_rec, arg_region);
		if (r->arg_region > RUMPK_TREG_MAX || r->res_region > RUMPK_TREG_MAX)
			goto fail_region;
		*at = off + offsetof(struct rumpk_trace_rec, flags);
		if (r->reserved0 || (r->flags & ~RUMPK_TRF_ERROR))
			goto fail_reserved;
		t->halted = r->type == RUMPK_TR_HALT;
	}
	*at = 0;
	return TRE_OK;
fail_after:
	trace_free(t);
	return TRE_AFTER_HALT;
fail_type:
	trace_free(t);
	return TRE_TYPE;
fail_region:
	trace_free(t);
	return TRE_REGION;
fail_reserved:
	trace_free(t);
	return TRE_REC_RESERVED;
}

/* One log line at a time, CRs dropped. */
struct cursor {
	const char *p, *end;
	size_t lineno;
	char line[512];
	size_t len;
	int cut; /* the line was longer than line[] */
};

static int next_line(struct cursor *c)
{
	if (c->p >= c->end)
		return 0;
	c->len = 0;
	c->cut = 0;
	c->lineno++;
	while (c->p < c->end && *c->p != '\n') {
		if (*c->p != '\r') {
			if (c->len < sizeof(c->line) - 1)
				c->line[c->len++] = *c->p;
			else
				c->cut = 1;
		}
		c->p++;
	}
	if (c->p < c->end)
		c->p++; /* the newline */
	c->line[c->len] = '\0';
	return 1;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* A decimal number of at most 18 digits at *s (no overflow), moving past it; -1 if none
 * or more digits. */
static int64_t number(const char **s)
{
	int64_t v = 0;
	int digits = 0;
	while (**s >= '0' && **s <= '9' && digits < 18) {
		v = v * 10 + (**s - '0');
		(*s)++;
		digits++;
	}
	if (!digits || (**s >= '0' && **s <= '9'))
		return -1;
	return v;
}

enum trace_err trace_frames(const char *log, size_t len, uint8_t **out, size_t *outlen,
			    uint64_t *dropped, size_t *line)
{
	struct cursor c = { .p = log, .end = log + len };
	static const char begin[] = TRACE_FRAME_TAG " begin ";
	static const char endw[] = TRACE_FRAME_TAG " end ";
	static const char frame[] = TRACE_FRAME_TAG " ";
	uint8_t *buf = NULL;
	size_t used = 0, cap = 0;
	uint32_t expect = 0;
	enum trace_err err;

	*out = NULL;
	*outlen = 0;
	*dropped = 0;
	for (;;) {
		if (!next_line(&c)) {
			*line = c.lineno;
			return TRE_NO_BEGIN;
		}
		if (strncmp(c.line, begin, sizeof(begin) - 1) == 0)
			break;
	}
	*line = c.lineno;
	if (c.cut || strcmp(c.line + sizeof(begin) - 1, "1") != 0)
		return TRE_BEGIN;
	for (;;) {
		if (!next_line(&c)) {
			err = TRE_NO_END;
			goto fail;
		}
		*line = c.lineno;
		err = TRE_SYNTAX;
		if (c.cut || strncmp(c.line, frame, sizeof(frame) - 1) != 0)
			goto fail;
		const char *s = c.line + sizeof(frame) - 1;
		if (strncmp(c.line, endw, sizeof(endw) - 1) == 0) {
			s = c.line + sizeof(endw) - 1;
			int64_t lines = number(&s), bytes = -1, drop = -1;
			if (lines >= 0 && *s == ' ') {
				s++;
				bytes = number(&s);
			}
			if (bytes >= 0 && *s == ' ') {
				s++;
				drop = number(&s);
			}
			if (drop < 0 || *s)
				goto fail;
			err = TRE_END;
			if ((uint64_t)lines != expect || (uint64_t)bytes != used)
				goto fail;
			*out = buf;
			*outlen = used;
			*dropped = (uint64_t)drop;
			return TRE_OK;
		}
		int64_t n = number(&s);
		if (n < 0 || *s != ' ')
			goto fail;
		s++;
		err = TRE_SEQUENCE;
		if ((uint64_t)n != expect)
			goto fail;
		uint8_t bytes[RUMPK_TRACE_FRAME_BYTES];
		size_t nb = 0;
		err = TRE_HEX;
		while (*s && *s != ' ') {
			int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);
			if (lo < 0 || nb == sizeof(bytes))
				goto fail;
			bytes[nb++] = (uint8_t)(hi << 4 | lo);
			s += 2;
		}
		if (*s != ' ' || nb == 0)
			goto fail;
		s++;
		uint32_t sum = 0;
		int digits = 0;
		for (; *s; s++, digits++) {
			int v = hexval(*s);
			if (v < 0 || digits == 8)
				goto fail;
			sum = sum << 4 | (uint32_t)v;
		}
		if (digits != 8)
			goto fail;
		err = TRE_CHECKSUM;
		if (sum != rumpk_trace_frame_sum((uint32_t)n, bytes, nb))
			goto fail;
		if (used + nb > cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			uint8_t *nbuf = realloc(buf, ncap);
			err = TRE_NOMEM;
			if (!nbuf)
				goto fail;
			buf = nbuf;
			cap = ncap;
		}
		memcpy(buf + used, bytes, nb);
		used += nb;
		expect++;
	}
fail:
	free(buf);
	return err;
}
