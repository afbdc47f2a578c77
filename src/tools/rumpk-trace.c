/*
 * rumpk-trace — reads the kernel's traces (docs/trace.md; format in rumpk/abi.h).
 *
 *   rumpk-trace print FILE          one line per record
 *   rumpk-trace summary FILE        counts by record type, packet kind, pid; injections
 *   rumpk-trace diff A B            first record that differs (times left out unless
 *                                   --times), with context; exit 1 when they differ
 *   rumpk-trace parity A B [C]      each process's syscall sequence, normalised (below),
 *                                   compared; first divergence per process; exit 1
 *   rumpk-trace frames LOG OUT      a console log's framed trace -> binary trace OUT
 *   rumpk-trace injections FILE     the injections as `point@n` tokens on one line
 *
 * The parity normalisation (why each rule: docs/trace.md): a process's sequence is its
 * start (name and arguments), its packets, its faults and its exit, in order. A packet is kind,
 * a, b, its arguments with pointers as region (+ offset for low, heap and ring addresses;
 * image and stack layouts are each compiler's own), its result (TIME's left out: a clock)
 * and second result, and the hash of the bytes it passed in or out. Left out: times, tags,
 * calls answered -EAGAIN (polls: how often one happens is timing), and the console's
 * chunking: a run of console reads (handle 0) and writes (handles 1, 2) becomes one
 * "console" token with the bytes read and written and their hashes, since how many bytes
 * a UART hands over at once is timing, and the shell echoes what each read returned.
 *
 * Exit status: 0 ok (no difference), 1 a difference, 2 bad input or usage (named).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_read.h"

static const char *const rec_names[RUMPK_TR_MAX + 1] = {
	"?", "sched", "packet", "fault", "spawn", "exit", "inject", "input", "halt",
};
static const char *const kind_names[RUMPK_SYS_MAX + 1] = {
	"?", "write", "read", "open", "close", "seek", "readdir", "stat", "exec", "wait",
	"exit", "yield", "sleep", "getpid", "kill", "ps", "time", "heap", "stats", "halt",
};
static const char *const region_names[RUMPK_TREG_MAX + 1] = {
	"", "low", "image", "heap", "stack", "ring", "bad",
};
static const char *const inj_names[RUMPK_INJ_MAX + 1] = RUMPK_INJ_NAMES;

static const char *kind_name(unsigned k)
{
	return k <= RUMPK_SYS_MAX ? kind_names[k] : "?";
}

static const char *inj_name(unsigned p)
{
	return p >= 1 && p <= RUMPK_INJ_MAX ? inj_names[p] : "?";
}

static int die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("rumpk-trace: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return 2;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			uint8_t *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	*len = n;
	return buf;
}

/* Reads and parses FILE; on failure says why (file, error, offset) and returns 2. */
static int load(const char *path, struct trace *t)
{
	size_t len, at;
	uint8_t *buf = slurp(path, &len);
	if (!buf)
		return die("%s: %s", path, strerror(errno));
	enum trace_err e = trace_parse(buf, len, t, &at);
	free(buf);
	if (e)
		return die("%s: not a valid trace: %s (at byte %zu)", path, trace_err_name(e), at);
	return 0;
}

/* An address as the trace recorded it ("heap+0x20", "0x1000", "image+0x12c0", "bad"), or
 * as the parity oracle compares it (with_offsets 0): image and stack without their
 * offsets, and every address outside the mapped regions only as "unmapped" (NULL apart),
 * since which values those are depends on each machine's user range (aarch64's starts at
 * 0, so its lo + 0x1000 is a low address, the sim's a high one). */
static void addr_str(char *out, size_t n, unsigned region, uint64_t v, int with_offsets)
{
	if (!with_offsets && (region == RUMPK_TREG_BAD || (region == RUMPK_TREG_LOW && v))) {
		snprintf(out, n, "unmapped");
		return;
	}
	switch (region) {
	case RUMPK_TREG_NONE:
	case RUMPK_TREG_LOW:
		snprintf(out, n, "%#" PRIx64, v);
		break;
	case RUMPK_TREG_HEAP:
	case RUMPK_TREG_RING:
		snprintf(out, n, "%s+%#" PRIx64, region_names[region], v);
		break;
	case RUMPK_TREG_IMAGE: /* offsets only when printing: each compiler lays out its own */
	case RUMPK_TREG_STACK:
		snprintf(out, n, with_offsets ? "%s%s%#" PRIx64 : "%s", region_names[region],
			 region == RUMPK_TREG_IMAGE ? "+" : "-", v);
		break;
	default:
		snprintf(out, n, "bad");
	}
}

