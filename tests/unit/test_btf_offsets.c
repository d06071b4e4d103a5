// SPDX-License-Identifier: GPL-2.0
/* Member offsets from a BTF built in memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <bpf/btf.h>
#include <errno.h>
#include <string.h>

#include "btf_offsets.h"

static void ok(int id)
{
	assert_true(id > 0);
}

/*
 * struct outer {			// 72 bytes
 *	int a;				// 0
 *	int *p;				// 8
 *	struct { int x; long y; };	// 16: x 16, y 24
 *	union {				// 32
 *		long u1;
 *		int u2;
 *		struct { int pad; int deep; };	// deep 36
 *	};
 *	const tdef_t;			// 40: z 40 (anonymous, via typedef)
 *	struct named inner;		// 44: hidden is not outer's
 *	int bits:3;			// 48, bit 0
 *	int more:5;			// bit 387
 *	long tail;			// 56
 * };
 * union top_u { long v; int w; };
 */
static struct btf *build(void)
{
	struct btf *btf = btf__new_empty();
	int i32, i64, ptr, deep, anon_u, anon_s, tz, tdef, cdef, named, outer;

	assert_non_null(btf);
	ok(i32 = btf__add_int(btf, "int", 4, BTF_INT_SIGNED));
	ok(i64 = btf__add_int(btf, "long", 8, BTF_INT_SIGNED));
	ok(ptr = btf__add_ptr(btf, i32));

	ok(deep = btf__add_struct(btf, NULL, 8));
	assert_int_equal(btf__add_field(btf, "pad", i32, 0, 0), 0);
	assert_int_equal(btf__add_field(btf, "deep", i32, 32, 0), 0);

	ok(anon_u = btf__add_union(btf, NULL, 8));
	assert_int_equal(btf__add_field(btf, "u1", i64, 0, 0), 0);
	assert_int_equal(btf__add_field(btf, "u2", i32, 0, 0), 0);
	assert_int_equal(btf__add_field(btf, NULL, deep, 0, 0), 0);

	ok(anon_s = btf__add_struct(btf, "", 16));
	assert_int_equal(btf__add_field(btf, "x", i32, 0, 0), 0);
	assert_int_equal(btf__add_field(btf, "y", i64, 64, 0), 0);

	ok(tz = btf__add_struct(btf, NULL, 4));
	assert_int_equal(btf__add_field(btf, "z", i32, 0, 0), 0);
	ok(tdef = btf__add_typedef(btf, "tdef_t", tz));
	ok(cdef = btf__add_const(btf, tdef));

	ok(named = btf__add_struct(btf, "named", 4));
	assert_int_equal(btf__add_field(btf, "hidden", i32, 0, 0), 0);

	ok(outer = btf__add_struct(btf, "outer", 72));
	assert_int_equal(btf__add_field(btf, "a", i32, 0, 0), 0);
	assert_int_equal(btf__add_field(btf, "p", ptr, 64, 0), 0);
	assert_int_equal(btf__add_field(btf, NULL, anon_s, 128, 0), 0);
	assert_int_equal(btf__add_field(btf, "", anon_u, 256, 0), 0);
	assert_int_equal(btf__add_field(btf, NULL, cdef, 320, 0), 0);
	assert_int_equal(btf__add_field(btf, "inner", named, 352, 0), 0);
	assert_int_equal(btf__add_field(btf, "bits", i32, 384, 3), 0);
	assert_int_equal(btf__add_field(btf, "more", i32, 387, 5), 0);
	assert_int_equal(btf__add_field(btf, "tail", i64, 448, 0), 0);

	ok(btf__add_union(btf, "top_u", 8));
	assert_int_equal(btf__add_field(btf, "v", i64, 0, 0), 0);
	assert_int_equal(btf__add_field(btf, "w", i32, 0, 0), 0);
	return btf;
}

static int setup(void **state)
{
	*state = build();
	return 0;
}

