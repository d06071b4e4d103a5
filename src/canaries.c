// SPDX-License-Identifier: GPL-2.0
/*
 * Each canary is a child of execwatch that makes one kind of exec; once
 * the probe is armed, --selftest checks the event it reports. Where the
 * machine cannot make a kind (no 32-bit entry, no cgroup v1), the child
 * exits with SKIPPED and the report says why.
 */
#include "canaries.h"
#include "compat32.h"
#include "log.h"

#include <linux/types.h>
#include "../probes/event.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SKIPPED 77	/* a child's exit status: this machine cannot do it */

extern char **environ;

static char *canary_argv[] = { "execwatch", EW_CANARY_ARG, NULL };

static const char *const names[EW_NCANARY] = {
	[EW_C_EXECVE] = "execve",
	[EW_C_FEXECVE] = "execveat (fexecve)",
	[EW_C_FAIL] = "failing exec",
	[EW_C_SCRIPT] = "#! script",
	[EW_C_THREAD] = "exec from a thread",
	[EW_C_COMPAT] = "int $0x80 execve",
	[EW_C_IMAGE32] = "32-bit image",
	[EW_C_FROM32] = "exec from 32-bit",
	[EW_C_KERNEL] = "kernel-started",
	[EW_C_REFUSED] = "seccomp-refused",
};

/* Why a child exited SKIPPED, by kind. */
static const char *const skip_reasons[EW_NCANARY] = {
	[EW_C_COMPAT] = "this kernel has no 32-bit system call entry",
	[EW_C_IMAGE32] = "this kernel cannot run 32-bit programs",
	[EW_C_FROM32] = "this kernel cannot run 32-bit programs",
	[EW_C_REFUSED] = "this kernel has no seccomp filters",
};

bool ew_is_canary_arg(const char *arg)
{
	return !strcmp(arg, EW_CANARY_ARG) ||
	       !strncmp(arg, "/" EW_CANARY_CGROUP, sizeof(EW_CANARY_CGROUP));
}

static void want(struct ew_canary *c, const char *filename,
		 const char *const *argv, int ret, uint32_t entry)
{
	int i;

	snprintf(c->filename, sizeof(c->filename), "%s", filename);
	for (i = 0; argv[i] && i < EW_CANARY_ARGS; i++)
		snprintf(c->argv[i], sizeof(c->argv[i]), "%s", argv[i]);
	c->argc = i;
	c->ret = ret;
	c->entry = entry;
}

/* ---- seccomp ---------------------------------------------------------------- */

/* execve and execveat (64-bit) answer EPERM; everything else runs. */
static int refuse_exec(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_execve, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_execveat, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) ? -errno : 0;
}

/* ---- The kernel-started canary: a cgroup v1 release agent -------------- */

/*
 * A private named v1 hierarchy whose release agent is this binary: when
 * its one cgroup empties, the kernel itself starts us (kernel_execve),
 * with the cgroup's path as argv[1]. Nothing of the machine's own cgroup
 * set-up is touched.
 */
static const char *kernel_prepare(struct ew_canaries *cs)
{
	char opts[PATH_MAX + 128], path[PATH_MAX + 96];
	const char *base;
	int fd;

	if (strchr(cs->self, ','))
		return "execwatch's path has a comma, which mount options cannot carry";
	snprintf(cs->cgroup_dir, sizeof(cs->cgroup_dir), "/tmp/" EW_CANARY_CGROUP "XXXXXX");
	if (!mkdtemp(cs->cgroup_dir)) {
		*cs->cgroup_dir = 0;
		return "cannot make a directory in /tmp";
	}
	base = strrchr(cs->cgroup_dir, '/') + 1;
	snprintf(cs->cgroup_name, sizeof(cs->cgroup_name), "%s", base);
	snprintf(opts, sizeof(opts), "none,name=%s,release_agent=%s",
		 cs->cgroup_name, cs->self);
	if (mount("cgroup", cs->cgroup_dir, "cgroup", 0, opts)) {
		rmdir(cs->cgroup_dir);
		*cs->cgroup_dir = 0;
		return "this kernel has no cgroup v1 to run a release agent";
	}
	snprintf(path, sizeof(path), "%s/%s", cs->cgroup_dir, cs->cgroup_name);
	if (mkdir(path, 0700))
		return "cannot make a cgroup";
	snprintf(path, sizeof(path), "%s/%s/notify_on_release", cs->cgroup_dir,
		 cs->cgroup_name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1", 1) != 1) {
		if (fd >= 0)
			close(fd);
		return "cannot ask for a release agent";
	}
	close(fd);
	return NULL;
}

/* A task joins the cgroup and exits: the cgroup is empty, the agent runs.
 * Its parent reaps it first, so that it is gone now, not at the report. */
static void kernel_canary(struct ew_canaries *cs)
{
	char path[PATH_MAX + 80], pid[16];
	pid_t child = fork();
	int fd, n;

	if (child) {
		waitpid(child, NULL, 0);
		_exit(child < 0);
	}
	snprintf(path, sizeof(path), "%s/%s/cgroup.procs", cs->cgroup_dir,
		 cs->cgroup_name);
	n = snprintf(pid, sizeof(pid), "%d", (int)getpid());
	fd = open(path, O_WRONLY | O_CLOEXEC);
	_exit(fd < 0 || write(fd, pid, n) != n);
}

