// SPDX-License-Identifier: GPL-2.0
#include "trace.h"
#include "alerts.h"
#include "containers.h"
#include "events.h"
#include "output.h"
#include "reorder.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#define NSEC 1000000000ULL

struct tracer {
	const struct env *env;	/* &view: the options, with the column switch */
	struct env view;
	struct ew_container_cache *containers;
	struct ew_shells shells;
	const struct ew_trace_hooks *hooks;
	struct ew_filters *filters;
	struct ew_decode_limits lim;
	struct ew_reorder ro;
	struct ew_buf out;
	struct ew_trace_stats *st;
	uint64_t start_ns;
	int64_t wall_offset_ns;
	uint64_t *last_seq;
	int ncpus;
	uint64_t last_warn_ns;
	bool stop;
	bool failed;
};

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

static void warn_lost(struct tracer *t, uint64_t n, const char *why)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);

	if (now - t->last_warn_ns < NSEC)
		return;
	t->last_warn_ns = now;
	fprintf(stderr, "execwatch: warning: %llu events lost (%s); hint: a larger --perf-pages\n",
		(unsigned long long)n, why);
}

/* Every event carries its CPU's sequence number: a gap is a loss, whatever the cause. */
static void check_seq(struct tracer *t, const struct ew_exec *x)
{
	uint64_t *last;

	if (!x->seq || (int)x->cpu >= t->ncpus)
		return;
	last = &t->last_seq[x->cpu];
	if (x->seq > *last + 1) {
		t->st->lost += x->seq - *last - 1;
		warn_lost(t, x->seq - *last - 1, "gap in sequence numbers");
	}
	if (x->seq > *last)
		*last = x->seq;
}

static void on_sample(void *ctx, int cpu, void *data, __u32 size)
{
	struct tracer *t = ctx;
	struct ew_exec *x;

	(void)cpu;
	if (ew_decode(data, size, &t->lim, &x)) {
		if (!t->st->malformed++)
			fprintf(stderr, "execwatch: warning: a malformed sample of %u bytes was dropped (does the probe use probes/event.h?)\n",
				size);
		return;
	}
	check_seq(t, x);
	x->container = *ew_container_lookup(t->containers, x->cgroup_id,
					    x->cgroup, x->cgroup_len);
	x->alert = ew_alert(&t->shells, t->env->alert_interactive ?
			    EW_ALERT_INTERACTIVE : EW_ALERT_ANY, x);
	if (!ew_filters_match(t->filters, x) || ew_reorder_push(&t->ro, x))
		free(x);
}

static void on_lost(void *ctx, int cpu, __u64 cnt)
{
	struct tracer *t = ctx;

	(void)cpu;
	t->st->lost_perf += cnt;
	warn_lost(t, cnt, "perf buffer full");
}

static void render(struct tracer *t, const struct ew_exec *x)
{
	struct ew_when w;
	uint64_t wall = x->ts_ns + t->wall_offset_ns;

	w.rel_s = x->ts_ns > t->start_ns ? (x->ts_ns - t->start_ns) / 1e9 : 0;
	w.wall.tv_sec = wall / NSEC;
	w.wall.tv_nsec = wall % NSEC;
	if (t->env->format == EW_FMT_JSON) {
		ew_json_line(&t->out, x, &w);
		return;
	}
	/* The first container seen brings in the CONTAINER column. */
	if (x->container.id[0] && !t->view.show_container) {
		t->view.show_container = true;
		ew_table_header(&t->out, t->env);
	}
	ew_table_row(&t->out, t->env, x, &w);
}

static void release(struct tracer *t, uint64_t horizon)
{
	struct ew_exec *x;

	while (!t->stop && (x = ew_reorder_pop(&t->ro, horizon))) {
		if (t->hooks) {
			t->stop = t->hooks->event(t->hooks->ctx, x);
			free(x);
			continue;
		}
		render(t, x);
		free(x);
		t->st->printed++;
		if (t->env->count && t->st->printed >= (uint64_t)t->env->count)
			t->stop = true;
	}
}

/* Whole buffers with write(2): a closed pipe ends tracing cleanly. */
static int flush_out(struct tracer *t)
{
	size_t off = 0;

	while (off < t->out.len) {
		ssize_t n = write(STDOUT_FILENO, t->out.p + off, t->out.len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (errno != EPIPE) {
				fprintf(stderr, "execwatch: cannot write output: %s\n",
					strerror(errno));
				t->failed = true;
			}
			t->stop = true;
			break;
		}
		off += n;
	}
	ew_buf_reset(&t->out);
	return 0;
}

static int arm(struct ew_probe *probe, const struct env *env)
{
	const struct ew_map *ctl = ew_probe_map(probe, "ctl");
	__u32 key = 0;
	__u64 gen = 1;

	if (!ctl) {
		if (env->verbose)
			fprintf(stderr, "execwatch: the probe has no ctl map: it reports from the moment it is attached\n");
		return 0;
	}
	if (bpf_map_update_elem(ctl->fd, &key, &gen, BPF_ANY)) {
		fprintf(stderr, "execwatch: cannot arm the probe: %s\n",
			strerror(errno));
		return -1;
	}
	return 0;
}

static struct perf_buffer *open_events(struct tracer *t, struct ew_probe *probe)
{
	const struct ew_map *ev = ew_probe_map(probe, "events");
	struct perf_buffer *pb;

