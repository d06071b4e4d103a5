// SPDX-License-Identifier: GPL-2.0
/* The user-space filters: -n on comm, -l on the joined arguments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filters.h"

/* An exec whose arguments point at the caller's strings. */
static struct ew_exec *mk(const char *comm, const char *filename,
			  const char *const *argv, uint32_t n)
{
	return ew_test_exec(comm, filename, argv, n);
}

static const char *const docker_argv[] = {
	"docker", "exec", "-it", "9e02dfdeb94f", "/bin/bash",
};

/* Filters for these options, as the tracer makes them. */
static int init(struct ew_filters *f, const char *name, const char *line,
		const char *container, bool alerts_only)
{
	struct env env;

	ew_env_defaults(&env);
	env.name = name;
	env.line = line;
	env.container = container;
	env.alerts_only = alerts_only;
	return ew_filters_init(f, &env);
}

static bool matches(const char *name, const char *line,
		    const struct ew_exec *x)
{
	struct ew_filters f;
	bool m;

	assert_int_equal(init(&f, name, line, NULL, false), 0);
	m = ew_filters_match(&f, x);
	/* A second look gives the same answer (the scratch buffer is reused). */
	assert_int_equal(ew_filters_match(&f, x), m);
	ew_filters_free(&f);
	return m;
}

static void test_no_filters(void **state)
{
	struct ew_exec *x = mk("docker", "/usr/bin/docker", docker_argv, 5);

	assert_true(matches(NULL, NULL, x));
	free(x);
}

static void test_name(void **state)
{
	struct ew_exec *bash = mk("bash", "/bin/bash", NULL, 0);
	struct ew_exec *dash = mk("dash", "/bin/dash", NULL, 0);

	assert_true(matches("^ba", NULL, bash));
	assert_false(matches("^ba", NULL, dash));
	assert_true(matches("as", NULL, dash));
	assert_true(matches("^(ba|da)sh$", NULL, dash));
	assert_false(matches("^bas$", NULL, bash));
	/* Case matters. */
	assert_false(matches("BASH", NULL, bash));
	/* The name is comm, not the file name. */
	assert_false(matches("bin", NULL, bash));
	free(bash);
	free(dash);
}

static void test_line(void **state)
{
	struct ew_exec *x = mk("docker", "/usr/bin/docker", docker_argv, 5);

	assert_true(matches(NULL, "docker exec", x));
	assert_true(matches(NULL, "-it 9e02", x));
	assert_true(matches(NULL, "^/usr/bin/docker exec -it 9e02dfdeb94f /bin/bash$", x));
	/* The line starts with the file name, not argv[0]. */
	assert_false(matches(NULL, "^docker", x));
	assert_false(matches(NULL, "exec  -it", x));
	free(x);
}

static void test_line_cut_args(void **state)
{
	static const char *const argv[] = { "echo", "abcdef" };
	struct ew_exec *x = mk("echo", "/bin/echo", argv, 2);

	/* Only the bytes shown take part. */
	x->args[1].len = 3;
	assert_true(matches(NULL, "^/bin/echo abc$", x));
	assert_false(matches(NULL, "abcd", x));
	free(x);
}

static void test_both(void **state)
{
	struct ew_exec *x = mk("docker", "/usr/bin/docker", docker_argv, 5);

	assert_true(matches("dock", "exec", x));
	assert_false(matches("bash", "exec", x));
	assert_false(matches("dock", "run", x));
	free(x);
}

static void test_empty_line(void **state)
{
	struct ew_exec *x = mk("x", "", NULL, 0);

	assert_true(matches(NULL, "^$", x));
	assert_false(matches(NULL, ".", x));
	free(x);
}

static void expected_error(char *out, size_t len, const char *pat,
			   const char *opt)
{
	char why[128];
	regex_t re;
	int rc = regcomp(&re, pat, REG_EXTENDED | REG_NOSUB);

	assert_int_not_equal(rc, 0);
	regerror(rc, &re, why, sizeof(why));
	snprintf(out, len, "execwatch: invalid regular expression '%s' for %s: %s\n",
		 pat, opt, why);
}

/* Option parsing refuses these first; the filters say so too, once. */
static void test_invalid_name(void **state)
{
	struct ew_test_log log;
	struct ew_filters f;
	char want[256], *got;

	expected_error(want, sizeof(want), "(", "--name");
	ew_test_log_start(&log);
	assert_int_equal(init(&f, "(", "ok", NULL, false), -EINVAL);
	got = ew_test_log_end(&log);
	assert_string_equal(got, want);
	free(got);
	assert_false(f.has_name);
	assert_false(f.has_line);
}

static void test_invalid_line(void **state)
{
	struct ew_test_log log;
	struct ew_filters f;
	char want[256], *got;

	expected_error(want, sizeof(want), "a[b", "--line");
	ew_test_log_start(&log);
	assert_int_equal(init(&f, "ok", "a[b", NULL, false), -EINVAL);
	got = ew_test_log_end(&log);
	assert_string_equal(got, want);
	free(got);
	/* The name regex compiled first was released. */
	assert_false(f.has_name);
	assert_false(f.has_line);
	/* Freeing again is harmless. */
	ew_filters_free(&f);
}

