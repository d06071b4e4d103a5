// SPDX-License-Identifier: GPL-2.0
#include "reorder.h"
#include "events.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

/* Ties (same nanosecond) keep a stable order per CPU by sequence number. */
static bool before(const struct ew_exec *a, const struct ew_exec *b)
{
	if (a->ts_ns != b->ts_ns)
		return a->ts_ns < b->ts_ns;
	if (a->cpu != b->cpu)
		return a->cpu < b->cpu;
	return a->seq < b->seq;
}

static void swap(struct ew_exec **h, size_t i, size_t j)
{
	struct ew_exec *t = h[i];

	h[i] = h[j];
	h[j] = t;
}

int ew_reorder_push(struct ew_reorder *r, struct ew_exec *x)
{
	size_t i;

	if (r->len == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct ew_exec **h = realloc(r->heap, cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		r->heap = h;
		r->cap = cap;
	}
	i = r->len++;
	r->heap[i] = x;
	while (i && before(r->heap[i], r->heap[(i - 1) / 2])) {
		swap(r->heap, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	return 0;
}

struct ew_exec *ew_reorder_pop(struct ew_reorder *r, uint64_t horizon_ns)
{
	struct ew_exec *top;
	size_t i = 0;

	if (!r->len || r->heap[0]->ts_ns > horizon_ns)
		return NULL;
	top = r->heap[0];
	r->heap[0] = r->heap[--r->len];
	for (;;) {
		size_t l = 2 * i + 1, m = i;

		if (l < r->len && before(r->heap[l], r->heap[m]))
			m = l;
		if (l + 1 < r->len && before(r->heap[l + 1], r->heap[m]))
			m = l + 1;
		if (m == i)
			break;
		swap(r->heap, i, m);
		i = m;
	}
	return top;
}

uint64_t ew_reorder_oldest(const struct ew_reorder *r)
{
	return r->len ? r->heap[0]->ts_ns : 0;
}

void ew_reorder_free(struct ew_reorder *r)
{
	while (r->len)
		free(r->heap[--r->len]);
	free(r->heap);
	r->heap = NULL;
	r->cap = 0;
}