	if (!ev || ev->type != BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
		fprintf(stderr, "execwatch: the probe defines no BPF_PERF_OUTPUT(events); hint: docs/probes.md lists what a probe must define\n");
		return NULL;
	}
	pb = perf_buffer__new(ev->fd, t->env->perf_pages, on_sample, on_lost, t,
			      NULL);
	if (!pb) {
		fprintf(stderr, "execwatch: cannot open the perf buffer: %s; hint: a smaller --perf-pages, or raise ulimit -l\n",
			strerror(errno));
		return NULL;
	}
	if (t->env->verbose)
		fprintf(stderr, "execwatch: perf buffer: %d pages x %d CPUs (%d KiB per CPU), map fd %d\n",
			t->env->perf_pages, t->ncpus,
			t->env->perf_pages * (int)sysconf(_SC_PAGESIZE) / 1024,
			ev->fd);
	return pb;
}

static int timeout_ms(struct tracer *t, uint64_t deadline)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC), due = UINT64_MAX;
	uint64_t oldest = ew_reorder_oldest(&t->ro);

	if (oldest)
		due = oldest + t->env->reorder_ms * 1000000ULL;
	if (deadline && deadline < due)
		due = deadline;
	/* Idle, still look every second: a lost wakeup delays, never hides. */
	if (due == UINT64_MAX)
		return 1000;
	return due <= now ? 0 : (int)((due - now + 999999) / 1000000);
}

/*
 * A perf event's poll() reports a wakeup once and forgets it, so the fds
 * must be watched before the probe is armed: a wakeup consumed while
 * registering would leave events waiting for the next one.
 */
static int watch(struct perf_buffer *pb, int sigfd)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0)
		return -errno;
	ev.data.fd = sigfd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, sigfd, &ev))
		goto fail;
	ev.data.fd = perf_buffer__epoll_fd(pb);
	if (epoll_ctl(ep, EPOLL_CTL_ADD, ev.data.fd, &ev))
		goto fail;
	return ep;
fail:
	close(ep);
	return -errno;
}

static void loop(struct tracer *t, struct perf_buffer *pb, int ep, int sigfd,
		 uint64_t deadline)
{
	while (!t->stop) {
		struct epoll_event got[2];
		int n = epoll_wait(ep, got, 2, timeout_ms(t, deadline)), i;
		uint64_t now, horizon;
		bool ending = false;

		if (n < 0 && errno != EINTR) {
			fprintf(stderr, "execwatch: epoll_wait: %s\n", strerror(errno));
			t->failed = true;
			break;
		}
		for (i = 0; i < n; i++) {
			if (got[i].data.fd == sigfd) {
				struct signalfd_siginfo si;

				if (read(sigfd, &si, sizeof(si)) > 0)
					ending = true;
			}
		}
		/* Drain everything first: events seen before a stop are printed. */
		perf_buffer__consume(pb);
		now = clock_ns(CLOCK_MONOTONIC);
		if (deadline && now >= deadline)
			ending = true;
		horizon = ending ? UINT64_MAX : now - t->env->reorder_ms * 1000000ULL;
		release(t, horizon);
		flush_out(t);
		if (ending)
			t->stop = true;
	}
}

int ew_trace(const struct env *env, struct ew_probe *probe,
	     struct ew_filters *filters, int sigfd,
	     const struct ew_trace_hooks *hooks, struct ew_trace_stats *st)
{
	struct tracer t = { .view = *env, .filters = filters, .st = st,
			    .hooks = hooks };
	struct perf_buffer *pb;
	uint64_t deadline = 0;
	int ep = -1;

	t.env = &t.view;
	if (!t.view.show_container && env->format == EW_FMT_TABLE)
		t.view.show_container = ew_containers_running();
	t.containers = ew_container_cache_new();
	if (!t.containers || ew_shells_init(&t.shells, env->shells)) {
		fprintf(stderr, "execwatch: out of memory\n");
		return 1;
	}
	t.lim.max_args = env->max_args;
	t.lim.max_arg_len = env->max_arg_len;
	t.ncpus = libbpf_num_possible_cpus();
	if (t.ncpus <= 0) {
		fprintf(stderr, "execwatch: cannot count CPUs: %s\n", strerror(-t.ncpus));
		return 1;
	}
	t.last_seq = calloc(t.ncpus, sizeof(*t.last_seq));
	if (!t.last_seq)
		return 1;
	pb = open_events(&t, probe);
	if (pb && (ep = watch(pb, sigfd)) < 0)
		fprintf(stderr, "execwatch: epoll: %s\n", strerror(-ep));
	if (!pb || ep < 0 || arm(probe, env)) {
		if (ep >= 0)
			close(ep);
		perf_buffer__free(pb);
		free(t.last_seq);
		return 1;
	}
	t.start_ns = clock_ns(CLOCK_MONOTONIC);
	t.wall_offset_ns = clock_ns(CLOCK_REALTIME) - t.start_ns;
	if (env->duration)
		deadline = t.start_ns + (uint64_t)(env->duration * NSEC);
	if (hooks) {
		t.failed = hooks->armed(hooks->ctx) != 0;
		t.stop = t.failed;
	} else {
		if (env->format == EW_FMT_TABLE) {
			ew_table_header(&t.out, t.env);
			flush_out(&t);
		}
		fprintf(stderr, "Tracing execve via %ss... Ctrl-C to end.\n",
			probe->mechanism);
	}
	loop(&t, pb, ep, sigfd, deadline);

	close(ep);
	perf_buffer__free(pb);
	ew_reorder_free(&t.ro);
	ew_buf_free(&t.out);
	ew_container_cache_free(t.containers);
	ew_shells_free(&t.shells);
	free(t.last_seq);
	return t.failed ? 1 : 0;
}
