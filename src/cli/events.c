/*
 * events.c - kernel log bytes from a file descriptor to OOM events: the
 * transport reader and the report parser, shared by `explain` (files, pipes)
 * and `run` (/dev/kmsg). Memory stays flat whatever the input's size.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "podoom/logreader.h"
#include "podoom/report.h"

#define CHUNK (256u << 10)

static int drain(struct podoom_report_parser *p, cli_event_fn fn, void *user)
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

int cli_read_oom_events(int fd, int year, cli_event_fn fn, void *user)
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
		while (podoom_logreader_next(lr, &line) == 1)
			if (podoom_report_parser_push(p, &line) > 0 && (r = drain(p, fn, user)) < 0)
				goto out;
	}
	podoom_logreader_finish(lr);
	while (podoom_logreader_next(lr, &line) == 1)
		podoom_report_parser_push(p, &line);
	podoom_report_parser_finish(p);
	r = drain(p, fn, user);
out:
	podoom_report_parser_free(p);
	podoom_logreader_free(lr);
	free(buf);
	return r;
}
