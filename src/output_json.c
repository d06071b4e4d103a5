// SPDX-License-Identifier: GPL-2.0
#include "output.h"
#include "alerts.h"
#include "escape.h"

#include <linux/types.h>
#include "../probes/event.h"

#include <string.h>

/*
 * A string field; when its bytes are not UTF-8, the string shows U+FFFD
 * for each bad byte and KEY_b64 carries the exact bytes.
 */
static void put_str(struct ew_buf *b, const char *key, const char *s,
		    size_t len)
{
	ew_buf_printf(b, ",\"%s\":\"", key);
	ew_escape(b, s, len, EW_ESC_JSON);
	ew_buf_putc(b, '"');
	if (ew_utf8_valid(s, len))
		return;
	ew_buf_printf(b, ",\"%s_b64\":\"", key);
	ew_base64(b, s, len);
	ew_buf_putc(b, '"');
}

static void put_time(struct ew_buf *b, const struct timespec *ts)
{
	struct tm tm;
	char t[32];

	gmtime_r(&ts->tv_sec, &tm);
	strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%S", &tm);
	ew_buf_printf(b, ",\"time\":\"%s.%09ldZ\"", t, ts->tv_nsec);
}

static const char *boolean(bool v)
{
	return v ? "true" : "false";
}

static const char *const container_kinds[] = {
	[EW_CT_HOST] = "host", [EW_CT_SYSTEM] = "system", [EW_CT_USER] = "user",
	[EW_CT_UNKNOWN] = "unknown",
};

/* Namespaces are null where the probe could not read them (no BTF). */
static void put_container(struct ew_buf *b, const struct ew_exec *x)
{
	const struct ew_container *c = &x->container;

	if (c->id[0])
		ew_buf_printf(b, ",\"container_id\":\"%s\",\"container_runtime\":\"%s\"",
			      c->id, c->runtime);
	else
		ew_buf_puts(b, ",\"container_id\":null,\"container_runtime\":null");
	ew_buf_printf(b, ",\"container_kind\":\"%s\"", container_kinds[c->kind]);
	if (c->kind == EW_CT_USER && c->owner_uid != EW_UID_UNKNOWN)
		ew_buf_printf(b, ",\"container_owner_uid\":%u", c->owner_uid);
	else
		ew_buf_puts(b, ",\"container_owner_uid\":null");
	if (x->ns_known)
		ew_buf_printf(b, ",\"cgroup_id\":%llu,\"mntns\":%u,\"pidns\":%u,\"ns_pid\":%u,\"tty\":%s,\"from_outside\":%s",
			      (unsigned long long)x->cgroup_id, x->mntns, x->pidns,
			      x->ns_pid, boolean(x->tty),
			      boolean(ew_from_outside(x)));
	else
		ew_buf_puts(b, ",\"cgroup_id\":null,\"mntns\":null,\"pidns\":null,\"ns_pid\":null,\"tty\":null,\"from_outside\":null");
	if (x->alert)
		ew_buf_printf(b, ",\"alert\":\"%s\"", x->alert);
	else
		ew_buf_puts(b, ",\"alert\":null");
}

static void put_array(struct ew_buf *b, const struct ew_exec *x,
		      uint32_t from, uint32_t to, bool b64)
{
	uint32_t i;

	ew_buf_putc(b, '[');
	for (i = from; i < to; i++) {
		if (i > from)
			ew_buf_putc(b, ',');
		ew_buf_putc(b, '"');
		if (b64)
			ew_base64(b, x->args[i].s, x->args[i].len);
		else
			ew_escape(b, x->args[i].s, x->args[i].len, EW_ESC_JSON);
		ew_buf_putc(b, '"');
	}
	ew_buf_putc(b, ']');
}

/* An array of arguments; KEY_b64, one entry per argument, when any of
 * them is not UTF-8. */
static void put_args(struct ew_buf *b, const char *key, const struct ew_exec *x,
		     uint32_t from, uint32_t to)
{
	bool valid = true;
	uint32_t i;

	ew_buf_printf(b, ",\"%s\":", key);
	put_array(b, x, from, to, false);
	for (i = from; i < to && valid; i++)
		valid = ew_utf8_valid(x->args[i].s, x->args[i].len);
	if (valid)
		return;
	ew_buf_printf(b, ",\"%s_b64\":", key);
	put_array(b, x, from, to, true);
}

