// SPDX-License-Identifier: GPL-2.0
#include "losses.h"

#include <errno.h>
#include <stdlib.h>

static const struct {
	const char *name, *id, *hint;
} causes[EW_LOSS_CAUSES] = {
	[EW_LOSS_PERF_FULL] = { "perf buffer full", "perf_buffer_full",
		"a larger --perf-pages, or filters that run in the kernel (-u, -p, --ppid, --containers)" },
	[EW_LOSS_STAGE] = { "staging map full", "staging_full",
		"more execs in flight at once than the probe's staging map holds" },
	[EW_LOSS_NO_SCRATCH] = { "no staging buffer", "no_scratch",
		"the probe has no per-CPU buffer for this CPU; is EW_NR_CPUS right?" },
	[EW_LOSS_MALFORMED] = { "malformed", "malformed",
		"does the probe fill struct ew_event from probes/event.h?" },
	[EW_LOSS_NO_MEMORY] = { "out of memory", "no_memory",
		"execwatch could not allocate memory to hold or print the event" },
};

void ew_losses_add(struct ew_losses *l, enum ew_loss_cause c, uint64_t n)
{
	l->count[c] += n;
}

uint64_t ew_losses_total(const struct ew_losses *l)
{
	uint64_t t = 0;
	int c;

	for (c = 0; c < EW_LOSS_CAUSES; c++)
		t += l->count[c];
	return t;
}

void ew_losses_report(struct ew_losses *l, ew_loss_fn fn, void *ctx)
{
	int c;

	for (c = 0; c < EW_LOSS_CAUSES; c++) {
		uint64_t n = l->count[c] - l->reported[c];

		if (!n)
			continue;
		l->reported[c] = l->count[c];
		fn(ctx, c, n);
	}
}

const char *ew_loss_name(enum ew_loss_cause c)
{
	return causes[c].name;
}

const char *ew_loss_id(enum ew_loss_cause c)
{
	return causes[c].id;
}

const char *ew_loss_hint(enum ew_loss_cause c)
{
	return causes[c].hint;
}

void ew_losses_summary(struct ew_buf *b, const struct ew_losses *l,
		       uint64_t printed)
{
	uint64_t total = ew_losses_total(l);
	const char *sep = " (";
	int c;

	ew_buf_printf(b, "%llu events printed, %llu lost",
		      (unsigned long long)printed, (unsigned long long)total);
	for (c = 0; c < EW_LOSS_CAUSES; c++) {
		if (!l->count[c])
			continue;
		ew_buf_printf(b, "%s%s: %llu", sep, causes[c].name,
			      (unsigned long long)l->count[c]);
		sep = ", ";
	}
	if (total)
		ew_buf_putc(b, ')');
}

int ew_seqs_init(struct ew_seqs *s, int ncpus)
{
	s->ncpus = ncpus;
	s->settled = calloc(ncpus, sizeof(*s->settled));
	s->numbered = calloc(ncpus, sizeof(*s->numbered));
	if (!s->settled || !s->numbered) {
		ew_seqs_free(s);
		return -ENOMEM;
	}
	return 0;
}

void ew_seqs_free(struct ew_seqs *s)
{
	free(s->settled);
	free(s->numbered);
	s->settled = s->numbered = NULL;
}

uint64_t ew_seqs_saw(struct ew_seqs *s, uint32_t cpu, uint64_t seq)
{
	uint64_t lost = 0;

	/* 0 is a probe that does not number its samples. */
	if (!seq || cpu >= (uint32_t)s->ncpus)
		return 0;
	if (seq > s->settled[cpu] + 1)
		lost = seq - s->settled[cpu] - 1;
	if (seq > s->settled[cpu])
		s->settled[cpu] = seq;
	return lost;
}

/* Numbers up to UPTO on CPU that are still unsettled are lost. */
static uint64_t settle(struct ew_seqs *s, int cpu, uint64_t upto)
{
	uint64_t lost = 0;

	if (upto > s->settled[cpu]) {
		lost = upto - s->settled[cpu];
		s->settled[cpu] = upto;
	}
	return lost;
}

uint64_t ew_seqs_tick(struct ew_seqs *s, const uint64_t *now)
{
	uint64_t lost = 0;
	int c;

	for (c = 0; c < s->ncpus; c++) {
		/* A sample numbered a tick ago is either read by now or gone:
		 * the probe sends it right after numbering it. */
		lost += settle(s, c, s->numbered[c]);
		s->numbered[c] = now[c];
	}
	return lost;
}

uint64_t ew_seqs_final(struct ew_seqs *s, const uint64_t *now)
{
	uint64_t lost = 0;
	int c;

	for (c = 0; c < s->ncpus; c++)
		lost += settle(s, c, now[c]);
	return lost;
}
