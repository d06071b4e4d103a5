// SPDX-License-Identifier: GPL-2.0
/*
 * trust.h: what --output and --probe refuse, from files and directories
 * another user (uid 65534 here) made or may change. As root, which the
 * suite runs as; without root the cases that need chown are skipped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "trust.h"
#include "invoker.h"

#define OTHER 65534

static char dir[64];

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	return remove(p);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/ew-trust-XXXXXX");
	/* Others may pass through, as through a home directory's parents. */
	return mkdtemp(dir) && !chmod(dir, 0711) ? 0 : -1;
}

static int teardown(void **state)
{
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void need_root(void)
{
	if (geteuid() != 0)
		skip();
}

static char *at(const char *name)
{
	static char p[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

static void make_file(const char *path, mode_t mode, uid_t owner)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "int x;\n", 7), 7);
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
	assert_int_equal(chown(path, owner, owner), 0);
}

static void expect_fd(int fd)
{
	assert_true(fd >= 0);
	close(fd);
}

/* FN's result is -ERR, and its one line names WHAT. */
#define EXPECT_REFUSED(call, err, what)                                      \
	do {                                                                 \
		struct ew_test_log log_;                                     \
		char *got_;                                                  \
		int rc_;                                                     \
                                                                             \
		ew_test_log_start(&log_);                                    \
		rc_ = (call);                                                \
		got_ = ew_test_log_end(&log_);                               \
		if (rc_ >= 0)                                                \
			close(rc_);                                          \
		assert_int_equal(rc_, -(err));                               \
		if (!strstr(got_, (what)))                                   \
			fail_msg("no '%s' in: %s", (what), got_);            \
		assert_int_equal(strchr(got_, '\n') - got_ + 1, strlen(got_)); \
		free(got_);                                                  \
	} while (0)

/* A new file is made 0600, a second open appends to it. */
static void test_output_new_file(void **state)
{
	struct stat st;
	int fd = ew_output_open(at("new.log"), false);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "a\n", 2), 2);
	close(fd);
	fd = ew_output_open(at("new.log"), false);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "b\n", 2), 2);
	assert_int_equal(fstat(fd, &st), 0);
	close(fd);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 4);
	assert_int_equal(fcntl(fd = open(at("new.log"), O_RDONLY), F_GETFL) & O_NONBLOCK, 0);
	close(fd);
}

/* A link planted where the file should be: never followed. */
static void test_output_symlink(void **state)
{
	struct stat st;

	make_file(at("secret"), 0600, 0);
	assert_int_equal(symlink(at("secret"), at("link.log")), 0);
	EXPECT_REFUSED(ew_output_open(at("link.log"), false), ELOOP, "symbolic link");
	assert_int_equal(stat(at("secret"), &st), 0);
	assert_int_equal(st.st_size, 7);
}

/* A file someone else made, or left open to others, or linked twice. */
static void test_output_not_ours(void **state)
{
	need_root();
	make_file(at("theirs.log"), 0600, OTHER);
	EXPECT_REFUSED(ew_output_open(at("theirs.log"), false), EPERM, "belongs to uid 65534");
	make_file(at("open.log"), 0666, 0);
	EXPECT_REFUSED(ew_output_open(at("open.log"), false), EPERM, "mode 0666 lets others write it");
	make_file(at("one.log"), 0600, 0);
	assert_int_equal(link(at("one.log"), at("two.log")), 0);
	EXPECT_REFUSED(ew_output_open(at("two.log"), false), EPERM, "2 hard links");
}

/* A FIFO: refused at once, not waited on. */
static void test_output_fifo(void **state)
{
	assert_int_equal(mkfifo(at("fifo.log"), 0600), 0);
	alarm(5);
	EXPECT_REFUSED(ew_output_open(at("fifo.log"), false), ENXIO, "not a regular file");
	alarm(0);
}

