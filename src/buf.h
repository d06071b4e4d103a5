/* SPDX-License-Identifier: GPL-2.0 */
/* A growable byte buffer: output lines are built here, then written whole. */
#ifndef EXECWATCH_BUF_H
#define EXECWATCH_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct ew_buf {
	char *p;
	size_t len;
	size_t cap;
	int oom;	/* an allocation failed; contents are incomplete */
};

void ew_buf_put(struct ew_buf *b, const void *s, size_t len);
void ew_buf_puts(struct ew_buf *b, const char *s);
void ew_buf_putc(struct ew_buf *b, char c);
void ew_buf_printf(struct ew_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ew_buf_reset(struct ew_buf *b);
void ew_buf_free(struct ew_buf *b);

#endif
