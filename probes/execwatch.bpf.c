// SPDX-License-Identifier: GPL-2.0
/*
 * execwatch's probe, in BCC's dialect: compiled at run time, so it can be
 * copied, edited and passed back with --probe FILE (docs/probes.md).
 *
 * Every exec, whatever door it came through:
 *
 * - A successful exec is reported from the sched_process_exec tracepoint.
 *   It fires once per exec, for every ABI (a 32-bit program, int $0x80)
 *   and for programs the kernel starts itself (kernel_execve: a core_pattern
 *   pipe, modprobe, a cgroup release_agent), once the new image is in place
 *   and before a ptracer can stop the task to rewrite it. The file name is
 *   the kernel's own copy; argv is read from the new image, where the
 *   kernel has just written it.
 * - The exec system call's entry (kprobes, or the syscall tracepoints
 *   where a kernel has no kprobes) stages what only the caller has: the
 *   entry time, the file name, the argv pointer. The stage is per-task
 *   storage, freed with the task: no other user can fill it up.
 * - A failed exec (-x) is reported at the system call's return, from the
 *   stage and the caller's memory, which a failed exec leaves as it was.
 *   One refused before the system call ran (by a seccomp filter) was never
 *   staged: it is read from the caller's registers.
 *
 * Reading a kernel field of your own: add a "btf:" line to the list below,
 * such as
 *
 *	btf: EW_OFF_TASK_PRIO = task_struct.prio
 *
 * execwatch resolves it in the running kernel's BTF and compiles with
 * -DEW_OFF_TASK_PRIO=<byte offset> ("sizeof(T)", "T::ENUMERATOR" and
 * "T.member:bit" for a bitfield work too; "a|b" takes the first member that
 * exists). Read it as the accessors below do: read_u32(task, EW_OFF_TASK_PRIO).
 * A field this kernel lacks is left undefined, with a warning, so an #ifdef
 * can do without it. The fallback, BCC's own rewriting of task->prio
 * through the installed kernel headers, is right only where those headers
 * match the kernel (execwatch -v says whether they do).
 *
 * btf: EW_OFF_TASK_MM = task_struct.mm
 * btf: EW_OFF_TASK_REAL_PARENT = task_struct.real_parent
 * btf: EW_OFF_TASK_TGID = task_struct.tgid
 * btf: EW_OFF_TASK_FLAGS = task_struct.flags
 * btf: EW_OFF_TASK_EXEC_ID = task_struct.self_exec_id
 * btf: EW_OFF_TASK_CRED = task_struct.cred
 * btf: EW_OFF_TASK_SECCOMP_MODE = task_struct.seccomp.mode
 * btf: EW_OFF_TASK_PTRACE = task_struct.ptrace
 * btf: EW_OFF_TASK_TI_STATUS = task_struct.thread_info.status
 * btf: EW_OFF_CRED_EUID = cred.euid
 * btf: EW_OFF_CRED_EGID = cred.egid
 * btf: EW_OFF_MM_ARG_START = mm_struct.arg_start
 * btf: EW_OFF_MM_ARG_END = mm_struct.arg_end
 * btf: EW_OFF_MM_START_STACK = mm_struct.start_stack
 * btf: EW_OFF_BPRM_FILENAME = linux_binprm.filename
 * btf: EW_OFF_BPRM_INTERP = linux_binprm.interp
 * btf: EW_OFF_BPRM_FDPATH = linux_binprm.fdpath
 * btf: EW_OFF_BPRM_FILE = linux_binprm.file
 * btf: EW_BIT_BPRM_SECUREEXEC = linux_binprm.secureexec:bit
 * btf: EW_OFF_FILE_DENTRY = file.f_path.dentry
 * btf: EW_OFF_FILE_INODE = file.f_inode
 * btf: EW_OFF_INODE_NLINK = inode.i_nlink
 * btf: EW_OFF_DENTRY_NAME = dentry.d_name.name
 * btf: EW_OFF_REGS_DI = pt_regs.di
 * btf: EW_OFF_REGS_SI = pt_regs.si
 * btf: EW_OFF_REGS_DX = pt_regs.dx
 * btf: EW_OFF_REGS_BX = pt_regs.bx
 * btf: EW_OFF_REGS_CX = pt_regs.cx
 * btf: EW_OFF_REGS_ORIG_AX = pt_regs.orig_ax
 *
 * For the container label (docs/containers.md):
 *
 * btf: EW_OFF_TASK_NSPROXY = task_struct.nsproxy
 * btf: EW_OFF_NSPROXY_MNT_NS = nsproxy.mnt_ns
 * btf: EW_OFF_MNT_NS_INUM = mnt_namespace.ns.inum
 * btf: EW_OFF_TASK_THREAD_PID = task_struct.thread_pid
 * btf: EW_OFF_PID_LEVEL = pid.level
 * btf: EW_OFF_PID_NUMBERS = pid.numbers
 * btf: EW_SIZE_UPID = sizeof(upid)
 * btf: EW_OFF_UPID_NR = upid.nr
 * btf: EW_OFF_UPID_NS = upid.ns
 * btf: EW_OFF_PIDNS_INUM = pid_namespace.ns.inum
 * btf: EW_OFF_TASK_SIGNAL = task_struct.signal
 * btf: EW_OFF_SIGNAL_TTY = signal_struct.tty
 * btf: EW_OFF_TASK_CGROUPS = task_struct.cgroups
 * btf: EW_OFF_CSS_SET_DFL_CGRP = css_set.dfl_cgrp
 * btf: EW_OFF_CSS_SET_SUBSYS = css_set.subsys
 * btf: EW_OFF_CSS_CGROUP = cgroup_subsys_state.cgroup
 * btf: EW_OFF_CGROUP_KN = cgroup.kn
 * btf: EW_OFF_CGROUP_LEVEL = cgroup.level
 * btf: EW_OFF_CGROUP_ANCESTORS = cgroup.ancestors
 * btf: EW_OFF_KN_PARENT = kernfs_node.__parent|parent
 * btf: EW_OFF_KN_NAME = kernfs_node.name
 * btf: EW_OFF_KN_MODE = kernfs_node.mode
 * btf: EW_OFF_KN_IATTR = kernfs_node.iattr
 * btf: EW_OFF_IATTR_UID = kernfs_iattrs.ia_uid
 * btf: EW_CGRP_SUBSYS_PIDS = cgroup_subsys_id::pids_cgrp_id
 */
