/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel struct layout from BTF, for the probe's -D flags. The probe says
 * what it reads in "btf:" lines (probes/execwatch.bpf.c's header):
 *
 *	btf: NAME = type.member[.member...]	byte offset ("a|b": the first that exists)
 *	btf: NAME = type.member:bit		bit offset, for a bitfield
 *	btf: NAME = sizeof(type)
 *	btf: NAME = type::ENUMERATOR		its value
 */
#ifndef EXECWATCH_BTF_OFFSETS_H
#define EXECWATCH_BTF_OFFSETS_H

#include <stdbool.h>

struct btf;

enum ew_spec_kind {
	EW_SPEC_MEMBER,		/* byte offset of a member path */
	EW_SPEC_BIT,		/* bit offset of a member path, bitfields included */
	EW_SPEC_SIZE,		/* sizeof(struct TYPE) */
	EW_SPEC_ENUM,		/* the value of enumerator MEMBER in enum TYPE */
};

struct ew_offset_spec {
	char macro[64];
	enum ew_spec_kind kind;
	char type[64];
	char member[128];
};

#define EW_MAX_SPECS 96

/*
 * The "btf:" lines of a probe's TEXT, in order, into OUT (room for MAX).
 * Returns how many, or -EINVAL with *BAD_LINE set to the first line that
 * says "btf:" but is not a spec, or -E2BIG.
 */
int ew_btf_specs_parse(const char *text, struct ew_offset_spec *out, int max,
		       unsigned *bad_line);

/* Byte offset of MEMBER (a path, see above) in struct or union TYPE,
 * looking through anonymous members; -ENOENT if absent, -EINVAL for a
 * bitfield. */
long ew_btf_member_offset(const struct btf *btf, const char *type,
			  const char *member);
/* The same in bits, for bitfields too. */
long ew_btf_member_bit(const struct btf *btf, const char *type,
		       const char *member);
/* Resolves one spec: an offset, a size or an enumerator value; -ENOENT
 * when this kernel has no such thing. */
long ew_btf_resolve(const struct btf *btf, const struct ew_offset_spec *s);

#endif
