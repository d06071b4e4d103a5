// SPDX-License-Identifier: GPL-2.0
#include "attach.h"
#include "kallsyms.h"

#include "bcc.h"
#include <bpf/bpf.h>
#include <bcc/libbpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum how { KPROBE, KRETPROBE, TRACEPOINT, RAW_TRACEPOINT };

/* One of the probe's own programs, and where it goes. */
struct prog {
	const char *name;
	enum how how;
	const char *target;	/* "category:event", a raw tracepoint; NULL: plan->fn[fn] */
	enum ew_fn fn;
	bool required;
};

#define RAW_EXEC { "raw_tracepoint__sched_process_exec", RAW_TRACEPOINT, \
		   "sched_process_exec", 0, true }
#define RAW_ENTER { "raw_tracepoint__sys_enter", RAW_TRACEPOINT, "sys_enter", 0, false }
#define RAW_EXIT { "raw_tracepoint__sys_exit", RAW_TRACEPOINT, "sys_exit", 0, false }

/*
 * Exits first: whatever an entry program stages is then always finished.
 * The optional ones are attached where the probe defines them (-x) and
 * the kernel has their target (the 32-bit entry).
 */
static const struct prog kprobe_progs[] = {
	RAW_EXEC,
	{ "do_ret_sys_execve", KRETPROBE, NULL, EW_FN_EXECVE, true },
	{ "do_ret_sys_execveat", KRETPROBE, NULL, EW_FN_EXECVEAT, true },
	{ "kretprobe_compat_execve", KRETPROBE, NULL, EW_FN_COMPAT_EXECVE, false },
	{ "kretprobe_compat_execveat", KRETPROBE, NULL, EW_FN_COMPAT_EXECVEAT, false },
	{ "tracepoint__syscalls__sys_exit_execve", TRACEPOINT,
	  "syscalls:sys_exit_execve", 0, false },
	{ "tracepoint__syscalls__sys_exit_execveat", TRACEPOINT,
	  "syscalls:sys_exit_execveat", 0, false },
	RAW_EXIT,
	{ "syscall__execve", KPROBE, NULL, EW_FN_EXECVE, true },
	{ "syscall__execveat", KPROBE, NULL, EW_FN_EXECVEAT, true },
	{ "kprobe_compat_execve", KPROBE, NULL, EW_FN_COMPAT_EXECVE, false },
	{ "kprobe_compat_execveat", KPROBE, NULL, EW_FN_COMPAT_EXECVEAT, false },
	{ NULL },
};

static const struct prog tracepoint_progs[] = {
	RAW_EXEC,
	{ "tracepoint__syscalls__sys_exit_execve", TRACEPOINT,
	  "syscalls:sys_exit_execve", 0, true },
	{ "tracepoint__syscalls__sys_exit_execveat", TRACEPOINT,
	  "syscalls:sys_exit_execveat", 0, true },
	RAW_EXIT,
	{ "tracepoint__syscalls__sys_enter_execve", TRACEPOINT,
	  "syscalls:sys_enter_execve", 0, true },
	{ "tracepoint__syscalls__sys_enter_execveat", TRACEPOINT,
	  "syscalls:sys_enter_execveat", 0, true },
	RAW_ENTER,
	{ NULL },
};

static const struct prog *progs_for(enum ew_mech mech)
{
	return mech == EW_MECH_KPROBE ? kprobe_progs : tracepoint_progs;
}

const char *const *ew_required_programs(enum ew_mech mech)
{
	static const char *names[2][16];
	const struct prog *p;
	int n = 0;

	if (!names[mech][0])
		for (p = progs_for(mech); p->name; p++)
			if (p->required)
				names[mech][n++] = p->name;
	return names[mech];
}

