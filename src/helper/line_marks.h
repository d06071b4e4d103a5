/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BCC inserts a struct definition before every TRACEPOINT_PROBE, so
 * clang's line numbers after the first one would be off by the length of
 * those structs. A #line after each TRACEPOINT_PROBE(...) line puts the
 * user's own file name and line numbers back into the diagnostics.
 */
#ifndef EXECWATCH_LINE_MARKS_H
#define EXECWATCH_LINE_MARKS_H

/* A new string: TEXT with "#line N \"NAME\"" after each line that holds a
 * whole TRACEPOINT_PROBE(...) invocation. NULL if out of memory. */
char *ew_mark_lines(const char *text, const char *name);

#endif
