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
#include "kheaders.h"
#include "line_marks.h"

#include <bcc/bcc_common.h>
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
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define MAX_CFLAGS 128
#define MAX_HEADERS 8

struct request {
	char *source;
	char *name;
	char *attach;
	char *header_name[MAX_HEADERS];
	char *header_text[MAX_HEADERS];
	int nheaders;
	char *cflags[MAX_CFLAGS];
	int ncflags;
	char *workdir;		/* made, and removed, by execwatch */
	bool verbose;
	bool dry_run;
};

static int sock = EW_HELPER_FD;

static void say(uint32_t type, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ew_send_str(sock, type, buf);
}

static void say_info(const char *what)
{
	say(EW_MSG_INFO, "%s", what);
}

static int fail(const char *msg, const char *hint)
{
	char buf[2048];
	size_t n = snprintf(buf, sizeof(buf), "%s", msg);

	if (n >= sizeof(buf) - 1)
		n = sizeof(buf) - 2;
	n += 1 + snprintf(buf + n + 1, sizeof(buf) - n - 1, "%s", hint ? hint : "");
	ew_send(sock, EW_MSG_ERROR, buf, n > sizeof(buf) ? sizeof(buf) : n);
	return 1;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int add_flag(struct request *rq, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	if (rq->ncflags >= MAX_CFLAGS)
		return -E2BIG;
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	rq->cflags[rq->ncflags++] = s;
	return 0;
}

static int read_request(struct request *rq)
{
	for (;;) {
		struct ew_frame f;
		int err = ew_recv(sock, &f);

		if (err)
			return err;
		switch (f.type) {
		case EW_REQ_SOURCE:
			rq->source = f.data;
			break;
		case EW_REQ_WORKDIR:
			rq->workdir = f.data;
			break;
		case EW_REQ_NAME:
			rq->name = f.data;
			break;
		case EW_REQ_ATTACH:
			rq->attach = f.data;
			break;
		case EW_REQ_HEADER:
			if (rq->nheaders >= MAX_HEADERS)
				return -E2BIG;
			rq->header_name[rq->nheaders] = f.data;
			rq->header_text[rq->nheaders++] = f.data + strlen(f.data) + 1;
			break;
		case EW_REQ_CFLAG:
			if (rq->ncflags >= MAX_CFLAGS)
				return -E2BIG;
			rq->cflags[rq->ncflags++] = f.data;
			break;
		case EW_REQ_VERBOSE:
			rq->verbose = true;
			free(f.data);
			break;
		case EW_REQ_DRY_RUN:
			rq->dry_run = true;
			free(f.data);
			break;
		case EW_REQ_GO:
			free(f.data);
			return rq->source && rq->name && rq->attach ? 0 : -EINVAL;
		default:
			free(f.data);
			return -EPROTO;
		}
		f.data = NULL;
		ew_frame_free(&f);
	}
}

static int check_headers(void)
{
	struct utsname un;
	struct ew_kheaders kh;

	uname(&un);
	say(EW_MSG_INFO, "kernel: Linux %s %s", un.release, un.machine);
	ew_find_kheaders("/lib/modules", "/sys/kernel/kheaders.tar.xz",
			 un.release, &kh);
	if (!kh.found) {
		char msg[512];

		snprintf(msg, sizeof(msg),
			 "no kernel headers for Linux %s (BCC compiles the probe against them)",
			 un.release);
		return fail(msg, "install linux-headers-$(uname -r), or run scripts/setup.sh, which links the distribution's generic headers when no matching package exists");
	}
	if (kh.in_kernel)
		say(EW_MSG_INFO, "headers: the kernel's own %s (match the running kernel)",
		    kh.path);
	else if (kh.matches)
		say(EW_MSG_INFO, "headers: %s (%s, match the running kernel)",
		    kh.path, kh.release);
	else
		say(EW_MSG_INFO, "headers: %s (%s) do NOT match the running kernel %s: struct layouts come from BTF instead",
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
		return fail("cannot read tracefs (/sys/kernel/tracing): permission denied",
			    "without root, tracing also needs read access to tracefs; run it with sudo, or mount tracefs with a gid or mode that lets this user read it");
	if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) == 0)
		say(EW_MSG_INFO, "tracefs: mounted on /sys/kernel/tracing");
	else
		say(EW_MSG_WARN, "tracefs is not mounted and mounting it failed (%s): try mount -t tracefs nodev /sys/kernel/tracing",
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
static int add_btf_offsets(struct request *rq)
{
	struct ew_offset_spec specs[EW_MAX_SPECS];
	unsigned bad_line = 0;
	double t0 = now_ms();
	struct btf *btf;
	int n, i;

	n = ew_btf_specs_parse(rq->source, specs, EW_MAX_SPECS, &bad_line);
	if (n < 0) {
		char msg[PATH_MAX + 128];

		snprintf(msg, sizeof(msg), n == -E2BIG ?
			 "%s has more than %d btf: lines" :
			 "%s:%u: a btf: line execwatch cannot read",
			 rq->name, n == -E2BIG ? EW_MAX_SPECS : bad_line);
		return fail(msg, "write NAME = type.member, type.member:bit, sizeof(type) or type::ENUMERATOR");
	}
	if (!n)
		return 0;
	btf = btf__load_vmlinux_btf();
	if (!btf)
		return fail("this kernel has no BTF (/sys/kernel/btf/vmlinux) to take the probe's struct offsets from",
			    "execwatch needs a kernel built with CONFIG_DEBUG_INFO_BTF=y, as Debian's, Ubuntu's and Fedora's are");
	for (i = 0; i < n; i++) {
		long v = ew_btf_resolve(btf, &specs[i]);
		char what[256];

		spec_text(&specs[i], what, sizeof(what));
		if (v < 0) {
			say(EW_MSG_WARN, "kernel BTF has no %s: %s is left undefined",
			    what, specs[i].macro);
			continue;
		}
		add_flag(rq, "-D%s=%ld", specs[i].macro, v);
		say(EW_MSG_INFO, "offset: %s %s = %ld (BTF)", specs[i].macro, what, v);
	}
	btf__free(btf);
	say(EW_MSG_INFO, "BTF: %d offsets resolved from /sys/kernel/btf/vmlinux in %.1f ms",
	    n, now_ms() - t0);
	return 0;
}

/* Headers the probe includes ("event.h") live in a private directory,
 * which execwatch made for this compile and removes after it. */
static int write_headers(const struct request *rq, const char *dir)
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

static void remove_headers(const struct request *rq, const char *dir)
{
	char path[PATH_MAX];
	int i;

	for (i = 0; i < rq->nheaders; i++)
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     rq->header_name[i]) < sizeof(path))
			unlink(path);
}

