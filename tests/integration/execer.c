// SPDX-License-Identifier: GPL-2.0
/*
 * The integration tests' exec driver: starts execs in the ways that trip
 * tracers up and prints the process ids the test must then find.
 *
 *   execer fork-execv PATH ARG...   fork; the child execv()s; prints "pid ppid"
 *   execer thread-exec PATH ARG...  a non-leader thread execv()s; prints "tgid tid ppid"
 *   execer execveat PATH ARG...     execveat(AT_FDCWD, PATH); prints "pid ppid"
 *   execer fexecve PATH ARG...      execveat(fd, "", AT_EMPTY_PATH); prints "pid ppid fd"
 *   execer fail PATH ARG...         an execv() that fails; prints "pid ppid errno"
 *
 * Every mode prints before the exec and flushes, so the test knows whom to
 * look for; argv is passed to the kernel exactly as given.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static char **args;

static int do_execveat(int fd, const char *path, int flags)
{
	return syscall(SYS_execveat, fd, path, args, environ, flags);
}

static void *thread_main(void *unused)
{
	printf("%d %ld %d\n", getpid(), (long)syscall(SYS_gettid), getppid());
	fflush(stdout);
	execv(args[0], args);
	perror("execv");
	exit(127);
}

static int wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) < 0)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(int argc, char **argv)
{
	const char *mode;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: execer MODE PATH [ARG]...\n");
		return 2;
	}
	mode = argv[1];
	args = argv + 2;
	if (!strcmp(mode, "fork-execv")) {
		pid = fork();
		if (pid == 0) {
			execv(args[0], args);
			_exit(127);
		}
		printf("%d %d\n", pid, getpid());
		fflush(stdout);
		return wait_child(pid);
	}
	if (!strcmp(mode, "thread-exec")) {
		pthread_t t;

		pthread_create(&t, NULL, thread_main, NULL);
		pthread_join(t, NULL);
		return 1;
	}
	if (!strcmp(mode, "execveat")) {
		printf("%d %d\n", getpid(), getppid());
		fflush(stdout);
		do_execveat(AT_FDCWD, args[0], 0);
		perror("execveat");
		return 127;
	}
	if (!strcmp(mode, "fexecve")) {
		int fd = open(args[0], O_RDONLY | O_CLOEXEC);

		printf("%d %d %d\n", getpid(), getppid(), fd);
		fflush(stdout);
		do_execveat(fd, "", AT_EMPTY_PATH);
		perror("fexecve");
		return 127;
	}
	if (!strcmp(mode, "fail")) {
		printf("%d %d\n", getpid(), getppid());
		fflush(stdout);
		execv(args[0], args);
		printf("%d\n", errno);
		return 0;
	}
	fprintf(stderr, "execer: unknown mode %s\n", mode);
	return 2;
}
