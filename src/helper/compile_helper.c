// SPDX-License-Identifier: GPL-2.0
/*
 * execwatch-compile: the only part of execwatch that links libbcc (and so
 * clang and LLVM). execwatch starts it for each probe it loads; it resolves
 * struct offsets from BTF, compiles the probe, loads and attaches it, sends
 * the attachment and map fds back over the socket on fd 3 and exits, so
 * the long-running tracer never carries the compiler's memory.
 */
#include "../helper_proto.h"
#include "../log.h"
#include "../privileges.h"
#include "attach.h"
#include "btf_offsets.h"
#include "cache.h"
#include "cached.h"
#include "compiled.h"
#include "diagnostics.h"
#include "kallsyms.h"
#include "kheaders.h"
#include "line_marks.h"
#include "reply.h"
#include "request.h"

#include <linux/types.h>
#include "../../probes/event.h"

#include "bcc.h"
#include <bcc/libbpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* The kernel headers BCC compiles against (check_headers). */
static struct ew_kheaders kh;

static int check_headers(void)
{
	struct utsname un;

	uname(&un);
	ew_say(EW_MSG_INFO, "kernel: Linux %s %s", un.release, un.machine);
	ew_find_kheaders("/lib/modules", "/sys/kernel/kheaders.tar.xz",
			 un.release, &kh);
	if (!kh.found) {
		char msg[512];

		snprintf(msg, sizeof(msg),
			 "no kernel headers for Linux %s (BCC compiles the probe against them)",
			 un.release);
		return ew_fail(msg, "install linux-headers-$(uname -r), or run scripts/setup.sh, which links the distribution's generic headers when no matching package exists");
	}
	if (kh.in_kernel)
		ew_say(EW_MSG_INFO, "headers: the kernel's own %s (match the running kernel)",
		    kh.path);
	else if (kh.matches)
		ew_say(EW_MSG_INFO, "headers: %s (%s, match the running kernel)",
		    kh.path, kh.release);
	else
		ew_say(EW_MSG_INFO, "headers: %s (%s) do NOT match the running kernel %s: struct layouts come from BTF instead",
		    kh.path, *kh.release ? kh.release : "unknown version", un.release);
	return 0;
}

/* BCC reads tracepoint formats and ids from tracefs; mount it if needed. */
static int ensure_tracefs(void)
{
	static const char *const dirs[] = { "/sys/kernel/tracing/events",
					     "/sys/kernel/debug/tracing/events" };
	int i, err = ENOENT;

	for (i = 0; i < 2; i++) {
		if (faccessat(AT_FDCWD, dirs[i], R_OK | X_OK, AT_EACCESS) == 0)
			return 0;
		if (errno == EACCES)
			err = EACCES;
	}
	if (err == EACCES)
		return ew_fail("cannot read tracefs (/sys/kernel/tracing): permission denied",
			    "without root, tracing also needs read access to tracefs; run it with sudo, or mount tracefs with a gid or mode that lets this user read it");
	if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) == 0)
		ew_say(EW_MSG_INFO, "tracefs: mounted on /sys/kernel/tracing");
	else
		ew_say(EW_MSG_WARN, "tracefs is not mounted and mounting it failed (%s): try mount -t tracefs nodev /sys/kernel/tracing",
		    strerror(errno));
	return 0;
}

/* What a spec names, as its "btf:" line wrote it. */
static void spec_text(const struct ew_offset_spec *s, char *buf, size_t len)
{
	switch (s->kind) {
	case EW_SPEC_SIZE:
		snprintf(buf, len, "sizeof(%s)", s->type);
		break;
	case EW_SPEC_ENUM:
		snprintf(buf, len, "%s::%s", s->type, s->member);
		break;
	default:
		snprintf(buf, len, "%s.%s%s", s->type, s->member,
			 s->kind == EW_SPEC_BIT ? ":bit" : "");
	}
}

/*
 * The probe's "btf:" lines, each resolved in the running kernel's BTF and
 * passed as -DNAME=VALUE. What this kernel lacks stays undefined, with a
 * warning: the probe decides, with #ifdef, whether it can do without.
 */
/* Said now, and kept for a cache hit to say again. */
static void warn_btf(struct ew_request *rq, const char *what, const char *macro)
{
	char line[512], *grown;
	size_t have = rq->btf_warnings ? strlen(rq->btf_warnings) : 0;

	snprintf(line, sizeof(line), "kernel BTF has no %s: %s is left undefined",
		 what, macro);
	ew_say(EW_MSG_WARN, "%s", line);
	grown = realloc(rq->btf_warnings, have + strlen(line) + 2);
	if (!grown)
		return;
	rq->btf_warnings = grown;
	sprintf(grown + have, "%s\n", line);
}

