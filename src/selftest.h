/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --selftest: a canary exec through every door a tracer can silently lose
 * one by (canaries.h), each checked field by field once the probe is armed.
 */
#ifndef EXECWATCH_SELFTEST_H
#define EXECWATCH_SELFTEST_H

#include <stdbool.h>

#include "canaries.h"
#include "sink.h"

struct ew_selftest;

/* Errors are logged; returns NULL on failure. */
struct ew_selftest *ew_selftest_new(void);
/* The sink the tracer hands events to: it starts the canaries once the
 * probe is armed and checks each one's event. */
struct ew_sink *ew_selftest_sink(struct ew_selftest *s);
/* Prints the per-canary report; returns the exit status. */
int ew_selftest_report(struct ew_selftest *s, const char *mechanism,
		       double elapsed_ms);
void ew_selftest_free(struct ew_selftest *s);

#endif
