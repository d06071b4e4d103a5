/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The execs --selftest makes, one through each door a tracer can miss,
 * and what each one's event must say.
 */
#ifndef EXECWATCH_CANARIES_H
#define EXECWATCH_CANARIES_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* argv[1] of a canary: execwatch exits 0 at once when it sees it. */
#define EW_CANARY_ARG "--selftest-canary"
/* The kernel-started canary's argv[1]: "/" and the name of its cgroup. */
#define EW_CANARY_CGROUP "execwatch-canary-"

enum ew_canary_kind {
	EW_C_EXECVE, EW_C_FEXECVE, EW_C_FAIL, EW_C_SCRIPT, EW_C_THREAD,
	EW_C_COMPAT, EW_C_IMAGE32, EW_C_FROM32, EW_C_KERNEL, EW_C_REFUSED,
	EW_NCANARY
};

#define EW_CANARY_ARGS 4

/* What one canary's event must say. */
struct ew_canary {
	const char *name;
	pid_t pid;		/* 0: the kernel's choice */
	char filename[PATH_MAX + 32];
	char argv[EW_CANARY_ARGS][PATH_MAX + 32];
	int argc;
	int interp_args;	/* entries of argv that are the interpreter's */
	int ret;
	bool refused;		/* refused before the system call ran */
	uint32_t entry;		/* EW_ENTRY_*, or EW_ENTRY_UNKNOWN: any */
	const char *skipped;	/* why it cannot run on this machine, or NULL */
};

struct ew_canaries {
	char self[PATH_MAX];
	struct ew_canary c[EW_NCANARY];
	pid_t child[EW_NCANARY];	/* this process's children, to reap */
	int fds[EW_NCANARY];		/* what fexecve and its kin exec */
	char cgroup_dir[PATH_MAX];	/* the kernel-started canary's hierarchy */
	char cgroup_name[64];
};

/* Errors are logged; returns 0 or -errno. */
int ew_canaries_init(struct ew_canaries *cs);
/* Makes every exec, each in a child of this process. <0: logged. */
int ew_canaries_start(struct ew_canaries *cs);
/* Waits for the children: the ones that could not run here say why. */
void ew_canaries_reap(struct ew_canaries *cs);
/* Undoes what the canaries needed (the cgroup hierarchy, the fds). */
void ew_canaries_free(struct ew_canaries *cs);

/* argv[1] of a canary image: main() exits 0 at once. */
bool ew_is_canary_arg(const char *arg);

#endif
