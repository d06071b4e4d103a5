/* SPDX-License-Identifier: GPL-2.0 */
/* The filters that run in user space: regexes on comm and on the arguments. */
#ifndef EXECWATCH_FILTERS_H
#define EXECWATCH_FILTERS_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "events.h"

struct ew_filters {
	regex_t name;
	regex_t line;
	bool has_name;
	bool has_line;
	const char *container;	/* id prefix, NULL: any */
	bool alerts_only;
	struct ew_buf scratch;
};

/* Compiles the (extended) regexes; on error, err says which and why. */
int ew_filters_init(struct ew_filters *f, const char *name, const char *line,
		    char *err, size_t errlen);
bool ew_filters_match(struct ew_filters *f, const struct ew_exec *x);
void ew_filters_free(struct ew_filters *f);

#endif
