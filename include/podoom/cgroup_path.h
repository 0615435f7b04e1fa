/*
 * cgroup_path - who a memory cgroup path belongs to, from the path alone.
 *
 * The kernel names memcgs in its OOM reports by path from the hierarchy root
 * (`oom_memcg=`, `task_memcg=`, "Task in X killed as a result of limit of Y",
 * "Memory cgroup stats for X") and the allocating task's cpuset by its last
 * component only (`cpuset=`). The kubelet and the runtimes lay those paths out
 * by fixed rules (reference/kubernetes.md 3.1), so a path tells the level
 * (kubepods, QoS, pod, container), the pod UID, the QoS class, the container
 * id and the runtime, for the cgroupfs and systemd drivers alike. The paths
 * are the same under cgroup v1 and v2 (only the mount differs), so the
 * version cannot be read from them.
 *
 * The forward direction builds the path the kubelet and runtime would create,
 * for the simulator and the real-cgroup runner.
 *
 * Pure: no I/O, no allocation, no globals. Any bytes are accepted as input.
 */
#ifndef PODOOM_CGROUP_PATH_H
#define PODOOM_CGROUP_PATH_H

#include <stdbool.h>
#include <stddef.h>

#include "podoom/qos_class.h"

/* Longest path accepted: the kernel prints a cgroup path from a PATH_MAX
 * buffer (pr_cont_kernfs_path) and prints "(name too long)" beyond it. */
#define PODOOM_CGROUP_PATH_MAX 4096
#define PODOOM_POD_UID_MAX 64	    /* a UID is 36 bytes; a static pod's is 32 */
#define PODOOM_CONTAINER_ID_MAX 128 /* containerd, CRI-O and Docker ids are 64 hex digits */

enum podoom_cgroup_driver {
	PODOOM_CGROUP_DRIVER_UNKNOWN,
	PODOOM_CGROUP_DRIVER_CGROUPFS, /* /kubepods/burstable/pod<uid>/<id> */
	PODOOM_CGROUP_DRIVER_SYSTEMD,  /* /kubepods.slice/kubepods-burstable.slice/... */
	PODOOM_CGROUP_DRIVER_COUNT
};

/* How deep in the kubelet's tree a path ends. */
enum podoom_cgroup_level {
	PODOOM_CGROUP_LEVEL_ROOT,      /* "/": the root memcg */
	PODOOM_CGROUP_LEVEL_KUBEPODS,  /* the node-allocatable cgroup */
	PODOOM_CGROUP_LEVEL_QOS,       /* burstable or besteffort */
	PODOOM_CGROUP_LEVEL_POD,       /* pod<uid> */
	PODOOM_CGROUP_LEVEL_CONTAINER, /* a container (or CRI-O's conmon) of a pod; also a
					  container leaf named alone (cpuset=) */
	PODOOM_CGROUP_LEVEL_OTHER,     /* outside the kubelet's tree: a systemd unit, a plain
					  Docker container, a test cgroup */
	PODOOM_CGROUP_LEVEL_COUNT
};

enum podoom_runtime {
	PODOOM_RUNTIME_UNKNOWN, /* also cgroupfs' bare <id>, which containerd and Docker share */
	PODOOM_RUNTIME_CONTAINERD,
	PODOOM_RUNTIME_CRIO,
	PODOOM_RUNTIME_DOCKER,
	PODOOM_RUNTIME_COUNT
};

/* What the node's kubelet tree sits inside, as the host kernel prints it. */
enum podoom_cgroup_nest {
	PODOOM_CGROUP_NEST_NONE,   /* /kubepods... at the root */
	PODOOM_CGROUP_NEST_KIND,   /* a kubelet --cgroup-root of /kubelet, as kind sets it */
	PODOOM_CGROUP_NEST_DOCKER, /* inside a Docker container (k3d, docker-in-docker) */
	PODOOM_CGROUP_NEST_LXC,	   /* inside an LXC/LXD/Incus container (lxc.payload.<name>) */
	PODOOM_CGROUP_NEST_OTHER,  /* some other prefix */
	PODOOM_CGROUP_NEST_COUNT
};

/* What a parsed path says. Strings are NUL-terminated copies. */
struct podoom_cgroup_attr {
	enum podoom_cgroup_level level;
	enum podoom_cgroup_driver driver;
	enum podoom_cgroup_nest nest;
	bool has_qos;	     /* qos is known (levels QOS, POD, CONTAINER of the kubelet tree) */
	enum podoom_qos qos; /* Guaranteed pods have no QoS level in the path */
	enum podoom_runtime runtime;
	bool conmon;				     /* CRI-O's crio-conmon-<id> cgroup, not the container */
	char pod_uid[PODOOM_POD_UID_MAX + 1];	     /* with dashes (systemd's '_' restored); "" unknown */
	char container_id[PODOOM_CONTAINER_ID_MAX + 1]; /* "" unknown */
	size_t prefix_len; /* bytes of the path before the kubelet's tree (nesting and
			      --cgroup-root); 0 when at the root or not a kubelet path */
	size_t tail_len;   /* bytes after the last segment recognised at `level`
			      (e.g. a sub-cgroup inside a container); 0 when all were */
};