static const char *const exe_kinds[] = {
	[EW_EXE_FILE] = "file", [EW_EXE_FD] = "fd", [EW_EXE_MEMFD] = "memfd",
	[EW_EXE_DELETED] = "deleted",
};

static const char *const entries[] = {
	[EW_ENTRY_EXECVE] = "execve", [EW_ENTRY_EXECVEAT] = "execveat",
	[EW_ENTRY_COMPAT_EXECVE] = "compat_execve",
	[EW_ENTRY_COMPAT_EXECVEAT] = "compat_execveat", [EW_ENTRY_KERNEL] = "kernel",
};

static void put_entry(struct ew_buf *b, uint32_t entry)
{
	if (entry < sizeof(entries) / sizeof(entries[0]) && entries[entry])
		ew_buf_printf(b, ",\"entry\":\"%s\"", entries[entry]);
	else
		ew_buf_puts(b, ",\"entry\":null");
}

/* The schema is documented in docs/json.md; add fields, never rename. */
void ew_json_line(struct ew_buf *b, const struct ew_exec *x,
		  const struct ew_when *when)
{
	ew_buf_puts(b, "{\"event\":\"exec\"");
	put_time(b, &when->wall);
	ew_buf_printf(b, ",\"ts_ns\":%llu,\"cpu\":%u,\"seq\":%llu",
		      (unsigned long long)x->ts_ns, x->cpu,
		      (unsigned long long)x->seq);
	put_str(b, "comm", x->comm, strlen(x->comm));
	ew_buf_printf(b, ",\"pid\":%u,\"tid\":%u,\"ppid\":%u,\"uid\":%u,\"gid\":%u,\"euid\":%u,\"egid\":%u,\"setuid\":%s,\"ptraced\":%s,\"ret\":%d",
		      x->pid, x->tid, x->ppid, x->uid, x->gid, x->euid, x->egid,
		      boolean(x->setuid), boolean(x->ptraced), x->ret);
	put_str(b, "filename", x->filename, x->filename_len);
	put_args(b, "argv", x, 0, x->nargs);
	if (x->script_at) {
		put_args(b, "interpreter", x, 0, x->script_at);
	} else if (x->interp) {	/* where argv does not show it: the program */
		ew_buf_puts(b, ",\"interpreter\":[\"");
		ew_escape(b, x->interp, x->interp_len, EW_ESC_JSON);
		ew_buf_puts(b, "\"]");
		if (!ew_utf8_valid(x->interp, x->interp_len)) {
			ew_buf_puts(b, ",\"interpreter_b64\":[\"");
			ew_base64(b, x->interp, x->interp_len);
			ew_buf_puts(b, "\"]");
		}
	} else {
		ew_buf_puts(b, ",\"interpreter\":null");
	}
	if (x->argc)
		ew_buf_printf(b, ",\"argc\":%u", x->argc);
	else
		ew_buf_puts(b, ",\"argc\":null");
	put_container(b, x);
	ew_buf_printf(b, ",\"args_truncated\":%s,\"args_unreadable\":%s,\"filename_truncated\":%s,\"filename_unreadable\":%s,\"exe_kind\":\"%s\",\"execveat\":%s",
		      boolean(x->args_truncated), boolean(x->args_unreadable),
		      boolean(x->filename_cut), boolean(x->filename_unreadable),
		      exe_kinds[x->exe_kind], boolean(x->execveat));
	put_entry(b, x->entry);
	ew_buf_printf(b, ",\"refused\":%s,\"no_return\":%s", boolean(x->refused),
		      boolean(x->no_return));
	if (x->entered)
		ew_buf_printf(b, ",\"latency_ns\":%llu}\n",
			      (unsigned long long)(x->ts_ns - x->enter_ns));
	else
		ew_buf_puts(b, ",\"latency_ns\":null}\n");
}

void ew_json_lost(struct ew_buf *b, const char *cause, uint64_t n,
		  const struct ew_when *when)
{
	ew_buf_puts(b, "{\"event\":\"lost\"");
	put_time(b, &when->wall);
	ew_buf_printf(b, ",\"cause\":\"%s\",\"count\":%llu}\n", cause,
		      (unsigned long long)n);
}
