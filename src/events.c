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

/* /proc/self/fd/N, /proc/thread-self/fd/N, /proc/PID/fd/N */
static bool proc_fd_path(const char *f)
{
	static const char digits[] = "0123456789";
	const char *p;
	size_t n;

	if (strncmp(f, "/proc/", 6))
		return false;
	p = f + 6;
	if (!strncmp(p, "self/", 5)) {
		p += 5;
	} else if (!strncmp(p, "thread-self/", 12)) {
		p += 12;
	} else {
		n = strspn(p, digits);
		if (!n || p[n] != '/')
			return false;
		p += n + 1;
	}
	return !strncmp(p, "fd/", 3) && p[3] && strspn(p + 3, digits) == strlen(p + 3);
}

static enum ew_exe_kind exe_kind(uint32_t flags, const char *filename)
{
	if (flags & EW_F_EXE_MEMFD)
		return EW_EXE_MEMFD;
	if (flags & EW_F_EXE_DELETED)
		return EW_EXE_DELETED;
	if (flags & EW_F_EXE_FD || proc_fd_path(filename))
		return EW_EXE_FD;
	return EW_EXE_FILE;
}

/*
 * A script's new argv is [interpreter, its optional argument, ..., the
 * script's path, the caller's argv[1..]]: the kernel replaced argv[0] with
 * the path it opened, for each #! it followed. The path is the first entry
 * after argv[0] equal to the file name. (Should the #! line's argument be
 * that same path, the split comes one early: the whole argv is still exact.)
 */
static uint32_t script_at(const struct ew_exec *x)
{
	uint32_t i;

	if (!x->interp)
		return 0;
	for (i = 1; i < x->nargs; i++)
		if (!x->args[i].cut && x->args[i].len == x->filename_len &&
		    !memcmp(x->args[i].s, x->filename, x->filename_len))
			return i;
	return 0;
}

int ew_decode(const void *data, size_t size,
	      const struct ew_decode_limits *lim, struct ew_exec **out)
{
	const size_t hdr = offsetof(struct ew_event, data);
	struct ew_event e;
	const char *cg, *fname, *interp, *args, *end;
	struct ew_exec *x;
	uint32_t total, keep, i;
	size_t fl, il, strings;
	char *w;

	*out = NULL;
	if (!data || size < hdr)
		return -EINVAL;
	memcpy(&e, data, hdr);
	if (e.version != EW_EVENT_VERSION ||
	    (size_t)e.cgroup_len + e.filename_len + e.interp_len + e.args_len >
	    size - hdr)
		return -EINVAL;
	cg = (const char *)data + hdr;
	fname = cg + e.cgroup_len;
	interp = fname + e.filename_len;
	args = interp + e.interp_len;
	end = args + e.args_len;

	fl = strnlen(fname, e.filename_len);
	il = strnlen(interp, e.interp_len);
	total = count_args(args, e.args_len);
	keep = total < lim->max_args ? total : lim->max_args;
	strings = e.cgroup_len + 1 + fl + 1 + il + 1 + e.args_len + keep;
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
	x->gid = e.gid;
	x->euid = e.euid;
	x->egid = e.egid;
	x->entry = e.entry;
	x->entered = e.flags & EW_F_ENTERED;
	x->setuid = e.flags & EW_F_SECUREEXEC;
	x->ptraced = e.flags & EW_F_PTRACED;
	x->refused = e.flags & EW_F_REFUSED;
	x->no_return = e.flags & EW_F_NO_RETURN;
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
	x->cgroup.names = w;
	x->cgroup.len = e.cgroup_len;
	x->cgroup.level = e.cgroup_level;
	x->cgroup.user_level = e.cgroup_user_level;
	x->cgroup.user_uid = e.cgroup_user_uid;
	x->cgroup.known = e.flags & EW_F_CGROUP_NAMES;
	x->cgroup.root_open = e.flags & EW_F_CGROUP_ROOT_OPEN;
	w += e.cgroup_len + 1;
	memcpy(w, fname, fl);
	w[fl] = 0;
	x->filename = w;
	x->filename_len = fl;
	x->filename_cut = e.flags & EW_F_FILENAME_TRUNCATED;
	x->filename_unreadable = e.flags & EW_F_FILENAME_UNREADABLE;
	w += fl + 1;
	if (e.interp_len) {
		memcpy(w, interp, il);
		w[il] = 0;
		x->interp = w;
		x->interp_len = il;
		w += il + 1;
	}

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
	x->execveat = e.entry == EW_ENTRY_EXECVEAT ||
		      e.entry == EW_ENTRY_COMPAT_EXECVEAT;
	x->exe_kind = exe_kind(e.flags, x->filename);
	x->script_at = script_at(x);
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

uint32_t ew_exec_caller_args(const struct ew_exec *x)
{
	return x->script_at + 1;
}

void ew_joined_args(struct ew_buf *b, const struct ew_exec *x)
{
	uint32_t i;

	ew_buf_put(b, x->filename, x->filename_len);
	for (i = ew_exec_caller_args(x); i < x->nargs; i++) {
		ew_buf_putc(b, ' ');
		ew_buf_put(b, x->args[i].s, x->args[i].len);
	}
}
