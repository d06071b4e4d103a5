// SPDX-License-Identifier: GPL-2.0
/* The probe's text and the -D flags that carry options into it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"

#include <errno.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe_source.h"

#define HINT_START "'execwatch --print-source > my.bpf.c' writes the built-in probe to start from"

static char tmpdir[64];

static int setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ew-probe-test-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	return remove(path);
}

static int teardown(void **state)
{
	return nftw(tmpdir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

static void tmp_path(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", tmpdir, name);
}

static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

/* The first N flags. */
static void check_flags(const struct ew_cflags *c, const char *const *want,
			int n)
{
	int i;

	assert_true(c->n >= n);
	for (i = 0; i < n; i++)
		assert_string_equal(c->flag[i], want[i]);
}

/*
 * EW_ARG_LEN is the size passed to bpf_probe_read_user_str, NUL included:
 * max_arg_len + 2 reads one byte more than is shown, so a cut argument of a
 * failed exec is told from a whole one.
 */
static void test_cflags_defaults(void **state)
{
	static const char *const want[] = { "-DEW_MAX_ARGS=20", "-DEW_ARG_LEN=4098" };
	struct ew_cflags c;
	struct env env;

	ew_env_defaults(&env);
	memset(&c, 0x5a, sizeof(c));
	ew_probe_cflags(&env, &c);
	assert_int_equal(c.n, 2);
	check_flags(&c, want, 2);
	env.max_arg_len = 32766;
	ew_probe_cflags(&env, &c);
	assert_string_equal(c.flag[1], "-DEW_ARG_LEN=32768");
}

static void test_cflags_all(void **state)
{
	static const char *const want[] = { "-DEW_MAX_ARGS=128" };
	static const char *const filters[] = {
		"-DEW_FAILS=1", "-DEW_FILTER_UID=1000", "-DEW_FILTER_PID=42",
		"-DEW_FILTER_PPID=1",
	};
	struct ew_cflags c;
	struct env env;
	int i;

	ew_env_defaults(&env);
	env.max_args = 128;
	env.fails = true;
	env.uid = 1000;
	env.pid = 42;
	env.ppid = 1;
	ew_probe_cflags(&env, &c);
	assert_int_equal(c.n, 6);
	check_flags(&c, want, 1);
	assert_int_equal(strncmp(c.flag[1], "-DEW_ARG_LEN=", 13), 0);
	for (i = 0; i < 4; i++)
		assert_string_equal(c.flag[2 + i], filters[i]);
}

/* Zero is a real uid and a real parent (the idle task's children). */
static void test_cflags_zero_ids(void **state)
{
	struct ew_cflags c;
	struct env env;

	ew_env_defaults(&env);
	env.uid = 0;
	env.ppid = 0;
	env.max_args = 1024;
	ew_probe_cflags(&env, &c);
	assert_int_equal(c.n, 4);
	assert_string_equal(c.flag[0], "-DEW_MAX_ARGS=1024");
	assert_string_equal(c.flag[2], "-DEW_FILTER_UID=0");
	assert_string_equal(c.flag[3], "-DEW_FILTER_PPID=0");
}

static void test_cflags_large_uid(void **state)
{
	struct ew_cflags c;
	struct env env;

	ew_env_defaults(&env);
	env.uid = 4294967294L;
	env.pid = 2147483647;
	ew_probe_cflags(&env, &c);
	assert_int_equal(c.n, 4);
	assert_string_equal(c.flag[2], "-DEW_FILTER_UID=4294967294");
	assert_string_equal(c.flag[3], "-DEW_FILTER_PID=2147483647");
}

/* The load fails with ERRNO, having logged "ERR_WANT; hint: HINT_WANT". */
static void expect_load_error(const char *path, int errno_want,
			      const char *err_want, const char *hint_want)
{
	struct ew_probe_src src;
	struct ew_test_log log;
	char want[1024], *got;

	ew_test_log_start(&log);
	assert_int_equal(ew_probe_source_load(path, false, &src), -errno_want);
	got = ew_test_log_end(&log);
	assert_null(src.text);
	snprintf(want, sizeof(want), "execwatch: %s; hint: %s\n", err_want,
		 hint_want);
	assert_string_equal(got, want);
	free(got);
	ew_probe_source_free(&src);
}