/* The kprobe PMU (fd-based, cleaned up with the fd) or legacy kprobe_events. */
static bool kernel_has_kprobes(void)
{
	return faccessat(AT_FDCWD, "/sys/bus/event_source/devices/kprobe/type", F_OK, AT_EACCESS) == 0 ||
	       faccessat(AT_FDCWD, "/sys/kernel/tracing/kprobe_events", F_OK, AT_EACCESS) == 0 ||
	       faccessat(AT_FDCWD, "/sys/kernel/debug/tracing/kprobe_events", F_OK, AT_EACCESS) == 0;
}

/* execve's and execveat's functions, and the 32-bit entry's where there is one. */
static int resolve_fns(struct ew_attach_plan *plan)
{
	static const char *const compat[] = { "__ia32_compat_sys_execve",
					      "__ia32_compat_sys_execveat" };
	const char *names[2] = { "execve", "execveat" };
	FILE *f = fopen("/proc/kallsyms", "r");
	int i, err = 0;

	if (!f)
		return -errno;
	for (i = 0; i < 2 && !err; i++) {
		rewind(f);
		err = ew_syscall_fnname(f, names[i], plan->fn[i],
					sizeof(plan->fn[i]));
	}
	for (i = 0; i < 2 && !err; i++) {
		rewind(f);
		if (ew_kallsyms_has(f, compat[i]))
			snprintf(plan->fn[EW_FN_COMPAT_EXECVE + i],
				 sizeof(plan->fn[0]), "%s", compat[i]);
	}
	fclose(f);
	return err;
}

int ew_plan_attach(const char *requested, struct ew_attach_plan *plan)
{
	bool want_kprobe = !strcmp(requested, "kprobe");
	bool kprobes = kernel_has_kprobes();

	memset(plan, 0, sizeof(*plan));
	if (!strcmp(requested, "tracepoint")) {
		plan->mech = EW_MECH_TRACEPOINT;
		snprintf(plan->reason, sizeof(plan->reason),
			 "tracepoints requested with --attach tracepoint");
		return 0;
	}
	if (!kprobes) {
		if (want_kprobe) {
			snprintf(plan->reason, sizeof(plan->reason),
				 "this kernel has no kprobes (no kprobe PMU, no kprobe_events): try --attach tracepoint");
			return -1;
		}
		plan->mech = EW_MECH_TRACEPOINT;
		snprintf(plan->reason, sizeof(plan->reason),
			 "tracepoints: this kernel has no kprobes (built without CONFIG_KPROBES)");
		return 0;
	}
	if (resolve_fns(plan)) {
		if (want_kprobe) {
			snprintf(plan->reason, sizeof(plan->reason),
				 "no execve/execveat syscall function in /proc/kallsyms: try --attach tracepoint");
			return -1;
		}
		plan->mech = EW_MECH_TRACEPOINT;
		snprintf(plan->reason, sizeof(plan->reason),
			 "tracepoints: the execve syscall functions are not in /proc/kallsyms");
		return 0;
	}
	plan->mech = EW_MECH_KPROBE;
	plan->fallback_allowed = !want_kprobe;
	snprintf(plan->reason, sizeof(plan->reason),
		 "kprobes on %s and %s: %s", plan->fn[0], plan->fn[1],
		 want_kprobe ? "requested with --attach kprobe" :
			       "the kernel supports them (auto)");
	return 0;
}

static void close_links(struct ew_loaded *out)
{
	int i;

	for (i = 0; i < out->nlinks; i++)
		bpf_close_perf_event_fd(out->links[i]);
	out->nlinks = 0;
}

static int prog_type(enum how how)
{
	switch (how) {
	case TRACEPOINT:
		return BPF_PROG_TYPE_TRACEPOINT;
	case RAW_TRACEPOINT:
		return BPF_PROG_TYPE_RAW_TRACEPOINT;
	default:
		return BPF_PROG_TYPE_KPROBE;
	}
}

/* ---- The programs: a BCC module's, or a cache entry's ---------------- */

static const struct ew_cache_prog *cached_prog(const struct ew_program_set *set,
					       const char *name)
{
	uint32_t i;

	for (i = 0; i < set->cached->nprogs; i++)
		if (!strcmp(set->cached->progs[i].name, name))
			return &set->cached->progs[i];
	return NULL;
}

