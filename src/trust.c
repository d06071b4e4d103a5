// SPDX-License-Identifier: GPL-2.0
#include "trust.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
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

static gid_t invoker_gid(void)
{
	long v = sudo_id("SUDO_GID");

	return v >= 0 ? (gid_t)v : getgid();
}

/* What is being checked, for whom: messages name the option and its path. */
struct check {
	const char *opt;	/* "--output", "--probe" */
	const char *path;	/* as the person gave it */
	uid_t also;		/* trusted besides root and the effective user */
	bool reload;		/* a reload's re-read: a warning, tracing goes on */
};

static void say(const struct check *c, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(const struct check *c, const char *hint, const char *fmt, ...)
{
	char msg[PATH_MAX * 2 + 256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->reload)
		ew_warn_hint(hint, "%s %s: %s", c->opt, c->path, msg);
	else
		ew_err_hint(hint, "%s %s: %s", c->opt, c->path, msg);
}

/* Root, the effective user, or C->also ((uid_t)-1: nobody else). */
static bool trusted_owner(uid_t uid, const struct check *c)
{
	return uid == 0 || uid == geteuid() || (c->also != (uid_t)-1 && uid == c->also);
}

/* Group-writable is others-writable, unless the group is root's. */
static bool others_may_write(const struct stat *st)
{
	return (st->st_mode & S_IWOTH) ||
	       ((st->st_mode & S_IWGRP) && st->st_gid != 0);
}

static const char dir_hint[] = "use a directory only root (or you) can change";

/* One directory on the way: theirs, and nobody else may add or rename
 * an entry in it (a sticky directory lets nobody rename another's). */
static int check_dir(const char *dir, const struct check *c)
{
	struct stat st;

	if (stat(dir, &st)) {
		int err = -errno;

		if (err == -ENOENT)
			say(c, "create it first, or name another place",
			    "directory %s does not exist", dir);
		else
			say(c, dir_hint, "cannot check directory %s: %s", dir, strerror(-err));
		return err;
	}
	if (!S_ISDIR(st.st_mode)) {
		say(c, dir_hint, "%s is not a directory", dir);
		return -ENOTDIR;
	}
	if (!trusted_owner(st.st_uid, c)) {
		say(c, dir_hint, "refused: directory %s belongs to uid %u, who could swap what it leads to",
		    dir, (unsigned)st.st_uid);
		return -EPERM;
	}
	if (others_may_write(&st) && !(st.st_mode & S_ISVTX)) {
		say(c, dir_hint, "refused: directory %s is writable by %s", dir,
		    st.st_mode & S_IWOTH ? "everyone" : "its group");
		return -EPERM;
	}
	return 0;
}

/* Each directory from the root down to DIR, and, where one is a link,
 * the link itself: nobody but the trusted may have made it. */
static int check_prefixes(const char *dir, const struct check *c, bool resolved)
{
	char p[PATH_MAX];
	size_t i, n = strlen(dir);
	int err;

	if (n >= sizeof(p))
		return -ENAMETOOLONG;
	err = check_dir("/", c);
	for (i = 2; i <= n && !err; i++) {
		struct stat st;

		if (i < n && dir[i] != '/')
			continue;
		memcpy(p, dir, i);
		p[i] = 0;
		if (!resolved && lstat(p, &st) == 0 && S_ISLNK(st.st_mode) &&
		    !trusted_owner(st.st_uid, c)) {
			say(c, "use a path without links other users made",
			    "refused: %s is a link uid %u made", p, (unsigned)st.st_uid);
			return -EPERM;
		}
		err = check_dir(p, c);
	}
	return err;
}

/* DIR as written (made absolute) and as resolved. */
static int check_dir_chain(const struct check *c, const char *dir_in)
{
	char dir[PATH_MAX], real[PATH_MAX], cwd[PATH_MAX];
	int err;

	if (dir_in[0] != '/') {
		if (!getcwd(cwd, sizeof(cwd)))
			return -errno;
		if (snprintf(dir, sizeof(dir), "%s/%s", strcmp(cwd, "/") ? cwd : "",
			     dir_in) >= (int)sizeof(dir))
			return -ENAMETOOLONG;
	} else if (snprintf(dir, sizeof(dir), "%s", dir_in) >= (int)sizeof(dir)) {
		return -ENAMETOOLONG;
	}
	err = check_prefixes(dir, c, false);
	if (err)
		return err;
	if (!realpath(dir, real)) {
		err = -errno;
		say(c, dir_hint, "cannot resolve %s: %s", dir, strerror(-err));
		return err;
	}
	return check_prefixes(real, c, true);
}

/* The file's directory. */
static int check_chain(const struct check *c)
{
	const char *slash = strrchr(c->path, '/');
	char dir[PATH_MAX];

	if (slash)
		snprintf(dir, sizeof(dir), "%.*s",
			 (int)(slash - c->path + (slash == c->path)), c->path);
	else
		snprintf(dir, sizeof(dir), ".");
	return check_dir_chain(c, dir);
}

int ew_dir_trusted(const char *dir, const char *opt)
{
	const struct check c = { opt, dir, (uid_t)-1, false };

	return check_dir_chain(&c, dir);
}

static int open_failed(const struct check *c, int err)
{
	if (err == -ELOOP)
		say(c, "name the file itself", "refused: it is a symbolic link");
	else if (err == -ENXIO)
		say(c, "name a regular file", "refused: not a regular file");
	else if (err == -ENOENT && !strcmp(c->opt, "--probe") && !c->reload)
		say(c, "'execwatch --print-source > my.bpf.c' writes the built-in probe to start from",
		    "cannot open it: %s", strerror(-err));
	else
		say(c, !c->reload ? "check that it exists and that you may use it" :
		    c->opt[2] == 'p' ? "still tracing with the probe already loaded" :
		    "still writing to the file open before",
		    "cannot open it: %s", strerror(-err));
	return err;
}

int ew_output_open(const char *path, bool reopen)
{
	const struct check c = { "--output", path, (uid_t)-1, reopen };
	const char *base = strrchr(path, '/');
	struct stat st;
	int fd, err;

	base = base ? base + 1 : path;
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		say(&c, "name a file", "is a directory");
		return -EISDIR;
	}
	err = check_chain(&c);
	if (err)
		return err;
	/* Said plainly before the open, whatever the kernel's protected_*
	 * settings would make of it; the open and fstat below decide. */
	if (lstat(path, &st) == 0) {
		if (S_ISLNK(st.st_mode))
			return open_failed(&c, -ELOOP);
		if (!S_ISREG(st.st_mode))
			return open_failed(&c, -ENXIO);
		if (st.st_uid != geteuid()) {
			say(&c, "remove it, or name another file",
			    "refused: it belongs to uid %u, not to uid %u running execwatch",
			    (unsigned)st.st_uid, (unsigned)geteuid());
			return -EPERM;
		}
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK |
		  O_NOCTTY | O_CLOEXEC, 0600);
	if (fd < 0)
		return open_failed(&c, -errno);
	if (fstat(fd, &st)) {
		err = -errno;
		say(&c, "check the file system", "cannot check it: %s", strerror(-err));
	} else if (!S_ISREG(st.st_mode)) {
		err = open_failed(&c, -ENXIO);
	} else if (st.st_uid != geteuid()) {
		say(&c, "remove it, or name another file",
		    "refused: it belongs to uid %u, not to uid %u running execwatch",
		    (unsigned)st.st_uid, (unsigned)geteuid());
		err = -EPERM;
	} else if (st.st_nlink != 1) {
		say(&c, "remove it, or name another file",
		    "refused: it has %lu hard links", (unsigned long)st.st_nlink);
		err = -EPERM;
	} else if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		say(&c, "chmod go-w it, or name another file",
		    "refused: mode %04o lets others write it", (unsigned)(st.st_mode & 07777));
		err = -EPERM;
	} else if (fcntl(fd, F_SETFL, O_APPEND) < 0) {
		err = -errno;
		say(&c, "check the file system", "%s", strerror(-err));
	}
	if (err) {
		close(fd);
		return err;
	}
	/* Command lines carry secrets (passwords in argv). */
	if (st.st_mode & S_IROTH)
		ew_warn_hint("chmod o-r it", "--output %s: every user can read it", path);
	return fd;
}

