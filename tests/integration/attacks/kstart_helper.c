// SPDX-License-Identifier: GPL-2.0
/*
 * kstart_helper: a program for the kernel to start (kernel_execve from a
 * usermode-helper thread: a core_pattern pipe helper, a cgroup v1
 * release_agent). Such an exec makes no system call, so it tests whether
 * a tracer sees execs that no process asked for. This program records who
 * it is and who started it, so the test can match the tracer's event.
 *
 *   kstart_helper [ARG]...
 *
 * It appends one JSON line to the file named by its own argv[0] plus
 * ".log" (a kernel helper has no terminal and no say in its environment,
 * and a release_agent is given no arguments of ours, so the log sits
 * beside the program; copy it into a private directory per test):
 *
 *   {"argv": [...], "env": [...], "pid": N, "ppid": N, "uid": N, "euid": N,
 *    "parent_comm": "kthreadd", "parent_flags": N, "parent_kthread": true,
 *    "stdin_bytes": N}
 *
 * parent_flags is field 9 of /proc/PPID/stat; parent_kthread is its
 * PF_KTHREAD bit. If stdin is a pipe (a core dump), it is read to the end
 * first so that the dumping task is not left blocked; stdin_bytes is its
 * size, -1 when stdin is not a pipe. Exit 0, or 1 if the log could not be
 * written.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json_out.h"

#define PF_KTHREAD	0x00200000

extern char **environ;

/* A kernel helper's fds 0-2 may be closed, so nothing here assumes them. */
static long drain_stdin(void)
{
	char buf[65536];
	struct stat st;
	long total = 0;
	ssize_t n;

	if (fstat(0, &st) || !S_ISFIFO(st.st_mode))
		return -1;
	while ((n = read(0, buf, sizeof(buf))) > 0)
		total += n;
	return total;
}

static void read_small(const char *path, char *buf, size_t size)
{
	ssize_t n = -1;
	int fd = open(path, O_RDONLY);

	if (fd >= 0) {
		n = read(fd, buf, size - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
}

/* comm and flags (fields 2 and 9) of /proc/PID/stat. */
static void parent_info(pid_t pid, char *comm, size_t size, unsigned long *flags)
{
	char path[64], buf[1024], *open_paren, *close_paren, *p;
	int i;

	*flags = 0;
	comm[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	read_small(path, buf, sizeof(buf));
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren || close_paren < open_paren)
		return;
	snprintf(comm, size, "%.*s", (int)(close_paren - open_paren - 1), open_paren + 1);
	p = close_paren;
	for (i = 2; i < 9 && p; i++)
		p = strchr(p + 1, ' ');
	if (p)
		*flags = strtoul(p + 1, NULL, 10);
}

static void json_vector(FILE *f, char **v)
{
	fputc('[', f);
	for (; v && *v; v++) {
		json_string(f, *v, strlen(*v));
		if (v[1])
			fputs(", ", f);
	}
	fputc(']', f);
}

static void report(FILE *f, char **argv, long stdin_bytes)
{
	pid_t ppid = getppid();
	unsigned long flags;
	char comm[64];

	parent_info(ppid, comm, sizeof(comm), &flags);
	fputs("{\"argv\": ", f);
	json_vector(f, argv);
	fputs(", \"env\": ", f);
	json_vector(f, environ);
	fprintf(f, ", \"pid\": %d, \"ppid\": %d, \"uid\": %d, \"euid\": %d, \"parent_comm\": ",
		getpid(), ppid, getuid(), geteuid());
	json_string(f, comm, strlen(comm));
	fprintf(f, ", \"parent_flags\": %lu, \"parent_kthread\": %s, \"stdin_bytes\": %ld}\n",
		flags, flags & PF_KTHREAD ? "true" : "false", stdin_bytes);
}

int main(int argc, char **argv)
{
	long stdin_bytes = drain_stdin();
	char log[4096], *line = NULL;
	size_t len = 0;
	FILE *mem;
	int fd;

	if (argc < 1 || snprintf(log, sizeof(log), "%s.log", argv[0]) >= (int)sizeof(log))
		return 1;
	/* Built in memory, then one O_APPEND write: concurrent helpers do not interleave. */
	mem = open_memstream(&line, &len);
	if (!mem)
		return 1;
	report(mem, argv, stdin_bytes);
	if (fclose(mem))
		return 1;
	fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, line, len) != (ssize_t)len)
		return 1;
	close(fd);
	free(line);
	return 0;
}
