// SPDX-License-Identifier: GPL-2.0
/* JSON strings for the attack programs' reports (see json_out.h). */
#include <string.h>

#include "json_out.h"

void json_string(FILE *f, const char *s, size_t len)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void json_strings(FILE *f, const char *buf, size_t len)
{
	size_t at = 0, n;

	fputc('[', f);
	while (at < len) {
		n = strnlen(buf + at, len - at);
		if (at)
			fputs(", ", f);
		json_string(f, buf + at, n);
		at += n + 1;
	}
	fputc(']', f);
}
