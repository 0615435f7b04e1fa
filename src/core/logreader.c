/*
 * logreader.c - split fed chunks into lines and classify each one.
 *
 * The hot path is one memchr for the next '\n' per line plus one memchr for
 * '\r' per run of lines (both positions are cached until passed, so a file of
 * CR-only lines or a chunk without any CR costs one scan, not one per line),
 * then podoom_logline_scan() on the first bytes. A complete line inside the
 * fed chunk is returned in place; only a line that spans chunks, or one whose
 * message must be decoded, is copied into the reader's single buffer.
 */
#include "podoom/logreader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "logline_internal.h"

/* A year-less stamp more than this before the previous one means the log went past New Year. */
#define YEAR_ROLLOVER_USEC ((int64_t)183 * 86400 * 1000000)
/* dmesg and journalctl print the further lines of a multi-line record indented to the message
 * column (util-linux dmesg.c print_record(), systemd logs-show.c print_multiline()). The
 * shortest such column is dmesg's "[%5lu.%06lu] ", 15 bytes; a bare "kernel: " (8) has none. */
#define CONT_COL_MIN 12
/* Host names longer than this are not kept for continuation lines (DNS names stop at 253). */
#define HOST_COPY_MAX 256

struct podoom_logreader {
	size_t cap;	  /* max bytes of one line */
	char *buf;	  /* cap bytes: a line spanning chunks, or a line being decoded */
	size_t carry_len; /* bytes of an unfinished line in buf */

	const char *chunk; /* the caller's bytes, borrowed */
	size_t chunk_len, pos;
	const char *nl_next, *cr_next; /* cached next '\n' / '\r' at or after pos (chunk end: none) */

	uint64_t line_no;
	int64_t last_yearless_wall;

	/* the rest of a multi-line kmsg or journal JSON record, still in buf */
	const char *record_next;
	size_t record_left;
	struct podoom_logline record;

	/* the last line with a message column, for the indented further lines of its record */
	size_t cont_col;
	uint64_t cont_mono_usec;
	int64_t cont_wall_usec;
	size_t cont_host_len;

	/* the last kmsg record, for its " KEY=value" lines */
	uint64_t kmsg_seq, kmsg_mono_usec;

	struct podoom_logreader_stats stats;

	enum podoom_logline_transport hint;
	enum podoom_logline_transport cont_transport;
	int year;
	int cont_prio;
	int kmsg_prio;

	bool skipping;	  /* inside an over-long line, past the cap */
	bool skip_lf;	  /* the last line ended at a CR that closed a chunk: a LF next belongs to it */
	bool finished;
	bool have_yearless;
	bool in_record;
	bool cont_ok;
	bool cont_foreign;
	bool cont_has_mono, cont_has_wall;
	bool have_kmsg;
	char cont_host[HOST_COPY_MAX];
};

struct podoom_logreader *podoom_logreader_new(size_t max_line_bytes)
{
	struct podoom_logreader *r;

	if (max_line_bytes == 0)
		max_line_bytes = PODOOM_LOGREADER_DEFAULT_MAX_LINE_BYTES;
	if (max_line_bytes > PODOOM_LOGLINE_MAX_BYTES)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->buf = malloc(max_line_bytes);
	if (!r->buf) {
		free(r);
		return NULL;
	}
	r->cap = max_line_bytes;
	r->hint = PODOOM_LOGLINE_RAW;
	r->year = PODOOM_LOGLINE_YEAR_DEFAULT;
	return r;
}

void podoom_logreader_free(struct podoom_logreader *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r);
}

int podoom_logreader_set_year(struct podoom_logreader *r, int year)
{
	if (!r || year < 1 || year > 9999)
		return -EINVAL;
	r->year = year;
	r->have_yearless = false;
	return 0;
}

int podoom_logreader_feed(struct podoom_logreader *r, const void *buf, size_t len)
{
	if (!r || (!buf && len > 0) || r->finished)
		return -EINVAL;
	if (r->pos < r->chunk_len || r->in_record)
		return -EBUSY;
	r->chunk = buf;
	r->chunk_len = len;
	r->pos = 0;
	r->nl_next = r->cr_next = NULL;
	r->stats.bytes += len;
	return 0;
}

int podoom_logreader_finish(struct podoom_logreader *r)
{
	if (!r)
		return -EINVAL;
	r->finished = true;
	return 0;
}

void podoom_logreader_get_stats(const struct podoom_logreader *r,
				struct podoom_logreader_stats *ret)
{
	*ret = r->stats;
}

/* The first '\n' or '\r' in [p, end), or NULL. */
static const char *find_terminator(struct podoom_logreader *r, const char *p, const char *end)
{
	if (!r->nl_next || r->nl_next < p) {
		r->nl_next = memchr(p, '\n', (size_t)(end - p));
		if (!r->nl_next)
			r->nl_next = end;
	}
	if (!r->cr_next || r->cr_next < p) {
		r->cr_next = memchr(p, '\r', (size_t)(end - p));
		if (!r->cr_next)
			r->cr_next = end;
	}
	if (r->cr_next < r->nl_next)
		return r->cr_next;
	return r->nl_next < end ? r->nl_next : NULL;
}

