// SPDX-License-Identifier: GPL-2.0
/* workshop: exercise 6 of docs/workshop.md: count opens of files under /etc by path. */
/*
 * execwatch's probe, in BCC's dialect: compiled at run time, so it can be
 * copied, edited and passed back with --probe FILE.
 *
 * An exec is staged at syscall entry (keyed by task, which survives the
 * exec) and reported at return. A successful exec's file name and argv are
 * read from the new image (mm->arg_start..arg_end, the file name just above
 * the environment), where the kernel has just copied them, so they are
 * resident; reading the caller's argv at entry misses pages that are not.
 *
 * Every kernel struct offset comes in as -D EW_OFF_* (from the running
 * kernel's BTF); the installed headers' layout is only a fallback.
 * See docs/probes.md for the contract with the host.
 */
#include <uapi/linux/ptrace.h>
#include "event.h"

#ifndef EW_OFF_TASK_MM
#include <linux/sched.h>
#include <linux/mm_types.h>
#define EW_OFF_TASK_MM		offsetof(struct task_struct, mm)
#define EW_OFF_TASK_REAL_PARENT	offsetof(struct task_struct, real_parent)
#define EW_OFF_TASK_TGID	offsetof(struct task_struct, tgid)
#define EW_OFF_MM_ARG_START	offsetof(struct mm_struct, arg_start)
#define EW_OFF_MM_ARG_END	offsetof(struct mm_struct, arg_end)
#define EW_OFF_MM_ENV_END	offsetof(struct mm_struct, env_end)
#define EW_OFF_MM_START_STACK	offsetof(struct mm_struct, start_stack)
#endif

#ifndef EW_GEN
#define EW_GEN 1
#endif
#ifndef EW_HOST_PIDNS
#define EW_HOST_PIDNS 0xEFFFFFFCU	/* PROC_PID_INIT_INO: the initial PID namespace */
#endif
#ifndef EW_MAX_ARGS
#define EW_MAX_ARGS 20
#endif
#ifndef EW_ARG_LEN		/* bytes read per argument of a failed exec, NUL included */
#define EW_ARG_LEN 4098
#endif
#ifndef EW_NR_CPUS
#define EW_NR_CPUS 256
#endif

/* Room for any offset the verifier can prove, so a mask is the only bound it needs. */
#define EW_DATA_SIZE 65536

struct ew_stage {
	u64 enter_ns;
	const char *filename;
	const char *const *argv;
	u32 tid;
	u32 flags;
};

struct ew_scratch {
	struct ew_event e;
	char data[EW_DATA_SIZE];
};

BPF_PERF_OUTPUT(events);
/* Keyed by task_struct address: a non-leader thread's exec changes its tid.
 * A plain hash, not LRU: a full map is counted, never silently evicted. */
BPF_HASH(stage, u64, struct ew_stage, 16384);
BPF_PERCPU_ARRAY(drops, u64, EW_DROP_CAUSES);
/* Too large for a per-CPU map value: one slot per CPU, indexed by CPU id. */
BPF_ARRAY(scratch, struct ew_scratch, EW_NR_CPUS);
BPF_PERCPU_ARRAY(seqs, u64, 1);
/*
 * ctl[0]: the probe generation the host wants active (0 until it reads).
 * Under --watch a new generation shares the old one's map, pinned for it
 * at EW_CTL_PIN: the host switches every exec to the new probe with one
 * write, so an exec during a reload is reported exactly once.
 */
#ifdef EW_CTL_PIN
BPF_TABLE_PINNED("array", u32, u64, ctl, 1, EW_CTL_PIN);
#else
BPF_ARRAY(ctl, u64, 1);
#endif

/*
 * workshop: opens of files under WORKSHOP_DIR, by path. A path longer than
 * the key is cut (bpf_probe_read_user_str() keeps the NUL), so two long
 * paths may share a key; the rest of the key stays zero.
 */
#define WORKSHOP_DIR "/etc/"
struct path_key {
	char path[64];
};
BPF_HASH(etc_opens, struct path_key, u64, 1024);

static __always_inline void count_drop(u32 cause)
{
	u64 *n = drops.lookup(&cause);

	if (n)
		*n += 1;
}

static __always_inline u64 read_kernel_u64(const void *base, u64 off)
{
	u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), (const char *)base + off);
	return v;
}

static __always_inline u32 read_kernel_u32(const void *base, u64 off)
{
	u32 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), (const char *)base + off);
	return v;
}

