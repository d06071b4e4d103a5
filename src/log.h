/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one way execwatch reports: "execwatch: message", "execwatch: message;
 * hint: what to do", "execwatch: warning: ...", and lines shown only under
 * --verbose. Everything goes to standard error (standard output carries
 * events). Control bytes in a message are escaped, so a file name or a
 * compiler line cannot drive the terminal.
 *
 * The convention around it: a function returns a negative errno, and the
 * one caller that can say something useful about it logs it, once.
 */
#ifndef EXECWATCH_LOG_H
#define EXECWATCH_LOG_H

#include <stdbool.h>
#include <stdio.h>

/* PROG prefixes every line ("execwatch", "execwatch-compile"). */
void ew_log_init(const char *prog, bool verbose);
bool ew_log_verbose(void);
/* Where lines go; standard error unless a test says otherwise. */
void ew_log_to(FILE *f);

void ew_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ew_err_hint(const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ew_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ew_warn_hint(const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Always shown, neither an error nor a warning ("reloaded ..."). */
void ew_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Only under --verbose. */
void ew_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A status line without the prefix ("Tracing ..."). */
void ew_log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Several lines as they are (a compiler's diagnostics), escaped, unprefixed. */
void ew_log_block(const char *text);

#endif
