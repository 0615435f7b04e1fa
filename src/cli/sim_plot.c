/*
 * sim_plot.c - the simulator's chart as SVG (and HTML around it). Hand-written
 * SVG: one panel for the node (working set against RAM, the eviction
 * thresholds, kubelet samples, MemoryPressure shaded), one per pod (working
 * set and page cache against its limits and request), every OOM kill,
 * eviction and restart marked where and when it happened.
 */
#include "sim_plot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "podoom/grow.h"
#include "podoom/quantity.h"

#define W 1000	   /* chart width, px */
#define LEFT 90	   /* room for the y labels */
#define RIGHT 150  /* room for line labels */
#define NODE_H 200 /* node panel height */
#define POD_H 110  /* pod panel height */
#define GAP 62	   /* title room above each panel */

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

int sim_plot_events_add(struct sim_plot_events *pe, const struct podoom_simevent *e)
{
	struct sim_plot_event *x;
	char who[256], what[128];

	if (podoom_grow(&pe->v, &pe->cap, pe->n + 1, sizeof(*pe->v), 64) < 0)
		return -ENOMEM;
	x = &pe->v[pe->n];
	memset(x, 0, sizeof(*x));
	x->time_usec = e->time_usec;
	x->type = e->type;
	x->pod_index = e->pod_index;
	x->on = e->on;
	x->global = e->kind == PODOOM_OOM_CLASS_GLOBAL;
	x->available_bytes = e->available_bytes;
	if (e->pod[0])
		snprintf(who, sizeof(who), "%s/%s%s%s", e->namespace, e->pod, e->container[0] ? " " : "", e->container);
	else
		snprintf(who, sizeof(who), "node");
	switch (e->type) {
	case PODOOM_SIMEVENT_OOM_KILL:
		snprintf(what, sizeof(what), "OOM kill (%s): %s pid %d", podoom_oom_class_to_string(e->kind), e->process,
			 e->pid);
		break;
	case PODOOM_SIMEVENT_THRESHOLD:
		snprintf(what, sizeof(what), "%s %s", e->threshold, e->on ? "met" : "no longer met");
		break;
	case PODOOM_SIMEVENT_PRESSURE:
		snprintf(what, sizeof(what), "MemoryPressure %s", e->on ? "True" : "False");
		break;
	default:
		snprintf(what, sizeof(what), "%s", podoom_simevent_type_to_string(e->type));
		break;
	}
	x->who = dup_or_empty(who);
	x->what = dup_or_empty(what);
	x->why = dup_or_empty(e->why);
	if (!x->who || !x->what || !x->why) {
		free(x->who), free(x->what), free(x->why);
		return -ENOMEM;
	}
	pe->n++;
	return 0;
}

void sim_plot_events_free(struct sim_plot_events *pe)
{
	for (size_t i = 0; i < pe->n; i++) {
		free(pe->v[i].who);
		free(pe->v[i].what);
		free(pe->v[i].why);
	}
	free(pe->v);
	memset(pe, 0, sizeof(*pe));
}

/* text for XML: escape the five */
static void xml(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

struct panel {
	double y0, h;	/* top and height in px */
	double vmax;	/* bytes at the top */
	int64_t t_end;	/* usec at the right edge */
	double label_y[16]; /* line labels already placed, to keep them apart */
	size_t nlabels;
};

static double px_x(const struct panel *p, int64_t t)
{
	return LEFT + (double)(W - LEFT - RIGHT) * (double)t / (double)(p->t_end > 0 ? p->t_end : 1);
}

static double px_y(const struct panel *p, int64_t v)
{
	double f = p->vmax > 0 ? (double)v / p->vmax : 0;
	if (f > 1.02)
		f = 1.02;
	return p->y0 + p->h * (1 - f);
}

static void hline(FILE *f, struct panel *p, int64_t v, const char *color, const char *dash, const char *label)
{
	double y = px_y(p, v), ly = y + 4;
	char b[32];
	bool moved = true;

	/* move the label off any placed before it */
	for (int tries = 0; moved && tries < 16; tries++) {
		moved = false;
		for (size_t i = 0; i < p->nlabels; i++)
			if (ly > p->label_y[i] - 11 && ly < p->label_y[i] + 11) {
				ly = p->label_y[i] + 11;
				moved = true;
			}
	}
	if (p->nlabels < sizeof(p->label_y) / sizeof(p->label_y[0]))
		p->label_y[p->nlabels++] = ly;

	fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.2\"%s%s%s/>\n", LEFT, y,
		W - RIGHT, y, color, dash ? " stroke-dasharray=\"" : "", dash ? dash : "", dash ? "\"" : "");
	podoom_bytes_format_human(v, b, sizeof(b));
	fprintf(f, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"%s\">", W - RIGHT + 4, ly, color);
	xml(f, label);
	fprintf(f, " %s</text>\n", b);
}

