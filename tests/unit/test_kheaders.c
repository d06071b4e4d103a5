// SPDX-License-Identifier: GPL-2.0
/* Finding the kernel headers BCC will use, in fake module trees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "kheaders.h"

#define MODULES FIXTURES_DIR "/modules"
#define TAR FIXTURES_DIR "/kheaders.tar.xz"
#define NO_TAR FIXTURES_DIR "/no-such-kheaders.tar.xz"

static int setup(void **state)
{
	return unsetenv("BCC_KERNEL_SOURCE");
}

static void find(const char *tar, const char *release, struct ew_kheaders *k)
{
	memset(k, 0x5a, sizeof(*k));
	ew_find_kheaders(MODULES, tar, release, k);
}

static void test_found_matching(void **state)
{
	struct ew_kheaders k;

	find(NO_TAR, "6.1.0-ew-match", &k);
	assert_true(k.found);
	assert_true(k.matches);
	assert_false(k.in_kernel);
	assert_string_equal(k.path, MODULES "/6.1.0-ew-match/build");
	assert_string_equal(k.release, "6.1.0-ew-match");
	/* Headers on disk win over the kernel's archive. */
	find(TAR, "6.1.0-ew-match", &k);
	assert_false(k.in_kernel);
	assert_string_equal(k.path, MODULES "/6.1.0-ew-match/build");
}

static void test_found_mismatch(void **state)
{
	struct ew_kheaders k;

	find(TAR, "6.1.0-ew-other", &k);
	assert_true(k.found);
	assert_false(k.matches);
	assert_false(k.in_kernel);
	assert_string_equal(k.path, MODULES "/6.1.0-ew-other/build");
	assert_string_equal(k.release, "6.1.0-ew-older");
}

/* Headers whose release cannot be read do not count as matching. */
static void test_found_no_release(void **state)
{
	struct ew_kheaders k;

	find(NO_TAR, "6.1.0-ew-norelease", &k);
	assert_true(k.found);
	assert_false(k.matches);
	assert_string_equal(k.release, "");
}

static void test_not_found(void **state)
{
	struct ew_kheaders k;

	find(NO_TAR, "6.1.0-ew-absent", &k);
	assert_false(k.found);
	assert_false(k.matches);
	assert_false(k.in_kernel);
	assert_string_equal(k.release, "");
	find(NULL, "6.1.0-ew-absent", &k);
	assert_false(k.found);
	assert_false(k.in_kernel);
}

/* A build directory left behind without its headers is no use. */
static void test_leftover_build_dir(void **state)
{
	struct ew_kheaders k;

	find(NO_TAR, "6.1.0-ew-leftover", &k);
	assert_false(k.found);
	assert_false(k.matches);
	assert_string_equal(k.release, "");
	find(TAR, "6.1.0-ew-leftover", &k);
	assert_true(k.found);
	assert_true(k.in_kernel);
	assert_string_equal(k.path, TAR);
}

static void test_in_kernel(void **state)
{
	struct ew_kheaders k;

	find(TAR, "6.1.0-ew-absent", &k);
	assert_true(k.found);
	assert_true(k.matches);
	assert_true(k.in_kernel);
	assert_string_equal(k.path, TAR);
	assert_string_equal(k.release, "6.1.0-ew-absent");
}

static void test_env_honoured(void **state)
{
	struct ew_kheaders k;

	assert_int_equal(setenv("BCC_KERNEL_SOURCE",
				MODULES "/6.1.0-ew-other/build", 1), 0);
	find(TAR, "6.1.0-ew-match", &k);
	assert_true(k.found);
	assert_false(k.matches);
	assert_false(k.in_kernel);
	assert_string_equal(k.path, MODULES "/6.1.0-ew-other/build");
	assert_string_equal(k.release, "6.1.0-ew-older");

	find(TAR, "6.1.0-ew-older", &k);
	assert_true(k.found);
	assert_true(k.matches);

	/* Pointing at nothing: only the kernel's archive is left. */
	assert_int_equal(setenv("BCC_KERNEL_SOURCE", MODULES "/none", 1), 0);
	find(NO_TAR, "6.1.0-ew-match", &k);
	assert_false(k.found);
	find(TAR, "6.1.0-ew-match", &k);
	assert_true(k.in_kernel);

	/* Empty means unset. */
	assert_int_equal(setenv("BCC_KERNEL_SOURCE", "", 1), 0);
	find(NO_TAR, "6.1.0-ew-match", &k);
	assert_true(k.found);
	assert_true(k.matches);
	assert_string_equal(k.path, MODULES "/6.1.0-ew-match/build");
	assert_int_equal(unsetenv("BCC_KERNEL_SOURCE"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_found_matching, setup),
		cmocka_unit_test_setup(test_found_mismatch, setup),
		cmocka_unit_test_setup(test_found_no_release, setup),
		cmocka_unit_test_setup(test_not_found, setup),
		cmocka_unit_test_setup(test_leftover_build_dir, setup),
		cmocka_unit_test_setup(test_in_kernel, setup),
		cmocka_unit_test_setup(test_env_honoured, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
