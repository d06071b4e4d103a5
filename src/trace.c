// SPDX-License-Identifier: GPL-2.0
/*
 * The loop, and the pipeline every sample goes through:
 *
 *   perf buffer (one per generation) -> decode -> label -> filter
 *     -> reorder window -> sink
 *
 * Around it, once a second: the losses found are reported; under --watch,
 * a saved probe is compiled and swapped in as the next generation.
 */
#include "trace.h"
#include "confine.h"
#include "events.h"
#include "filters.h"
#include "generation.h"
#include "label.h"
#include "log.h"
#include "reload.h"
#include "reorder.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#define NSEC 1000000000ULL
#define MSEC 1000000ULL
/*
 * How long a replaced generation stays attached. The stage is shared and
 * the new generation finishes whatever the old one staged, so this is
 * only to let the old one's last samples be read with the new one's.
 */
#define RETIRE_NS (100 * MSEC)

enum { TAG_SIGNAL = 1, TAG_PERF, TAG_WATCH, TAG_JOB };

struct tracer {
	const struct env *env;
	struct ew_sink *sink;
	struct ew_trace_stats *st;
	int ep, sigfd;
	struct ew_gen_cfg cfg;
	struct ew_gen *cur, *old;	/* old: replaced, finishing its execs */
	struct ew_reload *reload;	/* --watch */
	struct ew_decode_limits lim;
	struct ew_labeler *labels;
	struct ew_filters filters;
	struct ew_reorder ro;
	uint64_t start_ns;
	int64_t wall_offset_ns;
	uint64_t deadline;		/* --duration; 0: none */
	uint64_t next_tick;
	uint64_t released;		/* events handed to the sink, for --count */
	bool reopen;			/* SIGHUP: a new output file after this flush */
	bool stop, failed;
};

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

static struct ew_when when(const struct tracer *t, uint64_t ts_ns)
{
	uint64_t wall = ts_ns + t->wall_offset_ns;

	return (struct ew_when){
		.rel_s = ts_ns > t->start_ns ? (ts_ns - t->start_ns) / 1e9 : 0,
		.wall = { .tv_sec = wall / NSEC, .tv_nsec = wall % NSEC },
	};
}

/* The pipeline up to the reorder window, for every sample of every generation. */
static void on_sample(void *ctx, void *data, uint32_t size)
{
	struct tracer *t = ctx;
	struct ew_exec *x;
	int err = ew_decode(data, size, &t->lim, &x);

	if (err) {
		ew_losses_add(&t->st->losses, err == -ENOMEM ? EW_LOSS_NO_MEMORY :
			      EW_LOSS_MALFORMED, 1);
		return;
	}
	ew_label(t->labels, x);
	if (!ew_filters_match(&t->filters, x)) {
		free(x);
		return;
	}
	if (ew_reorder_push(&t->ro, x)) {
		ew_losses_add(&t->st->losses, EW_LOSS_NO_MEMORY, 1);
		free(x);
	}
}

/* The window's events older than HORIZON, in order, to the sink. */
static void release(struct tracer *t, uint64_t horizon)
{
	struct ew_exec *x;

	while (!t->stop && (x = ew_reorder_pop(&t->ro, horizon))) {
		struct ew_when w = when(t, x->ts_ns);

		t->stop = t->sink->ops->exec(t->sink, x, &w);
		free(x);
		if (t->env->count && ++t->released >= (uint64_t)t->env->count)
			t->stop = true;
	}
}

static void flush(struct tracer *t)
{
	int n = ew_sink_flush(t->sink, &t->st->losses);

	if (n >= 0) {
		t->st->printed += n;
		return;
	}
	t->stop = true;
	if (n != -EPIPE)	/* a reader that went away ends tracing cleanly */
		t->failed = true;
}

static void report_loss(void *ctx, enum ew_loss_cause c, uint64_t n)
{
	struct tracer *t = ctx;
	struct ew_when w = when(t, clock_ns(CLOCK_MONOTONIC));

	ew_warn_hint(ew_loss_hint(c), "%llu events lost (%s)",
		     (unsigned long long)n, ew_loss_name(c));
	ew_sink_lost(t->sink, c, n, &w);
}

