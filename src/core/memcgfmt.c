/*
 * memcgfmt.c - memory-cgroup and /proc text formats (see memcgfmt.h).
 * Formats: Documentation/admin-guide/cgroup-v2.rst (memory.stat,
 * memory.events, memory.max), cgroup-v1/memory.rst, and fs/proc/array.c +
 * fs/proc/task_mmu.c task_mem() for status ("RssAnon:\t%8lu kB").
 */
#include "podoom/memcgfmt.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#define KB_CAP (1ULL << 50)

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* a non-negative decimal in [p, end): -ERANGE over INT64_MAX; *ret_end past it */
static int decimal(const char *p, const char *end, int64_t *ret, const char **ret_end)
{
	uint64_t v = 0;
	const char *q = p;

	if (q == end || !is_digit(*q))
		return -EINVAL;
	for (; q < end && is_digit(*q); q++) {
		if (v > ((uint64_t)INT64_MAX - (uint64_t)(*q - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*q - '0');
	}
	*ret = (int64_t)v;
	*ret_end = q;
	return 0;
}

static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return nl ? nl : end;
}

int podoom_memcgfmt_keyed(const char *text, size_t len, const char *key, int64_t *ret)
{
	size_t kl = strlen(key);
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *eol = line_end(p, end), *q;
		if ((size_t)(eol - p) > kl && memcmp(p, key, kl) == 0 && p[kl] == ' ') {
			int64_t v;
			int r = decimal(p + kl + 1, eol, &v, &q);
			if (r < 0)
				return r;
			if (q != eol)
				return -EINVAL;
			*ret = v;
			return 0;
		}
		p = eol + 1;
	}
	return -ENOENT;
}

int podoom_memcgfmt_limit(const char *text, size_t len, int64_t *ret)
{
	const char *end = text + len, *q;
	int64_t v;

	if (len > 0 && end[-1] == '\n')
		end--;
	if (end - text == 3 && memcmp(text, "max", 3) == 0) {
		*ret = -1;
		return 0;
	}
	if (decimal(text, end, &v, &q) < 0 || q != end)
		return -EINVAL;
	*ret = v >= PODOOM_MEMCGFMT_UNLIMITED_BYTES ? -1 : v;
	return 0;
}

int podoom_memcgfmt_next_pid(const char *text, size_t len, size_t *pos, int32_t *ret)
{
	const char *end = text + len;

	while (*pos < len) {
		const char *p = text + *pos, *eol = line_end(p, end), *q;
		int64_t v;
		*pos = (size_t)(eol - text) + (eol < end);
		if (decimal(p, eol, &v, &q) == 0 && q == eol && v > 0 && v <= INT32_MAX) {
			*ret = (int32_t)v;
			return 1;
		}
	}
	return 0;
}

/* "<spaces><decimal>" at p (status values: "\t   12 kB"), capped at @cap;
 * false when there is no decimal */
static bool field(const char *p, const char *eol, uint64_t cap, uint64_t *ret)
{
	const char *q;
	int64_t v;
	int r;

	while (p < eol && (*p == ' ' || *p == '\t'))
		p++;
	r = decimal(p, eol, &v, &q);
	if (r == -EINVAL)
		return false;
	*ret = r == -ERANGE || (uint64_t)v > cap ? cap : (uint64_t)v;
	return true;
}

int podoom_memcgfmt_status(const char *text, size_t len, struct podoom_task *t)
{
	const char *p = text, *end = text + len;
	uint64_t anon = 0, file = 0, shmem = 0, v;
	bool has_name = false, has_mm = false, kthread = false;

	while (p < end) {
		const char *eol = line_end(p, end), *colon = memchr(p, ':', (size_t)(eol - p));
		if (colon) {
			size_t kl = (size_t)(colon - p);
			const char *val = colon + 1;
#define KEY(k) (kl == sizeof(k) - 1 && memcmp(p, k, kl) == 0)
			if (KEY("Name")) {
				size_t n;
				while (val < eol && (*val == ' ' || *val == '\t'))
					val++;
				n = (size_t)(eol - val);
				if (n > sizeof(t->comm) - 1)
					n = sizeof(t->comm) - 1;
				memcpy(t->comm, val, n);
				t->comm[n] = '\0';
				has_name = true;
			} else if (KEY("Tgid") && field(val, eol, INT32_MAX, &v)) {
				t->tgid = (int32_t)v;
			} else if (KEY("PPid") && field(val, eol, INT32_MAX, &v)) {
				t->ppid = (int32_t)v;
			} else if (KEY("Uid") && field(val, eol, UINT32_MAX, &v)) {
				t->uid = (uint32_t)v;
			} else if (KEY("Kthread") && field(val, eol, 1, &v)) {
				kthread = v == 1;
			} else if (KEY("VmSize")) {
				has_mm = true;
			} else if (KEY("RssAnon") && field(val, eol, KB_CAP, &v)) {
				anon = v;
			} else if (KEY("RssFile") && field(val, eol, KB_CAP, &v)) {
				file = v;
			} else if (KEY("RssShmem") && field(val, eol, KB_CAP, &v)) {
				shmem = v;
			} else if (KEY("VmPTE") && field(val, eol, KB_CAP, &v)) {
				t->pgtables_bytes = v * 1024;
			} else if (KEY("VmSwap") && field(val, eol, KB_CAP, &v)) {
				t->swap_pages = v / 4;
			}
#undef KEY
		}
		p = eol + 1;
	}
	if (!has_name)
		return -EINVAL;
	if (kthread || !has_mm)
		t->flags |= PODOOM_TASK_KTHREAD;
	t->rss_pages = (anon + file + shmem) / 4;
	return 0;
}

int podoom_memcgfmt_adj(const char *text, size_t len, int32_t *ret)
{
	const char *p = text, *end = text + len, *q;
	bool neg = false;
	int64_t v;

	if (len > 0 && end[-1] == '\n')
		end--;
	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	if (decimal(p, end, &v, &q) < 0 || q != end || v > 1000)
		return -EINVAL;
	*ret = (int32_t)(neg ? -v : v);
	return 0;
}
