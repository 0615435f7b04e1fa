/*
 * oomlog - kernel OOM events out of a file descriptor: the log reader and
 * the report parser in one loop, for files, pipes and /dev/kmsg. Host layer
 * (it reads); memory stays flat whatever the input's size.
 */
#ifndef PODOOM_OOMLOG_H
#define PODOOM_OOMLOG_H

#include "podoom/logline.h"
#include "podoom/report.h"

/* Called for every event; the event is freed after it returns. A negative
 * return stops the read and is returned. */
typedef int (*podoom_oomlog_event_fn)(void *user, const struct podoom_oom_event *ev);
/* Called for every line before the parser sees it (line->line_no counts from
 * 1 in this read, as the events' line numbers do); borrowed until it returns. */
typedef void (*podoom_oomlog_line_fn)(void *user, const struct podoom_logline *line);

/*
 * podoom_oomlog_read() - read @fd until its end (EAGAIN for /dev/kmsg opened
 * O_NONBLOCK) and hand each OOM event to @fn, and each line to @line_fn (may
 * be NULL). @year for year-less syslog stamps (0: the reader's default).
 * /dev/kmsg's EPIPE (records overwritten) is skipped.
 * Return: 0; -errno from read(); -ENOMEM; what @fn returned when negative.
 */
int podoom_oomlog_read(int fd, int year, podoom_oomlog_line_fn line_fn, podoom_oomlog_event_fn fn, void *user);

#endif
