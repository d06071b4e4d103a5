// SPDX-License-Identifier: GPL-2.0
#include "attach.h"
#include "kallsyms.h"

#include <bcc/bcc_common.h>
#include <bcc/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const kprobe_progs[] = {
	"syscall__execve", "do_ret_sys_execve",
	"syscall__execveat", "do_ret_sys_execveat", NULL,
};
static const char *const tracepoint_progs[] = {
	"tracepoint__syscalls__sys_enter_execve",
	"tracepoint__syscalls__sys_exit_execve",
	"tracepoint__syscalls__sys_enter_execveat",
	"tracepoint__syscalls__sys_exit_execveat", NULL,
};
static const char *const tracepoint_names[] = {
	"sys_enter_execve", "sys_exit_execve",
	"sys_enter_execveat", "sys_exit_execveat",
};

const char *const *ew_required_programs(enum ew_mech mech)
{
	return mech == EW_MECH_KPROBE ? kprobe_progs : tracepoint_progs;
}

/* The kprobe PMU (fd-based, cleaned up with the fd) or legacy kprobe_events. */
static bool kernel_has_kprobes(void)
{
	return access("/sys/bus/event_source/devices/kprobe/type", F_OK) == 0 ||
	       access("/sys/kernel/tracing/kprobe_events", F_OK) == 0 ||
	       access("/sys/kernel/debug/tracing/kprobe_events", F_OK) == 0;
}

