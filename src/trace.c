// SPDX-License-Identifier: GPL-2.0
#include "trace.h"
#include "alerts.h"
#include "containers.h"
#include "events.h"
#include "map_dump.h"
#include "output.h"
#include "probe_source.h"
#include "reload.h"
#include "reorder.h"

#include <linux/types.h>
#include "../probes/event.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NSEC 1000000000ULL
#define MSEC 1000000ULL
#define RETIRE_NS (5 * NSEC)	/* the longest an old generation finishes its execs */

enum { TAG_SIGNAL = 1, TAG_PERF, TAG_WATCH, TAG_JOB };

struct tracer;

/* One loaded probe: the first, or a newer one from --watch. */
struct gen {
	struct tracer *t;
	unsigned num;		/* the EW_GEN it was compiled with */
	struct ew_probe probe;
	struct perf_buffer *pb;
	uint64_t *last_seq;	/* per CPU: the probe's sequence numbers */
	uint64_t *numbered;	/* per CPU: the probe's counter a second ago */
	uint64_t retire_at;	/* 0 while live */
};

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
	int ncpus;
	int ep;
	uint64_t last_warn_ns;
	uint64_t last_silence_check;
	struct gen *cur, *old;
	/* --watch */
	struct ew_watch watch;
	struct ew_helper_job job;
	bool job_running;
	char pin[64];
	uint64_t reload_at;	/* debounced save; 0: none pending */
	uint64_t reload_start_ns;
	int out_fd;		/* standard output, or --output FILE */
	bool reopen;		/* SIGHUP with --output: a new file after this flush */
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
static void check_seq(struct tracer *t, struct gen *g, const struct ew_exec *x)
{
	uint64_t *last;

	if (!x->seq || (int)x->cpu >= t->ncpus)
		return;
	last = &g->last_seq[x->cpu];
	if (x->seq > *last + 1) {
		t->st->lost += x->seq - *last - 1;
		warn_lost(t, x->seq - *last - 1, "gap in sequence numbers");
	}
	if (x->seq > *last)
		*last = x->seq;
}

static void on_sample(void *ctx, int cpu, void *data, __u32 size)
{
	struct gen *g = ctx;
	struct tracer *t = g->t;
	struct ew_exec *x;

	(void)cpu;
	if (ew_decode(data, size, &t->lim, &x)) {
		if (!t->st->malformed++)
			fprintf(stderr, "execwatch: warning: a malformed sample of %u bytes was dropped (does the probe use probes/event.h?)\n",
				size);
		return;
	}
	check_seq(t, g, x);
	x->container = *ew_container_lookup(t->containers, x->cgroup_id,
					    x->cgroup, x->cgroup_len);
	x->alert = ew_alert(&t->shells, t->env->alert_interactive ?
			    EW_ALERT_INTERACTIVE : EW_ALERT_ANY, x);
	if (!ew_filters_match(t->filters, x) || ew_reorder_push(&t->ro, x))
		free(x);
}

static void on_lost(void *ctx, int cpu, __u64 cnt)
{
	struct tracer *t = ((struct gen *)ctx)->t;

	(void)cpu;
	t->st->lost_perf += cnt;
	warn_lost(t, cnt, "perf buffer full");
}

/* The records of a perf buffer opened with our own attributes. */
static enum bpf_perf_event_ret on_record(void *ctx, int cpu,
					 struct perf_event_header *h)
{
	if (h->type == PERF_RECORD_SAMPLE) {
		const struct { struct perf_event_header h; __u32 size; char data[]; }
			*s = (const void *)h;

		on_sample(ctx, cpu, (void *)s->data, s->size);
	} else if (h->type == PERF_RECORD_LOST) {
		const struct { struct perf_event_header h; __u64 id, lost; }
			*l = (const void *)h;

		on_lost(ctx, cpu, l->lost);
	}
	return LIBBPF_PERF_EVENT_CONT;
}

/*
 * With a reorder window, events are printed at most that late anyway: the
 * kernel then wakes execwatch only when a CPU's buffer is a quarter full,
 * and the loop reads every window, instead of one wakeup per exec.
 */
