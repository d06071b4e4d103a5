// SPDX-License-Identifier: GPL-2.0
#include "btf_offsets.h"

#include <bpf/btf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define M(macro, type, member) { macro, EW_SPEC_MEMBER, type, member }

const struct ew_offset_spec ew_core_specs[] = {
	M("EW_OFF_TASK_MM", "task_struct", "mm"),
	M("EW_OFF_TASK_REAL_PARENT", "task_struct", "real_parent"),
	M("EW_OFF_TASK_TGID", "task_struct", "tgid"),
	M("EW_OFF_MM_ARG_START", "mm_struct", "arg_start"),
	M("EW_OFF_MM_ARG_END", "mm_struct", "arg_end"),
	M("EW_OFF_MM_ENV_END", "mm_struct", "env_end"),
	M("EW_OFF_MM_START_STACK", "mm_struct", "start_stack"),
	{ NULL },
};

const struct ew_offset_spec ew_container_specs[] = {
	M("EW_OFF_TASK_NSPROXY", "task_struct", "nsproxy"),
	M("EW_OFF_NSPROXY_MNT_NS", "nsproxy", "mnt_ns"),
	M("EW_OFF_MNT_NS_INUM", "mnt_namespace", "ns.inum"),
	M("EW_OFF_TASK_THREAD_PID", "task_struct", "thread_pid"),
	M("EW_OFF_PID_LEVEL", "pid", "level"),
	M("EW_OFF_PID_NUMBERS", "pid", "numbers"),
	{ "EW_SIZE_UPID", EW_SPEC_SIZE, "upid", NULL },
	M("EW_OFF_UPID_NR", "upid", "nr"),
	M("EW_OFF_UPID_NS", "upid", "ns"),
	M("EW_OFF_PIDNS_INUM", "pid_namespace", "ns.inum"),
	M("EW_OFF_TASK_SIGNAL", "task_struct", "signal"),
	M("EW_OFF_SIGNAL_TTY", "signal_struct", "tty"),
	M("EW_OFF_TASK_CGROUPS", "task_struct", "cgroups"),
	M("EW_OFF_CSS_SET_DFL_CGRP", "css_set", "dfl_cgrp"),
	M("EW_OFF_CSS_SET_SUBSYS", "css_set", "subsys"),
	M("EW_OFF_CSS_CGROUP", "cgroup_subsys_state", "cgroup"),
	M("EW_OFF_CGROUP_KN", "cgroup", "kn"),
	M("EW_OFF_KN_PARENT", "kernfs_node", "__parent|parent"),
	M("EW_OFF_KN_NAME", "kernfs_node", "name"),
	{ "EW_CGRP_SUBSYS_PIDS", EW_SPEC_ENUM, "cgroup_subsys_id", "pids_cgrp_id" },
	{ NULL },
};

static const struct btf_type *skip_mods(const struct btf *btf, __u32 *id)
{
	const struct btf_type *t = btf__type_by_id(btf, *id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
		*id = t->type;
		t = btf__type_by_id(btf, *id);
	}
	return t;
}

static bool composite(const struct btf_type *t)
{
	return t && (btf_is_struct(t) || btf_is_union(t));
}

/* Offset of NAME in T, looking through anonymous members; *type gets the
 * member's type id. Depth-limited: real kernels nest a few levels. */
static long find_member(const struct btf *btf, const struct btf_type *t,
			const char *name, __u32 *type, int depth)
{
	const struct btf_member *m = btf_members(t);
	int i;

	if (depth > 8)
		return -ENOENT;
	for (i = 0; i < btf_vlen(t); i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);
		__u32 bits = btf_member_bit_offset(t, i), id = m->type;
		const struct btf_type *inner;
		long off;

		if (mn && *mn) {
			if (strcmp(mn, name))
				continue;
			if (btf_member_bitfield_size(t, i) || bits % 8)
				return -EINVAL;
			*type = m->type;
			return bits / 8;
		}
		inner = skip_mods(btf, &id);
		if (!composite(inner))
			continue;
		off = find_member(btf, inner, name, type, depth + 1);
		if (off >= 0)
			return off + bits / 8;
		if (off != -ENOENT)
			return off;
	}
	return -ENOENT;
}

/* One path component, "x|y" meaning the first of x and y that exists. */
static long find_alternative(const struct btf *btf, const struct btf_type *t,
			     const char *alts, size_t len, __u32 *type)
{
	while (len) {
		const char *bar = memchr(alts, '|', len);
		size_t n = bar ? (size_t)(bar - alts) : len;
		char name[128];
		long off;

		if (n >= sizeof(name))
			return -EINVAL;
		memcpy(name, alts, n);
		name[n] = 0;
		off = find_member(btf, t, name, type, 0);
		if (off != -ENOENT)
			return off;
		if (!bar)
			break;
		len -= n + 1;
		alts = bar + 1;
	}
	return -ENOENT;
}

static const struct btf_type *find_type(const struct btf *btf, const char *name,
					int kind)
{
	__s32 id = btf__find_by_name_kind(btf, name, kind);

	if (id < 0 && kind == BTF_KIND_STRUCT)
		id = btf__find_by_name_kind(btf, name, BTF_KIND_UNION);
	return id < 0 ? NULL : btf__type_by_id(btf, id);
}

long ew_btf_member_offset(const struct btf *btf, const char *type,
			  const char *member)
{
	const struct btf_type *t = find_type(btf, type, BTF_KIND_STRUCT);
	long total = 0;

	while (t) {
		const char *dot = strchr(member, '.');
		size_t len = dot ? (size_t)(dot - member) : strlen(member);
		__u32 id;
		long off = find_alternative(btf, t, member, len, &id);

		if (off < 0)
			return off;
		total += off;
		if (!dot)
			return total;
		member = dot + 1;
		t = skip_mods(btf, &id);
		if (!composite(t))
			return -ENOENT;
	}
	return -ENOENT;
}

static long enum_value(const struct btf *btf, const char *type,
		       const char *name)
{
	const struct btf_type *t = find_type(btf, type, BTF_KIND_ENUM);
	const struct btf_enum *e;
	int i;

	if (!t)
		return -ENOENT;
	e = btf_enum(t);
	for (i = 0; i < btf_vlen(t); i++, e++)
		if (!strcmp(btf__name_by_offset(btf, e->name_off), name))
			return e->val;
	return -ENOENT;
}

long ew_btf_resolve(const struct btf *btf, const struct ew_offset_spec *s)
{
	__s32 id;

	switch (s->kind) {
	case EW_SPEC_MEMBER:
		return ew_btf_member_offset(btf, s->type, s->member);
	case EW_SPEC_SIZE:
		id = btf__find_by_name_kind(btf, s->type, BTF_KIND_STRUCT);
		return id < 0 ? -ENOENT : btf__resolve_size(btf, id);
	case EW_SPEC_ENUM:
		return enum_value(btf, s->type, s->member);
	}
	return -EINVAL;
}
