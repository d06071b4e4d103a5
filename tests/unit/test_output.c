// SPDX-License-Identifier: GPL-2.0
/* Table rows and JSON lines, byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"
#include "json_check.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

#include <linux/types.h>
#include "probes/event.h"

/* An exec whose arguments point at the caller's strings. */
static struct ew_exec *mk(const char *comm, const char *filename,
			  const char *const *argv, uint32_t n)
{
	return ew_test_exec(comm, filename, argv, n);
}

static const char *const docker_argv[] = {
	"/usr/bin/docker", "exec", "-it", "9e02dfdeb94f", "/bin/bash",
};

static struct ew_exec *docker(void)
{
	struct ew_exec *x = mk("docker", "/usr/bin/docker", docker_argv, 5);

	x->pid = 8854;
	x->ppid = 3154;
	x->uid = 1000;
	return x;
}

static const struct ew_when when_docker = { 5.908, { 1700000000, 5 } };

static void check_header(const struct env *env, const char *want)
{
	struct ew_buf b = { 0 };

	ew_table_header(&b, env);
	assert_string_equal(b.p, want);
	ew_buf_free(&b);
}

static void check_row(const struct env *env, const struct ew_exec *x,
		      const char *want)
{
	struct ew_buf b = { 0 };

	ew_table_row(&b, env, x, &when_docker);
	assert_false(b.oom);
	assert_string_equal(b.p, want);
	ew_buf_free(&b);
}

static void test_header(void **state)
{
	struct env env;

	ew_env_defaults(&env);
	check_header(&env, "TIME(s) PCOMM            PID    PPID   RET ARGS\n");
	env.wall_time = true;
	check_header(&env,
		     "TIME     TIME(s) PCOMM            PID    PPID   RET ARGS\n");
	env.wall_time = false;
	env.print_uid = true;
	check_header(&env,
		     "TIME(s) UID    PCOMM            PID    PPID   RET ARGS\n");
	env.wall_time = true;
	check_header(&env,
		     "TIME     TIME(s) UID    PCOMM            PID    PPID   RET ARGS\n");
}

static void test_row_docker(void **state)
{
	struct ew_exec *x = docker();
	struct env env;

	ew_env_defaults(&env);
	check_row(&env, x, "5.908   docker           8854   3154     0 /usr/bin/docker exec -it 9e02dfdeb94f /bin/bash\n");
	free(x);
}

/* ARGS starts with the executed file, not argv[0]. */
static void test_row_filename_first(void **state)
{
	static const char *const argv[] = { "sh", "-c", "true" };
	struct ew_exec *x = mk("bash", "/usr/bin/dash", argv, 3);
	struct env env;

	ew_env_defaults(&env);
	x->pid = 10;
	x->ppid = 1;
	check_row(&env, x, "5.908   bash             10     1        0 /usr/bin/dash -c true\n");
	free(x);
}

static void test_row_time_uid(void **state)
{
	struct ew_exec *x = docker();
	struct env env;

	setenv("TZ", "UTC", 1);
	tzset();
	ew_env_defaults(&env);
	env.wall_time = true;
	env.print_uid = true;
	check_row(&env, x, "22:13:20 5.908   1000   docker           8854   3154     0 /usr/bin/docker exec -it 9e02dfdeb94f /bin/bash\n");
	/* The TIME column is local time. */
	setenv("TZ", "JST-9", 1);
	tzset();
	env.print_uid = false;
	check_row(&env, x, "07:13:20 5.908   docker           8854   3154     0 /usr/bin/docker exec -it 9e02dfdeb94f /bin/bash\n");
	free(x);
}

static void test_row_failed(void **state)
{
	static const char *const argv[] = { "nope" };
	struct ew_exec *x = mk("bash", "/nope", argv, 1);
	struct env env;

	ew_env_defaults(&env);
	x->pid = 77;
	x->ppid = 76;
	x->ret = -2;
	check_row(&env, x, "5.908   bash             77     76      -2 /nope\n");
	free(x);
}

static const char *const quote_argv[] = {
	"sh", "-c", "echo hi", "say \"x\"", "", "it's", "a\tb", "...", "a\xc2\xa0" "b",
};

static void test_row_quote(void **state)
{
	struct ew_exec *x = mk("sh", "/bin/sh", quote_argv, 9);
	struct env env;

	ew_env_defaults(&env);
	env.quote = true;
	x->pid = 5;
	x->ppid = 4;
	/* An argument "..." is not the mark of arguments left out; a
	 * no-break space is not the space between two arguments. */
	check_row(&env, x, "5.908   sh               5      4        0 /bin/sh -c \"echo hi\" \"say \\\"x\\\"\" \"\" \"it's\" \"a\\tb\" \"...\" a\\u00a0b\n");
	free(x);
}