static int teardown(void **state)
{
	btf__free(*state);
	return 0;
}

static void test_direct(void **state)
{
	const struct btf *btf = *state;

	assert_int_equal(ew_btf_member_offset(btf, "outer", "a"), 0);
	assert_int_equal(ew_btf_member_offset(btf, "outer", "p"), 8);
	assert_int_equal(ew_btf_member_offset(btf, "outer", "inner"), 44);
	assert_int_equal(ew_btf_member_offset(btf, "outer", "tail"), 56);
	assert_int_equal(ew_btf_member_offset(btf, "named", "hidden"), 0);
}

static void test_anonymous(void **state)
{
	const struct btf *btf = *state;

	assert_int_equal(ew_btf_member_offset(btf, "outer", "x"), 16);
	assert_int_equal(ew_btf_member_offset(btf, "outer", "y"), 24);
	assert_int_equal(ew_btf_member_offset(btf, "outer", "u1"), 32);
	assert_int_equal(ew_btf_member_offset(btf, "outer", "u2"), 32);
	assert_int_equal(ew_btf_member_offset(btf, "outer", "pad"), 32);
	assert_int_equal(ew_btf_member_offset(btf, "outer", "deep"), 36);
	assert_int_equal(ew_btf_member_offset(btf, "outer", "z"), 40);
}

static void test_union(void **state)
{
	const struct btf *btf = *state;

	assert_int_equal(ew_btf_member_offset(btf, "top_u", "v"), 0);
	assert_int_equal(ew_btf_member_offset(btf, "top_u", "w"), 0);
}

static void test_missing(void **state)
{
	const struct btf *btf = *state;

	assert_int_equal(ew_btf_member_offset(btf, "outer", "nothing"), -ENOENT);
	/* Members of a named member are not the outer struct's. */
	assert_int_equal(ew_btf_member_offset(btf, "outer", "hidden"), -ENOENT);
	assert_int_equal(ew_btf_member_offset(btf, "outer", ""), -ENOENT);
	assert_int_equal(ew_btf_member_offset(btf, "nope", "a"), -ENOENT);
	/* Only structs and unions are searched, not other kinds. */
	assert_int_equal(ew_btf_member_offset(btf, "int", "a"), -ENOENT);
	assert_int_equal(ew_btf_member_offset(btf, "tdef_t", "z"), -ENOENT);
}

static void test_bitfield(void **state)
{
	const struct btf *btf = *state;

	assert_int_equal(ew_btf_member_offset(btf, "outer", "bits"), -EINVAL);
	assert_int_equal(ew_btf_member_offset(btf, "outer", "more"), -EINVAL);
}

static void expect_spec(const struct ew_offset_spec *s, const char *macro,
			enum ew_spec_kind kind, const char *type,
			const char *member)
{
	assert_string_equal(s->macro, macro);
	assert_int_equal(s->kind, kind);
	assert_string_equal(s->type, type);
	assert_string_equal(s->member, member);
}