/* Replace every occurrence of FROM in S with TO; returns a new string. */
static char *replace_all(const char *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0;
	const char *p;
	char *out, *o;

	for (p = s; (p = strstr(p, from)); p += fl)
		n++;
	out = malloc(strlen(s) + n * (tl > fl ? tl - fl : 0) + 1);
	if (!out)
		return NULL;
	for (o = out; (p = strstr(s, from)); s = p + fl) {
		memcpy(o, s, p - s);
		o += p - s;
		memcpy(o, to, tl);
		o += tl;
	}
	strcpy(o, s);
	return out;
}

/* BCC and clang write diagnostics to stderr: catch them in a memfd. */
struct capture {
	int saved;
	int fd;
};

static int capture_start(struct capture *c)
{
	fflush(stderr);
	c->fd = memfd_create("execwatch-diag", MFD_CLOEXEC);
	c->saved = dup(STDERR_FILENO);
	if (c->fd < 0 || c->saved < 0 || dup2(c->fd, STDERR_FILENO) < 0)
		return -errno;
	return 0;
}

static char *capture_end(struct capture *c)
{
	struct stat st;
	char *buf = NULL;
	ssize_t n;

	fflush(stderr);
	dup2(c->saved, STDERR_FILENO);
	close(c->saved);
	if (fstat(c->fd, &st) == 0 && (buf = calloc(1, st.st_size + 1))) {
		n = pread(c->fd, buf, st.st_size, 0);
		if (n < 0)
			n = 0;
		buf[n] = 0;
	}
	close(c->fd);
	return buf;
}

static void send_diagnostics(const char *raw, const struct request *rq,
			     const char *hdr_dir)
{
	char prefix[PATH_MAX + 2];
	char *a, *b;

	if (!raw || !*raw)
		return;
	snprintf(prefix, sizeof(prefix), "%s/", hdr_dir);
	a = replace_all(raw, "/virtual/main.c", rq->name);
	b = a ? replace_all(a, prefix, "") : NULL;
	ew_send_str(sock, EW_MSG_DIAG, b ? b : raw);
	free(a);
	free(b);
}

static int send_fds(void *mod, const struct ew_loaded *ld)
{
	struct ew_fd_desc desc[EW_MAX_FDS];
	int fds[EW_MAX_FDS], n = 0, i;
	size_t t, ntables = bpf_num_tables(mod);

	memset(desc, 0, sizeof(desc));
	for (i = 0; i < ld->nlinks; i++) {
		desc[n].kind = EW_FD_LINK;
		snprintf(desc[n].name, EW_NAME_LEN, "link%d", i);
		fds[n++] = ld->links[i];
	}
	for (t = 0; t < ntables && n < EW_MAX_FDS; t++) {
		desc[n].kind = EW_FD_MAP;
		desc[n].map_type = bpf_table_type_id(mod, t);
		desc[n].key_size = bpf_table_key_size_id(mod, t);
		desc[n].value_size = bpf_table_leaf_size_id(mod, t);
		desc[n].max_entries = bpf_table_max_entries_id(mod, t);
		snprintf(desc[n].name, EW_NAME_LEN, "%s", bpf_table_name(mod, t));
		fds[n++] = bpf_table_fd_id(mod, t);
	}
	return ew_send_fds(sock, desc, fds, n);
}

