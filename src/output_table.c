// SPDX-License-Identifier: GPL-2.0
#include "output.h"
#include "escape.h"

#include <stdio.h>
#include <string.h>

/* The columns of BCC's execsnoop, which people and scripts already read. */
void ew_table_header(struct ew_buf *b, const struct env *env)
{
	if (env->show_container)
		ew_buf_puts(b, "  ");
	if (env->wall_time)
		ew_buf_printf(b, "%-9s", "TIME");
	ew_buf_printf(b, "%-8s", "TIME(s)");
	if (env->print_uid)
		ew_buf_printf(b, "%-7s", "UID");
	if (env->show_container)
		ew_buf_printf(b, "%-12s ", "CONTAINER");
	ew_buf_printf(b, "%-16s %-6s %-6s %3s %s\n", "PCOMM", "PID", "PPID",
		      "RET", "ARGS");
}

/* -q: what would hide an argument's bounds, or pass for the "..." that
 * marks arguments left out (other spaces are escaped anyway). */
static bool needs_quotes(const char *s, size_t len)
{
	return !len || memchr(s, ' ', len) || memchr(s, '"', len) ||
	       memchr(s, '\'', len) || memchr(s, '\t', len) ||
	       (len == 3 && !memcmp(s, "...", 3));
}

static void put_arg(struct ew_buf *b, const struct env *env, const char *s,
		    size_t len, bool cut)
{
	bool q = env->quote && needs_quotes(s, len);

	if (q)
		ew_buf_putc(b, '"');
	ew_escape(b, s, len, q ? EW_ESC_TERMINAL_QUOTED : EW_ESC_TERMINAL);
	if (cut)
		ew_buf_puts(b, "...");
	if (q)
		ew_buf_putc(b, '"');
}

static void put_comm(struct ew_buf *b, const char *comm)
{
	size_t start = b->len, width;

	ew_escape(b, comm, strlen(comm), EW_ESC_TERMINAL);
	width = b->len - start;
	while (width++ < 16)
		ew_buf_putc(b, ' ');
}

/*
 * A system container by its id; one a user made as u<UID>:<id> (the user
 * chose the name); "?" where the probe could not tell; "-" on the host.
 */
static void put_container(struct ew_buf *b, const struct ew_container *c)
{
	char col[16 + EW_CONTAINER_ID_LEN];

	switch (c->kind) {
	case EW_CT_SYSTEM:
		snprintf(col, sizeof(col), "%s", c->id);
		break;
	case EW_CT_USER:
		if (c->owner_uid == EW_UID_UNKNOWN)
			snprintf(col, sizeof(col), "u?:%s", c->id);
		else
			snprintf(col, sizeof(col), "u%u:%s", c->owner_uid, c->id);
		break;
	case EW_CT_UNKNOWN:
		snprintf(col, sizeof(col), "?");
		break;
	default:
		snprintf(col, sizeof(col), "-");
	}
	ew_buf_printf(b, "%-12.12s ", col);
}

void ew_table_row(struct ew_buf *b, const struct env *env,
		  const struct ew_exec *x, const struct ew_when *when)
{
	uint32_t i;

	if (env->show_container) {
		/* The marker stays visible without colour, in a file, in a log. */
		if (x->alert && env->color)
			ew_buf_puts(b, "\033[1;31m! ");
		else
			ew_buf_puts(b, x->alert ? "! " : "  ");
	}
	if (env->wall_time) {
		struct tm tm;
		char t[16];

		localtime_r(&when->wall.tv_sec, &tm);
		strftime(t, sizeof(t), "%H:%M:%S", &tm);
		ew_buf_printf(b, "%-9s", t);
	}
	ew_buf_printf(b, "%-8.3f", when->rel_s);
	if (env->print_uid)
		ew_buf_printf(b, "%-6u ", x->uid);
	if (env->show_container)
		put_container(b, &x->container);
	put_comm(b, x->comm);
	ew_buf_printf(b, " %-6u %-6u %3d ", x->pid, x->ppid, x->ret);
	if (x->filename_unreadable)
		ew_buf_puts(b, "[unreadable]");
	else
		put_arg(b, env, x->filename, x->filename_len, x->filename_cut);
	/* As invoked: for a #! script, its path and the caller's arguments. */
	for (i = ew_exec_caller_args(x); i < x->nargs; i++) {
		ew_buf_putc(b, ' ');
		put_arg(b, env, x->args[i].s, x->args[i].len, x->args[i].cut);
	}
	if (x->args_unreadable)
		ew_buf_puts(b, " [args unreadable]");
	else if (x->nargs < x->argc || (x->argc == 0 && x->args_truncated))
		ew_buf_puts(b, " ...");
	if (x->alert && env->show_container && env->color)
		ew_buf_puts(b, "\033[0m");
	ew_buf_putc(b, '\n');
}
