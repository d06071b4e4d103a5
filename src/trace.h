/* SPDX-License-Identifier: GPL-2.0 */
/* The tracing loop: perf buffer -> decode -> filter -> reorder -> output. */
#ifndef EXECWATCH_TRACE_H
#define EXECWATCH_TRACE_H

#include <stdint.h>

#include "filters.h"
#include "helper_client.h"
#include "options.h"

struct ew_trace_stats {
	uint64_t printed;
	uint64_t lost;		/* sequence gaps: lost after the probe numbered them */
	uint64_t lost_perf;	/* lost records the perf buffer reported */
	uint64_t drops[3];	/* the probe's own count, by EW_DROP_* cause (probes/event.h) */
	uint64_t malformed;
};

/* Instead of printing: --selftest watches for its own canaries. */
struct ew_trace_hooks {
	int (*armed)(void *ctx);			/* nonzero: give up */
	bool (*event)(void *ctx, const struct ew_exec *x); /* true: done */
	void *ctx;
};

/*
 * Arms PROBE, prints the Tracing line and runs until a signal on SIGFD,
 * --count, --duration or a closed output; with HOOKS, hands events to them
 * instead. Returns the exit status.
 */
int ew_trace(const struct env *env, struct ew_probe *probe,
	     struct ew_filters *filters, int sigfd,
	     const struct ew_trace_hooks *hooks, struct ew_trace_stats *st);

#endif