static bool defines(const struct ew_program_set *set, const char *name)
{
	return set->mod ? ew_bcc()->function_start(set->mod, name) != NULL :
			  cached_prog(set, name) != NULL;
}

static size_t nfunctions(const struct ew_program_set *set)
{
	return set->mod ? ew_bcc()->num_functions(set->mod) : set->cached->nprogs;
}

static const char *function_name(const struct ew_program_set *set, size_t i)
{
	return set->mod ? ew_bcc()->function_name(set->mod, i) : set->cached->progs[i].name;
}

/*
 * A cached program, with its function's BTF where the entry has it, as
 * BCC loads it: bpftool then shows its whole name. A probe with functions
 * of its own (bpf-to-bpf calls) needs a record for each, which the entry
 * does not keep: that one is loaded without.
 */
static int load_cached(const struct ew_program_set *set, int type, const char *name)
{
	const struct ew_cache_prog *p = cached_prog(set, name);
	int id = set->btf ? btf__find_by_name_kind(set->btf, name, BTF_KIND_FUNC) : -1;
	struct bpf_func_info fi = { 0, id > 0 ? id : 0 };
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .kern_version = set->cached->kern_version);
	bool with_btf = id > 0;
	int fd;

	for (;;) {
		opts.prog_btf_fd = with_btf ? set->btf_fd : 0;
		opts.func_info = with_btf ? &fi : NULL;
		opts.func_info_cnt = with_btf;
		opts.func_info_rec_size = with_btf ? sizeof(fi) : 0;
		fd = bcc_prog_load_xattr(type, name, set->cached->license, p->insns, &opts,
					 p->insn_cnt * sizeof(*p->insns), NULL, 0, true);
		if (fd >= 0 || !with_btf)
			return fd;
		with_btf = false;
	}
}

/* A BCC module's with its BTF (the verifier's messages then quote the
 * probe's lines); a cached one's as plain instructions. */
static int load(const struct ew_program_set *set, int type, const char *name)
{
	if (set->mod)
		return ew_bcc()->func_load(set->mod, type, name,
				     ew_bcc()->function_start(set->mod, name),
				     ew_bcc()->function_size(set->mod, name),
				     ew_bcc()->module_license(set->mod),
				     ew_bcc()->module_kern_version(set->mod), 0, NULL, 0,
				     NULL, -1);
	return load_cached(set, type, name);
}

/* Loads NAME and attaches it to TARGET; the attachment's fd, or -1 with
 * errno and a message in err. */
static int load_attach(const struct ew_program_set *set, const char *name,
		       enum how how, const char *target, int seq, char *err,
		       int errlen)
{
	char cat[64], ev[96];
	const char *colon;
	int fd, pfd;

	fd = load(set, prog_type(how), name);
	if (fd < 0) {
		snprintf(err, errlen, "the kernel's verifier rejected %s() (%s)",
			 name, strerror(errno));
		return -1;
	}
	switch (how) {
	case TRACEPOINT:
		colon = strchr(target, ':');
		snprintf(cat, sizeof(cat), "%.*s", (int)(colon - target), target);
		pfd = bpf_attach_tracepoint(fd, cat, colon + 1);
		break;
	case RAW_TRACEPOINT:
		pfd = bpf_attach_raw_tracepoint(fd, target);
		break;
	default:
		/* The event name matters only for kernels without the kprobe PMU. */
		snprintf(ev, sizeof(ev), "%s_execwatch_%d_%d",
			 how == KRETPROBE ? "r" : "p", (int)getpid(), seq);
		pfd = bpf_attach_kprobe(fd, how == KRETPROBE ? BPF_PROBE_RETURN :
					BPF_PROBE_ENTRY, ev, target, 0, 0);
	}
	close(fd);
	if (pfd < 0)
		snprintf(err, errlen, "cannot attach %s() to %s %s (%s)", name,
			 how == TRACEPOINT ? "tracepoint" :
			 how == RAW_TRACEPOINT ? "raw tracepoint" : "kernel function",
			 target, strerror(errno));
	return pfd;
}

