// SPDX-License-Identifier: GPL-2.0
/*
 * seccomp_exec: an exec that seccomp refuses. A filter installed with
 * PR_SET_NO_NEW_PRIVS makes execve and execveat fail with EPERM, for the
 * x86_64 numbers and for the i386 ones (so int $0x80 execs are refused
 * too). Then it tries one exec. The system call is entered but never
 * runs: the test expects a failed exec with EPERM for this pid (or, for a
 * tracer that only reports successes, none), never a successful one.
 *
 *   seccomp_exec native PATH ARG...      execve(PATH, [PATH, ARG...])
 *   seccomp_exec native-at PATH ARG...   execveat(AT_FDCWD, PATH, ...)
 *   seccomp_exec compat PATH ARG...      execve through int $0x80
 *   seccomp_exec compat-at PATH ARG...   execveat(AT_FDCWD, ...) through int $0x80
 *
 * Output: "pid ppid" before the exec, then the errno it failed with (1,
 * EPERM). Exit 0 if that errno is EPERM, 1 if it is another one.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "compat32.h"

/* x32 system calls are x86_64 ones with this bit (not built into every kernel). */
#define X32_BIT		0x40000000
#define X32_NR_EXECVE	520
#define X32_NR_EXECVEAT	545

extern char **environ;

#define LOAD(field)	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field))
/* If A == k, go on; else skip `skip` instructions. */
#define IF_EQ(k, skip)	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), 0, (skip))
#define DENY_IF(nr)	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM)
#define ALLOW		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

static struct sock_filter filter[] = {
	LOAD(arch),
	IF_EQ(AUDIT_ARCH_X86_64, 10),
	LOAD(nr),
	DENY_IF(SYS_execve),
	DENY_IF(SYS_execveat),
	DENY_IF(X32_BIT | X32_NR_EXECVE),
	DENY_IF(X32_BIT | X32_NR_EXECVEAT),
	ALLOW,
	/* Not x86_64: i386, which is what int $0x80 is, also from a 64-bit task. */
	LOAD(arch),
	IF_EQ(AUDIT_ARCH_I386, 5),
	LOAD(nr),
	DENY_IF(C32_NR_EXECVE),
	DENY_IF(C32_NR_EXECVEAT),
	ALLOW,
};

static int install_filter(void)
{
	struct sock_fprog prog = {
		.len = sizeof(filter) / sizeof(filter[0]),
		.filter = filter,
	};

	/* Without CAP_SYS_ADMIN a filter needs no_new_privs; with it, it does no harm. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

/* The exec, made as mode says; the errno it failed with, or -1. */
static int try_exec(const char *mode, char **args)
{
	struct c32_exec e;

	if (!strcmp(mode, "native")) {
		execve(args[0], args, environ);
		return errno;
	}
	if (!strcmp(mode, "native-at")) {
		syscall(SYS_execveat, AT_FDCWD, args[0], args, environ, 0);
		return errno;
	}
	if (c32_build(&e, args[0], args, environ))
		return -1;
	if (!strcmp(mode, "compat"))
		return -c32_execve(&e);
	return -c32_execveat_cwd(&e);
}

static int known_mode(const char *mode)
{
	return !strcmp(mode, "native") || !strcmp(mode, "native-at") ||
	       !strcmp(mode, "compat") || !strcmp(mode, "compat-at");
}

int main(int argc, char **argv)
{
	int err;

	if (argc < 3 || !known_mode(argv[1])) {
		fprintf(stderr, "usage: seccomp_exec native|native-at|compat|compat-at PATH [ARG]...\n");
		return 2;
	}
	if (install_filter()) {
		perror("seccomp_exec: installing the filter");
		return 1;
	}
	printf("%d %d\n", getpid(), getppid());
	fflush(stdout);
	err = try_exec(argv[1], argv + 2);
	printf("%d\n", err);
	return err == EPERM ? 0 : 1;
}
