// SPDX-License-Identifier: GPL-2.0
#include "label.h"
#include "alerts.h"
#include "containers.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>

struct ew_labeler {
	struct ew_container_cache *containers;
	struct ew_shells shells;
	enum ew_alert_mode mode;
};

int ew_labeler_new(const struct env *env, struct ew_labeler **out)
{
	struct ew_labeler *l = calloc(1, sizeof(*l));

	*out = NULL;
	if (!l || !(l->containers = ew_container_cache_new()) ||
	    ew_shells_init(&l->shells, env->shells)) {
		ew_labeler_free(l);
		ew_err("out of memory");
		return -ENOMEM;
	}
	l->mode = env->alert_interactive ? EW_ALERT_INTERACTIVE : EW_ALERT_ANY;
	*out = l;
	return 0;
}

void ew_label(struct ew_labeler *l, struct ew_exec *x)
{
	x->container = *ew_container_lookup(l->containers, x->cgroup_id,
					    &x->cgroup);
	x->alert = ew_alert(&l->shells, l->mode, x);
}

void ew_labeler_free(struct ew_labeler *l)
{
	if (!l)
		return;
	ew_container_cache_free(l->containers);
	ew_shells_free(&l->shells);
	free(l);
}