static void polyline(FILE *f, const struct panel *p, const struct podoom_sim_point *pts, size_t n, bool usage,
		     const char *color, double width, const char *fill)
{
	if (n == 0)
		return;
	if (fill) {
		fprintf(f, "<polygon fill=\"%s\" stroke=\"none\" points=\"%.1f,%.1f", fill, px_x(p, pts[0].t_usec),
			px_y(p, 0));
		for (size_t i = 0; i < n; i++)
			fprintf(f, " %.1f,%.1f", px_x(p, pts[i].t_usec),
				px_y(p, usage ? pts[i].usage_bytes : pts[i].working_set_bytes));
		fprintf(f, " %.1f,%.1f\"/>\n", px_x(p, pts[n - 1].t_usec), px_y(p, 0));
	}
	fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" points=\"", color, width);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%.1f,%.1f", i ? " " : "", px_x(p, pts[i].t_usec),
			px_y(p, usage ? pts[i].usage_bytes : pts[i].working_set_bytes));
	fprintf(f, "\"/>\n");
}

/* the value of a series at time t: where it jumps, the value before the
 * jump (@before) or after it */
static int64_t value_at(const struct podoom_sim_point *pts, size_t n, int64_t t, bool before)
{
	int64_t v = 0;

	for (size_t i = 0; i < n; i++) {
		if (before && pts[i].t_usec == t)
			return pts[i].working_set_bytes;
		if (pts[i].t_usec > t) {
			if (i == 0)
				return pts[0].working_set_bytes;
			const struct podoom_sim_point *a = &pts[i - 1], *b = &pts[i];
			return a->working_set_bytes + (int64_t)((double)(b->working_set_bytes - a->working_set_bytes) *
								(double)(t - a->t_usec) / (double)(b->t_usec - a->t_usec));
		}
		v = pts[i].working_set_bytes;
	}
	return v;
}

static void axes(FILE *f, const struct panel *p, const char *title, const char *subtitle)
{
	char b[32];

	fprintf(f, "<text x=\"%d\" y=\"%.1f\" font-size=\"14\" font-weight=\"bold\">", LEFT, p->y0 - 22);
	xml(f, title);
	fprintf(f, "</text>\n<text x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"#555\">", LEFT, p->y0 - 8);
	xml(f, subtitle);
	fprintf(f, "</text>\n");
	fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"#fafafa\" stroke=\"#bbb\"/>\n", LEFT, p->y0,
		W - LEFT - RIGHT, p->h);
	for (int i = 0; i <= 4; i++) {
		int64_t v = (int64_t)(p->vmax * i / 4);
		double y = px_y(p, v);
		podoom_bytes_format_human(v, b, sizeof(b));
		fprintf(f, "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\" fill=\"#555\">%s</text>\n",
			LEFT - 4, y + 3, b);
		if (i > 0 && i < 4)
			fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>\n", LEFT, y,
				W - RIGHT, y);
	}
}

static void time_axis(FILE *f, const struct panel *p, double y)
{
	int64_t step = 1000000, total = p->t_end;
	static const int64_t steps[] = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 86400};

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		step = steps[i] * 1000000;
		if (total / step <= 12)
			break;
	}
	for (int64_t t = 0; t <= total; t += step) {
		double x = px_x(p, t);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\"/>\n", x, y, x, y + 4);
		if (total >= 600000000)
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">%lldm</text>\n", x,
				y + 15, (long long)(t / 60000000));
		else
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">%llds</text>\n", x,
				y + 15, (long long)(t / 1000000));
	}
}

