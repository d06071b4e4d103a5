// SPDX-License-Identifier: GPL-2.0
/*
 * execwatch: trace every exec on the machine.
 *
 * The whole program, top to bottom: parse options; load the probe's text;
 * have the compile helper (a separate, short-lived process: the only one
 * that links libbcc) compile, load and attach it and hand back the file
 * descriptors; read events into a sink (the printer, or --selftest's
 * checker) until told to stop; print a summary.
 */
#include <errno.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "confine.h"
#include "helper_client.h"
#include "log.h"
#include "options.h"
#include "privileges.h"
#include "probe_source.h"
#include "selftest.h"
#include "sink.h"
#include "trace.h"
#include "trust.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static bool has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return d[cap / 32].effective & (1U << (cap % 32));
}

/* The kernel decides in the end; this only turns the common case into a clear message. */
static int check_privileges(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };

	if (syscall(SYS_capget, &h, d))
		return 0;
	if (has_cap(d, CAP_SYS_ADMIN) ||
	    (has_cap(d, CAP_BPF) && has_cap(d, CAP_PERFMON)))
		return 0;
	ew_err_hint("run it with sudo",
		    "tracing needs root, or CAP_BPF and CAP_PERFMON (this process has neither)");
	return -EPERM;
}

/*
 * What the environment may choose is checked before anything is read or
 * started: the helper's working directory and the kernel headers must be
 * directories only root can change; BCC's own variable is not honoured.
 */
static int check_environment(const struct env *env)
{
	const char *tmp = getenv("TMPDIR");
	int err;

	if (getenv("BCC_KERNEL_SOURCE"))
		ew_warn_hint("use --kernel-headers DIR",
			     "BCC_KERNEL_SOURCE is ignored: nothing in the environment steers the compile");
	if (tmp && tmp[0] == '/' && (err = ew_dir_trusted(tmp, "TMPDIR", true)))
		return err;
	if (env->kernel_headers && (err = ew_dir_trusted(env->kernel_headers, "--kernel-headers", false)))
		return err;
	return 0;
}

static int setup_signals(void)
{
	sigset_t set;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) ||
	    (fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
		ew_err("signalfd: %s", strerror(errno));
		return -errno;
	}
	return fd;
}

static void print_source(const struct ew_probe_build *b,
			 const struct ew_probe *p)
{
	int i;

	printf("// %s, as execwatch would compile it, with:\n//  ", b->src.name);
	for (i = 0; i < p->ncflags; i++)
		printf(" %s", p->cflags[i]);
	printf("\n// and the include directory holding probes/event.h.\n%s",
	       b->src.text);
}

static void print_fds(const struct ew_probe *p)
{
	char list[2048];
	int i, n = 0;

	for (i = 0; i < p->nlinks && n < (int)sizeof(list); i++)
		n += snprintf(list + n, sizeof(list) - n, " %d", p->links[i]);
	ew_info("received %d attachment fds:%s", p->nlinks, list);
	for (i = 0, n = 0; i < p->nmaps && n < (int)sizeof(list); i++)
		n += snprintf(list + n, sizeof(list) - n, " %s (fd %d)",
			      p->maps[i].name, p->maps[i].fd);
	ew_info("received %d maps:%s", p->nmaps, list);
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1e3 + (t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static int selftest(const struct env *env, struct ew_probe *probe, int sigfd)
{
	struct ew_selftest *s = ew_selftest_new();
	struct ew_trace_stats st = { 0 };
	char mechanism[sizeof(probe->mechanism)];
	struct timespec t0;
	int rc;

	if (!s) {
		ew_probe_close(probe);
		return 1;
	}
	/* ew_trace takes the probe over. */
	memcpy(mechanism, probe->mechanism, sizeof(mechanism));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = ew_trace(env, probe, ew_selftest_sink(s), sigfd, &st);
	if (!rc)
		rc = ew_selftest_report(s, mechanism, ms_since(&t0));
	ew_selftest_free(s);
	return rc;
}

static int trace(const struct env *env, struct ew_probe *probe,
		 struct ew_sink *sink, int sigfd)
{
	struct ew_trace_stats st = { 0 };
	struct ew_buf summary = { 0 };
	int rc;

	rc = ew_trace(env, probe, sink, sigfd, &st);
	ew_losses_summary(&summary, &st.losses, st.printed);
	ew_notice("%s", summary.p ? summary.p : "");
	ew_buf_free(&summary);
	return rc;
}

int main(int argc, char **argv)
{
	struct ew_probe_build build;
	struct ew_sink *sink = NULL;
	struct ew_probe probe;
	struct env env;
	int sigfd = -1, err, status = 1;

	/* Before any file is opened: one opened now must not become stdout. */
	if (ew_std_fds())
		return 1;
	/* A --selftest canary (for the #! one, the script's path follows). */
	if (argc >= 2 && ew_is_canary_arg(argv[1]))
		return 0;
	if (ew_refuse_raised_privileges())
		return 1;
	switch (ew_parse_options(argc, argv, &env, stdout, stderr)) {
	case EW_PARSE_EXIT:
		return 0;
	case EW_PARSE_USAGE:
		return 2;
	case EW_PARSE_OK:
		break;
	}
	ew_log_init("execwatch", env.verbose);
	if (check_environment(&env))
		return 1;
	if (ew_probe_build(&build, &env, 1, env.attach, NULL, NULL))
		return 1;
	if (!env.print_source && check_privileges())
		goto out;
	/* --output is checked before the compile: a bad one costs nothing. */
	if (!env.print_source && !env.selftest &&
	    ew_printer_open(&env, libbpf_num_possible_cpus(), &sink))
		goto out;
	sigfd = setup_signals();
	if (sigfd < 0)
		goto out;
	err = ew_helper_load(&build.req, sigfd, &probe);
	if (!err && env.print_source) {
		print_source(&build, &probe);
		ew_probe_close(&probe);
		status = 0;
	} else if (!err) {
		print_fds(&probe);
		status = env.selftest ? selftest(&env, &probe, sigfd) :
			 trace(&env, &probe, sink, sigfd);
	} else if (err == -EINTR) {
		status = 0;	/* Ctrl-C while compiling */
	}
out:
	if (sigfd >= 0)
		close(sigfd);
	if (sink)
		ew_sink_close(sink);
	ew_probe_build_free(&build);
	return status;
}
