// SPDX-License-Identifier: GPL-2.0
#include "invoker.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* SUDO_UID or SUDO_GID, when root was started by sudo; -1 otherwise. */
static long sudo_id(const char *var)
{
	const char *s = getuid() == 0 ? getenv(var) : NULL;
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v >= (long)UINT32_MAX)
		return -1;
	return v;
}

uid_t ew_invoker(void)
{
	long v = sudo_id("SUDO_UID");

	return v >= 0 ? (uid_t)v : getuid();
}

/* The invoker's group: SUDO_GID, else the one their passwd entry names. */
gid_t ew_invoker_gid(uid_t uid)
{
	struct passwd *pw;
	long v;

	if (uid == getuid())
		return getgid();
	v = sudo_id("SUDO_GID");
	if (v >= 0)
		return (gid_t)v;
	pw = getpwuid(uid);
	return pw ? pw->pw_gid : (gid_t)-1;
}

/* A file descriptor over a socket: the child that opened it as someone
 * else hands it back. */
static int send_fd(int sock, int fd, int err)
{
	char ctl[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &err, sizeof(err) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;

	if (fd >= 0) {
		mh.msg_control = ctl;
		mh.msg_controllen = sizeof(ctl);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	return sendmsg(sock, &mh, 0) == sizeof(err) ? 0 : -1;
}

static int recv_fd(int sock)
{
	char ctl[CMSG_SPACE(sizeof(int))];
	int err = -EIO, fd = -1;
	struct iovec iov = { &err, sizeof(err) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *cm;

	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != sizeof(err))
		return -EIO;
	cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd >= 0 ? fd : err < 0 ? err : -EIO;
}

/*
 * Opened as UID, with UID's groups (a child that becomes them, and hands
 * the descriptor back): what they could not read themselves, execwatch
 * does not read for them. Never through a final link: the caller resolved
 * the path and checked where it leads.
 */
int ew_open_as(const char *path, uid_t uid, gid_t gid)
{
	const int flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW;
	int sv[2], fd, status;
	pid_t pid;

	if (uid == geteuid()) {
		fd = open(path, flags);
		return fd < 0 ? -errno : fd;
	}
	if (gid == (gid_t)-1)
		return -EPERM;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -EAGAIN;
	}
	if (!pid) {
		struct passwd *pw = getpwuid(uid);
		gid_t groups[256];
		int n = 256;

		close(sv[0]);
		if (!pw || getgrouplist(pw->pw_name, gid, groups, &n) < 0 ||
		    setgroups(n, groups))
			n = setgroups(1, &gid);
		if (n < 0 || setresgid(gid, gid, gid) || setresuid(uid, uid, uid))
			_exit(send_fd(sv[1], -1, -EPERM) ? 1 : 0);
		fd = open(path, flags);
		_exit(send_fd(sv[1], fd, fd < 0 ? -errno : 0) ? 1 : 0);
	}
	close(sv[1]);
	fd = recv_fd(sv[0]);
	close(sv[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return fd;
}
