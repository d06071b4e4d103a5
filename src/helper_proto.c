// SPDX-License-Identifier: GPL-2.0
#include "helper_proto.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct ew_hdr {
	uint32_t type;
	uint32_t len;
};

static int send_all(int sock, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(sock, p, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

int ew_send(int sock, uint32_t type, const void *buf, size_t len)
{
	struct ew_hdr h = { .type = type, .len = len };
	int err;

	if (len > EW_MAX_FRAME)
		return -EMSGSIZE;
	err = send_all(sock, &h, sizeof(h));
	if (!err && len)
		err = send_all(sock, buf, len);
	return err;
}

int ew_send_str(int sock, uint32_t type, const char *s)
{
	return ew_send(sock, type, s, strlen(s));
}

int ew_send_fds(int sock, const struct ew_fd_desc *desc, const int *fds,
		int nfds)
{
	struct ew_hdr h = { .type = EW_MSG_FDS,
			    .len = nfds * sizeof(*desc) };
	char cbuf[CMSG_SPACE(sizeof(int) * EW_MAX_FDS)];
	struct iovec iov = { .iov_base = &h, .iov_len = sizeof(h) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	ssize_t n;

	if (nfds <= 0 || nfds > EW_MAX_FDS)
		return -EINVAL;
	memset(cbuf, 0, sizeof(cbuf));
	msg.msg_control = cbuf;
	msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	/* The header goes with the fds; a partial send of 8 bytes cannot happen. */
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n != sizeof(h))
		return -EIO;
	return send_all(sock, desc, h.len);
}

/* recvmsg for every read, so that fds arriving with any byte are kept. */
static int recv_all(int sock, void *buf, size_t len, struct ew_frame *f)
{
	char *p = buf;

	while (len) {
		char cbuf[CMSG_SPACE(sizeof(int) * EW_MAX_FDS)];
		struct iovec iov = { .iov_base = p, .iov_len = len };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = cbuf,
				      .msg_controllen = sizeof(cbuf) };
		struct cmsghdr *cm;
		ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);

		/* A signal mid-frame must not lose the frame's place. */
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
			int cnt, i;

			if (cm->cmsg_level != SOL_SOCKET ||
			    cm->cmsg_type != SCM_RIGHTS)
				continue;
			cnt = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (i = 0; i < cnt; i++) {
				int fd;

				memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int),
				       sizeof(int));
				if (f->nfds < EW_MAX_FDS)
					f->fds[f->nfds++] = fd;
				else
					close(fd);
			}
		}
		if (msg.msg_flags & MSG_CTRUNC)
			return -EMFILE;
		p += n;
		len -= n;
	}
	return 0;
}

int ew_recv(int sock, struct ew_frame *f)
{
	struct ew_hdr h;
	int err;

	memset(f, 0, sizeof(*f));
	err = recv_all(sock, &h, sizeof(h), f);
	if (err)
		goto fail;
	if (h.len > EW_MAX_FRAME) {
		err = -EMSGSIZE;
		goto fail;
	}
	f->type = h.type;
	f->len = h.len;
	f->data = malloc(h.len + 1);
	if (!f->data) {
		err = -ENOMEM;
		goto fail;
	}
	err = recv_all(sock, f->data, h.len, f);
	if (err)
		goto fail;
	f->data[h.len] = 0;
	return 0;
fail:
	ew_frame_free(f);
	return err;
}

void ew_frame_free(struct ew_frame *f)
{
	int i;

	for (i = 0; i < f->nfds; i++)
		close(f->fds[i]);
	free(f->data);
	memset(f, 0, sizeof(*f));
}