static void spawn_name(const struct rumpk_trace_rec *r, char out[17])
{
	for (int i = 0; i < 16; i++)
		out[i] = (char)((i < 8 ? r->arg : r->res) >> (8 * (i & 7)));
	out[16] = '\0';
	for (int i = 0; i < 16; i++)
		if (out[i] && (out[i] < 0x20 || out[i] > 0x7e))
			out[i] = '?';
}

/* One record as words; times apart (the caller adds them). */
static void rec_str(const struct rumpk_trace_rec *r, char *out, size_t n)
{
	char a1[48], a2[48], name[17];

	switch (r->type) {
	case RUMPK_TR_SCHED:
		snprintf(out, n, "sched fiber %u -> %u", r->a, r->b);
		break;
	case RUMPK_TR_PACKET:
		addr_str(a1, sizeof(a1), r->arg_region, r->arg, 1);
		if (r->flags & RUMPK_TRF_ERROR)
			snprintf(a2, sizeof(a2), "error %" PRId64, (int64_t)r->res);
		else
			addr_str(a2, sizeof(a2), r->res_region ? r->res_region : RUMPK_TREG_LOW,
				 r->res, 1);
		if (!(r->flags & RUMPK_TRF_ERROR) && !r->res_region)
			snprintf(a2, sizeof(a2), "%" PRId64, (int64_t)r->res);
		snprintf(out, n, "pid %u %s(a=%u b=%u arg=%s) tag %u -> %s a2=%u hash %016" PRIx64,
			 r->pid, kind_name(r->kind), r->a, r->b, a1, r->tag, a2, r->a2, r->hash);
		break;
	case RUMPK_TR_FAULT:
		addr_str(a1, sizeof(a1), r->arg_region, r->arg, 1);
		addr_str(a2, sizeof(a2), r->res_region, r->res, 1);
		snprintf(out, n, "pid %u fault cause %u access %u at %s pc %s", r->pid, r->kind,
			 r->a, a1, a2);
		break;
	case RUMPK_TR_SPAWN:
		spawn_name(r, name);
		snprintf(out, n, "pid %u spawn %s parent %u", r->pid, name, r->a);
		break;
	case RUMPK_TR_EXIT:
		snprintf(out, n, "pid %u exit status %d", r->pid, (int32_t)r->a);
		break;
	case RUMPK_TR_INJECT:
		snprintf(out, n, "pid %u inject %s@%" PRIu64, r->pid, inj_name(r->kind), r->arg);
		break;
	case RUMPK_TR_INPUT:
		snprintf(out, n, "input %u bytes hash %016" PRIx64, r->a, r->hash);
		break;
	case RUMPK_TR_HALT:
		snprintf(out, n, "halt code %d", (int32_t)r->a);
		break;
	default:
		snprintf(out, n, "record type %u", r->type);
	}
}

static void print_rec(FILE *f, const char *prefix, size_t i, const struct rumpk_trace_rec *r)
{
	char s[256];
	rec_str(r, s, sizeof(s));
	fprintf(f, "%s#%zu %10.3f ms  %s\n", prefix, i, r->time_us / 1000.0, s);
}

static int cmd_print(const char *path)
{
	struct trace t;
	int err = load(path, &t);
	if (err)
		return err;
	printf("trace v%u of %s, level %s, %zu records%s\n", t.hdr.version, t.hdr.hal,
	       t.hdr.level == RUMPK_TRACE_ALL ? "all" : "sys", t.n,
	       t.halted ? "" : " (no halt record: cut short)");
	for (size_t i = 0; i < t.n; i++)
		print_rec(stdout, "", i, &t.rec[i]);
	trace_free(&t);
	return 0;
}

