// SPDX-License-Identifier: GPL-2.0
#include "filters.h"
#include "log.h"

#include <errno.h>

#include <stdio.h>
#include <string.h>

static int compile(regex_t *re, const char *pat, const char *opt)
{
	int rc = regcomp(re, pat, REG_EXTENDED | REG_NOSUB);
	char why[128];

	if (!rc)
		return 0;
	regerror(rc, re, why, sizeof(why));
	ew_err("invalid regular expression '%s' for %s: %s", pat, opt, why);
	return rc == REG_ESPACE ? -ENOMEM : -EINVAL;
}

int ew_filters_init(struct ew_filters *f, const struct env *env)
{
	int err;

	memset(f, 0, sizeof(*f));
	f->container = env->container;
	f->container_uid = env->container_uid;
	f->alerts_only = env->alerts_only;
	if (env->name) {
		err = compile(&f->name, env->name, "--name");
		if (err)
			return err;
		f->has_name = true;
	}
	if (env->line) {
		err = compile(&f->line, env->line, "--line");
		if (err) {
			ew_filters_free(f);
			return err;
		}
		f->has_line = true;
	}
	return 0;
}

/* --container: a system container by id, or USER:ID, one of that user's
 * own. A user can name a cgroup after any container, so a user's never
 * passes for a system container's, nor for another user's. */
static bool container_matches(const struct ew_filters *f,
			      const struct ew_container *c)
{
	if (f->container_uid < 0 ? c->kind != EW_CT_SYSTEM :
	    c->kind != EW_CT_USER || c->owner_uid != f->container_uid)
		return false;
	return !strncmp(c->id, f->container, strlen(f->container));
}

bool ew_filters_match(struct ew_filters *f, const struct ew_exec *x)
{
	if (f->container && !container_matches(f, &x->container))
		return false;
	if (f->alerts_only && !x->alert)
		return false;
	if (f->has_name && regexec(&f->name, x->comm, 0, NULL, 0))
		return false;
	if (f->has_line) {
		ew_buf_reset(&f->scratch);
		ew_joined_args(&f->scratch, x);
		if (!f->scratch.p || regexec(&f->line, f->scratch.p, 0, NULL, 0))
			return false;
	}
	return true;
}

void ew_filters_free(struct ew_filters *f)
{
	if (f->has_name)
		regfree(&f->name);
	if (f->has_line)
		regfree(&f->line);
	f->has_name = f->has_line = false;
	ew_buf_free(&f->scratch);
}
