/*
 * edit.c — nipbox's line editor (the contract, byte by byte, is in edit.h).
 *
 * A byte-at-a-time state machine: the only state that spans bytes is the line, the
 * escape parser, the CR flag and the history cursor, all in struct ed, so input split at
 * any point across reads gives the same screen and the same lines. Screen updates are
 * plain bytes a dumb serial terminal understands: echo, and "\b \b" to erase one
 * character (no cursor addressing, no knowledge of the terminal's width).
 */
#include "edit.h"

#include <stdlib.h>
#include <string.h>

enum { ESC_NONE, ESC_START, ESC_CSI, ESC_SS3 };

#define TOO_LONG_MSG "nipbox: line too long (more than 4095 characters), discarded\n"
_Static_assert(ED_LINE_MAX == 4096, "TOO_LONG_MSG names the limit");

void ed_init(struct ed *e, ed_emit_fn emit, void *ctx)
{
	memset(e, 0, sizeof(*e));
	e->emit = emit;
	e->ctx = ctx;
}

void ed_free(struct ed *e)
{
	for (unsigned i = 0; i < e->nhist; i++)
		free(e->hist[i]);
	e->nhist = e->hpos = 0;
}

static void emit(struct ed *e, const char *s, size_t n)
{
	if (n)
		e->emit(e->ctx, s, n);
}

/* Erases n characters from the screen, a few at a time. */
static void erase(struct ed *e, size_t n)
{
	static const char bsb[] = "\b \b\b \b\b \b\b \b\b \b\b \b\b \b\b \b";
	while (n) {
		size_t k = n < 8 ? n : 8;
		emit(e, bsb, 3 * k);
		n -= k;
	}
}

/* Replaces the line on screen and in the buffer with s (a history entry or the draft). */
static void replace(struct ed *e, const char *s)
{
	size_t n = strlen(s);
	erase(e, e->len);
	memcpy(e->line, s, n + 1);
	e->len = n;
	emit(e, e->line, n);
}

void ed_history_add(struct ed *e, const char *line)
{
	size_t n = strlen(line);
	if (!n || (e->nhist && strcmp(e->hist[e->nhist - 1], line) == 0))
		return;
	char *copy = malloc(n + 1);
	if (!copy)
		return; /* history is a convenience: without memory, keep none */
	memcpy(copy, line, n + 1);
	if (e->nhist == ED_HIST_MAX) {
		free(e->hist[0]);
		memmove(e->hist, e->hist + 1, (ED_HIST_MAX - 1) * sizeof(e->hist[0]));
		e->nhist--;
	}
	e->hist[e->nhist++] = copy;
}

/* Up (dir -1) or down (+1) through the history; the draft is the entry past the newest. */
static void history_move(struct ed *e, int dir)
{
	if (e->too_long)
		return;
	if (dir < 0) {
		if (e->hpos == 0)
			return;
		if (e->hpos == e->nhist)
			memcpy(e->draft, e->line, e->len + 1);
		e->hpos--;
		replace(e, e->hist[e->hpos]);
	} else {
		if (e->hpos >= e->nhist)
			return;
		e->hpos++;
		replace(e, e->hpos == e->nhist ? e->draft : e->hist[e->hpos]);
	}
}

/* Starts a new line: after ED_LINE & co, at the first byte that follows. */
static void begin(struct ed *e)
{
	e->len = 0;
	e->line[0] = 0;
	e->too_long = 0;
	e->hpos = e->nhist;
	e->fresh = 0;
}

/* An escape sequence's byte; returns 1 if it was part of the sequence. */
static int escape(struct ed *e, uint8_t c)
{
	switch (e->esc) {
	case ESC_START:
		if (c == '[') {
			e->esc = ESC_CSI;
			return 1;
		}
		if (c == 'O') {
			e->esc = ESC_SS3;
			return 1;
		}
		e->esc = ESC_NONE;
		return c >= 0x20 && c <= 0x7e; /* Alt+key: swallowed; a control acts */
	case ESC_CSI:
		if (c >= 0x20 && c <= 0x3f)
			return 1; /* parameters and intermediates */
		e->esc = ESC_NONE;
		if (c >= 0x40 && c <= 0x7e) {
			if (c == 'A' || c == 'B')
				history_move(e, c == 'A' ? -1 : 1);
			return 1;
		}
		return 0; /* a control byte cuts the sequence short and acts */
	case ESC_SS3:
		e->esc = ESC_NONE;
		if (c == 'A' || c == 'B')
			history_move(e, c == 'A' ? -1 : 1);
		return c >= 0x20 && c <= 0x7e;
	}
	return 0;
}

enum ed_event ed_key(struct ed *e, uint8_t c)
{
	int after_cr = e->after_cr;

	if (e->fresh)
		begin(e);
	e->after_cr = 0;
	if (e->esc != ESC_NONE && escape(e, c))
		return ED_NONE;
	switch (c) {
	case '\n':
		if (after_cr)
			return ED_NONE; /* CR LF is one Enter */
		/* fall through */
	case '\r':
		e->after_cr = c == '\r';
		e->fresh = 1;
		emit(e, "\n", 1);
		if (e->too_long) {
			emit(e, TOO_LONG_MSG, sizeof(TOO_LONG_MSG) - 1);
			e->len = 0;
			e->line[0] = 0;
			return ED_DISCARDED;
		}
		ed_history_add(e, e->line);
		return ED_LINE;
	case 0x03: /* Ctrl-C */
		emit(e, "^C\n", 3);
		e->len = 0;
		e->line[0] = 0;
		e->fresh = 1;
		return ED_CANCEL;
	case 0x04: /* Ctrl-D */
		if (e->len || e->too_long)
			return ED_NONE;
		e->fresh = 1;
		return ED_EOF;
	case 0x08:
	case 0x7f:
		if (e->len && !e->too_long) {
			e->line[--e->len] = 0;
			emit(e, "\b \b", 3);
		}
		return ED_NONE;
	case 0x15: /* Ctrl-U */
		erase(e, e->len); /* the screen shows exactly e->len characters, cap or not */
		e->len = 0;
		e->line[0] = 0;
		e->too_long = 0;
		return ED_NONE;
	case 0x1b:
		e->esc = ESC_START;
		return ED_NONE;
	}
	if (c < 0x20 || c > 0x7e)
		return ED_NONE; /* not echoed raw, not kept */
	if (e->too_long)
		return ED_NONE;
	if (e->len == ED_LINE_MAX - 1) {
		e->too_long = 1;
		return ED_NONE;
	}
	e->line[e->len++] = (char)c;
	e->line[e->len] = 0;
	emit(e, (const char *)&c, 1);
	return ED_NONE;
}
