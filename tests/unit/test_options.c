// SPDX-License-Identifier: GPL-2.0
/* Command-line parsing: defaults, every option, every refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

#define MAX_ARGV 16

struct run {
	struct env env;
	enum ew_parse_result rc;
	char *out;
	char *err;
};

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

/* Parses "execwatch" followed by the NULL-terminated arguments. */
static void run(struct run *r, ...)
{
	char *argv[MAX_ARGV + 1];
	size_t outlen, errlen;
	FILE *out, *err;
	const char *a;
	va_list ap;
	int argc = 0;

	memset(r, 0, sizeof(*r));
	argv[argc++] = (char *)"execwatch";
	va_start(ap, r);
	while ((a = va_arg(ap, const char *)) && argc < MAX_ARGV)
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	out = open_memstream(&r->out, &outlen);
	err = open_memstream(&r->err, &errlen);
	assert_non_null(out);
	assert_non_null(err);
	r->rc = ew_parse_options(argc, argv, &r->env, out, err);
	fclose(out);
	fclose(err);
}

static void expect_ok(struct run *r)
{
	assert_int_equal(r->rc, EW_PARSE_OK);
	assert_string_equal(r->out, "");
	assert_string_equal(r->err, "");
}

static void expect_usage(struct run *r, const char *err)
{
	assert_int_equal(r->rc, EW_PARSE_USAGE);
	assert_string_equal(r->out, "");
	assert_string_equal(r->err, err);
}

static void check_defaults(const struct env *env)
{
	assert_int_equal(env->format, EW_FMT_TABLE);
	assert_false(env->wall_time);
	assert_false(env->print_uid);
	assert_false(env->quote);
	assert_false(env->fails);
	assert_int_equal(env->uid, -1);
	assert_int_equal(env->pid, -1);
	assert_int_equal(env->ppid, -1);
	assert_null(env->name);
	assert_null(env->line);
	assert_int_equal(env->max_args, 20);
	assert_int_equal(env->max_arg_len, 4096);
	assert_int_equal(env->reorder_ms, 10);
	assert_int_equal(env->perf_pages, 64);
	assert_int_equal(env->count, 0);
	assert_true(env->duration == 0);
	assert_string_equal(env->attach, "auto");
	assert_null(env->probe);
	assert_false(env->print_source);
	assert_false(env->verbose);
}

static void test_defaults(void **state)
{
	struct env env;
	struct run r;

	memset(&env, 0x5a, sizeof(env));
	ew_env_defaults(&env);
	check_defaults(&env);
	run(&r, NULL);
	expect_ok(&r);
	check_defaults(&r.env);
	run_free(&r);
}

static void test_format(void **state)
{
	struct run r;

	run(&r, "-o", "json", NULL);
	expect_ok(&r);
	assert_int_equal(r.env.format, EW_FMT_JSON);
	run_free(&r);
	run(&r, "-ojson", NULL);
	expect_ok(&r);
	assert_int_equal(r.env.format, EW_FMT_JSON);
	run_free(&r);
	run(&r, "--output-format=json", "-o", "table", NULL);
	expect_ok(&r);
	assert_int_equal(r.env.format, EW_FMT_TABLE);
	run_free(&r);
	run(&r, "-o", "xml", NULL);
	expect_usage(&r, "execwatch: invalid value 'xml' for -o: use table or json\nTry 'execwatch --help' for more information.\n");
	run_free(&r);
}

static void test_flags(void **state)
{
	struct run r;

	run(&r, "-T", "-U", "-q", "-x", "-v", NULL);
	expect_ok(&r);
	assert_true(r.env.wall_time);
	assert_true(r.env.print_uid);
	assert_true(r.env.quote);
	assert_true(r.env.fails);
	assert_true(r.env.verbose);
	run_free(&r);
	run(&r, "--time", "--print-uid", "--quote", "--fails", "--explain",
	    "--print-source", NULL);
	expect_ok(&r);
	assert_true(r.env.wall_time && r.env.print_uid && r.env.quote);
	assert_true(r.env.fails && r.env.verbose && r.env.print_source);
	run_free(&r);
	run(&r, "-TUqx", "--verbose", NULL);
	expect_ok(&r);
	assert_true(r.env.wall_time && r.env.print_uid && r.env.quote);
	assert_true(r.env.fails && r.env.verbose);
	assert_false(r.env.print_source);
	run_free(&r);
}

