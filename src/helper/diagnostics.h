/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What clang says about a probe, as the user should read it: BCC and clang
 * write their messages to stderr, so the helper catches them in a memfd
 * during the compile, then names the user's file instead of BCC's
 * "/virtual/main.c" and drops the helper's private header directory.
 */
#ifndef EXECWATCH_DIAGNOSTICS_H
#define EXECWATCH_DIAGNOSTICS_H

struct ew_capture {
	int saved;	/* the real stderr, restored at the end */
	int fd;		/* the memfd that stands in for it */
};

/* Send stderr to a memfd until ew_capture_end(); negative errno. */
int ew_capture_start(struct ew_capture *c);

/* Restore stderr; a new string with what was written (NULL if none could
 * be read). */
char *ew_capture_end(struct ew_capture *c);

/* A new string: RAW with BCC's name for the probe replaced by NAME and
 * "HDR_DIR/" removed. NULL if out of memory. */
char *ew_diag_for_user(const char *raw, const char *name, const char *hdr_dir);

#endif