#ifdef EW_OFF_TASK_NSPROXY
/* The PID namespace a task lives in, and its pid there. */
static __always_inline u32 task_pidns(const void *task, u32 *ns_pid)
{
	const void *pid = (const void *)read_kernel_u64(task, EW_OFF_TASK_THREAD_PID);
	u32 level = read_kernel_u32(pid, EW_OFF_PID_LEVEL);
	const char *upid = (const char *)pid + EW_OFF_PID_NUMBERS +
			   (u64)level * EW_SIZE_UPID;
	const void *ns = (const void *)read_kernel_u64(upid, EW_OFF_UPID_NS);

	if (ns_pid)
		*ns_pid = read_kernel_u32(upid, EW_OFF_UPID_NR);
	return read_kernel_u32(ns, EW_OFF_PIDNS_INUM);
}

/*
 * Names of the task's cgroup and its ancestors, leaf first: the container
 * runtime's naming is in them, and they are read now, while the container
 * may still exist. The unified (v2) hierarchy, else v1's pids controller.
 */
static __always_inline u32 read_cgroup_names(struct ew_scratch *sc,
					     const void *task)
{
	const void *cset = (const void *)read_kernel_u64(task, EW_OFF_TASK_CGROUPS);
	const void *cgrp = (const void *)read_kernel_u64(cset, EW_OFF_CSS_SET_DFL_CGRP);
	const void *kn = (const void *)read_kernel_u64(cgrp, EW_OFF_CGROUP_KN);
	u32 off = 0, i;

	if (!read_kernel_u64(kn, EW_OFF_KN_PARENT)) {
		const void *css = (const void *)read_kernel_u64(cset,
			EW_OFF_CSS_SET_SUBSYS + 8 * EW_CGRP_SUBSYS_PIDS);

		cgrp = (const void *)read_kernel_u64(css, EW_OFF_CSS_CGROUP);
		kn = (const void *)read_kernel_u64(cgrp, EW_OFF_CGROUP_KN);
	}
	for (i = 0; i < EW_CGROUP_LEVELS; i++) {
		const void *parent = (const void *)read_kernel_u64(kn, EW_OFF_KN_PARENT);
		const char *name;
		long m;

		if (!parent)	/* the root's name is empty */
			break;
		name = (const char *)read_kernel_u64(kn, EW_OFF_KN_NAME);
		m = bpf_probe_read_kernel_str(sc->data + (off & 1023),
					      EW_CGROUP_NAME_MAX, name);
		if (m <= 0)
			break;
		off = (off & 1023) + m;
		kn = parent;
	}
	return off;
}

static __always_inline u32 read_container(struct ew_scratch *sc, u64 task)
{
	const void *t = (const void *)task;
	const void *parent = (const void *)read_kernel_u64(t, EW_OFF_TASK_REAL_PARENT);
	const void *nsproxy = (const void *)read_kernel_u64(t, EW_OFF_TASK_NSPROXY);
	const void *mnt_ns = (const void *)read_kernel_u64(nsproxy, EW_OFF_NSPROXY_MNT_NS);
	const void *signal = (const void *)read_kernel_u64(t, EW_OFF_TASK_SIGNAL);

	sc->e.cgroup_id = bpf_get_current_cgroup_id();
	sc->e.mntns = read_kernel_u32(mnt_ns, EW_OFF_MNT_NS_INUM);
	sc->e.pidns = task_pidns(t, &sc->e.ns_pid);
	sc->e.parent_pidns = task_pidns(parent, NULL);
	sc->e.flags |= EW_F_NS_KNOWN;
	if (read_kernel_u64(signal, EW_OFF_SIGNAL_TTY))
		sc->e.flags |= EW_F_TTY;
	return read_cgroup_names(sc, t);
}
#else
static __always_inline u32 read_container(struct ew_scratch *sc, u64 task)
{
	return 0;
}
#endif

static __always_inline int on_enter(const char *filename,
				    const char *const *argv, u32 flags)
{
	u32 zero = 0;
	u64 *gen = ctl.lookup(&zero);

	if (!gen || *gen != EW_GEN)
		return 0;
#ifdef EW_CONTAINERS_ONLY
	/* Decided here, so the host's own execs cost nothing further. */
	if (task_pidns((const void *)bpf_get_current_task(), NULL) == EW_HOST_PIDNS)
		return 0;
#endif

	struct ew_stage s = {};
	u64 task = bpf_get_current_task();

	s.enter_ns = bpf_ktime_get_ns();
	s.filename = filename;
	s.argv = argv;
	s.tid = (u32)bpf_get_current_pid_tgid();
	s.flags = flags;
	if (stage.update(&task, &s))
		count_drop(EW_DROP_STAGE_FULL);
	return 0;
}