struct count {
	uint32_t key;
	uint64_t n;
};

static void bump(struct count *c, size_t max, size_t *used, uint32_t key)
{
	for (size_t i = 0; i < *used; i++)
		if (c[i].key == key) {
			c[i].n++;
			return;
		}
	if (*used < max)
		c[(*used)++] = (struct count){ key, 1 };
}

static int cmd_summary(const char *path)
{
	struct trace t;
	int err = load(path, &t);
	uint64_t types[RUMPK_TR_MAX + 1] = { 0 }, kinds[RUMPK_SYS_MAX + 2] = { 0 };
	uint64_t inj[RUMPK_INJ_MAX + 2] = { 0 }, errors = 0;
	struct count pids[256];
	size_t npids = 0;

	if (err)
		return err;
	for (size_t i = 0; i < t.n; i++) {
		const struct rumpk_trace_rec *r = &t.rec[i];
		types[r->type]++;
		if (r->type == RUMPK_TR_PACKET) {
			kinds[r->kind <= RUMPK_SYS_MAX ? r->kind : RUMPK_SYS_MAX + 1]++;
			errors += (r->flags & RUMPK_TRF_ERROR) != 0;
			bump(pids, 256, &npids, r->pid);
		}
		if (r->type == RUMPK_TR_INJECT)
			inj[r->kind <= RUMPK_INJ_MAX ? r->kind : RUMPK_INJ_MAX + 1]++;
	}
	printf("trace of %s, level %s: %zu records%s\n", t.hdr.hal,
	       t.hdr.level == RUMPK_TRACE_ALL ? "all" : "sys", t.n,
	       t.halted ? "" : " (no halt record: cut short)");
	printf("records:");
	for (int k = 1; k <= RUMPK_TR_MAX; k++)
		printf(" %s %" PRIu64, rec_names[k], types[k]);
	printf("\npackets by kind:");
	for (int k = 1; k <= RUMPK_SYS_MAX + 1; k++)
		if (kinds[k])
			printf(" %s %" PRIu64, k <= RUMPK_SYS_MAX ? kind_names[k] : "unknown", kinds[k]);
	printf(" (errors %" PRIu64 ")\npackets by pid:", errors);
	for (size_t i = 0; i < npids; i++)
		printf(" %u:%" PRIu64, pids[i].key, pids[i].n);
	printf("\ninjections by point:");
	int any = 0;
	for (int k = 1; k <= RUMPK_INJ_MAX + 1; k++)
		if (inj[k]) {
			printf(" %s %" PRIu64, k <= RUMPK_INJ_MAX ? inj_names[k] : "unknown", inj[k]);
			any = 1;
		}
	printf("%s\n", any ? "" : " none");
	trace_free(&t);
	return 0;
}

static int same_rec(const struct rumpk_trace_rec *a, const struct rumpk_trace_rec *b, int times)
{
	struct rumpk_trace_rec x = *a, y = *b;
	if (!times)
		x.time_us = y.time_us = 0;
	return memcmp(&x, &y, sizeof(x)) == 0;
}

static int cmd_diff(const char *pa, const char *pb, int times)
{
	struct trace a, b;
	int err = load(pa, &a);
	if (err)
		return err;
	if ((err = load(pb, &b))) {
		trace_free(&a);
		return err;
	}
	size_t i = 0, n = a.n < b.n ? a.n : b.n;
	while (i < n && same_rec(&a.rec[i], &b.rec[i], times))
		i++;
	int differ = i < n || a.n != b.n;
	if (!differ) {
		printf("rumpk-trace: %s and %s: the same %zu records\n", pa, pb, a.n);
	} else {
		printf("rumpk-trace: first divergence at record #%zu (%s: %zu records, %s: %zu)\n",
		       i, pa, a.n, pb, b.n);
		size_t from = i >= 3 ? i - 3 : 0;
		for (size_t k = from; k < i; k++)
			print_rec(stdout, "   ", k, &a.rec[k]);
		for (size_t k = i; k < i + 3 && k < a.n; k++)
			print_rec(stdout, " A ", k, &a.rec[k]);
		for (size_t k = i; k < i + 3 && k < b.n; k++)
			print_rec(stdout, " B ", k, &b.rec[k]);
	}
	trace_free(&a);
	trace_free(&b);
	return differ;
}

