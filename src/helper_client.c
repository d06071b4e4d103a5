// SPDX-License-Identifier: GPL-2.0
#include "helper_client.h"
#include "log.h"
#include "trust.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <ftw.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef EXECWATCH_LIBEXECDIR
#define EXECWATCH_LIBEXECDIR "/usr/local/libexec/execwatch"
#endif
#define HELPER_NAME "execwatch-compile"

static int remove_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	return remove(p) && errno != ENOENT ? -1 : 0;
}

/* The helper's working directory and all in it (its headers, kernel
 * headers BCC unpacked): made by root, 0700, so nothing in it is anyone
 * else's; links are removed, never followed. */
static void remove_dir(const char *path)
{
	nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

/* Next to the binary in a build tree, else where it was installed. */
static int find_helper(char *out, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		char *slash;

		self[n] = 0;
		slash = strrchr(self, '/');
		if (slash) {
			*slash = 0;
			if ((size_t)snprintf(out, len, "%s/%s", self, HELPER_NAME) < len &&
			    faccessat(AT_FDCWD, out, X_OK, AT_EACCESS) == 0)
				return 0;
		}
	}
	snprintf(out, len, "%s/%s", EXECWATCH_LIBEXECDIR, HELPER_NAME);
	return faccessat(AT_FDCWD, out, X_OK, AT_EACCESS) == 0 ? 0 : -ENOENT;
}

/*
 * The helper's whole environment: nothing of the caller's reaches the
 * compile (CPATH, C_INCLUDE_PATH, BCC_* and the like would steer it), only
 * a fixed PATH and the kernel headers given with --kernel-headers, which
 * BCC reads as BCC_KERNEL_SOURCE.
 */
static pid_t spawn(const char *path, int child_sock, const char *kernel_headers,
		   const char *workdir)
{
	char headers[PATH_MAX + 32], tmp[PATH_MAX + 16];
	char *envp[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"LC_ALL=C.UTF-8", tmp, NULL, NULL,
	};
	pid_t pid = fork();
	sigset_t none;

	if (pid)
		return pid;
	/* Killed with execwatch, so it never compiles for nobody. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (dup2(child_sock, EW_HELPER_FD) < 0)
		_exit(127);
	/* BCC writes some messages to stdout, which carries events. */
	dup2(STDERR_FILENO, STDOUT_FILENO);
	/* BCC unpacks the kernel's own headers (kheaders.tar.xz) under
	 * TMPDIR, and would use a /tmp/kheaders-<release> anyone made first:
	 * here they land in the compile's private directory. */
	snprintf(tmp, sizeof(tmp), "TMPDIR=%s", workdir);
	if (kernel_headers) {
		snprintf(headers, sizeof(headers), "BCC_KERNEL_SOURCE=%s", kernel_headers);
		envp[3] = headers;
	}
	execve(path, (char *[]){ HELPER_NAME, NULL }, envp);
	_exit(127);
}

#define WORKDIR_PREFIX "execwatch-"

/* Where the helper's working directories go: $TMPDIR if it is absolute,
 * else /tmp (checked at start, with the options). */
static const char *tmp_base(void)
{
	const char *t = getenv("TMPDIR");

	return t && t[0] == '/' ? t : "/tmp";
}

/* Directories left by an execwatch that was killed: root's, named for a
 * process that is gone. Their files are the helper's own headers. */
static void sweep_stale(const char *base)
{
	static bool swept;
	struct dirent *de;
	DIR *d;

	if (swept || !(d = opendir(base)))
		return;
	swept = true;
	while ((de = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;
		int pid;

		if (sscanf(de->d_name, WORKDIR_PREFIX "%d-", &pid) != 1 || pid <= 0 ||
		    (kill(pid, 0) == 0 || errno != ESRCH))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", base, de->d_name) >=
		    sizeof(path) || lstat(path, &st) || !S_ISDIR(st.st_mode) ||
		    st.st_uid != geteuid())
			continue;
		remove_dir(path);
	}
	closedir(d);
}

static int make_workdir(struct ew_helper_job *job)
{
	const char *base = tmp_base();

	sweep_stale(base);
	if ((size_t)snprintf(job->workdir, sizeof(job->workdir), "%s/" WORKDIR_PREFIX "%d-XXXXXX",
			     base, (int)getpid()) >= sizeof(job->workdir) ||
	    !mkdtemp(job->workdir)) {
		int err = -errno;

		ew_err_hint("check that TMPDIR (or /tmp) is writable",
			    "cannot make a directory for the compile in %s: %s", base,
			    strerror(-err ? -err : ENAMETOOLONG));
		*job->workdir = 0;
		return err ? err : -ENAMETOOLONG;
	}
	return 0;
}