#include <uapi/linux/ptrace.h>
#include "event.h"

#if !defined(EW_OFF_TASK_MM) || !defined(EW_OFF_BPRM_FILENAME) || \
    !defined(EW_OFF_REGS_DI) || !defined(EW_OFF_CRED_EUID)
#error "this kernel's BTF lacks a field the probe needs: execwatch warned which"
#endif
#if defined(EW_OFF_TASK_NSPROXY) && defined(EW_OFF_KN_NAME) && \
    defined(EW_OFF_SIGNAL_TTY) && defined(EW_CGRP_SUBSYS_PIDS)
#define EW_CONTAINER_FIELDS 1
#endif
/* cgroup.ancestors[] came with Linux 6.0: before it, no cgroup names. */
#if defined(EW_CONTAINER_FIELDS) && defined(EW_OFF_CGROUP_ANCESTORS) && \
    defined(EW_OFF_CGROUP_LEVEL) && defined(EW_OFF_KN_IATTR) && \
    defined(EW_OFF_KN_MODE) && defined(EW_OFF_IATTR_UID)
#define EW_CGROUP_NAMES 1
#endif

/* Filled in by execwatch (docs/probes.md); the defaults suit a plain compile. */
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

/* Kernel constants the probe tests (include/linux/sched.h, ptrace.h,
 * seccomp.h, arch/x86/include/asm/thread_info.h). */
#define PF_KTHREAD		0x00200000
#define PT_PTRACED		0x00000001
#define SECCOMP_MODE_FILTER	2
#define TS_COMPAT		0x0002
#define NR_COMPAT_EXECVE	11	/* i386 */
#define NR_COMPAT_EXECVEAT	358

/*
 * Where each part of a sample may start: the verifier accepts a write at
 * data + (offset & MASK) of a bounded size only when that fits in data[],
 * so each part has a power of two above the largest offset it can have.
 */
#define FILENAME_AT_MASK	8191	/* after the cgroup names: at most 16 x 256 */
#define INTERP_AT_MASK		16383	/* after the file name: at most 4096 + 8192 */
#define ARGS_AT_MASK		16383	/* after the interpreter: at most 12544 */
#define ARG_AT_MASK		(EW_ARGS_MAX - 1)
/* Room for the widest bounded write: an argument of EW_ARGS_MAX bytes at
 * args + EW_ARGS_MAX - 1. */
#define DATA_SIZE		(ARGS_AT_MASK + 1 + 2 * EW_ARGS_MAX)
#define SAMPLE_MASK		65535	/* above the longest sample */

/* Hides what the compiler knows of V, so that a mask it would drop as
 * redundant stays in the code for the verifier to see. */
#define barrier_var(v)		asm volatile("" : "+r"(v))

/* The caller's state, from the system call's entry to its return. */
struct ew_stage {
	u64 enter_ns;
	u64 mm;			/* the caller's: the exec replaced it past its point of no return */
	u64 filename_ptr;	/* the caller's file name and argv pointers */
	u64 argv;
	u32 exec_id;		/* the task's self_exec_id at entry */
	u32 reported_exec;	/* the self_exec_id of the last exec reported */
	u16 entry;		/* EW_ENTRY_* */
	u8 active;		/* between this system call's entry and return */
	u8 compat;		/* 32-bit pointers in argv */
	u8 failure_reported;	/* by the kretprobe: the exit hook has nothing to add */
	/* A copy, for an exec that fails past its point of no return: the
	 * caller's memory is gone then. (Read at entry, it may miss a page the
	 * kernel has not faulted in yet; every other failure is read at the
	 * return, after the kernel has read the name itself.) */
	u32 filename_len;	/* NUL included */
	char filename[EW_FILENAME_MAX / 2 + 1];	/* the kernel refuses longer names */
};

struct ew_scratch {
	struct ew_event e;
	char data[DATA_SIZE];
};

BPF_PERF_OUTPUT(events);
BPF_PERCPU_ARRAY(drops, u64, EW_DROP_CAUSES);
BPF_PERCPU_ARRAY(seqs, u64, 1);
/* Too large for a per-CPU map value: one slot per CPU, indexed by CPU id. */
BPF_ARRAY(scratch, struct ew_scratch, EW_NR_CPUS);

/*
 * gen[0]: this probe's own generation, 1 for the first and the next for
 * each --watch reload, written by execwatch before any program is
 * attached. A map, not a -D flag: the same text then compiles to the same
 * programs in every generation, and the compile cache serves them all.
 */
