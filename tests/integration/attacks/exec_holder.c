// SPDX-License-Identifier: GPL-2.0
/*
 * exec_holder: the "blind the tracer" attack. It holds N of its own
 * children stopped inside execve, at the PTRACE_EVENT_EXEC stop: each has
 * entered execve and has its new image, but execve has not returned, so a
 * tracer that keeps per-task state from syscall entry to exit has N
 * entries in flight. The test starts it, waits for "holding N", execs
 * under it and checks that those execs are still seen.
 *
 *   exec_holder N [PATH]      PATH defaults to /bin/true; it never runs.
 *                             exit0, built beside this, is the cheapest
 *                             (no interpreter to map): 20000 held in about
 *                             1-1.5 s and 0.7 GB on 2 cores, /bin/true
 *                             1.1-2 s and 1.3-1.7 GB.
 *
 * Output: "holding N" on stdout (flushed) once all N are stopped inside
 * execve; progress and errors on stderr. It then waits. On SIGTERM, SIGINT
 * or EOF on stdin (so give it a pipe, not /dev/null) it SIGKILLs every
 * child, reaps them all and exits 0. PTRACE_O_EXITKILL kills the children
 * if the holder itself is killed. Exit 1 if a child could not be started
 * or held (e.g. RLIMIT_NPROC or pid_max), after the same clean-up; 2 on a
 * usage error.
 *
 * Speed: the children are clone(CLONE_VM) children on small stacks of
 * their own, not fork()s, so starting one copies no page tables; each one
 * gets its own mm only from its execve. Until then it shares the holder's
 * memory, so it makes bare system calls through syscall() only (no libc
 * state: no raise(), whose cached thread id is the holder's; errno, the one
 * thing syscall() writes, only on a failure that ends the run). Many are
 * started before any is waited for.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Children started but not yet held; each needs its own stack until its exec. */
#define IN_FLIGHT	128
#define STACK_SIZE	(16 * 1024)

extern char **environ;

static pid_t *kids;
static long nwant, nkids, ncont, nheld;
static char *target_argv[2];
static char *stacks;
static int sfd;
static int watch_stdin = 1;

/*
 * The child: runs on a stack slot in the holder's mm until execve replaces
 * it. PTRACE_TRACEME, then stop so that the holder can set
 * PTRACE_O_TRACEEXEC before the exec. Bare system calls only (see the top).
 * Signals stay blocked across the exec: the new image never runs anyway.
 */
static int child_main(void *unused)
{
	if (syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0) == 0) {
		syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
		syscall(SYS_execve, target_argv[0], target_argv, environ);
	}
	syscall(SYS_exit, 127);
	return 127;
}

/*
 * Children are dealt with in the order they were started, each waited for
 * by its pid: waitpid(-1) walks every child, which with thousands held
 * made the whole run quadratic (50 s for 20000 instead of 1-2 s).
 * kids[0, nheld) are held, [nheld, ncont) are continued into execve,
 * [ncont, nkids) are on their way to their SIGSTOP. Child i runs on stack
 * slot i % IN_FLIGHT, free again once child i is held.
 */
static int start_child(void)
{
	char *top = stacks + (nkids % IN_FLIGHT + 1) * STACK_SIZE;
	pid_t pid;

	pid = clone(child_main, top, CLONE_VM | SIGCHLD, NULL);
	if (pid < 0)
		return -1;
	kids[nkids++] = pid;
	return 0;
}

/* A line per quarter of the way. */
static void progress(void)
{
	long step = nwant >= 4 ? nwant / 4 : 1;

	if (nheld % step == 0)
		fprintf(stderr, "exec_holder: %ld of %ld held\n", nheld, nwant);
}

/*
 * Wait for child i, which is either the next to stop on its SIGSTOP
 * (i == ncont) or the next to stop inside execve (i == nheld). 1 when it
 * moved on, 0 when not yet (WNOHANG), -1 when it is lost.
 */
