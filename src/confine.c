// SPDX-License-Identifier: GPL-2.0
#include "confine.h"
#include "log.h"

#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/landlock.h>
#include <linux/perf_event.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <time.h>
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
 * program or ptrace kills the process. Where a call could reach beyond
 * the loop, its arguments are pinned: ioctl to the perf events and a
 * terminal check, bpf() to reading maps, signals to itself, memory never
 * made executable. */
static int __attribute__((unused)) install_filter(void)
{
	static const int allowed[] = {
		SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(writev), SCMP_SYS(close),
		SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_pwait2),
		SCMP_SYS(epoll_ctl), SCMP_SYS(poll), SCMP_SYS(ppoll),
		SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(brk), SCMP_SYS(madvise),
		SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep),
		SCMP_SYS(nanosleep), SCMP_SYS(gettimeofday), SCMP_SYS(time),
		SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(newfstatat),
		SCMP_SYS(fstat), SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(statx),
		SCMP_SYS(readlink), SCMP_SYS(readlinkat), SCMP_SYS(getcwd),
		SCMP_SYS(getxattr), SCMP_SYS(lgetxattr),
		SCMP_SYS(fcntl), SCMP_SYS(lseek), SCMP_SYS(getpid), SCMP_SYS(gettid),
		SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid),
		SCMP_SYS(getegid), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
		SCMP_SYS(sigaltstack), SCMP_SYS(futex), SCMP_SYS(getrandom),
		SCMP_SYS(restart_syscall), SCMP_SYS(exit), SCMP_SYS(exit_group),
	};
	static const int fatal[] = {
		SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(fork), SCMP_SYS(vfork),
		SCMP_SYS(clone), SCMP_SYS(clone3), SCMP_SYS(ptrace),
		SCMP_SYS(process_vm_writev), SCMP_SYS(process_vm_readv),
	};
	static const unsigned long ioctls[] = {
		PERF_EVENT_IOC_ENABLE, PERF_EVENT_IOC_DISABLE, TCGETS,
	};
	static const int bpf_cmds[] = { BPF_MAP_LOOKUP_ELEM, BPF_MAP_GET_NEXT_KEY };
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	size_t i;
	int err = ctx ? 0 : -ENOMEM;

	/* Every thread, should a library have started one. */
	err = err ?: seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && !err; i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	for (i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]) && !err; i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				       SCMP_A1(SCMP_CMP_EQ, ioctls[i]));
	for (i = 0; i < sizeof(bpf_cmds) / sizeof(bpf_cmds[0]) && !err; i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(bpf), 1,
				       SCMP_A0(SCMP_CMP_EQ, bpf_cmds[i]));
	err = err ?: seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
				      SCMP_A0(SCMP_CMP_EQ, getpid()));
	err = err ?: seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
				      SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	err = err ?: seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
				      SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	for (i = 0; i < sizeof(fatal) / sizeof(fatal[0]) && !err; i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, fatal[i], 0);
	err = err ?: seccomp_load(ctx);
	seccomp_release(ctx);
	return err;
}

/* Landlock rights by ABI version, for kernels' headers that lack them. */
#define LL_FS_V1	((1ULL << 13) - 1)
#define LL_FS_REFER	(1ULL << 13)		/* ABI 2 */
#define LL_FS_TRUNCATE	(1ULL << 14)		/* ABI 3 */
#define LL_FS_IOCTL_DEV	(1ULL << 15)		/* ABI 5 */
#define LL_NET_TCP	3ULL			/* bind, connect: ABI 4 */
#define LL_SCOPE_ALL	3ULL			/* abstract sockets, signals: ABI 6 */

struct ll_ruleset {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

struct ll_path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

/*
 * No file opened but --output (in its own directory, to create it again
 * at a reopen), no network, no signal to any process outside: what a bug
 * in the code that reads other users' bytes could do with uid 0's file
 * permissions stops at the loop's own needs. Returns the Landlock ABI, or
 * -errno where the kernel has none.
 */
static int __attribute__((unused)) restrict_files(const struct env *env)
{
	struct ll_ruleset rs = { 0 };
	struct ll_path_beneath out = {
		.allowed_access = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_MAKE_REG,
	};
	size_t size = sizeof(rs.handled_access_fs);
	int abi, fd, err = 0;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
		      LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0)
		return -errno;
	rs.handled_access_fs = LL_FS_V1 | (abi >= 2 ? LL_FS_REFER : 0) |
			       (abi >= 3 ? LL_FS_TRUNCATE : 0) |
			       (abi >= 5 ? LL_FS_IOCTL_DEV : 0);
	if (abi >= 4) {
		rs.handled_access_net = LL_NET_TCP;
		size = offsetof(struct ll_ruleset, scoped);
	}
	if (abi >= 6) {
		rs.scoped = LL_SCOPE_ALL;
		size = sizeof(rs);
	}
	fd = syscall(SYS_landlock_create_ruleset, &rs, size, 0);
	if (fd < 0)
		return -errno;
	if (env->output) {
		char dir[PATH_MAX], *slash;

		if (!realpath(env->output, dir))
			err = -errno;
		else if ((slash = strrchr(dir, '/')))
			*(slash == dir ? slash + 1 : slash) = 0;
		if (!err && (out.parent_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			err = -errno;
		if (!err && syscall(SYS_landlock_add_rule, fd, LANDLOCK_RULE_PATH_BENEATH,
				    &out, 0))
			err = -errno;
		if (out.parent_fd >= 0)
			close(out.parent_fd);
	}
	if (!err && syscall(SYS_landlock_restrict_self, fd, 0))
		err = -errno;
	close(fd);
	return err ? err : abi;
}

int ew_confine(const struct env *env)
{
	int err = 0, abi;

	/* The time zone, read now: the loop may not open files. */
	tzset();
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
	/* A kernel without Landlock or seccomp filters, or a sandbox
	 * (valgrind's, a container's) that keeps them from us: still traced,
	 * said once. */
#ifdef EW_SANITIZED
	/* LeakSanitizer, at exit, starts a thread and reads /proc: the
	 * sanitizer build goes without both (CMakeLists.txt). */
	abi = err = -ENOSYS;
#else
	abi = restrict_files(env);
	if (abi < 0)
		ew_warn("no Landlock rules for the tracing loop (%s); tracing without them",
			strerror(-abi));
	err = install_filter();
	if (err)
		ew_warn("no seccomp filter for the tracing loop (%s); tracing without it",
			strerror(-err));
#endif
	ew_info("confined: CAP_BPF only, no_new_privs, %s, %s", err ? "no seccomp" : "seccomp",
		abi < 0 ? "no Landlock" : abi >= 6 ? "Landlock (files, network, signals)" :
		abi >= 4 ? "Landlock (files, network)" : "Landlock (files)");
	return 0;
}
