// SPDX-License-Identifier: GPL-2.0
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
/* Keyed by task_struct address: a non-leader thread's exec changes its tid. */
BPF_TABLE("lru_hash", u64, struct ew_stage, stage, 10240);
/* Too large for a per-CPU map value: one slot per CPU, indexed by CPU id. */
BPF_ARRAY(scratch, struct ew_scratch, EW_NR_CPUS);
BPF_PERCPU_ARRAY(seqs, u64, 1);
/* ctl[0]: the probe generation the host wants active (0 until it reads). */
BPF_ARRAY(ctl, u64, 1);

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

static __always_inline int on_enter(const char *filename,
				    const char *const *argv, u32 flags)
{
	u32 zero = 0;
	u64 *gen = ctl.lookup(&zero);

	if (!gen || *gen != EW_GEN)
		return 0;

	struct ew_stage s = {};
	u64 task = bpf_get_current_task();

	s.enter_ns = bpf_ktime_get_ns();
	s.filename = filename;
	s.argv = argv;
	s.tid = (u32)bpf_get_current_pid_tgid();
	s.flags = flags;
	stage.update(&task, &s);
	return 0;
}

/* The new image: file name at env_end, argv at arg_start..arg_end. */
static __always_inline u32 read_new_image(struct ew_scratch *sc, u64 task)
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

	n = bpf_probe_read_user_str(sc->data, EW_FILENAME_MAX, (void *)env_end);
	if (n <= 0) {
		sc->data[0] = 0;
		n = 1;
		sc->e.flags |= EW_F_FILENAME_UNREADABLE;
	} else if (n == EW_FILENAME_MAX) {
		sc->e.flags |= EW_F_FILENAME_TRUNCATED;
	}
	n &= (2 * EW_FILENAME_MAX - 1);
	sc->e.filename_len = n;

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
					 const struct ew_stage *s)
{
	long n = bpf_probe_read_user_str(sc->data, EW_FILENAME_MAX, s->filename);
	u32 off, i;

	if (n <= 0) {
		sc->data[0] = 0;
		n = 1;
		sc->e.flags |= EW_F_FILENAME_UNREADABLE;
	} else if (n == EW_FILENAME_MAX) {
		sc->e.flags |= EW_F_FILENAME_TRUNCATED;
	}
	n &= (2 * EW_FILENAME_MAX - 1);
	sc->e.filename_len = n;
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

	if (!seq || !sc)
		return 0;
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
	sc->e.version = EW_EVENT_VERSION;
	bpf_get_current_comm(&sc->e.comm, sizeof(sc->e.comm));

	u32 used;
	if (ret == 0)
		used = read_new_image(sc, task);
	else
		used = read_old_args(sc, &st);
	events.perf_submit(ctx, sc, sizeof(struct ew_event) + (used & (EW_DATA_SIZE - 1)));
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
