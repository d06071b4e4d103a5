/* SPDX-License-Identifier: GPL-2.0 */
/* The filters that run in user space: regexes on comm and on the arguments. */
#ifndef EXECWATCH_FILTERS_H
#define EXECWATCH_FILTERS_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "events.h"
#include "options.h"

struct ew_filters {
	regex_t name;
	regex_t line;
	bool has_name;
	bool has_line;
	const char *container;	/* id prefix, NULL: any */
	int64_t container_uid;	/* -1: a system container's; else this user's */
	bool alerts_only;
	struct ew_buf scratch;
};

/* The filters ENV asks for (its regexes were checked by option parsing).
 * Errors are logged; returns 0 or -errno. */
int ew_filters_init(struct ew_filters *f, const struct env *env);
bool ew_filters_match(struct ew_filters *f, const struct ew_exec *x);
void ew_filters_free(struct ew_filters *f);

#endif
