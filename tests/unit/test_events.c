// SPDX-License-Identifier: GPL-2.0
/* ew_decode: raw perf samples, well formed and not, built by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/types.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "probes/event.h"

#define HDR offsetof(struct ew_event, data)

static const struct ew_decode_limits lim_default = { 20, 4096 };

struct sample {
	union {
		struct ew_event e;
		unsigned char raw[HDR + 512];
	};
	size_t size;
};

static void sample_init(struct sample *s, const char *fname, size_t flen,
			const char *args, size_t alen)
{
	memset(s, 0, sizeof(*s));
	s->e.ts_ns = 2000;
	s->e.enter_ns = 1500;
	s->e.seq = 7;
	s->e.cpu = 3;
	s->e.pid = 4242;
	s->e.tid = 4243;
	s->e.ppid = 1;
	s->e.uid = 1000;
	s->e.version = EW_EVENT_VERSION;
	memcpy(s->e.comm, "bash", 4);
	s->e.filename_len = flen;
	s->e.args_len = alen;
	memcpy(s->raw + HDR, fname, flen);
	memcpy(s->raw + HDR + flen, args, alen);
	s->size = HDR + flen + alen;
}

static struct ew_exec *decode_ok(const struct sample *s,
				 const struct ew_decode_limits *lim)
{
	struct ew_exec *x = NULL;

	assert_int_equal(ew_decode(s->raw, s->size, lim, &x), 0);
	assert_non_null(x);
	return x;
}

static void assert_arg(const struct ew_exec *x, uint32_t i, const char *s,
		       bool cut)
{
	assert_true(i < x->nargs);
	assert_string_equal(x->args[i].s, s);
	assert_int_equal(x->args[i].len, strlen(s));
	assert_int_equal(x->args[i].cut, cut);
}

static void test_normal(void **state)
{
	static const char args[] = "prog\0\0x\0";	/* + the literal's NUL */
	struct sample s;
	struct ew_exec *x;

	sample_init(&s, "/usr/bin/prog", 14, args, sizeof(args));
	x = decode_ok(&s, &lim_default);
	assert_int_equal(x->ts_ns, 2000);
	assert_int_equal(x->enter_ns, 1500);
	assert_int_equal(x->seq, 7);
	assert_int_equal(x->cpu, 3);
	assert_int_equal(x->pid, 4242);
	assert_int_equal(x->tid, 4243);
	assert_int_equal(x->ppid, 1);
	assert_int_equal(x->uid, 1000);
	assert_int_equal(x->ret, 0);
	assert_string_equal(x->comm, "bash");
	assert_string_equal(x->filename, "/usr/bin/prog");
	assert_int_equal(x->filename_len, 13);
	assert_false(x->filename_cut);
	assert_false(x->filename_unreadable);
	assert_int_equal(x->nargs, 4);
	assert_arg(x, 0, "prog", false);
	assert_arg(x, 1, "", false);
	assert_arg(x, 2, "x", false);
	assert_arg(x, 3, "", false);
	assert_int_equal(x->argc, 4);
	assert_false(x->args_truncated);
	assert_false(x->args_unreadable);
	assert_false(x->execveat);
	free(x);
}

/* The result owns its strings: the sample can go away. */
static void test_self_contained(void **state)
{
	static const char args[] = "ls\0-l";
	struct sample s;
	struct ew_exec *x;

	sample_init(&s, "/bin/ls", 8, args, sizeof(args));
	x = decode_ok(&s, &lim_default);
	memset(&s, 'Z', sizeof(s));
	assert_string_equal(x->filename, "/bin/ls");
	assert_arg(x, 0, "ls", false);
	assert_arg(x, 1, "-l", false);
	assert_string_equal(x->comm, "bash");
	free(x);
}

static void test_negative_ret(void **state)
{
	struct sample s;
	struct ew_exec *x;

	sample_init(&s, "/nope", 6, "nope", 5);
	s.e.ret = -ENOENT;
	x = decode_ok(&s, &lim_default);
	assert_int_equal(x->ret, -ENOENT);
	free(x);
}

