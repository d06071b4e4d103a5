/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small window that puts events from per-CPU buffers back in kernel
 * timestamp order: an event is released once it is older than the window,
 * by which time every CPU's earlier events have been read.
 */
#ifndef EXECWATCH_REORDER_H
#define EXECWATCH_REORDER_H

#include <stddef.h>
#include <stdint.h>

struct ew_exec;

struct ew_reorder {
	struct ew_exec **heap;
	size_t len;
	size_t cap;
};

int ew_reorder_push(struct ew_reorder *r, struct ew_exec *x);
/* The oldest event if its timestamp is <= horizon_ns, else NULL. */
struct ew_exec *ew_reorder_pop(struct ew_reorder *r, uint64_t horizon_ns);
/* Timestamp of the oldest held event; 0 when empty. */
uint64_t ew_reorder_oldest(const struct ew_reorder *r);
void ew_reorder_free(struct ew_reorder *r);

#endif
