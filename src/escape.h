/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one escaping routine for untrusted bytes (comm, file name, argv).
 *
 * Terminal: control bytes become \n, \t, \r, \\ or \xNN; bytes that are not
 * valid UTF-8 become \xNN; C1 controls and bidirectional-override or line
 * separator code points become \uNNNN, so nothing can move the cursor,
 * recolour, or reorder what a person reads.
 *
 * JSON: the same characters use JSON escapes; each byte that is not valid
 * UTF-8 becomes \udcNN (a lone low surrogate, as Python's surrogateescape):
 * decoding with that rule gives back the exact bytes.
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

#endif
