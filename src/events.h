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

/* What the exec ran from (json: exe_kind). */
enum ew_exe_kind {
	EW_EXE_FILE,		/* a file named by its path */
	EW_EXE_FD,		/* a file named by a descriptor (/dev/fd/N, /proc/PID/fd/N) */
	EW_EXE_MEMFD,		/* an anonymous memory file (memfd_create) */
	EW_EXE_DELETED,		/* a file with no name left (unlinked, O_TMPFILE) */
};

struct ew_exec {
	uint64_t ts_ns;
	uint64_t enter_ns;	/* valid when entered */
	uint64_t seq;
	uint64_t cgroup_id;
	uint32_t cpu, pid, tid, ppid, flags;
	uint32_t uid, gid, euid, egid;
	uint32_t entry;		/* EW_ENTRY_* (probes/event.h) */
	bool entered;		/* the system call's entry was seen */
	bool setuid;		/* the exec changed credentials (AT_SECURE) */
	bool ptraced;		/* a debugger may rewrite argv after our read */
	bool refused;		/* refused before the system call ran */
	bool no_return;		/* failed past the point of no return */
	enum ew_exe_kind exe_kind;
	uint32_t mntns, pidns, parent_pidns, ns_pid;
	bool ns_known;		/* the namespace fields above were filled in */
	bool tty;		/* had a controlling terminal */
	struct ew_cgroup_path cgroup;	/* names NUL-ended, from the root down */
	int32_t ret;
	char comm[17];
	const char *filename;
	uint32_t filename_len;
	bool filename_cut;
	bool filename_unreadable;
	const char *interp;	/* the #! program the kernel ran instead; NULL for a binary */
	uint32_t interp_len;
	/*
	 * For a script: where the script's own path stands in args[]; the
	 * entries before it are the interpreter and its argument, those after
	 * it the arguments the caller passed. 0 for a binary.
	 */
	uint32_t script_at;
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

/* The first of args[] the caller passed after argv[0]: 1, or past the
 * interpreter's entries for a script. */
uint32_t ew_exec_caller_args(const struct ew_exec *x);
/* The command as invoked: the file name, then the caller's arguments,
 * raw and space-separated (-l matches it). */
void ew_joined_args(struct ew_buf *b, const struct ew_exec *x);

#endif
