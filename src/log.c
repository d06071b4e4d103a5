// SPDX-License-Identifier: GPL-2.0
#include "log.h"
#include "buf.h"
#include "escape.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *prog = "execwatch";
static bool verbose;
static FILE *to;

void ew_log_init(const char *name, bool v)
{
	prog = name;
	verbose = v;
}

bool ew_log_verbose(void)
{
	return verbose;
}

void ew_log_to(FILE *f)
{
	to = f;
}

static void put(struct ew_buf *line)
{
	if (line->p && !line->oom)
		fputs(line->p, to ? to : stderr);
	ew_buf_free(line);
}

/* One line, written whole: "[prog: ][what]message[; hint: hint]". */
static void emit(bool prefix, const char *what, const char *hint,
		 const char *fmt, va_list ap)
{
	struct ew_buf line = { 0 };
	va_list cp;
	char *msg;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if (prefix)
		ew_buf_printf(&line, "%s: %s", prog, what);
	msg = malloc(n + 1);
	if (msg) {
		vsnprintf(msg, n + 1, fmt, ap);
		ew_escape(&line, msg, n, EW_ESC_MESSAGE);
		free(msg);
	}
	if (hint) {
		ew_buf_puts(&line, "; hint: ");
		ew_escape(&line, hint, strlen(hint), EW_ESC_MESSAGE);
	}
	ew_buf_putc(&line, '\n');
	put(&line);
}

#define EMIT(prefix, what, hint)			\
	do {						\
		va_list ap;				\
		va_start(ap, fmt);			\
		emit(prefix, what, hint, fmt, ap);	\
		va_end(ap);				\
	} while (0)

void ew_err(const char *fmt, ...)
{
	EMIT(true, "", NULL);
}

void ew_err_hint(const char *hint, const char *fmt, ...)
{
	EMIT(true, "", hint);
}

void ew_warn(const char *fmt, ...)
{
	EMIT(true, "warning: ", NULL);
}

void ew_warn_hint(const char *hint, const char *fmt, ...)
{
	EMIT(true, "warning: ", hint);
}

void ew_notice(const char *fmt, ...)
{
	EMIT(true, "", NULL);
}

void ew_info(const char *fmt, ...)
{
	if (verbose)
		EMIT(true, "", NULL);
}

void ew_log_line(const char *fmt, ...)
{
	EMIT(false, "", NULL);
}

void ew_log_block(const char *text)
{
	struct ew_buf out = { 0 };
	const char *p = text;

	while (*p) {
		size_t len = strcspn(p, "\n");

		ew_escape(&out, p, len, EW_ESC_MESSAGE);
		ew_buf_putc(&out, '\n');
		p += len + (p[len] == '\n');
	}
	put(&out);
}
