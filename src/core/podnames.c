/*
 * podnames.c - pod and container names for UIDs and IDs.
 */
#include "podoom/podnames.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "podoom/grow.h"
#include "podoom/yaml.h"

struct ctr {
	char *id, *name;
	size_t pod; /* index into pods */
};

struct podoom_podnames {
	struct podoom_podname *pods;
	size_t npods, pods_cap;
	struct ctr *ctrs;
	size_t nctrs, ctrs_cap;
};

struct podoom_podnames *podoom_podnames_new(void)
{
	return calloc(1, sizeof(struct podoom_podnames));
}

void podoom_podnames_free(struct podoom_podnames *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->npods; i++) {
		free((char *)t->pods[i].uid);
		free((char *)t->pods[i].namespace);
		free((char *)t->pods[i].name);
	}
	for (size_t i = 0; i < t->nctrs; i++) {
		free(t->ctrs[i].id);
		free(t->ctrs[i].name);
	}
	free(t->pods);
	free(t->ctrs);
	free(t);
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static int add_pod(struct podoom_podnames *t, const char *uid, size_t ul, const char *ns, size_t nl,
		   const char *name, size_t namel, size_t *ret_index)
{
	struct podoom_podname p;

	for (size_t i = 0; i < t->npods; i++)
		if (strlen(t->pods[i].uid) == ul && memcmp(t->pods[i].uid, uid, ul) == 0) {
			*ret_index = i;
			return 0;
		}
	if (podoom_grow(&t->pods, &t->pods_cap, t->npods + 1, sizeof(*t->pods), 16) < 0)
		return -ENOMEM;
	char *u = dup_n(uid, ul), *n = dup_n(ns, nl), *nm = dup_n(name, namel);
	if (!u || !n || !nm) {
		free(u);
		free(n);
		free(nm);
		return -ENOMEM;
	}
	p.uid = u;
	p.namespace = n;
	p.name = nm;
	t->pods[t->npods] = p;
	*ret_index = t->npods++;
	return 0;
}

static int add_ctr(struct podoom_podnames *t, size_t pod, const char *id, size_t il, const char *name, size_t nl)
{
	struct ctr c = {.pod = pod};

	if (podoom_grow(&t->ctrs, &t->ctrs_cap, t->nctrs + 1, sizeof(*t->ctrs), 16) < 0)
		return -ENOMEM;
	c.id = dup_n(id, il);
	c.name = dup_n(name, nl);
	if (!c.id || !c.name) {
		free(c.id);
		free(c.name);
		return -ENOMEM;
	}
	t->ctrs[t->nctrs++] = c;
	return 0;
}

static int add_statuses(struct podoom_podnames *t, size_t pod, const struct podoom_ynode *list)
{
	if (!list || list->type != PODOOM_YNODE_SEQUENCE)
		return 0;
	for (size_t i = 0; i < list->n; i++) {
		const struct podoom_ynode *name = podoom_ynode_get(list->kids[i], "name");
		const struct podoom_ynode *id = podoom_ynode_get(list->kids[i], "containerID");
		const char *sep;
		if (!podoom_ynode_is_str(name) || !podoom_ynode_is_str(id))
			continue;
		sep = strstr(id->str, "://"); /* "containerd://<id>" */
		const char *hex = sep ? sep + 3 : id->str;
		if (add_ctr(t, pod, hex, strlen(hex), name->str, name->len) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int add_pod_node(struct podoom_podnames *t, const struct podoom_ynode *pod)
{
	const struct podoom_ynode *meta = podoom_ynode_get(pod, "metadata");
	const struct podoom_ynode *uid = podoom_ynode_get(meta, "uid");
	const struct podoom_ynode *ns = podoom_ynode_get(meta, "namespace");
	const struct podoom_ynode *name = podoom_ynode_get(meta, "name");
	const struct podoom_ynode *st = podoom_ynode_get(pod, "status");
	size_t idx;

	if (!podoom_ynode_is_str(uid) || !podoom_ynode_is_str(name))
		return 0;
	if (add_pod(t, uid->str, uid->len, podoom_ynode_is_str(ns) ? ns->str : "default",
		    podoom_ynode_is_str(ns) ? ns->len : 7, name->str, name->len, &idx) < 0)
		return -ENOMEM;
	if (add_statuses(t, idx, podoom_ynode_get(st, "containerStatuses")) < 0 ||
	    add_statuses(t, idx, podoom_ynode_get(st, "initContainerStatuses")) < 0 ||
	    add_statuses(t, idx, podoom_ynode_get(st, "ephemeralContainerStatuses")) < 0)
		return -ENOMEM;
	return 1;
}

int podoom_podnames_add_json(struct podoom_podnames *t, const char *buf, size_t len, struct podoom_diag *diag)
{
	struct podoom_yaml *y = NULL;
	int r, added = 0;

	r = podoom_yaml_parse(buf, len, &y, diag);
	if (r < 0)
		return r;
	for (size_t d = 0; d < podoom_yaml_ndocs(y); d++) {
		const struct podoom_ynode *doc = podoom_yaml_doc(y, d);
		const struct podoom_ynode *items = podoom_ynode_get(doc, "items");
		if (items && items->type == PODOOM_YNODE_SEQUENCE) {
			for (size_t i = 0; i < items->n; i++) {
				r = add_pod_node(t, items->kids[i]);
				if (r < 0)
					goto out;
				added += r;
			}
		} else if (doc && doc->type == PODOOM_YNODE_MAPPING) {
			r = add_pod_node(t, doc);
			if (r < 0)
				goto out;
			added += r;
		}
	}
	if (added == 0) {
		podoom_diag_set(diag, 0, 0, "no pods with metadata.uid: expected the output of kubectl get pods -A -o json");
		r = -EINVAL;
		goto out;
	}
	r = added;
out:
	podoom_yaml_free(y);
	return r;
}

int podoom_podnames_add_log_dir(struct podoom_podnames *t, const char *dirname)
{
	/* namespace and pod names have no '_' (DNS labels); the UID is the last part */
	const char *a = strchr(dirname, '_'), *b = a ? strchr(a + 1, '_') : NULL;
	size_t idx;

	if (!a || !b || a == dirname || b == a + 1 || b[1] == '\0' || strchr(b + 1, '_'))
		return -EINVAL;
	return add_pod(t, b + 1, strlen(b + 1), dirname, (size_t)(a - dirname), a + 1, (size_t)(b - a - 1), &idx);
}

const struct podoom_podname *podoom_podnames_by_uid(const struct podoom_podnames *t, const char *uid)
{
	for (size_t i = 0; t && i < t->npods; i++)
		if (strcmp(t->pods[i].uid, uid) == 0)
			return &t->pods[i];
	return NULL;
}

const char *podoom_podnames_container(const struct podoom_podnames *t, const char *id,
				      const struct podoom_podname **ret_pod)
{
	size_t il = strlen(id);

	if (!t || il < 12)
		return NULL;
	for (size_t i = 0; i < t->nctrs; i++) {
		size_t cl = strlen(t->ctrs[i].id);
		size_t n = il < cl ? il : cl;
		if (n >= 12 && strncmp(t->ctrs[i].id, id, n) == 0) {
			if (ret_pod)
				*ret_pod = &t->pods[t->ctrs[i].pod];
			return t->ctrs[i].name;
		}
	}
	return NULL;
}
