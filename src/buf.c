// SPDX-License-Identifier: GPL-2.0
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(struct ew_buf *b, size_t extra)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	if (b->oom)
		return -1;
	if (b->len + extra + 1 <= b->cap)
		return 0;
	while (cap < b->len + extra + 1)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->oom = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void ew_buf_put(struct ew_buf *b, const void *s, size_t len)
{
	if (grow(b, len))
		return;
	memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = 0;
}

void ew_buf_puts(struct ew_buf *b, const char *s)
{
	ew_buf_put(b, s, strlen(s));
}

void ew_buf_putc(struct ew_buf *b, char c)
{
	ew_buf_put(b, &c, 1);
}

void ew_buf_printf(struct ew_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || grow(b, n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

void ew_buf_reset(struct ew_buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = 0;
}

void ew_buf_free(struct ew_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}
