/*
 * fault.c — the fault injector: spec parsing, decisions, counts (contract in fault.h; the
 * points and what each one does at its call site: docs/faults.md).
 *
 * A decision is SipHash-2-4 (128-bit output) keyed with a key derived from the boot entropy,
 * over the point's number and the opportunity's number (little-endian, 12 bytes): the first
 * 64 bits compared with the point's rate scaled to 2^64, the second 64 handed to the call
 * site. Nothing else goes in (no time, no address, no order of other points), which is what
 * makes a run replay from its seed and lets a shrinker drop one event at a time.
 *
 * State: the spec and key are written once before the first stage; the counters by
 * fault_inject_slow with interrupts disabled (call sites run in interrupt context too: the
 * timer points), so one CPU never sees a torn count.
 */
#include "fault.h"
#include "trace.h"

#include "cmdline.h"
#include "hal.h"
#include "kprintf.h"
#include "kutil.h"
#include "proc.h"
#include "prov.h"
#include "sodium.h"

#define KEY_LABEL "rumpk fault key "
#define SEED_LABEL "rumpk fault seed "

static const char *const names[RUMPK_INJ_MAX + 1] = RUMPK_INJ_NAMES;

static struct {
	struct fault_spec spec;
	uint8_t key[FAULT_KEY_BYTES];
	uint64_t seed;                  /* the key's seed (faultseed=, else from the entropy) */
	int asked;                      /* faults= enabled some point */
	struct fault_stats st;
} F;

int fault_active;

const char *fault_point_name(uint32_t point)
{
	return point >= 1 && point <= RUMPK_INJ_MAX ? names[point] : 0;
}

static int point_by_name(const char *s, size_t len)
{
	for (uint32_t p = 1; p <= RUMPK_INJ_MAX; p++)
		if (kstrlen(names[p]) == len && kmemcmp(names[p], s, len) == 0)
			return (int)p;
	return -1;
}

/* floor(num / den * 2^64) for num < den < 2^62, by binary long division (no 128-bit
 * division: the bare-metal kernels link no compiler runtime). */
static uint64_t scale(uint64_t num, uint64_t den)
{
	uint64_t q = 0, r = num;
	for (int i = 0; i < 64; i++) {
		r <<= 1;
		q <<= 1;
		if (r >= den) {
			r -= den;
			q |= 1;
		}
	}
	return q;
}

/* A rate "0", "1", "0.25", "1.000", ".5": *always for exactly 1, else *below. */
static int parse_rate(const char *s, size_t len, uint64_t *below, uint8_t *always)
{
	size_t i = 0;
	uint64_t whole = 0, frac = 0, den = 1;

	while (i < len && s[i] >= '0' && s[i] <= '9') {
		if (whole > 1)
			return -1;
		whole = whole * 10 + (uint64_t)(s[i++] - '0');
	}
	int digits = i > 0;
	if (i < len && s[i] == '.') {
		i++;
		for (int d = 0; i < len && s[i] >= '0' && s[i] <= '9'; d++, i++) {
			if (d == 18)
				return -1;
			frac = frac * 10 + (uint64_t)(s[i] - '0');
			den *= 10;
			digits = 1;
		}
	}
	if (i != len || !digits || whole > 1 || (whole == 1 && frac))
		return -1;
	*always = whole == 1;
	*below = whole == 1 ? 0 : scale(frac, den);
	return 0;
}

static int parse_count(const char *s, size_t len, uint64_t *n)
{
	uint64_t v = 0;
	if (!len || len > 19)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*n = v;
	return v ? 0 : -1;
}

static int refuse(struct fault_spec *out, char *why, size_t whylen, const char *fmt,
		  const char *item, size_t len)
{
	char it[FAULT_SPEC_MAX];
	size_t n = len < sizeof(it) - 1 ? len : sizeof(it) - 1;

	kmemcpy(it, item, n);
	it[n] = '\0';
	kmemset(out, 0, sizeof(*out));
	ksnprintf(why, whylen, fmt, it);
	return -RUMPK_EINVAL;
}