static int add_link(struct ew_loaded *out, int pfd, char *err, int errlen)
{
	if (pfd < 0)
		return -1;
	if (out->nlinks >= EW_MAX_LINKS) {
		bpf_close_perf_event_fd(pfd);
		snprintf(err, errlen, "the probe defines more than %d programs",
			 EW_MAX_LINKS);
		return -1;
	}
	out->links[out->nlinks++] = pfd;
	return 0;
}

static bool is_own(const char *name)
{
	const struct prog *p;
	int m;

	for (m = EW_MECH_KPROBE; m <= EW_MECH_TRACEPOINT; m++)
		for (p = progs_for(m); p->name; p++)
			if (!strcmp(name, p->name))
				return true;
	return false;
}

/* A program a probe adds, by its BCC name; 0 (nothing) for other names:
 * a helper or a tail-call target is not attached. */
static int attach_extra(const struct ew_program_set *set, const char *name,
			struct ew_loaded *out, char *err, int errlen)
{
	char target[160];
	const char *p, *sep;
	enum how how;

	if (!strncmp(name, "tracepoint__", 12)) {
		p = name + 12;
		sep = strstr(p, "__");
		if (!sep || sep == p || !sep[2])
			return 0;
		snprintf(target, sizeof(target), "%.*s:%s", (int)(sep - p), p, sep + 2);
		how = TRACEPOINT;
	} else if (!strncmp(name, "raw_tracepoint__", 16)) {
		snprintf(target, sizeof(target), "%s", name + 16);
		how = RAW_TRACEPOINT;
	} else if (!strncmp(name, "kprobe__", 8)) {
		snprintf(target, sizeof(target), "%s", name + 8);
		how = KPROBE;
	} else if (!strncmp(name, "kretprobe__", 11)) {
		snprintf(target, sizeof(target), "%s", name + 11);
		how = KRETPROBE;
	} else {
		return 0;
	}
	return add_link(out, load_attach(set, name, how, target, out->nlinks,
					 err, errlen), err, errlen);
}

static int attach_extras(const struct ew_program_set *set, struct ew_loaded *out,
			 char *err, int errlen)
{
	size_t i, n = nfunctions(set);

	for (i = 0; i < n; i++) {
		const char *name = function_name(set, i);

		if (name && !is_own(name) &&
		    attach_extra(set, name, out, err, errlen))
			return -1;
	}
	return 0;
}

int ew_load_and_attach(const struct ew_program_set *set,
		       const struct ew_attach_plan *plan,
		       struct ew_loaded *out, char *err, int errlen,
		       void (*info)(const char *what))
{
	const struct prog *p;
	char what[256];

	memset(out, 0, sizeof(*out));
	for (p = progs_for(plan->mech); p->name; p++) {
		const char *target = p->target ? p->target : plan->fn[p->fn];

		if (!defines(set, p->name)) {
			if (!p->required)
				continue;
			snprintf(err, errlen,
				 "the probe does not define %s(), which --attach %s needs",
				 p->name, plan->mech == EW_MECH_KPROBE ?
				 "kprobe" : "tracepoint");
			goto fail;
		}
		if (!*target) {		/* no 32-bit entry in this kernel */
			snprintf(what, sizeof(what), "not attached: %s (no such function in this kernel)",
				 p->name);
			if (info)
				info(what);
			continue;
		}
		if (add_link(out, load_attach(set, p->name, p->how, target,
					      out->nlinks, err, errlen), err, errlen))
			goto fail;
		snprintf(what, sizeof(what), "attached: %s to %s", p->name, target);
		if (info)
			info(what);
	}
	if (!attach_extras(set, out, err, errlen))
		return 0;
fail:
	close_links(out);
	return -1;
}