/* Once a second: what the generations found lost, reported now. */
static void tick(struct tracer *t)
{
	ew_gen_tick(t->cur);
	if (t->old)
		ew_gen_tick(t->old);
	ew_losses_report(&t->st->losses, report_loss, t);
}

/* A replaced generation's own maps (counts, histograms) are printed as it
 * goes, so that what it gathered before the save is not lost. */
static void retire(struct tracer *t)
{
	ew_sink_maps(t->sink, ew_gen_probe(t->old), ew_gen_num(t->old), true);
	ew_gen_close(t->old);
	t->old = NULL;
}

/* The new generation takes over: watched, then armed, then the old retires. */
static void swap_in(struct tracer *t)
{
	struct ew_probe probe;
	struct ew_gen *g;
	unsigned num;

	if (ew_reload_on_job(t->reload, &probe, &num) != 1)
		return;
	if (ew_gen_open(&probe, num, &t->cfg, &g) || ew_gen_arm(g)) {
		ew_gen_close(g);
		ew_err("still tracing with generation %u", ew_gen_num(t->cur));
		return;
	}
	ew_gen_close(t->old);	/* a third save before the second retired */
	t->old = t->cur;
	ew_gen_retire(t->old, clock_ns(CLOCK_MONOTONIC) + RETIRE_NS);
	t->cur = g;
	ew_notice("reloaded %s as generation %u: live %.0f ms after the save was read",
		    t->env->probe, num,
		    (clock_ns(CLOCK_MONOTONIC) - ew_reload_started(t->reload)) / 1e6);
}

static int timeout_ms(const struct tracer *t)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC), due = t->next_tick;
	uint64_t oldest = ew_reorder_oldest(&t->ro);
	uint64_t reload = t->reload ? ew_reload_due(t->reload) : 0;

	if (oldest && oldest + t->env->reorder_ms * MSEC < due)
		due = oldest + t->env->reorder_ms * MSEC;
	if (t->deadline && t->deadline < due)
		due = t->deadline;
	if (reload && reload < due)
		due = reload;
	if (t->old && now + 20 * MSEC < due)
		due = now + 20 * MSEC;	/* the old generation's time may be up */
	/* Batched wakeups: read the buffers every window. */
	if (t->env->reorder_ms && now + t->env->reorder_ms * MSEC < due)
		due = now + t->env->reorder_ms * MSEC;
	return due <= now ? 0 : (int)((due - now + MSEC - 1) / MSEC);
}

/* Returns true when tracing should end. */
static bool on_signal(struct tracer *t)
{
	struct signalfd_siginfo si;

	if (read(t->sigfd, &si, sizeof(si)) != sizeof(si))
		return false;
	if (si.ssi_signo == SIGHUP && t->env->output) {
		t->reopen = true;
		return false;
	}
	return true;
}

static void loop(struct tracer *t)
{
	while (!t->stop) {
		struct epoll_event got[8];
		int n = epoll_wait(t->ep, got, 8, timeout_ms(t)), i;
		bool ending = false;
		uint64_t now;

		if (n < 0 && errno != EINTR) {
			ew_err("epoll_wait: %s", strerror(errno));
			t->failed = true;
			break;
		}
		for (i = 0; i < n; i++) {
			switch (got[i].data.u64) {
			case TAG_SIGNAL:
				ending |= on_signal(t);
				break;
			case TAG_WATCH:
				ew_reload_on_watch(t->reload, clock_ns(CLOCK_MONOTONIC));
				break;
			case TAG_JOB:
				swap_in(t);
				break;
			}
		}
		/* Drain everything first: events seen before a stop are printed. */
		ew_gen_drain(t->cur);
		if (t->old)
			ew_gen_drain(t->old);
		now = clock_ns(CLOCK_MONOTONIC);
		if (now >= t->next_tick) {
			t->next_tick = now + NSEC;
			tick(t);
		}
		if (t->old && ew_gen_finished(t->old, now))
			retire(t);
		if (t->reload)
			ew_reload_tick(t->reload, now, t->cur);
		if (t->deadline && now >= t->deadline)
			ending = true;
		release(t, ending ? UINT64_MAX : now - t->env->reorder_ms * MSEC);
		flush(t);
		if (t->reopen && !ending && !t->stop) {
			t->reopen = false;
			if (ew_sink_reopen(t->sink))
				t->failed = t->stop = true;
		}
		if (ending)
			t->stop = true;
	}
}