static int add_btf_offsets(struct ew_request *rq)
{
	struct ew_offset_spec specs[EW_MAX_SPECS];
	unsigned bad_line = 0;
	double t0 = ew_now_ms();
	struct btf *btf;
	int n, i;

	rq->offsets = true;
	rq->off_first = rq->ncflags;
	n = ew_btf_specs_parse(rq->source, specs, EW_MAX_SPECS, &bad_line);
	if (n < 0) {
		char msg[PATH_MAX + 128];

		snprintf(msg, sizeof(msg), n == -E2BIG ?
			 "%s has more than %d btf: lines" :
			 "%s:%u: a btf: line execwatch cannot read",
			 rq->name, n == -E2BIG ? EW_MAX_SPECS : bad_line);
		return ew_fail(msg, "write NAME = type.member, type.member:bit, sizeof(type) or type::ENUMERATOR");
	}
	if (!n)
		return 0;
	btf = btf__load_vmlinux_btf();
	if (!btf)
		return ew_fail("this kernel has no BTF (/sys/kernel/btf/vmlinux) to take the probe's struct offsets from",
			    "execwatch needs a kernel built with CONFIG_DEBUG_INFO_BTF=y, as Debian's, Ubuntu's and Fedora's are");
	for (i = 0; i < n; i++) {
		long v = ew_btf_resolve(btf, &specs[i]);
		char what[256];

		spec_text(&specs[i], what, sizeof(what));
		if (v < 0) {
			warn_btf(rq, what, specs[i].macro);
			continue;
		}
		ew_add_flag(rq, "-D%s=%ld", specs[i].macro, v);
		ew_say(EW_MSG_INFO, "offset: %s %s = %ld (BTF)", specs[i].macro, what, v);
	}
	btf__free(btf);
	rq->off_n = rq->ncflags - rq->off_first;
	ew_say(EW_MSG_INFO, "BTF: %d offsets resolved from /sys/kernel/btf/vmlinux in %.1f ms",
	    n, ew_now_ms() - t0);
	return 0;
}

/* Headers the probe includes ("event.h") live in a private directory,
 * which execwatch made for this compile and removes after it. */
static int write_headers(const struct ew_request *rq, const char *dir)
{
	int i;

	if (!dir || dir[0] != '/')
		return -EINVAL;
	for (i = 0; i < rq->nheaders; i++) {
		char path[PATH_MAX];
		FILE *f;

		if (strchr(rq->header_name[i], '/') ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     rq->header_name[i]) >= sizeof(path))
			return -EINVAL;
		f = fopen(path, "wx");
		if (!f)
			return -errno;
		fputs(rq->header_text[i], f);
		if (fclose(f))
			return -errno;
	}
	return 0;
}

static void remove_headers(const struct ew_request *rq, const char *dir)
{
	char path[PATH_MAX];
	int i;

	for (i = 0; i < rq->nheaders; i++)
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     rq->header_name[i]) < sizeof(path))
			unlink(path);
}

/* Sends what clang said, as the user should read it; returns that text
 * (NULL if nothing), for the cache. */
static char *send_diagnostics(const char *raw, const struct ew_request *rq,
			      const char *hdr_dir)
{
	char *text;

	if (!raw || !*raw)
		return NULL;
	text = ew_diag_for_user(raw, rq->name, hdr_dir);
	ew_send_str(ew_reply_sock, EW_MSG_DIAG, text ? text : raw);
	return text;
}

/*
 * BCC's rewriter asks the kernel's symbol table whether bpf_probe_read_user
 * and its kin exist, once per call in the probe, and each time reads all
 * of /proc/kallsyms (120,000 lines here) and rebuilds a map of it: half the
 * compile's time. The answer is in a handful of lines: for the compile,
 * in a mount namespace of the helper's own, /proc/kallsyms is a file of
 * just the bpf_probe_read* symbols (real addresses; BCC ignores zeros).
 * Where the helper may not make one (no CAP_SYS_ADMIN: a systemd unit's
 * bounding set), the compile is only slower.
 */