/* ---- parity ------------------------------------------------------------------------ */

struct seq {
	uint32_t pid;
	char **tok;
	size_t n, cap;
	/* an open console run: bytes and hashes of what was read and written */
	int run;
	uint64_t in_n, in_h, out_n, out_h;
};

struct procs {
	struct seq *s;
	size_t n;
};

static struct seq *seq_of(struct procs *p, uint32_t pid)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->s[i].pid == pid)
			return &p->s[i];
	struct seq *ns = realloc(p->s, (p->n + 1) * sizeof(*ns));
	if (!ns) {
		perror("rumpk-trace");
		exit(2);
	}
	p->s = ns;
	memset(&p->s[p->n], 0, sizeof(p->s[0]));
	p->s[p->n].pid = pid;
	return &p->s[p->n++];
}

static void push(struct seq *s, const char *tok)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		char **nt = realloc(s->tok, s->cap * sizeof(*nt));
		if (!nt) {
			perror("rumpk-trace");
			exit(2);
		}
		s->tok = nt;
	}
	s->tok[s->n] = strdup(tok);
	if (!s->tok[s->n]) {
		perror("rumpk-trace");
		exit(2);
	}
	s->n++;
}

/* P^n mod 2^64, for joining hashes. */
static uint64_t hpow(uint64_t n)
{
	uint64_t r = 1, b = RUMPK_TRACE_HASH_P;
	while (n) {
		if (n & 1)
			r *= b;
		b *= b;
		n >>= 1;
	}
	return r;
}

static void close_run(struct seq *s)
{
	char tok[160];
	if (!s->run)
		return;
	snprintf(tok, sizeof(tok), "console in %" PRIu64 " bytes %016" PRIx64 ", out %" PRIu64
		 " bytes %016" PRIx64, s->in_n, s->in_h, s->out_n, s->out_h);
	push(s, tok);
	s->run = 0;
	s->in_n = s->in_h = s->out_n = s->out_h = 0;
}

static int is_console(const struct rumpk_trace_rec *r)
{
	if (r->flags & RUMPK_TRF_ERROR)
		return 0;
	return (r->kind == RUMPK_SYS_READ && r->a == 0) ||
	       (r->kind == RUMPK_SYS_WRITE && (r->a == 1 || r->a == 2));
}

static void normalise(const struct trace *t, struct procs *out)
{
	char tok[256], a1[48], a2[48], name[17];

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < t->n; i++) {
		const struct rumpk_trace_rec *r = &t->rec[i];
		struct seq *s;
		switch (r->type) {
		case RUMPK_TR_PACKET:
			if ((r->flags & RUMPK_TRF_ERROR) && (int64_t)r->res == -RUMPK_EAGAIN)
				continue; /* a poll that found nothing: how often is timing */
			s = seq_of(out, r->pid);
			if (is_console(r)) {
				s->run = 1;
				if (r->kind == RUMPK_SYS_READ) {
					s->in_h = s->in_h * hpow(r->res) + r->hash;
					s->in_n += r->res;
				} else {
					s->out_h = s->out_h * hpow(r->res) + r->hash;
					s->out_n += r->res;
				}
				continue;
			}
			close_run(s);
			addr_str(a1, sizeof(a1), r->arg_region, r->arg, 0);
			if (r->flags & RUMPK_TRF_ERROR)
				snprintf(a2, sizeof(a2), "error %" PRId64, (int64_t)r->res);
			else if (r->kind == RUMPK_SYS_TIME)
				snprintf(a2, sizeof(a2), "(a time)");
			else if (r->res_region)
				addr_str(a2, sizeof(a2), r->res_region, r->res, 0);
			else
				snprintf(a2, sizeof(a2), "%" PRId64, (int64_t)r->res);
			snprintf(tok, sizeof(tok), "%s(a=%u b=%u arg=%s) -> %s a2=%u bytes %016" PRIx64,
				 kind_name(r->kind), r->a, r->b, a1, a2, r->a2, r->hash);
			break;
		case RUMPK_TR_FAULT:
			s = seq_of(out, r->pid);
			close_run(s);
			addr_str(a1, sizeof(a1), r->arg_region, r->arg, 0);
			addr_str(a2, sizeof(a2), r->res_region, r->res, 0);
			snprintf(tok, sizeof(tok), "fault cause %u access %u at %s pc %s", r->kind,
				 r->a, a1, a2);
			break;
		case RUMPK_TR_SPAWN:
			s = seq_of(out, r->pid);
			spawn_name(r, name);
			snprintf(tok, sizeof(tok), "start %s parent %u", name, r->a);
			break;
		case RUMPK_TR_EXIT:
			s = seq_of(out, r->pid);
			close_run(s);
			snprintf(tok, sizeof(tok), "exit status %d", (int32_t)r->a);
			break;
		case RUMPK_TR_HALT:
			s = seq_of(out, 0);
			snprintf(tok, sizeof(tok), "halt code %d", (int32_t)r->a);
			break;
		default:
			continue; /* scheduling, input, injections: not part of a syscall sequence */
		}
		push(s, tok);
	}
	for (size_t i = 0; i < out->n; i++)
		close_run(&out->s[i]);
}

