/*
 * duration.c - time.ParseDuration (Go src/time/format.go): sign, then
 * number+unit pairs; fractions are scaled into the unit without floating point;
 * overflow of int64 nanoseconds is an error.
 */
#include "podoom/duration.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	uint64_t nsec;
} units[] = {
	{"ns", 1},
	{"us", 1000},
	{"\xc2\xb5s", 1000}, /* U+00B5 micro sign */
	{"\xce\xbcs", 1000}, /* U+03BC Greek mu */
	{"ms", 1000000},
	{"s", 1000000000},
	{"m", 60000000000ULL},
	{"h", 3600000000000ULL},
};

int podoom_duration_parse(const char *s, size_t len, int64_t *ret_nsec, const char **ret_msg)
{
	const char *sink = NULL;
	const char **msg = ret_msg ? ret_msg : &sink;
	size_t i = 0;
	bool neg = false;
	uint64_t total = 0;
	const uint64_t max = (uint64_t)INT64_MAX;

	if (len > 0 && (s[0] == '-' || s[0] == '+'))
		neg = s[i++] == '-';
	if (len - i == 1 && s[i] == '0') {
		*ret_nsec = 0;
		return 0;
	}
	if (i == len) {
		*msg = "expected a duration such as 10s, 500ms or 1m30s";
		return -EINVAL;
	}
	while (i < len) {
		uint64_t v = 0, frac = 0, scale = 1, unit = 0;
		bool pre = false, post = false, overflow = false;
		size_t ulen = 0;

		if (!(s[i] == '.' || (s[i] >= '0' && s[i] <= '9'))) {
			*msg = "expected a number before each unit in a duration";
			return -EINVAL;
		}
		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			pre = true;
			if (v > (max - (uint64_t)(s[i] - '0')) / 10) {
				*msg = "duration too large";
				return -ERANGE;
			}
			v = v * 10 + (uint64_t)(s[i] - '0');
		}
		if (i < len && s[i] == '.') {
			for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
				post = true;
				if (overflow)
					continue;
				if (frac > (max - 9) / 10) { /* digits past int64: Go drops them too */
					overflow = true;
					continue;
				}
				frac = frac * 10 + (uint64_t)(s[i] - '0');
				scale *= 10;
			}
		}
		if (!pre && !post) {
			*msg = "expected digits in a duration";
			return -EINVAL;
		}
		while (i + ulen < len && s[i + ulen] != '.' && !(s[i + ulen] >= '0' && s[i + ulen] <= '9'))
			ulen++;
		for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++)
			if (strlen(units[u].name) == ulen && memcmp(units[u].name, s + i, ulen) == 0)
				unit = units[u].nsec;
		if (!unit) {
			*msg = ulen ? "unknown unit in a duration: expected ns, us, ms, s, m or h"
				    : "missing unit in a duration: expected ns, us, ms, s, m or h (e.g. 10s)";
			return -EINVAL;
		}
		i += ulen;
		if (v > max / unit) {
			*msg = "duration too large";
			return -ERANGE;
		}
		v *= unit;
		if (frac > 0) {
			/* the same float64 product as Go: float64(f) * (float64(unit) / scale) */
			double f = (double)frac * ((double)unit / (double)scale);
			v += (uint64_t)f;
			if (v > max) {
				*msg = "duration too large";
				return -ERANGE;
			}
		}
		if (total > max - v) {
			*msg = "duration too large";
			return -ERANGE;
		}
		total += v;
	}
	*ret_nsec = neg ? -(int64_t)total : (int64_t)total;
	return 0;
}

int podoom_duration_format(int64_t usec, char *buf, size_t size)
{
	uint64_t u = usec < 0 ? (uint64_t)0 - (uint64_t)usec : (uint64_t)usec;
	const char *sign = usec < 0 ? "-" : "";
	uint64_t h = u / 3600000000ULL, m = u / 60000000ULL % 60, s = u / 1000000 % 60, us = u % 1000000;
	int n = 0;

	if (u == 0)
		return snprintf(buf, size, "0s");
	if (u < 1000000) {
		if (us % 1000 == 0)
			return snprintf(buf, size, "%s%llums", sign, (unsigned long long)(us / 1000));
		return snprintf(buf, size, "%s%lluus", sign, (unsigned long long)us);
	}
	n = snprintf(buf, size, "%s", sign);
	if (h)
		n += snprintf(buf + n, size > (size_t)n ? size - (size_t)n : 0, "%lluh", (unsigned long long)h);
	if (h || m)
		n += snprintf(buf + n, size > (size_t)n ? size - (size_t)n : 0, "%llum", (unsigned long long)m);
	if (us == 0)
		n += snprintf(buf + n, size > (size_t)n ? size - (size_t)n : 0, "%llus", (unsigned long long)s);
	else if (us % 1000 == 0)
		n += snprintf(buf + n, size > (size_t)n ? size - (size_t)n : 0, "%llu.%03llus", (unsigned long long)s,
			      (unsigned long long)(us / 1000));
	else
		n += snprintf(buf + n, size > (size_t)n ? size - (size_t)n : 0, "%llu.%06llus", (unsigned long long)s,
			      (unsigned long long)us);
	return n;
}