static void test_load_missing(void **state)
{
	char path[128], want[256];

	tmp_path(path, sizeof(path), "absent.bpf.c");
	snprintf(want, sizeof(want),
		 "--probe %s: cannot open it: No such file or directory", path);
	expect_load_error(path, ENOENT, want, HINT_START);
}

static void test_load_empty(void **state)
{
	char path[128], want[256];

	tmp_path(path, sizeof(path), "empty.bpf.c");
	write_file(path, "", 0);
	snprintf(want, sizeof(want), "probe %s is empty", path);
	expect_load_error(path, EINVAL, want, HINT_START);
}

static void test_load_directory(void **state)
{
	char path[128], want[256];

	tmp_path(path, sizeof(path), "adir.bpf.c");
	assert_int_equal(mkdir(path, 0755) == 0 || errno == EEXIST, 1);
	snprintf(want, sizeof(want), "--probe %s: refused: not a regular file", path);
	expect_load_error(path, EINVAL, want, "pass the path of a BPF C source file");
}

static void test_load_nul_bytes(void **state)
{
	static const char elf[] = "\x7f" "ELF\x02\x01\x01\0\0\0int x;";
	char path[128], want[256];

	tmp_path(path, sizeof(path), "probe.o");
	write_file(path, elf, sizeof(elf) - 1);
	snprintf(want, sizeof(want),
		 "probe %s is not C source (it holds NUL bytes)", path);
	expect_load_error(path, EINVAL, want, "pass the .c file, not a compiled object");
}

static void test_load_too_large(void **state)
{
	char path[128], want[256];
	int fd;

	tmp_path(path, sizeof(path), "huge.bpf.c");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, EW_PROBE_MAX_SIZE + 1), 0);
	close(fd);
	snprintf(want, sizeof(want), "probe %s is larger than 1 MiB", path);
	expect_load_error(path, EINVAL, want, HINT_START);
}

static void test_load_file(void **state)
{
	static const char text[] = "#include \"event.h\"\nBPF_PERF_OUTPUT(events);\n";
	struct ew_probe_src src;
	char path[128];

	tmp_path(path, sizeof(path), "my.bpf.c");
	write_file(path, text, sizeof(text) - 1);
	assert_int_equal(ew_probe_source_load(path, false, &src), 0);
	assert_string_equal(src.text, text);
	assert_string_equal(src.name, path);
	assert_false(src.builtin);
	ew_probe_source_free(&src);
	assert_null(src.text);
}

static void test_load_builtin(void **state)
{
	struct ew_probe_src src;

	assert_int_equal(ew_probe_source_load(NULL, false, &src), 0);
	assert_true(src.builtin);
	assert_string_equal(src.name, "execwatch.bpf.c (built-in)");
	assert_string_equal(src.text, ew_builtin_probe);
	assert_non_null(strstr(src.text, "BPF_PERF_OUTPUT(events)"));
	assert_non_null(strstr(src.text, "#include \"event.h\""));
	ew_probe_source_free(&src);
	assert_non_null(strstr(ew_builtin_event_h, "#define EW_EVENT_VERSION"));
}

/* The embedded text is the file in probes/, byte for byte. */
static void test_builtin_matches_file(void **state)
{
	struct ew_probe_src src;

	assert_int_equal(ew_probe_source_load(FIXTURES_DIR "/../../probes/execwatch.bpf.c",
					      false, &src), 0);
	assert_string_equal(src.text, ew_builtin_probe);
	ew_probe_source_free(&src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cflags_defaults),
		cmocka_unit_test(test_cflags_all),
		cmocka_unit_test(test_cflags_zero_ids),
		cmocka_unit_test(test_cflags_large_uid),
		cmocka_unit_test(test_load_missing),
		cmocka_unit_test(test_load_empty),
		cmocka_unit_test(test_load_directory),
		cmocka_unit_test(test_load_nul_bytes),
		cmocka_unit_test(test_load_too_large),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_load_builtin),
		cmocka_unit_test(test_builtin_matches_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