BPF_ARRAY(gen, u64, 1);

/*
 * ctl[0]: the newest generation the host has armed (0 until it has).
 * Under --watch a new generation shares the running one's ctl and stage
 * maps, pinned for it at EW_CTL_PIN and EW_STAGE_PIN. The newest armed
 * generation stages and finishes system calls; a successful exec is
 * claimed in the stage by the first armed generation that sees it, so
 * while two are attached it is still reported once.
 */
#ifdef EW_CTL_PIN
BPF_TABLE_PINNED("array", u32, u64, ctl, 1, EW_CTL_PIN);
#else
BPF_ARRAY(ctl, u64, 1);
#endif
#ifdef EW_STAGE_PIN
/* BPF_TASK_STORAGE(stage, struct ew_stage), opened where it is pinned. */
struct stage_table_t {
	int key;
	struct ew_stage leaf;
	void *(*task_storage_get)(void *, void *, int);
	int (*task_storage_delete)(void *);
	u32 flags;
};
__attribute__((section("maps/task_storage:" EW_STAGE_PIN)))
struct stage_table_t stage = { .flags = BPF_F_NO_PREALLOC };
BPF_ANNOTATE_KV_PAIR(stage, int, struct ew_stage);
#else
BPF_TASK_STORAGE(stage, struct ew_stage);
#endif

/* ---- Reading kernel memory, at offsets from BTF ---------------------- */

static __always_inline u64 read_u64(const void *base, u64 off)
{
	u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), (const char *)base + off);
	return v;
}

static __always_inline u32 read_u32(const void *base, u64 off)
{
	u32 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), (const char *)base + off);
	return v;
}

static __always_inline u16 read_u16(const void *base, u64 off)
{
	u16 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), (const char *)base + off);
	return v;
}

static __always_inline const void *read_ptr(const void *base, u64 off)
{
	return (const void *)read_u64(base, off);
}

static __always_inline const void *current_task(void)
{
	return (const void *)bpf_get_current_task();
}

static __always_inline const void *task_real_parent(const void *task)
{
	return read_ptr(task, EW_OFF_TASK_REAL_PARENT);
}

static __always_inline u32 task_tgid(const void *task)
{
	return read_u32(task, EW_OFF_TASK_TGID);
}

static __always_inline const void *task_mm(const void *task)
{
	return read_ptr(task, EW_OFF_TASK_MM);
}

/* Counts the task's execs: one more once an exec is past its point of no return. */
static __always_inline u32 task_exec_id(const void *task)
{
	return read_u32(task, EW_OFF_TASK_EXEC_ID);
}

static __always_inline bool task_is_kthread(const void *task)
{
	return read_u32(task, EW_OFF_TASK_FLAGS) & PF_KTHREAD;
}

/* Under a debugger: it may change the argv we read before the program
 * reads it (at the exec stop), so the event says so. */
static __always_inline bool task_is_ptraced(const void *task)
{
	return read_u32(task, EW_OFF_TASK_PTRACE) & PT_PTRACED;
}

static __always_inline bool task_has_seccomp_filter(const void *task)
{
	return read_u32(task, EW_OFF_TASK_SECCOMP_MODE) == SECCOMP_MODE_FILTER;
}

/* In a system call made through the 32-bit entry. */
static __always_inline bool task_in_compat_syscall(const void *task)
{
	return read_u32(task, EW_OFF_TASK_TI_STATUS) & TS_COMPAT;
}

static __always_inline u32 task_euid(const void *task)
{
	return read_u32(read_ptr(task, EW_OFF_TASK_CRED), EW_OFF_CRED_EUID);
}

static __always_inline u32 task_egid(const void *task)
{
	return read_u32(read_ptr(task, EW_OFF_TASK_CRED), EW_OFF_CRED_EGID);
}

/* The user registers of the current task's system call (x86: di si dx,
 * and bx cx dx through the 32-bit entry). */
static __always_inline u64 syscall_arg(int n, bool compat)
{
	const void *regs = (const void *)bpf_task_pt_regs(bpf_get_current_task_btf());
	u64 off = n == 1 ? (compat ? EW_OFF_REGS_BX : EW_OFF_REGS_DI) :
		  n == 2 ? (compat ? EW_OFF_REGS_CX : EW_OFF_REGS_SI) :
			   EW_OFF_REGS_DX;
	u64 v = read_u64(regs, off);

	return compat ? (u32)v : v;
}

static __always_inline bool file_is_memfd(const void *file)
{
	const char *name = read_ptr(read_ptr(file, EW_OFF_FILE_DENTRY),
				    EW_OFF_DENTRY_NAME);
	char prefix[6] = {};

	bpf_probe_read_kernel(prefix, sizeof(prefix), name);
	return prefix[0] == 'm' && prefix[1] == 'e' && prefix[2] == 'm' &&
	       prefix[3] == 'f' && prefix[4] == 'd' && prefix[5] == ':';
}

static __always_inline bool file_is_unlinked(const void *file)
{
	return read_u32(read_ptr(file, EW_OFF_FILE_INODE), EW_OFF_INODE_NLINK) == 0;
}

/* A bit of a bitfield: the u32 that holds it, then the bit. */
static __always_inline bool read_bit(const void *base, u64 bit)
{
	return read_u32(base, bit / 32 * 4) & (1U << (bit % 32));
}