static struct perf_buffer *open_perf(struct tracer *t, int fd, struct gen *g)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_BPF_OUTPUT,
		.sample_type = PERF_SAMPLE_RAW,
		.sample_period = 1,
		.watermark = 1,
		.wakeup_watermark = t->env->perf_pages * sysconf(_SC_PAGESIZE) / 4,
	};

	if (!t->env->reorder_ms)
		return perf_buffer__new(fd, t->env->perf_pages, on_sample, on_lost,
					g, NULL);
	attr.size = sizeof(attr);
	return perf_buffer__new_raw(fd, t->env->perf_pages, &attr, on_record, g,
				    NULL);
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
static void flush_out(struct tracer *t)
{
	size_t off = 0;

	while (off < t->out.len) {
		ssize_t n = write(t->out_fd, t->out.p + off, t->out.len - off);

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
}

/* O_APPEND and whole-buffer writes: lines from two writers never interleave. */
static int open_output(struct tracer *t)
{
	struct stat st;
	int fd = open(t->env->output, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		      0640);

	if (fd < 0) {
		fprintf(stderr, "execwatch: cannot open %s: %s; hint: check the directory exists and is writable\n",
			t->env->output, strerror(errno));
		return -1;
	}
	if (t->out_fd >= 0 && t->out_fd != STDOUT_FILENO)
		close(t->out_fd);
	t->out_fd = fd;
	/* A new (rotated) file starts with the table's header. */
	if (t->env->format == EW_FMT_TABLE && !t->hooks &&
	    fstat(fd, &st) == 0 && st.st_size == 0)
		ew_table_header(&t->out, t->env);
	return 0;
}

/* Everything printed so far went to the old file; then the new one. */
static void reopen_output(struct tracer *t)
{
	t->reopen = false;
	if (open_output(t))
		t->failed = t->stop = true;
	else if (t->env->verbose)
		fprintf(stderr, "execwatch: reopened %s\n", t->env->output);
}

/* From now on entries stage for generation g only; older generations
 * finish what they staged and report nothing new. */
static int arm(struct gen *g, const struct env *env)
{
	const struct ew_map *ctl = ew_probe_map(&g->probe, "ctl");
	__u32 key = 0;
	__u64 num = g->num;

	if (!ctl) {
		if (env->verbose)
			fprintf(stderr, "execwatch: the probe has no ctl map: it reports from the moment it is attached\n");
		return 0;
	}
	if (bpf_map_update_elem(ctl->fd, &key, &num, BPF_ANY)) {
		fprintf(stderr, "execwatch: cannot arm the probe: %s\n",
			strerror(errno));
		return -1;
	}
	return 0;
}

static int watch_fd(struct tracer *t, int fd, uint64_t tag)
{
	struct epoll_event ee = { .events = EPOLLIN, .data.u64 = tag };

	return epoll_ctl(t->ep, EPOLL_CTL_ADD, fd, &ee) ? -errno : 0;
}

static void gen_free(struct gen *g)
{
	perf_buffer__free(g->pb);
	ew_probe_close(&g->probe);
	free(g->last_seq);
	free(g->numbered);
	free(g);
}

/*
 * A perf event's poll() reports a wakeup once and forgets it, so a
 * generation's buffers are watched before it is armed: a wakeup consumed
 * while registering would leave events waiting for the next one.
 */
static struct gen *gen_open(struct tracer *t, struct ew_probe *probe,
			    unsigned num)
{
	struct gen *g = calloc(1, sizeof(*g));
	const struct ew_map *ev;

	if (!g) {
		ew_probe_close(probe);
		fprintf(stderr, "execwatch: out of memory\n");
		return NULL;
	}
	g->t = t;
	g->num = num;
	g->probe = *probe;
	memset(probe, 0, sizeof(*probe));
	g->last_seq = calloc(t->ncpus, sizeof(*g->last_seq));
	g->numbered = calloc(t->ncpus, sizeof(*g->numbered));
	if (!g->last_seq || !g->numbered) {
		fprintf(stderr, "execwatch: out of memory\n");
		goto fail;
	}
	ev = ew_probe_map(&g->probe, "events");
	if (!ev || ev->type != BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
		fprintf(stderr, "execwatch: the probe defines no BPF_PERF_OUTPUT(events); hint: docs/probes.md lists what a probe must define\n");
		goto fail;
	}
	g->pb = open_perf(t, ev->fd, g);
	if (!g->pb) {
		fprintf(stderr, "execwatch: cannot open the perf buffer: %s; hint: a smaller --perf-pages, or raise ulimit -l\n",
			strerror(errno));
		goto fail;
	}
	if (watch_fd(t, perf_buffer__epoll_fd(g->pb), TAG_PERF)) {
		fprintf(stderr, "execwatch: epoll: %s\n", strerror(errno));
		goto fail;
	}
	if (t->env->verbose)
		fprintf(stderr, "execwatch: perf buffer: %d pages x %d CPUs (%d KiB per CPU), map fd %d\n",
			t->env->perf_pages, t->ncpus,
			t->env->perf_pages * (int)sysconf(_SC_PAGESIZE) / 1024,
			ev->fd);
	return g;
fail:
	gen_free(g);
	return NULL;
}

/* One u64 per CPU from a per-CPU array of the probe's; -1 if it has none. */
static int read_percpu(struct gen *g, const char *name, __u32 key, __u64 *vals)
{
	const struct ew_map *m = ew_probe_map(&g->probe, name);

	/* Zeroed: the kernel fills it, but tools like valgrind cannot tell. */
	memset(vals, 0, g->t->ncpus * sizeof(*vals));
	if (!m || m->type != BPF_MAP_TYPE_PERCPU_ARRAY || m->value_size != 8 ||
	    key >= m->max_entries)
		return -1;
	return bpf_map_lookup_elem(m->fd, &key, vals) ? -1 : 0;
}

/*
 * The probe's drops map, summed over CPUs, added to the totals; and the
 * sequence numbers it gave out after the last sample read: events lost at
 * the very end leave no gap before a later one.
 */
static void collect_drops(struct gen *g)
{
	__u64 vals[g->t->ncpus];
	__u32 k;
	int c;

	if (!read_percpu(g, "seqs", 0, vals))
		for (c = 0; c < g->t->ncpus; c++)
			if (vals[c] > g->last_seq[c])
				g->t->st->lost += vals[c] - g->last_seq[c];
	for (k = 0; k < EW_DROP_CAUSES; k++)
		if (!read_percpu(g, "drops", k, vals))
			for (c = 0; c < g->t->ncpus; c++)
				g->t->st->drops[k] += vals[c];
}

/* Whatever it still holds is read first: nothing it reported is lost. */
static void gen_close(struct gen *g)
{
	if (!g)
		return;
	perf_buffer__consume(g->pb);
	collect_drops(g);
	gen_free(g);
}

/*
 * Losses at the end of a burst leave no gap until a later event: once a
 * second, events the probe numbered a second ago and that never arrived
 * are reported as lost (and counted once, at exit or at the next gap).
 */
static void check_silence(struct gen *g)
{
	__u64 vals[g->t->ncpus], missing = 0;
	int c;

	if (read_percpu(g, "seqs", 0, vals))
		return;
	for (c = 0; c < g->t->ncpus; c++) {
		if (g->numbered[c] > g->last_seq[c])
			missing += g->numbered[c] - g->last_seq[c];
		g->numbered[c] = vals[c];
	}
	if (missing)
		warn_lost(g->t, missing, "perf buffer full");
}

/* An old generation is done once no exec it staged is still in flight. */
static bool gen_finished(const struct gen *g, uint64_t now)
{
	const struct ew_map *stage = ew_probe_map(&g->probe, "stage");
	__u64 key;

	if (now >= g->retire_at)
		return true;
	return stage && bpf_map_get_next_key(stage->fd, NULL, &key) && errno == ENOENT;
}

static int timeout_ms(struct tracer *t, uint64_t deadline)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC), due = UINT64_MAX;
	uint64_t oldest = ew_reorder_oldest(&t->ro);

	if (oldest)
		due = oldest + t->env->reorder_ms * MSEC;
	if (deadline && deadline < due)
		due = deadline;
	if (t->reload_at && t->reload_at < due)
		due = t->reload_at;
	if (t->old && now + 20 * MSEC < due)
		due = now + 20 * MSEC;	/* look at the old generation's stage */
	/* Batched wakeups (open_perf): read the buffers every window. */
	if (t->env->reorder_ms && now + t->env->reorder_ms * MSEC < due)
		due = now + t->env->reorder_ms * MSEC;
	/* Idle, still look every second: a lost wakeup delays, never hides. */
	if (due == UINT64_MAX)
		return 1000;
	return due <= now ? 0 : (int)((due - now + MSEC - 1) / MSEC);
}

