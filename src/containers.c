// SPDX-License-Identifier: GPL-2.0
#include "containers.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* NAME is PREFIX, 64 hex digits, then one of the suffixes ("" allowed). */
static bool id_between(const char *name, const char *prefix,
		       const char *const *suffixes, const char **id)
{
	size_t pl = strlen(prefix), nl = strlen(name);
	int i;

	if (strncmp(name, prefix, pl) || nl < pl + EW_CONTAINER_ID_LEN ||
	    !is_hex(name + pl, EW_CONTAINER_ID_LEN))
		return false;
	for (i = 0; suffixes[i]; i++) {
		if (!strcmp(name + pl + EW_CONTAINER_ID_LEN, suffixes[i])) {
			*id = name + pl;
			return true;
		}
	}
	return false;
}

static const char *const scope_or_none[] = { ".scope", "", NULL };
static const char *const scope_only[] = { ".scope", NULL };

static bool is_monitor(const char *name)
{
	return !strncmp(name, "libpod-conmon-", 14) ||
	       !strncmp(name, "crio-conmon-", 12);
}

/* Kubernetes pod directories: "pod<uid>", "kubepods-...-pod<uid>.slice". */
static bool is_pod_dir(const char *name)
{
	return !strncmp(name, "pod", 3) ||
	       (!strncmp(name, "kubepods", 8) && strstr(name, "-pod"));
}

/* "...:cri-containerd:<id>", "...:crio:<id>", "...:docker:<id>" (systemd driver) */
static const char *systemd_driver(const char *name, const char **id)
{
	static const struct { const char *tag, *runtime; } tags[] = {
		{ ":cri-containerd:", "containerd" },
		{ ":crio:", "cri-o" },
		{ ":docker:", "docker" },
	};
	size_t i;

	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		const char *p = strstr(name, tags[i].tag);

		if (p && (p += strlen(tags[i].tag)) &&
		    strlen(p) == EW_CONTAINER_ID_LEN && is_hex(p, EW_CONTAINER_ID_LEN)) {
			*id = p;
			return tags[i].runtime;
		}
	}
	return NULL;
}

static const char *match_level(const char *name, const char *parent,
			       const char **id)
{
	const char *rt;

	if (id_between(name, "docker-", scope_only, id))
		return "docker";
	if (id_between(name, "libpod-", scope_or_none, id))
		return "podman";
	if (id_between(name, "cri-containerd-", scope_only, id))
		return "containerd";
	if (id_between(name, "crio-", scope_or_none, id))
		return "cri-o";
	if ((rt = systemd_driver(name, id)))
		return rt;
	if (strlen(name) == EW_CONTAINER_ID_LEN && is_hex(name, EW_CONTAINER_ID_LEN) &&
	    parent) {
		*id = name;
		if (!strcmp(parent, "docker"))
			return "docker";
		if (is_pod_dir(parent))
			return "kubernetes";
	}
	return NULL;
}

bool ew_container_parse(const char *names, size_t len, struct ew_container *out)
{
	const char *end = names + len, *name = names;

	memset(out, 0, sizeof(*out));
	while (name < end && *name) {
		size_t nl = strnlen(name, end - name);
		const char *parent = name + nl + 1 < end ? name + nl + 1 : NULL;
		const char *id, *rt;

		/* A parent the probe cut has no NUL: not to be read as a string. */
		if (parent && strnlen(parent, end - parent) == (size_t)(end - parent))
			parent = NULL;

		if (name + nl == end)	/* a name the probe cut: unusable */
			break;
		if (is_monitor(name))
			return false;
		rt = match_level(name, parent && *parent ? parent : NULL, &id);
		if (rt) {
			memcpy(out->id, id, EW_CONTAINER_ID_LEN);
			out->runtime = rt;
			return true;
		}
		name += nl + 1;
	}
	return false;
}

bool ew_containers_running(void)
{
	static const char init_ns[] = "pid:[4026531836]";	/* PROC_PID_INIT_INO */
	DIR *d = opendir("/proc");
	struct dirent *de;
	bool found = false;

	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		char path[64], link[64];
		ssize_t n;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/ns/pid", de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = 0;
		found = strcmp(link, init_ns) != 0;
	}
	closedir(d);
	return found;
}

#define CACHE_SLOTS 256
#define NAMES_MAX 1024

/* Keyed by the names themselves as well as the id: on a v1-only host every
 * task has the v2 root's id and only the names tell cgroups apart. */
struct slot {
	uint64_t key;
	uint16_t len;
	char names[NAMES_MAX];
	struct ew_container c;
};

struct ew_container_cache {
	struct slot slot[CACHE_SLOTS];
};

struct ew_container_cache *ew_container_cache_new(void)
{
	return calloc(1, sizeof(struct ew_container_cache));
}

static uint64_t hash(uint64_t cgroup_id, const char *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ cgroup_id;

	while (len--)
		h = (h ^ (unsigned char)*p++) * 0x100000001b3ULL;
	return h | 1;	/* 0 marks an empty slot */
}

/* A direct-mapped cache: a collision costs one parse, never a wrong answer. */
const struct ew_container *ew_container_lookup(struct ew_container_cache *c,
					       uint64_t cgroup_id,
					       const char *names, size_t len)
{
	uint64_t key = hash(cgroup_id, names, len);
	struct slot *s = &c->slot[key % CACHE_SLOTS];

	if (s->key == key && s->len == len && !memcmp(s->names, names, len))
		return &s->c;
	ew_container_parse(names, len, &s->c);
	if (len <= NAMES_MAX) {
		s->key = key;
		s->len = len;
		memcpy(s->names, names, len);
	} else {
		s->key = 0;
	}
	return &s->c;
}

void ew_container_cache_free(struct ew_container_cache *c)
{
	free(c);
}
