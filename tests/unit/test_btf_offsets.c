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

static void test_specs(void **state)
{
	int n = 0;

	while (ew_core_specs[n].macro) {
		assert_int_equal(ew_core_specs[n].kind, EW_SPEC_MEMBER);
		assert_non_null(ew_core_specs[n].type);
		assert_non_null(ew_core_specs[n].member);
		assert_int_equal(strncmp(ew_core_specs[n].macro, "EW_OFF_", 7), 0);
		n++;
	}
	assert_int_equal(n, 7);
	assert_string_equal(ew_core_specs[0].macro, "EW_OFF_TASK_MM");
	assert_string_equal(ew_core_specs[0].type, "task_struct");
	assert_string_equal(ew_core_specs[0].member, "mm");
	for (n = 0; ew_container_specs[n].macro; n++)
		assert_non_null(ew_container_specs[n].type);
	assert_true(n > 10);
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
	struct ew_offset_spec size = { "S", EW_SPEC_SIZE, "upid", NULL };
	struct ew_offset_spec nosize = { "S", EW_SPEC_SIZE, "nope", NULL };
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
		cmocka_unit_test(test_specs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
