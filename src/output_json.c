// SPDX-License-Identifier: GPL-2.0
#include "output.h"
#include "alerts.h"
#include "escape.h"

#include <string.h>

static void put_str(struct ew_buf *b, const char *key, const char *s,
		    size_t len)
{
	ew_buf_printf(b, ",\"%s\":\"", key);
	ew_escape(b, s, len, EW_ESC_JSON);
	ew_buf_putc(b, '"');
}

static void put_time(struct ew_buf *b, const struct timespec *ts)
{
	struct tm tm;
	char t[32];

	gmtime_r(&ts->tv_sec, &tm);
	strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%S", &tm);
	ew_buf_printf(b, "{\"time\":\"%s.%09ldZ\"", t, ts->tv_nsec);
}

static const char *boolean(bool v)
{
	return v ? "true" : "false";
}

/* Namespaces are null where the probe could not read them (no BTF). */
static void put_container(struct ew_buf *b, const struct ew_exec *x)
{
	if (x->container.id[0])
		ew_buf_printf(b, ",\"container_id\":\"%s\",\"container_runtime\":\"%s\"",
			      x->container.id, x->container.runtime);
	else
		ew_buf_puts(b, ",\"container_id\":null,\"container_runtime\":null");
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

/* The schema is documented in docs/json.md; add fields, never rename. */
void ew_json_line(struct ew_buf *b, const struct ew_exec *x,
		  const struct ew_when *when)
{
	uint32_t i;

	put_time(b, &when->wall);
	ew_buf_printf(b, ",\"ts_ns\":%llu,\"cpu\":%u,\"seq\":%llu",
		      (unsigned long long)x->ts_ns, x->cpu,
		      (unsigned long long)x->seq);
	put_str(b, "comm", x->comm, strlen(x->comm));
	ew_buf_printf(b, ",\"pid\":%u,\"tid\":%u,\"ppid\":%u,\"uid\":%u,\"ret\":%d",
		      x->pid, x->tid, x->ppid, x->uid, x->ret);
	put_str(b, "filename", x->filename, x->filename_len);
	ew_buf_puts(b, ",\"argv\":[");
	for (i = 0; i < x->nargs; i++) {
		if (i)
			ew_buf_putc(b, ',');
		ew_buf_putc(b, '"');
		ew_escape(b, x->args[i].s, x->args[i].len, EW_ESC_JSON);
		ew_buf_putc(b, '"');
	}
	ew_buf_putc(b, ']');
	if (x->argc)
		ew_buf_printf(b, ",\"argc\":%u", x->argc);
	else
		ew_buf_puts(b, ",\"argc\":null");
	put_container(b, x);
	ew_buf_printf(b, ",\"args_truncated\":%s,\"args_unreadable\":%s,\"filename_unreadable\":%s,\"execveat\":%s,\"latency_ns\":%llu}\n",
		      x->args_truncated ? "true" : "false",
		      x->args_unreadable ? "true" : "false",
		      x->filename_unreadable ? "true" : "false",
		      x->execveat ? "true" : "false",
		      (unsigned long long)(x->ts_ns - x->enter_ns));
}
