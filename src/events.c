// SPDX-License-Identifier: GPL-2.0
#include "events.h"

#include <errno.h>
#include <linux/types.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../probes/event.h"

/* Entries in an args area: every NUL ends one; a tail without NUL is one more. */
static uint32_t count_args(const char *a, size_t len)
{
	uint32_t n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		if (!a[i])
			n++;
	if (len && a[len - 1])
		n++;
	return n;
}

int ew_decode(const void *data, size_t size,
	      const struct ew_decode_limits *lim, struct ew_exec **out)
{
	const size_t hdr = offsetof(struct ew_event, data);
	struct ew_event e;
	const char *cg, *fname, *args, *end;
	struct ew_exec *x;
	uint32_t total, keep, i;
	size_t fl, strings;
	char *w;

	*out = NULL;
	if (!data || size < hdr)
		return -EINVAL;
	memcpy(&e, data, hdr);
	if (e.version != EW_EVENT_VERSION ||
	    (size_t)e.cgroup_len + e.filename_len + e.args_len > size - hdr)
		return -EINVAL;
	cg = (const char *)data + hdr;
	fname = cg + e.cgroup_len;
	args = fname + e.filename_len;
	end = args + e.args_len;

	fl = strnlen(fname, e.filename_len);
	total = count_args(args, e.args_len);
	keep = total < lim->max_args ? total : lim->max_args;
	strings = e.cgroup_len + 1 + fl + 1 + e.args_len + keep;
	x = calloc(1, sizeof(*x) + keep * sizeof(x->args[0]) + strings);
	if (!x)
		return -ENOMEM;

	x->ts_ns = e.ts_ns;
	x->enter_ns = e.enter_ns;
	x->seq = e.seq;
	x->cpu = e.cpu;
	x->pid = e.pid;
	x->tid = e.tid;
	x->ppid = e.ppid;
	x->uid = e.uid;
	x->ret = e.ret;
	x->flags = e.flags;
	x->cgroup_id = e.cgroup_id;
	x->mntns = e.mntns;
	x->pidns = e.pidns;
	x->parent_pidns = e.parent_pidns;
	x->ns_pid = e.ns_pid;
	x->ns_known = e.flags & EW_F_NS_KNOWN;
	x->tty = e.flags & EW_F_TTY;
	memcpy(x->comm, e.comm, sizeof(e.comm));
	x->comm[strnlen(x->comm, sizeof(e.comm))] = 0;

	w = (char *)&x->args[keep];
	/* Kept whole, with a NUL after, so a name without one still ends. */
	memcpy(w, cg, e.cgroup_len);
	w[e.cgroup_len] = 0;
	x->cgroup = w;
	x->cgroup_len = e.cgroup_len;
	w += e.cgroup_len + 1;
	memcpy(w, fname, fl);
	w[fl] = 0;
	x->filename = w;
	x->filename_len = fl;
	x->filename_cut = e.flags & EW_F_FILENAME_TRUNCATED;
	x->filename_unreadable = e.flags & EW_F_FILENAME_UNREADABLE;
	w += fl + 1;

	for (i = 0; i < keep; i++) {
		size_t len = strnlen(args, end - args);
		size_t shown = len < lim->max_arg_len ? len : lim->max_arg_len;

		memcpy(w, args, shown);
		w[shown] = 0;
		x->args[i].s = w;
		x->args[i].len = shown;
		/* A last entry without its NUL was cut by the probe's area limit. */
		x->args[i].cut = shown < len || args + len == end;
		w += shown + 1;
		args += len + (args + len < end);
	}
	x->nargs = keep;
	x->args_unreadable = e.flags & EW_F_ARGS_UNREADABLE;
	x->execveat = e.flags & EW_F_EXECVEAT;
	/* The new image's area holds every argument unless it was capped;
	 * only then is the argc word from its stack needed. */
	if (e.flags & EW_F_NEW_IMAGE)
		x->argc = e.flags & EW_F_ARGS_TRUNCATED && e.argc > total ?
			  e.argc : total;
	else if (!(e.flags & (EW_F_ARGC_TRUNCATED | EW_F_ARGS_TRUNCATED |
			      EW_F_ARGS_UNREADABLE)))
		x->argc = total;
	x->args_truncated = keep < total || x->argc > total ||
			    (e.flags & (EW_F_ARGS_TRUNCATED | EW_F_ARGC_TRUNCATED));
	for (i = 0; i < keep; i++)
		x->args_truncated |= x->args[i].cut;
	*out = x;
	return 0;
}

void ew_joined_args(struct ew_buf *b, const struct ew_exec *x)
{
	uint32_t i;

	ew_buf_put(b, x->filename, x->filename_len);
	for (i = 1; i < x->nargs; i++) {
		ew_buf_putc(b, ' ');
		ew_buf_put(b, x->args[i].s, x->args[i].len);
	}
}
