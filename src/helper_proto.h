/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The socket protocol between execwatch and its compile helper: framed
 * messages over a stream socketpair, file descriptors riding on a frame
 * as SCM_RIGHTS.
 */
#ifndef EXECWATCH_HELPER_PROTO_H
#define EXECWATCH_HELPER_PROTO_H

#include <stddef.h>
#include <stdint.h>

/* The helper reads its socket from this descriptor. */
#define EW_HELPER_FD 3
#define EW_MAX_FRAME (16u << 20)
#define EW_MAX_FDS 64
#define EW_NAME_LEN 64

enum ew_msg_type {
	/* tracer -> helper */
	EW_REQ_SOURCE = 1,	/* probe text */
	EW_REQ_NAME,		/* file name to show in diagnostics */
	EW_REQ_HEADER,		/* "name\0text": a header the probe may include */
	EW_REQ_CFLAG,		/* one compiler flag */
	EW_REQ_ATTACH,		/* "auto", "kprobe" or "tracepoint" */
	EW_REQ_VERBOSE,
	EW_REQ_DRY_RUN,		/* resolve flags, compile nothing */
	EW_REQ_GO,		/* end of request */
	EW_REQ_WORKDIR,		/* the empty private directory for the probe's headers */
	EW_REQ_CACHE,		/* the compile cache's directory, checked by execwatch */
	EW_REQ_GEN,		/* the probe's generation, written into its gen map */
	EW_REQ_PIN,		/* "map\0macro\0path": a map the probe opens where it is pinned */
	/* helper -> tracer */
	EW_MSG_INFO = 64,	/* a line for --verbose */
	EW_MSG_WARN,		/* a line always worth showing */
	EW_MSG_DIAG,		/* compiler or verifier output, already mapped to the user's file */
	EW_MSG_ERROR,		/* "message\0hint" */
	EW_MSG_CFLAG,		/* one final flag (dry run) */
	EW_MSG_ATTACH,		/* the mechanism used */
	EW_MSG_FDS,		/* struct ew_fd_desc[] with the fds attached */
	EW_MSG_DONE,
};

enum ew_fd_kind {
	EW_FD_MAP = 1,
	EW_FD_LINK,		/* a perf event holding an attached program */
};

struct ew_fd_desc {
	uint32_t kind;
	uint32_t map_type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	char name[EW_NAME_LEN];
};

struct ew_frame {
	uint32_t type;
	uint32_t len;
	char *data;		/* len bytes plus a NUL, owned by the frame */
	int fds[EW_MAX_FDS];
	int nfds;
};

int ew_send(int sock, uint32_t type, const void *buf, size_t len);
int ew_send_str(int sock, uint32_t type, const char *s);
int ew_send_fds(int sock, const struct ew_fd_desc *desc, const int *fds,
		int nfds);
/* Returns 0, -errno, or -EPIPE at end of stream. */
int ew_recv(int sock, struct ew_frame *f);
void ew_frame_free(struct ew_frame *f);

#endif
