/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Starting the compile helper and receiving what it made: the attachments
 * (perf event fds that keep the programs attached) and the probe's maps.
 */
#ifndef EXECWATCH_HELPER_CLIENT_H
#define EXECWATCH_HELPER_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "helper_proto.h"

struct ew_map {
	char name[EW_NAME_LEN];
	int fd;
	uint32_t type, key_size, value_size, max_entries;
};

struct ew_probe {
	char mechanism[16];
	int links[EW_MAX_FDS];
	int nlinks;
	struct ew_map maps[EW_MAX_FDS];
	int nmaps;
	char **cflags;		/* dry run: the final flags */
	int ncflags;
};

struct ew_helper_req {
	const char *source;
	const char *name;
	const char *attach;
	const char *event_h;
	const char *const *cflags;
	int ncflags;
	bool verbose;
	bool dry_run;
};

enum ew_load_result {
	EW_LOAD_OK = 0,
	EW_LOAD_FAILED = -1,	/* reported on stderr */
	EW_LOAD_INTERRUPTED = 1, /* a signal arrived on sigfd */
};

enum ew_load_result ew_helper_load(const struct ew_helper_req *rq, int sigfd,
				   struct ew_probe *out);
const struct ew_map *ew_probe_map(const struct ew_probe *p, const char *name);
void ew_probe_close(struct ew_probe *p);

#endif
