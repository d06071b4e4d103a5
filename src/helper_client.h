/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Starting the compile helper and receiving what it made: the attachments
 * (perf event fds that keep the programs attached) and the probe's maps.
 */
#ifndef EXECWATCH_HELPER_CLIENT_H
#define EXECWATCH_HELPER_CLIENT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "helper_proto.h"

struct ew_map {
	char name[EW_NAME_LEN];
	int fd;
	uint32_t type, key_size, value_size, max_entries;
};

struct ew_probe {
	char mechanism[16];
	int links[EW_MAX_FDS];
	int nlinks;
	struct ew_map maps[EW_MAX_FDS];
	int nmaps;
	char **cflags;		/* dry run: the final flags */
	int ncflags;
};

/* A map the probe opens where it is pinned: its name, the -D macro that
 * carries the path, the path. */
struct ew_pin {
	const char *map;
	const char *macro;
	const char *path;
};

struct ew_helper_req {
	const char *source;
	const char *name;
	const char *attach;
	const char *event_h;
	const char *const *cflags;
	int ncflags;
	const char *kernel_headers;	/* --kernel-headers DIR, checked; NULL: found */
	const char *cache_dir;		/* the compile cache; NULL: none */
	unsigned gen;			/* the probe's generation, for its gen map */
	const struct ew_pin *pins;
	int npins;
	bool verbose;
	bool dry_run;
};

/*
 * Starts the helper, compiles and attaches; blocking, a signal on SIGFD
 * cancels it. Returns 0, -EINTR for a signal, or another -errno once the
 * failure was reported.
 */
int ew_helper_load(const struct ew_helper_req *rq, int sigfd,
		   struct ew_probe *out);

/* The same, step by step, for a caller with a loop of its own (--watch):
 * start, then step whenever job->sock is readable. */
struct ew_helper_job {
	int sock;
	pid_t pid;
	bool reported;			/* the helper said why it failed */
	struct ew_probe probe;		/* complete once DONE */
	char workdir[PATH_MAX];		/* its headers' directory, removed when it ends */
};

enum ew_job_state { EW_JOB_RUNNING, EW_JOB_DONE, EW_JOB_FAILED };

/* Errors are reported; returns 0 or -errno. */
int ew_helper_start(const struct ew_helper_req *rq, struct ew_helper_job *job);
/* Reads one message; a failure (DONE never came) is reported. */
enum ew_job_state ew_helper_step(struct ew_helper_job *job);
void ew_helper_cancel(struct ew_helper_job *job);
const struct ew_map *ew_probe_map(const struct ew_probe *p, const char *name);
/* Detaches the probe's programs (its maps stay). */
void ew_probe_detach(struct ew_probe *p);
void ew_probe_close(struct ew_probe *p);

#endif