static void test_max_args(void **state)
{
	static const struct ew_decode_limits lim = { 2, 4096 };
	struct sample s;
	struct ew_exec *x;

	sample_init(&s, "/bin/a", 7, "a\0b\0c\0d", 8);
	x = decode_ok(&s, &lim);
	assert_int_equal(x->nargs, 2);
	assert_arg(x, 0, "a", false);
	assert_arg(x, 1, "b", false);
	assert_int_equal(x->argc, 4);
	assert_true(x->args_truncated);
	free(x);
}

static void test_max_args_exact(void **state)
{
	static const struct ew_decode_limits lim = { 4, 4096 };
	struct sample s;
	struct ew_exec *x;

	sample_init(&s, "/bin/a", 7, "a\0b\0c\0d", 8);
	x = decode_ok(&s, &lim);
	assert_int_equal(x->nargs, 4);
	assert_int_equal(x->argc, 4);
	assert_false(x->args_truncated);
	free(x);
}

static void test_max_arg_len(void **state)
{
	static const struct ew_decode_limits lim = { 20, 3 };
	struct sample s;
	struct ew_exec *x;

	sample_init(&s, "/bin/echo", 10, "echo\0abcdef\0abc\0z", 18);
	x = decode_ok(&s, &lim);
	assert_int_equal(x->nargs, 4);
	assert_arg(x, 0, "ech", true);
	assert_arg(x, 1, "abc", true);
	assert_arg(x, 2, "abc", false);
	assert_arg(x, 3, "z", false);
	assert_int_equal(x->argc, 4);
	assert_true(x->args_truncated);
	/* The file name is not subject to the argument limit. */
	assert_string_equal(x->filename, "/bin/echo");
	free(x);
}

static void test_last_arg_without_nul(void **state)
{
	struct sample s;
	struct ew_exec *x;

	sample_init(&s, "/bin/a", 7, "a\0bcd", 5);
	x = decode_ok(&s, &lim_default);
	assert_int_equal(x->nargs, 2);
	assert_arg(x, 0, "a", false);
	assert_arg(x, 1, "bcd", true);
	assert_true(x->args_truncated);
	free(x);
}

static void test_no_args(void **state)
{
	struct sample s;
	struct ew_exec *x;

	sample_init(&s, "/bin/a", 7, "", 0);
	x = decode_ok(&s, &lim_default);
	assert_int_equal(x->nargs, 0);
	assert_int_equal(x->argc, 0);
	assert_false(x->args_truncated);
	free(x);
}

static void expect_einval(const void *data, size_t size)
{
	struct ew_exec *x = (struct ew_exec *)&x;

	assert_int_equal(ew_decode(data, size, &lim_default, &x), -EINVAL);
	assert_null(x);
}

static void test_sizes_lie(void **state)
{
	struct sample s;

	sample_init(&s, "/bin/a", 7, "a\0b", 4);
	expect_einval(s.raw, s.size - 1);
	s.e.filename_len = 9;
	expect_einval(s.raw, s.size);
	s.e.filename_len = 7;
	s.e.args_len = 0xffff;
	expect_einval(s.raw, s.size);
	s.e.filename_len = 0xffff;
	s.e.args_len = 0xffff;
	expect_einval(s.raw, s.size);
}

/* Perf pads samples: more bytes than the sizes claim is fine. */
static void test_padding_allowed(void **state)
{
	struct sample s;
	struct ew_exec *x;

	sample_init(&s, "/bin/a", 7, "a\0b", 4);
	s.size += 5;
	x = decode_ok(&s, &lim_default);
	assert_int_equal(x->nargs, 2);
	assert_arg(x, 1, "b", false);
	free(x);
}

static void test_short_header(void **state)
{
	struct sample s;

	sample_init(&s, "", 0, "", 0);
	expect_einval(s.raw, HDR - 1);
	expect_einval(s.raw, 0);
	expect_einval(NULL, HDR);
}

static void test_header_only(void **state)
{
	struct sample s;
	struct ew_exec *x;

	sample_init(&s, "", 0, "", 0);
	x = decode_ok(&s, &lim_default);
	assert_string_equal(x->filename, "");
	assert_int_equal(x->filename_len, 0);
	assert_int_equal(x->nargs, 0);
	free(x);
}