/*
 * podoom_cgroup_path_parse() - read a memcg path as the kernel prints it.
 * @s, @len: a path from the root ("/kubepods/burstable/pod<uid>/<id>"), or a
 * cgroup name without '/' as cpuset= prints it ("cri-containerd-<id>.scope",
 * a 64-hex id, "/" for the root). Not NUL-terminated; any bytes.
 * The kubelet tree is found at its last "kubepods" (cgroupfs), "kubepods.slice"
 * or "<P>-kubepods.slice" under "<P>.slice" (systemd) segment, so nested nodes
 * parse too. Unrecognised segments below stop the walk (see tail_len).
 * Return: 0 with *ret filled; -EINVAL empty, or a name with '/' that is not a
 * path; -E2BIG longer than PODOOM_CGROUP_PATH_MAX. *ret untouched on error.
 */
int podoom_cgroup_path_parse(const char *s, size_t len, struct podoom_cgroup_attr *ret);

/* What to build (podoom_cgroup_path_format). */
struct podoom_cgroup_spec {
	enum podoom_cgroup_driver driver; /* CGROUPFS or SYSTEMD */
	enum podoom_cgroup_level level;	  /* KUBEPODS, QOS, POD or CONTAINER: how deep to go */
	enum podoom_qos qos;		  /* QOS and below; QOS with Guaranteed is invalid */
	const char *pod_uid;		  /* POD and below: [0-9a-z-], 1..PODOOM_POD_UID_MAX bytes */
	enum podoom_runtime runtime;	  /* CONTAINER: the leaf's form; UNKNOWN only with cgroupfs */
	bool conmon;			  /* CRI-O only: the crio-conmon-<id> cgroup */
	const char *container_id;	  /* CONTAINER: [0-9a-f], 1..PODOOM_CONTAINER_ID_MAX bytes */
	const char *cgroup_root;	  /* kubelet --cgroup-root: NULL or "/" (default), "/kubelet" on
					     kind; components [a-z0-9], as cgroupfs writes them */
	const char *outer_prefix;	  /* NULL, or where the node sits as the host sees it:
					     "/system.slice/docker-<id>.scope", "/lxc.payload.c1" */
};

/*
 * podoom_cgroup_path_format() - the memcg path the kubelet (kubepods, QoS,
 * pod) and the runtime (container) create for @spec, from the hierarchy root
 * as the kernel prints it. Under a mount it is the same for v1
 * (/sys/fs/cgroup/memory) and v2 (/sys/fs/cgroup).
 * Writes at most @size bytes including the NUL.
 * Return: the path length; -EINVAL an invalid spec; -E2BIG the path would be
 * longer than PODOOM_CGROUP_PATH_MAX - 1; -ENOBUFS @size too small. On error
 * buf holds "" when size > 0.
 */
int podoom_cgroup_path_format(const struct podoom_cgroup_spec *spec, char *buf, size_t size);

/* podoom_cgroup_path_within() - @path is @ancestor or below it ("/" holds
 * every path; "/a" holds "/a/b" but not "/ab"). */
bool podoom_cgroup_path_within(const char *path, const char *ancestor);

/* How far up the memcg that hit its limit sits: what kind of OOM it was. */
enum podoom_oom_class {
	PODOOM_OOM_CLASS_CONTAINER_LIMIT,  /* "container-limit": the container's own limit */
	PODOOM_OOM_CLASS_POD_LIMIT,	   /* "pod-limit": the pod cgroup's (sum of limits) */
	PODOOM_OOM_CLASS_NODE_ALLOCATABLE, /* "node-allocatable": kubepods, all pods together */
	PODOOM_OOM_CLASS_QOS_LIMIT,	   /* "qos-limit": a QoS cgroup (qosReserved) */
	PODOOM_OOM_CLASS_MEMCG,		   /* "memcg": any other memcg (systemd unit, Docker
					      container, conmon, a cgroup inside a container) */
	PODOOM_OOM_CLASS_GLOBAL,	   /* "global": node-wide, no memcg limit */
	PODOOM_OOM_CLASS_COUNT
};

/*
 * podoom_oom_classify() - the class of an OOM from the parsed oom_memcg
 * ("limit of" on <= 4.20, "Memory cgroup stats for" otherwise); NULL, or the
 * root, for a global OOM (`global_oom`).
 */
enum podoom_oom_class podoom_oom_classify(const struct podoom_cgroup_attr *oom_memcg);

/* Stable names: "unknown", "cgroupfs", "systemd"; "root", "kubepods", "qos",
 * "pod", "container", "other"; "unknown", "containerd", "cri-o", "docker";
 * "none", "kind", "docker", "lxc", "other"; "container-limit", "pod-limit",
 * "node-allocatable", "qos-limit", "memcg", "global". NULL when out of range. */
const char *podoom_cgroup_driver_to_string(enum podoom_cgroup_driver d);
const char *podoom_cgroup_level_to_string(enum podoom_cgroup_level l);
const char *podoom_runtime_to_string(enum podoom_runtime r);
const char *podoom_cgroup_nest_to_string(enum podoom_cgroup_nest n);
const char *podoom_oom_class_to_string(enum podoom_oom_class c);

/* podoom_oom_class_from_string() - the inverse of _to_string.
 * Return: 0 with *ret set; -EINVAL unknown. *ret untouched on error. */
int podoom_oom_class_from_string(const char *s, size_t len, enum podoom_oom_class *ret);

#endif