static void procs_free(struct procs *p)
{
	for (size_t i = 0; i < p->n; i++) {
		for (size_t k = 0; k < p->s[i].n; k++)
			free(p->s[i].tok[k]);
		free(p->s[i].tok);
	}
	free(p->s);
}

static const struct seq *find_seq(const struct procs *p, uint32_t pid)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->s[i].pid == pid)
			return &p->s[i];
	return NULL;
}

/* Compares b's sequences with a's; prints each process's first divergence. 1 if any. */
static int parity_pair(const char *na, const struct procs *a, const char *nb,
		       const struct procs *b)
{
	int differ = 0;
	static const struct seq none;

	for (int pass = 0; pass < 2; pass++) {
		const struct procs *x = pass ? b : a, *y = pass ? a : b;
		for (size_t i = 0; i < x->n; i++) {
			const struct seq *sx = &x->s[i], *sy = find_seq(y, sx->pid);
			if (pass && sy)
				continue; /* compared in the first pass */
			const struct seq *sa = pass ? (sy ? sy : &none) : sx;
			const struct seq *sb = pass ? sx : (sy ? sy : &none);
			size_t k = 0, n = sa->n < sb->n ? sa->n : sb->n;
			while (k < n && strcmp(sa->tok[k], sb->tok[k]) == 0)
				k++;
			if (k == n && sa->n == sb->n)
				continue;
			differ = 1;
			printf("pid %u: first divergence at call %zu (%s: %zu, %s: %zu)\n", sx->pid,
			       k, na, sa->n, nb, sb->n);
			for (size_t c = k >= 2 ? k - 2 : 0; c < k; c++)
				printf("      %s\n", sa->tok[c]);
			printf("  %s: %s\n", na, k < sa->n ? sa->tok[k] : "(nothing more)");
			printf("  %s: %s\n", nb, k < sb->n ? sb->tok[k] : "(nothing more)");
		}
	}
	return differ;
}