static int watch(struct tracer *t, int fd, uint64_t tag)
{
	struct epoll_event ee = { .events = EPOLLIN, .data.u64 = tag };
	int err;

	if (!epoll_ctl(t->ep, EPOLL_CTL_ADD, fd, &ee))
		return 0;
	err = -errno;
	ew_err("epoll: %s", strerror(-err));
	return err;
}

static int setup(struct tracer *t, struct ew_probe *probe)
{
	int ncpus = libbpf_num_possible_cpus(), err;

	if (ncpus <= 0) {
		ew_probe_close(probe);
		ew_err("cannot count the possible CPUs: %s", strerror(-ncpus));
		return ncpus ? ncpus : -EINVAL;
	}
	t->ep = epoll_create1(EPOLL_CLOEXEC);
	if (t->ep < 0) {
		err = -errno;
		ew_probe_close(probe);
		ew_err("epoll: %s", strerror(-err));
		return err;
	}
	t->cfg = (struct ew_gen_cfg){
		.ep = t->ep, .ep_tag = TAG_PERF,
		.perf_pages = t->env->perf_pages, .batched = t->env->reorder_ms > 0,
		.ncpus = ncpus, .sample = on_sample, .ctx = t,
		.losses = &t->st->losses,
	};
	t->lim.max_args = t->env->max_args;
	t->lim.max_arg_len = t->env->max_arg_len;
	err = ew_gen_open(probe, 1, &t->cfg, &t->cur);
	err = err ?: watch(t, t->sigfd, TAG_SIGNAL);
	err = err ?: ew_labeler_new(t->env, &t->labels);
	err = err ?: ew_filters_init(&t->filters, t->env);
	if (!err && t->env->watch)
		err = ew_reload_open(t->env, t->ep, TAG_WATCH, TAG_JOB, &t->reload);
	return err ?: ew_gen_arm(t->cur);
}

/* After the last events: the losses not yet reported, then the maps. */
static void finish(struct tracer *t)
{
	release(t, UINT64_MAX);
	ew_gen_close(t->old);
	t->old = NULL;
	ew_gen_settle(t->cur);
	release(t, UINT64_MAX);
	ew_losses_report(&t->st->losses, report_loss, t);
	if (!t->failed)
		ew_sink_maps(t->sink, ew_gen_probe(t->cur), ew_gen_num(t->cur),
			     false);
	flush(t);
}

static void teardown(struct tracer *t)
{
	ew_reload_free(t->reload);
	ew_gen_close(t->old);
	ew_gen_close(t->cur);
	if (t->ep >= 0)
		close(t->ep);
	ew_reorder_free(&t->ro);
	ew_labeler_free(t->labels);
	ew_filters_free(&t->filters);
}

int ew_trace(const struct env *env, struct ew_probe *probe,
	     struct ew_sink *sink, int sigfd, struct ew_trace_stats *st)
{
	struct tracer t = { .env = env, .sink = sink, .st = st, .ep = -1,
			    .sigfd = sigfd };

	if (setup(&t, probe)) {
		teardown(&t);
		return 1;
	}
	t.start_ns = clock_ns(CLOCK_MONOTONIC);
	t.wall_offset_ns = clock_ns(CLOCK_REALTIME) - t.start_ns;
	t.next_tick = t.start_ns + NSEC;
	if (env->duration)
		t.deadline = t.start_ns + (uint64_t)(env->duration * NSEC);
	/* Confined before "Tracing" is said: from then on, the loop only. */
	if (ew_confine(env) ||
	    sink->ops->armed(sink, ew_gen_probe(t.cur)->mechanism))
		t.failed = t.stop = true;
	flush(&t);
	loop(&t);
	finish(&t);
	teardown(&t);
	return t.failed ? 1 : 0;
}
