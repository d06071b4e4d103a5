/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What execwatch may do, before and after it is tracing. Whoever runs it
 * can load any BPF program (--probe), which makes them root: so it never
 * runs with privileges its caller does not have (setuid, setgid, file
 * capabilities), and once the probe is armed the loop that parses other
 * users' bytes keeps only what it still needs (docs/threat-model.md).
 */
#ifndef EXECWATCH_CONFINE_H
#define EXECWATCH_CONFINE_H

#include "options.h"

/* Standard input, output and error open (on /dev/null where they were
 * closed), so no file execwatch opens later becomes one of them. */
int ew_std_fds(void);

/*
 * After arming: every capability but the one map reads need (CAP_BPF)
 * dropped, no_new_privs set, and a seccomp filter that allows only the
 * system calls of the loop. With --watch (a compile helper starts on each
 * save and needs them all) and --selftest (its canaries mount and exec),
 * only no_new_privs. A seccomp filter the kernel or a sandbox refuses is a
 * warning. Logged; returns 0 or -errno.
 */
int ew_confine(const struct env *env);

#endif