/* A directory another user may change, anywhere on the way. */
static void test_output_untrusted_dirs(void **state)
{
	need_root();
	assert_int_equal(mkdir(at("users"), 0755), 0);
	assert_int_equal(chown(at("users"), OTHER, OTHER), 0);
	EXPECT_REFUSED(ew_output_open(at("users/x.log"), false), EPERM,
		       "belongs to uid 65534, who could swap what it leads to");
	assert_int_equal(mkdir(at("open"), 0777), 0);
	assert_int_equal(chmod(at("open"), 0777), 0);
	EXPECT_REFUSED(ew_output_open(at("open/x.log"), false), EPERM, "is writable by everyone");
	/* A sticky one (like /tmp) on the way is fine: nobody renames
	 * another's entry. As the file's own directory it is not: anyone
	 * could make the file's next name before a rotation. */
	assert_int_equal(mkdir(at("sticky"), 0777), 0);
	assert_int_equal(chmod(at("sticky"), 01777), 0);
	EXPECT_REFUSED(ew_output_open(at("sticky/x.log"), false), EPERM,
		       "sticky is writable by everyone");
	assert_int_equal(mkdir(at("sticky/mine"), 0700), 0);
	expect_fd(ew_output_open(at("sticky/mine/x.log"), false));
	/* Deeper: a root directory inside someone else's. */
	assert_int_equal(mkdir(at("users/root"), 0700), 0);
	EXPECT_REFUSED(ew_output_open(at("users/root/x.log"), false), EPERM, "belongs to uid 65534");
	/* A link to a good directory, made by someone else. */
	assert_int_equal(mkdir(at("good"), 0700), 0);
	assert_int_equal(symlink(at("good"), at("viaother")), 0);
	assert_int_equal(lchown(at("viaother"), OTHER, OTHER), 0);
	EXPECT_REFUSED(ew_output_open(at("viaother/x.log"), false), EPERM, "is a link uid 65534 made");
	/* The same link, root's: followed. */
	assert_int_equal(symlink(at("good"), at("viaroot")), 0);
	expect_fd(ew_output_open(at("viaroot/x.log"), false));
	/* A root link into someone else's directory: the target is checked. */
	assert_int_equal(symlink(at("users"), at("intousers")), 0);
	EXPECT_REFUSED(ew_output_open(at("intousers/x.log"), false), EPERM, "belongs to uid 65534");
}

/* On SIGHUP, the same refusals are warnings: tracing goes on. */
static void test_output_reopen_warns(void **state)
{
	assert_int_equal(symlink("/etc/passwd", at("rot.log")), 0);
	EXPECT_REFUSED(ew_output_open(at("rot.log"), true), ELOOP,
		       "warning: --output");
}

/* An ACL that lets a named user write counts as others writing. */
static void test_output_acl(void **state)
{
	/* version 2; user::rwx, user:65534:rwx, group::r-x, mask::rwx, other::r-x */
	static const unsigned char acl[] = {
		2, 0, 0, 0,
		0x01, 0, 7, 0, 0xff, 0xff, 0xff, 0xff,
		0x02, 0, 7, 0, 0xfe, 0xff, 0, 0,
		0x04, 0, 5, 0, 0xff, 0xff, 0xff, 0xff,
		0x10, 0, 7, 0, 0xff, 0xff, 0xff, 0xff,
		0x20, 0, 5, 0, 0xff, 0xff, 0xff, 0xff,
	};

	need_root();
	assert_int_equal(mkdir(at("acl"), 0755), 0);
	if (setxattr(at("acl"), "system.posix_acl_access", acl, sizeof(acl), 0))
		skip();		/* a file system without ACLs */
	EXPECT_REFUSED(ew_output_open(at("acl/x.log"), false), EPERM, "users its ACL names");
}

/* Group 0 is root's only if no one else is in it. */
static void test_output_group_root(void **state)
{
	need_root();
	assert_int_equal(mkdir(at("grp"), 0775), 0);
	assert_int_equal(chmod(at("grp"), 0775), 0);
	assert_int_equal(chown(at("grp"), 0, 0), 0);
	/* On this machine group 0 holds root alone (Debian's default). */
	expect_fd(ew_output_open(at("grp/x.log"), false));
	assert_int_equal(chown(at("grp"), 0, OTHER), 0);
	EXPECT_REFUSED(ew_output_open(at("grp/y.log"), false), EPERM, "writable by its group");
}

static void test_output_directory_name(void **state)
{
	EXPECT_REFUSED(ew_output_open(at(""), false), EISDIR, "is a directory");
}

/* The probe: the invoker's own files are fine, others' are not. */
static void test_probe_owner(void **state)
{
	need_root();
	make_file(at("mine.bpf.c"), 0644, 0);
	expect_fd(ew_probe_open(at("mine.bpf.c"), 0, false));
	make_file(at("theirs.bpf.c"), 0644, OTHER);
	EXPECT_REFUSED(ew_probe_open(at("theirs.bpf.c"), 0, false), EPERM,
		       "belongs to uid 65534, who could change it");
	make_file(at("open.bpf.c"), 0666, 0);
	EXPECT_REFUSED(ew_probe_open(at("open.bpf.c"), 0, false), EPERM, "others may write it");
}

/* Under sudo, the person who ran it: their directory and file, read as
 * them, so a link to what only root may read gets nowhere. */
static void test_probe_invoker(void **state)
{
	need_root();
	assert_int_equal(mkdir(at("home"), 0755), 0);
	assert_int_equal(chown(at("home"), OTHER, OTHER), 0);
	make_file(at("home/p.bpf.c"), 0644, OTHER);
	expect_fd(ew_probe_open(at("home/p.bpf.c"), OTHER, false));
	/* Root, not the invoker, may not use it: the user could swap it. */
	EXPECT_REFUSED(ew_probe_open(at("home/p.bpf.c"), 0, false), EPERM,
		       "belongs to uid 65534");
	make_file(at("shadow"), 0600, 0);
	assert_int_equal(symlink(at("shadow"), at("home/s.bpf.c")), 0);
	assert_int_equal(lchown(at("home/s.bpf.c"), OTHER, OTHER), 0);
	EXPECT_REFUSED(ew_probe_open(at("home/s.bpf.c"), OTHER, false), EACCES,
		       "Permission denied");
}

