/*
 * regex_baseline.c - the way monitoring agents read kernel OOM reports today,
 * as a baseline for bench/: every line is run through POSIX extended regular
 * expressions, after cAdvisor's utils/oomparser (and the kubelet's copy): a
 * report starts at "invoked oom-killer:", the container comes from the 5.0+
 * "oom-kill:constraint=..." summary or the older "Task in ... killed as a
 * result of limit of ...", and pid/name from "Killed process N (comm)".
 * It prints one JSON line per kill, so its work is comparable to
 * `podoom explain --json`. Not part of podoom; built by bench/run.sh.
 *
 *   cc -O2 -o regex_baseline bench/regex_baseline.c && ./regex_baseline < kern.log
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void field(const char *line, const regmatch_t *m, char *out, size_t size)
{
	size_t n = (size_t)(m->rm_eo - m->rm_so);
	if (m->rm_so < 0) {
		snprintf(out, size, "/");
		return;
	}
	if (n >= size)
		n = size - 1;
	memcpy(out, line + m->rm_so, n);
	out[n] = '\0';
}

int main(void)
{
	regex_t start, summary, legacy, killed;
	regmatch_t m[10];
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	char container[512] = "/", victim_container[512] = "/", constraint[128] = "", pid[32] = "", comm[128] = "";
	unsigned long events = 0;
	int in_report = 0;

	if (regcomp(&start, "invoked oom-killer:", REG_EXTENDED | REG_NOSUB) ||
	    regcomp(&summary,
		    "oom-kill:constraint=(.*),nodemask=(.*),cpuset=(.*),mems_allowed=(.*),oom_memcg=(.*),"
		    "task_memcg=(.*),task=(.*),pid=(.*),uid=(.*)",
		    REG_EXTENDED) ||
	    regcomp(&legacy, "Task in (.*) killed as a result of limit of (.*)", REG_EXTENDED) ||
	    regcomp(&killed, "Killed process ([0-9]+) \\((.+)\\)", REG_EXTENDED)) {
		fprintf(stderr, "regcomp failed\n");
		return 1;
	}
	while ((len = getline(&line, &cap, stdin)) > 0) {
		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (regexec(&start, line, 0, NULL, 0) == 0) {
			in_report = 1;
			strcpy(container, "/");
			strcpy(victim_container, "/");
			constraint[0] = '\0';
			continue;
		}
		if (!in_report)
			continue;
		if (regexec(&summary, line, 10, m, 0) == 0) {
			field(line, &m[1], constraint, sizeof(constraint));
			field(line, &m[6], container, sizeof(container));
			field(line, &m[5], victim_container, sizeof(victim_container));
		} else if (regexec(&legacy, line, 3, m, 0) == 0) {
			field(line, &m[1], container, sizeof(container));
			field(line, &m[2], victim_container, sizeof(victim_container));
		} else if (regexec(&killed, line, 3, m, 0) == 0) {
			field(line, &m[1], pid, sizeof(pid));
			field(line, &m[2], comm, sizeof(comm));
			printf("{\"pid\":%s,\"comm\":\"%s\",\"container\":\"%s\",\"victim_container\":\"%s\","
			       "\"constraint\":\"%s\"}\n",
			       pid, comm, container, victim_container, constraint);
			events++;
			in_report = 0;
		}
	}
	fprintf(stderr, "%lu events\n", events);
	free(line);
	return 0;
}