/* The new image: file name at env_end, argv at arg_start..arg_end. */
static __always_inline u32 read_new_image(struct ew_scratch *sc, u64 task,
					  u32 base)
{
	const void *mm = (const void *)read_kernel_u64((void *)task, EW_OFF_TASK_MM);
	u64 arg_start = read_kernel_u64(mm, EW_OFF_MM_ARG_START);
	u64 arg_end = read_kernel_u64(mm, EW_OFF_MM_ARG_END);
	u64 env_end = read_kernel_u64(mm, EW_OFF_MM_ENV_END);
	u64 start_stack = read_kernel_u64(mm, EW_OFF_MM_START_STACK);
	u64 argc = 0;
	long n;
	u64 len;

	sc->e.flags |= EW_F_NEW_IMAGE;
	if (bpf_probe_read_user(&argc, sizeof(argc), (void *)start_stack) == 0)
		sc->e.argc = (u32)argc;

	base &= 2047;
	n = bpf_probe_read_user_str(sc->data + base, EW_FILENAME_MAX, (void *)env_end);
	if (n <= 0) {
		sc->data[base] = 0;
		n = 1;
		sc->e.flags |= EW_F_FILENAME_UNREADABLE;
	} else if (n == EW_FILENAME_MAX) {
		sc->e.flags |= EW_F_FILENAME_TRUNCATED;
	}
	n &= (2 * EW_FILENAME_MAX - 1);
	sc->e.filename_len = n;
	n = (base + n) & 8191;

	len = arg_end - arg_start;
	if (arg_end < arg_start)
		len = 0;
	if (len > EW_ARGS_MAX) {
		len = EW_ARGS_MAX;
		sc->e.flags |= EW_F_ARGS_TRUNCATED;
	}
	if (len && bpf_probe_read_user(sc->data + n, len, (void *)arg_start)) {
		len = 0;
		sc->e.flags |= EW_F_ARGS_UNREADABLE;
	}
	sc->e.args_len = len;
	return n + len;
}

/*
 * A failed exec left the caller's memory as it was: read what the syscall
 * arguments still allow and flag what they do not.
 */
static __always_inline u32 read_old_args(struct ew_scratch *sc,
					 const struct ew_stage *s, u32 base)
{
	long n;
	u32 off, i;

	base &= 2047;
	n = bpf_probe_read_user_str(sc->data + base, EW_FILENAME_MAX, s->filename);
	if (n <= 0) {
		sc->data[base] = 0;
		n = 1;
		sc->e.flags |= EW_F_FILENAME_UNREADABLE;
	} else if (n == EW_FILENAME_MAX) {
		sc->e.flags |= EW_F_FILENAME_TRUNCATED;
	}
	n &= (2 * EW_FILENAME_MAX - 1);
	sc->e.filename_len = n;
	n = (base + n) & 8191;
	off = n;

	for (i = 0; i < EW_MAX_ARGS; i++) {
		const char *p = NULL;
		long m;

		if (bpf_probe_read_user(&p, sizeof(p), &s->argv[i])) {
			sc->e.flags |= EW_F_ARGS_UNREADABLE;
			goto out;
		}
		if (!p)
			goto out;
		if (off > EW_FILENAME_MAX + EW_ARGS_MAX - EW_ARG_LEN) {
			sc->e.flags |= EW_F_ARGS_TRUNCATED;
			goto out;
		}
		m = bpf_probe_read_user_str(sc->data + off, EW_ARG_LEN, p);
		if (m <= 0) {
			sc->e.flags |= EW_F_ARGS_UNREADABLE;
			goto out;
		}
		off += m;
	}
	{
		const char *p = NULL;

		if (bpf_probe_read_user(&p, sizeof(p), &s->argv[EW_MAX_ARGS]) == 0 && p)
			sc->e.flags |= EW_F_ARGC_TRUNCATED;
	}
out:
	sc->e.args_len = off - n;
	return off;
}

