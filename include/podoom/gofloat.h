/*
 * gofloat - Go's strconv.ParseFloat(s, 32), as the kubelet parses eviction
 * percentages (pkg/kubelet/eviction/helpers.go parsePercentage). Pure: no
 * allocation, no locale, no libm; correctly rounded like Go (round half to
 * even), by exact integer comparison.
 */
#ifndef PODOOM_GOFLOAT_H
#define PODOOM_GOFLOAT_H

#include <stddef.h>

/* Longest input accepted. Go has no cap; it bounds the exact arithmetic. */
#define PODOOM_GOFLOAT_MAX_LEN 256

/*
 * podoom_gofloat_parse32() - strconv.ParseFloat(s, 32): decimal ("1.5",
 * ".5", "1e-3", "1_000"), hexadecimal with a binary exponent ("0x1.8p3"),
 * "inf"/"infinity"/"nan" in any case, an optional sign; underscores only
 * between digits (Go's underscoreOK). Underflow gives ±0 without error.
 * @s, @len: the text (not NUL-terminated).
 * @ret: the float32 value on success, untouched on error.
 * @ret_msg: a static message on error (may be NULL).
 * Return: 0; -EINVAL syntax error (ErrSyntax); -ERANGE the value rounds
 * beyond the largest float32 (ErrRange: Go returns ±Inf and an error);
 * -E2BIG longer than PODOOM_GOFLOAT_MAX_LEN.
 */
int podoom_gofloat_parse32(const char *s, size_t len, float *ret, const char **ret_msg);

#endif
