// SPDX-License-Identifier: GPL-2.0
#include "line_marks.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../buf.h"

/* The line starts (after blanks) a TRACEPOINT_PROBE( whose ) is on it too:
 * a directive may not fall inside a macro's arguments. */
static bool whole_invocation(const char *line, size_t len)
{
	static const char word[] = "TRACEPOINT_PROBE";
	size_t i = strspn(line, " \t"), depth = 0;

	if (len - i < sizeof(word) || strncmp(line + i, word, sizeof(word) - 1))
		return false;
	for (i += sizeof(word) - 1; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	if (i >= len || line[i] != '(')
		return false;
	for (; i < len; i++) {
		if (line[i] == '(')
			depth++;
		else if (line[i] == ')' && --depth == 0)
			return true;
	}
	return false;
}

static void put_name(struct ew_buf *b, const char *name)
{
	for (; *name; name++) {
		if (*name == '"' || *name == '\\')
			ew_buf_putc(b, '\\');
		if (*name != '\n')
			ew_buf_putc(b, *name);
	}
}

char *ew_mark_lines(const char *text, const char *name)
{
	struct ew_buf b = { 0 };
	const char *p = text;
	unsigned line = 1;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		ew_buf_put(&b, p, len);
		ew_buf_putc(&b, '\n');
		if (whole_invocation(p, len)) {
			ew_buf_printf(&b, "#line %u \"", line + 1);
			put_name(&b, name);
			ew_buf_puts(&b, "\"\n");
		}
		if (!nl)
			break;
		p = nl + 1;
		line++;
	}
	if (b.oom) {
		ew_buf_free(&b);
		return NULL;
	}
	return b.p ? b.p : strdup("");
}