static bool small_kallsyms(const char *dir)
{
	char path[PATH_MAX];
	FILE *in, *out;
	int n = 0;

	if ((size_t)snprintf(path, sizeof(path), "%s/kallsyms", dir) >= sizeof(path))
		return false;
	in = fopen("/proc/kallsyms", "re");
	out = fopen(path, "wxe");
	if (in && out)
		n = ew_kallsyms_copy(in, out, "bpf_probe_read");
	if (in)
		fclose(in);
	if (out && fclose(out))
		n = 0;
	if (n < 2 || unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount(path, "/proc/kallsyms", NULL, MS_BIND, NULL)) {
		unlink(path);
		return false;
	}
	unlink(path);	/* the mount keeps it */
	return true;
}

static int compile_and_attach(struct ew_request *rq, struct ew_attach_plan *plan,
			      const uint8_t *key)
{
	const char *dir = rq->workdir;
	char err[512], *diag, *said, *marked, *quote_dir = NULL;
	const char *cflags[EW_MAX_CFLAGS + 1];
	struct ew_loaded ld;
	struct ew_capture cap;
	double t0, t1, t2;
	int gen_fd;
	bool small;
	void *mod;
	int ret;

	/*
	 * BCC puts the current directory first on the include path: ours, so
	 * the probe's "event.h" is found there, and no event.h lying where
	 * execwatch was started gets in the way. It also goes first on the
	 * quote path, ahead of the probe's own directory: a header of the
	 * same name next to the probe never stands in for execwatch's.
	 */
	if (!ew_bcc_open(err, sizeof(err)))
		return 1 + ew_fail(err, "install libbpfcc (BCC), which compiles the probe");
	if (write_headers(rq, dir) || chdir(dir) ||
	    asprintf(&quote_dir, "-iquote%s", dir) < 0) {
		remove_headers(rq, dir);
		return 1 + ew_fail("cannot write the probe's headers to its directory", NULL);
	}
	if (ew_capture_start(&cap)) {
		remove_headers(rq, dir);
		free(quote_dir);
		return 1 + ew_fail("cannot capture compiler output", NULL);
	}
	cflags[0] = quote_dir;
	memcpy(cflags + 1, rq->cflags, rq->ncflags * sizeof(cflags[0]));
	marked = ew_mark_lines(rq->source, rq->name);
	t0 = ew_now_ms();
	small = small_kallsyms(dir);
	mod = marked ? ew_bcc()->module_create_c_from_string(marked, 0, cflags,
						       rq->ncflags + 1, true, NULL) : NULL;
	if (small)
		umount2("/proc/kallsyms", MNT_DETACH);
	free(marked);
	free(quote_dir);
	t1 = ew_now_ms();
	gen_fd = mod ? ew_bcc()->table_fd(mod, EW_MAP_GEN) : -1;
	if (gen_fd >= 0 && ew_write_generation(gen_fd, rq->gen)) {
		free(ew_capture_end(&cap));
		remove_headers(rq, dir);
		return 1 + ew_fail("cannot write the probe's generation into its gen map", NULL);
	}
	ret = mod ? ew_load_and_attach(&(struct ew_program_set){ mod, NULL, -1, NULL }, plan,
				       &ld, err, sizeof(err), ew_say_info) : -1;
	t2 = ew_now_ms();
	diag = ew_capture_end(&cap);
	remove_headers(rq, dir);
	said = send_diagnostics(diag, rq, dir);
	free(diag);
	if (!mod) {
		char msg[PATH_MAX + 64];

		free(said);
		snprintf(msg, sizeof(msg), "%s: the probe failed to compile",
			 rq->name);
		ew_fail(msg, "fix the errors above (file:line:column), or run without --probe to use the built-in probe");
		return 2;
	}
	ew_say(EW_MSG_INFO, "compile: %.0f ms (clang inside libbcc)", t1 - t0);
	if (ret) {
		char msg[PATH_MAX + 600];

		free(said);
		snprintf(msg, sizeof(msg), "%s: %s", rq->name, err);
		if (plan->mech == EW_MECH_KPROBE && plan->fallback_allowed) {
			ew_say(EW_MSG_WARN, "%s; falling back to tracepoints", msg);
			return 1;
		}
		ew_fail(msg, "see the kernel's log above; docs/probes.md lists what a probe must define");
		return 2;
	}
	ew_say(EW_MSG_INFO, "load+attach: %.0f ms, %d programs attached", t2 - t1,
	    ld.nlinks);
	if (key)
		ew_cache_store(rq, key, mod, said);
	free(said);
	ew_send_str(ew_reply_sock, EW_MSG_ATTACH,
		    plan->mech == EW_MECH_KPROBE ? "kprobe" : "tracepoint");
	return ew_reply_fds(mod, NULL, NULL, &ld) ? 2 : 0;
}

