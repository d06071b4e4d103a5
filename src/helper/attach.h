/* SPDX-License-Identifier: GPL-2.0 */
/* Choosing kprobes or tracepoints, loading the probe's programs, attaching. */
#ifndef EXECWATCH_ATTACH_H
#define EXECWATCH_ATTACH_H

#include "cache.h"

#include <stdbool.h>

enum ew_mech { EW_MECH_KPROBE, EW_MECH_TRACEPOINT };

/* The kernel functions the kprobes go on. */
enum ew_fn { EW_FN_EXECVE, EW_FN_EXECVEAT, EW_FN_COMPAT_EXECVE,
	     EW_FN_COMPAT_EXECVEAT, EW_FNS };

struct ew_attach_plan {
	enum ew_mech mech;
	bool fallback_allowed;		/* auto: tracepoints if kprobes fail */
	char fn[EW_FNS][64];		/* kernel symbols; "" where absent */
	char reason[256];		/* why this mechanism, for --verbose */
};

/* Decides from the request ("auto", "kprobe", "tracepoint") and this kernel.
 * Returns 0, or -1 with reason holding the error. */
int ew_plan_attach(const char *requested, struct ew_attach_plan *plan);

/* Program names a probe must define for MECH, NULL-terminated. */
const char *const *ew_required_programs(enum ew_mech mech);

#define EW_MAX_LINKS 32

struct ew_loaded {
	int links[EW_MAX_LINKS];
	int nlinks;
};

/* The probe's programs: a BCC module's, just compiled, or a cache entry's,
 * whose map references hold the descriptors of maps made for it. */
struct ew_program_set {
	void *mod;				/* or NULL, and: */
	const struct ew_cache_entry *cached;
	int btf_fd;				/* its BTF, loaded; -1: none */
	const struct btf *btf;			/* the same, parsed */
};

/*
 * Loads the programs of SET and attaches them: the probe's
 * own programs for the plan's mechanism (those for the 32-bit entry where
 * the kernel has it), then any a probe adds under BCC's names
 * (tracepoint__CAT__EVENT, raw_tracepoint__EVENT, kprobe__FN,
 * kretprobe__FN). On failure returns -1 with a message in err and leaves
 * nothing attached. INFO, when not NULL, is told what was attached.
 */
int ew_load_and_attach(const struct ew_program_set *set,
		       const struct ew_attach_plan *plan,
		       struct ew_loaded *out, char *err, int errlen,
		       void (*info)(const char *what));

#endif