static int cmd_parity(int n, char **paths, const char *seq_out)
{
	struct trace t[3];
	struct procs p[3];
	int differ = 0, loaded = 0;

	for (int i = 0; i < n; i++, loaded++) {
		differ = load(paths[i], &t[i]);
		if (differ)
			goto out; /* 2: named by load */
		if (!t[i].halted)
			printf("rumpk-trace: %s: no halt record: the trace was cut short\n", paths[i]);
		normalise(&t[i], &p[i]);
	}
	for (int i = 1; i < n; i++) {
		char la[64], lb[64];
		snprintf(la, sizeof(la), "%s", t[0].hdr.hal);
		snprintf(lb, sizeof(lb), "%s", t[i].hdr.hal);
		if (!strcmp(la, lb)) {
			snprintf(la, sizeof(la), "%s", paths[0]);
			snprintf(lb, sizeof(lb), "%s", paths[i]);
		}
		differ |= parity_pair(la, &p[0], lb, &p[i]);
	}
	if (seq_out) { /* the normalised sequences of the first trace, one call a line */
		FILE *f = fopen(seq_out, "w");
		if (!f) {
			differ = die("%s: %s", seq_out, strerror(errno));
			goto out;
		}
		for (size_t i = 0; i < p[0].n; i++)
			for (size_t k = 0; k < p[0].s[i].n; k++)
				fprintf(f, "%u\t%s\n", p[0].s[i].pid, p[0].s[i].tok[k]);
		fclose(f);
	}
	size_t calls = 0;
	for (size_t i = 0; i < p[0].n; i++)
		calls += p[0].s[i].n;
	if (!differ)
		printf("rumpk-trace: parity: %d traces, %zu processes, %zu calls each: the same\n", n,
		       p[0].n, calls);
out:
	for (int i = 0; i < loaded; i++) {
		procs_free(&p[i]);
		trace_free(&t[i]);
	}
	return differ;
}

static int cmd_frames(const char *logp, const char *outp)
{
	size_t len, outlen, line, at;
	uint64_t dropped;
	uint8_t *out;
	struct trace t;
	uint8_t *log = slurp(logp, &len);

	if (!log)
		return die("%s: %s", logp, strerror(errno));
	enum trace_err e = trace_frames((const char *)log, len, &out, &outlen, &dropped, &line);
	free(log);
	if (e)
		return die("%s:%zu: %s", logp, line, trace_err_name(e));
	e = trace_parse(out, outlen, &t, &at);
	if (e) {
		free(out);
		return die("%s: the framed bytes are not a valid trace: %s (at byte %zu)", logp,
			   trace_err_name(e), at);
	}
	trace_free(&t);
	FILE *f = fopen(outp, "wb");
	if (!f || fwrite(out, 1, outlen, f) != outlen || fclose(f) != 0) {
		free(out);
		return die("%s: %s", outp, strerror(errno));
	}
	free(out);
	if (dropped)
		fprintf(stderr, "rumpk-trace: %s: truncated: the kernel's 64 KiB buffer was full, "
			"%" PRIu64 " bytes of trace were not kept\n", logp, dropped);
	return 0;
}

static int cmd_injections(const char *path)
{
	struct trace t;
	int err = load(path, &t), first = 1;
	if (err)
		return err;
	for (size_t i = 0; i < t.n; i++)
		if (t.rec[i].type == RUMPK_TR_INJECT) {
			printf("%s%s@%" PRIu64, first ? "" : " ", inj_name(t.rec[i].kind), t.rec[i].arg);
			first = 0;
		}
	printf("\n");
	trace_free(&t);
	return 0;
}

static void usage(FILE *f)
{
	fputs("usage: rumpk-trace print FILE | summary FILE | diff [--times] A B |\n"
	      "                   parity [--sequence OUT] A B [C] | frames LOG OUT |\n"
	      "                   injections FILE\n"
	      "Reads rumpk kernel traces (rumpk-sim --trace FILE; bare metal: trace=sys and the\n"
	      "console log through `frames`). diff and parity exit 1 when the traces differ,\n"
	      "every command exits 2 on bad input, naming what is wrong. docs/trace.md.\n", f);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "print"))
		return cmd_print(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "summary"))
		return cmd_summary(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "diff"))
		return cmd_diff(argv[2], argv[3], 0);
	if (argc == 5 && !strcmp(argv[1], "diff") && !strcmp(argv[2], "--times"))
		return cmd_diff(argv[3], argv[4], 1);
	if (argc >= 3 && !strcmp(argv[1], "parity")) {
		const char *seq = NULL;
		int i = 2;
		if (!strcmp(argv[i], "--sequence") && argc > 3) {
			seq = argv[3];
			i = 4;
		}
		if (argc - i == 2 || argc - i == 3)
			return cmd_parity(argc - i, argv + i, seq);
	}
	if (argc == 4 && !strcmp(argv[1], "frames"))
		return cmd_frames(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "injections"))
		return cmd_injections(argv[2]);
	usage(stderr);
	return 2;
}
