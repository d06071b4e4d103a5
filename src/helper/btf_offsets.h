/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel struct layout from BTF, for the probe's -D EW_OFF_* flags. */
#ifndef EXECWATCH_BTF_OFFSETS_H
#define EXECWATCH_BTF_OFFSETS_H

#include <stdbool.h>

struct btf;

enum ew_spec_kind {
	EW_SPEC_MEMBER,		/* byte offset of a member path */
	EW_SPEC_SIZE,		/* sizeof(struct TYPE) */
	EW_SPEC_ENUM,		/* the value of enumerator MEMBER in enum TYPE */
};

struct ew_offset_spec {
	const char *macro;
	enum ew_spec_kind kind;
	const char *type;
	/* "a.b" walks into member a's type; "x|y" takes the first that exists,
	 * for members renamed between kernel versions. */
	const char *member;
};

/* What the shipped probe needs: the core set, then the container set
 * (namespaces, cgroup names, tty), which the probe can do without. */
extern const struct ew_offset_spec ew_core_specs[];
extern const struct ew_offset_spec ew_container_specs[];

/* Byte offset of MEMBER (a path, see above) in struct or union TYPE,
 * looking through anonymous members; -ENOENT if absent, -EINVAL for a
 * bitfield. */
long ew_btf_member_offset(const struct btf *btf, const char *type,
			  const char *member);
/* Resolves one spec: an offset, a size or an enumerator value. */
long ew_btf_resolve(const struct btf *btf, const struct ew_offset_spec *s);

#endif