/* ---- Which generation reports ------------------------------------------ */

static __always_inline u64 armed_generation(void)
{
	u32 zero = 0;
	u64 *gen = ctl.lookup(&zero);

	return gen ? *gen : 0;
}

static __always_inline u64 own_generation(void)
{
	u32 zero = 0;
	u64 *own = gen.lookup(&zero);

	return own ? *own : 0;
}

/* The newest armed generation: it stages and finishes system calls. */
static __always_inline bool newest(void)
{
	u64 own = own_generation();

	return own && armed_generation() == own;
}

/* The system call is over: its stage goes, so a task's stage takes room
 * only while it is inside exec. */
static __always_inline void finish_stage(void)
{
	stage.task_storage_delete(bpf_get_current_task_btf());
}

static __always_inline void count_drop(u32 cause)
{
	u64 *n = drops.lookup(&cause);

	if (n)
		*n += 1;
}

/* ---- Filling a sample ---------------------------------------------------- */

#ifdef EW_CONTAINER_FIELDS
/* The PID namespace a task lives in, and its pid there. */
static __always_inline u32 task_pidns(const void *task, u32 *ns_pid)
{
	const void *pid = read_ptr(task, EW_OFF_TASK_THREAD_PID);
	u32 level = read_u32(pid, EW_OFF_PID_LEVEL);
	const char *upid = (const char *)pid + EW_OFF_PID_NUMBERS +
			   (u64)level * EW_SIZE_UPID;

	if (ns_pid)
		*ns_pid = read_u32(upid, EW_OFF_UPID_NR);
	return read_u32(read_ptr(upid, EW_OFF_UPID_NS), EW_OFF_PIDNS_INUM);
}

/* The cgroup whose names count: the unified (v2) hierarchy's, else on a
 * v1-only host the pids controller's. */
static __always_inline const void *task_cgroup(const void *task)
{
	const void *cset = read_ptr(task, EW_OFF_TASK_CGROUPS);
	const void *cgrp = read_ptr(cset, EW_OFF_CSS_SET_DFL_CGRP);

	if (!read_ptr(read_ptr(cgrp, EW_OFF_CGROUP_KN), EW_OFF_KN_PARENT)) {
		const void *css = read_ptr(cset, EW_OFF_CSS_SET_SUBSYS +
					   8 * EW_CGRP_SUBSYS_PIDS);

		cgrp = read_ptr(css, EW_OFF_CSS_CGROUP);
	}
	return cgrp;
}

#ifdef EW_CGROUP_NAMES
/* 1 if V is not 0, without a branch (each branch in the loop below is a
 * path the verifier walks, 16 times over). */
static __always_inline u32 nonzero(u32 v)
{
	return (v | -v) >> 31;
}

/*
 * Can a user other than root make cgroups in this directory? It is
 * someone else's (delegated to a user, or made by one), or root's but
 * open to its group or to everyone. *OWNER is its owner then, or -1 for
 * one of root's that is open to others. (A directory never chowned has
 * no iattr: the read of a NULL one fails and leaves 0, root.)
 */
static __always_inline u32 kn_user_writable(const void *kn, u32 *owner)
{
	u32 uid = read_u32(read_ptr(kn, EW_OFF_KN_IATTR), EW_OFF_IATTR_UID);
	u32 mode = read_u16(kn, EW_OFF_KN_MODE);

	*owner = uid | (nonzero(uid) - 1);
	return nonzero(uid) | ((mode >> 1) & 1) | ((mode >> 4) & 1);
}

static __always_inline const void *cgroup_kn_at(const void *cgrp, u32 level)
{
	return read_ptr(read_ptr(cgrp, EW_OFF_CGROUP_ANCESTORS + 8 * level),
			EW_OFF_CGROUP_KN);
}

/*
 * The names of the task's cgroup's ancestors and its own, from the root
 * down: the top EW_CGROUP_LEVELS levels, where the runtimes make their
 * containers' cgroups, however deep a task goes below them. With them, the
 * first of those levels a user other than root can write in: the names
 * below it are that user's choice (docs/containers.md).
 */
static __always_inline void put_cgroup_names(struct ew_scratch *sc,
					     const void *task)
{
	volatile __u16 *len = &sc->e.cgroup_len;	/* bytes of names so far */
	const void *cgrp = task_cgroup(task);
	u32 level = read_u32(cgrp, EW_OFF_CGROUP_LEVEL), i, first = 0, owner;
	/* The root itself open to users: every name below is theirs. */
	u32 done = kn_user_writable(cgroup_kn_at(cgrp, 0), &owner);
	u32 first_owner = done * owner;

	sc->e.flags |= done * EW_F_CGROUP_ROOT_OPEN;
	/*
	 * Always sixteen rounds and no branch in them, so the verifier walks
	 * one path, not one per depth: past the task's own level, "here" is 0,
	 * the root is looked up and nothing is read or kept. The length so far
	 * lives in the sample, read back each round: the verifier then bounds
	 * each write by the mask alone, instead of tracing the sum back
	 * through every round before it.
	 */
	for (i = 1; i <= EW_CGROUP_LEVELS; i++) {
		u32 here = 1 ^ ((level - i) >> 31);	/* i <= level */
		const void *kn = cgroup_kn_at(cgrp, i * here);
		u32 at = *len, take;
		long m = bpf_probe_read_kernel_str(sc->data + (at & FILENAME_AT_MASK),
						   here * EW_CGROUP_NAME_MAX,
						   read_ptr(kn, EW_OFF_KN_NAME));

		/* A name that could not be read stays, empty (the read left a
		 * NUL): the levels after it keep their places. */
		*len = at + (m & ~(m >> 63)) + (here & (u32)(m >> 63) & 1);
		/* The first writable level, kept: take is 1 only there. */
		take = here & kn_user_writable(kn, &owner) & (1 ^ done);
		first += take * i;
		first_owner += take * owner;
		done |= take;
	}
	sc->e.cgroup_level = level;
	sc->e.cgroup_user_level = first;
	sc->e.cgroup_user_uid = first_owner;
	sc->e.flags |= EW_F_CGROUP_NAMES;
}
#else
static __always_inline void put_cgroup_names(struct ew_scratch *sc,
					     const void *task)
{
}
#endif

