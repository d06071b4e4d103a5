// SPDX-License-Identifier: GPL-2.0
/* The one way execwatch reports: prefixes, hints, --verbose, and no byte
 * that could drive a terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"

static void expect(void (*say)(void), const char *want)
{
	struct ew_test_log log;
	char *got;

	ew_test_log_start(&log);
	say();
	got = ew_test_log_end(&log);
	assert_string_equal(got, want);
	free(got);
}

static void say_error(void)
{
	ew_err("cannot open %s: %s", "/x", "No such file or directory");
}

static void say_hint(void)
{
	ew_err_hint("run it with sudo", "tracing needs root");
}

static void say_warning(void)
{
	ew_warn_hint("a larger --perf-pages", "%d events lost (%s)", 3,
		     "perf buffer full");
}

static void say_info(void)
{
	ew_info("compile: %d ms", 412);
}

static void say_hostile(void)
{
	ew_err("cannot open probe %s", "/tmp/\x1b[2Jx\ny\\z");
}

static void say_block(void)
{
	ew_log_block("a.c:1:2: error: x\n\x1b]0;t\x07\nlast");
}

static void say_notice(void)
{
	ew_notice("reloaded %s as generation %u", "p.c", 2u);
	ew_log_line("Tracing execve via %ss... Ctrl-C to end.", "tracepoint");
}

static void test_lines(void **state)
{
	ew_log_init("execwatch", false);
	expect(say_error, "execwatch: cannot open /x: No such file or directory\n");
	expect(say_hint, "execwatch: tracing needs root; hint: run it with sudo\n");
	expect(say_warning, "execwatch: warning: 3 events lost (perf buffer full); "
	       "hint: a larger --perf-pages\n");
	expect(say_notice, "execwatch: reloaded p.c as generation 2\n"
	       "Tracing execve via tracepoints... Ctrl-C to end.\n");
}

static void test_verbose_only(void **state)
{
	ew_log_init("execwatch", false);
	expect(say_info, "");
	assert_false(ew_log_verbose());
	ew_log_init("execwatch-compile", true);
	expect(say_info, "execwatch-compile: compile: 412 ms\n");
	assert_true(ew_log_verbose());
	ew_log_init("execwatch", false);
}

/* One line per message, whatever a file name holds; a backslash stays. */
static void test_hostile_bytes(void **state)
{
	ew_log_init("execwatch", false);
	expect(say_hostile, "execwatch: cannot open probe /tmp/\\x1b[2Jx\\ny\\z\n");
	expect(say_block, "a.c:1:2: error: x\n\\x1b]0;t\\x07\nlast\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_verbose_only),
		cmocka_unit_test(test_hostile_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
