// SPDX-License-Identifier: GPL-2.0
#include "selftest.h"
#include "events.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum canary_kind { C_EXECVE, C_FEXECVE, C_FAIL, C_SCRIPT, C_THREAD, NCANARY };

static const char *const canary_names[NCANARY] = {
	"execve", "execveat (fexecve)", "failing exec", "#! script",
	"exec from a thread",
};

struct canary {
	pid_t pid;
	int fd;			/* fexecve and script: the fd execed */
	bool seen;
	bool pid_ok, ppid_ok, ret_ok, file_ok, argv_ok;
};

struct ew_selftest {
	struct ew_sink sink;
	char self[PATH_MAX];
	struct canary c[NCANARY];
	int seen;
};

extern char **environ;

static char *canary_argv[] = { "execwatch", EW_CANARY_ARG, NULL };

static void *thread_exec(void *self)
{
	execv(self, canary_argv);
	_exit(127);
}

/* Runs in the forked canary; never returns. */
static void run_canary(struct ew_selftest *s, int k)
{
	pthread_t t;

	switch (k) {
	case C_EXECVE:
		execv(s->self, canary_argv);
		break;
	case C_FEXECVE:
	case C_SCRIPT:
		syscall(SYS_execveat, s->c[k].fd, "", canary_argv, environ,
			AT_EMPTY_PATH);
		break;
	case C_FAIL:
		execv("/nonexistent/execwatch-canary", canary_argv);
		_exit(0);
	case C_THREAD:
		if (pthread_create(&t, NULL, thread_exec, s->self) == 0)
			pthread_join(t, NULL);
		break;
	}
	_exit(127);
}

static int open_fds(struct ew_selftest *s)
{
	char script[PATH_MAX + 64];
	int n;

	s->c[C_FEXECVE].fd = open(s->self, O_RDONLY | O_CLOEXEC);
	/* Not close-on-exec: the interpreter opens the script by its /dev/fd path. */
	s->c[C_SCRIPT].fd = memfd_create("execwatch-canary", 0);
	if (s->c[C_FEXECVE].fd < 0 || s->c[C_SCRIPT].fd < 0)
		return -errno;
	n = snprintf(script, sizeof(script), "#!%s %s\n", s->self, EW_CANARY_ARG);
	if (write(s->c[C_SCRIPT].fd, script, n) != n)
		return -EIO;
	return 0;
}

static int start_canaries(struct ew_sink *sink, const char *mechanism)
{
	struct ew_selftest *s = (struct ew_selftest *)sink;
	int k, err;

	err = open_fds(s);
	if (err) {
		ew_err("selftest: cannot prepare canaries: %s", strerror(-err));
		return err;
	}
	for (k = 0; k < NCANARY; k++) {
		pid_t pid = fork();

		if (pid < 0) {
			err = -errno;
			ew_err("selftest: fork: %s", strerror(-err));
			return err;
		}
		if (pid == 0) {
			sigset_t none;

			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, NULL);
			run_canary(s, k);
		}
		s->c[k].pid = pid;
	}
	return 0;
}

static bool argv_is(const struct ew_exec *x, const char *const *want, int n)
{
	int i;

	if ((int)x->nargs != n || x->args_truncated)
		return false;
	for (i = 0; i < n; i++)
		if (strcmp(x->args[i].s, want[i]))
			return false;
	return true;
}

static void check(struct ew_selftest *s, int k, const struct ew_exec *x)
{
	struct canary *c = &s->c[k];
	char fdpath[32];

	snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", c->fd);
	c->pid_ok = x->pid == (uint32_t)c->pid;
	c->ppid_ok = x->ppid == (uint32_t)getpid();
	c->ret_ok = k == C_FAIL ? x->ret == -ENOENT : x->ret == 0;
	switch (k) {
	case C_FEXECVE:
		c->file_ok = !strcmp(x->filename, fdpath);
		c->argv_ok = argv_is(x, (const char *const *)canary_argv, 2);
		break;
	case C_SCRIPT:
		/* The kernel rewrote argv for the interpreter:
		 * interpreter, its argument, the script, then argv[1..]. */
		c->file_ok = !strcmp(x->filename, fdpath);
		c->argv_ok = argv_is(x, (const char *const[]){ s->self,
				     EW_CANARY_ARG, fdpath, EW_CANARY_ARG }, 4);
		break;
	case C_FAIL:
		c->file_ok = !strcmp(x->filename, "/nonexistent/execwatch-canary");
		c->argv_ok = argv_is(x, (const char *const *)canary_argv, 2);
		break;
	default:
		c->file_ok = !strcmp(x->filename, s->self);
		c->argv_ok = argv_is(x, (const char *const *)canary_argv, 2);
	}
	c->seen = true;
	s->seen++;
}

static bool on_event(struct ew_sink *sink, const struct ew_exec *x,
		     const struct ew_when *w)
{
	struct ew_selftest *s = (struct ew_selftest *)sink;
	int k;

	for (k = 0; k < NCANARY; k++)
		if (!s->c[k].seen && x->pid == (uint32_t)s->c[k].pid)
			check(s, k, x);
	return s->seen == NCANARY;
}

/* It prints nothing: no flush, no maps, no file to reopen. */
static const struct ew_sink_ops selftest_ops = {
	.armed = start_canaries,
	.exec = on_event,
};

struct ew_selftest *ew_selftest_new(void)
{
	struct ew_selftest *s = calloc(1, sizeof(*s));
	ssize_t n;
	int k;

	if (!s) {
		ew_err("out of memory");
		return NULL;
	}
	s->sink.ops = &selftest_ops;
	n = readlink("/proc/self/exe", s->self, sizeof(s->self) - 1);
	if (n <= 0) {
		ew_err("selftest: cannot find its own binary: %s", strerror(errno));
		free(s);
		return NULL;
	}
	s->self[n] = 0;
	for (k = 0; k < NCANARY; k++)
		s->c[k].fd = -1;
	return s;
}

struct ew_sink *ew_selftest_sink(struct ew_selftest *s)
{
	return &s->sink;
}

static const char *mark(bool ok)
{
	return ok ? "ok" : "WRONG";
}

int ew_selftest_report(struct ew_selftest *s, const char *mechanism,
		       double elapsed_ms)
{
	int k, good = 0;

	printf("selftest: attached via %ss\n", mechanism);
	for (k = 0; k < NCANARY; k++) {
		struct canary *c = &s->c[k];
		bool ok = c->seen && c->pid_ok && c->ppid_ok && c->ret_ok &&
			  c->file_ok && c->argv_ok;

		good += ok;
		if (!c->seen) {
			printf("selftest: %-20s NOT SEEN\n", canary_names[k]);
			continue;
		}
		printf("selftest: %-20s seen: pid %s, ppid %s, ret %s, filename %s, argv %s\n",
		       canary_names[k], mark(c->pid_ok), mark(c->ppid_ok),
		       mark(c->ret_ok), mark(c->file_ok), mark(c->argv_ok));
	}
	printf("selftest: %d/%d canaries seen with every field right, in %.0f ms\n",
	       good, NCANARY, elapsed_ms);
	return good == NCANARY ? 0 : 1;
}

void ew_selftest_free(struct ew_selftest *s)
{
	int k;

	if (!s)
		return;
	for (k = 0; k < NCANARY; k++) {
		if (s->c[k].fd >= 0)
			close(s->c[k].fd);
		if (s->c[k].pid > 0)
			waitpid(s->c[k].pid, NULL, 0);
	}
	free(s);
}
