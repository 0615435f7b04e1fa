/*
 * oomlog.c - kernel log bytes from a file descriptor to OOM events: the
 * transport reader and the report parser, shared by `explain` (files, pipes)
 * and `run` (/dev/kmsg, one-command and scenario mode).
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "podoom/oomlog.h"

#include "podoom/logreader.h"

#define CHUNK (256u << 10)

static int drain(struct podoom_report_parser *p, podoom_oomlog_event_fn fn, void *user)
{
	struct podoom_oom_event ev;

	while (podoom_report_parser_next_event(p, &ev) == 0) {
		int r = fn(user, &ev);
		podoom_oom_event_fini(&ev);
		if (r < 0)
			return r;
	}
	return 0;
}

int podoom_oomlog_read(int fd, int year, podoom_oomlog_line_fn line_fn, podoom_oomlog_event_fn fn, void *user)
{
	struct podoom_logreader *lr = podoom_logreader_new(PODOOM_LOGREADER_DEFAULT_MAX_LINE_BYTES);
	struct podoom_report_parser *p = NULL;
	struct podoom_logline line;
	char *buf = malloc(CHUNK);
	int r = -ENOMEM;

	if (!lr || !buf || podoom_report_parser_new(&p) < 0)
		goto out;
	if (year)
		podoom_logreader_set_year(lr, year);
	for (;;) {
		/* /dev/kmsg hands out one record per read, EPIPE where records were
		 * overwritten, EAGAIN at the end when opened O_NONBLOCK */
		ssize_t n = read(fd, buf, CHUNK);
		if (n < 0 && (errno == EINTR || errno == EPIPE))
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) {
			r = -errno;
			goto out;
		}
		if (n == 0)
			break;
		podoom_logreader_feed(lr, buf, (size_t)n);
		while (podoom_logreader_next(lr, &line) == 1) {
			if (line_fn)
				line_fn(user, &line);
			if (podoom_report_parser_push(p, &line) > 0 && (r = drain(p, fn, user)) < 0)
				goto out;
		}
	}
	podoom_logreader_finish(lr);
	while (podoom_logreader_next(lr, &line) == 1) {
		if (line_fn)
			line_fn(user, &line);
		podoom_report_parser_push(p, &line);
	}
	podoom_report_parser_finish(p);
	r = drain(p, fn, user);
out:
	podoom_report_parser_free(p);
	podoom_logreader_free(lr);
	free(buf);
	return r;
}