/* Opened with the invoker's file system ids: what they could not read
 * themselves, execwatch does not read for them. */
static int open_as(const char *path, uid_t uid, gid_t gid)
{
	int fd, err;

	if (uid != geteuid()) {
		setfsgid(gid);
		setfsuid(uid);
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	err = fd < 0 ? -errno : 0;
	if (uid != geteuid()) {
		setfsuid(geteuid());
		setfsgid(getegid());
	}
	return fd < 0 ? err : fd;
}

int ew_probe_open(const char *path, uid_t invoker, bool reload)
{
	const struct check c = { "--probe", path, invoker, reload };
	struct stat st;
	int fd, err;

	err = check_chain(&c);
	if (err)
		return err;
	fd = open_as(path, invoker, invoker == ew_invoker() ? invoker_gid() : invoker);
	if (fd < 0)
		return open_failed(&c, fd);
	err = 0;
	if (fstat(fd, &st)) {
		err = -errno;
		say(&c, "check the file system", "cannot check it: %s", strerror(-err));
	} else if (!S_ISREG(st.st_mode)) {
		say(&c, "pass the path of a BPF C source file", "refused: not a regular file");
		err = -EINVAL;
	} else if (!trusted_owner(st.st_uid, &c)) {
		say(&c, "copy it to a file of your own",
		    "refused: it belongs to uid %u, who could change it", (unsigned)st.st_uid);
		err = -EPERM;
	} else if (others_may_write(&st)) {
		say(&c, "chmod go-w it", "refused: others may write it");
		err = -EPERM;
	}
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}
