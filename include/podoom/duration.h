/*
 * duration - Go's time.ParseDuration, as Kubernetes configuration uses it
 * ("10s", "500ms", "1m30s", "5m"). Pure.
 */
#ifndef PODOOM_DURATION_H
#define PODOOM_DURATION_H

#include <stddef.h>
#include <stdint.h>

/*
 * podoom_duration_parse() - parse like time.ParseDuration: an optional sign,
 * then one or more decimal numbers each with a unit (ns, us, µs, μs, ms, s,
 * m, h); "0" alone needs no unit.
 * @ret_nsec: nanoseconds on success, untouched on error.
 * @ret_msg: a static message on error (may be NULL).
 * Return: 0; -EINVAL malformed or missing unit; -ERANGE beyond int64 ns.
 */
int podoom_duration_parse(const char *s, size_t len, int64_t *ret_nsec, const char **ret_msg);

/* podoom_duration_format() - "1m30s", "500ms", "0s", from microseconds. */
int podoom_duration_format(int64_t usec, char *buf, size_t size);

#endif
