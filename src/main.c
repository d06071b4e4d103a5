// SPDX-License-Identifier: GPL-2.0
/*
 * execwatch: trace every exec on the machine.
 *
 * The whole program, top to bottom: parse options; load the probe's text;
 * have the compile helper (a separate, short-lived process: the only one
 * that links libbcc) compile, load and attach it and hand back the file
 * descriptors; read events until told to stop; print a summary.
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

#include "filters.h"
#include "helper_client.h"
#include "options.h"
#include "probe_source.h"
#include "selftest.h"
#include "trace.h"

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
	fprintf(stderr, "execwatch: tracing needs root, or CAP_BPF and CAP_PERFMON (this process has neither); hint: run it with sudo\n");
	return -1;
}

static int setup_signals(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static void print_source(const struct ew_probe_src *src,
			 const struct ew_probe *p)
{
	int i;

	printf("// %s, as execwatch would compile it, with:\n//  ", src->name);
	for (i = 0; i < p->ncflags; i++)
		printf(" %s", p->cflags[i]);
	printf("\n// and the include directory holding probes/event.h.\n%s",
	       src->text);
}

static void print_fds(const struct ew_probe *p)
{
	int i;

	fprintf(stderr, "execwatch: received %d attachment fds:", p->nlinks);
	for (i = 0; i < p->nlinks; i++)
		fprintf(stderr, " %d", p->links[i]);
	fprintf(stderr, "\nexecwatch: received %d maps:", p->nmaps);
	for (i = 0; i < p->nmaps; i++)
		fprintf(stderr, " %s (fd %d)", p->maps[i].name, p->maps[i].fd);
	fputc('\n', stderr);
}

/* Every loss by cause; the total is what no output line will show. */
static void print_summary(const struct ew_trace_stats *st)
{
	uint64_t gaps = st->lost > st->lost_perf ? st->lost : st->lost_perf;
	uint64_t lost = gaps + st->drops[0] + st->drops[1];

	fprintf(stderr, "execwatch: %llu events printed, %llu lost",
		(unsigned long long)st->printed, (unsigned long long)lost);
	if (lost)
		fprintf(stderr, " (perf buffer full: %llu, staging map full: %llu, no staging buffer: %llu)",
			(unsigned long long)gaps, (unsigned long long)st->drops[0],
			(unsigned long long)st->drops[1]);
	if (st->malformed)
		fprintf(stderr, ", %llu malformed", (unsigned long long)st->malformed);
	fputc('\n', stderr);
}

static int selftest(const struct env *env, struct ew_probe *probe,
		    struct ew_filters *filters, int sigfd)
{
	struct ew_selftest *s = ew_selftest_new();
	struct ew_trace_stats st = { 0 };
	struct ew_trace_hooks hooks;
	struct timespec t0, t1;
	char mechanism[sizeof(probe->mechanism)];
	int rc;

	if (!s) {
		fprintf(stderr, "execwatch: selftest: cannot find its own binary\n");
		return 1;
	}
	ew_selftest_hooks(s, &hooks);
	/* ew_trace takes the probe over. */
	memcpy(mechanism, probe->mechanism, sizeof(mechanism));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = ew_trace(env, probe, filters, sigfd, &hooks, &st);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!rc)
		rc = ew_selftest_report(s, mechanism,
					(t1.tv_sec - t0.tv_sec) * 1e3 +
					(t1.tv_nsec - t0.tv_nsec) / 1e6);
	ew_selftest_free(s);
	return rc;
}

int main(int argc, char **argv)
{
	struct env env;
	struct ew_filters filters;
	struct ew_probe_src src;
	struct ew_cflags cf;
	struct ew_probe probe;
	struct ew_trace_stats st = { 0 };
	const char *flags[EW_MAX_OPT_FLAGS + 1];
	char err[PATH_MAX + 256], hint[256];
	int sigfd, i, rc, status = 0;

	/* A --selftest canary (for the #! one, the script's path follows). */
	if (argc >= 2 && !strcmp(argv[1], EW_CANARY_ARG))
		return 0;
	switch (ew_parse_options(argc, argv, &env, stdout, stderr)) {
	case EW_PARSE_EXIT:
		return 0;
	case EW_PARSE_USAGE:
		return 2;
	case EW_PARSE_OK:
		break;
	}
	/* Colour only on a terminal, and never where NO_COLOR is set. */
	env.color = !env.output && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	if (env.shells && !*env.shells) {
		fprintf(stderr, "execwatch: --shells needs at least one name\n");
		return 2;
	}
	if (ew_filters_init(&filters, env.name, env.line, err, sizeof(err))) {
		fprintf(stderr, "execwatch: %s\n", err);
		return 2;
	}
	filters.container = env.container;
	filters.alerts_only = env.alerts_only;
	if (ew_probe_source_load(env.probe, &src, err, sizeof(err), hint,
				 sizeof(hint))) {
		fprintf(stderr, "execwatch: %s%s%s\n", err, *hint ? "; hint: " : "",
			hint);
		ew_filters_free(&filters);
		return 1;
	}
	if (!env.print_source && check_privileges()) {
		status = 1;
		goto out;
	}
	sigfd = setup_signals();
	if (sigfd < 0) {
		fprintf(stderr, "execwatch: signalfd: %s\n", strerror(errno));
		status = 1;
		goto out;
	}

	if (env.selftest) {
		env.fails = true;	/* the failing canary must be seen */
		if (!env.duration)
			env.duration = 10;	/* a canary not seen by then is lost */
	}
	ew_probe_cflags(&env, 1, &cf);
	i = ew_probe_flag_list(&cf, &src, flags);
	rc = ew_helper_load(&(struct ew_helper_req){
				    .source = src.text,
				    .name = src.name,
				    .attach = env.attach,
				    .event_h = ew_builtin_event_h,
				    .cflags = flags,
				    .ncflags = i,
				    .verbose = env.verbose,
				    .dry_run = env.print_source,
			    }, sigfd, &probe);
	if (rc == EW_LOAD_OK && env.print_source) {
		print_source(&src, &probe);
	} else if (rc == EW_LOAD_OK) {
		if (env.verbose)
			print_fds(&probe);
		status = env.selftest ? selftest(&env, &probe, &filters, sigfd) :
			 ew_trace(&env, &probe, &filters, sigfd, NULL, &st);
		if (!env.selftest)
			print_summary(&st);
	} else if (rc == EW_LOAD_FAILED) {
		status = 1;
	}
	ew_probe_close(&probe);
	close(sigfd);
out:
	ew_probe_source_free(&src);
	ew_filters_free(&filters);
	return status;
}