static int resolve_fns(struct ew_attach_plan *plan)
{
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

static int attach_one(int prog, const struct ew_attach_plan *plan, int i)
{
	char ev[96];

	if (plan->mech == EW_MECH_TRACEPOINT)
		return bpf_attach_tracepoint(prog, "syscalls",
					     tracepoint_names[i]);
	/* The event name matters only for kernels without the kprobe PMU. */
	snprintf(ev, sizeof(ev), "%s_execwatch_%d_%d",
		 i % 2 ? "r" : "p", (int)getpid(), i);
	return bpf_attach_kprobe(prog, i % 2 ? BPF_PROBE_RETURN : BPF_PROBE_ENTRY,
				 ev, plan->fn[i / 2], 0, 0);
}

static bool is_required(const char *name)
{
	int m, i;

	for (m = EW_MECH_KPROBE; m <= EW_MECH_TRACEPOINT; m++)
		for (i = 0; ew_required_programs(m)[i]; i++)
			if (!strcmp(name, ew_required_programs(m)[i]))
				return true;
	return false;
}

/* One program a probe adds, attached by its BCC name; 0 if the name is not
 * one of those (a helper or tail-call target is not attached). */
static int attach_extra(void *mod, const char *name, struct ew_loaded *out,
			char *err, int errlen)
{
	char cat[64], ev[128], evname[160];
	const char *p, *sep;
	bool ret = false;
	int type, fd, pfd;

	if (!strncmp(name, "tracepoint__", 12)) {
		p = name + 12;
		sep = strstr(p, "__");
		if (!sep || sep == p || (size_t)(sep - p) >= sizeof(cat) ||
		    strlen(sep + 2) >= sizeof(ev))
			return 0;
		snprintf(cat, sizeof(cat), "%.*s", (int)(sep - p), p);
		snprintf(ev, sizeof(ev), "%s", sep + 2);
		type = BPF_PROG_TYPE_TRACEPOINT;
	} else if (!strncmp(name, "kprobe__", 8) ||
		   (ret = !strncmp(name, "kretprobe__", 11))) {
		snprintf(ev, sizeof(ev), "%s", name + (ret ? 11 : 8));
		type = BPF_PROG_TYPE_KPROBE;
	} else {
		return 0;
	}
	if (out->nlinks >= EW_MAX_LINKS) {
		snprintf(err, errlen, "the probe defines more than %d programs",
			 EW_MAX_LINKS);
		return -1;
	}
	fd = bcc_func_load(mod, type, name, bpf_function_start(mod, name),
			   bpf_function_size(mod, name), bpf_module_license(mod),
			   bpf_module_kern_version(mod), 0, NULL, 0, NULL, -1);
	if (fd < 0) {
		snprintf(err, errlen, "the kernel's verifier rejected %s() (%s)",
			 name, strerror(errno));
		return -1;
	}
	if (type == BPF_PROG_TYPE_TRACEPOINT) {
		pfd = bpf_attach_tracepoint(fd, cat, ev);
	} else {
		snprintf(evname, sizeof(evname), "%s_execwatch_%d_%d", ret ? "r" : "p",
			 (int)getpid(), out->nlinks);
		pfd = bpf_attach_kprobe(fd, ret ? BPF_PROBE_RETURN : BPF_PROBE_ENTRY,
					evname, ev, 0, 0);
	}
	close(fd);
	if (pfd < 0) {
		snprintf(err, errlen, "cannot attach %s() to %s %s%s%s (%s)", name,
			 type == BPF_PROG_TYPE_TRACEPOINT ? "tracepoint" : "kernel function",
			 type == BPF_PROG_TYPE_TRACEPOINT ? cat : "",
			 type == BPF_PROG_TYPE_TRACEPOINT ? ":" : "", ev,
			 strerror(errno));
		return -1;
	}
	out->links[out->nlinks++] = pfd;
	return 0;
}

static int attach_extras(void *mod, struct ew_loaded *out, char *err, int errlen)
{
	size_t i, n = bpf_num_functions(mod);

	for (i = 0; i < n; i++) {
		const char *name = bpf_function_name(mod, i);

		if (name && !is_required(name) &&
		    attach_extra(mod, name, out, err, errlen))
			return -1;
	}
	return 0;
}

int ew_load_and_attach(void *mod, const struct ew_attach_plan *plan,
		       struct ew_loaded *out, char *err, int errlen)
{
	const char *const *progs = ew_required_programs(plan->mech);
	int type = plan->mech == EW_MECH_KPROBE ? BPF_PROG_TYPE_KPROBE :
						   BPF_PROG_TYPE_TRACEPOINT;
	int fds[4], i, n;

	memset(out, 0, sizeof(*out));
	for (n = 0; progs[n]; n++) {
		void *start = bpf_function_start(mod, progs[n]);

		if (!start) {
			snprintf(err, errlen,
				 "the probe does not define %s(), which --attach %s needs",
				 progs[n], plan->mech == EW_MECH_KPROBE ?
				 "kprobe" : "tracepoint");
			goto fail;
		}
		fds[n] = bcc_func_load(mod, type, progs[n], start,
				       bpf_function_size(mod, progs[n]),
				       bpf_module_license(mod),
				       bpf_module_kern_version(mod), 0, NULL, 0,
				       NULL, -1);
		if (fds[n] < 0) {
			snprintf(err, errlen,
				 "the kernel's verifier rejected %s() (%s)",
				 progs[n], strerror(errno));
			goto fail;
		}
	}
	/* Exit programs first: an exec staged by an entry program is then
	 * always completed. */
	for (i = 1; i >= 0; i--) {
		int j;

		for (j = i; j < n; j += 2) {
			int pfd = attach_one(fds[j], plan, j);

			if (pfd < 0) {
				snprintf(err, errlen, "cannot attach %s to %s (%s)",
					 progs[j], plan->mech == EW_MECH_KPROBE ?
					 plan->fn[j / 2] : tracepoint_names[j],
					 strerror(errno));
				goto fail;
			}
			out->links[out->nlinks++] = pfd;
		}
	}
	for (i = 0; i < n; i++)
		close(fds[i]);
	if (attach_extras(mod, out, err, errlen)) {
		close_links(out);
		return -1;
	}
	return 0;
fail:
	close_links(out);
	while (n-- > 0)
		if (fds[n] >= 0)
			close(fds[n]);
	return -1;
}