static __always_inline void put_container(struct ew_scratch *sc, const void *task)
{
	const void *nsproxy = read_ptr(task, EW_OFF_TASK_NSPROXY);

	sc->e.cgroup_id = bpf_get_current_cgroup_id();
	sc->e.mntns = read_u32(read_ptr(nsproxy, EW_OFF_NSPROXY_MNT_NS),
			       EW_OFF_MNT_NS_INUM);
	sc->e.pidns = task_pidns(task, &sc->e.ns_pid);
	sc->e.parent_pidns = task_pidns(task_real_parent(task), NULL);
	sc->e.flags |= EW_F_NS_KNOWN;
	if (read_u64(read_ptr(task, EW_OFF_TASK_SIGNAL), EW_OFF_SIGNAL_TTY))
		sc->e.flags |= EW_F_TTY;
	put_cgroup_names(sc, task);
}

/* --containers: decided first, so the host's own execs cost nothing more. */
static __always_inline bool outside_containers(const void *task)
{
#ifdef EW_CONTAINERS_ONLY
	return task_pidns(task, NULL) == EW_HOST_PIDNS;
#else
	return false;
#endif
}
#else
static __always_inline void put_container(struct ew_scratch *sc, const void *task)
{
}

static __always_inline bool outside_containers(const void *task)
{
	return false;
}
#endif

/* -u, -p, --ppid, decided in the kernel. -u matches the real or the
 * effective user, so that a setuid program's exec is not missed. */
static __always_inline bool filtered_out(const void *task)
{
#ifdef EW_FILTER_UID
	if ((u32)bpf_get_current_uid_gid() != EW_FILTER_UID &&
	    task_euid(task) != EW_FILTER_UID)
		return true;
#endif
#ifdef EW_FILTER_PID
	if (bpf_get_current_pid_tgid() >> 32 != EW_FILTER_PID)
		return true;
#endif
#ifdef EW_FILTER_PPID
	if (task_tgid(task_real_parent(task)) != EW_FILTER_PPID)
		return true;
#endif
	return false;
}

/*
 * This CPU's sample buffer, its header zeroed and filled with what every
 * sample has: who, when, where. Returns NULL (counted) when there is none.
 */
static __always_inline struct ew_scratch *start_sample(const void *task,
						       u32 tid, long ret)
{
	u32 zero = 0, cpu = bpf_get_smp_processor_id();
	u64 *seq = seqs.lookup(&zero);
	struct ew_scratch *sc = scratch.lookup(&cpu);
	u64 uid_gid = bpf_get_current_uid_gid();

	if (!seq || !sc) {
		count_drop(EW_DROP_NO_SCRATCH);
		return NULL;
	}
	*seq += 1;
	__builtin_memset(&sc->e, 0, sizeof(sc->e));
	sc->e.ts_ns = bpf_ktime_get_ns();
	sc->e.seq = *seq;
	sc->e.cpu = cpu;
	sc->e.pid = bpf_get_current_pid_tgid() >> 32;
	sc->e.tid = tid;
	sc->e.ppid = task_tgid(task_real_parent(task));
	sc->e.uid = (u32)uid_gid;
	sc->e.gid = uid_gid >> 32;
	sc->e.euid = task_euid(task);
	sc->e.egid = task_egid(task);
	sc->e.ret = ret;
	sc->e.version = EW_EVENT_VERSION;
	if (task_is_ptraced(task))
		sc->e.flags |= EW_F_PTRACED;
	bpf_get_current_comm(&sc->e.comm, sizeof(sc->e.comm));
	put_container(sc, task);	/* sets cgroup_len, read back where needed */
	return sc;
}

static __always_inline void take_stage(struct ew_scratch *sc,
				       const struct ew_stage *s)
{
	sc->e.enter_ns = s->enter_ns;
	sc->e.entry = s->entry;
	sc->e.flags |= EW_F_ENTERED;
}

/* A string at data + AT: the file name's read size, its length kept. */
static __always_inline u32 put_filename(struct ew_scratch *sc, u32 at,
					const char *name, bool user)
{
	char *dst = sc->data + (at & FILENAME_AT_MASK);
	long n = user ? bpf_probe_read_user_str(dst, EW_FILENAME_MAX, name) :
			bpf_probe_read_kernel_str(dst, EW_FILENAME_MAX, name);

	if (n <= 0) {
		*dst = 0;
		n = 1;
		sc->e.flags |= EW_F_FILENAME_UNREADABLE;
	} else if (n == EW_FILENAME_MAX) {
		sc->e.flags |= EW_F_FILENAME_TRUNCATED;
	}
	sc->e.filename_len = n;
	return n;
}

