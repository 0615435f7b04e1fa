/*
 * curve.c - usage points to piecewise-linear knots, and their evaluation in
 * integers (the slope is a double only to predict crossings; the values the
 * simulator compares are the integer ones).
 */
#include "podoom/curve.h"

#include <errno.h>
#include <stdlib.h>

static int64_t interp(const struct podoom_curve_knot *a, const struct podoom_curve_knot *b, int64_t t)
{
	if (b->t_usec <= a->t_usec || t <= a->t_usec)
		return t < b->t_usec ? a->v : b->v;
	if (t >= b->t_usec)
		return b->v;
	int64_t d64;

	/* the product of a byte difference and a time span: 64 bits nearly
	 * always suffice (and divide four times faster), else 128 */
	if (!__builtin_mul_overflow(b->v - a->v, t - a->t_usec, &d64))
		return a->v + d64 / (b->t_usec - a->t_usec);
	__int128 d = (__int128)(b->v - a->v) * (t - a->t_usec);
	return a->v + (int64_t)(d / (b->t_usec - a->t_usec));
}

int podoom_curve_build(const struct podoom_usage_point *pts, size_t n, bool file, int64_t max_bytes,
		    struct podoom_curve *ret)
{
	struct podoom_curve_knot *k = calloc(2 * n + 1, sizeof(*k));
	size_t m = 1;

	if (!k)
		return -ENOMEM;
	k[0] = (struct podoom_curve_knot){0, 0};
	for (size_t i = 0; i < n; i++) {
		const struct podoom_usage_point *p = &pts[i];
		int64_t at = p->at_usec, target;
		struct podoom_curve_knot *last = &k[m - 1];

		if (file ? !p->has_file : !p->has_anon)
			continue;
		target = file ? p->file_bytes : p->anon_bytes;
		if (target > max_bytes)
			target = max_bytes;
		if (last->t_usec > at) {
			/* a move still under way: it stops where it has got to (the
			 * knot before a move's end is its start, which is <= at) */
			*last = (struct podoom_curve_knot){at, interp(&k[m - 2], last, at)};
		} else if (last->t_usec < at) {
			k[m++] = (struct podoom_curve_knot){at, last->v};
		}
		if (p->over_usec > 0 && at <= INT64_MAX - p->over_usec)
			k[m++] = (struct podoom_curve_knot){at + p->over_usec, target};
		else
			k[m++] = (struct podoom_curve_knot){at, target};
	}
	ret->k = k;
	ret->n = m;
	return 0;
}

void podoom_curve_fini(struct podoom_curve *c)
{
	if (!c)
		return;
	free(c->k);
	c->k = NULL;
	c->n = 0;
}

int64_t podoom_curve_eval(const struct podoom_curve *c, size_t *cursor, int64_t rel_usec, double *ret_slope,
		       int64_t *ret_next)
{
	size_t i = *cursor;

	while (i + 1 < c->n && c->k[i + 1].t_usec <= rel_usec)
		i++;
	*cursor = i;
	if (i + 1 >= c->n) {
		if (ret_slope)
			*ret_slope = 0;
		if (ret_next)
			*ret_next = INT64_MAX;
		return c->k[i].v;
	}
	if (ret_slope)
		*ret_slope = (double)(c->k[i + 1].v - c->k[i].v) / (double)(c->k[i + 1].t_usec - c->k[i].t_usec);
	if (ret_next)
		*ret_next = c->k[i + 1].t_usec;
	return interp(&c->k[i], &c->k[i + 1], rel_usec);
}