static void test_wrong_version(void **state)
{
	struct sample s;

	sample_init(&s, "/bin/a", 7, "a", 2);
	s.e.version = EW_EVENT_VERSION + 1;
	expect_einval(s.raw, s.size);
	s.e.version = 0;
	expect_einval(s.raw, s.size);
}

static void test_filename_without_nul(void **state)
{
	struct sample s;
	struct ew_exec *x;

	sample_init(&s, "/bin/sh", 7, "sh\0-c", 6);
	x = decode_ok(&s, &lim_default);
	assert_string_equal(x->filename, "/bin/sh");
	assert_int_equal(x->filename_len, 7);
	assert_int_equal(x->nargs, 2);
	assert_arg(x, 0, "sh", false);
	assert_arg(x, 1, "-c", false);
	free(x);
}

/* Bytes after the file name's NUL are not part of it nor of argv. */
static void test_filename_nul_inside(void **state)
{
	struct sample s;
	struct ew_exec *x;

	sample_init(&s, "ab\0cd\0", 6, "a", 2);
	x = decode_ok(&s, &lim_default);
	assert_string_equal(x->filename, "ab");
	assert_int_equal(x->filename_len, 2);
	assert_int_equal(x->nargs, 1);
	assert_arg(x, 0, "a", false);
	free(x);
}

static void test_comm_full(void **state)
{
	struct sample s;
	struct ew_exec *x;

	sample_init(&s, "/bin/a", 7, "a", 2);
	memcpy(s.e.comm, "abcdefghijklmnop", 16);
	x = decode_ok(&s, &lim_default);
	assert_string_equal(x->comm, "abcdefghijklmnop");
	free(x);
}

static void test_comm_short(void **state)
{
	struct sample s;
	struct ew_exec *x;

	sample_init(&s, "/bin/a", 7, "a", 2);
	memcpy(s.e.comm, "ab\0garbagegarba", 16);
	x = decode_ok(&s, &lim_default);
	assert_string_equal(x->comm, "ab");
	free(x);
}

static struct ew_exec *decode_flags(uint32_t flags, uint32_t argc,
				    const char *args, size_t alen)
{
	struct sample s;

	sample_init(&s, "/bin/a", 7, args, alen);
	s.e.flags = flags;
	s.e.argc = argc;
	return decode_ok(&s, &lim_default);
}

static void test_flags(void **state)
{
	struct ew_exec *x;

	x = decode_flags(EW_F_ARGS_UNREADABLE, 0, "", 0);
	assert_true(x->args_unreadable);
	assert_false(x->execveat);
	assert_int_equal(x->argc, 0);
	assert_int_equal(x->flags, EW_F_ARGS_UNREADABLE);
	free(x);

	x = decode_flags(EW_F_SECUREEXEC | EW_F_REFUSED | EW_F_NO_RETURN |
			 EW_F_PTRACED, 0, "a", 2);
	assert_true(x->setuid);
	assert_true(x->ptraced);
	assert_true(x->refused);
	assert_true(x->no_return);
	assert_false(x->entered);
	assert_false(x->args_unreadable);
	assert_false(x->args_truncated);
	assert_int_equal(x->argc, 1);
	free(x);

	x = decode_flags(EW_F_FILENAME_TRUNCATED, 0, "a", 2);
	assert_true(x->filename_cut);
	assert_false(x->filename_unreadable);
	free(x);

	x = decode_flags(EW_F_FILENAME_UNREADABLE, 0, "a", 2);
	assert_true(x->filename_unreadable);
	assert_false(x->filename_cut);
	free(x);
}

static void test_argc_new_image_truncated(void **state)
{
	struct ew_exec *x;

	x = decode_flags(EW_F_NEW_IMAGE | EW_F_ARGS_TRUNCATED, 100,
			 "a\0b\0c", 6);
	assert_int_equal(x->nargs, 3);
	assert_int_equal(x->argc, 100);
	assert_true(x->args_truncated);
	free(x);

	/* An argc word smaller than what the area holds is not believed. */
	x = decode_flags(EW_F_NEW_IMAGE | EW_F_ARGS_TRUNCATED, 2,
			 "a\0b\0c", 6);
	assert_int_equal(x->argc, 3);
	assert_true(x->args_truncated);
	free(x);
}