int fault_parse(const char *value, struct fault_spec *out, char *why, size_t whylen)
{
	uint8_t named[RUMPK_INJ_MAX + 1] = { 0 };
	uint64_t all_below = 0;
	uint8_t all_always = 0;
	int has_all = 0;
	const char *p = value;

	kmemset(out, 0, sizeof(*out));
	while (*value) { /* an empty value enables nothing; an empty item is refused */
		const char *e = p, *sep = 0;
		while (*e && *e != ',') {
			if (!sep && (*e == '=' || *e == '@' || *e == '~'))
				sep = e;
			e++;
		}
		size_t len = (size_t)(e - p);
		if (!sep)
			return refuse(out, why, whylen, "'%s' in faults= is none of POINT=RATE, "
				      "POINT@N, POINT~N", p, len);
		size_t nlen = (size_t)(sep - p);
		const char *v = sep + 1;
		size_t vlen = (size_t)(e - v);
		int is_all = nlen == 3 && kmemcmp(p, "all", 3) == 0;
		int pt = is_all ? 0 : point_by_name(p, nlen);
		if (!is_all && pt < 0)
			return refuse(out, why, whylen, "unknown fault point '%s' in faults=", p,
				      nlen);
		if (*sep == '=') {
			uint64_t below;
			uint8_t always;
			if (parse_rate(v, vlen, &below, &always))
				return refuse(out, why, whylen, "bad rate in '%s' of faults= (a "
					      "decimal from 0 to 1)", p, len);
			if (is_all) {
				has_all = 1;
				all_below = below;
				all_always = always;
			} else {
				named[pt] = 1;
				out->below[pt] = below;
				out->always[pt] = always;
			}
		} else {
			uint64_t lo, hi;
			const char *dash = v;
			while (dash < e && *dash != '-')
				dash++;
			if (is_all)
				return refuse(out, why, whylen, "'%s' in faults=: all takes a rate, "
					      "not an event", p, len);
			/* N, or for an exclusion A-B with A <= B */
			int bad = parse_count(v, (size_t)(dash - v), &lo);
			hi = lo;
			if (!bad && dash < e)
				bad = *sep == '@' ||
				      parse_count(dash + 1, (size_t)(e - dash - 1), &hi) || hi < lo;
			if (bad)
				return refuse(out, why, whylen, "bad event in '%s' of faults= (N "
					      "counts opportunities from 1; A-B only after ~)", p, len);
			if (out->nat == FAULT_AT_MAX)
				return refuse(out, why, whylen, "too many @ and ~ items in faults= "
					      "(at most 32; '%s' is one more)", p, len);
			out->at[out->nat].point = (uint32_t)pt;
			out->at[out->nat].skip = *sep == '~';
			out->at[out->nat].lo = lo;
			out->at[out->nat].hi = hi;
			out->nat++;
		}
		if (!*e)
			break;
		p = e + 1;
	}
	/* all=RATE covers every point not named, never the planted bug */
	for (uint32_t pt = 1; pt <= RUMPK_INJ_MAX; pt++) {
		if (has_all && !named[pt] && pt != RUMPK_INJ_LEAK) {
			out->below[pt] = all_below;
			out->always[pt] = all_always;
		}
		if (out->below[pt] || out->always[pt])
			out->enabled |= 1u << pt;
	}
	for (uint32_t i = 0; i < out->nat; i++)
		if (!out->at[i].skip) /* an exclusion alone enables nothing */
			out->enabled |= 1u << out->at[i].point;
	return 0;
}

int fault_decide(const uint8_t key[FAULT_KEY_BYTES], const struct fault_spec *spec,
		 uint32_t point, uint64_t n, uint64_t *rnd)
{
	uint8_t in[12], h[SODIUM_SIPHASHX24_BYTES];
	uint64_t word = 0, more = 0;

	if (point < 1 || point > RUMPK_INJ_MAX || !(spec->enabled & (1u << point)))
		return 0;
	for (int i = 0; i < 4; i++)
		in[i] = (uint8_t)(point >> (8 * i));
	for (int i = 0; i < 8; i++)
		in[4 + i] = (uint8_t)(n >> (8 * i));
	crypto_shorthash_siphashx24(h, in, sizeof(in), key);
	for (int i = 7; i >= 0; i--) {
		word = word << 8 | h[i];
		more = more << 8 | h[8 + i];
	}
	if (rnd)
		*rnd = more;
	int hit = spec->always[point] || word < spec->below[point];
	for (uint32_t i = 0; i < spec->nat; i++) {
		if (spec->at[i].point != point || n < spec->at[i].lo || n > spec->at[i].hi)
			continue;
		if (spec->at[i].skip)
			return 0; /* an exclusion wins */
		hit = 1;
	}
	return hit;
}

void fault_key(const uint8_t entropy[RUMPK_BOOT_ENTROPY_BYTES], uint8_t key[FAULT_KEY_BYTES])
{
	prov_derive(KEY_LABEL, entropy, key, FAULT_KEY_BYTES);
}