/* However the compile ended, its directory goes. */
static void remove_workdir(struct ew_helper_job *job)
{
	if (*job->workdir)
		remove_dir(job->workdir);
	*job->workdir = 0;
}

/* "map\0macro\0path" */
static int send_pin(int s, const struct ew_pin *p)
{
	size_t a = strlen(p->map) + 1, b = strlen(p->macro) + 1, c = strlen(p->path);
	char *buf = malloc(a + b + c + 1);
	int err;

	if (!buf)
		return -ENOMEM;
	memcpy(buf, p->map, a);
	memcpy(buf + a, p->macro, b);
	memcpy(buf + a + b, p->path, c + 1);
	err = ew_send(s, EW_REQ_PIN, buf, a + b + c);
	free(buf);
	return err;
}

static int send_request(int s, const struct ew_helper_req *rq, const char *workdir)
{
	size_t hl = strlen(rq->event_h);
	char *hdr = malloc(sizeof("event.h") + hl);
	int err = 0, i;

	if (!hdr)
		return -ENOMEM;
	memcpy(hdr, "event.h", sizeof("event.h"));
	memcpy(hdr + sizeof("event.h"), rq->event_h, hl);
	err = err ?: ew_send_str(s, EW_REQ_WORKDIR, workdir);
	if (rq->cache_dir && !rq->dry_run && !err) {
		char why[PATH_MAX + 128];

		if (ew_cache_dir_ready(rq->cache_dir, why, sizeof(why)))
			ew_info("cache: not used: %s", why);
		else
			err = ew_send_str(s, EW_REQ_CACHE, rq->cache_dir);
	}
	err = err ?: ew_send_str(s, EW_REQ_SOURCE, rq->source);
	err = err ?: ew_send_str(s, EW_REQ_NAME, rq->name);
	err = err ?: ew_send_str(s, EW_REQ_ATTACH, rq->attach);
	err = err ?: ew_send(s, EW_REQ_HEADER, hdr, sizeof("event.h") + hl);
	for (i = 0; i < rq->ncflags && !err; i++)
		err = ew_send_str(s, EW_REQ_CFLAG, rq->cflags[i]);
	if (!err) {
		char gen[16];

		snprintf(gen, sizeof(gen), "%u", rq->gen);
		err = ew_send_str(s, EW_REQ_GEN, gen);
	}
	for (i = 0; i < rq->npins && !err; i++)
		err = send_pin(s, &rq->pins[i]);
	if (rq->verbose && !err)
		err = ew_send(s, EW_REQ_VERBOSE, NULL, 0);
	if (rq->dry_run && !err)
		err = ew_send(s, EW_REQ_DRY_RUN, NULL, 0);
	err = err ?: ew_send(s, EW_REQ_GO, NULL, 0);
	free(hdr);
	return err;
}

static int take_fds(struct ew_frame *f, struct ew_probe *out)
{
	const struct ew_fd_desc *d = (const void *)f->data;
	int n = f->len / sizeof(*d), i;

	if (n != f->nfds)
		return -EPROTO;
	for (i = 0; i < n; i++) {
		if (d[i].kind == EW_FD_LINK) {
			out->links[out->nlinks++] = f->fds[i];
		} else {
			struct ew_map *m = &out->maps[out->nmaps++];

			memcpy(m->name, d[i].name, EW_NAME_LEN);
			m->name[EW_NAME_LEN - 1] = 0;
			m->fd = f->fds[i];
			m->type = d[i].map_type;
			m->key_size = d[i].key_size;
			m->value_size = d[i].value_size;
			m->max_entries = d[i].max_entries;
		}
	}
	f->nfds = 0;
	return 0;
}

