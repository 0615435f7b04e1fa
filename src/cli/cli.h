/*
 * cli.h - what every podoom command shares: exit codes, messages, tables.
 * Only cli/ prints and exits.
 */
#ifndef PODOOM_CLI_H
#define PODOOM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes, documented in podoom(1). */
enum {
	EXIT_OK = 0,
	EXIT_FAILURE_RUNTIME = 1, /* the system failed us: out of memory, I/O error */
	EXIT_USAGE = 2,		  /* bad command line */
	EXIT_INPUT = 3,		  /* a file given to us could not be read or is invalid */
};

extern const char *podoom_prog;

/* "podoom qos: message" on stderr */
void cli_err(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "FILE:LINE:COL: severity: message" on stderr (LINE:COL left out when 0) */
void cli_diag(const char *file, uint32_t line, uint32_t col, const char *severity, const char *msg);

/* getopt_long() returned '?' or ':': say which option was wrong (as getopt
 * would, but with the command's name and where to look) */
void cli_bad_option(const char *cmd, char **argv);

/* an option's quantity in whole bytes (> 0); prints the error itself */
int cli_parse_bytes(const char *cmd, const char *opt, const char *s, int64_t *ret);

/* A table for people: cells are copied; columns are padded to the widest. */
struct cli_table;
struct cli_table *cli_table_new(size_t ncols, const char *const *headers);
void cli_table_free(struct cli_table *t);
/* append a row of ncols cells (NULL prints "-") */
int cli_table_add(struct cli_table *t, const char *const *cells);
void cli_table_print(const struct cli_table *t, FILE *out);

/* Kernel OOM events from @fd (a file, a pipe, or /dev/kmsg opened
 * O_NONBLOCK): @fn sees each event, which is freed after it returns. @year
 * for year-less syslog stamps (0: the reader's default).
 * Return: 0; -errno from read(); -ENOMEM; what @fn returned when negative. */
struct podoom_oom_event;
typedef int (*cli_event_fn)(void *user, const struct podoom_oom_event *ev);
int cli_read_oom_events(int fd, int year, cli_event_fn fn, void *user);

/* Pod names (and, with @ret_specs, the pods' specs) from `kubectl get pods -A
 * -o json` at @path: --pods FILE. Prints its own error. @ret_specs (may be
 * NULL) gets the parsed pods, to free with podoom_manifests_free().
 * Return: 0; -EINVAL unreadable or invalid. */
struct podoom_podnames;
struct podoom_manifests;
int cli_podnames_add_file(const char *cmd, struct podoom_podnames *names, const char *path,
			  struct podoom_manifests **ret_specs);

/* Pod names from the folders of /var/log/pods ("<ns>_<name>_<uid>") at @dir:
 * --pod-logs DIR. Prints its own error. Return: 0; -EINVAL unreadable. */
int cli_podnames_add_log_dir(const char *cmd, struct podoom_podnames *names, const char *dir);

int cmd_qos(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_simulate(int argc, char **argv);

#endif