/* The new image's argv, in one read: mm->arg_start .. mm->arg_end. */
static __always_inline u32 put_new_argv(struct ew_scratch *sc, u32 at,
					const void *mm)
{
	u64 start = read_u64(mm, EW_OFF_MM_ARG_START);
	u64 end = read_u64(mm, EW_OFF_MM_ARG_END);
	u64 argc = 0, len = end > start ? end - start : 0;

	sc->e.flags |= EW_F_NEW_IMAGE;
	if (!bpf_probe_read_user(&argc, sizeof(argc),
				 (void *)read_u64(mm, EW_OFF_MM_START_STACK)))
		sc->e.argc = argc;
	if (len > EW_ARGS_MAX) {
		len = EW_ARGS_MAX;
		sc->e.flags |= EW_F_ARGS_TRUNCATED;
	}
	if (len && bpf_probe_read_user(sc->data + (at & ARGS_AT_MASK), len,
				       (void *)start)) {
		len = 0;
		sc->e.flags |= EW_F_ARGS_UNREADABLE;
	}
	sc->e.args_len = len;
	return len;
}

/* One argv entry of the caller: 8-byte pointers, or 4 through the 32-bit entry. */
static __always_inline const char *caller_arg(u64 argv, u32 i, bool compat,
					      bool *bad)
{
	u64 p = 0;

	*bad = bpf_probe_read_user(&p, compat ? 4 : 8,
				   (void *)(argv + (u64)i * (compat ? 4 : 8))) != 0;
	return (const char *)p;
}

/*
 * A failed exec left the caller's memory as it was: read what its argv
 * still allows and flag what it does not. A NULL argv is an empty one.
 */
static __always_inline u32 put_caller_argv(struct ew_scratch *sc, u32 at,
					   u64 argv, bool compat)
{
	char *args = sc->data + (at & ARGS_AT_MASK);
	u32 used = 0, i;
	bool bad;

	for (i = 0; argv && i < EW_MAX_ARGS; i++) {
		const char *p = caller_arg(argv, i, compat, &bad);
		u64 size;
		long m;

		if (bad) {
			sc->e.flags |= EW_F_ARGS_UNREADABLE;
			break;
		}
		if (!p)
			break;
		if (used > EW_ARGS_MAX - 2) {
			sc->e.flags |= EW_F_ARGS_TRUNCATED;
			break;
		}
		/* What is left of the area, at most EW_ARG_LEN: the barrier keeps
		 * the compiler from dropping the mask that proves it to the verifier. */
		size = EW_ARGS_MAX - used;
		if (size > EW_ARG_LEN)
			size = EW_ARG_LEN;
		barrier_var(size);
		size &= EW_ARGS_MAX * 2 - 1;
		m = bpf_probe_read_user_str(args + (used & ARG_AT_MASK), size, p);
		if (m <= 0) {
			sc->e.flags |= EW_F_ARGS_UNREADABLE;
			break;
		}
		used += m;
		if (m == size && size < EW_ARG_LEN) {	/* the area is full */
			sc->e.flags |= EW_F_ARGS_TRUNCATED;
			break;
		}
	}
	if (i == EW_MAX_ARGS && caller_arg(argv, i, compat, &bad) && !bad)
		sc->e.flags |= EW_F_ARGC_TRUNCATED;
	sc->e.args_len = used;
	return used;
}

static __always_inline int submit(void *ctx, struct ew_scratch *sc, u32 used)
{
	if (events.perf_submit(ctx, sc, sizeof(struct ew_event) +
			       (used & SAMPLE_MASK)))
		count_drop(EW_DROP_SUBMIT);
	return 0;
}

/* ---- The system call's entry: the caller is still the old program ---- */

static __always_inline int on_entry(const char *filename, u64 argv, u32 entry,
				    bool compat)
{
	const void *task = current_task();
	struct ew_stage *s;
	long n;

	if (!newest() || outside_containers(task))
		return 0;
	s = stage.task_storage_get(bpf_get_current_task_btf(), 0,
				   BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!s) {
		count_drop(EW_DROP_STAGE_FULL);
		return 0;
	}
	s->enter_ns = bpf_ktime_get_ns();
	s->mm = (u64)task_mm(task);
	s->filename_ptr = (u64)filename;
	s->argv = argv;
	s->exec_id = task_exec_id(task);
	s->entry = entry;
	s->compat = compat;
	s->failure_reported = 0;
	n = bpf_probe_read_user_str(s->filename, sizeof(s->filename), filename);
	s->filename_len = n > 0 ? n : 0;
	s->active = 1;
	return 0;
}

/* ---- A successful exec: the new image, before any ptrace stop --------- */

