/* SPDX-License-Identifier: GPL-2.0 */
/* Which kernel headers BCC will compile against, and whether they match. */
#ifndef EXECWATCH_KHEADERS_H
#define EXECWATCH_KHEADERS_H

#include <limits.h>
#include <stdbool.h>

struct ew_kheaders {
	char path[PATH_MAX];	/* the directory BCC will use */
	char build[PATH_MAX];	/* and its build half (the configuration, generated headers) */
	char release[128];	/* the headers' UTS_RELEASE, "" if unknown */
	bool found;
	bool matches;		/* release equals the running kernel's */
	bool in_kernel;		/* /sys/kernel/kheaders.tar.xz (always matches) */
};

/*
 * Looks where BCC looks: $BCC_KERNEL_SOURCE, then MODULES_DIR/RELEASE/build
 * (or source), then the kernel's own kheaders archive at KHEADERS_TAR.
 */
void ew_find_kheaders(const char *modules_dir, const char *kheaders_tar,
		      const char *running_release, struct ew_kheaders *out);

#endif