/* Step past the terminator: "\n", "\r\n", or a lone "\r" (whose LF may open the next chunk). */
static void consume_terminator(struct podoom_logreader *r, const char *t, const char *end)
{
	r->pos += (size_t)(t - (r->chunk + r->pos)) + 1;
	if (*t == '\r') {
		if (t + 1 < end) {
			if (t[1] == '\n')
				r->pos++;
		} else {
			r->skip_lf = true;
		}
	}
}

/* The next raw line. Return: 1 with it, 0 when the fed bytes are used up. */
static int fetch_line(struct podoom_logreader *r, const char **ret_line, size_t *ret_len,
		      bool *ret_in_buf, bool *ret_truncated)
{
	const char *base = r->chunk ? r->chunk : ""; /* no arithmetic on a NULL chunk */

	for (;;) {
		const char *p = base + r->pos, *end = base + r->chunk_len, *t;
		size_t seg, room;

		if (r->skip_lf && p < end) {
			if (*p == '\n')
				p++, r->pos++;
			r->skip_lf = false;
		}
		if (p == end) {
			if (!r->finished || r->carry_len == 0) {
				if (r->finished)
					r->skipping = r->skip_lf = false;
				return 0;
			}
			*ret_line = r->buf;
			*ret_len = r->carry_len;
			*ret_in_buf = true;
			*ret_truncated = false;
			r->carry_len = 0;
			return 1;
		}
		t = find_terminator(r, p, end);
		seg = (size_t)((t ? t : end) - p);
		if (r->skipping) {
			if (!t) {
				r->pos = r->chunk_len;
				continue;
			}
			r->skipping = false;
			consume_terminator(r, t, end);
			continue;
		}
		if (r->carry_len == 0 && t && seg <= r->cap) { /* the common case: no copy */
			*ret_line = p;
			*ret_len = seg;
			*ret_in_buf = false;
			*ret_truncated = false;
			consume_terminator(r, t, end);
			return 1;
		}
		if (seg > r->cap - r->carry_len) { /* over the cap: cut here, skip the rest */
			room = r->cap - r->carry_len;
			if (r->carry_len == 0) {
				*ret_line = p;
				*ret_in_buf = false;
			} else {
				memcpy(r->buf + r->carry_len, p, room);
				*ret_line = r->buf;
				*ret_in_buf = true;
			}
			*ret_len = r->cap;
			*ret_truncated = true;
			r->carry_len = 0;
			if (t) {
				consume_terminator(r, t, end);
			} else {
				r->pos = r->chunk_len;
				r->skipping = true;
			}
			return 1;
		}
		memcpy(r->buf + r->carry_len, p, seg);
		r->carry_len += seg;
		if (!t) {
			r->pos = r->chunk_len;
			continue;
		}
		*ret_line = r->buf;
		*ret_len = r->carry_len;
		*ret_in_buf = true;
		*ret_truncated = false;
		r->carry_len = 0;
		consume_terminator(r, t, end);
		return 1;
	}
}

/* Transports whose tools indent a record's further lines to the message column. */
static bool has_message_column(enum podoom_logline_transport t)
{
	switch (t) {
	case PODOOM_LOGLINE_DMESG:
	case PODOOM_LOGLINE_DMESG_T:
	case PODOOM_LOGLINE_DMESG_R:
	case PODOOM_LOGLINE_SYSLOG:
	case PODOOM_LOGLINE_SYSLOG_ISO:
	case PODOOM_LOGLINE_SYSLOG_PRECISE:
	case PODOOM_LOGLINE_JOURNAL_MONO:
		return true;
	default:
		return false;
	}
}

static bool is_indented(const char *line, size_t len, size_t col)
{
	if (len <= col || line[0] != ' ')
		return false;
	for (size_t i = 1; i < col; i++)
		if (line[i] != ' ')
			return false;
	return true;
}

/* Remember a line with a message column so that the indented lines after it join its record.
 * Field by field: a struct copy of the line just built stalls on store forwarding. */
static void remember_record_head(struct podoom_logreader *r, const struct podoom_logline *l,
				 const char *line, bool foreign)
{
	size_t col = (size_t)(l->msg - line);

	r->cont_ok = col >= CONT_COL_MIN;
	r->cont_foreign = foreign;
	r->cont_col = col;
	r->cont_transport = l->transport;
	r->cont_has_mono = l->has_mono;
	r->cont_mono_usec = l->mono_usec;
	r->cont_has_wall = l->has_wall;
	r->cont_wall_usec = l->wall_usec;
	r->cont_prio = l->prio;
	r->cont_host_len = 0;
	if (l->host && l->host_len <= sizeof(r->cont_host)) {
		memcpy(r->cont_host, l->host, l->host_len);
		r->cont_host_len = l->host_len;
	}
}

