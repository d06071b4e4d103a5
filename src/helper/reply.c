// SPDX-License-Identifier: GPL-2.0
#include "reply.h"
#include "../helper_proto.h"

#include "bcc.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int ew_reply_sock = EW_HELPER_FD;

void ew_say(uint32_t type, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ew_send_str(ew_reply_sock, type, buf);
}

void ew_say_info(const char *what)
{
	ew_say(EW_MSG_INFO, "%s", what);
}

int ew_fail(const char *msg, const char *hint)
{
	char buf[2048];
	size_t n = snprintf(buf, sizeof(buf), "%s", msg);

	if (n >= sizeof(buf) - 1)
		n = sizeof(buf) - 2;
	n += 1 + snprintf(buf + n + 1, sizeof(buf) - n - 1, "%s", hint ? hint : "");
	ew_send(ew_reply_sock, EW_MSG_ERROR, buf, n > sizeof(buf) ? sizeof(buf) : n);
	return 1;
}

double ew_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The attachments, then the maps (from a BCC module, or made from a cache
 * entry: MAP_FDS), to execwatch. */
int ew_reply_fds(void *mod, const struct ew_cache_entry *e, const int *map_fds,
		    const struct ew_loaded *ld)
{
	struct ew_fd_desc desc[EW_MAX_FDS];
	int fds[EW_MAX_FDS], n = 0, i;
	size_t t, ntables = mod ? ew_bcc()->num_tables(mod) : e->nmaps;

	memset(desc, 0, sizeof(desc));
	for (i = 0; i < ld->nlinks; i++) {
		desc[n].kind = EW_FD_LINK;
		snprintf(desc[n].name, EW_NAME_LEN, "link%d", i);
		fds[n++] = ld->links[i];
	}
	for (t = 0; t < ntables && n < EW_MAX_FDS; t++, n++) {
		desc[n].kind = EW_FD_MAP;
		if (!mod) {
			desc[n].map_type = e->maps[t].type;
			desc[n].key_size = e->maps[t].key_size;
			desc[n].value_size = e->maps[t].value_size;
			desc[n].max_entries = e->maps[t].max_entries;
			snprintf(desc[n].name, EW_NAME_LEN, "%s", e->maps[t].name);
			fds[n] = map_fds[t];
			continue;
		}
		desc[n].map_type = ew_bcc()->table_type_id(mod, t);
		desc[n].key_size = ew_bcc()->table_key_size_id(mod, t);
		desc[n].value_size = ew_bcc()->table_leaf_size_id(mod, t);
		desc[n].max_entries = ew_bcc()->table_max_entries_id(mod, t);
		snprintf(desc[n].name, EW_NAME_LEN, "%s", ew_bcc()->table_name(mod, t));
		fds[n] = ew_bcc()->table_fd_id(mod, t);
	}
	return ew_send_fds(ew_reply_sock, desc, fds, n);
}
