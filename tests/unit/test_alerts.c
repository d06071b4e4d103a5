// SPDX-License-Identifier: GPL-2.0
/* The shell-in-a-container alert: what is a shell, and when it counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"

static const char cid[] =
	"eb0dbd4c1f24b4b2446a3019d050f415713dd4407b602ab3eb8d240c30c76f8d";

/* An exec whose arguments point at the caller's strings. */
static struct ew_exec *mk(const char *filename, const char *const *argv,
			  uint32_t n)
{
	return ew_test_exec("runc", filename, argv, n);
}

/* In a container, started from inside it, no terminal. */
static struct ew_exec *in_container(const char *filename,
				    const char *const *argv, uint32_t n)
{
	struct ew_exec *x = mk(filename, argv, n);

	memcpy(x->container.id, cid, sizeof(cid));
	x->container.runtime = "docker";
	x->container.kind = EW_CT_SYSTEM;
	x->ns_known = true;
	x->pidns = x->parent_pidns = 4026532253u;
	x->mntns = 4026532251u;
	x->ns_pid = 7;
	return x;
}

static bool shell_file(const struct ew_shells *s, const char *filename,
		       const char *argv0)
{
	const char *const argv[] = { argv0 };
	struct ew_exec *x = mk(filename, argv, argv0 ? 1 : 0);
	bool r = ew_is_shell(s, x);

	free(x);
	return r;
}

static void test_shells_init(void **state)
{
	struct ew_shells s;

	assert_int_equal(ew_shells_init(&s, NULL), 0);
	assert_string_equal(s.list, EW_DEFAULT_SHELLS);
	assert_string_equal(s.list, "sh,bash,dash,zsh,ash,ksh,fish");
	ew_shells_free(&s);
	assert_null(s.list);
	/* A second free is harmless. */
	ew_shells_free(&s);

	assert_int_equal(ew_shells_init(&s, "zsh"), 0);
	assert_string_equal(s.list, "zsh");
	ew_shells_free(&s);
}

static void test_shells_empty_rejected(void **state)
{
	struct ew_shells s;

	s.list = (char *)"sentinel";
	assert_int_equal(ew_shells_init(&s, ""), -1);
	assert_null(s.list);
	assert_int_equal(ew_shells_init(&s, ","), -1);
	assert_null(s.list);
	assert_int_equal(ew_shells_init(&s, ",,,"), -1);
	assert_null(s.list);
}

/* The list is a copy: the option's string can go. */
static void test_shells_owned(void **state)
{
	char opt[] = "zsh";
	struct ew_shells s;

	assert_int_equal(ew_shells_init(&s, opt), 0);
	memcpy(opt, "ksh", 3);
	assert_true(shell_file(&s, "/bin/zsh", "zsh"));
	assert_false(shell_file(&s, "/bin/ksh", "ksh"));
	ew_shells_free(&s);
}

static void test_default_shells(void **state)
{
	static const char *const shells[] = {
		"/bin/sh", "/usr/bin/sh", "/bin/bash", "/usr/bin/bash",
		"/bin/dash", "/usr/bin/dash", "/bin/zsh", "/usr/bin/zsh",
		"/bin/ash", "/bin/ksh", "/usr/bin/ksh", "/usr/bin/fish",
		"sh", "bash",
	};
	struct ew_shells s;
	size_t i;

	assert_int_equal(ew_shells_init(&s, NULL), 0);
	for (i = 0; i < sizeof(shells) / sizeof(shells[0]); i++) {
		/* By the file name alone, argv[0] unreadable or odd. */
		if (!shell_file(&s, shells[i], NULL))
			fail_msg("%s with no argv is not a shell", shells[i]);
		if (!shell_file(&s, shells[i], "x"))
			fail_msg("%s with argv[0] x is not a shell", shells[i]);
		/* A login shell's argv[0] is "-bash": the file name decides. */
		if (!shell_file(&s, shells[i], "-bash"))
			fail_msg("%s with argv[0] -bash is not a shell", shells[i]);
	}
	ew_shells_free(&s);
}

static void test_not_shells(void **state)
{
	static const char *const others[] = {
		"/bin/true", "/bin/shx", "/usr/bin/bashful", "/usr/bin/ssh",
		"/usr/bin/fish.real", "/bin/sh.distrib", "/sh/true", "/bin/",
		"", "/usr/bin/xsh", "/bin/Bash",
	};
	struct ew_shells s;
	size_t i;

	assert_int_equal(ew_shells_init(&s, NULL), 0);
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		char argv0[64];
		const char *slash = strrchr(others[i], '/');

		snprintf(argv0, sizeof(argv0), "%s", slash ? slash + 1 : others[i]);
		if (shell_file(&s, others[i], NULL))
			fail_msg("'%s' is a shell", others[i]);
		if (shell_file(&s, others[i], argv0))
			fail_msg("'%s' with argv[0] '%s' is a shell", others[i],
				 argv0);
	}
	ew_shells_free(&s);
}

