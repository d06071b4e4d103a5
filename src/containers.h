/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which container an exec ran in, from the names of its cgroup's
 * ancestors and its own (from the root down) and who could write where,
 * as the probe read them at exec time: so an exec in a container that is
 * already gone is still labelled. Cgroup names are chosen by whoever can
 * make the cgroup, a user in a delegated subtree included: docs/containers.md.
 */
#ifndef EXECWATCH_CONTAINERS_H
#define EXECWATCH_CONTAINERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EW_CONTAINER_ID_LEN 64

/* Where a task's cgroup is, as the probe read it (probes/event.h). */
struct ew_cgroup_path {
	const char *names;	/* NUL-ended names, from the root down */
	size_t len;
	uint32_t level;		/* the depth of the task's cgroup, the root 0 */
	uint32_t user_level;	/* the first level a user other than root can
				 * make cgroups in; 0: none */
	uint32_t user_uid;	/* its owner; EW_UID_UNKNOWN: root's, open to others */
	bool root_open;		/* the root cgroup itself is user-writable: every
				 * name is a user's (user_uid its owner) */
	bool known;		/* the probe read them */
};

#define EW_UID_UNKNOWN ((uint32_t)-1)

enum ew_container_kind {
	EW_CT_HOST,		/* in no container */
	EW_CT_SYSTEM,		/* a runtime's, in a cgroup only root could name */
	EW_CT_USER,		/* named in a cgroup a user could name: a rootless
				 * container, or anything its owner says it is */
	EW_CT_UNKNOWN,		/* the probe could not read far enough to tell */
};

struct ew_container {
	char id[EW_CONTAINER_ID_LEN + 1];	/* "" unless SYSTEM or USER */
	const char *runtime;			/* "docker", "podman", ... or NULL */
	enum ew_container_kind kind;
	uint32_t owner_uid;			/* USER: the subtree's owner */
};

/*
 * Recognises Docker, Podman, containerd (CRI), CRI-O and Kubernetes pod
 * naming, from the root down, so the outermost container wins whatever
 * lies below it. A system container is one named under a runtime's own
 * parent (system.slice, machine.slice, libpod_parent, docker, kubepods...)
 * with no level above the name a user other than root could write in.
 * Names in a user's subtree make a user container. The runtimes' monitors
 * (libpod-conmon-*, crio-conmon-*) are not containers. Returns OUT->kind.
 */
enum ew_container_kind ew_container_parse(const struct ew_cgroup_path *p,
					  struct ew_container *out);

/* Is any process on this machine in a PID namespace other than the
 * initial one (a container, most likely)? */
bool ew_containers_running(void);

/* Results by cgroup id, so each cgroup is parsed once. */
struct ew_container_cache;

struct ew_container_cache *ew_container_cache_new(void);
const struct ew_container *ew_container_lookup(struct ew_container_cache *c,
					       uint64_t cgroup_id,
					       const struct ew_cgroup_path *p);
void ew_container_cache_free(struct ew_container_cache *c);

#endif
