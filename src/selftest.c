// SPDX-License-Identifier: GPL-2.0
#include "selftest.h"
#include "canaries.h"
#include "events.h"
#include "log.h"

#include <linux/types.h>
#include "../probes/event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct check {
	bool seen;
	bool pid_ok, ppid_ok, ret_ok, file_ok, argv_ok, door_ok;
};

struct ew_selftest {
	struct ew_sink sink;
	struct ew_canaries cs;
	struct check k[EW_NCANARY];
	int pending;		/* canaries that run here and are not seen yet */
};

static struct ew_selftest *of(struct ew_sink *sink)
{
	return (struct ew_selftest *)sink;
}

static int start_canaries(struct ew_sink *sink, const char *mechanism)
{
	struct ew_selftest *s = of(sink);
	int k, err = ew_canaries_start(&s->cs);

	for (k = 0; k < EW_NCANARY; k++)
		s->pending += !s->cs.c[k].skipped;
	return err;
}

static bool argv_is(const struct ew_exec *x, const struct ew_canary *c)
{
	int i;

	if ((int)x->nargs != c->argc || x->args_truncated)
		return false;
	for (i = 0; i < c->argc; i++)
		if (strcmp(x->args[i].s, c->argv[i]))
			return false;
	return (int)x->script_at == c->interp_args;
}

/* This event is the canary's: the same process (the 32-bit image's two
 * execs told apart by their door), or, started by the kernel, its argument. */
static bool is_canary(const struct ew_canary *c, int k, const struct ew_exec *x)
{
	if (c->skipped)
		return false;
	if (k == EW_C_IMAGE32 || k == EW_C_FROM32)
		return x->pid == (uint32_t)c->pid &&
		       (x->entry == EW_ENTRY_COMPAT_EXECVE) == (k == EW_C_FROM32);
	if (c->pid)
		return x->pid == (uint32_t)c->pid;
	return x->nargs == 2 && !strcmp(x->args[1].s, c->argv[1]);
}

static void check(struct check *k, const struct ew_canary *c, const struct ew_exec *x)
{
	k->pid_ok = !c->pid || x->pid == (uint32_t)c->pid;
	/* Started by the kernel: its parent is a kernel thread, not us. */
	k->ppid_ok = c->entry == EW_ENTRY_KERNEL ? x->ppid != (uint32_t)getpid() :
		     x->ppid == (uint32_t)getpid();
	k->ret_ok = x->ret == c->ret && x->refused == c->refused;
	k->file_ok = !strcmp(x->filename, c->filename) && !x->filename_cut &&
		     !x->filename_unreadable;
	k->argv_ok = argv_is(x, c);
	k->door_ok = c->entry == EW_ENTRY_UNKNOWN || x->entry == c->entry;
	k->seen = true;
}

static bool on_event(struct ew_sink *sink, const struct ew_exec *x,
		     const struct ew_when *w)
{
	struct ew_selftest *s = of(sink);
	int k;

	for (k = 0; k < EW_NCANARY; k++) {
		if (s->k[k].seen || !is_canary(&s->cs.c[k], k, x))
			continue;
		check(&s->k[k], &s->cs.c[k], x);
		s->pending--;
		break;
	}
	return s->pending == 0;
}

/* It prints nothing: no flush, no maps, no file to reopen. */
static const struct ew_sink_ops selftest_ops = {
	.armed = start_canaries,
	.exec = on_event,
};

struct ew_selftest *ew_selftest_new(void)
{
	struct ew_selftest *s = calloc(1, sizeof(*s));

	if (!s) {
		ew_err("out of memory");
		return NULL;
	}
	s->sink.ops = &selftest_ops;
	if (ew_canaries_init(&s->cs)) {
		free(s);
		return NULL;
	}
	return s;
}

struct ew_sink *ew_selftest_sink(struct ew_selftest *s)
{
	return &s->sink;
}

static const char *mark(bool ok)
{
	return ok ? "ok" : "WRONG";
}

int ew_selftest_report(struct ew_selftest *s, const char *mechanism,
		       double elapsed_ms)
{
	int k, good = 0, skipped = 0, ran = 0;

	/* A canary that could not run here says so by its exit status. */
	ew_canaries_reap(&s->cs);
	printf("selftest: attached via %ss\n", mechanism);
	for (k = 0; k < EW_NCANARY; k++) {
		const struct ew_canary *c = &s->cs.c[k];
		const struct check *ck = &s->k[k];

		if (c->skipped && !ck->seen) {
			printf("selftest: %-20s skipped: %s\n", c->name, c->skipped);
			skipped++;
			continue;
		}
		ran++;
		if (!ck->seen) {
			printf("selftest: %-20s NOT SEEN\n", c->name);
			continue;
		}
		good += ck->pid_ok && ck->ppid_ok && ck->ret_ok && ck->file_ok &&
			ck->argv_ok && ck->door_ok;
		printf("selftest: %-20s seen: pid %s, ppid %s, ret %s, filename %s, argv %s, door %s\n",
		       c->name, mark(ck->pid_ok), mark(ck->ppid_ok), mark(ck->ret_ok),
		       mark(ck->file_ok), mark(ck->argv_ok), mark(ck->door_ok));
	}
	printf("selftest: %d/%d canaries seen with every field right", good, ran);
	if (skipped)
		printf(" (%d skipped: this machine cannot make them)", skipped);
	printf(", in %.0f ms\n", elapsed_ms);
	fflush(stdout);
	return good == ran ? 0 : 1;
}

void ew_selftest_free(struct ew_selftest *s)
{
	if (!s)
		return;
	ew_canaries_free(&s->cs);
	free(s);
}