static __always_inline int on_exit(void *ctx, long ret)
{
	u64 task = bpf_get_current_task();
	struct ew_stage *s = stage.lookup(&task);
	struct ew_stage st;

	if (!s)
		return 0;
	st = *s;
	stage.delete(&task);

#ifndef EW_FAILS
	if (ret < 0)
		return 0;
#endif
	u64 id = bpf_get_current_pid_tgid();
	u32 pid = id >> 32;
	u32 uid = (u32)bpf_get_current_uid_gid();
	const void *parent = (const void *)read_kernel_u64((void *)task,
							  EW_OFF_TASK_REAL_PARENT);
	u32 ppid = read_kernel_u32(parent, EW_OFF_TASK_TGID);

#ifdef EW_FILTER_UID
	if (uid != EW_FILTER_UID)
		return 0;
#endif
#ifdef EW_FILTER_PID
	if (pid != EW_FILTER_PID)
		return 0;
#endif
#ifdef EW_FILTER_PPID
	if (ppid != EW_FILTER_PPID)
		return 0;
#endif

	u32 zero = 0;
	u32 cpu = bpf_get_smp_processor_id();
	u64 *seq = seqs.lookup(&zero);
	struct ew_scratch *sc = scratch.lookup(&cpu);

	if (!seq || !sc) {
		count_drop(EW_DROP_NO_SCRATCH);
		return 0;
	}
	*seq += 1;

	sc->e.ts_ns = bpf_ktime_get_ns();
	sc->e.enter_ns = st.enter_ns;
	sc->e.seq = *seq;
	sc->e.cpu = cpu;
	sc->e.pid = pid;
	sc->e.tid = st.tid;
	sc->e.ppid = ppid;
	sc->e.uid = uid;
	sc->e.ret = ret;
	sc->e.flags = st.flags;
	sc->e.argc = 0;
	sc->e.cgroup_id = 0;
	sc->e.mntns = sc->e.pidns = sc->e.parent_pidns = sc->e.ns_pid = 0;
	sc->e.version = EW_EVENT_VERSION;
	bpf_get_current_comm(&sc->e.comm, sizeof(sc->e.comm));

	u32 cg = read_container(sc, task);
	u32 used;

	sc->e.cgroup_len = cg;
	if (ret == 0)
		used = read_new_image(sc, task, cg);
	else
		used = read_old_args(sc, &st, cg);
	if (events.perf_submit(ctx, sc, sizeof(struct ew_event) +
			       (used & (EW_DATA_SIZE - 1))))
		count_drop(EW_DROP_SUBMIT);
	return 0;
}

#ifdef EW_ATTACH_KPROBE
int syscall__execve(struct pt_regs *ctx, const char __user *filename,
		    const char __user *const __user *argv)
{
	return on_enter(filename, argv, 0);
}

int do_ret_sys_execve(struct pt_regs *ctx)
{
	return on_exit(ctx, PT_REGS_RC(ctx));
}

int syscall__execveat(struct pt_regs *ctx, int fd,
		      const char __user *filename,
		      const char __user *const __user *argv)
{
	return on_enter(filename, argv, EW_F_EXECVEAT);
}

int do_ret_sys_execveat(struct pt_regs *ctx)
{
	return on_exit(ctx, PT_REGS_RC(ctx));
}
#else
TRACEPOINT_PROBE(syscalls, sys_enter_execve)
{
	return on_enter(args->filename, args->argv, 0);
}

TRACEPOINT_PROBE(syscalls, sys_exit_execve)
{
	return on_exit(args, args->ret);
}

TRACEPOINT_PROBE(syscalls, sys_enter_execveat)
{
	return on_enter(args->filename, args->argv, EW_F_EXECVEAT);
}

TRACEPOINT_PROBE(syscalls, sys_exit_execveat)
{
	return on_exit(args, args->ret);
}
#endif

/*
 * workshop: a second program beside the exec ones; execwatch attaches it
 * because of its name (tracepoint__syscalls__sys_enter_openat), with either
 * --attach mechanism. The path is the caller's, as written, not resolved.
 */
TRACEPOINT_PROBE(syscalls, sys_enter_openat)
{
	struct path_key k = {};
	int i;

	if (bpf_probe_read_user_str(&k.path, sizeof(k.path), args->filename) <= 0)
		return 0;
#pragma unroll
	for (i = 0; i < sizeof(WORKSHOP_DIR) - 1; i++)
		if (k.path[i] != WORKSHOP_DIR[i])
			return 0;
	etc_opens.increment(k);
	return 0;
}
