// SPDX-License-Identifier: GPL-2.0
#include "btf_offsets.h"

#include <bpf/btf.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

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

/* Bit offset of NAME in T, looking through anonymous members; *type gets
 * the member's type id, *bitfield whether it is one. Depth-limited: real
 * kernels nest a few levels. */
static long find_member(const struct btf *btf, const struct btf_type *t,
			const char *name, __u32 *type, bool *bitfield, int depth)
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
			*bitfield = btf_member_bitfield_size(t, i) || bits % 8;
			*type = m->type;
			return bits;
		}
		inner = skip_mods(btf, &id);
		if (!composite(inner))
			continue;
		off = find_member(btf, inner, name, type, bitfield, depth + 1);
		if (off >= 0)
			return off + bits;
		if (off != -ENOENT)
			return off;
	}
	return -ENOENT;
}

/* One path component, "x|y" meaning the first of x and y that exists. */
static long find_alternative(const struct btf *btf, const struct btf_type *t,
			     const char *alts, size_t len, __u32 *type,
			     bool *bitfield)
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
		off = find_member(btf, t, name, type, bitfield, 0);
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

/* Bit offset of a member path; *bitfield when its last member is one. */
static long member_bits(const struct btf *btf, const char *type,
			const char *member, bool *bitfield)
{
	const struct btf_type *t = find_type(btf, type, BTF_KIND_STRUCT);
	long total = 0;

	while (t) {
		const char *dot = strchr(member, '.');
		size_t len = dot ? (size_t)(dot - member) : strlen(member);
		__u32 id;
		long off = find_alternative(btf, t, member, len, &id, bitfield);

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

long ew_btf_member_offset(const struct btf *btf, const char *type,
			  const char *member)
{
	bool bitfield = false;
	long bits = member_bits(btf, type, member, &bitfield);

	if (bits < 0)
		return bits;
	return bitfield ? -EINVAL : bits / 8;
}

long ew_btf_member_bit(const struct btf *btf, const char *type,
		       const char *member)
{
	bool bitfield = false;

	return member_bits(btf, type, member, &bitfield);
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
	case EW_SPEC_BIT:
		return ew_btf_member_bit(btf, s->type, s->member);
	case EW_SPEC_SIZE:
		id = btf__find_by_name_kind(btf, s->type, BTF_KIND_STRUCT);
		return id < 0 ? -ENOENT : btf__resolve_size(btf, id);
	case EW_SPEC_ENUM:
		return enum_value(btf, s->type, s->member);
	}
	return -EINVAL;
}

static bool is_ident(const char *s, size_t n)
{
	size_t i;

	if (!n || isdigit((unsigned char)s[0]))
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

/* A member path: identifiers joined by '.' and '|'. */
static bool is_path(const char *s, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '.' && s[i] != '|')
			continue;
		if (!is_ident(s + start, i - start))
			return false;
		start = i + 1;
	}
	return true;
}

static int copy(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return -1;
	memcpy(dst, s, n);
	dst[n] = 0;
	return 0;
}

/* "NAME = SPEC", the text after "btf:" up to the end of the line. */
static int parse_spec(const char *p, size_t len, struct ew_offset_spec *out)
{
	const char *end = p + len, *eq = memchr(p, '=', len), *v, *sep;
	size_t nl, vl;

	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	if (!eq)
		return -1;
	while (p < eq && isspace((unsigned char)*p))
		p++;
	for (nl = eq - p; nl && isspace((unsigned char)p[nl - 1]); nl--)
		;
	for (v = eq + 1; v < end && isspace((unsigned char)*v); v++)
		;
	vl = end - v;
	memset(out, 0, sizeof(*out));
	if (!is_ident(p, nl) || copy(out->macro, sizeof(out->macro), p, nl))
		return -1;
	if (vl > 8 && !strncmp(v, "sizeof(", 7) && v[vl - 1] == ')') {
		out->kind = EW_SPEC_SIZE;
		return is_ident(v + 7, vl - 8) ?
		       copy(out->type, sizeof(out->type), v + 7, vl - 8) : -1;
	}
	if ((sep = memchr(v, ':', vl)) && sep + 1 < end && sep[1] == ':') {
		out->kind = EW_SPEC_ENUM;
		if (!is_ident(v, sep - v) || !is_ident(sep + 2, end - sep - 2))
			return -1;
		return copy(out->type, sizeof(out->type), v, sep - v) ||
		       copy(out->member, sizeof(out->member), sep + 2, end - sep - 2);
	}
	out->kind = EW_SPEC_MEMBER;
	if (vl > 4 && !strncmp(end - 4, ":bit", 4)) {
		out->kind = EW_SPEC_BIT;
		vl -= 4;
	}
	sep = memchr(v, '.', vl);
	if (!sep || !is_ident(v, sep - v) || !is_path(sep + 1, v + vl - sep - 1))
		return -1;
	return copy(out->type, sizeof(out->type), v, sep - v) ||
	       copy(out->member, sizeof(out->member), sep + 1, v + vl - sep - 1);
}

int ew_btf_specs_parse(const char *text, struct ew_offset_spec *out, int max,
		       unsigned *bad_line)
{
	const char *p = text;
	unsigned line = 1;
	int n = 0;

	for (; *p; line++) {
		size_t len = strcspn(p, "\n");
		const char *q = p, *end = p + len;

		/* Only in a comment: blanks, then "*" or "//", then "btf:". */
		while (q < end && isspace((unsigned char)*q))
			q++;
		if (q + 1 < end && q[0] == '/' && q[1] == '/')
			q += 2;
		else if (q < end && *q == '*')
			q++;
		else
			q = end;
		while (q < end && isspace((unsigned char)*q))
			q++;
		if (end - q >= 4 && !strncmp(q, "btf:", 4)) {
			if (n == max)
				return -E2BIG;
			if (parse_spec(q + 4, end - q - 4, &out[n])) {
				*bad_line = line;
				return -EINVAL;
			}
			n++;
		}
		p = *end ? end + 1 : end;
	}
	return n;
}
