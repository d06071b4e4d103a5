// SPDX-License-Identifier: GPL-2.0
#include "json_check.h"

#include <string.h>


size_t ew_json_utf8_seq(const unsigned char *p, size_t avail, uint32_t *cp)
{
	uint32_t c;
	size_t n, i;

	if (!avail)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0)
		n = 2, c = p[0] & 0x1f;
	else if ((p[0] & 0xf0) == 0xe0)
		n = 3, c = p[0] & 0x0f;
	else if ((p[0] & 0xf8) == 0xf0)
		n = 4, c = p[0] & 0x07;
	else
		return 0;
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) ||
	    (n == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

void ew_json_put_utf8(struct ew_buf *b, uint32_t cp)
{
	unsigned char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = cp, n = 1;
	} else if (cp < 0x800) {
		u[0] = 0xc0 | cp >> 6, u[1] = 0x80 | (cp & 0x3f), n = 2;
	} else if (cp < 0x10000) {
		u[0] = 0xe0 | cp >> 12, u[1] = 0x80 | (cp >> 6 & 0x3f);
		u[2] = 0x80 | (cp & 0x3f), n = 3;
	} else {
		u[0] = 0xf0 | cp >> 18, u[1] = 0x80 | (cp >> 12 & 0x3f);
		u[2] = 0x80 | (cp >> 6 & 0x3f), u[3] = 0x80 | (cp & 0x3f), n = 4;
	}
	ew_buf_put(b, u, n);
}

/* RFC 4648 base64 with padding, nothing else: no line breaks, no spaces,
 * no bits left over in the last digit. */
static int b64_digit(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

bool ew_json_base64(const char *s, size_t len, struct ew_buf *out)
{
	size_t i;

	if (len % 4)
		return false;
	for (i = 0; i < len; i += 4) {
		int d[4], k, pad = 0;
		uint32_t v = 0;

		for (k = 0; k < 4; k++) {
			d[k] = b64_digit((unsigned char)s[i + k]);
			if (s[i + k] == '=' && i + 4 == len && k >= 2) {
				pad++;
				d[k] = 0;
			} else if (d[k] < 0 || pad) {
				return false;
			}
			v = v << 6 | (uint32_t)d[k];
		}
		if ((pad == 1 && (v & 0xff)) || (pad == 2 && (v & 0xffff)))
			return false;
		ew_buf_putc(out, (char)(v >> 16));
		if (pad < 2)
			ew_buf_putc(out, (char)(v >> 8));
		if (pad < 1)
			ew_buf_putc(out, (char)v);
	}
	return true;
}

void ew_json_ws(struct ew_json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
				 *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static bool lit(struct ew_json *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n))
		return false;
	j->p += n;
	return true;
}

static int hex4(const unsigned char *p)
{
	int v = 0, i;

	for (i = 0; i < 4; i++) {
		int c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

bool ew_json_string(struct ew_json *j, struct ew_buf *out)
{
	if (j->p >= j->end || *j->p != '"')
		return false;
	j->p++;
	while (j->p < j->end) {
		unsigned char c = *j->p;
		uint32_t cp;
		size_t n;

		if (c == '"') {
			j->p++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c != '\\') {
			n = ew_json_utf8_seq(j->p, j->end - j->p, &cp);
			if (!n)
				return false;
			if (out)
				ew_buf_put(out, j->p, n);
			j->p += n;
			continue;
		}
		if (j->end - j->p < 2)
			return false;
		c = j->p[1];
		j->p += 2;
		switch (c) {
		case '"': case '\\': case '/':
			if (out)
				ew_buf_putc(out, c);
			continue;
		case 'b': if (out) ew_buf_putc(out, '\b'); continue;
		case 'f': if (out) ew_buf_putc(out, '\f'); continue;
		case 'n': if (out) ew_buf_putc(out, '\n'); continue;
		case 'r': if (out) ew_buf_putc(out, '\r'); continue;
		case 't': if (out) ew_buf_putc(out, '\t'); continue;
		case 'u':
			break;
		default:
			return false;
		}
		if (j->end - j->p < 4)
			return false;
		{
			int v = hex4(j->p), lo;

			if (v < 0)
				return false;
			j->p += 4;
			if (v >= 0xd800 && v <= 0xdbff && j->end - j->p >= 6 &&
			    j->p[0] == '\\' && j->p[1] == 'u' &&
			    (lo = hex4(j->p + 2)) >= 0xdc00 && lo <= 0xdfff) {
				j->p += 6;
				if (out)
					ew_json_put_utf8(out, 0x10000 + ((v - 0xd800) << 10) +
						 (lo - 0xdc00));
			} else if (v >= 0xd800 && v <= 0xdfff) {
				j->lone_surrogate = true;
			} else if (out) {
				ew_json_put_utf8(out, v);
			}
		}
	}
	return false;
}

static bool digits(struct ew_json *j)
{
	const unsigned char *s = j->p;

	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > s;
}

static bool jnumber(struct ew_json *j)
{
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (j->p >= j->end || *j->p < '1' || *j->p > '9' || !digits(j))
		return false;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (!digits(j))
			return false;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (!digits(j))
			return false;
	}
	return true;
}

static bool jarray(struct ew_json *j)
{
	j->p++;	/* '[' */
	ew_json_ws(j);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		return true;
	}
	for (;;) {
		if (!ew_json_value(j))
			return false;
		ew_json_ws(j);
		if (j->p >= j->end)
			return false;
		if (*j->p == ']') {
			j->p++;
			return true;
		}
		if (*j->p++ != ',')
			return false;
	}
}

static bool jobject(struct ew_json *j)
{
	j->p++;	/* '{' */
	ew_json_ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		return true;
	}
	for (;;) {
		ew_json_ws(j);
		if (!ew_json_string(j, NULL))
			return false;
		ew_json_ws(j);
		if (j->p >= j->end || *j->p++ != ':')
			return false;
		if (!ew_json_value(j))
			return false;
		ew_json_ws(j);
		if (j->p >= j->end)
			return false;
		if (*j->p == '}') {
			j->p++;
			return true;
		}
		if (*j->p++ != ',')
			return false;
	}
}

bool ew_json_value(struct ew_json *j)
{
	bool ok;

	ew_json_ws(j);
	if (j->p >= j->end)
		return false;
	switch (*j->p) {
	case '{':
	case '[':
		if (++j->depth > EW_JSON_MAX_DEPTH)
			return false;
		ok = *j->p == '{' ? jobject(j) : jarray(j);
		j->depth--;
		return ok;
	case '"':
		return ew_json_string(j, NULL);
	case 't':
		return lit(j, "true");
	case 'f':
		return lit(j, "false");
	case 'n':
		return lit(j, "null");
	default:
		return jnumber(j);
	}
}


bool ew_json_line_valid(const char *s, size_t len)
{
	struct ew_json j = { (const unsigned char *)s,
			     (const unsigned char *)s + len };

	if (!len || s[len - 1] != '\n' || memchr(s, '\n', len - 1) || *s != '{')
		return false;
	j.end--;
	return ew_json_value(&j) && j.p == j.end && !j.lone_surrogate;
}
