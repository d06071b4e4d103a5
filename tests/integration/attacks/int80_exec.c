// SPDX-License-Identifier: GPL-2.0
/*
 * int80_exec: a 64-bit process that execs through the 32-bit system call
 * entry, int $0x80. Tracers that attach only to the 64-bit execve and
 * execveat (their kprobes or the syscalls:sys_enter_execve tracepoints,
 * which ignore compat calls) never see these. The test runs it, reads the
 * ids it prints and expects one event for that pid with exactly the argv
 * given here.
 *
 *   int80_exec execve PATH ARG...        prints "pid ppid"; execve(PATH, [PATH, ARG...])
 *   int80_exec execveat PATH ARG...      prints "pid ppid"; execveat(AT_FDCWD, PATH, ...)
 *   int80_exec fail PATH ARG...          prints "pid ppid", then the errno of a failed
 *                                        execve of PATH (2, ENOENT, for a missing file)
 *   int80_exec fail-execveat PATH ARG... the same through execveat
 *
 * argv[0] of the new program is PATH, like execer's modes. The exec is made
 * by this process itself (no fork), so pid is the pid of the new image. On
 * an unexpected failure it prints to stderr and exits 127.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "compat32.h"

extern char **environ;

static void print_ids(void)
{
	printf("%d %d\n", getpid(), getppid());
	fflush(stdout);
}

static long do_exec(const char *mode, const struct c32_exec *e)
{
	if (!strcmp(mode, "execveat") || !strcmp(mode, "fail-execveat"))
		return c32_execveat_cwd(e);
	return c32_execve(e);
}

static int known_mode(const char *mode)
{
	return !strcmp(mode, "execve") || !strcmp(mode, "execveat") ||
	       !strcmp(mode, "fail") || !strcmp(mode, "fail-execveat");
}

int main(int argc, char **argv)
{
	const char *mode;
	struct c32_exec e;
	long ret;

	if (argc < 3 || !known_mode(argv[1])) {
		fprintf(stderr, "usage: int80_exec execve|execveat|fail|fail-execveat PATH [ARG]...\n");
		return 2;
	}
	mode = argv[1];
	if (c32_build(&e, argv[2], argv + 2, environ)) {
		perror("int80_exec: mmap(MAP_32BIT)");
		return 127;
	}
	print_ids();
	ret = do_exec(mode, &e);
	if (!strncmp(mode, "fail", 4)) {
		printf("%ld\n", -ret);
		return 0;
	}
	fprintf(stderr, "int80_exec: %s: %s\n", mode, strerror((int)-ret));
	return 127;
}
