/*
 * podnames - names for the pod UIDs and container IDs that kernel reports
 * carry: from `kubectl get pods -A -o json` (metadata and containerStatuses)
 * or from the folders of /var/log/pods ("<namespace>_<name>_<uid>").
 * Pure: parses buffers; the host layer lists the folders.
 */
#ifndef PODOOM_PODNAMES_H
#define PODOOM_PODNAMES_H

#include <stddef.h>

#include "podoom/diag.h"

struct podoom_podnames;

struct podoom_podname {
	const char *uid, *namespace, *name;
};

/* podoom_podnames_new() - an empty table. NULL on ENOMEM. */
struct podoom_podnames *podoom_podnames_new(void);
void podoom_podnames_free(struct podoom_podnames *t);

/*
 * podoom_podnames_add_json() - every pod of a `kubectl get pods -o json`
 * (or YAML) document: a List of Pods or one Pod. Container IDs come from
 * status.containerStatuses, initContainerStatuses and ephemeralContainerStatuses
 * ("containerd://<id>", "cri-o://<id>", "docker://<id>").
 * Return: the number of pods added; -EINVAL (diag says where); -ENOMEM.
 */
int podoom_podnames_add_json(struct podoom_podnames *t, const char *buf, size_t len, struct podoom_diag *diag);

/*
 * podoom_podnames_add_log_dir() - one /var/log/pods folder name
 * "<namespace>_<name>_<uid>". Return: 0; -EINVAL when it is not of that form.
 */
int podoom_podnames_add_log_dir(struct podoom_podnames *t, const char *dirname);

/* podoom_podnames_by_uid() - the pod with @uid, or NULL. */
const struct podoom_podname *podoom_podnames_by_uid(const struct podoom_podnames *t, const char *uid);

/* podoom_podnames_container() - the name of the container with @id (a full
 * 64-digit id or any prefix of at least 12 digits), and its pod; NULL when unknown. */
const char *podoom_podnames_container(const struct podoom_podnames *t, const char *id,
				      const struct podoom_podname **ret_pod);

#endif