/* Each parse starts from the defaults, whatever came before. */
static void test_fresh_each_time(void **state)
{
	struct run r;

	run(&r, "-T", "--max-args", "5", NULL);
	expect_ok(&r);
	run_free(&r);
	run(&r, NULL);
	expect_ok(&r);
	check_defaults(&r.env);
	run_free(&r);
}

static void test_ids(void **state)
{
	struct run r;

	run(&r, "-u", "1000", "-p", "42", "--ppid", "0", NULL);
	expect_ok(&r);
	assert_int_equal(r.env.uid, 1000);
	assert_int_equal(r.env.pid, 42);
	assert_int_equal(r.env.ppid, 0);
	run_free(&r);
	run(&r, "--uid", "0", "--pid=1", "--ppid=2147483647", NULL);
	expect_ok(&r);
	assert_int_equal(r.env.uid, 0);
	assert_int_equal(r.env.pid, 1);
	assert_int_equal(r.env.ppid, 2147483647);
	run_free(&r);
	run(&r, "-u", "4294967294", NULL);
	expect_ok(&r);
	assert_int_equal(r.env.uid, 4294967294L);
	run_free(&r);
}

static void test_ids_invalid(void **state)
{
	struct run r;

	run(&r, "-u", "4294967295", NULL);
	expect_usage(&r, "execwatch: invalid value '4294967295' for --uid: a numeric user id\nTry 'execwatch --help' for more information.\n");
	run_free(&r);
	run(&r, "-u", "-1", NULL);
	expect_usage(&r, "execwatch: invalid value '-1' for --uid: a numeric user id\nTry 'execwatch --help' for more information.\n");
	run_free(&r);
	run(&r, "--uid", "root", NULL);
	expect_usage(&r, "execwatch: invalid value 'root' for --uid: a numeric user id\nTry 'execwatch --help' for more information.\n");
	run_free(&r);
	run(&r, "-p", "0", NULL);
	expect_usage(&r, "execwatch: invalid value '0' for --pid: a process id\nTry 'execwatch --help' for more information.\n");
	run_free(&r);
	run(&r, "-p", "12x", NULL);
	expect_usage(&r, "execwatch: invalid value '12x' for --pid: a process id\nTry 'execwatch --help' for more information.\n");
	run_free(&r);
	run(&r, "-p", "", NULL);
	expect_usage(&r, "execwatch: invalid value '' for --pid: a process id\nTry 'execwatch --help' for more information.\n");
	run_free(&r);
	run(&r, "--ppid", "-1", NULL);
	expect_usage(&r, "execwatch: invalid value '-1' for --ppid: a process id\nTry 'execwatch --help' for more information.\n");
	run_free(&r);
	run(&r, "--ppid", "2147483648", NULL);
	expect_usage(&r, "execwatch: invalid value '2147483648' for --ppid: a process id\nTry 'execwatch --help' for more information.\n");
	run_free(&r);
}