static void test_argc_new_image_whole(void **state)
{
	struct ew_exec *x;

	x = decode_flags(EW_F_NEW_IMAGE, 100, "a\0b\0c", 6);
	assert_int_equal(x->nargs, 3);
	assert_int_equal(x->argc, 3);
	assert_false(x->args_truncated);
	free(x);

	x = decode_flags(EW_F_NEW_IMAGE, 0, "a\0b\0c", 6);
	assert_int_equal(x->argc, 3);
	free(x);
}

static void test_argc_old_args(void **state)
{
	struct ew_exec *x;

	/* A failed exec with more arguments than the probe reads. */
	x = decode_flags(EW_F_ARGC_TRUNCATED, 0, "a\0b", 4);
	assert_int_equal(x->nargs, 2);
	assert_int_equal(x->argc, 0);
	assert_true(x->args_truncated);
	free(x);

	x = decode_flags(EW_F_ARGS_TRUNCATED, 0, "a\0b", 4);
	assert_int_equal(x->argc, 0);
	assert_true(x->args_truncated);
	free(x);

	x = decode_flags(0, 0, "a\0b", 4);
	assert_int_equal(x->argc, 2);
	assert_false(x->args_truncated);
	free(x);
}

/* Layout 2: the cgroup names come first in data[], then file name, args. */

static void sample_init_cg(struct sample *s, const char *cg, size_t cglen,
			   const char *fname, size_t flen, const char *args,
			   size_t alen)
{
	sample_init(s, "", 0, "", 0);
	assert_true(cglen + flen + alen <= sizeof(s->raw) - HDR);
	s->e.cgroup_len = cglen;
	s->e.filename_len = flen;
	s->e.args_len = alen;
	memcpy(s->raw + HDR, cg, cglen);
	memcpy(s->raw + HDR + cglen, fname, flen);
	memcpy(s->raw + HDR + cglen + flen, args, alen);
	s->size = HDR + cglen + flen + alen;
}

static const char podman_cg[] =
	"machine.slice\0"
	"libpod-65253155845055398da31679e908c116416029856a633dabc15cb47530220170.scope\0"
	"container";	/* + the literal's NUL */

static void test_cgroup_names(void **state)
{
	static const char args[] = "sh\0-c\0id";
	struct ew_container c;
	struct sample s;
	struct ew_exec *x;

	sample_init_cg(&s, podman_cg, sizeof(podman_cg), "/bin/sh", 8, args,
		       sizeof(args));
	s.e.flags = EW_F_NS_KNOWN | EW_F_TTY | EW_F_NEW_IMAGE | EW_F_CGROUP_NAMES;
	s.e.cgroup_level = 3;
	s.e.cgroup_user_level = 3;
	s.e.cgroup_user_uid = 1000;
	s.e.cgroup_id = 0x100000000002aULL;
	s.e.mntns = 4026532251u;
	s.e.pidns = 4026532253u;
	s.e.parent_pidns = 4026531836u;
	s.e.ns_pid = 7;
	x = decode_ok(&s, &lim_default);
	assert_int_equal(x->cgroup.len, sizeof(podman_cg));
	assert_memory_equal(x->cgroup.names, podman_cg, sizeof(podman_cg));
	assert_string_equal(x->cgroup.names, "machine.slice");
	assert_string_equal(x->cgroup.names + 14, "libpod-65253155845055398da31679e908c116416029856a633dabc15cb47530220170.scope");
	assert_string_equal(x->cgroup.names + 92, "container");
	assert_int_equal(x->cgroup.names[x->cgroup.len], 0);
	assert_true(x->cgroup.known);
	assert_int_equal(x->cgroup.level, 3);
	assert_int_equal(x->cgroup.user_level, 3);
	assert_int_equal(x->cgroup.user_uid, 1000);
	/* The file name and args start after the names. */
	assert_string_equal(x->filename, "/bin/sh");
	assert_int_equal(x->filename_len, 7);
	assert_int_equal(x->nargs, 3);
	assert_arg(x, 0, "sh", false);
	assert_arg(x, 1, "-c", false);
	assert_arg(x, 2, "id", false);
	assert_int_equal(x->argc, 3);
	assert_false(x->args_truncated);
	/* The namespace fields. */
	assert_true(x->ns_known);
	assert_true(x->tty);
	assert_int_equal(x->cgroup_id, 0x100000000002aULL);
	assert_int_equal(x->mntns, 4026532251u);
	assert_int_equal(x->pidns, 4026532253u);
	assert_int_equal(x->parent_pidns, 4026531836u);
	assert_int_equal(x->ns_pid, 7);
	assert_int_equal(x->flags, EW_F_NS_KNOWN | EW_F_TTY | EW_F_NEW_IMAGE | EW_F_CGROUP_NAMES);
	/* The decoder leaves the labelling to the tracer. */
	assert_string_equal(x->container.id, "");
	assert_null(x->container.runtime);
	assert_null(x->alert);
	/* What the tracer hands the parser. */
	assert_int_equal(ew_container_parse(&x->cgroup, &c), EW_CT_SYSTEM);
	assert_string_equal(c.id, "65253155845055398da31679e908c116416029856a633dabc15cb47530220170");
	assert_string_equal(c.runtime, "podman");
	/* Owned by the result. */
	memset(&s, 'Z', sizeof(s));
	assert_memory_equal(x->cgroup.names, podman_cg, sizeof(podman_cg));
	free(x);
}

