/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The attack programs' one JSON string writer: '"', '\\', bytes below 0x20
 * and 0x7f as escapes, other bytes as they are (valid UTF-8 stays valid).
 */
#ifndef EW_ATTACKS_JSON_OUT_H
#define EW_ATTACKS_JSON_OUT_H

#include <stddef.h>
#include <stdio.h>

void json_string(FILE *f, const char *s, size_t len);

/* The NUL-terminated strings in buf[0..len) as a JSON array. */
void json_strings(FILE *f, const char *buf, size_t len);

#endif