static void marker(FILE *f, const struct panel *p, const struct sim_plot_event *e, int64_t v)
{
	double x = px_x(p, e->time_usec), y = px_y(p, v);

	fprintf(f, "<g><title>");
	xml(f, e->who);
	fputs(": ", f);
	xml(f, e->what);
	fputs(" - ", f);
	xml(f, e->why);
	fprintf(f, "</title>");
	switch (e->type) {
	case PODOOM_SIMEVENT_OOM_KILL:
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#c00\" stroke-width=\"1\" "
			"stroke-dasharray=\"2,2\"/>"
			"<path d=\"M%.1f %.1fl10 10m0 -10l-10 10\" stroke=\"#c00\" stroke-width=\"2.5\"/>",
			x, p->y0, x, p->y0 + p->h, x - 5, y - 5);
		break;
	case PODOOM_SIMEVENT_EVICTION:
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e67e00\" stroke-width=\"1\" "
			"stroke-dasharray=\"4,2\"/>"
			"<path d=\"M%.1f %.1fl7 12h-14z\" fill=\"#e67e00\" stroke=\"#fff\"/>",
			x, p->y0, x, p->y0 + p->h, x, y - 6);
		break;
	case PODOOM_SIMEVENT_RESTART:
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#2a8\" stroke=\"#fff\"/>", x, y);
		break;
	case PODOOM_SIMEVENT_OOM_STALL:
	case PODOOM_SIMEVENT_PANIC:
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" fill=\"#808\"/>", x - 4, y - 4);
		break;
	default:
		break;
	}
	fprintf(f, "</g>\n");
}

static void legend(FILE *f, double y)
{
	fprintf(f,
		"<g font-size=\"11\">"
		"<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#1f5fa8\" stroke-width=\"2\"/>"
		"<text x=\"%d\" y=\"%.1f\">working set (anon)</text>"
		"<rect x=\"%d\" y=\"%.1f\" width=\"20\" height=\"8\" fill=\"#cfe0f3\"/>"
		"<text x=\"%d\" y=\"%.1f\">+ page cache</text>"
		"<path d=\"M%d %.1fl8 8m0 -8l-8 8\" stroke=\"#c00\" stroke-width=\"2.5\"/>"
		"<text x=\"%d\" y=\"%.1f\">OOM kill</text>"
		"<path d=\"M%d %.1fl6 10h-12z\" fill=\"#e67e00\"/>"
		"<text x=\"%d\" y=\"%.1f\">eviction</text>"
		"<circle cx=\"%d\" cy=\"%.1f\" r=\"4\" fill=\"#2a8\"/>"
		"<text x=\"%d\" y=\"%.1f\">restart</text>"
		"<circle cx=\"%d\" cy=\"%.1f\" r=\"3\" fill=\"#333\"/>"
		"<text x=\"%d\" y=\"%.1f\">kubelet sample</text>"
		"<rect x=\"%d\" y=\"%.1f\" width=\"20\" height=\"8\" fill=\"#fde3c4\"/>"
		"<text x=\"%d\" y=\"%.1f\">MemoryPressure</text>"
		"</g>\n",
		LEFT, y, LEFT + 20, y, LEFT + 24, y + 4, LEFT + 140, y - 4, LEFT + 164, y + 4, LEFT + 250, y - 4,
		LEFT + 264, y + 4, LEFT + 336, y - 5, LEFT + 346, y + 4, LEFT + 420, y, LEFT + 428, y + 4, LEFT + 490, y,
		LEFT + 498, y + 4, LEFT + 600, y - 4, LEFT + 624, y + 4);
}

static int64_t series_max(const struct podoom_sim_point *pts, size_t n)
{
	int64_t m = 0;

	for (size_t i = 0; i < n; i++)
		if (pts[i].usage_bytes > m)
			m = pts[i].usage_bytes;
	return m;
}

