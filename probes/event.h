/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one contract between a probe and the execwatch host: the layout of a
 * sample in the "events" perf buffer, the maps execwatch looks for by name,
 * and the causes of the drops a probe counts.
 *
 * A sample is struct ew_event followed by data[], in this order:
 *   cgroup_len bytes	the names of the task's cgroup's ancestors and its
 *			own, from the root down (the root's, empty, left
 *			out), at most EW_CGROUP_LEVELS, each ending in NUL
 *   filename_len bytes	the file name passed to exec, NUL included
 *   interp_len bytes	the interpreter the kernel ran instead (a #! line's
 *			program), NUL included; 0 for a binary
 *   args_len bytes	argv[0], argv[1], ... each ending in NUL, exactly as
 *			the kernel laid them out in the new image
 *
 * Probe side (BCC) and host side both include this file, so it uses only
 * the kernel's __uN types.
 */
#ifndef EXECWATCH_EVENT_H
#define EXECWATCH_EVENT_H

#define EW_EVENT_VERSION	4
#define EW_COMM_LEN		16
/* Read sizes, NUL included; powers of two, so the probe can mask offsets
 * with them for the verifier. */
#define EW_FILENAME_MAX		8192	/* a kernel path with a /dev/fd/N/ prefix fits */
#define EW_INTERP_MAX		256	/* a #! line is at most 256 bytes (BINPRM_BUF_SIZE) */
#define EW_ARGS_MAX		32768
#define EW_CGROUP_LEVELS	16	/* cgroup names sent: the top 16 levels */
#define EW_CGROUP_NAME_MAX	256	/* a kernfs name's maximum, NUL included */

/* event.flags */
#define EW_F_ARGS_TRUNCATED	(1U << 0)	/* argument area longer than EW_ARGS_MAX */
#define EW_F_ARGS_UNREADABLE	(1U << 1)	/* argv could not be read (failed exec) */
#define EW_F_FILENAME_TRUNCATED	(1U << 2)
#define EW_F_FILENAME_UNREADABLE (1U << 3)
#define EW_F_NEW_IMAGE		(1U << 4)	/* argv read from the new image */
#define EW_F_ARGC_TRUNCATED	(1U << 6)	/* failed exec: more than EW_MAX_ARGS */
#define EW_F_TTY		(1U << 7)	/* has a controlling terminal */
#define EW_F_NS_KNOWN		(1U << 8)	/* cgroup_id..ns_pid are filled in */
#define EW_F_SECUREEXEC		(1U << 9)	/* the exec changed credentials (AT_SECURE) */
#define EW_F_EXE_MEMFD		(1U << 10)	/* the image is a memfd */
#define EW_F_EXE_DELETED	(1U << 11)	/* the image's file has no name left */
#define EW_F_EXE_FD		(1U << 12)	/* named by a file descriptor (execveat) */
#define EW_F_REFUSED		(1U << 13)	/* refused before the system call ran (seccomp) */
#define EW_F_NO_RETURN		(1U << 14)	/* failed after the point of no return */
#define EW_F_ENTERED		(1U << 15)	/* enter_ns is the system call's entry */
#define EW_F_CGROUP_NAMES	(1U << 16)	/* cgroup names and levels were read */
#define EW_F_CGROUP_ROOT_OPEN	(1U << 17)	/* the root cgroup itself is user-writable */
#define EW_F_PTRACED		(1U << 18)	/* traced by a debugger (ptrace) at the event */

/* event.entry: the door the exec came through */
#define EW_ENTRY_UNKNOWN	0	/* no entry seen (see docs/json.md) */
#define EW_ENTRY_EXECVE		1
#define EW_ENTRY_EXECVEAT	2
#define EW_ENTRY_COMPAT_EXECVE	3	/* the 32-bit entry (int $0x80, a 32-bit program) */
#define EW_ENTRY_COMPAT_EXECVEAT 4
#define EW_ENTRY_KERNEL		5	/* started by the kernel itself (kernel_execve) */

/*
 * The maps execwatch looks for by name. A probe declares them with these
 * names as tokens (BPF_PERF_OUTPUT(events), ...); docs/probes.md says what
 * each must be.
 */
#define EW_MAP_EVENTS		"events"	/* the samples: BPF_PERF_OUTPUT */
#define EW_MAP_GEN		"gen"		/* the probe's own generation, set before attaching */
#define EW_MAP_CTL		"ctl"		/* the generation to report for */
#define EW_MAP_STAGE		"stage"		/* execs between entry and return */
#define EW_MAP_SEQS		"seqs"		/* per-CPU sequence counters */
#define EW_MAP_DROPS		"drops"		/* per-CPU counts by EW_DROP_* */
#define EW_MAP_SCRATCH		"scratch"	/* per-CPU sample buffers */

/* drops[cause] (a per-CPU array in the probe): events lost before they
 * could be sent. A loss after the sequence number is taken shows as a gap. */
#define EW_DROP_STAGE_FULL	0	/* no memory to stage an exec at entry */
#define EW_DROP_NO_SCRATCH	1	/* no buffer for the sample */
#define EW_DROP_SUBMIT		2	/* the perf buffer refused the sample (full) */
#define EW_DROP_CAUSES		3

struct ew_event {
	__u64 ts_ns;		/* bpf_ktime_get_ns() when reported */
	__u64 enter_ns;		/* at the system call's entry, with EW_F_ENTERED */
	__u64 seq;		/* per-CPU sequence number, counts every attempt */
	__u64 cgroup_id;	/* bpf_get_current_cgroup_id() */
	__u32 cpu;
	__u32 pid;		/* thread group id, after the exec */
	__u32 tid;		/* thread that called exec (differs for a non-leader exec) */
	__u32 ppid;		/* real parent's thread group id */
	__u32 uid, gid;		/* real ids, after the exec */
	__u32 euid, egid;	/* effective ids, after the exec */
	__s32 ret;		/* 0, or the system call's -errno */
	__u32 flags;		/* EW_F_* */
	__u32 argc;		/* from the new image's stack; 0 when unknown */
	__u32 cgroup_user_uid;	/* owner of cgroup_user_level; -1: root's, open to others */
	__u32 mntns;		/* mount namespace inode number */
	__u32 pidns;		/* PID namespace inode number */
	__u32 parent_pidns;	/* the real parent's PID namespace */
	__u32 ns_pid;		/* pid as seen in its own PID namespace */
	__u16 cgroup_len;
	__u16 filename_len;
	__u16 interp_len;
	__u16 args_len;
	__u16 cgroup_level;	/* depth of the task's cgroup, the root 0 */
	__u16 cgroup_user_level; /* the first level, from the root, a user
				  * other than root can make cgroups in; 0: none */
	__u32 entry;		/* EW_ENTRY_* */
	__u32 version;		/* EW_EVENT_VERSION */
	__u32 reserved;
	char comm[EW_COMM_LEN];
	char data[];
};

_Static_assert(__builtin_offsetof(struct ew_event, data) == sizeof(struct ew_event),
	       "a probe writes data right after the header");
_Static_assert(sizeof(struct ew_event) % 8 == 0, "the header keeps data aligned");

#endif /* EXECWATCH_EVENT_H */