/* Multi-call binaries: busybox and toybox. */
static void test_busybox(void **state)
{
	static const char *const bb_sh[] = { "busybox", "sh", "-c", "x" };
	static const char *const bb_ash[] = { "busybox", "ash" };
	static const char *const bb_ls[] = { "busybox", "ls", "-l" };
	static const char *const bb_alone[] = { "busybox" };
	static const char *const bb_shx[] = { "busybox", "shx" };
	static const char *const tb_sh[] = { "toybox", "sh" };
	static const char *const env_sh[] = { "env", "sh" };
	static const char *const self_sh[] = { "sh", "-c", "x" };
	static const char *const self_path[] = { "/bin/sh" };
	static const char *const self_ls[] = { "ls" };
	static const struct {
		const char *filename;
		const char *const *argv;
		uint32_t n;
		bool shell;
	} cases[] = {
		{ "/bin/busybox", bb_sh, 4, true },
		{ "/bin/busybox", bb_ash, 2, true },
		{ "/bin/busybox", bb_ls, 3, false },
		{ "/bin/busybox", bb_alone, 1, false },
		{ "/bin/busybox", bb_shx, 2, false },
		{ "/usr/bin/toybox", tb_sh, 2, true },
		/* Only a multi-call binary's first argument counts. */
		{ "/usr/bin/env", env_sh, 2, false },
		/* busybox re-executing itself as a shell. */
		{ "/proc/self/exe", self_sh, 3, true },
		{ "/proc/self/exe", self_path, 1, true },
		{ "/proc/self/exe", self_ls, 1, false },
	};
	struct ew_shells s;
	size_t i;

	assert_int_equal(ew_shells_init(&s, NULL), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ew_exec *x = mk(cases[i].filename, cases[i].argv,
				       cases[i].n);

		if (ew_is_shell(&s, x) != cases[i].shell)
			fail_msg("case %zu: %s %s: want %s", i, cases[i].filename,
				 cases[i].argv[0],
				 cases[i].shell ? "a shell" : "not a shell");
		free(x);
	}
	ew_shells_free(&s);
}

/* --shells replaces the list. */
static void test_custom_list(void **state)
{
	static const char *const bb_sh[] = { "busybox", "sh" };
	static const char *const bb_zsh[] = { "busybox", "zsh" };
	struct ew_shells s;
	struct ew_exec *x;

	assert_int_equal(ew_shells_init(&s, "zsh"), 0);
	assert_true(shell_file(&s, "/bin/zsh", "zsh"));
	assert_true(shell_file(&s, "/usr/bin/zsh", NULL));
	assert_false(shell_file(&s, "/bin/sh", "sh"));
	assert_false(shell_file(&s, "/bin/bash", "bash"));
	assert_false(shell_file(&s, "/bin/dash", "dash"));
	assert_false(shell_file(&s, "/bin/zs", "zs"));
	assert_false(shell_file(&s, "/bin/zshh", "zshh"));
	x = mk("/bin/busybox", bb_sh, 2);
	assert_false(ew_is_shell(&s, x));
	free(x);
	x = mk("/bin/busybox", bb_zsh, 2);
	assert_true(ew_is_shell(&s, x));
	free(x);
	ew_shells_free(&s);

	/* Empty entries are skipped, not an "everything" wildcard. */
	assert_int_equal(ew_shells_init(&s, ",bash,,python3,"), 0);
	assert_true(shell_file(&s, "/bin/bash", NULL));
	assert_true(shell_file(&s, "/usr/bin/python3", NULL));
	assert_false(shell_file(&s, "/bin/sh", NULL));
	assert_false(shell_file(&s, "/usr/bin/python", NULL));
	assert_false(shell_file(&s, "", ""));
	ew_shells_free(&s);
}

static void test_from_outside(void **state)
{
	static const char *const argv[] = { "sh" };
	struct ew_exec *x = in_container("/bin/sh", argv, 1);

	assert_false(ew_from_outside(x));
	x->parent_pidns = 4026531836u;
	assert_true(ew_from_outside(x));
	/* Unknown namespaces are not evidence. */
	x->ns_known = false;
	assert_false(ew_from_outside(x));
	/* The container's first process: the runtime starts it from outside,
	 * but it is the entrypoint, not an exec into the container. */
	x->ns_known = true;
	x->ns_pid = 1;
	assert_false(ew_from_outside(x));
	x->ns_pid = 2;
	assert_true(ew_from_outside(x));
	free(x);
}

