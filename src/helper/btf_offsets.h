/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel struct member offsets from BTF, for the probe's -D EW_OFF_* flags. */
#ifndef EXECWATCH_BTF_OFFSETS_H
#define EXECWATCH_BTF_OFFSETS_H

struct btf;

struct ew_offset_spec {
	const char *macro;
	const char *type;
	const char *member;
};

/* Every offset the shipped probe reads through; NULL-terminated. */
extern const struct ew_offset_spec ew_offset_specs[];

/* Byte offset of MEMBER in struct or union TYPE, looking through anonymous
 * members; -ENOENT if absent, -EINVAL for a bitfield. */
long ew_btf_member_offset(const struct btf *btf, const char *type,
			  const char *member);

#endif