static void test_row_no_quote(void **state)
{
	struct ew_exec *x = mk("sh", "/bin/sh", quote_argv, 9);
	struct env env;

	ew_env_defaults(&env);
	x->pid = 5;
	x->ppid = 4;
	check_row(&env, x, "5.908   sh               5      4        0 /bin/sh -c echo hi say \"x\"  it's a\\tb ... a\\u00a0b\n");
	free(x);
}

static void test_row_cut_argument(void **state)
{
	static const char *const argv[] = { "echo", "abc", "a b" };
	struct ew_exec *x = mk("echo", "/bin/echo", argv, 3);
	struct env env;

	ew_env_defaults(&env);
	x->pid = 1;
	x->ppid = 0;
	x->args[1].cut = true;
	x->args[2].cut = true;
	x->args_truncated = true;
	check_row(&env, x, "5.908   echo             1      0        0 /bin/echo abc... a b...\n");
	env.quote = true;
	check_row(&env, x, "5.908   echo             1      0        0 /bin/echo abc... \"a b...\"\n");
	x->filename_cut = true;
	env.quote = false;
	check_row(&env, x, "5.908   echo             1      0        0 /bin/echo... abc... a b...\n");
	free(x);
}

static void test_row_truncated_count(void **state)
{
	static const char *const argv[] = { "echo", "a" };
	struct ew_exec *x = mk("echo", "/bin/echo", argv, 2);
	struct env env;

	ew_env_defaults(&env);
	x->pid = 1;
	x->ppid = 0;
	x->argc = 5;
	x->args_truncated = true;
	check_row(&env, x, "5.908   echo             1      0        0 /bin/echo a ...\n");
	/* Unknown count, but some were not read. */
	x->argc = 0;
	check_row(&env, x, "5.908   echo             1      0        0 /bin/echo a ...\n");
	/* All there: nothing to add. */
	x->argc = 2;
	x->args_truncated = false;
	check_row(&env, x, "5.908   echo             1      0        0 /bin/echo a\n");
	free(x);
}

static void test_row_unreadable(void **state)
{
	struct ew_exec *x = mk("true", "/bin/true", NULL, 0);
	struct env env;

	ew_env_defaults(&env);
	x->pid = 1;
	x->ppid = 0;
	x->ret = -14;
	x->argc = 0;
	x->args_unreadable = true;
	check_row(&env, x, "5.908   true             1      0      -14 /bin/true [args unreadable]\n");
	x->filename_unreadable = true;
	check_row(&env, x, "5.908   true             1      0      -14 [unreadable] [args unreadable]\n");
	free(x);
}

static void test_row_escaped(void **state)
{
	static const char *const argv[] = { "x", "\x1b]0;pwned\x07", "\xff" };
	struct ew_exec *x = mk("\x1b[2Jevil", "/tmp/a\nb", argv, 3);
	struct env env;

	ew_env_defaults(&env);
	x->pid = 1;
	x->ppid = 0;
	check_row(&env, x, "5.908   \\x1b[2Jevil      1      0        0 /tmp/a\\nb \\x1b]0;pwned\\x07 \\xff\n");
	free(x);
}

static void test_joined_args(void **state)
{
	struct ew_exec *x = docker();
	struct ew_buf b = { 0 };

	ew_joined_args(&b, x);
	assert_string_equal(b.p, "/usr/bin/docker exec -it 9e02dfdeb94f /bin/bash");
	free(x);
	ew_buf_free(&b);
}