/* Compile the saved file as the next generation, while tracing goes on. */
static void start_reload(struct tracer *t)
{
	const struct ew_map *ctl = ew_probe_map(&t->cur->probe, "ctl");
	struct ew_probe_src src;
	struct ew_cflags cf;
	const char *flags[EW_MAX_OPT_FLAGS + 2];
	char err[PATH_MAX + 256], hint[256], pin_flag[96];
	int i, rc;

	t->reload_at = 0;
	if (ew_probe_source_load(t->env->probe, &src, err, sizeof(err), hint,
				 sizeof(hint))) {
		fprintf(stderr, "execwatch: %s; still tracing with generation %u\n",
			err, t->cur->num);
		return;
	}
	ew_probe_cflags(t->env, t->cur->num + 1, &cf);
	i = ew_probe_flag_list(&cf, &src, flags);
	if (ctl && (rc = ew_pin_ctl(ctl->fd, t->pin, sizeof(t->pin)))) {
		fprintf(stderr, "execwatch: cannot pin the ctl map for the swap (%s); still tracing with generation %u\n",
			strerror(-rc), t->cur->num);
		ew_probe_source_free(&src);
		return;
	}
	if (ctl) {
		snprintf(pin_flag, sizeof(pin_flag), "-DEW_CTL_PIN=\"%s\"", t->pin);
		flags[i++] = pin_flag;
	} else {
		fprintf(stderr, "execwatch: warning: the probe has no ctl map, so execs during the swap may be reported twice\n");
	}
	t->reload_start_ns = clock_ns(CLOCK_MONOTONIC);
	rc = ew_helper_start(&(struct ew_helper_req){
				     .source = src.text,
				     .name = src.name,
				     .attach = t->cur->probe.mechanism,
				     .event_h = ew_builtin_event_h,
				     .cflags = flags,
				     .ncflags = i,
				     .verbose = t->env->verbose,
			     }, &t->job);
	ew_probe_source_free(&src);
	if (rc || watch_fd(t, t->job.sock, TAG_JOB)) {
		ew_unpin(t->pin);
		if (!rc)
			ew_helper_cancel(&t->job);
		return;
	}
	t->job_running = true;
}

