/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which container an exec ran in, from the names of its cgroup and the
 * cgroup's ancestors (leaf first), as the probe read them at exec time:
 * so an exec in a container that is already gone is still labelled.
 */
#ifndef EXECWATCH_CONTAINERS_H
#define EXECWATCH_CONTAINERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EW_CONTAINER_ID_LEN 64

struct ew_container {
	char id[EW_CONTAINER_ID_LEN + 1];	/* "" on the host */
	const char *runtime;			/* "docker", "podman", ... or NULL */
};

/*
 * Recognises Docker, Podman, containerd (CRI), CRI-O and Kubernetes pod
 * naming in NAMES (LEN bytes of NUL-ended names, leaf first). The
 * runtimes' monitors (libpod-conmon-*, crio-conmon-*) are not containers.
 * Returns true for a container.
 */
bool ew_container_parse(const char *names, size_t len, struct ew_container *out);

/* Is any process on this machine in a PID namespace other than the
 * initial one (a container, most likely)? */
bool ew_containers_running(void);

/* Results by cgroup id, so each cgroup is parsed once. */
struct ew_container_cache;

struct ew_container_cache *ew_container_cache_new(void);
const struct ew_container *ew_container_lookup(struct ew_container_cache *c,
					       uint64_t cgroup_id,
					       const char *names, size_t len);
void ew_container_cache_free(struct ew_container_cache *c);

#endif
