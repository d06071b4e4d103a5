/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Files execwatch opens as root on a person's behalf, in a file system
 * other users write to: --output, and the --probe it compiles and watches.
 * A path is trusted when nobody but root and the people allowed for it
 * can change what it leads to: every directory on it, as written and as
 * resolved, is theirs and not writable by group or others (a sticky
 * directory such as /tmp excepted: nobody can rename another's entry
 * there), and every symbolic link on it is theirs too. docs/threat-model.md.
 *
 * Each function logs what it refuses, with a hint, and returns -errno.
 */
#ifndef EXECWATCH_TRUST_H
#define EXECWATCH_TRUST_H

#include <stdbool.h>
#include <sys/types.h>

/* Is DIR a directory only root can change, all the way from /? STICKY_OK:
 * DIR itself may be one anyone can write if it is sticky (/tmp, where
 * execwatch only makes a private directory of its own). OPT names where
 * it came from ("--kernel-headers", "TMPDIR") in the message. */
int ew_dir_trusted(const char *dir, const char *opt, bool sticky_ok);

/* The compile cache's directory DIR, made 0700 if it is missing: 0 if
 * only root can change it and the directories that lead to it, else
 * -errno with the reason in WHY (nothing is logged). */
int ew_cache_dir_ready(const char *dir, char *why, size_t len);


/*
 * Opens --output PATH for appending: never through a symbolic link, never
 * blocking (a FIFO), created 0600; refused unless it is a regular file the
 * effective user owns, with one link, not writable by group or others, in
 * a directory only root (or the effective user) can change. REOPEN: on
 * SIGHUP, whose messages are warnings. Returns the fd.
 */
int ew_output_open(const char *path, bool reopen);

/*
 * Opens --probe PATH for reading, as INVOKER (so a link to a file only root
 * may read is refused): never blocking, a regular file owned by root or
 * INVOKER and writable by nobody else, in a directory only they can change.
 * RELOAD: a reload's re-read, whose message is a warning. Returns the fd.
 */
int ew_probe_open(const char *path, uid_t invoker, bool reload);

#endif
