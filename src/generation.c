// SPDX-License-Identifier: GPL-2.0
#include "generation.h"
#include "log.h"

#include <linux/types.h>
#include "../probes/event.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

struct ew_gen {
	unsigned num;		/* the EW_GEN it was compiled with */
	struct ew_probe probe;
	struct ew_gen_cfg cfg;
	struct perf_buffer *pb;
	struct ew_seqs seqs;
	bool numbers;		/* the probe numbers its samples (a seqs map) */
	uint64_t drops[EW_DROP_CAUSES];	/* the probe's counters, last read */
	uint64_t retire_at;	/* 0 while live */
};

/* The probe's drop causes, as the ledger names them. A sample the perf
 * buffer refused also leaves a gap in the numbers: counted there. */
static const int drop_cause[EW_DROP_CAUSES] = {
	[EW_DROP_STAGE_FULL] = EW_LOSS_STAGE,
	[EW_DROP_NO_SCRATCH] = EW_LOSS_NO_SCRATCH,
	[EW_DROP_SUBMIT] = -1,
};

static void on_sample(void *ctx, int cpu, void *data, __u32 size)
{
	struct ew_gen *g = ctx;
	struct ew_event e;

	if (size >= sizeof(e)) {
		memcpy(&e, data, sizeof(e));
		if (e.version == EW_EVENT_VERSION)
			ew_losses_add(g->cfg.losses, EW_LOSS_PERF_FULL,
				      ew_seqs_saw(&g->seqs, cpu, e.seq));
	}
	g->cfg.sample(g->cfg.ctx, data, size);
}

/* The kernel's own count; only for a probe that does not number its
 * samples, whose gaps would count the same losses again. */
static void on_lost(void *ctx, int cpu, __u64 cnt)
{
	struct ew_gen *g = ctx;

	if (!g->numbers)
		ew_losses_add(g->cfg.losses, EW_LOSS_PERF_FULL, cnt);
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
static struct perf_buffer *open_perf(struct ew_gen *g, int fd)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_BPF_OUTPUT,
		.sample_type = PERF_SAMPLE_RAW,
		.sample_period = 1,
		.watermark = 1,
		.wakeup_watermark = g->cfg.perf_pages * sysconf(_SC_PAGESIZE) / 4,
	};

	if (!g->cfg.batched)
		return perf_buffer__new(fd, g->cfg.perf_pages, on_sample, on_lost,
					g, NULL);
	attr.size = sizeof(attr);
	return perf_buffer__new_raw(fd, g->cfg.perf_pages, &attr, on_record, g,
				    NULL);
}

static void gen_free(struct ew_gen *g)
{
	perf_buffer__free(g->pb);
	ew_probe_close(&g->probe);
	ew_seqs_free(&g->seqs);
	free(g);
}

/*
 * A perf event's poll() reports a wakeup once and forgets it, so the
 * buffer is watched before the generation is armed: a wakeup consumed
 * while registering would leave events waiting for the next one.
 */
int ew_gen_open(struct ew_probe *probe, unsigned num,
		const struct ew_gen_cfg *cfg, struct ew_gen **out)
{
	struct ew_gen *g = calloc(1, sizeof(*g));
	struct epoll_event ee = { .events = EPOLLIN, .data.u64 = cfg->ep_tag };
	const struct ew_map *ev;
	int err;

	*out = NULL;
	if (!g) {
		ew_probe_close(probe);
		ew_err("out of memory");
		return -ENOMEM;
	}
	g->num = num;
	g->probe = *probe;
	g->cfg = *cfg;
	memset(probe, 0, sizeof(*probe));
	g->numbers = ew_probe_map(&g->probe, EW_MAP_SEQS) != NULL;
	err = ew_seqs_init(&g->seqs, cfg->ncpus);
	if (err) {
		ew_err("out of memory");
		goto fail;
	}
	ev = ew_probe_map(&g->probe, EW_MAP_EVENTS);
	if (!ev || ev->type != BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
		ew_err_hint("docs/probes.md lists what a probe must define",
			    "the probe defines no BPF_PERF_OUTPUT(" EW_MAP_EVENTS ")");
		err = -EINVAL;
		goto fail;
	}
	g->pb = open_perf(g, ev->fd);
	if (!g->pb) {
		err = -errno;
		ew_err_hint("a smaller --perf-pages, or raise ulimit -l",
			    "cannot open the perf buffer: %s", strerror(-err));
		goto fail;
	}
	if (epoll_ctl(cfg->ep, EPOLL_CTL_ADD, perf_buffer__epoll_fd(g->pb), &ee)) {
		err = -errno;
		ew_err("epoll: %s", strerror(-err));
		goto fail;
	}
	ew_info("perf buffer: %d pages x %d CPUs (%ld KiB per CPU), map fd %d",
		cfg->perf_pages, cfg->ncpus,
		cfg->perf_pages * sysconf(_SC_PAGESIZE) / 1024, ev->fd);
	*out = g;
	return 0;
fail:
	gen_free(g);
	return err;
}

