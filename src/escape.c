// SPDX-License-Identifier: GPL-2.0
#include "escape.h"

size_t ew_utf8_len(const unsigned char *s, size_t avail, unsigned *cp)
{
	unsigned c = s[0], v, min;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2, v = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3, v = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

/* Code points that change how a line displays: C1 controls, bidi, separators. */
static bool is_sneaky(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x2028 || cp == 0x2029 || cp == 0x061c || cp == 0xfeff;
}

static void escape_control(struct ew_buf *b, unsigned char c,
			   enum ew_escape_mode mode)
{
	switch (c) {
	case '\n': ew_buf_puts(b, "\\n"); return;
	case '\t': ew_buf_puts(b, "\\t"); return;
	case '\r': ew_buf_puts(b, "\\r"); return;
	case '\\': ew_buf_puts(b, "\\\\"); return;
	case '"':
		ew_buf_puts(b, mode == EW_ESC_TERMINAL || mode == EW_ESC_MESSAGE ?
			    "\"" : "\\\"");
		return;
	}
	if (mode == EW_ESC_JSON)
		ew_buf_printf(b, "\\u%04x", c);
	else
		ew_buf_printf(b, "\\x%02x", c);
}

void ew_escape(struct ew_buf *b, const char *s, size_t len,
	       enum ew_escape_mode mode)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	while (i < len) {
		unsigned char c = p[i];
		unsigned cp;
		size_t n;

		if (c >= 0x20 && c < 0x7f && c != '"' &&
		    (c != '\\' || mode == EW_ESC_MESSAGE)) {
			i++, run++;
			continue;
		}
		if (c >= 0x80 && (n = ew_utf8_len(p + i, len - i, &cp)) &&
		    !is_sneaky(cp)) {
			i += n, run += n;
			continue;
		}
		ew_buf_put(b, p + i - run, run);
		run = 0;
		if (c < 0x80) {
			escape_control(b, c, mode);
			i++;
		} else if ((n = ew_utf8_len(p + i, len - i, &cp))) {
			ew_buf_printf(b, "\\u%04x", cp);
			i += n;
		} else {
			ew_buf_printf(b, mode == EW_ESC_JSON ? "\\udc%02x" : "\\x%02x", c);
			i++;
		}
	}
	ew_buf_put(b, p + i - run, run);
}
