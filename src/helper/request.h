/* SPDX-License-Identifier: GPL-2.0 */
/* What execwatch asks of its compile helper, as read from the socket. */
#ifndef EXECWATCH_REQUEST_H
#define EXECWATCH_REQUEST_H

#include <stdbool.h>

#define EW_MAX_CFLAGS 128
#define EW_MAX_HEADERS 8
#define EW_MAX_PINS 4

/* A map the probe opens where it is pinned (a --watch generation). */
struct ew_req_pin {
	const char *map;	/* its name in the probe */
	const char *macro;	/* the -D macro that carries the path */
	const char *path;
};

struct ew_request {
	char *source;
	char *name;
	char *attach;
	char *header_name[EW_MAX_HEADERS];
	char *header_text[EW_MAX_HEADERS];
	int nheaders;
	char *cflags[EW_MAX_CFLAGS];
	int ncflags;
	char *workdir;		/* made, and removed, by execwatch */
	char *cache_dir;	/* NULL: --no-cache */
	unsigned gen;		/* written into the probe's gen map */
	struct ew_req_pin pins[EW_MAX_PINS];
	int npins;
	int off_first, off_n;	/* the BTF offsets' flags: cflags[off_first...] */
	bool offsets;		/* resolved (off_n may be 0: no btf: lines) */
	char *btf_warnings;	/* fields this kernel's BTF lacks, a line each */
	bool verbose;
	bool dry_run;
};

/* Reads frames up to EW_REQ_GO; 0 or -errno. */
int ew_read_request(int sock, struct ew_request *rq);

/* Appends a flag to RQ's; 0 or -errno. */
int ew_add_flag(struct ew_request *rq, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