/* From now on entries stage for generation g only; older generations
 * finish what they staged and report nothing new. */
int ew_gen_arm(struct ew_gen *g)
{
	const struct ew_map *ctl = ew_probe_map(&g->probe, EW_MAP_CTL);
	__u32 key = 0;
	__u64 num = g->num;

	if (!ctl) {
		ew_info("the probe has no " EW_MAP_CTL " map: it reports from the moment it is attached");
		return 0;
	}
	if (bpf_map_update_elem(ctl->fd, &key, &num, BPF_ANY)) {
		int err = -errno;

		ew_err("cannot arm the probe: %s", strerror(-err));
		return err;
	}
	return 0;
}

void ew_gen_drain(struct ew_gen *g)
{
	perf_buffer__consume(g->pb);
}

/* One u64 per CPU from a per-CPU array of the probe's; -1 if it has none. */
static int read_percpu(const struct ew_gen *g, const char *name, __u32 key,
		       uint64_t *vals)
{
	const struct ew_map *m = ew_probe_map(&g->probe, name);

	/* Zeroed: the kernel fills it, but tools like valgrind cannot tell. */
	memset(vals, 0, g->cfg.ncpus * sizeof(*vals));
	if (!m || m->type != BPF_MAP_TYPE_PERCPU_ARRAY || m->value_size != 8 ||
	    key >= m->max_entries)
		return -1;
	return bpf_map_lookup_elem(m->fd, &key, vals) ? -1 : 0;
}

/* The probe's drop counters, summed over CPUs: what is new since the last read. */
static void collect_drops(struct ew_gen *g)
{
	uint64_t vals[g->cfg.ncpus];
	__u32 k;
	int c;

	for (k = 0; k < EW_DROP_CAUSES; k++) {
		uint64_t sum = 0;

		if (read_percpu(g, EW_MAP_DROPS, k, vals))
			continue;
		for (c = 0; c < g->cfg.ncpus; c++)
			sum += vals[c];
		if (sum > g->drops[k] && drop_cause[k] >= 0)
			ew_losses_add(g->cfg.losses, drop_cause[k],
				      sum - g->drops[k]);
		g->drops[k] = sum;
	}
}

void ew_gen_tick(struct ew_gen *g)
{
	uint64_t vals[g->cfg.ncpus];

	if (!read_percpu(g, EW_MAP_SEQS, 0, vals))
		ew_losses_add(g->cfg.losses, EW_LOSS_PERF_FULL,
			      ew_seqs_tick(&g->seqs, vals));
	collect_drops(g);
}

void ew_gen_retire(struct ew_gen *g, uint64_t at)
{
	g->retire_at = at;
}

bool ew_gen_finished(const struct ew_gen *g, uint64_t now)
{
	return now >= g->retire_at;
}

/* Whatever it still holds is read first: nothing it reported is lost. */
void ew_gen_settle(struct ew_gen *g)
{
	uint64_t vals[g->cfg.ncpus];

	perf_buffer__consume(g->pb);
	if (!read_percpu(g, EW_MAP_SEQS, 0, vals))
		ew_losses_add(g->cfg.losses, EW_LOSS_PERF_FULL,
			      ew_seqs_final(&g->seqs, vals));
	collect_drops(g);
}

/* Detached first: once the kernel has let go of its programs, nothing
 * more can arrive, and what is read and counted then is all of it. */
void ew_gen_close(struct ew_gen *g)
{
	if (!g)
		return;
	ew_probe_detach(&g->probe);
	ew_gen_settle(g);
	gen_free(g);
}

unsigned ew_gen_num(const struct ew_gen *g)
{
	return g->num;
}

const struct ew_probe *ew_gen_probe(const struct ew_gen *g)
{
	return &g->probe;
}
