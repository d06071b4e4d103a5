/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one escaping routine for untrusted bytes (comm, file name, argv).
 *
 * Terminal: control bytes become \n, \t, \r, \\ or \xNN; bytes that are not
 * valid UTF-8 become \xNN; C1 controls, bidirectional-override, line
 * separator and invisible or format code points (a zero-width space, a
 * soft hyphen, tag characters) become \uNNNN, so nothing can move the
 * cursor, recolour, reorder or hide what a person reads: /etc/pass\u200bwd
 * does not read as /etc/passwd.
 *
 * JSON: the same characters use JSON escapes; each byte that is not valid
 * UTF-8 becomes U+FFFD, so that every strict parser accepts the line. The
 * exact bytes of such a string go beside it, in base64 (output_json.c).
 */
#ifndef EXECWATCH_ESCAPE_H
#define EXECWATCH_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

enum ew_escape_mode {
	EW_ESC_TERMINAL,
	EW_ESC_TERMINAL_QUOTED,	/* inside "...": also " becomes \" */
	EW_ESC_MESSAGE,		/* a line of execwatch's own: \ stays as it is */
	EW_ESC_JSON,
};

void ew_escape(struct ew_buf *b, const char *s, size_t len,
	       enum ew_escape_mode mode);

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if invalid. */
size_t ew_utf8_len(const unsigned char *s, size_t avail, unsigned *cp);
/* Is the whole of S valid UTF-8? */
bool ew_utf8_valid(const char *s, size_t len);
/* S as standard base64 (RFC 4648, with padding). */
void ew_base64(struct ew_buf *b, const void *s, size_t len);

#endif