static void test_json_checker(void **state)
{
	static const char *const good[] = {
		"{\"a\":[1,-2,\"x\\u0041\"],\"b\":null}\n",
	};
	static const char *const bad[] = {
		"{\"a\":1}", "{\"a\":\"\x1b\"}\n", "{\"a\":\"\\x1b\"}\n",
		"{\"a\":1,}\n", "{\"a\":1}}\n", "[1]\n", "{\"a\":1}\n{}\n",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(ew_json_line_valid(good[i], strlen(good[i])));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(ew_json_line_valid(bad[i], strlen(bad[i])));
}

static void check_json(const struct ew_exec *x, const struct ew_when *w,
		       const char *want)
{
	struct ew_buf b = { 0 };

	ew_json_line(&b, x, w);
	assert_false(b.oom);
	assert_string_equal(b.p, want);
	assert_true(ew_json_line_valid(b.p, b.len));
	ew_buf_free(&b);
}

static struct ew_exec *ls_exec(void)
{
	static const char *const argv[] = { "ls", "-l" };
	struct ew_exec *x = mk("bash", "/bin/ls", argv, 2);

	x->ts_ns = 2000;
	x->enter_ns = 1500;
	x->entered = true;
	x->cpu = 3;
	x->seq = 42;
	x->pid = 100;
	x->tid = 101;
	x->ppid = 1;
	x->uid = 0;
	return x;
}

static void test_json_known(void **state)
{
	static const struct ew_when w = { 1.0, { 1700000000, 5 } };
	struct ew_exec *x = ls_exec();

	/* JSON time is UTC whatever the local zone. */
	setenv("TZ", "JST-9", 1);
	tzset();
	check_json(x, &w, "{\"event\":\"exec\",\"time\":\"2023-11-14T22:13:20.000000005Z\",\"ts_ns\":2000,\"cpu\":3,\"seq\":42,\"comm\":\"bash\",\"pid\":100,\"tid\":101,\"ppid\":1,\"uid\":0,\"gid\":0,\"euid\":0,\"egid\":0,\"setuid\":false,\"ptraced\":false,\"ret\":0,\"filename\":\"/bin/ls\",\"argv\":[\"ls\",\"-l\"],\"interpreter\":null,\"argc\":2,\"container_id\":null,\"container_runtime\":null,\"container_kind\":\"host\",\"container_owner_uid\":null,\"cgroup_id\":null,\"mntns\":null,\"pidns\":null,\"ns_pid\":null,\"tty\":null,\"from_outside\":null,\"alert\":null,\"args_truncated\":false,\"args_unreadable\":false,\"filename_truncated\":false,\"filename_unreadable\":false,\"exe_kind\":\"file\",\"execveat\":false,\"entry\":null,\"refused\":false,\"no_return\":false,\"latency_ns\":500}\n");
	free(x);
}

static void test_json_flags(void **state)
{
	static const struct ew_when w = { 1.0, { 0, 999999999 } };
	struct ew_exec *x = ls_exec();

	x->argc = 0;
	x->ret = -13;
	x->uid = 4294967294u;
	x->args_truncated = true;
	x->args_unreadable = true;
	x->filename_unreadable = true;
	x->execveat = true;
	x->ts_ns = 1500;
	check_json(x, &w, "{\"event\":\"exec\",\"time\":\"1970-01-01T00:00:00.999999999Z\",\"ts_ns\":1500,\"cpu\":3,\"seq\":42,\"comm\":\"bash\",\"pid\":100,\"tid\":101,\"ppid\":1,\"uid\":4294967294,\"gid\":0,\"euid\":0,\"egid\":0,\"setuid\":false,\"ptraced\":false,\"ret\":-13,\"filename\":\"/bin/ls\",\"argv\":[\"ls\",\"-l\"],\"interpreter\":null,\"argc\":null,\"container_id\":null,\"container_runtime\":null,\"container_kind\":\"host\",\"container_owner_uid\":null,\"cgroup_id\":null,\"mntns\":null,\"pidns\":null,\"ns_pid\":null,\"tty\":null,\"from_outside\":null,\"alert\":null,\"args_truncated\":true,\"args_unreadable\":true,\"filename_truncated\":false,\"filename_unreadable\":true,\"exe_kind\":\"file\",\"execveat\":true,\"entry\":null,\"refused\":false,\"no_return\":false,\"latency_ns\":0}\n");
	free(x);
}

static void test_json_escaped(void **state)
{
	static const char *const argv[] = { "a\"b", "\xff", "\x1b[0m", "", "\xc3\xa9\\" };
	static const struct ew_when w = { 1.0, { 1700000000, 0 } };
	struct ew_exec *x = mk("c\tm", "/tmp/\xe2\x80\xae", argv, 5);

	x->ts_ns = x->enter_ns = 9;
	x->entered = true;
	check_json(x, &w, "{\"event\":\"exec\",\"time\":\"2023-11-14T22:13:20.000000000Z\",\"ts_ns\":9,\"cpu\":0,\"seq\":0,\"comm\":\"c\\tm\",\"pid\":0,\"tid\":0,\"ppid\":0,\"uid\":0,\"gid\":0,\"euid\":0,\"egid\":0,\"setuid\":false,\"ptraced\":false,\"ret\":0,\"filename\":\"/tmp/\\u202e\",\"argv\":[\"a\\\"b\",\"\\ufffd\",\"\\u001b[0m\",\"\",\"\xc3\xa9\\\\\"],\"argv_b64\":[\"YSJi\",\"/w==\",\"G1swbQ==\",\"\",\"w6lc\"],\"interpreter\":null,\"argc\":5,\"container_id\":null,\"container_runtime\":null,\"container_kind\":\"host\",\"container_owner_uid\":null,\"cgroup_id\":null,\"mntns\":null,\"pidns\":null,\"ns_pid\":null,\"tty\":null,\"from_outside\":null,\"alert\":null,\"args_truncated\":false,\"args_unreadable\":false,\"filename_truncated\":false,\"filename_unreadable\":false,\"exe_kind\":\"file\",\"execveat\":false,\"entry\":null,\"refused\":false,\"no_return\":false,\"latency_ns\":0}\n");
	free(x);
}

/* Each string field that is not UTF-8 gets its exact bytes in FIELD_b64. */
static void test_json_b64_companions(void **state)
{
	static const char *const argv[] = { "ok" };
	static const struct ew_when w = { 1.0, { 0, 0 } };
	struct ew_exec *x = mk("c\xfe", "/tmp/\xff\xfe", argv, 1);
	struct ew_buf b = { 0 };

	x->interp = "/bin/\xff";
	x->interp_len = 6;
	ew_json_line(&b, x, &w);
	assert_false(b.oom);
	assert_non_null(strstr(b.p, ",\"comm\":\"c\\ufffd\",\"comm_b64\":\"Y/4=\","));
	assert_non_null(strstr(b.p, ",\"filename\":\"/tmp/\\ufffd\\ufffd\",\"filename_b64\":\"L3RtcC///g==\","));
	assert_non_null(strstr(b.p, ",\"argv\":[\"ok\"],\"interpreter\":[\"/bin/\\ufffd\"],\"interpreter_b64\":[\"L2Jpbi//\"],"));
	assert_null(strstr(b.p, "argv_b64"));
	assert_true(ew_json_line_valid(b.p, b.len));
	ew_buf_free(&b);
	free(x);
}

static void test_json_no_args(void **state)
{
	static const struct ew_when w = { 1.0, { 1700000000, 0 } };
	struct ew_exec *x = mk("x", "", NULL, 0);
	struct ew_buf b = { 0 };

	ew_json_line(&b, x, &w);
	assert_non_null(strstr(b.p, ",\"filename\":\"\",\"argv\":[],\"interpreter\":null,\"argc\":null,"));
	assert_true(ew_json_line_valid(b.p, b.len));
	ew_buf_free(&b);
	free(x);
}

/* A #! script: the table shows it as invoked, JSON keeps argv whole and
 * names the interpreter. */
static struct ew_exec *script_exec(void)
{
	static const char *const argv[] = { "/bin/sh", "-e", "./s.sh", "x" };
	struct ew_exec *x = mk("s.sh", "./s.sh", argv, 4);

	x->interp = "/bin/sh";
	x->interp_len = 7;
	x->script_at = 2;
	x->pid = 4242;
	x->ppid = 1;
	return x;
}

static void test_table_script_as_invoked(void **state)
{
	struct ew_exec *x = script_exec();
	struct env env;

	ew_env_defaults(&env);
	check_row(&env, x, "5.908   s.sh             4242   1        0 ./s.sh x\n");
	free(x);
}

static void test_json_new_fields(void **state)
{
	static const struct ew_when w = { 1.0, { 1700000000, 5 } };
	struct ew_exec *x = script_exec();
	struct ew_buf b = { 0 };

	x->uid = x->gid = 65534;
	x->euid = 0;
	x->egid = 42;
	x->setuid = true;
	x->ptraced = true;
	x->filename_cut = true;
	x->exe_kind = EW_EXE_MEMFD;
	x->entry = EW_ENTRY_COMPAT_EXECVEAT;
	x->execveat = true;
	ew_json_line(&b, x, &w);
	assert_true(ew_json_line_valid(b.p, b.len));
	assert_non_null(strstr(b.p, "{\"event\":\"exec\",\"time\":"));
	assert_non_null(strstr(b.p, ",\"uid\":65534,\"gid\":65534,\"euid\":0,\"egid\":42,\"setuid\":true,\"ptraced\":true,"));
	assert_non_null(strstr(b.p, ",\"argv\":[\"/bin/sh\",\"-e\",\"./s.sh\",\"x\"],\"interpreter\":[\"/bin/sh\",\"-e\"],"));
	assert_non_null(strstr(b.p, ",\"filename_truncated\":true,"));
	assert_non_null(strstr(b.p, ",\"exe_kind\":\"memfd\",\"execveat\":true,\"entry\":\"compat_execveat\",\"refused\":false,\"no_return\":false,\"latency_ns\":null}\n"));
	ew_buf_free(&b);
	/* The kernel ran an interpreter that argv does not show: its path. */
	x->script_at = 0;
	x->refused = true;
	x->entry = EW_ENTRY_KERNEL;
	ew_json_line(&b, x, &w);
	assert_non_null(strstr(b.p, ",\"interpreter\":[\"/bin/sh\"],"));
	assert_non_null(strstr(b.p, ",\"entry\":\"kernel\",\"refused\":true,"));
	ew_buf_free(&b);
	free(x);
}

static void test_json_lost(void **state)
{
	static const struct ew_when w = { 1.0, { 1700000000, 5 } };
	struct ew_buf b = { 0 };

	ew_json_lost(&b, "perf_buffer_full", 363, &w);
	assert_string_equal(b.p, "{\"event\":\"lost\",\"time\":\"2023-11-14T22:13:20.000000005Z\",\"cause\":\"perf_buffer_full\",\"count\":363}\n");
	assert_true(ew_json_line_valid(b.p, b.len));
	ew_buf_free(&b);
}

/* The CONTAINER column and the alert marker (-C, or a container seen). */

static const char out_cid[] =
	"9e02dfdeb94f3b1e4c5d6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f70819";

static struct ew_exec *sh_in_container(void)
{
	static const char *const argv[] = { "sh", "-c", "id" };
	struct ew_exec *x = mk("sh", "/bin/sh", argv, 3);

	x->pid = 12448;
	x->ppid = 12439;
	x->uid = 0;
	memcpy(x->container.id, out_cid, sizeof(out_cid));
	x->container.runtime = "docker";
	x->container.kind = EW_CT_SYSTEM;
	x->cgroup_id = 0x100000000002aULL;
	x->ns_known = true;
	x->mntns = 4026532251u;
	x->pidns = 4026532253u;
	x->parent_pidns = 4026532253u;
	x->ns_pid = 7;
	x->tty = true;
	x->alert = "shell_in_container";
	return x;
}

static void test_header_container(void **state)
{
	struct env env;

	ew_env_defaults(&env);
	env.show_container = true;
	check_header(&env,
		     "  TIME(s) CONTAINER    PCOMM            PID    PPID   RET ARGS\n");
	env.wall_time = true;
	env.print_uid = true;
	check_header(&env,
		     "  TIME     TIME(s) UID    CONTAINER    PCOMM            PID    PPID   RET ARGS\n");
	/* Colour never reaches the header. */
	env.color = true;
	check_header(&env,
		     "  TIME     TIME(s) UID    CONTAINER    PCOMM            PID    PPID   RET ARGS\n");
	env.show_container = false;
	check_header(&env,
		     "TIME     TIME(s) UID    PCOMM            PID    PPID   RET ARGS\n");
}

static void test_row_container_host(void **state)
{
	struct ew_exec *x = docker();
	struct env env;

	ew_env_defaults(&env);
	env.show_container = true;
	check_row(&env, x, "  5.908   -            docker           8854   3154     0 /usr/bin/docker exec -it 9e02dfdeb94f /bin/bash\n");
	env.color = true;
	check_row(&env, x, "  5.908   -            docker           8854   3154     0 /usr/bin/docker exec -it 9e02dfdeb94f /bin/bash\n");
	free(x);
}

static void test_row_container(void **state)
{
	struct ew_exec *x = sh_in_container();
	struct env env;

	ew_env_defaults(&env);
	env.show_container = true;
	x->alert = NULL;
	check_row(&env, x, "  5.908   9e02dfdeb94f sh               12448  12439    0 /bin/sh -c id\n");
	/* No alert: no colour either. */
	env.color = true;
	check_row(&env, x, "  5.908   9e02dfdeb94f sh               12448  12439    0 /bin/sh -c id\n");
	/* Lined up with the header's columns. */
	env.color = false;
	env.print_uid = true;
	env.wall_time = true;
	setenv("TZ", "UTC", 1);
	tzset();
	check_row(&env, x, "  22:13:20 5.908   0      9e02dfdeb94f sh               12448  12439    0 /bin/sh -c id\n");
	/* Without -C the column is not there, container or not. */
	env.show_container = false;
	env.print_uid = false;
	env.wall_time = false;
	check_row(&env, x, "5.908   sh               12448  12439    0 /bin/sh -c id\n");
	free(x);
}

/* A container a user made reads as that user's; one the probe could not
 * tell, as unknown. */
static void test_row_container_kinds(void **state)
{
	struct ew_exec *x = sh_in_container();
	struct env env;

	ew_env_defaults(&env);
	env.show_container = true;
	x->alert = NULL;
	x->container.kind = EW_CT_USER;
	x->container.owner_uid = 65534;
	check_row(&env, x, "  5.908   u65534:9e02d sh               12448  12439    0 /bin/sh -c id\n");
	x->container.owner_uid = EW_UID_UNKNOWN;
	check_row(&env, x, "  5.908   u?:9e02dfdeb sh               12448  12439    0 /bin/sh -c id\n");
	x->container.kind = EW_CT_UNKNOWN;
	memset(x->container.id, 0, sizeof(x->container.id));
	x->container.runtime = NULL;
	check_row(&env, x, "  5.908   ?            sh               12448  12439    0 /bin/sh -c id\n");
	free(x);
}

static void test_json_container_kinds(void **state)
{
	static const struct ew_when w = { 1.0, { 0, 0 } };
	struct ew_exec *x = sh_in_container();
	struct ew_buf b = { 0 };

	x->container.kind = EW_CT_USER;
	x->container.owner_uid = 1000;
	x->alert = "shell_in_user_container";
	ew_json_line(&b, x, &w);
	assert_non_null(strstr(b.p, ",\"container_id\":\"9e02dfdeb94f3b1e4c5d6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f70819\",\"container_runtime\":\"docker\",\"container_kind\":\"user\",\"container_owner_uid\":1000,"));
	assert_non_null(strstr(b.p, ",\"alert\":\"shell_in_user_container\","));
	ew_buf_reset(&b);
	x->container.owner_uid = EW_UID_UNKNOWN;
	ew_json_line(&b, x, &w);
	assert_non_null(strstr(b.p, ",\"container_kind\":\"user\",\"container_owner_uid\":null,"));
	ew_buf_reset(&b);
	x->container.kind = EW_CT_UNKNOWN;
	memset(x->container.id, 0, sizeof(x->container.id));
	x->alert = NULL;
	ew_json_line(&b, x, &w);
	assert_non_null(strstr(b.p, ",\"container_id\":null,\"container_runtime\":null,\"container_kind\":\"unknown\",\"container_owner_uid\":null,"));
	assert_true(ew_json_line_valid(b.p, b.len));
	ew_buf_free(&b);
	free(x);
}

static void test_row_alert(void **state)
{
	struct ew_exec *x = sh_in_container();
	struct env env;

	ew_env_defaults(&env);
	env.show_container = true;
	check_row(&env, x, "! 5.908   9e02dfdeb94f sh               12448  12439    0 /bin/sh -c id\n");
	env.color = true;
	check_row(&env, x, "\033[1;31m! 5.908   9e02dfdeb94f sh               12448  12439    0 /bin/sh -c id\033[0m\n");
	/* The reset comes after everything, the " ..." of a cut list too. */
	x->argc = 5;
	x->args_truncated = true;
	check_row(&env, x, "\033[1;31m! 5.908   9e02dfdeb94f sh               12448  12439    0 /bin/sh -c id ...\033[0m\n");
	free(x);
}

/* Escapes in the arguments are still escaped on an alert line. */
static void test_row_alert_escaped(void **state)
{
	static const char *const argv[] = { "sh", "\x1b[0m" };
	struct ew_exec *x = mk("sh", "/bin/sh", argv, 2);
	struct env env;

	ew_env_defaults(&env);
	env.show_container = true;
	env.color = true;
	x->pid = 1;
	x->ppid = 0;
	memcpy(x->container.id, out_cid, sizeof(out_cid));
	x->container.runtime = "podman";
	x->container.kind = EW_CT_SYSTEM;
	x->alert = "shell_in_container";
	check_row(&env, x, "\033[1;31m! 5.908   9e02dfdeb94f sh               1      0        0 /bin/sh \\x1b[0m\033[0m\n");
	free(x);
}

/* Without the column there is no marker, and no colour. */
static void test_row_alert_no_column(void **state)
{
	struct ew_exec *x = sh_in_container();
	struct env env;

	ew_env_defaults(&env);
	env.color = true;
	check_row(&env, x, "5.908   sh               12448  12439    0 /bin/sh -c id\n");
	free(x);
}

static void test_json_container(void **state)
{
	static const struct ew_when w = { 1.0, { 1700000000, 5 } };
	struct ew_exec *x = sh_in_container();

	x->ts_ns = 2000;
	x->enter_ns = 1500;
	x->entered = true;
	x->cpu = 3;
	x->seq = 42;
	x->tid = 12448;
	check_json(x, &w, "{\"event\":\"exec\",\"time\":\"2023-11-14T22:13:20.000000005Z\",\"ts_ns\":2000,\"cpu\":3,\"seq\":42,\"comm\":\"sh\",\"pid\":12448,\"tid\":12448,\"ppid\":12439,\"uid\":0,\"gid\":0,\"euid\":0,\"egid\":0,\"setuid\":false,\"ptraced\":false,\"ret\":0,\"filename\":\"/bin/sh\",\"argv\":[\"sh\",\"-c\",\"id\"],\"interpreter\":null,\"argc\":3,\"container_id\":\"9e02dfdeb94f3b1e4c5d6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f70819\",\"container_runtime\":\"docker\",\"container_kind\":\"system\",\"container_owner_uid\":null,\"cgroup_id\":281474976710698,\"mntns\":4026532251,\"pidns\":4026532253,\"ns_pid\":7,\"tty\":true,\"from_outside\":false,\"alert\":\"shell_in_container\",\"args_truncated\":false,\"args_unreadable\":false,\"filename_truncated\":false,\"filename_unreadable\":false,\"exe_kind\":\"file\",\"execveat\":false,\"entry\":null,\"refused\":false,\"no_return\":false,\"latency_ns\":500}\n");
	/* docker exec without -t: the parent is in the host's namespace. */
	x->tty = false;
	x->parent_pidns = 4026531836u;
	check_json(x, &w, "{\"event\":\"exec\",\"time\":\"2023-11-14T22:13:20.000000005Z\",\"ts_ns\":2000,\"cpu\":3,\"seq\":42,\"comm\":\"sh\",\"pid\":12448,\"tid\":12448,\"ppid\":12439,\"uid\":0,\"gid\":0,\"euid\":0,\"egid\":0,\"setuid\":false,\"ptraced\":false,\"ret\":0,\"filename\":\"/bin/sh\",\"argv\":[\"sh\",\"-c\",\"id\"],\"interpreter\":null,\"argc\":3,\"container_id\":\"9e02dfdeb94f3b1e4c5d6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f70819\",\"container_runtime\":\"docker\",\"container_kind\":\"system\",\"container_owner_uid\":null,\"cgroup_id\":281474976710698,\"mntns\":4026532251,\"pidns\":4026532253,\"ns_pid\":7,\"tty\":false,\"from_outside\":true,\"alert\":\"shell_in_container\",\"args_truncated\":false,\"args_unreadable\":false,\"filename_truncated\":false,\"filename_unreadable\":false,\"exe_kind\":\"file\",\"execveat\":false,\"entry\":null,\"refused\":false,\"no_return\":false,\"latency_ns\":500}\n");
	/* The entrypoint: started from outside too, but pid 1 inside. */
	x->ns_pid = 1;
	x->alert = NULL;
	check_json(x, &w, "{\"event\":\"exec\",\"time\":\"2023-11-14T22:13:20.000000005Z\",\"ts_ns\":2000,\"cpu\":3,\"seq\":42,\"comm\":\"sh\",\"pid\":12448,\"tid\":12448,\"ppid\":12439,\"uid\":0,\"gid\":0,\"euid\":0,\"egid\":0,\"setuid\":false,\"ptraced\":false,\"ret\":0,\"filename\":\"/bin/sh\",\"argv\":[\"sh\",\"-c\",\"id\"],\"interpreter\":null,\"argc\":3,\"container_id\":\"9e02dfdeb94f3b1e4c5d6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f70819\",\"container_runtime\":\"docker\",\"container_kind\":\"system\",\"container_owner_uid\":null,\"cgroup_id\":281474976710698,\"mntns\":4026532251,\"pidns\":4026532253,\"ns_pid\":1,\"tty\":false,\"from_outside\":false,\"alert\":null,\"args_truncated\":false,\"args_unreadable\":false,\"filename_truncated\":false,\"filename_unreadable\":false,\"exe_kind\":\"file\",\"execveat\":false,\"entry\":null,\"refused\":false,\"no_return\":false,\"latency_ns\":500}\n");
	free(x);
}

/* In a container, but the probe had no BTF for the namespaces. */
static void test_json_container_ns_unknown(void **state)
{
	static const struct ew_when w = { 1.0, { 1700000000, 5 } };
	struct ew_exec *x = ls_exec();

	memcpy(x->container.id, out_cid, sizeof(out_cid));
	x->container.runtime = "cri-o";
	x->container.kind = EW_CT_SYSTEM;
	/* Whatever is in the fields, unknown is null. */
	x->cgroup_id = 5;
	x->mntns = x->pidns = 9;
	x->parent_pidns = 10;
	x->tty = true;
	check_json(x, &w, "{\"event\":\"exec\",\"time\":\"2023-11-14T22:13:20.000000005Z\",\"ts_ns\":2000,\"cpu\":3,\"seq\":42,\"comm\":\"bash\",\"pid\":100,\"tid\":101,\"ppid\":1,\"uid\":0,\"gid\":0,\"euid\":0,\"egid\":0,\"setuid\":false,\"ptraced\":false,\"ret\":0,\"filename\":\"/bin/ls\",\"argv\":[\"ls\",\"-l\"],\"interpreter\":null,\"argc\":2,\"container_id\":\"9e02dfdeb94f3b1e4c5d6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f70819\",\"container_runtime\":\"cri-o\",\"container_kind\":\"system\",\"container_owner_uid\":null,\"cgroup_id\":null,\"mntns\":null,\"pidns\":null,\"ns_pid\":null,\"tty\":null,\"from_outside\":null,\"alert\":null,\"args_truncated\":false,\"args_unreadable\":false,\"filename_truncated\":false,\"filename_unreadable\":false,\"exe_kind\":\"file\",\"execveat\":false,\"entry\":null,\"refused\":false,\"no_return\":false,\"latency_ns\":500}\n");
	free(x);
}

/* On the host, with the namespaces known. */
static void test_json_host_ns_known(void **state)
{
	static const struct ew_when w = { 1.0, { 1700000000, 5 } };
	struct ew_exec *x = ls_exec();

	x->ns_known = true;
	x->cgroup_id = 1;
	x->mntns = 4026531841u;
	x->pidns = x->parent_pidns = 4026531836u;
	x->ns_pid = 100;
	check_json(x, &w, "{\"event\":\"exec\",\"time\":\"2023-11-14T22:13:20.000000005Z\",\"ts_ns\":2000,\"cpu\":3,\"seq\":42,\"comm\":\"bash\",\"pid\":100,\"tid\":101,\"ppid\":1,\"uid\":0,\"gid\":0,\"euid\":0,\"egid\":0,\"setuid\":false,\"ptraced\":false,\"ret\":0,\"filename\":\"/bin/ls\",\"argv\":[\"ls\",\"-l\"],\"interpreter\":null,\"argc\":2,\"container_id\":null,\"container_runtime\":null,\"container_kind\":\"host\",\"container_owner_uid\":null,\"cgroup_id\":1,\"mntns\":4026531841,\"pidns\":4026531836,\"ns_pid\":100,\"tty\":false,\"from_outside\":false,\"alert\":null,\"args_truncated\":false,\"args_unreadable\":false,\"filename_truncated\":false,\"filename_unreadable\":false,\"exe_kind\":\"file\",\"execveat\":false,\"entry\":null,\"refused\":false,\"no_return\":false,\"latency_ns\":500}\n");
	free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_row_docker),
		cmocka_unit_test(test_row_filename_first),
		cmocka_unit_test(test_row_time_uid),
		cmocka_unit_test(test_row_failed),
		cmocka_unit_test(test_row_quote),
		cmocka_unit_test(test_row_no_quote),
		cmocka_unit_test(test_row_cut_argument),
		cmocka_unit_test(test_row_truncated_count),
		cmocka_unit_test(test_row_unreadable),
		cmocka_unit_test(test_row_escaped),
		cmocka_unit_test(test_joined_args),
		cmocka_unit_test(test_json_checker),
		cmocka_unit_test(test_json_known),
		cmocka_unit_test(test_json_flags),
		cmocka_unit_test(test_json_escaped),
		cmocka_unit_test(test_json_b64_companions),
		cmocka_unit_test(test_json_no_args),
		cmocka_unit_test(test_table_script_as_invoked),
		cmocka_unit_test(test_json_new_fields),
		cmocka_unit_test(test_json_lost),
		cmocka_unit_test(test_header_container),
		cmocka_unit_test(test_row_container_host),
		cmocka_unit_test(test_row_container),
		cmocka_unit_test(test_row_container_kinds),
		cmocka_unit_test(test_json_container_kinds),
		cmocka_unit_test(test_row_alert),
		cmocka_unit_test(test_row_alert_escaped),
		cmocka_unit_test(test_row_alert_no_column),
		cmocka_unit_test(test_json_container),
		cmocka_unit_test(test_json_container_ns_unknown),
		cmocka_unit_test(test_json_host_ns_known),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