/* A link from a good directory to a probe in one others can write: where
 * it leads is checked too (its directory is the quote path). */
static void test_probe_link_into_open_directory(void **state)
{
	need_root();
	assert_int_equal(mkdir(at("pub"), 0777), 0);
	assert_int_equal(chmod(at("pub"), 01777), 0);
	make_file(at("pub/p.bpf.c"), 0644, 0);
	assert_int_equal(symlink(at("pub/p.bpf.c"), at("via.bpf.c")), 0);
	EXPECT_REFUSED(ew_probe_open(at("via.bpf.c"), 0, false), EPERM,
		       "pub is writable by everyone");
	EXPECT_REFUSED(ew_probe_open(at("pub/p.bpf.c"), 0, false), EPERM,
		       "pub is writable by everyone");
}

/* Read as the invoker with the invoker's own groups, not root's: a file
 * only group root may read stays unread. */
static void test_probe_invoker_groups(void **state)
{
	need_root();
	assert_int_equal(mkdir(at("h2"), 0755), 0);
	assert_int_equal(chown(at("h2"), OTHER, OTHER), 0);
	make_file(at("rootgroup"), 0640, 0);
	assert_int_equal(chown(at("rootgroup"), 0, 0), 0);
	assert_int_equal(symlink(at("rootgroup"), at("h2/g.bpf.c")), 0);
	assert_int_equal(lchown(at("h2/g.bpf.c"), OTHER, OTHER), 0);
	/* The link leads into root's directory: fine; the file: not theirs
	 * to read. */
	EXPECT_REFUSED(ew_probe_open(at("h2/g.bpf.c"), OTHER, false), EACCES,
		       "Permission denied");
}

/* A FIFO swapped in for the probe: refused at once; on a reload, a warning. */
static void test_probe_fifo(void **state)
{
	assert_int_equal(mkfifo(at("p.fifo"), 0600), 0);
	alarm(5);
	EXPECT_REFUSED(ew_probe_open(at("p.fifo"), 0, false), EINVAL, "not a regular file");
	EXPECT_REFUSED(ew_probe_open(at("p.fifo"), 0, true), EINVAL, "warning: --probe");
	alarm(0);
}

static void test_dir_trusted(void **state)
{
	assert_int_equal(ew_dir_trusted(dir, "TMPDIR", true), 0);
	assert_int_equal(ew_dir_trusted("/", "TMPDIR", true), 0);
	/* Sticky and open to all (/tmp): fine for TMPDIR, where execwatch
	 * makes a private directory; never for headers it reads. */
	assert_int_equal(mkdir(at("tmp"), 01777), 0);
	assert_int_equal(chmod(at("tmp"), 01777), 0);
	assert_int_equal(ew_dir_trusted(at("tmp"), "TMPDIR", true), 0);
	EXPECT_REFUSED(ew_dir_trusted(at("tmp"), "--kernel-headers", false), EPERM,
		       "writable by everyone");
	assert_int_equal(chmod(at("tmp"), 0777), 0);
	EXPECT_REFUSED(ew_dir_trusted(at("tmp"), "TMPDIR", true), EPERM,
		       "writable by everyone");
	need_root();
	assert_int_equal(mkdir(at("headers"), 0755), 0);
	assert_int_equal(chown(at("headers"), OTHER, OTHER), 0);
	EXPECT_REFUSED(ew_dir_trusted(at("headers"), "--kernel-headers", false), EPERM,
		       "--kernel-headers");
}

/* SUDO_UID counts only for a root start, and only as a number. */
static void test_invoker(void **state)
{
	unsetenv("SUDO_UID");
	assert_int_equal(ew_invoker(), getuid());
	setenv("SUDO_UID", "1000", 1);
	assert_int_equal(ew_invoker(), getuid() == 0 ? 1000 : getuid());
	setenv("SUDO_UID", "1000x", 1);
	assert_int_equal(ew_invoker(), getuid());
	setenv("SUDO_UID", "-5", 1);
	assert_int_equal(ew_invoker(), getuid());
	unsetenv("SUDO_UID");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_new_file),
		cmocka_unit_test(test_output_symlink),
		cmocka_unit_test(test_output_not_ours),
		cmocka_unit_test(test_output_fifo),
		cmocka_unit_test(test_output_untrusted_dirs),
		cmocka_unit_test(test_output_reopen_warns),
		cmocka_unit_test(test_output_acl),
		cmocka_unit_test(test_output_group_root),
		cmocka_unit_test(test_output_directory_name),
		cmocka_unit_test(test_probe_owner),
		cmocka_unit_test(test_probe_invoker),
		cmocka_unit_test(test_probe_link_into_open_directory),
		cmocka_unit_test(test_probe_invoker_groups),
		cmocka_unit_test(test_probe_fifo),
		cmocka_unit_test(test_dir_trusted),
		cmocka_unit_test(test_invoker),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