uint64_t fault_seed_from_entropy(const uint8_t entropy[RUMPK_BOOT_ENTROPY_BYTES])
{
	uint8_t b[8];
	uint64_t seed = 0;

	prov_derive(SEED_LABEL, entropy, b, sizeof(b));
	for (int i = 7; i >= 0; i--)
		seed = seed << 8 | b[i];
	return seed;
}

void fault_seed_key(uint64_t seed, uint8_t key[FAULT_KEY_BYTES])
{
	uint8_t e[RUMPK_BOOT_ENTROPY_BYTES] = { 0 };

	for (int i = 0; i < 8; i++)
		e[i] = (uint8_t)(seed >> (8 * i));
	fault_key(e, key);
}

/* faultseed=N: a decimal number from 0 to 2^64-1, nothing else. 0, or -1. */
static int parse_seed(const char *v, uint64_t *out)
{
	uint64_t n = 0;

	if (!*v)
		return -1;
	for (; *v; v++) {
		if (*v < '0' || *v > '9')
			return -1;
		uint64_t d = (uint64_t)(*v - '0');
		if (n > (UINT64_MAX - d) / 10)
			return -1;
		n = n * 10 + d;
	}
	*out = n;
	return 0;
}

int fault_setup(const char *cmdline, const uint8_t entropy[RUMPK_BOOT_ENTROPY_BYTES])
{
	char seedv[24];
	char value[FAULT_SPEC_MAX], why[FAULT_SPEC_MAX + 64];
	int len = cmdline_get(cmdline, "faults", value, sizeof(value));

	fault_active = 0;
	kmemset(&F, 0, sizeof(F));
	if (len == -RUMPK_ENOENT)
		return 0;
	if (len < 0) { /* cannot be longer than the command line; say so all the same */
		kprintf("[faults] FAIL: the faults= value is too long\n");
		return -RUMPK_EINVAL;
	}
	if (fault_parse(value, &F.spec, why, sizeof(why))) {
		kprintf("[faults] FAIL: %s (points:", why);
		for (uint32_t p = 1; p <= RUMPK_INJ_MAX; p++)
			kprintf(" %s", names[p]);
		kprintf(", all)\n");
		return -RUMPK_EINVAL;
	}
	int slen = cmdline_get(cmdline, "faultseed", seedv, sizeof(seedv));
	if (slen == -RUMPK_ENOENT) {
		F.seed = fault_seed_from_entropy(entropy);
	} else if (slen < 0 || parse_seed(seedv, &F.seed)) {
		kprintf("[faults] FAIL: faultseed=%s is not a number from 0 to 2^64-1\n",
			slen < 0 ? "(too long)" : seedv);
		kmemset(&F, 0, sizeof(F));
		return -RUMPK_EINVAL;
	}
	fault_seed_key(F.seed, F.key);
	F.asked = F.spec.enabled != 0;
	return 0;
}

void fault_start(void)
{
	hal_irq_state_t s = hal_irq_save();
	kmemset(&F.st, 0, sizeof(F.st));
	fault_active = F.asked;
	hal_irq_restore(s);
}

void fault_stop(void)
{
	fault_active = 0;
}

int fault_inject_slow(uint32_t point, uint64_t *rnd)
{
	if (point < 1 || point > RUMPK_INJ_MAX || !(F.spec.enabled & (1u << point)))
		return 0;
	hal_irq_state_t s = hal_irq_save();
	uint64_t n = ++F.st.seen[point];
	int hit = fault_decide(F.key, &F.spec, point, n, rnd);
	if (hit) {
		F.st.injected[point]++;
		fault_note(point, n, proc_current_pid());
	}
	hal_irq_restore(s);
	return hit;
}

/* Every injection passes here: its trace record (trace=all), and one place for a debugger's
 * breakpoint (docs/debugging.md). */
void fault_note(uint32_t point, uint64_t n, uint32_t pid)
{
	trace_inject(point, n, pid);
}

void fault_stats(struct fault_stats *out)
{
	hal_irq_state_t s = hal_irq_save();
	*out = F.st;
	hal_irq_restore(s);
}

void fault_report(void)
{
	const char *sep = "";

	if (!F.asked)
		return;
	kprintf("[faults] seed %llu (faultseed=%llu makes the same decisions)\n",
		(unsigned long long)F.seed, (unsigned long long)F.seed);
	kprintf("[faults] injected:");
	for (uint32_t p = 1; p <= RUMPK_INJ_MAX; p++) {
		if (!(F.spec.enabled & (1u << p)))
			continue;
		kprintf("%s %s %llu of %llu", sep, names[p], (unsigned long long)F.st.injected[p],
			(unsigned long long)F.st.seen[p]);
		sep = ",";
	}
	kprintf("\n");
}