static void test_alert_any(void **state)
{
	static const char *const sh_argv[] = { "sh", "-c", "id" };
	static const char *const true_argv[] = { "true" };
	struct ew_shells s;
	struct ew_exec *x;
	const char *a;

	assert_int_equal(ew_shells_init(&s, NULL), 0);
	x = in_container("/bin/sh", sh_argv, 3);
	a = ew_alert(&s, EW_ALERT_ANY, x);
	assert_non_null(a);
	assert_string_equal(a, "shell_in_container");
	assert_string_equal(a, EW_ALERT_SHELL);
	/* No terminal, not from outside: still an alert in this mode. */
	assert_false(x->tty);
	assert_false(ew_from_outside(x));

	/* The same shell in a container a user made (rootless, or a name a
	 * user chose): an alert of its own, never the system one. */
	x->container.kind = EW_CT_USER;
	x->container.owner_uid = 1000;
	a = ew_alert(&s, EW_ALERT_ANY, x);
	assert_non_null(a);
	assert_string_equal(a, "shell_in_user_container");
	/* Where the probe could not tell: no alert, the label says unknown. */
	x->container.kind = EW_CT_UNKNOWN;
	memset(x->container.id, 0, sizeof(x->container.id));
	x->container.runtime = NULL;
	assert_null(ew_alert(&s, EW_ALERT_ANY, x));

	/* The same shell on the host. */
	x->container.kind = EW_CT_HOST;
	assert_null(ew_alert(&s, EW_ALERT_ANY, x));
	x->tty = true;
	assert_null(ew_alert(&s, EW_ALERT_INTERACTIVE, x));
	free(x);

	/* A failed exec of a shell in a container. */
	x = in_container("/bin/sh", sh_argv, 3);
	x->ret = -2;
	assert_null(ew_alert(&s, EW_ALERT_ANY, x));
	x->ret = -13;
	x->tty = true;
	assert_null(ew_alert(&s, EW_ALERT_INTERACTIVE, x));
	free(x);

	/* Not a shell. */
	x = in_container("/bin/true", true_argv, 1);
	assert_null(ew_alert(&s, EW_ALERT_ANY, x));
	x->tty = true;
	assert_null(ew_alert(&s, EW_ALERT_INTERACTIVE, x));
	free(x);
	ew_shells_free(&s);
}

static void test_alert_interactive(void **state)
{
	static const char *const argv[] = { "bash" };
	struct ew_shells s;
	struct ew_exec *x;

	assert_int_equal(ew_shells_init(&s, NULL), 0);
	x = in_container("/usr/bin/bash", argv, 1);
	/* A service's own shell: no terminal, same namespace. */
	assert_null(ew_alert(&s, EW_ALERT_INTERACTIVE, x));
	/* With a terminal. */
	x->tty = true;
	assert_string_equal(ew_alert(&s, EW_ALERT_INTERACTIVE, x),
			    "shell_in_container");
	/* docker exec without -t: from outside, no terminal. */
	x->tty = false;
	x->parent_pidns = 4026531836u;
	assert_string_equal(ew_alert(&s, EW_ALERT_INTERACTIVE, x),
			    "shell_in_container");
	/* The entrypoint (pid 1 inside) is not from outside... */
	x->ns_pid = 1;
	assert_null(ew_alert(&s, EW_ALERT_INTERACTIVE, x));
	assert_string_equal(ew_alert(&s, EW_ALERT_ANY, x),
			    "shell_in_container");
	/* ...but docker run -it with a shell has a terminal. */
	x->tty = true;
	assert_string_equal(ew_alert(&s, EW_ALERT_INTERACTIVE, x),
			    "shell_in_container");
	x->tty = false;
	x->ns_pid = 7;
	/* Namespaces unknown: differing numbers mean nothing. */
	x->ns_known = false;
	assert_null(ew_alert(&s, EW_ALERT_INTERACTIVE, x));
	assert_string_equal(ew_alert(&s, EW_ALERT_ANY, x),
			    "shell_in_container");
	free(x);
	ew_shells_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shells_init),
		cmocka_unit_test(test_shells_empty_rejected),
		cmocka_unit_test(test_shells_owned),
		cmocka_unit_test(test_default_shells),
		cmocka_unit_test(test_not_shells),
		cmocka_unit_test(test_busybox),
		cmocka_unit_test(test_custom_list),
		cmocka_unit_test(test_from_outside),
		cmocka_unit_test(test_alert_any),
		cmocka_unit_test(test_alert_interactive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
