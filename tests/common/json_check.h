/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tests' own strict JSON reader (RFC 8259), written independently of
 * execwatch's writer: the unit tests and the fuzz target check every JSON
 * line with it. It validates, and decodes strings to bytes.
 */
#ifndef EXECWATCH_TEST_JSON_CHECK_H
#define EXECWATCH_TEST_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define EW_JSON_MAX_DEPTH 64

struct ew_json {
	const unsigned char *p, *end;
	int depth;
	bool lone_surrogate;	/* a \uXXXX surrogate not part of a pair */
};

void ew_json_ws(struct ew_json *j);
/* At '"'. Decoded bytes go to OUT when it is not NULL. */
bool ew_json_string(struct ew_json *j, struct ew_buf *out);
bool ew_json_value(struct ew_json *j);
/* A JSON Lines record: one object, then exactly one newline. */
bool ew_json_line_valid(const char *s, size_t len);

/* Length of the well-formed UTF-8 sequence at p (RFC 3629), 0 if none. */
size_t ew_json_utf8_seq(const unsigned char *p, size_t avail, uint32_t *cp);
void ew_json_put_utf8(struct ew_buf *b, uint32_t cp);
/* Decodes strict base64 (RFC 4648, padded) to OUT; false if it is not. */
bool ew_json_base64(const char *s, size_t len, struct ew_buf *out);

#endif
