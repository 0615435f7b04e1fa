/*
 * watch - what `podoom watch` keeps between records and between runs: the
 * state file (the boot and the last /dev/kmsg sequence number handled) and
 * the cursor that tells new records from ones already handled and counts
 * the records the kernel overwrote before we read them.
 *
 * /dev/kmsg numbers every record (Documentation/ABI/testing/dev-kmsg, K6.18:
 * "seq" is a 64-bit sequence number); a reader that falls behind the ring
 * buffer gets EPIPE once and then the oldest record still held, so the gap in
 * the numbers is how many were lost. The numbers restart at 0 after a
 * reboot, so the state file also keeps the boot id
 * (/proc/sys/kernel/random/boot_id).
 *
 * Pure: no I/O, no allocation.
 */
#ifndef PODOOM_WATCH_H
#define PODOOM_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "podoom/diag.h"

/* A boot id is a UUID, 36 bytes. */
#define PODOOM_WATCH_BOOT_ID_MAX 64
/* The largest state file accepted (it is three short lines). */
#define PODOOM_WATCH_STATE_MAX_BYTES 4096

struct podoom_watch_state {
	char boot_id[PODOOM_WATCH_BOOT_ID_MAX + 1]; /* "" when unknown */
	bool has_seq;				    /* false: nothing handled yet */
	uint64_t seq;				    /* the last record handled */
};

/*
 * podoom_watch_state_parse() - read a state file:
 *	"podoom-watch-state 1\nboot_id <uuid>\nseq <n>\n"
 * Lines in any order after the first; "seq" may be missing (nothing handled
 * yet); unknown keys are an error, so a file of another format is never taken
 * for ours.
 * @buf, @len: the file's bytes, not NUL-terminated, at most
 *	PODOOM_WATCH_STATE_MAX_BYTES.
 * Return: 0 with *ret set; -EINVAL malformed (@diag says where); -E2BIG too long.
 * *ret is untouched on error.
 */
int podoom_watch_state_parse(const char *buf, size_t len, struct podoom_watch_state *ret,
			     struct podoom_diag *diag);

/*
 * podoom_watch_state_format() - the state file's text into @buf (@size bytes
 * with the NUL). Return: its length; -ENOBUFS when @size is too small; -EINVAL
 * for a boot id with whitespace or control characters.
 */
int podoom_watch_state_format(const struct podoom_watch_state *st, char *buf, size_t size);

/* Where the reader stands in the kmsg sequence, and what it could not read. */
struct podoom_kmsg_cursor {
	bool has_next;		/* a record has been seen (or resumed from a state file) */
	uint64_t next_seq;	/* the sequence number expected next */
	uint64_t lost_records;	/* records skipped over: overwritten before they were read */
	uint64_t overruns;	/* EPIPE returns: times the reader fell behind the ring buffer */
	uint64_t repeats;	/* records at or before the last one handled, skipped */
};

/*
 * podoom_kmsg_cursor_resume() - start after record @seq (from a state file of
 * the same boot). A fresh cursor (zeroed) takes whatever comes first.
 */
void podoom_kmsg_cursor_resume(struct podoom_kmsg_cursor *c, uint64_t seq);

/*
 * podoom_kmsg_cursor_see() - the reader got record @seq. Records before the
 * expected one were handled already (a restart re-reads the ring buffer from
 * its start) and are counted in repeats; a record after it means the ones in
 * between were lost, and they are counted in lost_records.
 * Return: true when the record is new and must be handled, false to skip it.
 */
bool podoom_kmsg_cursor_see(struct podoom_kmsg_cursor *c, uint64_t seq);

/* podoom_kmsg_cursor_overrun() - read() returned EPIPE: count it. The records
 * lost are counted by the gap the next record shows. */
void podoom_kmsg_cursor_overrun(struct podoom_kmsg_cursor *c);

#endif