/* A failed exec carries the names too, before the caller's arguments. */
static void test_cgroup_names_failed_exec(void **state)
{
	static const char cg[] = "user.slice\0user-0.slice\0session-1.scope";
	struct sample s;
	struct ew_exec *x;

	sample_init_cg(&s, cg, sizeof(cg), "/nope", 6, "nope\0x", 7);
	s.e.ret = -ENOENT;
	x = decode_ok(&s, &lim_default);
	assert_int_equal(x->ret, -ENOENT);
	assert_int_equal(x->cgroup.len, sizeof(cg));
	assert_memory_equal(x->cgroup.names, cg, sizeof(cg));
	assert_string_equal(x->filename, "/nope");
	assert_int_equal(x->nargs, 2);
	assert_arg(x, 0, "nope", false);
	assert_arg(x, 1, "x", false);
	free(x);
}

static void test_cgroup_flags(void **state)
{
	struct sample s;
	struct ew_exec *x;

	sample_init_cg(&s, "a", 2, "/bin/a", 7, "a", 2);
	s.e.flags = EW_F_NS_KNOWN;
	x = decode_ok(&s, &lim_default);
	assert_true(x->ns_known);
	assert_false(x->tty);
	free(x);

	s.e.flags = EW_F_TTY;
	x = decode_ok(&s, &lim_default);
	assert_false(x->ns_known);
	assert_true(x->tty);
	free(x);

	s.e.flags = EW_F_ENTERED;
	s.e.entry = EW_ENTRY_COMPAT_EXECVEAT;
	x = decode_ok(&s, &lim_default);
	assert_false(x->ns_known);
	assert_false(x->tty);
	assert_true(x->entered);
	assert_true(x->execveat);
	free(x);
}

/* No names (the root cgroup, or no BTF): an empty string, not NULL. */
static void test_cgroup_empty(void **state)
{
	struct sample s;
	struct ew_exec *x;

	sample_init_cg(&s, "", 0, "/bin/a", 7, "a", 2);
	x = decode_ok(&s, &lim_default);
	assert_int_equal(x->cgroup.len, 0);
	assert_non_null(x->cgroup.names);
	assert_string_equal(x->cgroup.names, "");
	assert_false(x->cgroup.known);
	assert_string_equal(x->filename, "/bin/a");
	assert_arg(x, 0, "a", false);
	free(x);
}

/* A last name without its NUL is kept whole and still ends. */
static void test_cgroup_last_name_without_nul(void **state)
{
	struct sample s;
	struct ew_exec *x;

	sample_init_cg(&s, "root\0lea", 8, "/bin/a", 7, "a", 2);
	x = decode_ok(&s, &lim_default);
	assert_int_equal(x->cgroup.len, 8);
	assert_memory_equal(x->cgroup.names, "root\0lea", 8);
	assert_int_equal(x->cgroup.names[8], 0);
	assert_string_equal(x->filename, "/bin/a");
	assert_int_equal(x->nargs, 1);
	assert_arg(x, 0, "a", false);
	free(x);
}