/* --container [USER:]PREFIX: a system container, or one of USER's own. */
static void test_container_spec(void **state)
{
	static const char hint[] = "a container id or its first hex digits, or USER:ID for a user's container\nTry 'execwatch --help' for more information.\n";
	static const char *const bad_specs[] = {
		"", "9E02", "9e02x", ":9e02", "1000:", "1000:9E", "nosuchuser-ew:9e02",
		"4294967295:9e02", "-1:9e02", NULL,
	};
	char want[256];
	struct run r;
	int i;

	run(&r, "--container", "9e02", NULL);
	expect_ok(&r);
	assert_string_equal(r.env.container, "9e02");
	assert_int_equal(r.env.container_uid, -1);
	assert_true(r.env.containers_only);
	run_free(&r);
	run(&r, "--container", "1000:9e02df", NULL);
	expect_ok(&r);
	assert_string_equal(r.env.container, "9e02df");
	assert_int_equal(r.env.container_uid, 1000);
	run_free(&r);
	run(&r, "--container", "root:ab", NULL);
	expect_ok(&r);
	assert_string_equal(r.env.container, "ab");
	assert_int_equal(r.env.container_uid, 0);
	run_free(&r);
	for (i = 0; bad_specs[i]; i++) {
		snprintf(want, sizeof(want), "execwatch: invalid value '%s' for --container: %s",
			 bad_specs[i], hint);
		run(&r, "--container", bad_specs[i], NULL);
		expect_usage(&r, want);
		run_free(&r);
	}
}

static void test_regexes(void **state)
{
	struct run r;

	run(&r, "-n", "^ba", "--line", "docker exec", NULL);
	expect_ok(&r);
	assert_string_equal(r.env.name, "^ba");
	assert_string_equal(r.env.line, "docker exec");
	run_free(&r);
	run(&r, "--name=sh", "-l", "x", NULL);
	expect_ok(&r);
	assert_string_equal(r.env.name, "sh");
	assert_string_equal(r.env.line, "x");
	run_free(&r);
}

/* Bad regexes and shell lists are usage errors, found before any compile. */
static void test_checked_at_parse_time(void **state)
{
	struct run r;

	run(&r, "-n", "(", NULL);
	assert_int_equal(r.rc, EW_PARSE_USAGE);
	assert_non_null(strstr(r.err, "execwatch: invalid regular expression '(' for --name: "));
	assert_non_null(strstr(r.err, "\nTry 'execwatch --help' for more information.\n"));
	run_free(&r);
	run(&r, "-l", "a[b", NULL);
	assert_int_equal(r.rc, EW_PARSE_USAGE);
	assert_non_null(strstr(r.err, "invalid regular expression 'a[b' for --line: "));
	run_free(&r);
	run(&r, "--shells", ",", NULL);
	expect_usage(&r, "execwatch: --shells needs at least one name\nTry 'execwatch --help' for more information.\n");
	run_free(&r);
	run(&r, "--shells", ",,,", NULL);
	assert_int_equal(r.rc, EW_PARSE_USAGE);
	run_free(&r);
	run(&r, "--shells", ",sh", NULL);
	expect_ok(&r);
	run_free(&r);
}

/* What the options imply is decided by the parser, not after it. */
static void test_implied(void **state)
{
	struct run r;

	run(&r, "--selftest", NULL);
	expect_ok(&r);
	assert_true(r.env.fails);
	assert_true(r.env.duration == 10);
	run_free(&r);
	run(&r, "--selftest", "--duration", "3", NULL);
	expect_ok(&r);
	assert_true(r.env.duration == 3);
	run_free(&r);
	/* Never colour into a file (or, here, a test's pipe). */
	run(&r, "--output", "/tmp/x", NULL);
	expect_ok(&r);
	assert_false(r.env.color);
	run_free(&r);
}

static void expect_max_args(const char *v, int want)
{
	struct run r;

	run(&r, "--max-args", v, NULL);
	expect_ok(&r);
	assert_int_equal(r.env.max_args, want);
	run_free(&r);
}

static void test_max_args(void **state)
{
	struct run r;

	expect_max_args("1", 1);
	expect_max_args("128", 128);
	expect_max_args("1024", 1024);
	run(&r, "--max-args", "1025", NULL);
	expect_usage(&r, "execwatch: invalid value '1025' for --max-args: a number from 1 to 1024\nTry 'execwatch --help' for more information.\n");
	run_free(&r);
	run(&r, "--max-args", "0", NULL);
	expect_usage(&r, "execwatch: invalid value '0' for --max-args: a number from 1 to 1024\nTry 'execwatch --help' for more information.\n");
	run_free(&r);
}

