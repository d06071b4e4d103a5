// SPDX-License-Identifier: GPL-2.0
/* The syscall's kernel function name, from kallsyms excerpts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kallsyms.h"

#define KSYMS FIXTURES_DIR "/kallsyms/"

static int lookup(const char *fixture, const char *name, char *out,
		  size_t outlen)
{
	FILE *f = fopen(fixture, "r");
	int rc;

	assert_non_null(f);
	rc = ew_syscall_fnname(f, name, out, outlen);
	fclose(f);
	return rc;
}

static void expect_name(const char *fixture, const char *name,
			const char *want)
{
	char out[64];

	memset(out, 'X', sizeof(out));
	assert_int_equal(lookup(fixture, name, out, sizeof(out)), 0);
	assert_string_equal(out, want);
}

static void expect_absent(const char *fixture, const char *name)
{
	char out[64];

	assert_int_equal(lookup(fixture, name, out, sizeof(out)), -ENOENT);
}

/*
 * The excerpt lists __ia32_compat_sys_execve before __x64_sys_execve, a
 * data symbol plain sys_execve, and look-alikes.
 */
static void test_x86_64(void **state)
{
	expect_name(KSYMS "x86_64", "execve", "__x64_sys_execve");
	expect_name(KSYMS "x86_64", "execveat", "__x64_sys_execveat");
	expect_name(KSYMS "x86_64", "fork", "__x64_sys_fork");
}

static bool has(const char *fixture, const char *sym)
{
	FILE *f = fopen(fixture, "r");
	bool found;

	assert_non_null(f);
	found = ew_kallsyms_has(f, sym);
	fclose(f);
	return found;
}

/* The 32-bit entry's functions, found by their exact names. */
static void test_compat_symbols(void **state)
{
	assert_true(has(KSYMS "x86_64", "__ia32_compat_sys_execve"));
	assert_false(has(KSYMS "x86_64", "__ia32_compat_sys_exec"));
	assert_false(has(KSYMS "old-x86_64", "__ia32_compat_sys_execve"));
	assert_false(has(KSYMS "arm64", "__ia32_compat_sys_execve"));
}

static void test_old_kernel(void **state)
{
	expect_name(KSYMS "old-x86_64", "execve", "sys_execve");
	expect_name(KSYMS "old-x86_64", "execveat", "sys_execveat");
}

static void test_arm64(void **state)
{
	expect_name(KSYMS "arm64", "execve", "__arm64_sys_execve");
	expect_name(KSYMS "arm64", "execveat", "__arm64_sys_execveat");
}

static void test_data_symbols_ignored(void **state)
{
	/* Only D __x64_sys_clone and d __arm64_sys_fork are there. */
	expect_absent(KSYMS "x86_64", "clone");
	expect_absent(KSYMS "arm64", "fork");
}

static void test_lookalikes_ignored(void **state)
{
	/* __do_sys_execve, __se_sys_execve, SyS_execve: no known prefix. */
	expect_absent(KSYMS "x86_64", "do_sys_execve");
	expect_absent(KSYMS "arm64", "sys_execve");
	expect_absent(KSYMS "old-x86_64", "SyS_execve");
}

static void test_absent(void **state)
{
	expect_absent(KSYMS "x86_64", "nosuchcall");
	expect_absent(KSYMS "old-x86_64", "clone3");
	expect_absent(KSYMS "arm64", "exec");
}

static void test_from_stream(void **state)
{
	static const char text[] =
		"0000000000000000 T _stext\n"
		"\n"
		"garbage\n"
		"0000000000000000 T __s390x_sys_execve\n"
		"0000000000000000 t __riscv_sys_execve\n"
		"0000000000000000 T __s390_sys_execve\n";
	char out[64];
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");

	assert_non_null(f);
	assert_int_equal(ew_syscall_fnname(f, "execve", out, sizeof(out)), 0);
	assert_string_equal(out, "__s390x_sys_execve");
	fclose(f);
}

static void test_small_buffer(void **state)
{
	char out[8];

	assert_int_equal(lookup(KSYMS "x86_64", "execve", out, sizeof(out)),
			 -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x86_64),
		cmocka_unit_test(test_compat_symbols),
		cmocka_unit_test(test_old_kernel),
		cmocka_unit_test(test_arm64),
		cmocka_unit_test(test_data_symbols_ignored),
		cmocka_unit_test(test_lookalikes_ignored),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_from_stream),
		cmocka_unit_test(test_small_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