/* --container PREFIX and --alerts-only. */

static const char flt_cid[] =
	"9e02dfdeb94f3b1e4c5d6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f70819";

static bool matches_ct(const char *container, bool alerts_only,
		       const char *name, const struct ew_exec *x)
{
	struct ew_filters f;
	bool m;

	assert_int_equal(init(&f, name, NULL, container, alerts_only), 0);
	m = ew_filters_match(&f, x);
	assert_int_equal(ew_filters_match(&f, x), m);
	ew_filters_free(&f);
	return m;
}

static struct ew_exec *in_container(void)
{
	static const char *const argv[] = { "sh", "-c", "id" };
	struct ew_exec *x = mk("sh", "/bin/sh", argv, 3);

	memcpy(x->container.id, flt_cid, sizeof(flt_cid));
	x->container.runtime = "docker";
	x->container.kind = EW_CT_SYSTEM;
	return x;
}

/* --container UID:PREFIX, as options parse it. */
static bool matches_owner(int64_t uid, const char *prefix, const struct ew_exec *x)
{
	struct ew_filters f;
	struct env env;
	bool m;

	ew_env_defaults(&env);
	env.container = prefix;
	env.container_uid = uid;
	assert_int_equal(ew_filters_init(&f, &env), 0);
	m = ew_filters_match(&f, x);
	ew_filters_free(&f);
	return m;
}

/* A user can name a cgroup after any container: its execs never pass for
 * that container's, nor for another user's. */
static void test_container_owner(void **state)
{
	struct ew_exec *x = in_container();

	assert_true(matches_owner(-1, "9e02", x));
	assert_false(matches_owner(1000, "9e02", x));
	x->container.kind = EW_CT_USER;
	x->container.owner_uid = 1000;
	assert_false(matches_ct("9e02", false, NULL, x));
	assert_false(matches_owner(-1, "9e02", x));
	assert_true(matches_owner(1000, "9e02", x));
	assert_false(matches_owner(1001, "9e02", x));
	assert_false(matches_owner(1000, "9e03", x));
	x->container.owner_uid = EW_UID_UNKNOWN;
	assert_false(matches_owner(1000, "9e02", x));
	x->container.kind = EW_CT_UNKNOWN;
	memset(x->container.id, 0, sizeof(x->container.id));
	assert_false(matches_ct("9e02", false, NULL, x));
	assert_true(matches_ct(NULL, false, NULL, x));
	free(x);
}

static void test_init_clears_container_fields(void **state)
{
	struct ew_filters f;

	memset(&f, 0x55, sizeof(f));
	assert_int_equal(init(&f, NULL, NULL, NULL, false), 0);
	assert_null(f.container);
	assert_false(f.alerts_only);
	ew_filters_free(&f);
}

static void test_container_prefix(void **state)
{
	struct ew_exec *x = in_container();
	struct ew_exec *host = mk("docker", "/usr/bin/docker", docker_argv, 5);

	assert_true(matches_ct(NULL, false, NULL, x));
	assert_true(matches_ct(NULL, false, NULL, host));
	assert_true(matches_ct("9e02", false, NULL, x));
	assert_true(matches_ct("9e02dfdeb94f", false, NULL, x));
	assert_true(matches_ct(flt_cid, false, NULL, x));
	assert_false(matches_ct("9e03", false, NULL, x));
	assert_false(matches_ct("e02d", false, NULL, x));
	/* Ids are lower case. */
	assert_false(matches_ct("9E02", false, NULL, x));
	/* Longer than the id. */
	assert_false(matches_ct("9e02dfdeb94f3b1e4c5d6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708190",
				false, NULL, x));
	/* A host exec has no id to match; even the docker command naming it. */
	assert_false(matches_ct("9e02", false, NULL, host));
	/* With the other filters. */
	assert_true(matches_ct("9e02", false, "^sh$", x));
	assert_false(matches_ct("9e02", false, "^bash$", x));
	free(x);
	free(host);
}

static void test_alerts_only(void **state)
{
	struct ew_exec *x = in_container();

	assert_false(matches_ct(NULL, true, NULL, x));
	x->alert = "shell_in_container";
	assert_true(matches_ct(NULL, true, NULL, x));
	assert_true(matches_ct(NULL, false, NULL, x));
	assert_true(matches_ct("9e02", true, NULL, x));
	assert_false(matches_ct("abcd", true, NULL, x));
	assert_false(matches_ct(NULL, true, "^bash$", x));
	free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_filters),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_line_cut_args),
		cmocka_unit_test(test_both),
		cmocka_unit_test(test_empty_line),
		cmocka_unit_test(test_invalid_name),
		cmocka_unit_test(test_invalid_line),
		cmocka_unit_test(test_init_clears_container_fields),
		cmocka_unit_test(test_container_prefix),
		cmocka_unit_test(test_container_owner),
		cmocka_unit_test(test_alerts_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
