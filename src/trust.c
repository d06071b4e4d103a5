// SPDX-License-Identifier: GPL-2.0
#include "trust.h"
#include "invoker.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

/* What is being checked, for whom: messages name the option and its path. */
struct check {
	const char *opt;	/* "--output", "--probe" */
	const char *path;	/* as the person gave it */
	uid_t also;		/* trusted besides root and the effective user */
	bool reload;		/* a reload's re-read: a warning, tracing goes on */
	bool sticky_ok;		/* the directory itself may be sticky (TMPDIR) */
	char *why;		/* not NULL: the message goes here, not to the log */
	size_t why_len;
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
	if (c->why)
		snprintf(c->why, c->why_len, "%s: %s", c->path, msg);
	else if (c->reload)
		ew_warn_hint(hint, "%s %s: %s", c->opt, c->path, msg);
	else
		ew_err_hint(hint, "%s %s: %s", c->opt, c->path, msg);
}

/* Root, the effective user, or C->also ((uid_t)-1: nobody else). */
static bool trusted_owner(uid_t uid, const struct check *c)
{
	return uid == 0 || uid == geteuid() || (c->also != (uid_t)-1 && uid == c->also);
}

/*
 * Group 0 counts as root only if root is all it holds: no other user has
 * it as a supplementary or primary group. Decided once, before the loop
 * (which may not read /etc/group).
 */
static bool group_root_is_root_alone(void)
{
	static int known = -1;
	struct passwd *pw;
	struct group *gr;
	char **m;

	if (known >= 0)
		return known;
	known = 1;
	gr = getgrgid(0);
	for (m = gr ? gr->gr_mem : NULL; m && *m; m++)
		if (strcmp(*m, "root"))
			known = 0;
	setpwent();
	while (known && (pw = getpwent()))
		if (pw->pw_gid == 0 && pw->pw_uid != 0)
			known = 0;
	endpwent();
	return known;
}

/* POSIX ACL entries (linux/posix_acl_xattr.h). */
#define ACL_TAG_USER	0x02
#define ACL_TAG_GROUP	0x08
#define ACL_TAG_MASK	0x10
#define ACL_PERM_WRITE	0x02

/* An access ACL that lets a named user or group write: the mode's group
 * bits only show its mask. */
static bool acl_lets_others_write(const char *path, const struct check *c)
{
	unsigned char buf[4 + 8 * 64];
	ssize_t n = lgetxattr(path, "system.posix_acl_access", buf, sizeof(buf));
	bool named = false, mask = true;
	ssize_t i;

	if (n < 0)
		return errno == ERANGE;	/* too many entries to be harmless */
	for (i = 4; i + 8 <= n; i += 8) {
		unsigned tag = buf[i] | buf[i + 1] << 8;
		unsigned perm = buf[i + 2] | buf[i + 3] << 8;
		uint32_t id = buf[i + 4] | buf[i + 5] << 8 | buf[i + 6] << 16 |
			      (uint32_t)buf[i + 7] << 24;

		if (tag == ACL_TAG_MASK)
			mask = perm & ACL_PERM_WRITE;
		else if ((perm & ACL_PERM_WRITE) &&
			 ((tag == ACL_TAG_USER && !trusted_owner(id, c)) ||
			  (tag == ACL_TAG_GROUP && id != 0)))
			named = true;
	}
	return named && mask;
}

/* Who, besides root and C's trusted users, may write PATH (a file, or add
 * and rename entries in a directory): NULL for nobody. */
static const char *others_may_write(const char *path, const struct stat *st,
				    const struct check *c)
{
	if (st->st_mode & S_IWOTH)
		return "everyone";
	if (acl_lets_others_write(path, c))
		return "users its ACL names";
	/* Only then the user database: most starts never read it. */
	if ((st->st_mode & S_IWGRP) && (st->st_gid != 0 || !group_root_is_root_alone()))
		return "its group";
	return NULL;
}

