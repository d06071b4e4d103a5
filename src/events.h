/* SPDX-License-Identifier: GPL-2.0 */
/* Decoding a raw perf sample into a self-contained, bounds-checked exec. */
#ifndef EXECWATCH_EVENTS_H
#define EXECWATCH_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "containers.h"

struct ew_arg {
	const char *s;		/* NUL-terminated, no NUL inside */
	uint32_t len;		/* bytes shown */
	bool cut;		/* longer than shown */
};

struct ew_exec {
	uint64_t ts_ns;
	uint64_t enter_ns;
	uint64_t seq;
	uint64_t cgroup_id;
	uint32_t cpu, pid, tid, ppid, uid, flags;
	uint32_t mntns, pidns, parent_pidns, ns_pid;
	bool ns_known;		/* the namespace fields above were filled in */
	bool tty;		/* had a controlling terminal */
	const char *cgroup;	/* cgroup names, leaf first, each NUL-ended */
	uint32_t cgroup_len;
	int32_t ret;
	char comm[17];
	const char *filename;
	uint32_t filename_len;
	bool filename_cut;
	bool filename_unreadable;
	uint32_t argc;		/* arguments the process had, 0 if unknown */
	bool args_truncated;	/* some argument not shown, or not whole */
	bool args_unreadable;
	bool execveat;
	/* Filled in by the tracer, not the decoder. */
	struct ew_container container;
	const char *alert;
	uint32_t nargs;		/* entries in args[], argv[0] included */
	struct ew_arg args[];
};

struct ew_decode_limits {
	uint32_t max_args;	/* argv entries kept, argv[0] included */
	uint32_t max_arg_len;	/* bytes kept of each */
};

/*
 * Copies what the sample holds into one allocation (free() it).
 * Returns 0, -EINVAL for a sample that is malformed (short, lying about
 * its sizes, another layout version), or -ENOMEM.
 */
int ew_decode(const void *data, size_t size,
	      const struct ew_decode_limits *lim, struct ew_exec **out);

/* The file name followed by argv[1..], raw, space-separated (-l matches it). */
void ew_joined_args(struct ew_buf *b, const struct ew_exec *x);

#endif
