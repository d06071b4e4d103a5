/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Printing a probe's own maps at exit (a count per command, a latency
 * histogram): what a workshop exercise adds to the probe shows up without
 * any change to execwatch.
 */
#ifndef EXECWATCH_MAP_DUMP_H
#define EXECWATCH_MAP_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "helper_client.h"

/* Maps the shipped probe uses for itself: not printed. */
bool ew_map_is_internal(const char *name);

/* One map's entries, already read: keys and values side by side. Values of
 * per-CPU maps are summed before this. */
struct ew_map_entries {
	const char *name;
	uint32_t type;
	uint32_t key_size, value_size;
	size_t n;
	const unsigned char *keys;
	const unsigned char *values;
};

/* Text for a person: "name:" then one line per entry, a log2 histogram for
 * a map whose name contains "hist"; or one JSON line. */
void ew_map_format(struct ew_buf *b, const struct ew_map_entries *m, bool json);

/* Reads and formats every map of PROBE that is not internal. */
void ew_map_dump_all(struct ew_buf *b, const struct ew_probe *probe, int ncpus,
		     bool json);

#endif
