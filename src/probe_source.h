/* SPDX-License-Identifier: GPL-2.0 */
/* The probe's text (built in, or a user's file) and the -D flags from options. */
#ifndef EXECWATCH_PROBE_SOURCE_H
#define EXECWATCH_PROBE_SOURCE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "options.h"

#define EW_PROBE_MAX_SIZE (1 << 20)
#define EW_MAX_OPT_FLAGS 16

/* Embedded at build time from probes/ (see CMakeLists.txt). */
extern const char ew_builtin_probe[];
extern const char ew_builtin_event_h[];

struct ew_probe_src {
	char *text;
	char name[PATH_MAX];	/* what diagnostics call the file */
	char include[PATH_MAX + 3];	/* "-I<the file's directory>", "" if built in */
	bool builtin;
};

/* PATH NULL: the built-in probe. Errors: message and hint in err. */
int ew_probe_source_load(const char *path, struct ew_probe_src *src,
			 char *err, size_t errlen, char *hint, size_t hintlen);
void ew_probe_source_free(struct ew_probe_src *src);

struct ew_cflags {
	char flag[EW_MAX_OPT_FLAGS][48];
	int n;
};

/* The -D flags that carry options into the probe, so filters run in the kernel. */
void ew_probe_cflags(const struct env *env, unsigned gen, struct ew_cflags *out);

/* The flags for the helper: CF's, then SRC's include directory if any.
 * OUT has room for EW_MAX_OPT_FLAGS + 1; returns how many. */
int ew_probe_flag_list(const struct ew_cflags *cf, const struct ew_probe_src *src,
		       const char **out);

#endif