/* The new generation takes over: watched, then armed, then the old retires. */
static void finish_reload(struct tracer *t)
{
	enum ew_job_state st = ew_helper_step(&t->job);
	struct gen *g;

	if (st == EW_JOB_RUNNING)
		return;
	t->job_running = false;
	ew_unpin(t->pin);
	if (st == EW_JOB_FAILED) {
		fprintf(stderr, "execwatch: %s did not load; still tracing with generation %u\n",
			t->env->probe, t->cur->num);
		return;
	}
	g = gen_open(t, &t->job.probe, t->cur->num + 1);
	if (!g || arm(g, t->env)) {
		gen_close(g);
		fprintf(stderr, "execwatch: still tracing with generation %u\n",
			t->cur->num);
		return;
	}
	gen_close(t->old);	/* a third save before the second retired */
	t->old = t->cur;
	t->old->retire_at = clock_ns(CLOCK_MONOTONIC) + RETIRE_NS;
	t->cur = g;
	fprintf(stderr, "execwatch: reloaded %s as generation %u: live %.0f ms after the save was read\n",
		t->env->probe, g->num,
		(clock_ns(CLOCK_MONOTONIC) - t->reload_start_ns) / 1e6);
}

/* A replaced generation's own maps (counts, histograms) are printed as it
 * goes, so that what it gathered before the save is not lost. */
static void retire(struct tracer *t)
{
	struct ew_buf maps = { 0 };

	ew_map_dump_all(&maps, &t->old->probe, t->ncpus,
			t->env->format == EW_FMT_JSON);
	if (maps.len && !t->hooks) {
		if (t->env->format != EW_FMT_JSON)
			ew_buf_printf(&t->out, "maps of generation %u, replaced:\n",
				      t->old->num);
		ew_buf_put(&t->out, maps.p, maps.len);
	}
	ew_buf_free(&maps);
	gen_close(t->old);
	t->old = NULL;
}

static void consume_all(struct tracer *t)
{
	perf_buffer__consume(t->cur->pb);
	if (t->old)
		perf_buffer__consume(t->old->pb);
}

