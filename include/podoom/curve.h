/*
 * curve - a process's memory over time as the simulator and the runner replay it:
 * piecewise-linear knots built once from the scenario's usage points.
 * Pure: shared by the simulator (virtual clock) and the runner's workers (real clock).
 */
#ifndef PODOOM_CURVE_H
#define PODOOM_CURVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "podoom/scenario.h"

/* Value v at time t; linear to the next knot; constant after the last. Two
 * knots at the same time are a step (the later one holds from then on). */
struct podoom_curve_knot {
	int64_t t_usec; /* since the container (re)started */
	int64_t v;	/* bytes */
};

struct podoom_curve {
	struct podoom_curve_knot *k; /* k[0] is (0, 0) */
	size_t n;
};

/*
 * podoom_curve_build() - the anon (@file false) or file (@file true) curve of
 * @pts[0..n): from 0 at time 0, each point moves linearly to its value over
 * its `over`; a point that starts before the previous move ended interrupts
 * it where it is. Points without that value leave the curve alone. Values
 * above @max_bytes are taken as @max_bytes.
 * Return: 0; -ENOMEM.
 */
int podoom_curve_build(const struct podoom_usage_point *pts, size_t n, bool file, int64_t max_bytes,
		    struct podoom_curve *ret);

void podoom_curve_fini(struct podoom_curve *c);

/*
 * podoom_curve_eval() - the value at @rel_usec (>= 0), moving *@cursor (the
 * index of the last knot at or before the time; start it at 0) forward.
 * Times must not go backwards between calls with the same cursor.
 * *ret_slope (may be NULL) gets the slope there in bytes per usec, and
 * *ret_next (may be NULL) the time of the next knot, INT64_MAX after the last.
 */
int64_t podoom_curve_eval(const struct podoom_curve *c, size_t *cursor, int64_t rel_usec, double *ret_slope,
		       int64_t *ret_next);

#endif
