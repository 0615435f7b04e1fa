/*
 * manifest - Kubernetes objects as users keep them: Pod, Deployment,
 * StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob,
 * PodTemplate, List (and kubectl's *List), in multi-document YAML or in
 * `kubectl get -o json` output. Every pod (or pod template) becomes a struct
 * podoom_pod with the API server's defaulting applied (requests from limits,
 * SetDefaults_Pod). Pure: parses a buffer.
 */
#ifndef PODOOM_MANIFEST_H
#define PODOOM_MANIFEST_H

#include <stddef.h>

#include "podoom/diag.h"
#include "podoom/pod.h"

enum podoom_manifest_severity {
	PODOOM_MANIFEST_NOTE,  /* skipped something on purpose (a Service, an empty document) */
	PODOOM_MANIFEST_ERROR, /* an object the API server would reject, or that we cannot read */
	PODOOM_MANIFEST_SEVERITY_COUNT
};

struct podoom_manifest_msg {
	enum podoom_manifest_severity severity;
	struct podoom_diag diag;
	const char *skipped_kind; /* for a note about an object that runs no pods: its kind */
};

struct podoom_manifests;

/* Caps, the same in tests and production. */
#define PODOOM_MANIFEST_MAX_PODS 100000u
#define PODOOM_MANIFEST_MAX_CONTAINERS 1000u /* per pod */
#define PODOOM_MANIFEST_MAX_MSGS 1000u	     /* more are counted, not kept */

/*
 * podoom_manifests_parse() - every pod in a YAML or JSON stream.
 * @buf, @len: the input; the result keeps no pointer into it.
 * @ret: on success the pods, with the notes and errors of objects that were
 *	skipped (a bad object does not hide the good ones around it).
 * @diag: when the whole input cannot be read (invalid YAML, over a cap).
 * Return: 0; -EINVAL unreadable YAML; -E2BIG over a cap; -ENOMEM.
 */
int podoom_manifests_parse(const char *buf, size_t len, struct podoom_manifests **ret,
			   struct podoom_diag *diag);

/*
 * podoom_manifests_parse_pod() - one Pod object already parsed as a tree
 * (an inline `pod:` of a scenario); `kind` may be absent. The result borrows
 * strings from @obj's tree, which must outlive it. Errors are in the result's
 * messages, as for podoom_manifests_parse().
 * Return: 0; -ENOMEM.
 */
struct podoom_ynode;
int podoom_manifests_parse_pod(const struct podoom_ynode *obj, struct podoom_manifests **ret);

void podoom_manifests_free(struct podoom_manifests *m);

size_t podoom_manifests_npods(const struct podoom_manifests *m);
const struct podoom_pod *podoom_manifests_pod(const struct podoom_manifests *m, size_t i);

/* Notes and errors in input order; *dropped counts those past the cap. */
size_t podoom_manifests_nmsgs(const struct podoom_manifests *m, size_t *dropped);
const struct podoom_manifest_msg *podoom_manifests_msg(const struct podoom_manifests *m, size_t i);

/* podoom_manifests_nerrors() - how many messages are errors (kept or dropped). */
size_t podoom_manifests_nerrors(const struct podoom_manifests *m);

#endif