static int wait_child(long i, int flags)
{
	pid_t pid = kids[i];
	int status;

	pid = waitpid(pid, &status, flags);
	if (pid < 0)
		perror("exec_holder: waitpid");
	if (pid <= 0)
		return pid;
	if (!WIFSTOPPED(status)) {
		fprintf(stderr, "exec_holder: child %d ended before its exec (status %#x)\n",
			pid, status);
		/* Reaped: its pid may be anyone's now, never to be killed. */
		kids[i] = 0;
		return -1;
	}
	if (i == nheld && status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
		nheld++;
		progress();
		return 1;
	}
	if (i == ncont) {
		if (ptrace(PTRACE_SETOPTIONS, pid, 0,
			   (void *)(long)(PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)))
			return -1;
		ncont++;
	}
	/* The SIGSTOP, or a stop we did not ask for: on into execve. */
	return ptrace(PTRACE_CONT, pid, 0, 0) ? -1 : 1;
}

/* SIGINT, SIGTERM or EOF on stdin: 1; nothing yet: 0. */
static int asked_to_stop(int timeout_ms)
{
	struct pollfd p[2] = { { sfd, POLLIN, 0 }, { 0, POLLIN, 0 } };
	char buf[4096];

	if (poll(p, watch_stdin ? 2 : 1, timeout_ms) <= 0)
		return 0;
	if (p[0].revents)
		return 1;
	if (p[1].revents & POLLNVAL) {
		watch_stdin = 0;
		return 0;
	}
	return p[1].revents && read(0, buf, sizeof(buf)) <= 0;
}

/* Start and hold n children; 0, 1 when asked to stop early, -1 on failure. */
static int hold_all(long n)
{
	int moved, r;

	nwant = n;
	while (nheld < n) {
		moved = 0;
		if (nkids < n && nkids - nheld < IN_FLIGHT) {
			if (start_child()) {
				fprintf(stderr, "exec_holder: clone after %ld children: %s\n",
					nkids, strerror(errno));
				return -1;
			}
			if (nkids % 1024 == 0 && asked_to_stop(0))
				return 1;
			moved = 1;
		}
		if (ncont < nkids && (r = wait_child(ncont, WNOHANG)))
			moved = r;
		if (moved >= 0 && nheld < ncont && (r = wait_child(nheld, WNOHANG)))
			moved = r;
		/* Nothing to do but wait: for the oldest exec, else the oldest SIGSTOP. */
		if (moved == 0)
			moved = wait_child(nheld < ncont ? nheld : ncont, 0);
		if (moved < 0)
			return -1;
	}
	return 0;
}

static void kill_all(void)
{
	long i;

	for (i = 0; i < nkids; i++)
		if (kids[i])
			kill(kids[i], SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

static int setup(long n)
{
	sigset_t set;
	kids = calloc(n, sizeof(*kids));
	stacks = mmap(NULL, (size_t)IN_FLIGHT * STACK_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (!kids || stacks == MAP_FAILED)
		return -1;
	/* Signals are read from a signalfd, so they never interrupt the set-up. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	signal(SIGPIPE, SIG_IGN);
	if (fcntl(0, F_GETFD) < 0)
		watch_stdin = 0;
	return sfd < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	long n;
	int ret;

	n = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
	if (argc < 2 || argc > 3 || n <= 0) {
		fprintf(stderr, "usage: exec_holder N [PATH]\n");
		return 2;
	}
	target_argv[0] = argc > 2 ? argv[2] : "/bin/true";
	if (setup(n)) {
		perror("exec_holder: set-up");
		return 1;
	}
	ret = hold_all(n);
	if (ret == 0) {
		printf("holding %ld\n", n);
		fflush(stdout);
		while (!asked_to_stop(-1))
			;
	}
	kill_all();
	fprintf(stderr, "exec_holder: released %ld\n", nkids);
	return ret < 0 ? 1 : 0;
}
