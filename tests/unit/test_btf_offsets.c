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

	while (ew_offset_specs[n].macro) {
		assert_non_null(ew_offset_specs[n].type);
		assert_non_null(ew_offset_specs[n].member);
		assert_int_equal(strncmp(ew_offset_specs[n].macro, "EW_OFF_", 7), 0);
		n++;
	}
	assert_int_equal(n, 7);
	assert_string_equal(ew_offset_specs[0].macro, "EW_OFF_TASK_MM");
	assert_string_equal(ew_offset_specs[0].type, "task_struct");
	assert_string_equal(ew_offset_specs[0].member, "mm");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_direct),
		cmocka_unit_test(test_anonymous),
		cmocka_unit_test(test_union),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_bitfield),
		cmocka_unit_test(test_specs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
