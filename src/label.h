/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the tracer adds to a decoded exec before filtering and printing:
 * its container (from the cgroup names the probe read) and the shell
 * alert. Computed once per event, here.
 */
#ifndef EXECWATCH_LABEL_H
#define EXECWATCH_LABEL_H

#include "events.h"
#include "options.h"

struct ew_labeler;

/* Errors are logged; returns 0 or -errno. */
int ew_labeler_new(const struct env *env, struct ew_labeler **out);
void ew_label(struct ew_labeler *l, struct ew_exec *x);
void ew_labeler_free(struct ew_labeler *l);

#endif
