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
	return 0;
fail:
	close_links(out);
	while (n-- > 0)
		if (fds[n] >= 0)
			close(fds[n]);
	return -1;
}
