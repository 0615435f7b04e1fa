/*
 * watchstate.c - the state file of `podoom watch` and the kmsg cursor.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "podoom/watch.h"

#define MAGIC "podoom-watch-state 1"

static bool is_token_char(char c)
{
	return c > ' ' && c < 127;
}

/* a decimal uint64 over the whole of [s, end): no sign, no spaces, no overflow */
static bool parse_u64(const char *s, const char *end, uint64_t *ret)
{
	uint64_t v = 0;

	if (s == end || end - s > 20)
		return false;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return false;
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*ret = v;
	return true;
}

int podoom_watch_state_parse(const char *buf, size_t len, struct podoom_watch_state *ret,
			     struct podoom_diag *diag)
{
	struct podoom_watch_state st = {0};
	const char *p, *end;
	uint32_t line = 0;
	bool seen_boot = false;

	if (!buf || !ret)
		return -EINVAL;
	p = buf;
	end = buf + len;
	if (len > PODOOM_WATCH_STATE_MAX_BYTES) {
		podoom_diag_set(diag, 0, 0, "state file larger than %u bytes", PODOOM_WATCH_STATE_MAX_BYTES);
		return -E2BIG;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end, *sp;
		size_t klen;

		line++;
		if (!nl) {
			podoom_diag_set(diag, line, 1, "the last line has no newline (a write was cut short)");
			return -EINVAL;
		}
		if (line == 1) {
			if ((size_t)(eol - p) != strlen(MAGIC) || memcmp(p, MAGIC, strlen(MAGIC)) != 0) {
				podoom_diag_set(diag, 1, 1, "expected '%s': not a podoom watch state file", MAGIC);
				return -EINVAL;
			}
			p = nl + 1;
			continue;
		}
		sp = memchr(p, ' ', (size_t)(eol - p));
		if (!sp) {
			podoom_diag_set(diag, line, 1, "expected 'KEY VALUE'");
			return -EINVAL;
		}
		klen = (size_t)(sp - p);
		if (klen == 7 && memcmp(p, "boot_id", 7) == 0 && !seen_boot) {
			size_t vlen = (size_t)(eol - sp - 1);
			if (vlen == 0 || vlen > PODOOM_WATCH_BOOT_ID_MAX) {
				podoom_diag_set(diag, line, 9, "boot_id: expected 1..%d characters", PODOOM_WATCH_BOOT_ID_MAX);
				return -EINVAL;
			}
			for (const char *q = sp + 1; q < eol; q++)
				if (!is_token_char(*q)) {
					podoom_diag_set(diag, line, (uint32_t)(q - p + 1), "boot_id: unexpected character");
					return -EINVAL;
				}
			memcpy(st.boot_id, sp + 1, vlen);
			st.boot_id[vlen] = '\0';
			seen_boot = true;
		} else if (klen == 3 && memcmp(p, "seq", 3) == 0 && !st.has_seq) {
			if (!parse_u64(sp + 1, eol, &st.seq)) {
				podoom_diag_set(diag, line, 5, "seq: expected a decimal number below 2^64");
				return -EINVAL;
			}
			st.has_seq = true;
		} else {
			podoom_diag_set(diag, line, 1, "unknown or repeated key (expected boot_id and seq once each)");
			return -EINVAL;
		}
		p = nl + 1;
	}
	if (line == 0) {
		podoom_diag_set(diag, 0, 0, "empty state file");
		return -EINVAL;
	}
	*ret = st;
	return 0;
}

int podoom_watch_state_format(const struct podoom_watch_state *st, char *buf, size_t size)
{
	int n;

	if (!st || !buf)
		return -EINVAL;
	for (const char *q = st->boot_id; *q; q++)
		if (!is_token_char(*q))
			return -EINVAL;
	if (st->boot_id[0] && st->has_seq)
		n = snprintf(buf, size, MAGIC "\nboot_id %s\nseq %llu\n", st->boot_id, (unsigned long long)st->seq);
	else if (st->boot_id[0])
		n = snprintf(buf, size, MAGIC "\nboot_id %s\n", st->boot_id);
	else if (st->has_seq)
		n = snprintf(buf, size, MAGIC "\nseq %llu\n", (unsigned long long)st->seq);
	else
		n = snprintf(buf, size, MAGIC "\n");
	if (n < 0 || (size_t)n >= size)
		return -ENOBUFS;
	return n;
}

void podoom_kmsg_cursor_resume(struct podoom_kmsg_cursor *c, uint64_t seq)
{
	c->has_next = true;
	c->next_seq = seq + 1;
}

bool podoom_kmsg_cursor_see(struct podoom_kmsg_cursor *c, uint64_t seq)
{
	if (c->has_next && seq < c->next_seq) {
		c->repeats++;
		return false;
	}
	if (c->has_next && seq > c->next_seq)
		c->lost_records += seq - c->next_seq;
	c->has_next = true;
	c->next_seq = seq + 1;
	return true;
}

void podoom_kmsg_cursor_overrun(struct podoom_kmsg_cursor *c)
{
	c->overruns++;
}