static void test_cgroup_len_lies(void **state)
{
	struct sample s;

	sample_init_cg(&s, "a\0b", 4, "/bin/a", 7, "a\0b", 4);
	expect_einval(s.raw, s.size - 1);
	s.e.cgroup_len = 5;
	expect_einval(s.raw, s.size);
	s.e.cgroup_len = 0xffff;
	expect_einval(s.raw, s.size);
	/* Each alone fits the sample; together they do not. */
	s.e.cgroup_len = s.size - HDR;
	expect_einval(s.raw, s.size);
	s.e.cgroup_len = 0xffff;
	s.e.filename_len = 0xffff;
	s.e.args_len = 0xffff;
	expect_einval(s.raw, s.size);
	/* Back to the truth: fine. */
	s.e.cgroup_len = 4;
	s.e.filename_len = 7;
	s.e.args_len = 4;
	free(decode_ok(&s, &lim_default));
}

/* Layout 3: an interpreter between the file name and the arguments. */
static void sample_init_interp(struct sample *s, const char *fname,
			       const char *interp, const char *args, size_t alen)
{
	size_t fl = strlen(fname) + 1, il = strlen(interp) + 1;

	sample_init(s, "", 0, "", 0);
	assert_true(fl + il + alen <= sizeof(s->raw) - HDR);
	s->e.filename_len = fl;
	s->e.interp_len = il;
	s->e.args_len = alen;
	s->e.flags = EW_F_NEW_IMAGE;
	memcpy(s->raw + HDR, fname, fl);
	memcpy(s->raw + HDR + fl, interp, il);
	memcpy(s->raw + HDR + fl + il, args, alen);
	s->size = HDR + fl + il + alen;
}

static void expect_script(const char *args, size_t alen, uint32_t at,
			  const char *joined)
{
	struct ew_buf b = { 0 };
	struct sample s;
	struct ew_exec *x;

	sample_init_interp(&s, "./s.sh", "/bin/sh", args, alen);
	x = decode_ok(&s, &lim_default);
	assert_string_equal(x->interp, "/bin/sh");
	assert_int_equal(x->interp_len, 7);
	assert_string_equal(x->filename, "./s.sh");
	assert_int_equal(x->script_at, at);
	assert_int_equal(ew_exec_caller_args(x), at + 1);
	ew_joined_args(&b, x);
	assert_string_equal(b.p, joined);
	ew_buf_free(&b);
	free(x);
}

/* #!/bin/sh -e, #!/bin/sh, a nested script, and where the argv does not
 * show the script's path (then it is read as a binary's). */
static void test_scripts(void **state)
{
	static const char with_arg[] = "/bin/sh\0-e\0./s.sh\0x";
	static const char no_arg[] = "/bin/sh\0./s.sh\0x\0y";
	static const char nested[] = "/bin/sh\0./inner\0./s.sh\0x";
	static const char unknown[] = "/bin/sh\0-e\0other";
	static const char own_name[] = "/bin/sh\0./s.sh\0./s.sh\0x";

	expect_script(with_arg, sizeof(with_arg), 2, "./s.sh x");
	expect_script(no_arg, sizeof(no_arg), 1, "./s.sh x y");
	expect_script(nested, sizeof(nested), 2, "./s.sh x");
	expect_script(unknown, sizeof(unknown), 0, "./s.sh -e other");
	/* The ambiguous case docs/json.md describes: the first match wins. */
	expect_script(own_name, sizeof(own_name), 1, "./s.sh ./s.sh x");
}

static void test_binary_has_no_interpreter(void **state)
{
	struct sample s;
	struct ew_exec *x;

	sample_init(&s, "/bin/ls", 8, "ls\0/bin/ls", 10);
	x = decode_ok(&s, &lim_default);
	assert_null(x->interp);
	assert_int_equal(x->script_at, 0);
	assert_int_equal(ew_exec_caller_args(x), 1);
	free(x);
}

static void test_interp_len_lies(void **state)
{
	struct sample s;

	sample_init_interp(&s, "./s.sh", "/bin/sh", "a", 2);
	s.e.interp_len = 0xffff;
	expect_einval(s.raw, s.size);
	s.e.interp_len = s.size - HDR;
	expect_einval(s.raw, s.size);
}

