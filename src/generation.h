/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One loaded probe ("generation": the first, or a newer one from --watch):
 * its perf buffer, arming it, reading it, the per-CPU counters its losses
 * are counted from, and closing it. What it reads goes to a callback; what
 * it finds lost goes to the loss ledger.
 */
#ifndef EXECWATCH_GENERATION_H
#define EXECWATCH_GENERATION_H

#include <stdbool.h>
#include <stdint.h>

#include "helper_client.h"
#include "losses.h"

typedef void (*ew_sample_fn)(void *ctx, void *data, uint32_t size);

struct ew_gen_cfg {
	int ep;			/* epoll fd the perf buffer is registered with */
	uint64_t ep_tag;	/* its epoll_event.data */
	int perf_pages;		/* per CPU */
	bool batched;		/* wake the reader only at a watermark */
	int ncpus;
	ew_sample_fn sample;
	void *ctx;
	struct ew_losses *losses;
};

struct ew_gen;

/*
 * Takes PROBE over (closed on failure too), opens its perf buffer and
 * registers it with cfg->ep. Errors are logged; returns 0 or -errno.
 */
int ew_gen_open(struct ew_probe *probe, unsigned num,
		const struct ew_gen_cfg *cfg, struct ew_gen **out);
/* From now on the probe reports for this generation (ctl[0] = num). */
int ew_gen_arm(struct ew_gen *g);
/* Reads what the perf buffer holds. */
void ew_gen_drain(struct ew_gen *g);
/* Once a second, after a drain: samples numbered a second ago that never
 * came, and what the probe counted as dropped, go to the ledger. */
void ew_gen_tick(struct ew_gen *g);
/* Replaced by a newer generation: detached at AT (see ew_gen_finished). */
void ew_gen_retire(struct ew_gen *g, uint64_t at);
/* For a retired generation: its time is up. */
bool ew_gen_finished(const struct ew_gen *g, uint64_t now);
/* Drains, and counts everything numbered that never came. */
void ew_gen_settle(struct ew_gen *g);
/* Settles, detaches and frees. NULL is fine. */
void ew_gen_close(struct ew_gen *g);

unsigned ew_gen_num(const struct ew_gen *g);
const struct ew_probe *ew_gen_probe(const struct ew_gen *g);

#endif
