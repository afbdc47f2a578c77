/*
 * edit.h — nipbox's line editor: console bytes in, screen bytes and finished lines out.
 *
 * The kernel gives the shell raw bytes and does no echo (docs/programs.md), so echo,
 * erasing and history are all here. The editor is pure: it calls nothing but its emit
 * callback and malloc/free (history entries), so tests/unit/test_nipbox_edit.c runs it on
 * the host. Feed it one byte at a time; bytes may come split anyhow across reads (an
 * escape sequence too: its state lives in struct ed).
 *
 * What each byte does (the cursor is always at the end of the line):
 *   printable ASCII 0x20..0x7e  appended and echoed, unless the line is full (below)
 *   CR or LF                    ends the line (an LF right after a CR is the same Enter)
 *   BS (0x08) or DEL (0x7f)     erases the last character ("\b \b"); nothing at the start
 *   Ctrl-U (0x15)               erases the whole line
 *   Ctrl-C (0x03)               abandons the line: "^C" and a new line, ED_CANCEL
 *   Ctrl-D (0x04)               on an empty line ED_EOF; otherwise ignored
 *   ESC [ A / ESC O A           up: the previous history entry
 *   ESC [ B / ESC O B           down: the next one, and past the newest the line being typed
 *   any other escape sequence   swallowed (CSI parameters and all), nothing echoed
 *   anything else               dropped: other controls, NUL, bytes 0x80..0xff are never
 *                               echoed raw (a terminal would act on them)
 *
 * The cap: a line holds at most ED_LINE_MAX - 1 characters. A character past that marks
 * the line too long: from then on nothing is echoed or kept (backspace and history keys
 * are ignored too, since the screen no longer shows the line) until Enter, which prints
 * one error line and discards the line (ED_DISCARDED); Ctrl-U (erasing what is shown) and
Ctrl-C start afresh.
 */
#ifndef NIPBOX_EDIT_H
#define NIPBOX_EDIT_H

#include <stddef.h>
#include <stdint.h>

#define ED_LINE_MAX 4096 /* bytes of a line with its NUL: 4 KiB */
#define ED_HIST_MAX 32   /* history entries kept; the oldest goes first */

enum ed_event {
	ED_NONE,      /* keep feeding */
	ED_LINE,      /* e->line holds a finished line (NUL-terminated, no newline) */
	ED_CANCEL,    /* Ctrl-C: the line was abandoned */
	ED_EOF,       /* Ctrl-D on an empty line */
	ED_DISCARDED, /* Enter on a line that went past the cap: the error line is printed */
};

typedef void (*ed_emit_fn)(void *ctx, const char *s, size_t n);

struct ed {
	ed_emit_fn emit;
	void *ctx;
	char line[ED_LINE_MAX];  /* the line being edited; valid after ED_LINE until the next byte */
	size_t len;
	int too_long;            /* a character was dropped at the cap */
	int fresh;               /* the last event ended a line: the next byte starts a new one */
	int after_cr;            /* the last byte was CR (an LF now is the same Enter) */
	int esc;                 /* escape parser state (edit.c) */
	char *hist[ED_HIST_MAX]; /* oldest first, malloc'd copies */
	unsigned nhist;
	unsigned hpos;           /* entry shown: nhist means the line being typed */
	char draft[ED_LINE_MAX]; /* the line being typed while history is shown */
};

/* ed_init — an empty editor writing its screen bytes through emit(ctx, ...). */
void ed_init(struct ed *e, ed_emit_fn emit, void *ctx);

/* ed_key — one console byte; returns what happened (ED_NONE mostly). */
enum ed_event ed_key(struct ed *e, uint8_t byte);

/* ed_history_add — appends a line to the history (ed_key does this for every non-empty
 * line it finishes, unless it equals the newest entry). Without memory it keeps nothing. */
void ed_history_add(struct ed *e, const char *line);

/* ed_free — gives the history back. */
void ed_free(struct ed *e);

#endif /* NIPBOX_EDIT_H */