/* Unmounted while a removed cgroup still counts, a hierarchy lives on
 * (listed in every /proc/PID/cgroup): so wait a little, and check. */
static bool hierarchy_gone(const char *name)
{
	char line[512], want[96];
	bool found = false;
	FILE *f = fopen("/proc/self/cgroup", "r");

	snprintf(want, sizeof(want), ":name=%s:", name);
	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, want) != NULL;
	if (f)
		fclose(f);
	return !found;
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The kernel frees a hierarchy asynchronously: give it a second. */
static bool gone_soon(const char *name)
{
	int i;

	for (i = 0; i < 20 && !hierarchy_gone(name); i++)
		nap_ms(50);
	return hierarchy_gone(name);
}

static void kernel_undo(struct ew_canaries *cs)
{
	char path[PATH_MAX + 80], opts[96];
	int i;

	if (!*cs->cgroup_dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", cs->cgroup_dir, cs->cgroup_name);
	for (i = 0; i < 20 && rmdir(path) && errno != ENOENT; i++)
		nap_ms(50);
	nap_ms(300);
	umount(cs->cgroup_dir);
	snprintf(opts, sizeof(opts), "none,name=%s", cs->cgroup_name);
	for (i = 0; i < 4 && !gone_soon(cs->cgroup_name); i++) {
		/* Still there, unmounted: once more, now that it is empty. */
		if (mount("cgroup", cs->cgroup_dir, "cgroup", 0, opts) == 0) {
			nap_ms(500);
			umount(cs->cgroup_dir);
		}
	}
	if (!hierarchy_gone(cs->cgroup_name))
		ew_warn("selftest: the cgroup v1 hierarchy %s is still there (it goes at the next reboot)",
			cs->cgroup_name);
	rmdir(cs->cgroup_dir);
	*cs->cgroup_dir = 0;
}

/* ---- The children ----------------------------------------------------------- */

static void *thread_exec(void *self)
{
	execv(self, canary_argv);
	_exit(127);
}

static long exec_fd(int fd, char *const argv[])
{
	return syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
}

/* Runs in the forked canary; never returns. */
static void run(struct ew_canaries *cs, int k)
{
	static char *argv32[] = { "execwatch-32", NULL };
	pthread_t t;

	switch (k) {
	case EW_C_EXECVE:
		execv(cs->self, canary_argv);
		break;
	case EW_C_FEXECVE:
	case EW_C_SCRIPT:
		exec_fd(cs->fds[k], canary_argv);
		break;
	case EW_C_FAIL:
		execv("/nonexistent/execwatch-canary", canary_argv);
		_exit(0);
	case EW_C_THREAD:
		if (pthread_create(&t, NULL, thread_exec, cs->self) == 0)
			pthread_join(t, NULL);
		break;
#if defined(__x86_64__)
	case EW_C_COMPAT:
		_exit(ew_int80_execve(cs->self, canary_argv) == -ENOSYS ? SKIPPED : 127);
	case EW_C_IMAGE32:
		exec_fd(cs->fds[k], argv32);
		_exit(errno == ENOEXEC ? SKIPPED : 127);
#endif
	case EW_C_KERNEL:
		kernel_canary(cs);
		break;
	case EW_C_REFUSED:
		if (refuse_exec())
			_exit(SKIPPED);
		execv(cs->self, canary_argv);
		_exit(errno == EPERM ? 0 : 127);
	}
	_exit(127);
}

int ew_canaries_init(struct ew_canaries *cs)
{
	const char *self = cs->self;
	ssize_t n;
	int k;

	memset(cs, 0, sizeof(*cs));
	for (k = 0; k < EW_NCANARY; k++) {
		cs->fds[k] = -1;
		cs->c[k].name = names[k];
	}
	n = readlink("/proc/self/exe", cs->self, sizeof(cs->self) - 1);
	if (n <= 0) {
		ew_err("selftest: cannot find its own binary: %s", strerror(errno));
		return -errno;
	}
	cs->self[n] = 0;
	want(&cs->c[EW_C_EXECVE], self, (const char *const *)canary_argv, 0, 0);
	want(&cs->c[EW_C_FAIL], "/nonexistent/execwatch-canary",
	     (const char *const *)canary_argv, -ENOENT, 0);
	want(&cs->c[EW_C_THREAD], self, (const char *const *)canary_argv, 0, 0);
	want(&cs->c[EW_C_COMPAT], self,
	     (const char *const[]){ self, EW_CANARY_ARG, NULL }, 0,
	     EW_ENTRY_COMPAT_EXECVE);
	want(&cs->c[EW_C_FROM32], self,
	     (const char *const[]){ self, EW_CANARY_ARG, NULL }, 0,
	     EW_ENTRY_COMPAT_EXECVE);
	want(&cs->c[EW_C_REFUSED], self, (const char *const *)canary_argv,
	     -EPERM, EW_ENTRY_EXECVE);
	cs->c[EW_C_REFUSED].refused = true;
	/* The rest name descriptors, opened at the start. */
#if !defined(__x86_64__)
	cs->c[EW_C_COMPAT].skipped = "the 32-bit entry is tested on x86-64 only";
	cs->c[EW_C_IMAGE32].skipped = cs->c[EW_C_FROM32].skipped =
		cs->c[EW_C_COMPAT].skipped;
#endif
	return 0;
}

/* The descriptors the fd-based canaries exec, and what they must show. */
static int open_fds(struct ew_canaries *cs)
{
	char script[PATH_MAX + 64], fdpath[32];
	int n;

	cs->fds[EW_C_FEXECVE] = open(cs->self, O_RDONLY | O_CLOEXEC);
	/* Not close-on-exec: the interpreter opens the script by its /dev/fd path. */
	cs->fds[EW_C_SCRIPT] = memfd_create("execwatch-canary", 0);
	if (cs->fds[EW_C_FEXECVE] < 0 || cs->fds[EW_C_SCRIPT] < 0)
		return -errno;
	n = snprintf(script, sizeof(script), "#!%s %s\n", cs->self, EW_CANARY_ARG);
	if (write(cs->fds[EW_C_SCRIPT], script, n) != n)
		return -EIO;
	snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", cs->fds[EW_C_FEXECVE]);
	want(&cs->c[EW_C_FEXECVE], fdpath, (const char *const *)canary_argv, 0,
	     EW_ENTRY_EXECVEAT);
	/* The kernel rewrote argv for the interpreter: interpreter, its
	 * argument, the script, then argv[1..]. */
	snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", cs->fds[EW_C_SCRIPT]);
	want(&cs->c[EW_C_SCRIPT], fdpath,
	     (const char *const[]){ cs->self, EW_CANARY_ARG, fdpath, EW_CANARY_ARG,
				    NULL }, 0, EW_ENTRY_EXECVEAT);
	cs->c[EW_C_SCRIPT].interp_args = 2;
#if defined(__x86_64__)
	{
		unsigned char elf[PATH_MAX + 256];
		size_t len = ew_elf32_exec(elf, sizeof(elf), cs->self, EW_CANARY_ARG);

		cs->fds[EW_C_IMAGE32] = memfd_create("execwatch-canary-32",
						     MFD_CLOEXEC);
		if (cs->fds[EW_C_IMAGE32] < 0 || !len ||
		    write(cs->fds[EW_C_IMAGE32], elf, len) != (ssize_t)len)
			return -EIO;
		snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", cs->fds[EW_C_IMAGE32]);
		want(&cs->c[EW_C_IMAGE32], fdpath,
		     (const char *const[]){ "execwatch-32", NULL }, 0,
		     EW_ENTRY_EXECVEAT);
	}
#endif
	return 0;
}

int ew_canaries_start(struct ew_canaries *cs)
{
	int k, err = open_fds(cs);

	if (err) {
		ew_err("selftest: cannot prepare canaries: %s", strerror(-err));
		return err;
	}
	cs->c[EW_C_KERNEL].skipped = kernel_prepare(cs);
	if (!cs->c[EW_C_KERNEL].skipped) {
		char agent_arg[96];

		snprintf(agent_arg, sizeof(agent_arg), "/%s", cs->cgroup_name);
		want(&cs->c[EW_C_KERNEL], cs->self,
		     (const char *const[]){ cs->self, agent_arg, NULL }, 0,
		     EW_ENTRY_KERNEL);
	}
	for (k = 0; k < EW_NCANARY; k++) {
		pid_t pid;

		if (k == EW_C_FROM32 || cs->c[k].skipped)
			continue;
		pid = fork();
		if (pid < 0) {
			err = -errno;
			ew_err("selftest: fork: %s", strerror(-err));
			return err;
		}
		if (pid == 0) {
			sigset_t none;

			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, NULL);
			run(cs, k);
		}
		cs->child[k] = pid;
		/* The kernel picks the helper's pid; the 32-bit image keeps its own. */
		cs->c[k].pid = k == EW_C_KERNEL ? 0 : pid;
		if (k == EW_C_IMAGE32)
			cs->c[EW_C_FROM32].pid = pid;
	}
	return 0;
}

void ew_canaries_reap(struct ew_canaries *cs)
{
	int k, status;

	for (k = 0; k < EW_NCANARY; k++) {
		if (cs->child[k] <= 0 || waitpid(cs->child[k], &status, 0) != cs->child[k])
			continue;
		cs->child[k] = 0;
		if (WIFEXITED(status) && WEXITSTATUS(status) == SKIPPED) {
			cs->c[k].skipped = skip_reasons[k];
			if (k == EW_C_IMAGE32)
				cs->c[EW_C_FROM32].skipped = skip_reasons[k];
		}
	}
}

void ew_canaries_free(struct ew_canaries *cs)
{
	int k;

	ew_canaries_reap(cs);
	kernel_undo(cs);
	for (k = 0; k < EW_NCANARY; k++)
		if (cs->fds[k] >= 0)
			close(cs->fds[k]);
}
