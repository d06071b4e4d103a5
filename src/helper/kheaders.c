// SPDX-License-Identifier: GPL-2.0
#include "kheaders.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool has_headers(const char *dir)
{
	char p[PATH_MAX + 32];

	snprintf(p, sizeof(p), "%s/include/linux/kconfig.h", dir);
	return faccessat(AT_FDCWD, p, R_OK, AT_EACCESS) == 0;
}

/* include/generated/utsrelease.h: #define UTS_RELEASE "6.1.0-56-amd64" */
static void read_release(const char *dir, char *out, size_t len)
{
	char p[PATH_MAX + 48], line[256];
	FILE *f;

	out[0] = 0;
	snprintf(p, sizeof(p), "%s/include/generated/utsrelease.h", dir);
	f = fopen(p, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *q = strstr(line, "UTS_RELEASE");
		char *open, *close;

		if (!q || !(open = strchr(q, '"')) || !(close = strchr(open + 1, '"')))
			continue;
		*close = 0;
		snprintf(out, len, "%s", open + 1);
		break;
	}
	fclose(f);
}

void ew_find_kheaders(const char *modules_dir, const char *kheaders_tar,
		      const char *running_release, struct ew_kheaders *out)
{
	const char *env = getenv("BCC_KERNEL_SOURCE");
	char build[PATH_MAX];

	memset(out, 0, sizeof(*out));
	snprintf(build, sizeof(build), "%s/%s/build", modules_dir,
		 running_release);
	if (env && *env) {
		snprintf(out->path, sizeof(out->path), "%s", env);
		snprintf(build, sizeof(build), "%s", env);
	} else {
		char source[PATH_MAX];

		/* BCC prefers source/ when build/ and source/ both exist. */
		snprintf(source, sizeof(source), "%s/%s/source", modules_dir,
			 running_release);
		snprintf(out->path, sizeof(out->path), "%s",
			 has_headers(source) && faccessat(AT_FDCWD, build, F_OK, AT_EACCESS) == 0 ?
			 source : build);
	}
	snprintf(out->build, sizeof(out->build), "%s", build);
	if (has_headers(out->path)) {
		out->found = true;
		read_release(build, out->release, sizeof(out->release));
		out->matches = !strcmp(out->release, running_release);
		return;
	}
	if (kheaders_tar && faccessat(AT_FDCWD, kheaders_tar, R_OK, AT_EACCESS) == 0) {
		snprintf(out->path, sizeof(out->path), "%s", kheaders_tar);
		snprintf(out->release, sizeof(out->release), "%s",
			 running_release);
		out->found = out->matches = out->in_kernel = true;
	}
}