static void test_max_arg_len(void **state)
{
	struct run r;

	run(&r, "--max-arg-len", "1", NULL);
	expect_ok(&r);
	assert_int_equal(r.env.max_arg_len, 1);
	run_free(&r);
	run(&r, "--max-arg-len", "32766", NULL);
	expect_ok(&r);
	assert_int_equal(r.env.max_arg_len, 32766);
	run_free(&r);
	run(&r, "--max-arg-len", "32767", NULL);
	expect_usage(&r, "execwatch: invalid value '32767' for --max-arg-len: a number from 1 to 32766\nTry 'execwatch --help' for more information.\n");
	run_free(&r);
	run(&r, "--max-arg-len", "0", NULL);
	assert_int_equal(r.rc, EW_PARSE_USAGE);
	run_free(&r);
}

static void test_reorder_ms(void **state)
{
	struct run r;

	run(&r, "--reorder-ms", "0", NULL);
	expect_ok(&r);
	assert_int_equal(r.env.reorder_ms, 0);
	run_free(&r);
	run(&r, "--reorder-ms", "10000", NULL);
	expect_ok(&r);
	assert_int_equal(r.env.reorder_ms, 10000);
	run_free(&r);
	run(&r, "--reorder-ms", "10001", NULL);
	expect_usage(&r, "execwatch: invalid value '10001' for --reorder-ms: milliseconds from 0 to 10000\nTry 'execwatch --help' for more information.\n");
	run_free(&r);
	run(&r, "--reorder-ms", "-1", NULL);
	assert_int_equal(r.rc, EW_PARSE_USAGE);
	run_free(&r);
}

static void expect_pages(const char *v, int want)
{
	struct run r;

	run(&r, "--perf-pages", v, NULL);
	if (want) {
		expect_ok(&r);
		assert_int_equal(r.env.perf_pages, want);
	} else {
		assert_int_equal(r.rc, EW_PARSE_USAGE);
		assert_non_null(strstr(r.err, "for --perf-pages: a power of two, 1 to 65536\n"));
	}
	run_free(&r);
}

static void test_perf_pages(void **state)
{
	expect_pages("1", 1);
	expect_pages("2", 2);
	expect_pages("128", 128);
	expect_pages("65536", 65536);
	expect_pages("0", 0);
	expect_pages("3", 0);
	expect_pages("96", 0);
	expect_pages("131072", 0);
	expect_pages("-64", 0);
}

static void test_count_duration(void **state)
{
	struct run r;

	run(&r, "--count", "5", "--duration", "2.5", NULL);
	expect_ok(&r);
	assert_int_equal(r.env.count, 5);
	assert_true(r.env.duration == 2.5);
	run_free(&r);
	run(&r, "--duration", "1e9", NULL);
	expect_ok(&r);
	assert_true(r.env.duration == 1e9);
	run_free(&r);
	run(&r, "--count", "0", NULL);
	expect_usage(&r, "execwatch: invalid value '0' for --count: a positive number\nTry 'execwatch --help' for more information.\n");
	run_free(&r);
}

static void expect_bad_duration(const char *v)
{
	struct run r;
	char want[256];

	snprintf(want, sizeof(want), "execwatch: invalid value '%s' for --duration: a positive number of seconds\nTry 'execwatch --help' for more information.\n", v);
	run(&r, "--duration", v, NULL);
	expect_usage(&r, want);
	run_free(&r);
}

static void test_duration_invalid(void **state)
{
	expect_bad_duration("0");
	expect_bad_duration("-1");
	expect_bad_duration("nan");
	expect_bad_duration("inf");
	expect_bad_duration("1e10");
	expect_bad_duration("1s");
	expect_bad_duration("");
}