static int add_cflag(struct ew_probe *out, const char *s)
{
	char **v = realloc(out->cflags, (out->ncflags + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	out->cflags = v;
	v[out->ncflags] = strdup(s);
	return v[out->ncflags++] ? 0 : -ENOMEM;
}

/* One message from the helper; returns 1 when done, 0 to go on, or -errno. */
static int handle(struct ew_frame *f, struct ew_helper_job *job)
{
	char *hint;

	switch (f->type) {
	case EW_MSG_INFO:
		ew_info("%s", f->data);
		return 0;
	case EW_MSG_WARN:
		ew_warn("%s", f->data);
		return 0;
	case EW_MSG_DIAG:
		ew_log_block(f->data);
		return 0;
	case EW_MSG_ERROR:
		hint = memchr(f->data, 0, f->len);
		hint = hint && hint + 1 < f->data + f->len ? hint + 1 : NULL;
		if (hint)
			ew_err_hint(hint, "%s", f->data);
		else
			ew_err("%s", f->data);
		job->reported = true;
		return -ECANCELED;
	case EW_MSG_CFLAG:
		return add_cflag(&job->probe, f->data);
	case EW_MSG_ATTACH:
		snprintf(job->probe.mechanism, sizeof(job->probe.mechanism), "%s",
			 f->data);
		return 0;
	case EW_MSG_FDS:
		return take_fds(f, &job->probe);
	case EW_MSG_DONE:
		return 1;
	}
	return -EPROTO;
}

static void report_crash(int err, int status)
{
	if (WIFSIGNALED(status))
		ew_err("the compile helper was killed (%s)",
		       strsignal(WTERMSIG(status)));
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		ew_err("the compile helper could not be started");
	else
		ew_err("the compile helper stopped without an answer (%s)",
		       strerror(-err));
}

int ew_helper_start(const struct ew_helper_req *rq, struct ew_helper_job *job)
{
	char path[PATH_MAX];
	int sv[2], err;

	memset(job, 0, sizeof(*job));
	job->sock = -1;
	if (find_helper(path, sizeof(path))) {
		ew_err_hint("reinstall execwatch",
			    "cannot find %s next to execwatch or in %s",
			    HELPER_NAME, EXECWATCH_LIBEXECDIR);
		return -ENOENT;
	}
	err = make_workdir(job);
	if (err)
		return err;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		err = -errno;
		ew_err("socketpair: %s", strerror(-err));
		remove_workdir(job);
		return err;
	}
	job->pid = spawn(path, sv[1], rq->kernel_headers, job->workdir);
	err = -errno;
	close(sv[1]);
	if (job->pid < 0) {
		ew_err("cannot start %s: %s", path, strerror(-err));
		close(sv[0]);
		remove_workdir(job);
		return err;
	}
	job->sock = sv[0];
	err = send_request(job->sock, rq, job->workdir);
	if (err) {
		ew_helper_cancel(job);
		ew_err("the compile helper stopped before reading its request (%s)",
		       strerror(-err));
		return err;
	}
	return 0;
}

static enum ew_job_state finish(struct ew_helper_job *job, int rc)
{
	int status = 0;

	close(job->sock);
	job->sock = -1;
	while (waitpid(job->pid, &status, 0) < 0 && errno == EINTR)
		;
	job->pid = 0;
	remove_workdir(job);
	if (rc == 1)
		return EW_JOB_DONE;
	if (!job->reported)
		report_crash(rc, status);
	ew_probe_close(&job->probe);
	return EW_JOB_FAILED;
}

enum ew_job_state ew_helper_step(struct ew_helper_job *job)
{
	struct ew_frame f;
	int rc = ew_recv(job->sock, &f);

	if (!rc) {
		rc = handle(&f, job);
		ew_frame_free(&f);
	}
	return rc ? finish(job, rc) : EW_JOB_RUNNING;
}

void ew_helper_cancel(struct ew_helper_job *job)
{
	if (job->pid > 0) {
		kill(job->pid, SIGKILL);
		while (waitpid(job->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (job->sock >= 0)
		close(job->sock);
	ew_probe_close(&job->probe);
	remove_workdir(job);
	job->pid = 0;
	job->sock = -1;
}

int ew_helper_load(const struct ew_helper_req *rq, int sigfd,
		   struct ew_probe *out)
{
	struct ew_helper_job job;
	enum ew_job_state st = EW_JOB_RUNNING;
	int err;

	memset(out, 0, sizeof(*out));
	err = ew_helper_start(rq, &job);
	if (err)
		return err;
	while (st == EW_JOB_RUNNING) {
		struct pollfd p[2] = { { .fd = job.sock, .events = POLLIN },
				       { .fd = sigfd, .events = POLLIN } };

		if (poll(p, sigfd >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			ew_err("poll: %s", strerror(-err));
			ew_helper_cancel(&job);
			return err;
		}
		if (sigfd >= 0 && p[1].revents) {
			ew_helper_cancel(&job);
			return -EINTR;
		}
		if (p[0].revents)
			st = ew_helper_step(&job);
	}
	if (st != EW_JOB_DONE) {
		ew_helper_cancel(&job);
		return -ECANCELED;
	}
	*out = job.probe;
	return 0;
}

const struct ew_map *ew_probe_map(const struct ew_probe *p, const char *name)
{
	int i;

	for (i = 0; i < p->nmaps; i++)
		if (!strcmp(p->maps[i].name, name))
			return &p->maps[i];
	return NULL;
}

void ew_probe_detach(struct ew_probe *p)
{
	int i;

	for (i = 0; i < p->nlinks; i++)
		close(p->links[i]);
	p->nlinks = 0;
}

void ew_probe_close(struct ew_probe *p)
{
	int i;

	ew_probe_detach(p);
	for (i = 0; i < p->nmaps; i++)
		close(p->maps[i].fd);
	for (i = 0; i < p->ncflags; i++)
		free(p->cflags[i]);
	free(p->cflags);
	memset(p, 0, sizeof(*p));
}