static void write_svg(FILE *f, const struct sim_plot_source *src, const struct sim_plot_events *pe, const char *name)
{
	const struct podoom_sim *sim = src->sim;
	struct podoom_sim_node_info n;
	const struct podoom_sim_point *pts;
	size_t np, npods = podoom_sim_npods(sim);
	struct panel node;
	double height;
	char sub[512], a[32], b[32];

	podoom_sim_node_info(sim, &n);
	height = 60 + GAP + NODE_H + (double)npods * (GAP + POD_H) + 50;
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" viewBox=\"0 0 %d %.0f\" "
		"font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n",
		W, height, W, height);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
	fprintf(f, "<text x=\"%d\" y=\"22\" font-size=\"16\" font-weight=\"bold\">podoom %s ", LEFT, src->command);
	xml(f, name);
	fprintf(f, "</text>\n");
	legend(f, 42);

	/* the node */
	node = (struct panel){.y0 = 60 + GAP, .h = NODE_H, .vmax = (double)n.memory_bytes * 1.05, .t_end = n.duration_usec};
	podoom_bytes_format(n.memory_bytes, a, sizeof(a));
	podoom_bytes_format(n.system_bytes, b, sizeof(b));
	snprintf(sub, sizeof(sub), "%s RAM, system %s, kernel %s, kubelet %s, cgroup v%d: working set of the whole node",
		 a, b, n.kernel->name, n.kubelet->name, n.cgroup_version);
	axes(f, &node, "node", sub);
	/* MemoryPressure spans */
	for (size_t i = 0, on = 0; i < pe->n; i++) {
		const struct sim_plot_event *e = &pe->v[i];
		if (e->type != PODOOM_SIMEVENT_PRESSURE)
			continue;
		if (e->on) {
			on = i + 1;
			continue;
		}
		if (on) {
			double x0 = px_x(&node, pe->v[on - 1].time_usec), x1 = px_x(&node, e->time_usec);
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#fde3c4\"/>\n", x0,
				node.y0, x1 - x0, node.h);
			on = 0;
		}
		(void)on;
	}
	for (size_t i = 0; i < pe->n; i++) {
		const struct sim_plot_event *e = &pe->v[i];
		bool later_off = false;
		if (e->type != PODOOM_SIMEVENT_PRESSURE || !e->on)
			continue;
		for (size_t k = i + 1; k < pe->n && !later_off; k++)
			later_off = pe->v[k].type == PODOOM_SIMEVENT_PRESSURE && !pe->v[k].on;
		if (!later_off) {
			double x0 = px_x(&node, e->time_usec), x1 = px_x(&node, n.duration_usec);
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#fde3c4\"/>\n", x0,
				node.y0, x1 - x0, node.h);
		}
	}
	pts = src->node_series(src->src, &np);
	polyline(f, &node, pts, np, true, "#9cbfe6", 1, "#cfe0f3");
	polyline(f, &node, pts, np, false, "#1f5fa8", 2, NULL);
	hline(f, &node, n.memory_bytes, "#c00", NULL, "RAM");
	if (n.kubepods_limit_bytes >= 0 && n.kubepods_limit_bytes < n.memory_bytes)
		hline(f, &node, n.kubepods_limit_bytes + n.system_bytes, "#a05", "6,3", "kubepods+system");
	if (n.hard_threshold_bytes >= 0)
		hline(f, &node, n.memory_bytes - n.hard_threshold_bytes, "#e67e00", "6,3", "hard evict");
	if (n.soft_threshold_bytes >= 0)
		hline(f, &node, n.memory_bytes - n.soft_threshold_bytes, "#d4a000", "2,3", "soft evict");
	for (size_t i = 0; i < pe->n; i++) {
		const struct sim_plot_event *e = &pe->v[i];
		if (e->type == PODOOM_SIMEVENT_SAMPLE) {
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"#333\"><title>kubelet sample: ",
				px_x(&node, e->time_usec), px_y(&node, n.memory_bytes - e->available_bytes));
			xml(f, e->why);
			fprintf(f, "</title></circle>\n");
		} else if ((e->type == PODOOM_SIMEVENT_OOM_KILL && e->global) || e->type == PODOOM_SIMEVENT_EVICTION ||
			   e->type == PODOOM_SIMEVENT_PANIC) {
			marker(f, &node, e, value_at(pts, np, e->time_usec, true));
		}
	}
	time_axis(f, &node, node.y0 + node.h);

	/* each pod */
	for (size_t i = 0; i < npods; i++) {
		const struct podoom_sim_pod_info *pi = podoom_sim_pod_info(sim, i);
		struct panel p;
		int64_t top;
		char title[300];
		pts = src->pod_series(src->src, i, &np);
		top = series_max(pts, np);
		if (pi->limit_bytes > top)
			top = pi->limit_bytes;
		for (size_t k = 0; k < pi->ncontainers; k++)
			if (pi->containers[k].limit_bytes > top)
				top = pi->containers[k].limit_bytes;
		if (pi->request_bytes > top)
			top = pi->request_bytes;
		if (top <= 0)
			top = 1 << 20;
		p = (struct panel){.y0 = 60 + GAP + NODE_H + (double)i * (GAP + POD_H) + GAP, .h = POD_H,
				   .vmax = (double)top * 1.15, .t_end = n.duration_usec};
		snprintf(title, sizeof(title), "%s/%s", pi->namespace, pi->name);
		podoom_bytes_format(pi->request_bytes, a, sizeof(a));
		snprintf(sub, sizeof(sub), "%s, request %s, containers:", podoom_qos_to_string(pi->qos),
			 pi->request_bytes ? a : "none");
		for (size_t k = 0; k < pi->ncontainers; k++) {
			size_t l = strlen(sub);
			if (pi->containers[k].runs && l + 80 < sizeof(sub))
				snprintf(sub + l, sizeof(sub) - l, " %s (oom_score_adj %d)", pi->containers[k].name,
					 pi->containers[k].oom_score_adj);
		}
		axes(f, &p, title, sub);
		polyline(f, &p, pts, np, true, "#9cbfe6", 1, "#cfe0f3");
		polyline(f, &p, pts, np, false, "#1f5fa8", 2, NULL);
		if (pi->limit_bytes >= 0)
			hline(f, &p, pi->limit_bytes, "#c00", "6,3",
			      pi->limit_bytes == pi->request_bytes ? "pod limit = request" : "pod limit");
		for (size_t k = 0; k < pi->ncontainers; k++) {
			const struct podoom_sim_container_info *ci = &pi->containers[k];
			char label[80];
			if (!ci->runs || ci->limit_bytes < 0 || ci->limit_bytes == pi->limit_bytes)
				continue;
			snprintf(label, sizeof(label), "limit %s", ci->name);
			hline(f, &p, ci->limit_bytes, "#c00", NULL, label);
		}
		if (pi->request_bytes > 0 && pi->request_bytes != pi->limit_bytes)
			hline(f, &p, pi->request_bytes, "#2a8", "2,3", "request");
		for (size_t k = 0; k < pe->n; k++) {
			const struct sim_plot_event *e = &pe->v[k];
			if (e->pod_index != i)
				continue;
			if (e->type == PODOOM_SIMEVENT_OOM_KILL || e->type == PODOOM_SIMEVENT_EVICTION ||
			    e->type == PODOOM_SIMEVENT_RESTART || e->type == PODOOM_SIMEVENT_OOM_STALL)
				marker(f, &p, e, value_at(pts, np, e->time_usec, e->type != PODOOM_SIMEVENT_RESTART));
		}
		time_axis(f, &p, p.y0 + p.h);
	}
	fprintf(f, "</svg>\n");
}

