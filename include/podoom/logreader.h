/*
 * logreader - a streaming kernel-log line reader.
 *
 * The caller feeds arbitrary chunks of bytes and pulls complete lines, each
 * already classified by podoom_logline_parse() (transport detected per line,
 * prefix stripped). Pure: no I/O; the CLI reads files or stdin and feeds them.
 *
 * Memory is bounded: one buffer of max_line_bytes, allocated by _new. Lines
 * are split at "\n", "\r\n" and a lone "\r"; a line longer than the cap is cut
 * there (truncated = true) and the rest of it skipped, so NUL bytes, invalid
 * UTF-8 and binary garbage cost at most one cut line and never hide the good
 * line after them. Complete lines inside a chunk are returned without copying;
 * only a line that spans chunks, or one whose message must be decoded (a
 * /dev/kmsg record with "\xNN" escapes, a journal JSON record), is copied into
 * the reader's buffer.
 *
 * Beyond podoom_logline_parse(), the reader keeps what one line says about
 * the next: the last transport (the hint), the kmsg record a " KEY=value" line
 * belongs to, the further lines of a multi-line record that dmesg and
 * journalctl indent to the message column (given the record's transport,
 * time and host, with record_continued set), the lines of a
 * multi-line kmsg or journal JSON record (returned one by one), the year of
 * year-less syslog stamps (rolled over when the month jumps back, Dec -> Jan),
 * and it drops other programs' syslog and journal records.
 *
 *	struct podoom_logline l;
 *	while ((n = read(fd, buf, sizeof(buf))) > 0) {
 *		podoom_logreader_feed(r, buf, n);
 *		while (podoom_logreader_next(r, &l) > 0)
 *			use(&l);
 *	}
 *	podoom_logreader_finish(r);
 *	while (podoom_logreader_next(r, &l) > 0)
 *		use(&l);
 */
#ifndef PODOOM_LOGREADER_H
#define PODOOM_LOGREADER_H

#include <stddef.h>
#include <stdint.h>

#include "podoom/logline.h"

/* The default cap on one line. The longest kernel record is 1 KiB (PRINTKRB_RECORD_MAX /
 * LOG_LINE_MAX in kernel/printk), and a journal JSON line stays under 64 KiB (journalctl
 * prints fields of 4096 bytes or more as null); 1 MiB leaves room for any wrapper. */
#define PODOOM_LOGREADER_DEFAULT_MAX_LINE_BYTES ((size_t)1 << 20)

struct podoom_logreader;

/* What the reader has seen so far. */
struct podoom_logreader_stats {
	uint64_t lines;		  /* input lines, counted as line_no counts them */
	uint64_t returned;	  /* lines handed out by _next, record lines included */
	uint64_t foreign;	  /* syslog/journal lines of other programs, dropped */
	uint64_t truncated;	  /* lines cut at the cap */
	uint64_t bytes;		  /* bytes fed */
};

/*
 * podoom_logreader_new() - a reader with an empty buffer.
 * @max_line_bytes: the cap on one line; 0 for PODOOM_LOGREADER_DEFAULT_MAX_LINE_BYTES. At most
 *	PODOOM_LOGLINE_MAX_BYTES.
 * Return: the reader, owned by the caller (free with podoom_logreader_free()); NULL when out of
 * memory or when @max_line_bytes is over the limit.
 */
struct podoom_logreader *podoom_logreader_new(size_t max_line_bytes);

/* podoom_logreader_free() - frees the reader; NULL is fine. */
void podoom_logreader_free(struct podoom_logreader *r);

/*
 * podoom_logreader_set_year() - the year of the first year-less syslog/journalctl timestamp
 * (1..9999; default PODOOM_LOGLINE_YEAR_DEFAULT). Later stamps move to the next year when the
 * date jumps back by more than half a year (a log that runs from Dec 31 into Jan 1).
 * Return: 0; -EINVAL for a year out of range.
 */
int podoom_logreader_set_year(struct podoom_logreader *r, int year);

/*
 * podoom_logreader_feed() - give the reader the next chunk of input.
 * @buf, @len: any bytes; the reader borrows them (no copy) until podoom_logreader_next() has
 *	returned 0, so the caller keeps them unchanged until then.
 * Return: 0; -EBUSY when the previous chunk has not been drained by podoom_logreader_next()
 * yet; -EINVAL after podoom_logreader_finish() or on a NULL argument with @len > 0.
 */
int podoom_logreader_feed(struct podoom_logreader *r, const void *buf, size_t len);

/*
 * podoom_logreader_finish() - no more input: the last line, if it has no terminator, becomes
 * available to podoom_logreader_next(). Return: 0.
 */
int podoom_logreader_finish(struct podoom_logreader *r);

/*
 * podoom_logreader_next() - the next complete line.
 * @ret: on 1, the line; its pointers borrow the reader's buffer or the fed chunk and stay valid
 *	until the next call into the reader. On 0 its contents are unspecified: the reader
 *	classifies each line in place there, because copying a just-built struct cost a third of
 *	the per-line time (a store-forwarding stall; see bench/README.md).
 * Return: 1 with *ret set; 0 when the reader needs more input (or, after _finish, has no more
 * lines); -EINVAL on a NULL argument.
 */
int podoom_logreader_next(struct podoom_logreader *r, struct podoom_logline *ret);

/* podoom_logreader_get_stats() - the counters so far, copied into *ret. */
void podoom_logreader_get_stats(const struct podoom_logreader *r,
				struct podoom_logreader_stats *ret);

#endif
