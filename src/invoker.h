/* SPDX-License-Identifier: GPL-2.0 */
/* Who started execwatch, and opening a file with only their rights. */
#ifndef EXECWATCH_INVOKER_H
#define EXECWATCH_INVOKER_H

#include <sys/types.h>

/* Who started execwatch: under sudo, SUDO_UID; else the real user. */
uid_t ew_invoker(void);

/* UID's group: SUDO_GID, else the one their passwd entry names;
 * (gid_t)-1 if none is known. */
gid_t ew_invoker_gid(uid_t uid);

/*
 * Opens PATH read-only, non-blocking, never through a final link, as UID
 * with GID and UID's supplementary groups (a child becomes them and hands
 * the descriptor back): what they could not read, execwatch does not read
 * for them. Returns the fd or -errno.
 */
int ew_open_as(const char *path, uid_t uid, gid_t gid);

#endif
