/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tracing loop: perf buffer -> decode -> label -> filter -> reorder ->
 * sink, until a signal, --count, --duration or the sink says stop.
 */
#ifndef EXECWATCH_TRACE_H
#define EXECWATCH_TRACE_H

#include <stdint.h>

#include "helper_client.h"
#include "losses.h"
#include "options.h"
#include "sink.h"

struct ew_trace_stats {
	uint64_t printed;	/* events the sink wrote */
	struct ew_losses losses;
};

/*
 * Takes PROBE over, arms it, tells SINK, and runs until a signal on SIGFD,
 * --count, --duration, or the sink wants no more. Errors are logged;
 * returns the exit status.
 */
int ew_trace(const struct env *env, struct ew_probe *probe,
	     struct ew_sink *sink, int sigfd, struct ew_trace_stats *st);

#endif