/* The probe's "btf:" lines, in comments only, in every form. */
static void test_parse_specs(void **state)
{
	static const char text[] =
		"/*\n"
		" * A probe.\n"
		" * btf: EW_OFF_TASK_MM = task_struct.mm\n"
		" *\tbtf:   EW_OFF_KN_PARENT=kernfs_node.__parent|parent  \n"
		" * btf: EW_OFF_MNT_NS_INUM = mnt_namespace.ns.inum\n"
		" * btf: EW_SIZE_UPID = sizeof(upid)\n"
		" * btf: EW_CGRP_SUBSYS_PIDS = cgroup_subsys_id::pids_cgrp_id\n"
		" * btf: EW_BIT_SECURE = linux_binprm.secureexec:bit\n"
		" */\n"
		"// btf: EW_OFF_X = a.b\n"
		"int btf: not_a_spec;\n"
		"const char *s = \"btf: EW_NOT = in.code\";\n";
	struct ew_offset_spec specs[8];
	unsigned bad = 0;

	assert_int_equal(ew_btf_specs_parse(text, specs, 8, &bad), 7);
	expect_spec(&specs[0], "EW_OFF_TASK_MM", EW_SPEC_MEMBER, "task_struct", "mm");
	expect_spec(&specs[1], "EW_OFF_KN_PARENT", EW_SPEC_MEMBER, "kernfs_node",
		    "__parent|parent");
	expect_spec(&specs[2], "EW_OFF_MNT_NS_INUM", EW_SPEC_MEMBER, "mnt_namespace",
		    "ns.inum");
	expect_spec(&specs[3], "EW_SIZE_UPID", EW_SPEC_SIZE, "upid", "");
	expect_spec(&specs[4], "EW_CGRP_SUBSYS_PIDS", EW_SPEC_ENUM, "cgroup_subsys_id",
		    "pids_cgrp_id");
	expect_spec(&specs[5], "EW_BIT_SECURE", EW_SPEC_BIT, "linux_binprm", "secureexec");
	expect_spec(&specs[6], "EW_OFF_X", EW_SPEC_MEMBER, "a", "b");
	/* No room: said so. */
	assert_int_equal(ew_btf_specs_parse(text, specs, 3, &bad), -E2BIG);
	assert_int_equal(ew_btf_specs_parse("int x;\n", specs, 8, &bad), 0);
}

static void expect_bad(const char *text, unsigned line)
{
	struct ew_offset_spec specs[4];
	unsigned bad = 0;

	assert_int_equal(ew_btf_specs_parse(text, specs, 4, &bad), -EINVAL);
	assert_int_equal(bad, line);
}

static void test_parse_errors(void **state)
{
	expect_bad(" * btf: EW_X task_struct.mm\n", 1);		/* no '=' */
	expect_bad("\n\n * btf: = task_struct.mm\n", 3);		/* no name */
	expect_bad(" * btf: 9X = task_struct.mm\n", 1);
	expect_bad(" * btf: EW_X = task_struct\n", 1);		/* no member */
	expect_bad(" * btf: EW_X = task_struct.\n", 1);
	expect_bad(" * btf: EW_X = task_struct.a..b\n", 1);
	expect_bad(" * btf: EW_X = sizeof()\n", 1);
	expect_bad(" * btf: EW_X = e::\n", 1);
	expect_bad(" * btf: EW_X = t.m; rm -rf\n", 1);
	expect_bad(" * btf: EW_X\\n = t.m\n", 1);
}

/* A bitfield has a bit offset, never a byte offset. */
static void test_bits(void **state)
{
	const struct btf *btf = *state;
	struct ew_offset_spec bit = { "B", EW_SPEC_BIT, "outer", "more" };
	struct ew_offset_spec whole = { "B", EW_SPEC_BIT, "outer", "tail" };

	assert_int_equal(ew_btf_resolve(btf, &bit), 387);
	assert_int_equal(ew_btf_member_bit(btf, "outer", "bits"), 384);
	assert_int_equal(ew_btf_resolve(btf, &whole), 448);
}

/*
 * struct ns_common { int pad; unsigned int inum; };	// inum 4
 * struct mnt_namespace { long x; struct ns_common ns; };	// ns 8: ns.inum 12
 * struct kernfs_node { long a; void *__parent; };	// 6.15+ name
 * struct old_kn { long a; void *parent; };		// before
 * struct upid { int nr; void *ns; };			// 16 bytes
 * enum cgroup_subsys_id { cpu_cgrp_id, pids_cgrp_id = 11 };
 */
static struct btf *build_paths(void)
{
	struct btf *btf = btf__new_empty();
	int i32, i64, vp, nsc;

