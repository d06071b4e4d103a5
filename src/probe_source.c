// SPDX-License-Identifier: GPL-2.0
#include "probe_source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int read_file(const char *path, char **out, char *err, size_t errlen,
		     char *hint, size_t hintlen)
{
	struct stat st;
	ssize_t n;
	char *text;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "cannot open probe %s: %s", path,
			 strerror(errno));
		snprintf(hint, hintlen, "'execwatch --print-source > my.bpf.c' writes the built-in probe to start from");
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "probe %s is not a regular file", path);
		snprintf(hint, hintlen, "pass the path of a BPF C source file");
		goto fail;
	}
	if (st.st_size == 0 || st.st_size > EW_PROBE_MAX_SIZE) {
		snprintf(err, errlen, "probe %s is %s", path,
			 st.st_size ? "larger than 1 MiB" : "empty");
		snprintf(hint, hintlen, "'execwatch --print-source > my.bpf.c' writes the built-in probe to start from");
		goto fail;
	}
	text = malloc(st.st_size + 1);
	if (!text) {
		snprintf(err, errlen, "out of memory reading %s", path);
		goto fail;
	}
	n = read(fd, text, st.st_size);
	close(fd);
	if (n != st.st_size) {
		snprintf(err, errlen, "cannot read probe %s: %s", path,
			 n < 0 ? strerror(errno) : "short read");
		free(text);
		return -1;
	}
	text[n] = 0;
	if (memchr(text, 0, n)) {
		snprintf(err, errlen, "probe %s is not C source (it holds NUL bytes)",
			 path);
		snprintf(hint, hintlen, "pass the .c file, not a compiled object");
		free(text);
		return -1;
	}
	*out = text;
	return 0;
fail:
	close(fd);
	return -1;
}

int ew_probe_source_load(const char *path, struct ew_probe_src *src,
			 char *err, size_t errlen, char *hint, size_t hintlen)
{
	memset(src, 0, sizeof(*src));
	hint[0] = 0;
	if (!path) {
		src->text = strdup(ew_builtin_probe);
		src->builtin = true;
		snprintf(src->name, sizeof(src->name), "execwatch.bpf.c (built-in)");
		if (!src->text) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		return 0;
	}
	snprintf(src->name, sizeof(src->name), "%s", path);
	if (read_file(path, &src->text, err, errlen, hint, hintlen))
		return -1;
	/* The probe's own headers, next to it, can be included too. */
	{
		char dir[PATH_MAX];
		const char *slash;

		if (!realpath(path, dir))
			snprintf(dir, sizeof(dir), ".");
		slash = strrchr(dir, '/');
		snprintf(src->include, sizeof(src->include), "-I%.*s",
			 slash && slash != dir ? (int)(slash - dir) : 1, dir);
	}
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

void ew_probe_cflags(const struct env *env, unsigned gen, struct ew_cflags *out)
{
	out->n = 0;
	add(out, "-DEW_GEN=%ld", gen);
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

int ew_probe_flag_list(const struct ew_cflags *cf, const struct ew_probe_src *src,
		       const char **out)
{
	int i;

	for (i = 0; i < cf->n; i++)
		out[i] = cf->flag[i];
	if (*src->include)
		out[i++] = src->include;
	return i;
}
