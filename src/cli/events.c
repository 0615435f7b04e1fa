/*
 * events.c - the CLI's name for podoom_oomlog_read() without a line tap
 * (explain, run).
 */
#include "cli.h"
#include "podoom/oomlog.h"

int cli_read_oom_events(int fd, int year, cli_event_fn fn, void *user)
{
	return podoom_oomlog_read(fd, year, NULL, fn, user);
}
