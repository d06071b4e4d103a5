/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where released events go. The printer writes the table or JSON Lines to
 * standard output or --output FILE; --selftest is another sink, which
 * checks its canaries instead of printing. The tracer knows only this.
 */
#ifndef EXECWATCH_SINK_H
#define EXECWATCH_SINK_H

#include <stdbool.h>
#include <stdint.h>

#include "events.h"
#include "helper_client.h"
#include "losses.h"
#include "options.h"
#include "output.h"

struct ew_sink;

struct ew_sink_ops {
	/* The probe is armed: nothing is missed from now on. <0 gives up. */
	int (*armed)(struct ew_sink *s, const char *mechanism);
	/* One event, in order. Returns true when the sink wants no more. */
	bool (*exec)(struct ew_sink *s, const struct ew_exec *x,
		     const struct ew_when *w);
	/* Events that will never come, as they are found. */
	void (*lost)(struct ew_sink *s, enum ew_loss_cause c, uint64_t n,
		     const struct ew_when *w);
	/* A probe's own maps: at the end, or as its generation is replaced. */
	void (*maps)(struct ew_sink *s, const struct ew_probe *p, unsigned gen,
		     bool replaced);
	/*
	 * Writes what was handed over: returns how many events that was, or
	 * -EPIPE when the reader went away, or another -errno (logged).
	 * Events it could not render are counted in L.
	 */
	int (*flush)(struct ew_sink *s, struct ew_losses *l);
	/* SIGHUP: a new file by the same name after this flush. -errno if not. */
	int (*reopen)(struct ew_sink *s);
	void (*close)(struct ew_sink *s);
};

/* armed and exec are required; a sink leaves out what it has no use for. */
struct ew_sink {
	const struct ew_sink_ops *ops;
};

static inline void ew_sink_lost(struct ew_sink *s, enum ew_loss_cause c,
				uint64_t n, const struct ew_when *w)
{
	if (s->ops->lost)
		s->ops->lost(s, c, n, w);
}

static inline void ew_sink_maps(struct ew_sink *s, const struct ew_probe *p,
				unsigned gen, bool replaced)
{
	if (s->ops->maps)
		s->ops->maps(s, p, gen, replaced);
}

static inline int ew_sink_flush(struct ew_sink *s, struct ew_losses *l)
{
	return s->ops->flush ? s->ops->flush(s, l) : 0;
}

static inline int ew_sink_reopen(struct ew_sink *s)
{
	return s->ops->reopen ? s->ops->reopen(s) : 0;
}

static inline void ew_sink_close(struct ew_sink *s)
{
	if (s->ops->close)
		s->ops->close(s);
}

/* The table or JSON printer for ENV (its output file opened now). */
int ew_printer_open(const struct env *env, int ncpus, struct ew_sink **out);

#endif
