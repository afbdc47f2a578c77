/*
 * trace_read.h — reading kernel traces on the host (rumpk-trace, its fuzz target, tests).
 *
 * Two parsers of untrusted bytes, each answering every malformed input with one named error
 * and the position it was found at:
 *   trace_parse   a binary trace (rumpk/abi.h: header + fixed-size records);
 *   trace_frames  a captured console log holding the framed lines a bare-metal kernel writes
 *                 at halt (docs/trace.md), back into the binary trace.
 */
#ifndef RUMPK_TRACE_READ_H
#define RUMPK_TRACE_READ_H

#include <stddef.h>
#include <stdint.h>

#include "rumpk/abi.h"

enum trace_err {
	TRE_OK = 0,
	TRE_SHORT,        /* shorter than the header */
	TRE_MAGIC,        /* not RUMPK_TRACE_MAGIC */
	TRE_VERSION,      /* a version this reader does not know */
	TRE_RECSIZE,      /* rec_size is not sizeof(struct rumpk_trace_rec) */
	TRE_LEVEL,        /* level neither sys nor all */
	TRE_HAL,          /* hal name not NUL-terminated, or empty */
	TRE_HDR_RESERVED, /* header reserved0 not zero */
	TRE_PARTIAL,      /* ends inside a record */
	TRE_TYPE,         /* unknown record type */
	TRE_REGION,       /* arg_region/res_region beyond RUMPK_TREG_MAX */
	TRE_REC_RESERVED, /* record reserved0 not zero, or flags undefined */
	TRE_AFTER_HALT,   /* a record after the HALT record */
	TRE_NO_BEGIN,     /* frames: no "rumpk-trace begin" line */
	TRE_BEGIN,        /* frames: a begin line of another version or with junk */
	TRE_SYNTAX,       /* frames: a line between begin and end that is not a frame */
	TRE_SEQUENCE,     /* frames: a line number out of order */
	TRE_HEX,          /* frames: bad hex digits, or an odd count, or too many bytes */
	TRE_CHECKSUM,     /* frames: a line's checksum does not match its bytes */
	TRE_NO_END,       /* frames: the log ends before the end line */
	TRE_END,          /* frames: the end line's counts disagree with the lines seen */
	TRE_NOMEM,
	TRE_COUNT
};

/* trace_err_name — the error's words ("bad magic", ...). */
const char *trace_err_name(enum trace_err e);

/* A parsed trace: the header and n records (own copies, aligned). */
struct trace {
	struct rumpk_trace_hdr hdr;
	struct rumpk_trace_rec *rec;
	size_t n;
	int halted; /* the last record is HALT */
};

/* trace_parse — buf[0..len) as a binary trace into *t (free with trace_free). On an error
 * *at is the byte offset of the field that failed. */
enum trace_err trace_parse(const uint8_t *buf, size_t len, struct trace *t, size_t *at);
void trace_free(struct trace *t);

/* The frame lines' first word (format: abi.h, above rumpk_trace_frame_sum). */
#define TRACE_FRAME_TAG "rumpk-trace"

/* trace_frames — finds the framed trace in a console log (CR anywhere ignored) and decodes
 * it into a malloc'd *out of *outlen bytes; *dropped is what the kernel could not keep
 * (its 64 KiB cap). On an error *line is the log's line number (1-based). */
enum trace_err trace_frames(const char *log, size_t len, uint8_t **out, size_t *outlen,
			    uint64_t *dropped, size_t *line);

#endif /* RUMPK_TRACE_READ_H */
