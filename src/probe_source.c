// SPDX-License-Identifier: GPL-2.0
#include "probe_source.h"
#include "log.h"
#include "trust.h"
#include "invoker.h"

#include <linux/types.h>
#include "../probes/event.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char start_hint[] =
	"'execwatch --print-source > my.bpf.c' writes the built-in probe to start from";

static int read_file(const char *path, bool reload, char **out)
{
	struct stat st;
	ssize_t n;
	char *text;
	int err, fd = ew_probe_open(path, ew_invoker(), reload);

	if (fd < 0)
		return fd;
	if (fstat(fd, &st)) {
		err = -errno;
		ew_err("cannot read probe %s: %s", path, strerror(-err));
		goto out;
	}
	if (st.st_size == 0 || st.st_size > EW_PROBE_MAX_SIZE) {
		ew_err_hint(start_hint, "probe %s is %s", path,
			    st.st_size ? "larger than 1 MiB" : "empty");
		err = -EINVAL;
		goto out;
	}
	text = malloc(st.st_size + 1);
	if (!text) {
		ew_err("out of memory reading %s", path);
		err = -ENOMEM;
		goto out;
	}
	n = read(fd, text, st.st_size);
	if (n != st.st_size) {
		err = n < 0 ? -errno : -EIO;
		ew_err("cannot read probe %s: %s", path,
		       n < 0 ? strerror(-err) : "short read");
		free(text);
		goto out;
	}
	text[n] = 0;
	if (memchr(text, 0, n)) {
		ew_err_hint("pass the .c file, not a compiled object",
			    "probe %s is not C source (it holds NUL bytes)", path);
		free(text);
		err = -EINVAL;
		goto out;
	}
	*out = text;
	err = 0;
out:
	close(fd);
	return err;
}

int ew_probe_source_load(const char *path, bool reload, struct ew_probe_src *src)
{
	char dir[PATH_MAX];
	const char *slash;
	int err;

	memset(src, 0, sizeof(*src));
	if (!path) {
		src->text = strdup(ew_builtin_probe);
		src->builtin = true;
		snprintf(src->name, sizeof(src->name), "execwatch.bpf.c (built-in)");
		if (!src->text) {
			ew_err("out of memory");
			return -ENOMEM;
		}
		return 0;
	}
	snprintf(src->name, sizeof(src->name), "%s", path);
	err = read_file(path, reload, &src->text);
	if (err)
		return err;
	/*
	 * The probe's own headers, next to it, can be included with quotes;
	 * the quote path only, so a header there never stands in for one of
	 * BCC's or the kernel's (<bcc/helpers.h>, <linux/sched.h>).
	 */
	if (!realpath(path, dir))
		snprintf(dir, sizeof(dir), ".");
	slash = strrchr(dir, '/');
	snprintf(src->include, sizeof(src->include), "-iquote%.*s",
		 slash && slash != dir ? (int)(slash - dir) : 1, dir);
	return 0;
}

void ew_probe_source_free(struct ew_probe_src *src)
{
	free(src->text);
	src->text = NULL;
}

static void add(struct ew_cflags *c, const char *fmt, long v)
{
	if (c->n < EW_MAX_OPT_FLAGS)
		snprintf(c->flag[c->n++], sizeof(c->flag[0]), fmt, v);
}

void ew_probe_cflags(const struct env *env, struct ew_cflags *out)
{
	out->n = 0;
	add(out, "-DEW_MAX_ARGS=%ld", env->max_args);
	/* Bytes read per argument, NUL included: one more than shown, so a
	 * cut argument can be told from a whole one. */
	add(out, "-DEW_ARG_LEN=%ld", env->max_arg_len + 2L);
	if (env->fails)
		add(out, "-DEW_FAILS=%ld", 1);
	if (env->uid >= 0)
		add(out, "-DEW_FILTER_UID=%ld", env->uid);
	if (env->pid >= 0)
		add(out, "-DEW_FILTER_PID=%ld", env->pid);
	if (env->ppid >= 0)
		add(out, "-DEW_FILTER_PPID=%ld", env->ppid);
	if (env->containers_only)
		add(out, "-DEW_CONTAINERS_ONLY=%ld", 1);
}

int ew_probe_build(struct ew_probe_build *b, const struct env *env,
		   unsigned gen, const char *attach, const char *ctl_pin,
		   const char *stage_pin)
{
	int i, err;

	memset(b, 0, sizeof(*b));
	err = ew_probe_source_load(env->probe, gen > 1, &b->src);
	if (err)
		return err;
	ew_probe_cflags(env, &b->cf);
	for (i = 0; i < b->cf.n; i++)
		b->flags[i] = b->cf.flag[i];
	if (*b->src.include)
		b->flags[i++] = b->src.include;
	/* The helper makes the -D flags of these; the cache keys on which
	 * maps are pinned, not where (each reload pins somewhere new). */
	if (ctl_pin)
		b->pins[b->npins++] = (struct ew_pin){ EW_MAP_CTL, "EW_CTL_PIN", ctl_pin };
	if (stage_pin)
		b->pins[b->npins++] = (struct ew_pin){ EW_MAP_STAGE, "EW_STAGE_PIN", stage_pin };
	b->req = (struct ew_helper_req){
		.source = b->src.text,
		.name = b->src.name,
		.attach = attach,
		.event_h = ew_builtin_event_h,
		.cflags = b->flags,
		.ncflags = i,
		.kernel_headers = env->kernel_headers,
		.cache_dir = env->cache_dir,
		.gen = gen,
		.pins = b->pins,
		.npins = b->npins,
		.verbose = env->verbose,
		.dry_run = env->print_source,
	};
	return 0;
}

void ew_probe_build_free(struct ew_probe_build *b)
{
	ew_probe_source_free(&b->src);
}
