/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The probe's text (built in, or a user's file), the -D flags that carry
 * options into it, and the request for the compile helper built from both.
 */
#ifndef EXECWATCH_PROBE_SOURCE_H
#define EXECWATCH_PROBE_SOURCE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "helper_client.h"
#include "options.h"

#define EW_PROBE_MAX_SIZE (1 << 20)
#define EW_MAX_OPT_FLAGS 16

/* Embedded at build time from probes/ (see CMakeLists.txt). */
extern const char ew_builtin_probe[];
extern const char ew_builtin_event_h[];

struct ew_probe_src {
	char *text;
	char name[PATH_MAX];	/* what diagnostics call the file */
	char include[PATH_MAX + 8];	/* "-iquote<the file's directory>", "" if built in */
	bool builtin;
};

/* PATH NULL: the built-in probe. RELOAD: a re-read for --watch. Errors are
 * logged; returns 0 or -errno. */
int ew_probe_source_load(const char *path, bool reload, struct ew_probe_src *src);
void ew_probe_source_free(struct ew_probe_src *src);

struct ew_cflags {
	char flag[EW_MAX_OPT_FLAGS][48];
	int n;
};

/* The -D flags that carry options into the probe, so filters run in the kernel. */
void ew_probe_cflags(const struct env *env, struct ew_cflags *out);

/* One compile of the probe: its text and the helper's request, which
 * points into the rest of this struct. */
struct ew_probe_build {
	struct ew_probe_src src;
	struct ew_cflags cf;
	const char *flags[EW_MAX_OPT_FLAGS + 3];
	struct ew_pin pins[2];
	int npins;
	struct ew_helper_req req;
};

/*
 * For generation GEN with ATTACH ("auto", "kprobe", "tracepoint"), sharing
 * the ctl and stage maps pinned at CTL_PIN and STAGE_PIN (NULL: none).
 * Errors are logged.
 */
int ew_probe_build(struct ew_probe_build *b, const struct env *env,
		   unsigned gen, const char *attach, const char *ctl_pin,
		   const char *stage_pin);
void ew_probe_build_free(struct ew_probe_build *b);

#endif