static void loop(struct tracer *t, int sigfd, uint64_t deadline)
{
	while (!t->stop) {
		struct epoll_event got[8];
		int n = epoll_wait(t->ep, got, 8, timeout_ms(t, deadline)), i;
		uint64_t now, horizon;
		bool ending = false;

		if (n < 0 && errno != EINTR) {
			fprintf(stderr, "execwatch: epoll_wait: %s\n", strerror(errno));
			t->failed = true;
			break;
		}
		for (i = 0; i < n; i++) {
			struct signalfd_siginfo si;

			switch (got[i].data.u64) {
			case TAG_SIGNAL:
				if (read(sigfd, &si, sizeof(si)) != sizeof(si))
					break;
				if (si.ssi_signo == SIGHUP && t->env->output)
					t->reopen = true;
				else
					ending = true;
				break;
			case TAG_WATCH:
				if (ew_watch_changed(&t->watch))
					t->reload_at = clock_ns(CLOCK_MONOTONIC) + 50 * MSEC;
				break;
			case TAG_JOB:
				finish_reload(t);
				break;
			}
		}
		/* Drain everything first: events seen before a stop are printed. */
		consume_all(t);
		now = clock_ns(CLOCK_MONOTONIC);
		if (now - t->last_silence_check >= NSEC) {
			t->last_silence_check = now;
			check_silence(t->cur);
		}
		if (t->old && gen_finished(t->old, now))
			retire(t);
		if (t->reload_at && now >= t->reload_at && !t->job_running)
			start_reload(t);
		if (deadline && now >= deadline)
			ending = true;
		horizon = ending ? UINT64_MAX : now - t->env->reorder_ms * MSEC;
		release(t, horizon);
		flush_out(t);
		if (t->reopen && !ending)
			reopen_output(t);
		if (ending)
			t->stop = true;
	}
}

static int setup(struct tracer *t, struct ew_probe *probe, int sigfd)
{
	t->ep = epoll_create1(EPOLL_CLOEXEC);
	if (t->ep < 0 || watch_fd(t, sigfd, TAG_SIGNAL)) {
		fprintf(stderr, "execwatch: epoll: %s\n", strerror(errno));
		return -1;
	}
	if (t->env->watch) {
		int err = ew_watch_open(&t->watch, t->env->probe);

		if (err || watch_fd(t, t->watch.fd, TAG_WATCH)) {
			fprintf(stderr, "execwatch: cannot watch %s: %s\n",
				t->env->probe, strerror(err ? -err : errno));
			return -1;
		}
		ew_unpin_stale();
	}
	t->cur = gen_open(t, probe, 1);
	if (!t->cur || arm(t->cur, t->env))
		return -1;
	return 0;
}

static void teardown(struct tracer *t)
{
	if (t->job_running) {
		ew_helper_cancel(&t->job);
		ew_unpin(t->pin);
	}
	gen_close(t->old);
	gen_close(t->cur);
	ew_watch_close(&t->watch);
	if (t->ep >= 0)
		close(t->ep);
	if (t->out_fd > STDOUT_FILENO)
		close(t->out_fd);
	ew_reorder_free(&t->ro);
	ew_buf_free(&t->out);
	ew_container_cache_free(t->containers);
	ew_shells_free(&t->shells);
}

int ew_trace(const struct env *env, struct ew_probe *probe,
	     struct ew_filters *filters, int sigfd,
	     const struct ew_trace_hooks *hooks, struct ew_trace_stats *st)
{
	struct tracer t = { .view = *env, .filters = filters, .st = st,
			    .hooks = hooks, .ep = -1, .out_fd = STDOUT_FILENO };
	uint64_t deadline = 0;

	t.env = &t.view;
	t.watch.fd = -1;
	if (!t.view.show_container && env->format == EW_FMT_TABLE)
		t.view.show_container = ew_containers_running();
	t.lim.max_args = env->max_args;
	t.lim.max_arg_len = env->max_arg_len;
	t.ncpus = libbpf_num_possible_cpus();
	t.containers = ew_container_cache_new();
	if (t.ncpus <= 0 || !t.containers || ew_shells_init(&t.shells, env->shells)) {
		fprintf(stderr, "execwatch: cannot set up: %s\n",
			t.ncpus <= 0 ? strerror(-t.ncpus) : "out of memory");
		teardown(&t);
		return 1;
	}
	if ((env->output && !hooks && open_output(&t)) || setup(&t, probe, sigfd)) {
		teardown(&t);
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
		if (env->format == EW_FMT_TABLE && !env->output)
			ew_table_header(&t.out, t.env);
		flush_out(&t);
		fprintf(stderr, "Tracing execve via %ss%s... Ctrl-C to end.\n",
			t.cur->probe.mechanism,
			env->watch ? ", reloading the probe when it is saved" : "");
	}
	loop(&t, sigfd, deadline);
	if (!hooks && !t.failed) {
		/* The probe's own maps (a count, a histogram), after the events. */
		ew_map_dump_all(&t.out, &t.cur->probe, t.ncpus,
				env->format == EW_FMT_JSON);
		flush_out(&t);
	}
	teardown(&t);
	return t.failed ? 1 : 0;
}