static void write_html(FILE *f, const struct sim_plot_source *src, const struct sim_plot_events *pe, const char *name)
{
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>podoom %s ", src->command);
	xml(f, name);
	fprintf(f, "</title>\n<style>body{font-family:DejaVu Sans,Helvetica,Arial,sans-serif;margin:1em 2em;color:#222}"
		   "table{border-collapse:collapse;font-size:13px;max-width:1200px}"
		   "td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}"
		   "td.t{white-space:nowrap;font-variant-numeric:tabular-nums}"
		   "tr.oom_kill td{background:#fde8e8}tr.eviction td{background:#fdf0dd}</style></head><body>\n");
	write_svg(f, src, pe, name);
	fprintf(f, "<h2>Events</h2>\n<table><tr><th>time</th><th>event</th><th>who</th><th>why</th></tr>\n");
	for (size_t i = 0; i < pe->n; i++) {
		const struct sim_plot_event *e = &pe->v[i];
		if (e->type == PODOOM_SIMEVENT_SAMPLE || e->type == PODOOM_SIMEVENT_START)
			continue;
		fprintf(f, "<tr class=\"%s\"><td class=\"t\">%lld.%03llds</td><td>", podoom_simevent_type_to_string(e->type),
			(long long)(e->time_usec / 1000000), (long long)(e->time_usec % 1000000 / 1000));
		xml(f, e->what);
		fprintf(f, "</td><td>");
		xml(f, e->who);
		fprintf(f, "</td><td>");
		xml(f, e->why);
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table>\n</body></html>\n");
}

int sim_plot_write(const char *path, bool html, const struct sim_plot_source *src, const struct sim_plot_events *pe,
		   const char *scenario_name)
{
	FILE *f = fopen(path, "w");
	int r = 0;

	if (!f) {
		r = -errno;
		cli_err(src->command, "cannot write %s: %s", path, strerror(errno));
		return r;
	}
	if (html)
		write_html(f, src, pe, scenario_name);
	else
		write_svg(f, src, pe, scenario_name);
	if (ferror(f))
		r = -EIO;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	if (r < 0)
		cli_err(src->command, "cannot write %s: %s", path, strerror(-r));
	return r;
}
