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

bool ew_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	unsigned cp;

	while (i < len) {
		n = ew_utf8_len(p + i, len - i, &cp);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

/*
 * Code points that change how a line displays, show nothing at all, or
 * look like an ASCII space: C1 controls, bidirectional marks and
 * overrides, every format character (Unicode's category Cf: soft hyphen,
 * zero-width spaces and joiners, word joiner and invisible operators,
 * BOM, interlinear annotations, shorthand and hieroglyph format controls,
 * tag characters), every space and separator but U+0020 (Zs, Zl, Zp: so
 * "a\u00a0b" is never two arguments to the eye), and the other default
 * ignorables (Mongolian vowel separators, Hangul fillers, variation
 * selectors). Sorted, for the binary search.
 */
static const struct { unsigned lo, hi; } sneaky[] = {
	{ 0x80, 0xa0 }, { 0xad, 0xad }, { 0x34f, 0x34f }, { 0x600, 0x605 },
	{ 0x61c, 0x61c }, { 0x6dd, 0x6dd }, { 0x70f, 0x70f }, { 0x890, 0x891 },
	{ 0x8e2, 0x8e2 }, { 0x115f, 0x1160 }, { 0x1680, 0x1680 },
	{ 0x17b4, 0x17b5 }, { 0x180b, 0x180f }, { 0x2000, 0x200f },
	{ 0x2028, 0x202f }, { 0x205f, 0x206f }, { 0x3000, 0x3000 },
	{ 0x3164, 0x3164 }, { 0xfe00, 0xfe0f }, { 0xfeff, 0xfeff },
	{ 0xffa0, 0xffa0 }, { 0xfff0, 0xfffb }, { 0x110bd, 0x110bd },
	{ 0x110cd, 0x110cd }, { 0x13430, 0x1343f }, { 0x1bca0, 0x1bca3 },
	{ 0x1d173, 0x1d17a }, { 0xe0000, 0xe0fff },
};

static bool is_sneaky(unsigned cp)
{
	size_t lo = 0, hi = sizeof(sneaky) / sizeof(sneaky[0]);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cp < sneaky[mid].lo)
			hi = mid;
		else if (cp > sneaky[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
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

/* A code point above the BMP is a surrogate pair in JSON. */
static void put_code_point(struct ew_buf *b, unsigned cp, enum ew_escape_mode mode)
{
	if (cp < 0x10000)
		ew_buf_printf(b, "\\u%04x", cp);
	else if (mode == EW_ESC_JSON)
		ew_buf_printf(b, "\\u%04x\\u%04x", 0xd800 + ((cp - 0x10000) >> 10),
			      0xdc00 + ((cp - 0x10000) & 0x3ff));
	else
		ew_buf_printf(b, "\\U%08x", cp);
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
			put_code_point(b, cp, mode);
			i += n;
		} else {
			if (mode == EW_ESC_JSON)
				ew_buf_puts(b, "\\ufffd");
			else
				ew_buf_printf(b, "\\x%02x", c);
			i++;
		}
	}
	ew_buf_put(b, p + i - run, run);
}

void ew_base64(struct ew_buf *b, const void *s, size_t len)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = s;
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		char q[4] = { digits[p[i] >> 2], digits[(p[i] & 3) << 4 | p[i + 1] >> 4],
			      digits[(p[i + 1] & 15) << 2 | p[i + 2] >> 6],
			      digits[p[i + 2] & 63] };

		ew_buf_put(b, q, 4);
	}
	if (len - i == 1) {
		char q[4] = { digits[p[i] >> 2], digits[(p[i] & 3) << 4], '=', '=' };

		ew_buf_put(b, q, 4);
	} else if (len - i == 2) {
		char q[4] = { digits[p[i] >> 2], digits[(p[i] & 3) << 4 | p[i + 1] >> 4],
			      digits[(p[i + 1] & 15) << 2], '=' };

		ew_buf_put(b, q, 4);
	}
}