static void test_attach_probe(void **state)
{
	struct run r;

	run(&r, "--attach", "kprobe", "--probe", "my.bpf.c", NULL);
	expect_ok(&r);
	assert_string_equal(r.env.attach, "kprobe");
	assert_string_equal(r.env.probe, "my.bpf.c");
	run_free(&r);
	run(&r, "--attach=tracepoint", NULL);
	expect_ok(&r);
	assert_string_equal(r.env.attach, "tracepoint");
	run_free(&r);
	run(&r, "--attach", "auto", NULL);
	expect_ok(&r);
	assert_string_equal(r.env.attach, "auto");
	run_free(&r);
	run(&r, "--attach", "uprobe", NULL);
	expect_usage(&r, "execwatch: invalid value 'uprobe' for --attach: use auto, kprobe or tracepoint\nTry 'execwatch --help' for more information.\n");
	run_free(&r);
}

static void test_unknown_option(void **state)
{
	struct run r;

	run(&r, "--bogus", NULL);
	expect_usage(&r, "execwatch: unknown option '--bogus'\nTry 'execwatch --help' for more information.\n");
	run_free(&r);
	run(&r, "-z", NULL);
	expect_usage(&r, "execwatch: unknown option '-z'\nTry 'execwatch --help' for more information.\n");
	run_free(&r);
	run(&r, "--time=1", NULL);
	assert_int_equal(r.rc, EW_PARSE_USAGE);
	run_free(&r);
}

static void test_missing_value(void **state)
{
	struct run r;

	run(&r, "--uid", NULL);
	expect_usage(&r, "execwatch: option '--uid' needs a value\nTry 'execwatch --help' for more information.\n");
	run_free(&r);
	run(&r, "-T", "-p", NULL);
	expect_usage(&r, "execwatch: option '-p' needs a value\nTry 'execwatch --help' for more information.\n");
	run_free(&r);
}

static void test_unexpected_argument(void **state)
{
	struct run r;

	run(&r, "-T", "ls", NULL);
	expect_usage(&r, "execwatch: unexpected argument 'ls'\nTry 'execwatch --help' for more information.\n");
	run_free(&r);
}

static void test_help(void **state)
{
	struct run r;
	char *usage = NULL;
	size_t len;
	FILE *f = open_memstream(&usage, &len);

	assert_non_null(f);
	ew_usage(f);
	fclose(f);
	run(&r, "--help", NULL);
	assert_int_equal(r.rc, EW_PARSE_EXIT);
	assert_string_equal(r.err, "");
	assert_string_equal(r.out, usage);
	assert_int_equal(strncmp(r.out, "Usage: execwatch [OPTION]...\n", 29), 0);
	assert_non_null(strstr(r.out, "--max-args N"));
	run_free(&r);
	run(&r, "-T", "-h", "--bogus", NULL);
	assert_int_equal(r.rc, EW_PARSE_EXIT);
	assert_string_equal(r.out, usage);
	assert_string_equal(r.err, "");
	run_free(&r);
	free(usage);
}

static void test_version(void **state)
{
	struct run r;

	run(&r, "--version", NULL);
	assert_int_equal(r.rc, EW_PARSE_EXIT);
	assert_string_equal(r.out, "execwatch " EXECWATCH_VERSION "\n");
	assert_string_equal(r.err, "");
	run_free(&r);
	run(&r, "-V", NULL);
	assert_int_equal(r.rc, EW_PARSE_EXIT);
	assert_string_equal(r.out, "execwatch " EXECWATCH_VERSION "\n");
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_fresh_each_time),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_ids_invalid),
		cmocka_unit_test(test_container_spec),
		cmocka_unit_test(test_regexes),
		cmocka_unit_test(test_checked_at_parse_time),
		cmocka_unit_test(test_implied),
		cmocka_unit_test(test_max_args),
		cmocka_unit_test(test_max_arg_len),
		cmocka_unit_test(test_reorder_ms),
		cmocka_unit_test(test_perf_pages),
		cmocka_unit_test(test_count_duration),
		cmocka_unit_test(test_duration_invalid),
		cmocka_unit_test(test_attach_probe),
		cmocka_unit_test(test_unknown_option),
		cmocka_unit_test(test_missing_value),
		cmocka_unit_test(test_unexpected_argument),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_version),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
