/* SPDX-License-Identifier: GPL-2.0 */
/* Rendering an exec as a table row or a JSON line, into a buffer. */
#ifndef EXECWATCH_OUTPUT_H
#define EXECWATCH_OUTPUT_H

#include <time.h>

#include "buf.h"
#include "events.h"
#include "options.h"

struct ew_when {
	double rel_s;		/* seconds since tracing started */
	struct timespec wall;	/* CLOCK_REALTIME of the event */
};

void ew_table_header(struct ew_buf *b, const struct env *env);
void ew_table_row(struct ew_buf *b, const struct env *env,
		  const struct ew_exec *x, const struct ew_when *when);

void ew_json_line(struct ew_buf *b, const struct ew_exec *x,
		  const struct ew_when *when);
/* {"event":"lost",...}: where the events would have been. */
void ew_json_lost(struct ew_buf *b, const char *cause, uint64_t n,
		  const struct ew_when *when);

#endif
