/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What several unit tests need: a decoded exec built from the test's own
 * strings, and a capture of what the log module writes. Include after
 * cmocka.h.
 */
#ifndef EXECWATCH_TEST_FIXTURES_H
#define EXECWATCH_TEST_FIXTURES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "log.h"

/* An exec of FILENAME with ARGV (N entries) whose strings stay the
 * caller's; free() it. */
static inline struct ew_exec *ew_test_exec(const char *comm, const char *filename,
					   const char *const *argv, uint32_t n)
{
	struct ew_exec *x = calloc(1, sizeof(*x) + n * sizeof(x->args[0]));
	uint32_t i;

	assert_non_null(x);
	strncpy(x->comm, comm, 16);
	x->filename = filename;
	x->filename_len = strlen(filename);
	for (i = 0; i < n; i++) {
		x->args[i].s = argv[i];
		x->args[i].len = strlen(argv[i]);
	}
	x->nargs = x->argc = n;
	return x;
}

struct ew_test_log {
	char *text;
	size_t len;
	FILE *f;
};

/* From now on the log module writes into L. */
static inline void ew_test_log_start(struct ew_test_log *l)
{
	l->text = NULL;
	l->len = 0;
	l->f = open_memstream(&l->text, &l->len);
	assert_non_null(l->f);
	ew_log_to(l->f);
}

/* What was logged since ew_test_log_start; free() it. */
static inline char *ew_test_log_end(struct ew_test_log *l)
{
	ew_log_to(NULL);
	fclose(l->f);
	return l->text;
}

#endif
