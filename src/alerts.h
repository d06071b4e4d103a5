/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shell-in-a-container alert: a container normally runs one service,
 * so a shell started inside it is worth a person's attention.
 */
#ifndef EXECWATCH_ALERTS_H
#define EXECWATCH_ALERTS_H

#include <stdbool.h>

#include "events.h"

#define EW_DEFAULT_SHELLS "sh,bash,dash,zsh,ash,ksh,fish"
#define EW_ALERT_SHELL "shell_in_container"
#define EW_ALERT_SHELL_USER "shell_in_user_container"	/* a container a user made */

enum ew_alert_mode {
	EW_ALERT_ANY,		/* every shell in a container */
	EW_ALERT_INTERACTIVE,	/* only with a terminal, or started from outside */
};

struct ew_shells {
	char *list;		/* comma-separated, owned */
};

/* LIST: comma-separated names; NULL for the default. -1 if empty. */
int ew_shells_init(struct ew_shells *s, const char *list);
void ew_shells_free(struct ew_shells *s);

/* The program's file name or argv[0] is a shell's, or busybox's first
 * argument is. */
bool ew_is_shell(const struct ew_shells *s, const struct ew_exec *x);

/* Started from outside its container (docker/podman exec): its parent is
 * not in the container's PID namespace, and it is not the container's
 * first process (the entrypoint, which the runtime starts the same way). */
bool ew_from_outside(const struct ew_exec *x);

/* EW_ALERT_SHELL (a system container), EW_ALERT_SHELL_USER or NULL, for an
 * exec already labelled with its container. */
const char *ew_alert(const struct ew_shells *s, enum ew_alert_mode mode,
		     const struct ew_exec *x);

#endif