static int compile_and_attach(struct request *rq, struct ew_attach_plan *plan)
{
	const char *dir = rq->workdir;
	char err[512], *diag, *marked, *quote_dir = NULL;
	const char *cflags[MAX_CFLAGS + 1];
	struct ew_loaded ld;
	struct capture cap;
	double t0, t1, t2;
	void *mod;
	int ret;

	/*
	 * BCC puts the current directory first on the include path: ours, so
	 * the probe's "event.h" is found there, and no event.h lying where
	 * execwatch was started gets in the way. It also goes first on the
	 * quote path, ahead of the probe's own directory: a header of the
	 * same name next to the probe never stands in for execwatch's.
	 */
	if (write_headers(rq, dir) || chdir(dir) ||
	    asprintf(&quote_dir, "-iquote%s", dir) < 0) {
		remove_headers(rq, dir);
		return 1 + fail("cannot write the probe's headers to its directory", NULL);
	}
	if (capture_start(&cap)) {
		remove_headers(rq, dir);
		free(quote_dir);
		return 1 + fail("cannot capture compiler output", NULL);
	}
	cflags[0] = quote_dir;
	memcpy(cflags + 1, rq->cflags, rq->ncflags * sizeof(cflags[0]));
	marked = ew_mark_lines(rq->source, rq->name);
	t0 = now_ms();
	mod = marked ? bpf_module_create_c_from_string(marked, 0, cflags,
						       rq->ncflags + 1, true, NULL) : NULL;
	free(marked);
	free(quote_dir);
	t1 = now_ms();
	ret = mod ? ew_load_and_attach(mod, plan, &ld, err, sizeof(err), say_info) : -1;
	t2 = now_ms();
	diag = capture_end(&cap);
	remove_headers(rq, dir);
	send_diagnostics(diag, rq, dir);
	free(diag);
	if (!mod) {
		char msg[PATH_MAX + 64];

		snprintf(msg, sizeof(msg), "%s: the probe failed to compile",
			 rq->name);
		fail(msg, "fix the errors above (file:line:column), or run without --probe to use the built-in probe");
		return 2;
	}
	say(EW_MSG_INFO, "compile: %.0f ms (clang inside libbcc)", t1 - t0);
	if (ret) {
		char msg[PATH_MAX + 600];

		snprintf(msg, sizeof(msg), "%s: %s", rq->name, err);
		if (plan->mech == EW_MECH_KPROBE && plan->fallback_allowed) {
			say(EW_MSG_WARN, "%s; falling back to tracepoints", msg);
			return 1;
		}
		fail(msg, "see the kernel's log above; docs/probes.md lists what a probe must define");
		return 2;
	}
	say(EW_MSG_INFO, "load+attach: %.0f ms, %d programs attached", t2 - t1,
	    ld.nlinks);
	ew_send_str(sock, EW_MSG_ATTACH,
		    plan->mech == EW_MECH_KPROBE ? "kprobe" : "tracepoint");
	return send_fds(mod, &ld) ? 2 : 0;
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

	return !getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &peer, &len) &&
	       peer.pid == getppid() && peer.uid == geteuid();
}

int main(void)
{
	struct request rq = { 0 };
	struct ew_attach_plan plan;
	int i, base, ret;

	/* BCC prints some messages on stdout; stdout belongs to the events. */
	dup2(STDERR_FILENO, STDOUT_FILENO);
	ew_log_init("execwatch-compile", false);
	if (ew_refuse_raised_privileges())
		return 2;
	if (!asked_by_parent()) {
		ew_err("this program is started by execwatch, which it answers on descriptor 3");
		return 2;
	}
	if (read_request(&rq)) {
		ew_log_init("execwatch-compile", false);
		ew_err("bad request; this program is started by execwatch");
		return 2;
	}
	if (check_headers() || ensure_tracefs())
		goto done;
	if (add_btf_offsets(&rq))
		goto done;
	if (ew_plan_attach(rq.attach, &plan)) {
		fail(plan.reason, NULL);
		goto done;
	}
	add_flag(&rq, "-DEW_NR_CPUS=%d", libbpf_num_possible_cpus());
	base = rq.ncflags;
	for (;;) {
		say(EW_MSG_INFO, "attach: %s", plan.reason);
		if (plan.mech == EW_MECH_KPROBE)
			add_flag(&rq, "-DEW_ATTACH_KPROBE");
		if (rq.dry_run) {
			for (i = 0; i < rq.ncflags; i++)
				ew_send_str(sock, EW_MSG_CFLAG, rq.cflags[i]);
			break;
		}
		ret = compile_and_attach(&rq, &plan);
		if (!ret)
			break;
		if (ret == 2 || plan.mech != EW_MECH_KPROBE || !plan.fallback_allowed)
			goto done;
		/* auto: the kernel has kprobes but they would not attach. */
		while (rq.ncflags > base)
			free(rq.cflags[--rq.ncflags]);
		plan.mech = EW_MECH_TRACEPOINT;
		plan.fallback_allowed = false;
		snprintf(plan.reason, sizeof(plan.reason),
			 "tracepoints: the kprobes failed to attach (above)");
	}
	ew_send(sock, EW_MSG_DONE, NULL, 0);
done:
	return 0;
}
