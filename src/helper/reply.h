/* SPDX-License-Identifier: GPL-2.0 */
/* The helper's answers to execwatch, over the socket on fd 3. */
#ifndef EXECWATCH_REPLY_H
#define EXECWATCH_REPLY_H

#include "attach.h"
#include "cache.h"

#include <stdint.h>

extern int ew_reply_sock;

/* A line of TYPE (EW_MSG_INFO for -v, EW_MSG_WARN). */
void ew_say(uint32_t type, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* For callbacks: an -v line. */
void ew_say_info(const char *what);
/* The one error of this request, with a hint (or NULL); returns 1. */
int ew_fail(const char *msg, const char *hint);
/* The attachments, then the maps: MOD's (a BCC module), or E's made as
 * MAP_FDS. 0 or -errno. */
int ew_reply_fds(void *mod, const struct ew_cache_entry *e, const int *map_fds,
		 const struct ew_loaded *ld);

double ew_now_ms(void);

#endif
