/*
 * stdlib.c — number conversions, abs, and sorting.
 *
 * One parser (parse_u64) reads the magnitude for all strto* functions and reports
 * overflow instead of wrapping; the signed and unsigned front ends apply C's rules for
 * the sign (C11 7.22.1.4). There is no errno in libnexus: the checked functions
 * nexus_strtoi64/nexus_strtou64 return the error, the C-named ones clamp and say nothing
 * (the contract is in nexus_libc.h). All of this is 64-bit arithmetic with division by
 * the base only (no 128-bit division on rv64imac).
 */
#include "nexus_libc.h"

#include "rumpk/abi.h"

/* The digit value of c in bases up to 36, or 36 for "not a digit". */
static unsigned digit_of(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'z')
		return (unsigned)(c - 'a' + 10);
	if (c >= 'A' && c <= 'Z')
		return (unsigned)(c - 'A' + 10);
	return 36;
}

/*
 * Parses [space][sign][0x]digits. Sets *neg, *mag (saturated at UINT64_MAX), *end (past
 * the digits, or s when there are none). Returns 0, -RUMPK_EINVAL (no digits or a bad
 * base) or -RUMPK_ERANGE (the magnitude passed UINT64_MAX).
 */
static int parse_u64(const char *s, char **end, int base, int *neg, uint64_t *mag)
{
	const char *p = s;

	*neg = 0;
	*mag = 0;
	if (end)
		*end = (char *)s;
	if (base < 0 || base == 1 || base > 36)
		return -RUMPK_EINVAL;
	while (nexus_isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		*neg = *p++ == '-';
	/* "0x" counts as a prefix only when a hex digit follows: "0xz" is the number 0
	 * followed by "xz" (C11 7.22.1.4: the longest initial subsequence of the form). */
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit_of(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	const char *digits = p;
	uint64_t v = 0;
	int over = 0;
	uint64_t limit = UINT64_MAX / (unsigned)base;
	for (unsigned d; (d = digit_of(*p)) < (unsigned)base; p++) {
		if (v > limit || v * (unsigned)base > UINT64_MAX - d)
			over = 1;
		else
			v = v * (unsigned)base + d;
	}
	if (p == digits) {
		*neg = 0;
		return -RUMPK_EINVAL; /* no digits: *end stays at s */
	}
	if (end)
		*end = (char *)p;
	*mag = over ? UINT64_MAX : v;
	return over ? -RUMPK_ERANGE : 0;
}

int nexus_strtoi64(const char *s, char **end, int base, int64_t *out)
{
	int neg;
	uint64_t mag;
	int r = parse_u64(s, end, base, &neg, &mag);

	if (r == -RUMPK_EINVAL) {
		*out = 0;
		return r;
	}
	uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (r == -RUMPK_ERANGE || mag > lim) {
		*out = neg ? INT64_MIN : INT64_MAX;
		return -RUMPK_ERANGE;
	}
	*out = neg ? (int64_t)(0 - mag) : (int64_t)mag; /* 0 - 2^63 is INT64_MIN's bits */
	return 0;
}

int nexus_strtou64(const char *s, char **end, int base, uint64_t *out)
{
	int neg;
	uint64_t mag;
	int r = parse_u64(s, end, base, &neg, &mag);

	if (r < 0) {
		*out = r == -RUMPK_ERANGE ? UINT64_MAX : 0;
		return r;
	}
	*out = neg ? 0 - mag : mag; /* C: a '-' negates in the unsigned type */
	return 0;
}

/* long and long long are 64 bits on every rumpk machine (LP64). */
_Static_assert(sizeof(long) == 8 && sizeof(long long) == 8, "LP64 expected");

long nexus_strtol(const char *s, char **end, int base)
{
	int64_t v;

	nexus_strtoi64(s, end, base, &v);
	return (long)v;
}

unsigned long nexus_strtoul(const char *s, char **end, int base)
{
	uint64_t v;

	nexus_strtou64(s, end, base, &v);
	return (unsigned long)v;
}

long long nexus_strtoll(const char *s, char **end, int base)
{
	int64_t v;

	nexus_strtoi64(s, end, base, &v);
	return (long long)v;
}

unsigned long long nexus_strtoull(const char *s, char **end, int base)
{
	uint64_t v;

	nexus_strtou64(s, end, base, &v);
	return (unsigned long long)v;
}

long nexus_atol(const char *s)
{
	return nexus_strtol(s, NULL, 10);
}

int nexus_atoi(const char *s)
{
	long v = nexus_strtol(s, NULL, 10);

	if (v > __INT_MAX__)
		return __INT_MAX__;
	if (v < -__INT_MAX__ - 1)
		return -__INT_MAX__ - 1;
	return (int)v;
}

int nexus_abs(int v)
{
	return v < 0 ? (int)(0u - (unsigned)v) : v;
}

long nexus_labs(long v)
{
	return v < 0 ? (long)(0ul - (unsigned long)v) : v;
}

long long nexus_llabs(long long v)
{
	return v < 0 ? (long long)(0ull - (unsigned long long)v) : v;
}

/* ---- sorting -------------------------------------------------------------------------- */

static void swap_bytes(unsigned char *a, unsigned char *b, size_t size)
{
	while (size--) {
		unsigned char t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

/* Moves element i down the max-heap of the first n elements until both children are
 * smaller. */
static void sift_down(unsigned char *base, size_t i, size_t n, size_t size,
		      int (*cmp)(const void *, const void *))
{
	for (;;) {
		size_t big = i;
		size_t l = 2 * i + 1; /* no overflow: i < n / 2 here, or l >= n ends the loop */
		if (l < n && cmp(base + l * size, base + big * size) > 0)
			big = l;
		if (l + 1 < n && cmp(base + (l + 1) * size, base + big * size) > 0)
			big = l + 1;
		if (big == i)
			return;
		swap_bytes(base + i * size, base + big * size, size);
		i = big;
	}
}

void nexus_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	unsigned char *b = base;

	if (n < 2 || size == 0)
		return;
	for (size_t i = n / 2; i-- > 0;)
		sift_down(b, i, n, size, cmp);
	for (size_t end = n - 1; end > 0; end--) {
		swap_bytes(b, b + end * size, size);
		sift_down(b, 0, end, size, cmp);
	}
}

void *nexus_bsearch(const void *key, const void *base, size_t n, size_t size,
		    int (*cmp)(const void *, const void *))
{
	const unsigned char *b = base;
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp(key, b + mid * size);
		if (c == 0)
			return (void *)(b + mid * size);
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}