static const char dir_hint[] = "use a directory only root (or you) can change";

/*
 * One directory on the way: theirs, and nobody else may add or rename an
 * entry in it. A sticky one (/tmp) is fine on the way, since nobody can
 * rename another's entry there; as the file's own directory it is not,
 * since anyone could make the file's neighbours, or its next name.
 */
static int check_dir(const char *dir, const struct check *c, bool own)
{
	const char *who;
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
	who = others_may_write(dir, &st, c);
	if (who && (own || !(st.st_mode & S_ISVTX))) {
		say(c, dir_hint, "refused: directory %s is writable by %s", dir, who);
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
	err = check_dir("/", c, n == 1 && !c->sticky_ok);
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
		err = check_dir(p, c, i == n && !c->sticky_ok);
	}
	return err;
}

/* DIR_IN (absolute, or from the current directory) as written, and as
 * resolved into REAL. */
static int check_dir_chain(const struct check *c, const char *dir_in, char *real)
{
	char dir[PATH_MAX], cwd[PATH_MAX];
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

/* PATH's directory. */
static void dir_of(const char *path, char *dir)
{
	const char *slash = strrchr(path, '/');

	if (slash)
		snprintf(dir, PATH_MAX, "%.*s", (int)(slash - path + (slash == path)), path);
	else
		snprintf(dir, PATH_MAX, ".");
}

int ew_dir_trusted(const char *dir, const char *opt, bool sticky_ok)
{
	const struct check c = { opt, dir, (uid_t)-1, false, sticky_ok };
	char real[PATH_MAX];

	return check_dir_chain(&c, dir, real);
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
	/* Known before the loop, whose reopens may not read /etc/group. */
	group_root_is_root_alone();
	const struct check c = { "--output", path, (uid_t)-1, reopen };
	const char *base = strrchr(path, '/');
	char dir[PATH_MAX], real[PATH_MAX];
	struct stat st;
	int fd, err;

	base = base ? base + 1 : path;
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		say(&c, "name a file", "is a directory");
		return -EISDIR;
	}
	dir_of(path, dir);
	err = check_dir_chain(&c, dir, real);
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
	} else if (others_may_write(path, &st, &c)) {
		say(&c, "chmod go-w it (and remove any ACL), or name another file",
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

int ew_probe_open(const char *path, uid_t invoker, bool reload)
{
	const struct check c = { "--probe", path, invoker, reload };
	char dir[PATH_MAX], real[PATH_MAX], real_dir[PATH_MAX], resolved[PATH_MAX];
	struct stat st;
	int fd, err;

	/* The path as written, then where it leads: a link to a file in a
	 * directory others can write would let them swap it or plant its
	 * headers (the quote path is that directory). */
	dir_of(path, dir);
	err = check_dir_chain(&c, dir, real);
	if (err)
		return err;
	if (!realpath(path, resolved))
		return open_failed(&c, -errno);
	dir_of(resolved, dir);
	err = check_dir_chain(&c, dir, real_dir);
	if (err)
		return err;
	fd = ew_open_as(resolved, invoker, ew_invoker_gid(invoker));
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
	} else if (others_may_write(resolved, &st, &c)) {
		say(&c, "chmod go-w it", "refused: others may write it");
		err = -EPERM;
	}
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int ew_cache_dir_ready(const char *dir, char *why, size_t len)
{
	const struct check c = { "--cache-dir", dir, (uid_t)-1, false, false, why, len };
	char parent[PATH_MAX], real[PATH_MAX];
	struct stat st;
	int err;

	if (lstat(dir, &st) && errno == ENOENT) {
		dir_of(dir, parent);
		err = check_dir_chain(&c, parent, real);
		if (err)
			return err;
		if (mkdir(dir, 0700) && errno != EEXIST) {
			err = -errno;
			say(&c, NULL, "cannot create it: %s", strerror(-err));
			return err;
		}
	}
	return check_dir_chain(&c, dir, real);
}
