// SPDX-License-Identifier: GPL-2.0
#include "containers.h"

#include <linux/types.h>
#include "../probes/event.h"

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

/*
 * The top-level cgroups the runtimes make their containers under, and the
 * systemd driver's one-level form ("kubepods-...slice:crio:<id>").
 */
static bool runtime_parent(const char *name)
{
	static const char *const exact[] = {
		"system.slice", "machine.slice", "libpod_parent", "docker",
		"kubepods", "kubepods.slice",
	};
	size_t i;

	for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (!strcmp(name, exact[i]))
			return true;
	return !strncmp(name, "kubepods-", 9) || !strncmp(name, "system.slice:", 13);
}

static enum ew_container_kind found(struct ew_container *out,
				    enum ew_container_kind kind, const char *id,
				    const char *runtime, uint32_t owner)
{
	memcpy(out->id, id, EW_CONTAINER_ID_LEN);
	out->id[EW_CONTAINER_ID_LEN] = 0;
	out->runtime = runtime;
	out->owner_uid = owner;
	return out->kind = kind;
}

enum ew_container_kind ew_container_parse(const struct ew_cgroup_path *p,
					  struct ew_container *out)
{
	const char *end = p->names + p->len, *name = p->names;
	const char *parent = NULL, *top = NULL;
	uint32_t level = 0, want;

	memset(out, 0, sizeof(*out));
	if (!p->known)
		return out->kind = EW_CT_UNKNOWN;
	want = p->level < EW_CGROUP_LEVELS ? p->level : EW_CGROUP_LEVELS;
	while (name < end) {
		size_t nl = strnlen(name, end - name);
		const char *id, *rt;
		bool users;

		if (name + nl == end || !nl)	/* cut by the probe, or not a name */
			break;
		level++;
		users = p->root_open || (p->user_level && level > p->user_level);
		if (!top)
			top = name;
		if (is_monitor(name))
			return out->kind = EW_CT_HOST;
		rt = match_level(name, parent, &id);
		/* Named by a user: theirs, whatever it claims to be. */
		if (rt && users)
			return found(out, EW_CT_USER, id, rt, p->user_uid);
		if (rt && runtime_parent(top))
			return found(out, EW_CT_SYSTEM, id, rt, 0);
		parent = name;
		name += nl + 1;
	}
	/* Levels below the ones read may hold a container, unless what was
	 * read is already inside a user's subtree: the rest is theirs. */
	if (level < want || p->level > EW_CGROUP_LEVELS)
		if (!p->root_open && (!p->user_level || p->user_level > level))
			return out->kind = EW_CT_UNKNOWN;
	return out->kind = EW_CT_HOST;
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
	struct ew_cgroup_path path;	/* names points into names[] */
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

static uint64_t mix(uint64_t h, const void *s, size_t len)
{
	const unsigned char *p = s;

	while (len--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

static uint64_t hash(uint64_t cgroup_id, const struct ew_cgroup_path *p)
{
	uint32_t w[4] = { p->level, p->user_level, p->user_uid,
			  (uint32_t)p->known | (uint32_t)p->root_open << 1 };
	uint64_t h = 0xcbf29ce484222325ULL ^ cgroup_id;

	h = mix(mix(h, w, sizeof(w)), p->names, p->len);
	return h | 1;	/* 0 marks an empty slot */
}

static bool same(const struct ew_cgroup_path *a, const struct ew_cgroup_path *b)
{
	return a->len == b->len && a->level == b->level &&
	       a->user_level == b->user_level && a->user_uid == b->user_uid &&
	       a->known == b->known && a->root_open == b->root_open &&
	       !memcmp(a->names, b->names, a->len);
}

/* A direct-mapped cache: a collision costs one parse, never a wrong answer. */
const struct ew_container *ew_container_lookup(struct ew_container_cache *c,
					       uint64_t cgroup_id,
					       const struct ew_cgroup_path *p)
{
	uint64_t key = hash(cgroup_id, p);
	struct slot *s = &c->slot[key % CACHE_SLOTS];

	if (s->key == key && same(&s->path, p))
		return &s->c;
	ew_container_parse(p, &s->c);
	if (p->len <= NAMES_MAX) {
		s->key = key;
		s->path = *p;
		memcpy(s->names, p->names, p->len);
		s->path.names = s->names;
	} else {
		s->key = 0;
	}
	return &s->c;
}

void ew_container_cache_free(struct ew_container_cache *c)
{
	free(c);
}
