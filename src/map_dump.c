// SPDX-License-Identifier: GPL-2.0
#include "map_dump.h"
#include "escape.h"

#include <linux/types.h>
#include "../probes/event.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENTRIES 10000

bool ew_map_is_internal(const char *name)
{
	static const char *const names[] = { EW_MAP_EVENTS, EW_MAP_STAGE,
					     EW_MAP_SCRATCH, EW_MAP_SEQS,
					     EW_MAP_CTL, EW_MAP_GEN, EW_MAP_DROPS, NULL };
	int i;

	for (i = 0; names[i]; i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

static bool is_percpu(uint32_t type)
{
	return type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static bool is_dumpable(uint32_t type)
{
	return type == BPF_MAP_TYPE_HASH || type == BPF_MAP_TYPE_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_HASH || is_percpu(type);
}

static uint64_t as_uint(const unsigned char *p, uint32_t size)
{
	uint64_t v = 0;

	memcpy(&v, p, size < 8 ? size : 8);	/* little-endian hosts */
	return v;
}

/* A char[] key holding a NUL-terminated printable string (a comm). */
static bool is_string(const unsigned char *p, uint32_t size)
{
	uint32_t i;

	if (size < 2 || !p[0] || p[0] < 0x20)
		return false;
	for (i = 0; i < size && p[i]; i++)
		if (p[i] < 0x20 || p[i] == 0x7f)
			return false;
	for (; i < size; i++)
		if (p[i])
			return false;
	return true;
}

static void put_key(struct ew_buf *b, const unsigned char *k, uint32_t size,
		    bool json)
{
	uint32_t i;

	if (size == 1 || size == 2 || size == 4 || size == 8) {
		ew_buf_printf(b, "%llu", (unsigned long long)as_uint(k, size));
	} else if (is_string(k, size)) {
		if (json)
			ew_buf_putc(b, '"');
		ew_escape(b, (const char *)k, strnlen((const char *)k, size),
			  json ? EW_ESC_JSON : EW_ESC_TERMINAL);
		if (json)
			ew_buf_putc(b, '"');
	} else {
		ew_buf_puts(b, json ? "\"0x" : "0x");
		for (i = 0; i < size; i++)
			ew_buf_printf(b, "%02x", k[i]);
		if (json)
			ew_buf_putc(b, '"');
	}
}

static int cmp_value_desc(const void *a, const void *b, void *ctx)
{
	const struct ew_map_entries *m = ctx;
	size_t ka = *(const size_t *)a, kb = *(const size_t *)b;
	uint64_t va = as_uint(m->values + ka * m->value_size, m->value_size);
	uint64_t vb = as_uint(m->values + kb * m->value_size, m->value_size);

	return va < vb ? 1 : va > vb ? -1 : (ka > kb) - (ka < kb);
}

static void put_hist(struct ew_buf *b, const struct ew_map_entries *m)
{
	uint64_t slots[64] = { 0 }, max = 0;
	int i, top = -1;
	size_t e;

	for (e = 0; e < m->n; e++) {
		uint64_t k = as_uint(m->keys + e * m->key_size, m->key_size);

		if (k < 64)
			slots[k] += as_uint(m->values + e * m->value_size, m->value_size);
	}
	for (i = 0; i < 64; i++) {
		if (slots[i])
			top = i;
		if (slots[i] > max)
			max = slots[i];
	}
	ew_buf_printf(b, "%s:\n%24s : %-8s |%-40s|\n", m->name, "value", "count",
		      "distribution");
	for (i = 0; i <= top; i++) {
		uint64_t lo = i ? 1ULL << (i - 1) : 0, hi = (1ULL << i) - 1;
		int stars = max ? (int)(slots[i] * 40 / max) : 0;

		ew_buf_printf(b, "%10llu -> %-10llu : %-8llu |%.*s%*s|\n",
			      (unsigned long long)lo, (unsigned long long)hi,
			      (unsigned long long)slots[i], stars,
			      "****************************************", 40 - stars, "");
	}
}

void ew_map_format(struct ew_buf *b, const struct ew_map_entries *m, bool json)
{
	size_t *order = calloc(m->n ? m->n : 1, sizeof(*order)), i;

	if (!order)
		return;
	for (i = 0; i < m->n; i++)
		order[i] = i;
	if (m->value_size <= 8)
		qsort_r(order, m->n, sizeof(*order), cmp_value_desc, (void *)m);
	if (!json && strstr(m->name, "hist") && m->key_size <= 8 &&
	    m->value_size <= 8) {
		put_hist(b, m);
	} else if (json) {
		ew_buf_puts(b, "{\"map\":\"");
		ew_escape(b, m->name, strlen(m->name), EW_ESC_JSON);
		ew_buf_puts(b, "\",\"entries\":[");
		for (i = 0; i < m->n; i++) {
			ew_buf_puts(b, i ? ",[" : "[");
			put_key(b, m->keys + order[i] * m->key_size, m->key_size, true);
			ew_buf_putc(b, ',');
			put_key(b, m->values + order[i] * m->value_size, m->value_size, true);
			ew_buf_putc(b, ']');
		}
		ew_buf_puts(b, "]}\n");
	} else {
		ew_buf_printf(b, "%s:\n", m->name);
		for (i = 0; i < m->n; i++) {
			size_t start = b->len, w;

			ew_buf_puts(b, "  ");
			put_key(b, m->keys + order[i] * m->key_size, m->key_size, false);
			w = b->len - start;
			ew_buf_printf(b, "%*s ", w < 24 ? (int)(24 - w) : 0, "");
			put_key(b, m->values + order[i] * m->value_size, m->value_size, false);
			ew_buf_putc(b, '\n');
		}
	}
	free(order);
}

/* Per-CPU values come as one 8-byte-aligned slot per CPU: summed, where
 * they are numbers; anything larger shows the first CPU's. */
static void read_value(const struct ew_map *map, int ncpus, unsigned char *raw,
		       unsigned char *out)
{
	uint32_t stride = (map->value_size + 7) & ~7u;
	uint64_t sum = 0;
	int c;

	if (!is_percpu(map->type) || map->value_size > 8) {
		memcpy(out, raw, map->value_size);
		return;
	}
	for (c = 0; c < ncpus; c++)
		sum += as_uint(raw + c * stride, map->value_size);
	memcpy(out, &sum, map->value_size);
}

static void dump_one(struct ew_buf *b, const struct ew_map *map, int ncpus,
		     bool json)
{
	uint32_t stride = (map->value_size + 7) & ~7u;
	size_t cap = map->max_entries < MAX_ENTRIES ? map->max_entries : MAX_ENTRIES;
	unsigned char *keys = calloc(cap + 1, map->key_size);
	unsigned char *vals = calloc(cap + 1, map->value_size);
	unsigned char *raw = calloc(is_percpu(map->type) ? ncpus : 1, stride);
	struct ew_map_entries m = { .name = map->name, .type = map->type,
				    .key_size = map->key_size,
				    .value_size = map->value_size,
				    .keys = keys, .values = vals };
	void *prev = NULL;

	if (!keys || !vals || !raw)
		goto out;
	while (m.n < cap &&
	       !bpf_map_get_next_key(map->fd, prev, keys + m.n * map->key_size)) {
		unsigned char *k = keys + m.n * map->key_size;

		prev = k;
		if (bpf_map_lookup_elem(map->fd, k, raw))
			continue;
		read_value(map, ncpus, raw, vals + m.n * map->value_size);
		/* Arrays have every slot: show only those that were set. */
		if ((map->type == BPF_MAP_TYPE_ARRAY ||
		     map->type == BPF_MAP_TYPE_PERCPU_ARRAY) &&
		    map->value_size <= 8 &&
		    !as_uint(vals + m.n * map->value_size, map->value_size))
			continue;
		m.n++;
	}
	ew_map_format(b, &m, json);
out:
	free(keys);
	free(vals);
	free(raw);
}

void ew_map_dump_all(struct ew_buf *b, const struct ew_probe *probe, int ncpus,
		     bool json)
{
	int i;

	for (i = 0; i < probe->nmaps; i++) {
		const struct ew_map *map = &probe->maps[i];

		if (!ew_map_is_internal(map->name) && is_dumpable(map->type) &&
		    map->key_size && map->value_size)
			dump_one(b, map, ncpus, json);
	}
}
