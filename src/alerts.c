// SPDX-License-Identifier: GPL-2.0
#include "alerts.h"

#include <stdlib.h>
#include <string.h>

int ew_shells_init(struct ew_shells *s, const char *list)
{
	s->list = strdup(list ? list : EW_DEFAULT_SHELLS);
	if (!s->list || !*s->list || strspn(s->list, ",") == strlen(s->list)) {
		free(s->list);
		s->list = NULL;
		return -1;
	}
	return 0;
}

void ew_shells_free(struct ew_shells *s)
{
	free(s->list);
	s->list = NULL;
}

static const char *base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static bool listed(const struct ew_shells *s, const char *name)
{
	size_t n = strlen(name);
	const char *p = s->list;

	if (!n)
		return false;
	while (p && *p) {
		size_t len = strcspn(p, ",");

		if (len == n && !strncmp(p, name, n))
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

bool ew_is_shell(const struct ew_shells *s, const struct ew_exec *x)
{
	const char *prog = base(x->filename);

	if (listed(s, prog))
		return true;
	/* A multi-call binary run as a shell: busybox re-executes itself as
	 * /proc/self/exe with argv[0] "sh", or is called "busybox sh". */
	/* A cut argument may only look like a shell's name ("sh" of "shutdown"). */
	if (x->nargs > 0 && !x->args[0].cut && listed(s, base(x->args[0].s)))
		return true;
	if (!strcmp(prog, "busybox") || !strcmp(prog, "toybox"))
		return x->nargs > 1 && !x->args[1].cut && listed(s, x->args[1].s);
	return false;
}

/* A container's first process (pid 1 inside) also has its parent outside:
 * the runtime's monitor started it. That is the entrypoint, not an exec. */
bool ew_from_outside(const struct ew_exec *x)
{
	return x->ns_known && x->parent_pidns != x->pidns && x->ns_pid != 1;
}

const char *ew_alert(const struct ew_shells *s, enum ew_alert_mode mode,
		     const struct ew_exec *x)
{
	const enum ew_container_kind kind = x->container.kind;

	if ((kind != EW_CT_SYSTEM && kind != EW_CT_USER) || x->ret != 0 ||
	    !ew_is_shell(s, x))
		return NULL;
	if (mode == EW_ALERT_INTERACTIVE && !x->tty && !ew_from_outside(x))
		return NULL;
	return kind == EW_CT_SYSTEM ? EW_ALERT_SHELL : EW_ALERT_SHELL_USER;
}
