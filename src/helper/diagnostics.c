// SPDX-License-Identifier: GPL-2.0
#include "diagnostics.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* BCC's name for the text it compiles. */
#define BCC_MAIN_FILE "/virtual/main.c"

int ew_capture_start(struct ew_capture *c)
{
	int err;

	fflush(stderr);
	c->fd = memfd_create("execwatch-diag", MFD_CLOEXEC);
	c->saved = dup(STDERR_FILENO);
	if (c->fd >= 0 && c->saved >= 0 && dup2(c->fd, STDERR_FILENO) >= 0)
		return 0;
	err = -errno;
	if (c->fd >= 0)
		close(c->fd);
	if (c->saved >= 0)
		close(c->saved);
	return err;
}

char *ew_capture_end(struct ew_capture *c)
{
	struct stat st;
	char *buf = NULL;
	ssize_t n;

	fflush(stderr);
	dup2(c->saved, STDERR_FILENO);
	close(c->saved);
	if (fstat(c->fd, &st) == 0 && (buf = calloc(1, st.st_size + 1))) {
		n = pread(c->fd, buf, st.st_size, 0);
		buf[n > 0 ? n : 0] = 0;
	}
	close(c->fd);
	return buf;
}

/* Replace every occurrence of FROM in S with TO; returns a new string. */
static char *replace_all(const char *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0;
	const char *p;
	char *out, *o;

	for (p = s; (p = strstr(p, from)); p += fl)
		n++;
	out = malloc(strlen(s) + n * (tl > fl ? tl - fl : 0) + 1);
	if (!out)
		return NULL;
	for (o = out; (p = strstr(s, from)); s = p + fl) {
		memcpy(o, s, p - s);
		o += p - s;
		memcpy(o, to, tl);
		o += tl;
	}
	strcpy(o, s);
	return out;
}

char *ew_diag_for_user(const char *raw, const char *name, const char *hdr_dir)
{
	char prefix[PATH_MAX + 2];
	char *named, *out;

	snprintf(prefix, sizeof(prefix), "%s/", hdr_dir);
	named = replace_all(raw, BCC_MAIN_FILE, name);
	out = named ? replace_all(named, prefix, "") : NULL;
	free(named);
	return out;
}
