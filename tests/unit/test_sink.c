// SPDX-License-Identifier: GPL-2.0
/* The printer: what reaches the file, the header and its columns, a reader
 * that went away, a rotation, and an allocation that fails mid-render. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sink.h"

static bool fail_realloc;

void *__real_realloc(void *p, size_t n);

void *__wrap_realloc(void *p, size_t n)
{
	return fail_realloc ? NULL : __real_realloc(p, n);
}

static char dir[] = "/tmp/ew-sink-XXXXXX";
static char path[64];

static int setup(void **state)
{
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out", dir);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static int teardown(void **state)
{
	char old[80];

	snprintf(old, sizeof(old), "%s.1", path);
	unlink(old);
	unlink(path);
	rmdir(dir);
	return 0;
}

static char *slurp(const char *p)
{
	struct stat st;
	char *s;
	int fd = open(p, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	s = calloc(1, st.st_size + 1);
	assert_int_equal(read(fd, s, st.st_size), st.st_size);
	close(fd);
	return s;
}

static const char *const true_argv[] = { "/bin/true", "a b" };
static const struct ew_when when_one = { 1.25, { 1700000000, 5 } };
static const char cid[] =
	"9e02dfdeb94f3b1e4c5d6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f70819";

static struct ew_sink *open_printer(struct env *env, enum ew_format fmt)
{
	struct ew_sink *s;

	ew_env_defaults(env);
	env->format = fmt;
	env->output = path;
	unlink(path);
	assert_int_equal(ew_printer_open(env, 2, &s), 0);
	return s;
}

static void test_table_to_a_file(void **state)
{
	struct ew_exec *x = ew_test_exec("true", "/bin/true", true_argv, 2);
	struct ew_losses l = { 0 };
	struct ew_test_log log;
	struct env env;
	struct ew_sink *s = open_printer(&env, EW_FMT_TABLE);
	char *text, *said;

	x->pid = 42;
	x->ppid = 1;
	ew_test_log_start(&log);
	assert_int_equal(s->ops->armed(s, "tracepoint"), 0);
	said = ew_test_log_end(&log);
	assert_string_equal(said, "Tracing execve via tracepoints... Ctrl-C to end.\n");
	free(said);
	assert_false(s->ops->exec(s, x, &when_one));
	/* A container brings in the CONTAINER column, with a new header. */
	memcpy(x->container.id, cid, sizeof(cid));
	x->container.runtime = "docker";
	x->container.kind = EW_CT_SYSTEM;
	assert_false(s->ops->exec(s, x, &when_one));
	assert_int_equal(s->ops->flush(s, &l), 2);
	text = slurp(path);
	assert_string_equal(text,
		"TIME(s) PCOMM            PID    PPID   RET ARGS\n"
		"1.250   true             42     1        0 /bin/true a b\n"
		"  TIME(s) CONTAINER    PCOMM            PID    PPID   RET ARGS\n"
		"  1.250   9e02dfdeb94f true             42     1        0 /bin/true a b\n");
	free(text);
	s->ops->close(s);
	free(x);
}

/* An allocation that fails mid-render loses that flush's events, counted,
 * and the next events print as before. */
static void test_out_of_memory_is_counted_not_sticky(void **state)
{
	struct ew_exec *x = ew_test_exec("true", "/bin/true", true_argv, 2);
	struct ew_losses l = { 0 };
	struct env env;
	struct ew_sink *s = open_printer(&env, EW_FMT_JSON);
	char *text;

	fail_realloc = true;
	s->ops->exec(s, x, &when_one);
	s->ops->exec(s, x, &when_one);
	fail_realloc = false;
	assert_int_equal(s->ops->flush(s, &l), 0);
	assert_int_equal(l.count[EW_LOSS_NO_MEMORY], 2);
	s->ops->exec(s, x, &when_one);
	assert_int_equal(s->ops->flush(s, &l), 1);
	text = slurp(path);
	assert_non_null(strstr(text, "\"argv\":[\"/bin/true\",\"a b\"]"));
	assert_int_equal(strchr(text, '\n') - text + 1, (long)strlen(text));
	free(text);
	s->ops->close(s);
	free(x);
}

static void test_reopen_starts_a_new_file(void **state)
{
	struct ew_exec *x = ew_test_exec("true", "/bin/true", true_argv, 2);
	struct ew_losses l = { 0 };
	struct env env;
	struct ew_sink *s = open_printer(&env, EW_FMT_TABLE);
	char old[80], *text;

	snprintf(old, sizeof(old), "%s.1", path);
	s->ops->exec(s, x, &when_one);
	assert_int_equal(s->ops->flush(s, &l), 1);
	assert_int_equal(rename(path, old), 0);
	assert_int_equal(s->ops->reopen(s), 0);
	s->ops->exec(s, x, &when_one);
	assert_int_equal(s->ops->flush(s, &l), 1);
	text = slurp(path);
	assert_string_equal(text, "TIME(s) PCOMM            PID    PPID   RET ARGS\n"
			    "1.250   true             0      0        0 /bin/true a b\n");
	free(text);
	s->ops->close(s);
	free(x);
}

/* A reader that went away is not an error worth a message. */
static void test_closed_pipe(void **state)
{
	struct ew_exec *x = ew_test_exec("true", "/bin/true", true_argv, 2);
	struct ew_losses l = { 0 };
	struct ew_test_log log;
	struct ew_sink *s;
	struct env env;
	int p[2], saved = dup(STDOUT_FILENO);
	char *said;

	assert_int_equal(pipe(p), 0);
	close(p[0]);
	dup2(p[1], STDOUT_FILENO);
	ew_env_defaults(&env);
	env.format = EW_FMT_JSON;
	assert_int_equal(ew_printer_open(&env, 2, &s), 0);
	s->ops->exec(s, x, &when_one);
	ew_test_log_start(&log);
	assert_int_equal(s->ops->flush(s, &l), -EPIPE);
	said = ew_test_log_end(&log);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(p[1]);
	assert_string_equal(said, "");
	free(said);
	s->ops->close(s);
	free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_to_a_file),
		cmocka_unit_test(test_out_of_memory_is_counted_not_sticky),
		cmocka_unit_test(test_reopen_starts_a_new_file),
		cmocka_unit_test(test_closed_pipe),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
