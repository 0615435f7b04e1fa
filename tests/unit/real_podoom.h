/* real_podoom.h - what the tests that run the podoom binary against this
 * machine's kernel share: why they would be skipped, and where podoom is. */
#ifndef PODOOM_TESTS_REAL_PODOOM_H
#define PODOOM_TESTS_REAL_PODOOM_H

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "podoom/cgroup.h"

/* @podoom: build/<tree>/podoom, beside the tests' directory. Return: NULL
 * when the real tests can run, else the reason to skip them. */
static inline const char *real_podoom_setup(struct podoom_cgroup_root *root, char *podoom, size_t size)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		*strrchr(self, '/') = '\0'; /* build/<tree>/tests */
		*strrchr(self, '/') = '\0';
		snprintf(podoom, size, "%s/podoom", self);
	}
	if (geteuid() != 0)
		return "podoom run needs root";
	if (podoom_cgroup_detect("/", root) < 0)
		return "no memory cgroup controller on this machine";
	if (access(podoom, X_OK) != 0)
		return "the podoom binary is not built next to the tests";
	return NULL;
}

/* The state of a test that includes this (after cmocka.h), and its group
 * setup: the machine, the binary, and the reason to skip, printed once. */
static struct podoom_cgroup_root root;
static char podoom[PATH_MAX + 16];
static const char *skip_reason;

static int setup(void **state)
{
	(void)state;
	skip_reason = real_podoom_setup(&root, podoom, sizeof(podoom));
	if (skip_reason)
		print_message("skip reason: %s\n", skip_reason);
	return 0;
}

#endif