/*
 * Only execwatch may ask: the request comes on a socket whose other end
 * is this process's parent, running as the same user. Anyone else who ran
 * this program (it loads and attaches whatever it is sent) gets nothing.
 */
static bool asked_by_parent(void)
{
	struct ucred peer;
	socklen_t len = sizeof(peer);

	return !getsockopt(ew_reply_sock, SOL_SOCKET, SO_PEERCRED, &peer, &len) &&
	       peer.pid == getppid() && peer.uid == geteuid();
}

int main(void)
{
	struct ew_request rq = { 0 };
	uint8_t key[EW_CACHE_KEY_LEN];
	struct ew_attach_plan plan;
	int i, base, ret;
	bool cached, have_key;

	/* BCC prints some messages on stdout; stdout belongs to the events. */
	dup2(STDERR_FILENO, STDOUT_FILENO);
	ew_log_init("execwatch-compile", false);
	if (ew_refuse_raised_privileges())
		return 2;
	if (!asked_by_parent()) {
		ew_err("this program is started by execwatch, which it answers on descriptor 3");
		return 2;
	}
	if (ew_read_request(ew_reply_sock, &rq)) {
		ew_err("bad request; this program is started by execwatch");
		return 2;
	}
	if (check_headers() || ensure_tracefs())
		goto done;
	if (ew_plan_attach(rq.attach, &plan)) {
		ew_fail(plan.reason, NULL);
		goto done;
	}
	ew_add_flag(&rq, "-DEW_NR_CPUS=%d", libbpf_num_possible_cpus());
	/* A probe that still takes its generation as a flag (copied from an
	 * older execwatch) gets it; the shipped one reads its gen map. */
	if (strstr(rq.source, "EW_GEN"))
		ew_add_flag(&rq, "-DEW_GEN=%u", rq.gen);
	for (i = 0; i < rq.npins; i++)
		ew_add_flag(&rq, "-D%s=\"%s\"", rq.pins[i].macro, rq.pins[i].path);
	cached = ew_cache_usable(&rq);
	/* The key stands for the offsets (it holds the BTF and the btf:
	 * lines): a hit needs none resolved. -v still lists them. */
	if ((!cached || rq.verbose || rq.dry_run) && add_btf_offsets(&rq))
		goto done;
	base = rq.ncflags;
	for (;;) {
		ew_say(EW_MSG_INFO, "attach: %s", plan.reason);
		if (plan.mech == EW_MECH_KPROBE)
			ew_add_flag(&rq, "-DEW_ATTACH_KPROBE");
		if (rq.dry_run) {
			for (i = 0; i < rq.ncflags; i++)
				ew_send_str(ew_reply_sock, EW_MSG_CFLAG, rq.cflags[i]);
			break;
		}
		have_key = cached && !ew_cache_key_of(&rq, &plan, &kh, key);
		ret = have_key ? ew_cache_load(&rq, &plan, key) : 1;
		if (ret == 1 && !rq.offsets && add_btf_offsets(&rq))
			goto done;
		if (ret == 1)
			ret = compile_and_attach(&rq, &plan, have_key ? key : NULL);
		if (!ret)
			break;
		if (ret == 2 || plan.mech != EW_MECH_KPROBE || !plan.fallback_allowed)
			goto done;
		/* auto: the kernel has kprobes but they would not attach. */
		while (rq.ncflags > base)
			free(rq.cflags[--rq.ncflags]);
		if (rq.off_first >= base) {	/* resolved in the loop: again next time */
			rq.offsets = false;
			rq.off_n = 0;
		}
		plan.mech = EW_MECH_TRACEPOINT;
		plan.fallback_allowed = false;
		snprintf(plan.reason, sizeof(plan.reason),
			 "tracepoints: the kprobes failed to attach (above)");
	}
	ew_send(ew_reply_sock, EW_MSG_DONE, NULL, 0);
done:
	/*
	 * Out without running the libraries' destructors: libbcc and the
	 * libbcc_bpf it is opened beside define the same C++ globals, and
	 * each would destroy them (glibc aborts on the double free). All is
	 * sent by now.
	 */
	fflush(NULL);
	_exit(0);
}
