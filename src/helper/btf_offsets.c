// SPDX-License-Identifier: GPL-2.0
#include "btf_offsets.h"

#include <bpf/btf.h>
#include <errno.h>
#include <string.h>

const struct ew_offset_spec ew_offset_specs[] = {
	{ "EW_OFF_TASK_MM", "task_struct", "mm" },
	{ "EW_OFF_TASK_REAL_PARENT", "task_struct", "real_parent" },
	{ "EW_OFF_TASK_TGID", "task_struct", "tgid" },
	{ "EW_OFF_MM_ARG_START", "mm_struct", "arg_start" },
	{ "EW_OFF_MM_ARG_END", "mm_struct", "arg_end" },
	{ "EW_OFF_MM_ENV_END", "mm_struct", "env_end" },
	{ "EW_OFF_MM_START_STACK", "mm_struct", "start_stack" },
	{ NULL, NULL, NULL },
};

static const struct btf_type *composite(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	if (t && (btf_is_struct(t) || btf_is_union(t)))
		return t;
	return NULL;
}

/* Depth-limited: anonymous nesting in real kernels is a few levels deep. */
static long find_member(const struct btf *btf, const struct btf_type *t,
			const char *member, int depth)
{
	const struct btf_member *m = btf_members(t);
	int i;

	if (depth > 8)
		return -ENOENT;
	for (i = 0; i < btf_vlen(t); i++, m++) {
		const char *name = btf__name_by_offset(btf, m->name_off);
		__u32 bits = btf_member_bit_offset(t, i);

		if (name && *name) {
			if (strcmp(name, member))
				continue;
			if (btf_member_bitfield_size(t, i) || bits % 8)
				return -EINVAL;
			return bits / 8;
		}
		const struct btf_type *inner = composite(btf, m->type);
		long off;

		if (!inner)
			continue;
		off = find_member(btf, inner, member, depth + 1);
		if (off >= 0)
			return off + bits / 8;
		if (off != -ENOENT)
			return off;
	}
	return -ENOENT;
}

long ew_btf_member_offset(const struct btf *btf, const char *type,
			  const char *member)
{
	__s32 id = btf__find_by_name_kind(btf, type, BTF_KIND_STRUCT);
	const struct btf_type *t;

	if (id < 0)
		id = btf__find_by_name_kind(btf, type, BTF_KIND_UNION);
	if (id < 0)
		return -ENOENT;
	t = btf__type_by_id(btf, id);
	if (!t)
		return -ENOENT;
	return find_member(btf, t, member, 0);
}
