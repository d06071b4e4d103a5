/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loss ledger: every event that will never be printed, by cause, and
 * how much of it has been reported. Whatever is reported while tracing adds
 * up to the summary at the end: nothing is suppressed, nothing counted twice.
 *
 * Also the arithmetic of the probe's per-CPU sequence numbers, from which
 * losses after the probe numbered an event are found. Pure: no kernel.
 */
#ifndef EXECWATCH_LOSSES_H
#define EXECWATCH_LOSSES_H

#include <stdint.h>

#include "buf.h"

enum ew_loss_cause {
	EW_LOSS_PERF_FULL,	/* numbered by the probe, never arrived */
	EW_LOSS_STAGE,		/* the probe could not stage the exec */
	EW_LOSS_NO_SCRATCH,	/* the probe had no buffer to build the sample in */
	EW_LOSS_MALFORMED,	/* a sample execwatch could not decode */
	EW_LOSS_NO_MEMORY,	/* execwatch had no memory to hold or print it */
	EW_LOSS_CAUSES
};

struct ew_losses {
	uint64_t count[EW_LOSS_CAUSES];
	uint64_t reported[EW_LOSS_CAUSES];
};

void ew_losses_add(struct ew_losses *l, enum ew_loss_cause c, uint64_t n);
uint64_t ew_losses_total(const struct ew_losses *l);

typedef void (*ew_loss_fn)(void *ctx, enum ew_loss_cause c, uint64_t n);
/* Hands FN each cause's losses since the last call, and marks them reported. */
void ew_losses_report(struct ew_losses *l, ew_loss_fn fn, void *ctx);

const char *ew_loss_name(enum ew_loss_cause c);	/* "perf buffer full" */
const char *ew_loss_id(enum ew_loss_cause c);	/* "perf_buffer_full" */
const char *ew_loss_hint(enum ew_loss_cause c);

/* "N events printed, M lost (cause: n, ...)" */
void ew_losses_summary(struct ew_buf *b, const struct ew_losses *l,
		       uint64_t printed);

/*
 * One probe generation's sequence numbers, per CPU. Each sample carries
 * its CPU's number, taken before the probe tries to send it, and samples
 * of one CPU arrive in order: a number skipped is a sample lost.
 */
struct ew_seqs {
	int ncpus;
	uint64_t *settled;	/* per CPU: the highest number received or counted lost */
	uint64_t *numbered;	/* per CPU: the probe's counter at the last tick */
};

int ew_seqs_init(struct ew_seqs *s, int ncpus);
void ew_seqs_free(struct ew_seqs *s);
/* A sample numbered SEQ arrived from CPU: returns how many before it were lost. */
uint64_t ew_seqs_saw(struct ew_seqs *s, uint32_t cpu, uint64_t seq);
/*
 * Once a second, after the buffers were read, with the probe's counters
 * now (NOW, ncpus entries): samples numbered by the previous tick that have
 * not arrived never will. Returns how many.
 */
uint64_t ew_seqs_tick(struct ew_seqs *s, const uint64_t *now);
/* At the end, after the last read: every number given out and not received. */
uint64_t ew_seqs_final(struct ew_seqs *s, const uint64_t *now);

#endif
