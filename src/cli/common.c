#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "podoom/host.h"
#include "podoom/manifest.h"
#include "podoom/podnames.h"
#include "podoom/quantity.h"

const char *podoom_prog = "podoom";

void cli_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s%s%s: ", podoom_prog, cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_diag(const char *file, uint32_t line, uint32_t col, const char *severity, const char *msg)
{
	if (line)
		fprintf(stderr, "%s:%u:%u: %s: %s\n", file, line, col, severity, msg);
	else
		fprintf(stderr, "%s: %s: %s\n", file, severity, msg);
}

void cli_bad_option(const char *cmd, char **argv)
{
	/* a long option without its argument leaves its code (>= 256, not a
	 * character) in optopt: name it as written instead */
	if (optopt > ' ' && optopt < 127)
		cli_err(cmd, "unknown option '-%c' (see podoom %s --help)", optopt, cmd);
	else
		cli_err(cmd, "unknown or incomplete option '%s' (see podoom %s --help)", argv[optind - 1], cmd);
}

int cli_parse_bytes(const char *cmd, const char *opt, const char *s, int64_t *ret)
{
	struct podoom_quantity q;
	const char *why = NULL;
	int64_t v;

	if (podoom_quantity_parse(s, strlen(s), &q, &why) < 0) {
		cli_err(cmd, "%s: invalid quantity '%s': %s", opt, s, why);
		return -EINVAL;
	}
	if (podoom_quantity_value(&q, &v) < 0 || v <= 0) {
		cli_err(cmd, "%s: expected a positive number of bytes such as 8Gi, got '%s'", opt, s);
		return -EINVAL;
	}
	*ret = v;
	return 0;
}

struct cli_table {
	size_t ncols, nrows, cap;
	char **cells; /* row-major, including the header row */
};

struct cli_table *cli_table_new(size_t ncols, const char *const *headers)
{
	struct cli_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->ncols = ncols;
	if (cli_table_add(t, headers) < 0) {
		free(t);
		return NULL;
	}
	return t;
}

void cli_table_free(struct cli_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

int cli_table_add(struct cli_table *t, const char *const *cells)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		char **v = realloc(t->cells, cap * t->ncols * sizeof(*v));
		if (!v)
			return -ENOMEM;
		t->cells = v;
		t->cap = cap;
	}
	for (size_t c = 0; c < t->ncols; c++) {
		t->cells[t->nrows * t->ncols + c] = strdup(cells[c] ? cells[c] : "-");
		if (!t->cells[t->nrows * t->ncols + c]) {
			for (size_t k = 0; k < c; k++)
				free(t->cells[t->nrows * t->ncols + k]);
			return -ENOMEM;
		}
	}
	t->nrows++;
	return 0;
}

void cli_table_print(const struct cli_table *t, FILE *out)
{
	size_t *w = calloc(t->ncols, sizeof(*w));

	if (!w)
		return;
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			size_t l = strlen(t->cells[r * t->ncols + c]);
			if (l > w[c])
				w[c] = l;
		}
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			if (c + 1 == t->ncols)
				fprintf(out, "%s\n", s);
			else
				fprintf(out, "%-*s  ", (int)w[c], s);
		}
	}
	free(w);
}

int cli_podnames_add_file(const char *cmd, struct podoom_podnames *names, const char *path,
			  struct podoom_manifests **ret_specs)
{
	struct podoom_diag d = {0};
	struct podoom_manifests *m = NULL;
	char *buf;
	size_t len;
	int r = podoom_file_read(path, PODOOM_HOST_MAX_FILE_BYTES, &buf, &len);

	if (r < 0) {
		cli_err(cmd, "--pods %s: cannot read: %s", path, strerror(-r));
		return -EINVAL;
	}
	r = podoom_podnames_add_json(names, buf, len, &d);
	if (r >= 0 && ret_specs) {
		r = podoom_manifests_parse(buf, len, &m, &d);
		if (r == -ENOMEM)
			snprintf(d.msg, sizeof(d.msg), "out of memory");
	}
	free(buf);
	if (r < 0) {
		cli_diag(path, d.line, d.col, "error", d.msg);
		return -EINVAL;
	}
	if (ret_specs)
		*ret_specs = m;
	return 0;
}

int cli_podnames_add_log_dir(const char *cmd, struct podoom_podnames *names, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		cli_err(cmd, "--pod-logs %s: %s", dir, strerror(errno));
		return -EINVAL;
	}
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			(void)podoom_podnames_add_log_dir(names, e->d_name);
	closedir(d);
	return 0;
}
