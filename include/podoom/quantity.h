/*
 * quantity - Kubernetes resource.Quantity, parsed as the API server parses it.
 *
 * Pure: no I/O, no allocation, no globals.
 *
 * A quantity is kept exactly as the API server keeps it after parsing: rounded
 * up (away from zero) to nano precision, BinarySI values capped at 2^63-1
 * (k8s.io/apimachinery pkg/api/resource/quantity.go ParseQuantity). We store
 * that exact value as a signed count of nano-units in 128 bits, so equality
 * and order are exact (Quantity.Cmp) and independent of the spelling.
 */
#ifndef PODOOM_QUANTITY_H
#define PODOOM_QUANTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

__extension__ typedef __int128 podoom_i128;

enum podoom_quantity_format {
	PODOOM_QUANTITY_FORMAT_DECIMAL_SI,	 /* "", n u m k M G T P E */
	PODOOM_QUANTITY_FORMAT_BINARY_SI,	 /* Ki Mi Gi Ti Pi Ei */
	PODOOM_QUANTITY_FORMAT_DECIMAL_EXPONENT, /* e3, E-6, ... */
	PODOOM_QUANTITY_FORMAT_COUNT
};

struct podoom_quantity {
	podoom_i128 nano; /* value * 10^9, exact after the API server's round-up */
	enum podoom_quantity_format format;
};

/* Longest quantity string accepted. The API server has no such cap; no real
 * manifest comes near it, and it bounds the work per string. */
#define PODOOM_QUANTITY_MAX_LEN 256

/* Largest magnitude we represent: |value| < 10^29 units (10^38 nano-units).
 * Decimal quantities above it parse in Go (as inf.Dec) but no int64 consumer
 * (the kubelet, the scheduler) can use them; we refuse them with -ERANGE. */

/*
 * podoom_quantity_parse() - parse a Quantity string exactly as
 * resource.ParseQuantity does.
 * @s, @len: the string (not NUL-terminated; no whitespace allowed).
 * @ret: the value on success, untouched on error.
 * @ret_msg: on error, a static message saying what was expected (may be NULL).
 * Return: 0; -EINVAL malformed (ErrFormatWrong / ErrNumeric / ErrSuffix);
 * -ERANGE magnitude beyond what we represent; -E2BIG longer than
 * PODOOM_QUANTITY_MAX_LEN.
 */
int podoom_quantity_parse(const char *s, size_t len, struct podoom_quantity *ret,
			  const char **ret_msg);

/*
 * podoom_quantity_value() - Quantity.Value(): the integer value rounded up
 * (away from zero) to a whole unit, as the kubelet reads memory in bytes.
 * Return: 0 with *ret set; -ERANGE when it does not fit int64 (the kubelet
 * would overflow silently).
 */
int podoom_quantity_value(const struct podoom_quantity *q, int64_t *ret);

/* podoom_quantity_milli_value() - Quantity.MilliValue(), same rounding. */
int podoom_quantity_milli_value(const struct podoom_quantity *q, int64_t *ret);

/* podoom_quantity_cmp() - Quantity.Cmp: -1, 0 or 1. */
int podoom_quantity_cmp(const struct podoom_quantity *a, const struct podoom_quantity *b);

/* podoom_quantity_sign() - Quantity.Sign: -1, 0 or 1. */
int podoom_quantity_sign(const struct podoom_quantity *q);

/* podoom_quantity_is_whole() - true when the value is a whole number of units
 * (the API warns "fractional byte value" for memory when it is not). */
bool podoom_quantity_is_whole(const struct podoom_quantity *q);

/* podoom_quantity_nano_add() - a + b in nano-units, saturating at the largest
 * magnitude we represent (sums of container requests stay exact below it). */
podoom_i128 podoom_quantity_nano_add(podoom_i128 a, podoom_i128 b);

/* podoom_quantity_from_int() - the quantity of a whole number of units. */
struct podoom_quantity podoom_quantity_from_int(int64_t v, enum podoom_quantity_format format);

/*
 * podoom_quantity_format() - Quantity.String(): the canonical form that
 * CanonicalizeBytes gives (quantity.go): "0" for zero; otherwise the value's
 * own format family with the largest suffix that loses nothing - "1536Mi",
 * "1500m", "1e3". BinarySI values with |v| < 1024 or a fraction are printed
 * as DecimalSI ("1k" for 1000 bytes); a DecimalSI exponent beyond E (10^18)
 * gets no suffix at all, as in Go. Not modelled: Go echoes the parsed text
 * when ParseQuantity judged it canonical, which differs from this only for
 * a leading "+" or leading zeros ("+1Ki", "01Ki").
 * Writes at most @size bytes including the NUL. Return: the length the full
 * string needs (as snprintf).
 */
int podoom_quantity_format(const struct podoom_quantity *q, char *buf, size_t size);

/*
 * podoom_bytes_format() - a byte count for people: the largest binary suffix
 * that divides it exactly ("256Mi", "1536Mi", "1Gi"), else the plain number.
 * Writes at most @size bytes including the NUL. Return: the length that the
 * full string needs (as snprintf).
 */
int podoom_bytes_format(int64_t bytes, char *buf, size_t size);

/* podoom_bytes_format_human() - approximate, for prose: "1.2 GiB", "700 MiB". */
int podoom_bytes_format_human(int64_t bytes, char *buf, size_t size);

#endif