static enum ew_exe_kind kind_of(uint32_t flags, const char *fname)
{
	struct sample s;
	struct ew_exec *x;
	enum ew_exe_kind k;

	sample_init(&s, fname, strlen(fname) + 1, "a", 2);
	s.e.flags = flags;
	x = decode_ok(&s, &lim_default);
	k = x->exe_kind;
	free(x);
	return k;
}

static void test_exe_kind(void **state)
{
	assert_int_equal(kind_of(0, "/bin/ls"), EW_EXE_FILE);
	assert_int_equal(kind_of(EW_F_EXE_FD, "/dev/fd/3"), EW_EXE_FD);
	assert_int_equal(kind_of(0, "/proc/self/fd/3"), EW_EXE_FD);
	assert_int_equal(kind_of(0, "/proc/thread-self/fd/12"), EW_EXE_FD);
	assert_int_equal(kind_of(0, "/proc/4242/fd/0"), EW_EXE_FD);
	assert_int_equal(kind_of(0, "/proc/self/fd/3x"), EW_EXE_FILE);
	assert_int_equal(kind_of(0, "/proc/self/fd/"), EW_EXE_FILE);
	assert_int_equal(kind_of(0, "/proc/x/fd/3"), EW_EXE_FILE);
	assert_int_equal(kind_of(0, "/proc/self/exe"), EW_EXE_FILE);
	/* What the image is beats how it was named. */
	assert_int_equal(kind_of(EW_F_EXE_FD | EW_F_EXE_MEMFD, "/dev/fd/3"),
			 EW_EXE_MEMFD);
	assert_int_equal(kind_of(EW_F_EXE_DELETED, "/proc/self/fd/3"),
			 EW_EXE_DELETED);
	assert_int_equal(kind_of(EW_F_EXE_MEMFD | EW_F_EXE_DELETED, "/x"),
			 EW_EXE_MEMFD);
}

static void test_ids_and_entry(void **state)
{
	struct sample s;
	struct ew_exec *x;

	sample_init(&s, "/usr/bin/passwd", 16, "passwd", 7);
	s.e.uid = 65534;
	s.e.gid = 65534;
	s.e.euid = 0;
	s.e.egid = 42;
	s.e.entry = EW_ENTRY_KERNEL;
	s.e.flags = EW_F_SECUREEXEC;
	x = decode_ok(&s, &lim_default);
	assert_int_equal(x->uid, 65534);
	assert_int_equal(x->gid, 65534);
	assert_int_equal(x->euid, 0);
	assert_int_equal(x->egid, 42);
	assert_int_equal(x->entry, EW_ENTRY_KERNEL);
	assert_true(x->setuid);
	assert_false(x->execveat);
	free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normal),
		cmocka_unit_test(test_self_contained),
		cmocka_unit_test(test_negative_ret),
		cmocka_unit_test(test_max_args),
		cmocka_unit_test(test_max_args_exact),
		cmocka_unit_test(test_max_arg_len),
		cmocka_unit_test(test_last_arg_without_nul),
		cmocka_unit_test(test_no_args),
		cmocka_unit_test(test_sizes_lie),
		cmocka_unit_test(test_padding_allowed),
		cmocka_unit_test(test_short_header),
		cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_wrong_version),
		cmocka_unit_test(test_filename_without_nul),
		cmocka_unit_test(test_filename_nul_inside),
		cmocka_unit_test(test_comm_full),
		cmocka_unit_test(test_comm_short),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_argc_new_image_truncated),
		cmocka_unit_test(test_argc_new_image_whole),
		cmocka_unit_test(test_argc_old_args),
		cmocka_unit_test(test_cgroup_names),
		cmocka_unit_test(test_cgroup_names_failed_exec),
		cmocka_unit_test(test_cgroup_flags),
		cmocka_unit_test(test_cgroup_empty),
		cmocka_unit_test(test_cgroup_last_name_without_nul),
		cmocka_unit_test(test_cgroup_len_lies),
		cmocka_unit_test(test_scripts),
		cmocka_unit_test(test_binary_has_no_interpreter),
		cmocka_unit_test(test_interp_len_lies),
		cmocka_unit_test(test_exe_kind),
		cmocka_unit_test(test_ids_and_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
