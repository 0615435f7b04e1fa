/*
 * gofloat.c - strconv.ParseFloat(s, 32) (Go src/strconv/atof.go: special,
 * readFloat, underscoreOK; atof32). The syntax is Go's, token for token. The
 * value is the float32 nearest the exact decimal (or hexadecimal) number, ties
 * to even, as Go's Eisel-Lemire and big-decimal paths both guarantee: we take
 * a double-precision estimate and correct it by comparing the exact input with
 * the midpoints between neighbouring float32 values in integer arithmetic.
 * No libm, no strtof (it reads the locale), no allocation.
 */
#include "podoom/gofloat.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define F32_INF_BITS 0x7f800000u
#define F32_MAX_BITS 0x7f7fffffu

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* special(): "inf", "infinity" with an optional sign, "nan" without one */
static bool special(const char *s, size_t len, float *ret, size_t *ret_n)
{
	static const char inf[] = "infinity";
	size_t i = 0, n = 0;
	bool neg = false;

	if (len == 0)
		return false;
	if (s[0] == 'n' || s[0] == 'N') {
		if (len >= 3 && lower(s[1]) == 'a' && lower(s[2]) == 'n') {
			*ret = __builtin_nanf("");
			*ret_n = 3;
			return true;
		}
		return false;
	}
	if (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-';
		i = 1;
	}
	while (i + n < len && n < 8 && lower(s[i + n]) == inf[n])
		n++;
	/* anything longer than "inf" is fine, but only "infinity" is consumed whole */
	if (n > 3 && n < 8)
		n = 3;
	if (n != 3 && n != 8)
		return false;
	*ret = neg ? -__builtin_inff() : __builtin_inff();
	*ret_n = i + n;
	return true;
}

