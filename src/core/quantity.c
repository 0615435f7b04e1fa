/*
 * quantity.c - resource.Quantity parsing, after k8s.io/apimachinery
 * pkg/api/resource/quantity.go (parseQuantityString, ParseQuantity) and
 * suffix.go (the suffix tables).
 *
 * Go keeps small values as int64 with a decimal scale and the rest as inf.Dec,
 * rounding any value finer than a nano-unit up, away from zero. Both paths give
 * the same exact number, so we compute that number directly: digits times a
 * power of ten or two, in nano-units, rounded up where digits are dropped.
 */
#include "podoom/quantity.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define NANO_PER_UNIT ((podoom_i128)1000000000)
/* 10^38: the largest power of ten below 2^127 */
#define NANO_LIMIT ((podoom_i128)10000000000000000000ULL * (podoom_i128)10000000000000000000ULL)
/* maxAllowed in quantity.go: BinarySI values are capped at 2^63-1 */
#define BINARY_SI_MAX INT64_MAX

struct scan {
	bool negative;
	const char *num; /* integer digits, leading zeros stripped; NULL when all zero */
	size_t num_len;
	const char *den; /* fraction digits, may be empty */
	size_t den_len;
	const char *suffix;
	size_t suffix_len;
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_suffix_char(char c)
{
	return c != '\0' && strchr("eEinumkKMGTP", c) != NULL;
}

/* parseQuantityString: splits sign, numerator, denominator and suffix. */
static int scan_quantity(const char *s, size_t len, struct scan *sc, const char **msg)
{
	size_t pos = 0;

	memset(sc, 0, sizeof(*sc));
	if (pos < len && (s[0] == '-' || s[0] == '+')) {
		sc->negative = s[0] == '-';
		pos++;
	}
	while (pos < len && s[pos] == '0')
		pos++;
	if (pos >= len)
		return 0; /* "+", "-", "000": zero */
	sc->num = s + pos;
	while (pos < len && is_digit(s[pos]))
		pos++;
	sc->num_len = (size_t)(s + pos - sc->num);
	if (pos < len && s[pos] == '.') {
		pos++;
		sc->den = s + pos;
		while (pos < len && is_digit(s[pos]))
			pos++;
		sc->den_len = (size_t)(s + pos - sc->den);
	}
	sc->suffix = s + pos;
	while (pos < len && is_suffix_char(s[pos]))
		pos++;
	if (pos < len && (s[pos] == '-' || s[pos] == '+'))
		pos++;
	while (pos < len && is_digit(s[pos]))
		pos++;
	if (pos < len) {
		*msg = "expected a number with an optional suffix (Ki Mi Gi Ti Pi Ei, n u m k M G T P E, "
		       "or an exponent such as e3)";
		return -EINVAL;
	}
	sc->suffix_len = (size_t)(s + len - sc->suffix);
	return 0;
}

struct suffix_info {
	int base; /* 10 or 2 */
	int32_t exponent;
	enum podoom_quantity_format format;
};

/* strconv.ParseInt(s, 10, 64): optional sign, at least one digit, no overflow */
static int parse_int64(const char *s, size_t len, int64_t *ret)
{
	size_t i = 0;
	bool neg = false;
	uint64_t v = 0, lim;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (i >= len)
		return -EINVAL;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		if (!is_digit(s[i]))
			return -EINVAL;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (lim - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*ret = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

/* suffixHandler.interpret with its fast lookup table */
static int interpret_suffix(const char *s, size_t len, struct suffix_info *si)
{
	static const struct {
		const char *name;
		int base;
		int32_t exponent;
	} table[] = {
		{"", 10, 0},   {"n", 10, -9}, {"u", 10, -6}, {"m", 10, -3}, {"k", 10, 3},
		{"M", 10, 6},  {"G", 10, 9},  {"T", 10, 12}, {"P", 10, 15}, {"E", 10, 18},
		{"Ki", 2, 10}, {"Mi", 2, 20}, {"Gi", 2, 30}, {"Ti", 2, 40}, {"Pi", 2, 50},
		{"Ei", 2, 60},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (strlen(table[i].name) == len && memcmp(table[i].name, s, len) == 0) {
			si->base = table[i].base;
			si->exponent = table[i].exponent;
			si->format = table[i].base == 2 ? PODOOM_QUANTITY_FORMAT_BINARY_SI
							: PODOOM_QUANTITY_FORMAT_DECIMAL_SI;
			return 0;
		}
	}
	if (len > 1 && (s[0] == 'e' || s[0] == 'E')) {
		int64_t e;
		if (parse_int64(s + 1, len - 1, &e) < 0)
			return -EINVAL;
		si->base = 10;
		/* Go converts with int32(parsed): the value wraps modulo 2^32 */
		si->exponent = (int32_t)(uint32_t)(uint64_t)e;
		si->format = PODOOM_QUANTITY_FORMAT_DECIMAL_EXPONENT;
		return 0;
	}
	return -EINVAL;
}

/* acc = acc * 10 + d, failing past NANO_LIMIT */
static bool push_digit(podoom_i128 *acc, char c)
{
	podoom_i128 d = c - '0';
	if (*acc > (NANO_LIMIT - d) / 10)
		return false;
	*acc = *acc * 10 + d;
	return true;
}

/* the i-th digit of num ++ den */
static char digit_at(const struct scan *sc, size_t i)
{
	return i < sc->num_len ? sc->num[i] : sc->den[i - sc->num_len];
}

/* value = num.den * 10^exponent in nano-units, rounded up */
static int decimal_nano(const struct scan *sc, int32_t exponent, podoom_i128 *ret)
{
	size_t n = sc->num_len + sc->den_len;
	int64_t shift = (int64_t)exponent + 9 - (int64_t)sc->den_len;
	podoom_i128 acc = 0;
	size_t keep = n;
	bool dropped_nonzero = false;

	if (shift < 0) {
		uint64_t drop = (uint64_t)(-shift);
		keep = drop >= n ? 0 : n - (size_t)drop;
		for (size_t i = keep; i < n; i++)
			if (digit_at(sc, i) != '0')
				dropped_nonzero = true;
	}
	for (size_t i = 0; i < keep; i++)
		if (!push_digit(&acc, digit_at(sc, i)))
			return -ERANGE;
	if (shift > 0 && acc != 0) {
		for (int64_t i = 0; i < shift; i++) {
			if (acc > NANO_LIMIT / 10)
				return -ERANGE;
			acc *= 10;
		}
	}
	if (dropped_nonzero)
		acc += 1; /* inf.RoundUp to nano precision */
	if (acc >= NANO_LIMIT)
		return -ERANGE;
	*ret = acc;
	return 0;
}

/* value = num.den * 2^exponent in nano-units, rounded up, capped at 2^63-1 units */
static void binary_nano(const struct scan *sc, int32_t exponent, podoom_i128 *ret)
{
	const podoom_i128 cap = (podoom_i128)BINARY_SI_MAX * NANO_PER_UNIT;
	const podoom_i128 mult = ((podoom_i128)1 << exponent) * NANO_PER_UNIT;
	podoom_i128 whole = 0, carry = 0;
	bool rest_nonzero = false;

	for (size_t i = 0; i < sc->num_len; i++) {
		whole = whole * 10 + (sc->num[i] - '0');
		if (whole > ((podoom_i128)BINARY_SI_MAX >> exponent)) {
			*ret = cap; /* above the cap already: the fraction cannot matter */
			return;
		}
	}
	/* ceil(0.den * mult): multiply the fraction digits by mult from the right */
	for (size_t i = sc->den_len; i-- > 0;) {
		podoom_i128 t = (podoom_i128)(sc->den[i] - '0') * mult + carry;
		if (t % 10 != 0)
			rest_nonzero = true;
		carry = t / 10;
	}
	podoom_i128 v = whole * mult + carry + (rest_nonzero ? 1 : 0);
	*ret = v > cap ? cap : v;
}

int podoom_quantity_parse(const char *s, size_t len, struct podoom_quantity *ret,
			  const char **ret_msg)
{
	const char *msg_sink = NULL;
	const char **msg = ret_msg ? ret_msg : &msg_sink;
	struct scan sc;
	struct suffix_info si;
	podoom_i128 nano;
	int r;

	if (len == 0) {
		*msg = "expected a quantity, got an empty string";
		return -EINVAL;
	}
	if (len > PODOOM_QUANTITY_MAX_LEN) {
		*msg = "quantity longer than 256 characters";
		return -E2BIG;
	}
	r = scan_quantity(s, len, &sc, msg);
	if (r < 0)
		return r;
	if (sc.num == NULL) { /* all zeros */
		*ret = (struct podoom_quantity){.nano = 0, .format = PODOOM_QUANTITY_FORMAT_DECIMAL_SI};
		return 0;
	}
	if (interpret_suffix(sc.suffix, sc.suffix_len, &si) < 0) {
		*msg = "unknown suffix: expected Ki Mi Gi Ti Pi Ei, n u m k M G T P E, or an exponent "
		       "such as e3 (K and KB are not suffixes)";
		return -EINVAL;
	}
	if (si.base == 2) {
		binary_nano(&sc, si.exponent, &nano);
		/* 0 < v < 1 switches BinarySI to DecimalSI, as ParseQuantity does */
		if (nano > 0 && nano < NANO_PER_UNIT)
			si.format = PODOOM_QUANTITY_FORMAT_DECIMAL_SI;
	} else {
		r = decimal_nano(&sc, si.exponent, &nano);
		if (r < 0) {
			*msg = "quantity too large: podoom handles magnitudes below 10^29 "
			       "(no int64 consumer such as the kubelet can use more)";
			return r;
		}
	}
	ret->nano = sc.negative ? -nano : nano;
	ret->format = si.format;
	return 0;
}

static int scaled(const struct podoom_quantity *q, podoom_i128 per, int64_t *ret)
{
	podoom_i128 mag = q->nano < 0 ? -q->nano : q->nano;
	podoom_i128 v = mag / per + (mag % per != 0 ? 1 : 0); /* rounds up */
	if (v > (podoom_i128)INT64_MAX)
		return -ERANGE;
	*ret = q->nano < 0 ? -(int64_t)v : (int64_t)v;
	return 0;
}

int podoom_quantity_value(const struct podoom_quantity *q, int64_t *ret)
{
	return scaled(q, NANO_PER_UNIT, ret);
}

int podoom_quantity_milli_value(const struct podoom_quantity *q, int64_t *ret)
{
	return scaled(q, NANO_PER_UNIT / 1000, ret);
}

int podoom_quantity_cmp(const struct podoom_quantity *a, const struct podoom_quantity *b)
{
	return (a->nano > b->nano) - (a->nano < b->nano);
}

int podoom_quantity_sign(const struct podoom_quantity *q)
{
	return (q->nano > 0) - (q->nano < 0);
}

bool podoom_quantity_is_whole(const struct podoom_quantity *q)
{
	return q->nano % NANO_PER_UNIT == 0;
}

podoom_i128 podoom_quantity_nano_add(podoom_i128 a, podoom_i128 b)
{
	/* |a|, |b| <= 10^38 < 2^127 / 1.7: test before adding, never overflow */
	if (b > 0 && a > NANO_LIMIT - b)
		return NANO_LIMIT;
	if (b < 0 && a < -NANO_LIMIT - b)
		return -NANO_LIMIT;
	return a + b;
}

struct podoom_quantity podoom_quantity_from_int(int64_t v, enum podoom_quantity_format format)
{
	return (struct podoom_quantity){.nano = (podoom_i128)v * NANO_PER_UNIT, .format = format};
}

/* v with the largest suffix of @base (1024 or 1000) that divides it exactly */
static int format_exact(int64_t v, int64_t base, const char *const *suffix, char *buf, size_t size)
{
	int64_t unit = 1;
	int best = -1;

	if (v != 0)
		for (int i = 0; i < 6 && unit <= INT64_MAX / base; i++) {
			unit *= base;
			if (v % unit == 0)
				best = i;
		}
	if (best < 0)
		return snprintf(buf, size, "%lld", (long long)v);
	unit = 1;
	for (int i = 0; i <= best; i++)
		unit *= base;
	return snprintf(buf, size, "%lld%s", (long long)(v / unit), suffix[best]);
}

int podoom_bytes_format(int64_t bytes, char *buf, size_t size)
{
	static const char *const bin[] = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
	static const char *const dec[] = {"k", "M", "G", "T", "P", "E"};
	char b[32], d[32];
	int nb = format_exact(bytes, 1024, bin, b, sizeof(b));
	int nd = format_exact(bytes, 1000, dec, d, sizeof(d));

	/* the shorter spelling: 256Mi, 1536Mi, but 256M rather than 250000Ki */
	return snprintf(buf, size, "%s", nd < nb ? d : b);
}

int podoom_bytes_format_human(int64_t bytes, char *buf, size_t size)
{
	static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	double v = (double)bytes;
	int i = 0;

	while ((v >= 1024.0 || v <= -1024.0) && i < 6) {
		v /= 1024.0;
		i++;
	}
	if (i == 0)
		return snprintf(buf, size, "%lld B", (long long)bytes);
	if (v >= 100.0 || v <= -100.0 || v == (double)(long long)v)
		return snprintf(buf, size, "%.0f %s", v, unit[i]);
	return snprintf(buf, size, "%.1f %s", v, unit[i]);
}

/* |v| in decimal, most significant digit first; returns the digit count */
static int i128_digits(podoom_i128 v, char *out)
{
	char tmp[48];
	int n = 0, len = 0;
	unsigned __int128 u = v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;

	do {
		tmp[n++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u);
	while (n)
		out[len++] = tmp[--n];
	out[len] = '\0';
	return len;
}

/* CanonicalizeBytes (quantity.go) with AsCanonicalBytes / AsCanonicalBase1024Bytes
 * (amount.go) and the suffixer's constructBytes (suffix.go) */
int podoom_quantity_format(const struct podoom_quantity *q, char *buf, size_t size)
{
	static const char *const dec[] = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
	static const char *const bin[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
	enum podoom_quantity_format format = q->format;
	podoom_i128 m = q->nano;
	char digits[48], exp[16];
	const char *suffix = "";
	int e = -9;

	if (m == 0)
		return snprintf(buf, size, "0");
	if (format == PODOOM_QUANTITY_FORMAT_BINARY_SI) {
		if ((m > -1024 * NANO_PER_UNIT && m < 1024 * NANO_PER_UNIT) || m % NANO_PER_UNIT != 0) {
			format = PODOOM_QUANTITY_FORMAT_DECIMAL_SI; /* "avoids rounding and hopefully confusion" */
		} else {
			int times = 0;
			m /= NANO_PER_UNIT;
			/* removeInt64Factors(value, 1024) */
			while ((m >= 1024 || m <= -1024) && m % 1024 == 0) {
				m /= 1024;
				times++;
			}
			i128_digits(m, digits);
			return snprintf(buf, size, "%s%s%s", m < 0 ? "-" : "", digits,
					times < (int)(sizeof(bin) / sizeof(bin[0])) ? bin[times] : "");
		}
	}
	/* removeInt64Factors(mantissa, 10), then lower the exponent to a multiple of 3 */
	while ((m >= 10 || m <= -10) && m % 10 == 0) {
		m /= 10;
		e++;
	}
	switch (e % 3) {
	case 1:
	case -2:
		m *= 10; /* cannot overflow: at least one factor of ten was removed above */
		e -= 1;
		break;
	case 2:
	case -1:
		m *= 100;
		e -= 2;
		break;
	}
	i128_digits(m, digits);
	if (format == PODOOM_QUANTITY_FORMAT_DECIMAL_SI) {
		if (e >= -9 && e <= 18)
			suffix = dec[(e + 9) / 3];
	} else if (e != 0) {
		snprintf(exp, sizeof(exp), "e%d", e);
		suffix = exp;
	}
	return snprintf(buf, size, "%s%s%s", m < 0 ? "-" : "", digits, suffix);
}