/* An indented further line of the remembered record. */
static void continue_record(const struct podoom_logreader *r, const char *line, size_t len,
			    struct podoom_logline *l)
{
	podoom_logline_init(l, r->cont_transport, line + r->cont_col, line + len);
	l->host = r->cont_host_len ? r->cont_host : NULL;
	l->host_len = r->cont_host_len;
	l->has_mono = r->cont_has_mono;
	l->mono_usec = r->cont_mono_usec;
	l->has_wall = r->cont_has_wall;
	l->wall_usec = r->cont_wall_usec;
	l->prio = r->cont_prio;
	l->record_continued = true;
}

/* Classify one raw line into *l. Return: 1 for a line to hand out, 0 when it is dropped (another
 * program's record; *l was used as scratch). */
static int take_line(struct podoom_logreader *r, const char *line, size_t len, bool in_buf,
		     bool truncated, struct podoom_logline *l)
{
	enum podoom_logline_decode dec;
	const char *nl;
	int rc;

	r->line_no++;
	r->stats.lines++;
	if (truncated)
		r->stats.truncated++;

	if (r->cont_ok && is_indented(line, len, r->cont_col)) {
		if (r->cont_foreign) {
			r->stats.foreign++;
			return 0;
		}
		continue_record(r, line, len, l);
		l->truncated = truncated;
		l->line_no = r->line_no;
		r->stats.returned++;
		return 1;
	}

	rc = podoom_logline_scan(line, len, r->hint, r->year, l, &dec);
	if (rc == 0 && dec != PODOOM_LOGLINE_DECODE_NONE) {
		if (!in_buf) {
			memcpy(r->buf, line, len);
			line = r->buf;
			/* the same bytes give the same answer, now pointing into buf */
			(void)podoom_logline_scan(line, len, r->hint, r->year, l, &dec);
		}
		rc = podoom_logline_decode(r->buf, dec, l);
	}
	if ((l->transport == PODOOM_LOGLINE_SYSLOG || l->transport == PODOOM_LOGLINE_SYSLOG_PRECISE) &&
	    l->has_wall) {
		if (r->have_yearless && l->wall_usec < r->last_yearless_wall - YEAR_ROLLOVER_USEC &&
		    r->year < 9999) {
			r->year++;
			rc = podoom_logline_scan(line, len, r->hint, r->year, l, &dec);
		}
		r->have_yearless = true;
		r->last_yearless_wall = l->wall_usec;
	}

	if (has_message_column(l->transport) && dec == PODOOM_LOGLINE_DECODE_NONE)
		remember_record_head(r, l, line, rc != 0);
	else
		r->cont_ok = false;
	r->hint = l->transport;
	if (rc != 0) {
		r->stats.foreign++;
		return 0;
	}

	if (l->transport == PODOOM_LOGLINE_KMSG) {
		r->have_kmsg = true;
		r->kmsg_seq = l->seq;
		r->kmsg_mono_usec = l->mono_usec;
		r->kmsg_prio = l->prio;
	} else if (l->transport == PODOOM_LOGLINE_KMSG_CONT && r->have_kmsg) {
		l->has_seq = true;
		l->seq = r->kmsg_seq;
		l->has_mono = true;
		l->mono_usec = r->kmsg_mono_usec;
		l->prio = r->kmsg_prio;
	}

	l->line_no = r->line_no;
	l->truncated = l->truncated || truncated;
	if (dec != PODOOM_LOGLINE_DECODE_NONE && (nl = memchr(l->msg, '\n', l->msg_len)) != NULL) {
		r->in_record = true;
		r->record = *l;
		r->record_next = nl + 1;
		r->record_left = l->msg_len - (size_t)(nl + 1 - l->msg);
		l->msg_len = (size_t)(nl - l->msg);
	}
	r->stats.returned++;
	return 1;
}

/* The next line of a multi-line record. Return: 1 with *ret set, 0 when none is left. */
static int take_record_line(struct podoom_logreader *r, struct podoom_logline *ret)
{
	const char *p = r->record_next;
	const char *nl = memchr(p, '\n', r->record_left);
	size_t n = nl ? (size_t)(nl - p) : r->record_left;
	struct podoom_logline l = r->record;

	if (nl) {
		r->record_next = nl + 1;
		r->record_left -= n + 1;
	} else {
		r->in_record = false;
		if (n == 0) /* the record ended with a newline */
			return 0;
	}
	l.msg = p;
	l.msg_len = n;
	l.record_continued = true;
	*ret = l;
	r->stats.returned++;
	return 1;
}

int podoom_logreader_next(struct podoom_logreader *r, struct podoom_logline *ret)
{
	const char *line;
	size_t len;
	bool in_buf, truncated;

	if (!r || !ret)
		return -EINVAL;
	if (r->in_record && take_record_line(r, ret))
		return 1;
	while (fetch_line(r, &line, &len, &in_buf, &truncated)) {
		if (take_line(r, line, len, in_buf, truncated, ret))
			return 1;
	}
	return 0;
}
