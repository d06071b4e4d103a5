// SPDX-License-Identifier: GPL-2.0
#include "confine.h"
#include "log.h"

#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <unistd.h>

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

int ew_std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		int n;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* The lowest free descriptor: this one. */
		n = open("/dev/null", fd ? O_WRONLY : O_RDONLY);
		if (n != fd) {
			if (n >= 0)
				close(n);
			return -EBADF;
		}
	}
	return 0;
}

int ew_refuse_raised_privileges(void)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;

	if (getresuid(&ruid, &euid, &suid) || getresgid(&rgid, &egid, &sgid))
		return -errno;
	if (!getauxval(AT_SECURE) && ruid == euid && euid == suid &&
	    rgid == egid && egid == sgid)
		return 0;
	ew_err_hint("run it as root, with sudo; a setuid, setgid or setcap copy lets any user load BPF programs, which makes them root",
		    "refusing to run with privileges the caller does not have (setuid, setgid or file capabilities)");
	return -EPERM;
}

/* CAP_BPF where the kernel has it (5.8+), else CAP_SYS_ADMIN: what the
 * per-second reads of the probe's maps need on kernels that keep bpf()
 * from unprivileged callers. */
static int keep_only_map_access(void)
{
	capng_select_t sel = CAPNG_SELECT_CAPS;
	int cap = CAP_BPF;

	if (capng_get_caps_process())
		return -EPERM;
	if (!capng_have_capability(CAPNG_EFFECTIVE, CAP_BPF))
		cap = CAP_SYS_ADMIN;
	/* The bounding set too, where we may change it (not in a pod that
	 * dropped CAP_SETPCAP already), and the ambient set. */
	if (capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP))
		sel = CAPNG_SELECT_ALL;
	capng_clear(sel);
	if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, cap))
		return -EINVAL;
	return capng_apply(sel) ? -EPERM : 0;
}

/* The loop's system calls: events in, lines out, a reopen on SIGHUP,
 * the summary at the end. Anything else fails with EPERM; starting a
 * program kills the process. */
static int install_filter(void)
{
	static const int allowed[] = {
		SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(writev), SCMP_SYS(close),
		SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_pwait2),
		SCMP_SYS(epoll_ctl), SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(bpf),
		SCMP_SYS(ioctl), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
		SCMP_SYS(brk), SCMP_SYS(madvise), SCMP_SYS(mprotect),
		SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep),
		SCMP_SYS(nanosleep), SCMP_SYS(gettimeofday), SCMP_SYS(time),
		SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(newfstatat),
		SCMP_SYS(fstat), SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(statx),
		SCMP_SYS(readlink), SCMP_SYS(readlinkat), SCMP_SYS(getcwd),
		SCMP_SYS(fcntl), SCMP_SYS(lseek), SCMP_SYS(getpid), SCMP_SYS(gettid),
		SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid),
		SCMP_SYS(getegid), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
		SCMP_SYS(sigaltstack), SCMP_SYS(futex), SCMP_SYS(getrandom),
		SCMP_SYS(restart_syscall), SCMP_SYS(tgkill), SCMP_SYS(exit),
		SCMP_SYS(exit_group),
	};
	static const int fatal[] = {
		SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(fork), SCMP_SYS(vfork),
		SCMP_SYS(clone), SCMP_SYS(clone3), SCMP_SYS(ptrace),
		SCMP_SYS(process_vm_writev), SCMP_SYS(process_vm_readv),
	};
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	size_t i;
	int err = ctx ? 0 : -ENOMEM;

	/* Every thread, should a library have started one. */
	err = err ?: seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);

	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && !err; i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	for (i = 0; i < sizeof(fatal) / sizeof(fatal[0]) && !err; i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, fatal[i], 0);
	err = err ?: seccomp_load(ctx);
	seccomp_release(ctx);
	return err;
}

int ew_confine(const struct env *env)
{
	int err = 0;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		err = -errno;
	else if (env->watch || env->selftest)
		return 0;
	else
		err = keep_only_map_access();
	if (err) {
		ew_err("cannot drop the tracing loop's privileges (%s): stopping",
		       strerror(-err));
		return err;
	}
	/* A kernel without seccomp filters, or a sandbox (valgrind's, a
	 * container's) that keeps them from us: still traced, said once. */
	err = install_filter();
	if (err)
		ew_warn("no seccomp filter for the tracing loop (%s); tracing without it",
			strerror(-err));
	return 0;
}