	assert_non_null(btf);
	ok(i32 = btf__add_int(btf, "int", 4, BTF_INT_SIGNED));
	ok(i64 = btf__add_int(btf, "long", 8, BTF_INT_SIGNED));
	ok(vp = btf__add_ptr(btf, 0));
	ok(nsc = btf__add_struct(btf, "ns_common", 8));
	assert_int_equal(btf__add_field(btf, "pad", i32, 0, 0), 0);
	assert_int_equal(btf__add_field(btf, "inum", i32, 32, 0), 0);
	ok(btf__add_struct(btf, "mnt_namespace", 16));
	assert_int_equal(btf__add_field(btf, "x", i64, 0, 0), 0);
	assert_int_equal(btf__add_field(btf, "ns", nsc, 64, 0), 0);
	ok(btf__add_struct(btf, "kernfs_node", 16));
	assert_int_equal(btf__add_field(btf, "a", i64, 0, 0), 0);
	assert_int_equal(btf__add_field(btf, "__parent", vp, 64, 0), 0);
	ok(btf__add_struct(btf, "old_kn", 16));
	assert_int_equal(btf__add_field(btf, "a", i64, 0, 0), 0);
	assert_int_equal(btf__add_field(btf, "parent", vp, 64, 0), 0);
	ok(btf__add_struct(btf, "upid", 16));
	assert_int_equal(btf__add_field(btf, "nr", i32, 0, 0), 0);
	assert_int_equal(btf__add_field(btf, "ns", vp, 64, 0), 0);
	ok(btf__add_enum(btf, "cgroup_subsys_id", 4));
	assert_int_equal(btf__add_enum_value(btf, "cpu_cgrp_id", 0), 0);
	assert_int_equal(btf__add_enum_value(btf, "pids_cgrp_id", 11), 0);
	return btf;
}

static void test_paths_and_alternatives(void **state)
{
	struct btf *btf = build_paths();

	assert_int_equal(ew_btf_member_offset(btf, "mnt_namespace", "ns.inum"), 12);
	assert_int_equal(ew_btf_member_offset(btf, "mnt_namespace", "ns.nope"), -ENOENT);
	assert_int_equal(ew_btf_member_offset(btf, "mnt_namespace", "x.inum"), -ENOENT);
	assert_int_equal(ew_btf_member_offset(btf, "kernfs_node", "__parent|parent"), 8);
	assert_int_equal(ew_btf_member_offset(btf, "old_kn", "__parent|parent"), 8);
	assert_int_equal(ew_btf_member_offset(btf, "old_kn", "a|parent"), 0);
	assert_int_equal(ew_btf_member_offset(btf, "old_kn", "x|y"), -ENOENT);
	btf__free(btf);
}

static void test_sizes_and_enums(void **state)
{
	struct btf *btf = build_paths();
	struct ew_offset_spec size = { "S", EW_SPEC_SIZE, "upid", "" };
	struct ew_offset_spec nosize = { "S", EW_SPEC_SIZE, "nope", "" };
	struct ew_offset_spec en = { "E", EW_SPEC_ENUM, "cgroup_subsys_id", "pids_cgrp_id" };
	struct ew_offset_spec noen = { "E", EW_SPEC_ENUM, "cgroup_subsys_id", "x_cgrp_id" };
	struct ew_offset_spec mem = { "M", EW_SPEC_MEMBER, "upid", "ns" };

	assert_int_equal(ew_btf_resolve(btf, &size), 16);
	assert_int_equal(ew_btf_resolve(btf, &nosize), -ENOENT);
	assert_int_equal(ew_btf_resolve(btf, &en), 11);
	assert_int_equal(ew_btf_resolve(btf, &noen), -ENOENT);
	assert_int_equal(ew_btf_resolve(btf, &mem), 8);
	btf__free(btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_direct),
		cmocka_unit_test(test_anonymous),
		cmocka_unit_test(test_union),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_bitfield),
		cmocka_unit_test(test_paths_and_alternatives),
		cmocka_unit_test(test_sizes_and_enums),
		cmocka_unit_test(test_parse_specs),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_bits),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