/* TP_PROTO(struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm) */
static __always_inline int on_exec(void *ctx, u32 old_pid, const void *bprm)
{
	const void *task = current_task();
	const char *filename = read_ptr(bprm, EW_OFF_BPRM_FILENAME);
	const char *interp = read_ptr(bprm, EW_OFF_BPRM_INTERP);
	const void *file = read_ptr(bprm, EW_OFF_BPRM_FILE);
	u32 exec_id = task_exec_id(task), at, n;
	u64 own = own_generation();
	struct ew_stage *s;
	struct ew_scratch *sc;
	bool entered;

	if (!own || armed_generation() < own)	/* not armed yet */
		return 0;
	if (outside_containers(task) || filtered_out(task))
		return 0;
	/* Claimed by the first armed generation to see it. */
	s = stage.task_storage_get(bpf_get_current_task_btf(), 0,
				   BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (s) {
		if (s->reported_exec == exec_id)
			return 0;
		s->reported_exec = exec_id;
	} else if (!newest()) {
		return 0;
	}
	/* Staged for this exec: it is one exec further now. */
	entered = s && s->active && s->exec_id + 1 == exec_id;
	sc = start_sample(task, old_pid, 0);
	if (!sc)
		return 0;
	if (entered) {
		take_stage(sc, s);
		s->active = 0;	/* the return has nothing left to do */
	} else if (task_is_kthread(task_real_parent(task))) {
		sc->e.entry = EW_ENTRY_KERNEL;
	}
	if (read_bit(bprm, EW_BIT_BPRM_SECUREEXEC))
		sc->e.flags |= EW_F_SECUREEXEC;
	if (read_ptr(bprm, EW_OFF_BPRM_FDPATH))
		sc->e.flags |= EW_F_EXE_FD;
	if (file_is_memfd(file))
		sc->e.flags |= EW_F_EXE_MEMFD;
	else if (file_is_unlinked(file))
		sc->e.flags |= EW_F_EXE_DELETED;

	at = sc->e.cgroup_len;
	at += put_filename(sc, at, filename, false);
	if (interp != filename) {	/* a #! script, or binfmt_misc */
		long m = bpf_probe_read_kernel_str(sc->data + (at & INTERP_AT_MASK),
						   EW_INTERP_MAX, interp);

		n = m > 0 ? m : 0;
		sc->e.interp_len = n;
		at += n;
	}
	n = put_new_argv(sc, at, task_mm(task));
	return submit(ctx, sc, at + n);
}

/* ---- The system call's return ------------------------------------------- */

/* The copy staged at entry (past the point of no return). */
static __always_inline u32 put_staged_filename(struct ew_scratch *sc, u32 at,
					       const struct ew_stage *s)
{
	u32 n = s->filename_len & (EW_FILENAME_MAX - 1);

	bpf_probe_read_kernel(sc->data + (at & FILENAME_AT_MASK),
			      n & (EW_FILENAME_MAX - 1), s->filename);
	if (!n) {
		sc->data[at & FILENAME_AT_MASK] = 0;
		n = 1;
		sc->e.flags |= EW_F_FILENAME_UNREADABLE;
	} else if (n == sizeof(s->filename)) {
		sc->e.flags |= EW_F_FILENAME_TRUNCATED;
	}
	sc->e.filename_len = n;
	return n;
}

/*
 * A failed exec (-x), as the caller made it: from the stage's pointers, or
 * for one never staged (refused before the system call ran) from the
 * caller's registers.
 */
static __always_inline int report_failure(void *ctx, const struct ew_stage *s,
					  long ret, u32 entry, bool compat)
{
	const void *task = current_task();
	bool at_fd = entry == EW_ENTRY_EXECVEAT || entry == EW_ENTRY_COMPAT_EXECVEAT;
	const char *filename;
	struct ew_scratch *sc;
	u32 at, n;
	u64 argv;

	if (outside_containers(task) || filtered_out(task))
		return 0;
	sc = start_sample(task, (u32)bpf_get_current_pid_tgid(), ret);
	if (!sc)
		return 0;
	at = sc->e.cgroup_len;
	if (s) {
		take_stage(sc, s);
		/* Past its point of no return an exec has replaced the caller's memory. */
		if (s->mm != (u64)task_mm(task)) {
			sc->e.flags |= EW_F_NO_RETURN | EW_F_ARGS_UNREADABLE;
			at += put_staged_filename(sc, at, s);
			return submit(ctx, sc, at);
		}
		filename = (const char *)s->filename_ptr;
		argv = s->argv;
	} else {
		sc->e.entry = entry;
		sc->e.flags |= EW_F_REFUSED;
		filename = (const char *)syscall_arg(at_fd ? 2 : 1, compat);
		argv = syscall_arg(at_fd ? 3 : 2, compat);
	}
	at += put_filename(sc, at, filename, true);
	n = put_caller_argv(sc, at, argv, compat);
	return submit(ctx, sc, at + n);
}

/*
 * At the system call's return (after the kprobe path's kretprobe, if any):
 * a failure is reported, unless a kretprobe did (one can miss: the kernel
 * keeps a bounded number of kretprobe instances, and tasks held inside
 * exec use them up); a failure nothing staged, in a task under a seccomp
 * filter, was refused before the system call ran. Then the stage goes.
 */
static __always_inline int on_return(void *ctx, long ret, u32 entry, bool compat)
{
	struct ew_stage *s;
	bool entered;

	if (!newest())
		return 0;
	s = stage.task_storage_get(bpf_get_current_task_btf(), 0, 0);
	entered = s && s->active;
#ifdef EW_FAILS
	if (ret < 0 && entered && !s->failure_reported)
		report_failure(ctx, s, ret, s->entry, s->compat);
	else if (ret < 0 && !entered && task_has_seccomp_filter(current_task()))
		report_failure(ctx, NULL, ret, entry, compat);
#endif
	if (s)
		finish_stage();
	return 0;
}

RAW_TRACEPOINT_PROBE(sched_process_exec)
{
	return on_exec(ctx, (u32)ctx->args[1], (const void *)ctx->args[2]);
}

#ifdef EW_ATTACH_KPROBE
/* Kprobes on the system call functions: the 64-bit entry, then the 32-bit
 * one where the kernel has it (execwatch attaches those if it finds them). */
int syscall__execve(struct pt_regs *ctx, const char __user *filename,
		    const char __user *const __user *argv)
{
	return on_entry(filename, (u64)argv, EW_ENTRY_EXECVE, false);
}

int syscall__execveat(struct pt_regs *ctx, int fd, const char __user *filename,
		      const char __user *const __user *argv)
{
	return on_entry(filename, (u64)argv, EW_ENTRY_EXECVEAT, false);
}

/* __ia32_compat_sys_execve[at](const struct pt_regs *regs): the caller's
 * registers, with the 32-bit convention (bx, cx, dx). */
int kprobe_compat_execve(struct pt_regs *ctx)
{
	return on_entry((const char *)syscall_arg(1, true), syscall_arg(2, true),
			EW_ENTRY_COMPAT_EXECVE, true);
}

int kprobe_compat_execveat(struct pt_regs *ctx)
{
	return on_entry((const char *)syscall_arg(2, true), syscall_arg(3, true),
			EW_ENTRY_COMPAT_EXECVEAT, true);
}

/* The kretprobes report a failure (-x); the exit tracepoints below, which
 * see refused attempts too, report one a kretprobe missed and finish the
 * stage. */
static __always_inline int on_kretprobe(void *ctx, long ret)
{
	struct ew_stage *s;

	if (!newest())
		return 0;
	s = stage.task_storage_get(bpf_get_current_task_btf(), 0, 0);
#ifdef EW_FAILS
	if (ret < 0 && s && s->active && !s->failure_reported) {
		report_failure(ctx, s, ret, s->entry, s->compat);
		s->failure_reported = 1;
	}
#else
	if (s)
		finish_stage();
#endif
	return 0;
}

int do_ret_sys_execve(struct pt_regs *ctx)
{
	return on_kretprobe(ctx, PT_REGS_RC(ctx));
}

int do_ret_sys_execveat(struct pt_regs *ctx)
{
	return on_kretprobe(ctx, PT_REGS_RC(ctx));
}

int kretprobe_compat_execve(struct pt_regs *ctx)
{
	return on_kretprobe(ctx, PT_REGS_RC(ctx));
}

int kretprobe_compat_execveat(struct pt_regs *ctx)
{
	return on_kretprobe(ctx, PT_REGS_RC(ctx));
}

#ifdef EW_FAILS
TRACEPOINT_PROBE(syscalls, sys_exit_execve)
{
	return on_return(args, args->ret, EW_ENTRY_EXECVE, false);
}

TRACEPOINT_PROBE(syscalls, sys_exit_execveat)
{
	return on_return(args, args->ret, EW_ENTRY_EXECVEAT, false);
}
#endif
#else
TRACEPOINT_PROBE(syscalls, sys_enter_execve)
{
	return on_entry(args->filename, (u64)args->argv, EW_ENTRY_EXECVE, false);
}

TRACEPOINT_PROBE(syscalls, sys_exit_execve)
{
	return on_return(args, args->ret, EW_ENTRY_EXECVE, false);
}

TRACEPOINT_PROBE(syscalls, sys_enter_execveat)
{
	return on_entry(args->filename, (u64)args->argv, EW_ENTRY_EXECVEAT, false);
}

TRACEPOINT_PROBE(syscalls, sys_exit_execveat)
{
	return on_return(args, args->ret, EW_ENTRY_EXECVEAT, false);
}
#endif

#ifdef EW_FAILS
/*
 * The syscall tracepoints above skip the 32-bit entry; these see every
 * system call of every ABI, at a cost to each, so they are attached only
 * for -x (docs/kernels.md gives the figure): a 32-bit exec's entry and
 * failure, and on the kprobe path its refusal.
 */
#ifndef EW_ATTACH_KPROBE
RAW_TRACEPOINT_PROBE(sys_enter)
{
	/* TP_PROTO(struct pt_regs *regs, long id) */
	long id = ctx->args[1];

	if ((id != NR_COMPAT_EXECVE && id != NR_COMPAT_EXECVEAT) ||
	    !task_in_compat_syscall(current_task()))
		return 0;
	if (id == NR_COMPAT_EXECVE)
		return on_entry((const char *)syscall_arg(1, true), syscall_arg(2, true),
				EW_ENTRY_COMPAT_EXECVE, true);
	return on_entry((const char *)syscall_arg(2, true), syscall_arg(3, true),
			EW_ENTRY_COMPAT_EXECVEAT, true);
}
#endif

RAW_TRACEPOINT_PROBE(sys_exit)
{
	/* TP_PROTO(struct pt_regs *regs, long ret) */
	const void *regs = (const void *)ctx->args[0];
	long id;

	/* Only a failure is left to report here (a success was, at
	 * sched_process_exec): the one test every system call pays. */
	if ((long)ctx->args[1] >= 0)
		return 0;
	id = read_u64(regs, EW_OFF_REGS_ORIG_AX);
	if ((id != NR_COMPAT_EXECVE && id != NR_COMPAT_EXECVEAT) ||
	    !task_in_compat_syscall(current_task()))
		return 0;
	return on_return(ctx, ctx->args[1], id == NR_COMPAT_EXECVE ?
			 EW_ENTRY_COMPAT_EXECVE : EW_ENTRY_COMPAT_EXECVEAT, true);
}
#endif