/* underscoreOK(): underscores only between digits, or after a base prefix */
static bool underscore_ok(const char *s, size_t len)
{
	char saw = '^';
	size_t i = 0;
	bool hex = false;

	if (len >= 1 && (s[0] == '-' || s[0] == '+')) {
		s++;
		len--;
	}
	if (len >= 2 && s[0] == '0' && (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
		i = 2;
		saw = '0';
		hex = lower(s[1]) == 'x';
	}
	for (; i < len; i++) {
		char c = lower(s[i]);
		if ((c >= '0' && c <= '9') || (hex && c >= 'a' && c <= 'f')) {
			saw = '0';
			continue;
		}
		if (c == '_') {
			if (saw != '0')
				return false;
			saw = '_';
			continue;
		}
		if (saw == '_')
			return false;
		saw = '!';
	}
	return saw != '_';
}

/* the number readFloat() found: value = digits * base^(dp - nd) * 2^pexp */
struct number {
	bool neg, hex;
	uint8_t d[PODOOM_GOFLOAT_MAX_LEN]; /* significant digits, leading zeros dropped */
	size_t nd;
	int64_t dp; /* decimal (or hex-digit) point position relative to d[0] */
	int64_t exp; /* the e or p exponent */
};

static bool read_float(const char *s, size_t len, struct number *num)
{
	size_t i = 0;
	bool underscores = false, sawdot = false, sawdigits = false;
	char exp_char = 'e';

	memset(num, 0, sizeof(*num));
	if (len == 0)
		return false;
	if (s[0] == '+' || s[0] == '-') {
		num->neg = s[0] == '-';
		i++;
	}
	if (i + 2 < len && s[i] == '0' && lower(s[i + 1]) == 'x') {
		num->hex = true;
		exp_char = 'p';
		i += 2;
	}
	for (; i < len; i++) {
		char c = lower(s[i]);
		int v;
		if (c == '_') {
			underscores = true;
			continue;
		}
		if (c == '.') {
			if (sawdot)
				break;
			sawdot = true;
			num->dp = (int64_t)num->nd;
			continue;
		}
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (num->hex && c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else
			break;
		sawdigits = true;
		if (v == 0 && num->nd == 0) { /* leading zero */
			num->dp--;
			continue;
		}
		num->d[num->nd++] = (uint8_t)v;
	}
	if (!sawdigits)
		return false;
	if (!sawdot)
		num->dp = (int64_t)num->nd;
	if (i < len && lower(s[i]) == exp_char) {
		int64_t e = 0, esign = 1;
		if (++i >= len)
			return false;
		if (s[i] == '+') {
			i++;
		} else if (s[i] == '-') {
			i++;
			esign = -1;
		}
		if (i >= len || s[i] < '0' || s[i] > '9')
			return false;
		for (; i < len && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'); i++) {
			if (s[i] == '_') {
				underscores = true;
				continue;
			}
			if (e < 10000) /* Go stops accumulating here: beyond any float's range */
				e = e * 10 + (s[i] - '0');
		}
		num->exp = e * esign;
	} else if (num->hex) {
		return false; /* a hexadecimal mantissa requires a 'p' exponent */
	}
	if (underscores && !underscore_ok(s, i))
		return false;
	return i == len;
}

/* unsigned big integers, little-endian 32-bit limbs; 2048 bits covers every
 * comparison below (at most ~1400 bits: 256 hex digits shifted by ~280 bits,
 * or a 26-bit midpoint times 10^301) */
#define BIG_WORDS 64
struct big {
	uint32_t w[BIG_WORDS];
	size_t n;
};

static void big_mul_add(struct big *b, uint32_t m, uint32_t a)
{
	uint64_t carry = a;
	for (size_t i = 0; i < b->n; i++) {
		uint64_t t = (uint64_t)b->w[i] * m + carry;
		b->w[i] = (uint32_t)t;
		carry = t >> 32;
	}
	if (carry) {
		assert(b->n < BIG_WORDS);
		b->w[b->n++] = (uint32_t)carry;
	}
}

static void big_mul_pow10(struct big *b, int64_t k)
{
	static const uint32_t pow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
					 1000000000};
	while (k > 0) {
		int64_t step = k < 9 ? k : 9;
		big_mul_add(b, pow10[step], 0);
		k -= step;
	}
}

static void big_shl(struct big *b, int64_t s)
{
	size_t words = (size_t)(s / 32);
	unsigned bits = (unsigned)(s % 32);

	if (b->n == 0)
		return;
	assert(b->n + words + 1 <= BIG_WORDS);
	memmove(b->w + words, b->w, b->n * sizeof(b->w[0]));
	memset(b->w, 0, words * sizeof(b->w[0]));
	b->n += words;
	if (bits) {
		uint32_t carry = 0;
		for (size_t i = words; i < b->n; i++) {
			uint32_t v = b->w[i];
			b->w[i] = (v << bits) | carry;
			carry = v >> (32 - bits);
		}
		if (carry)
			b->w[b->n++] = carry;
	}
}

static int big_cmp(const struct big *a, const struct big *b)
{
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (size_t i = a->n; i-- > 0;)
		if (a->w[i] != b->w[i])
			return a->w[i] < b->w[i] ? -1 : 1;
	return 0;
}

static void big_set_u64(struct big *b, uint64_t v)
{
	b->n = 0;
	while (v) {
		b->w[b->n++] = (uint32_t)v;
		v >>= 32;
	}
}

/* a finite non-negative float32 (or +Inf as 2^128) as m * 2^e */
static void f32_split(uint32_t bits, uint64_t *m, int64_t *e)
{
	uint32_t ex = bits >> 23, frac = bits & 0x7fffffu;

	if (bits == F32_INF_BITS) {
		*m = 1;
		*e = 128;
	} else if (ex == 0) {
		*m = frac;
		*e = -149;
	} else {
		*m = frac | 0x800000u;
		*e = (int64_t)ex - 150;
	}
}

/* sign of (digits * 10^e10 * 2^e2) - (midpoint of the floats lo_bits, lo_bits + 1) */
static int cmp_midpoint(const struct big *digits, int64_t e10, int64_t e2, uint32_t lo_bits)
{
	struct big l = *digits, r;
	uint64_t ma, mb;
	int64_t ea, eb, emin, s;

	f32_split(lo_bits, &ma, &ea);
	f32_split(lo_bits + 1, &mb, &eb);
	emin = ea < eb ? ea : eb;
	/* adjacent floats: the exponents differ by at most 24 (max float -> 2^128) */
	big_set_u64(&r, (ma << (ea - emin)) + (mb << (eb - emin)));
	if (e10 >= 0)
		big_mul_pow10(&l, e10);
	else
		big_mul_pow10(&r, -e10);
	s = e2 - (emin - 1);
	if (s >= 0)
		big_shl(&l, s);
	else
		big_shl(&r, -s);
	return big_cmp(&l, &r);
}

static uint32_t f32_bits(float f)
{
	uint32_t b;
	memcpy(&b, &f, sizeof(b));
	return b;
}

static float f32_from_bits(uint32_t b)
{
	float f;
	memcpy(&f, &b, sizeof(f));
	return f;
}

/* the correctly rounded magnitude of num, as float32 bits (F32_INF_BITS on overflow) */
static uint32_t round_number(const struct number *num)
{
	struct big digits = {.n = 0};
	int64_t e10 = 0, e2 = 0, top;
	double approx = 0;
	uint32_t bits;
	size_t k;

	if (num->nd == 0)
		return 0;
	for (size_t i = 0; i < num->nd; i++)
		big_mul_add(&digits, num->hex ? 16 : 10, num->d[i]);
	if (num->hex) {
		unsigned first = num->d[0];
		int fb = 0;
		while (first >> fb)
			fb++;
		e2 = num->dp * 4 - (int64_t)num->nd * 4 + num->exp;
		top = (int64_t)(num->nd - 1) * 4 + fb + e2; /* value < 2^top, >= 2^(top-1) */
		if (top - 1 >= 129)
			return F32_INF_BITS;
		if (top <= -151)
			return 0;
		/* estimate from the leading 15 hex digits, scaled by exact doubling */
		uint64_t u = 0;
		for (k = 0; k < num->nd && k < 15; k++)
			u = u * 16 + num->d[k];
		int64_t y = e2 + (int64_t)(num->nd - k) * 4;
		approx = (double)u;
		for (; y > 0; y--)
			approx *= 2;
		for (; y < 0; y++)
			approx *= 0.5;
	} else {
		int64_t dp = num->dp + num->exp; /* value in [10^(dp-1), 10^dp) */
		if (dp > 39)
			return F32_INF_BITS; /* >= 1e39 */
		if (dp <= -46)
			return 0; /* < 1e-46, below half the smallest subnormal (7.0e-46) */
		e10 = dp - (int64_t)num->nd;
		uint64_t u = 0;
		for (k = 0; k < num->nd && k < 19; k++)
			u = u * 10 + num->d[k];
		int64_t x = dp - (int64_t)k;
		approx = (double)u;
		for (; x > 0; x--)
			approx *= 10;
		for (; x < 0; x++)
			approx /= 10;
	}
	bits = approx >= 3.4028234663852886e38 ? F32_MAX_BITS : f32_bits((float)approx);
	/* move to the nearest float: up while above the upper midpoint, down while below the lower */
	while (bits < F32_INF_BITS) {
		int c = cmp_midpoint(&digits, e10, e2, bits);
		if (c > 0 || (c == 0 && (bits & 1)))
			bits++;
		else
			break;
	}
	while (bits > 0 && bits < F32_INF_BITS) {
		int c = cmp_midpoint(&digits, e10, e2, bits - 1);
		if (c < 0 || (c == 0 && (bits & 1)))
			bits--;
		else
			break;
	}
	return bits;
}

int podoom_gofloat_parse32(const char *s, size_t len, float *ret, const char **ret_msg)
{
	const char *sink = NULL;
	const char **msg = ret_msg ? ret_msg : &sink;
	struct number num;
	size_t n;
	float f;
	uint32_t bits;

	if (len > PODOOM_GOFLOAT_MAX_LEN) {
		*msg = "number too long";
		return -E2BIG;
	}
	if (special(s, len, &f, &n)) {
		if (n != len) {
			*msg = "invalid syntax";
			return -EINVAL;
		}
		*ret = f;
		return 0;
	}
	if (!read_float(s, len, &num)) {
		*msg = "invalid syntax";
		return -EINVAL;
	}
	bits = round_number(&num);
	if (bits == F32_INF_BITS) {
		*msg = "value out of range";
		return -ERANGE;
	}
	*ret = f32_from_bits(num.neg ? bits | 0x80000000u : bits);
	return 0;
}
