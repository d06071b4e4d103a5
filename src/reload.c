// SPDX-License-Identifier: GPL-2.0
#include "reload.h"
#include "log.h"
#include "probe_source.h"

#include <linux/types.h>
#include "../probes/event.h"

#include <bpf/bpf.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#define BPFFS "/sys/fs/bpf"
#define BPF_FS_MAGIC_NUMBER 0xcafe4a11
#define DEBOUNCE_NS (50 * 1000000ULL)	/* editors write a file in several steps */

struct ew_reload {
	const struct env *env;
	int ep;
	uint64_t job_tag;
	int inotify;
	char dir[PATH_MAX];
	char base[NAME_MAX + 1];
	uint64_t due;		/* a save was seen: compile then; 0 when none */
	uint64_t started;	/* when the save being compiled was read */
	struct ew_helper_job job;
	bool running;
	unsigned next;		/* the generation being compiled */
	char pin_dir[64];	/* the running generation's ctl and stage, shared */
	char pins[2][96];	/* for the swap: EW_CTL_PIN, EW_STAGE_PIN */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* bpffs, mounted by execwatch only if nothing is: then for root alone. */
static int ensure_bpffs(void)
{
	struct statfs sf;

	if (statfs(BPFFS, &sf) == 0 && sf.f_type == BPF_FS_MAGIC_NUMBER)
		return 0;
	if (mount("bpf", BPFFS, "bpf", 0, "mode=0700"))
		return -errno;
	return 0;
}

/*
 * The maps the next generation shares, pinned for the length of its
 * compile in a directory of our own: 0700, and a name nobody can guess
 * (bpffs is often writable by every user, who could otherwise take the
 * name first).
 */
static int pin_maps(struct ew_reload *r, const struct ew_probe *p)
{
	static const char *const shared[] = { EW_MAP_CTL, EW_MAP_STAGE };
	int err = ensure_bpffs(), i;
	unsigned char rnd[8];

	if (err)
		return err;
	for (i = 0; i < 8 && !*r->pin_dir; i++) {
		if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
			return -EIO;
		snprintf(r->pin_dir, sizeof(r->pin_dir),
			 BPFFS "/execwatch-%d-%02x%02x%02x%02x%02x%02x%02x%02x",
			 (int)getpid(), rnd[0], rnd[1], rnd[2], rnd[3], rnd[4],
			 rnd[5], rnd[6], rnd[7]);
		if (mkdir(r->pin_dir, 0700)) {
			err = -errno;
			*r->pin_dir = 0;
			if (err != -EEXIST)
				return err;
		}
	}
	if (!*r->pin_dir)
		return -EEXIST;
	for (i = 0; i < 2; i++) {
		const struct ew_map *m = ew_probe_map(p, shared[i]);

		*r->pins[i] = 0;
		if (!m)
			continue;
		snprintf(r->pins[i], sizeof(r->pins[i]), "%s/%s", r->pin_dir,
			 shared[i]);
		if (bpf_obj_pin(m->fd, r->pins[i])) {
			err = -errno;
			*r->pins[i] = 0;
			return err;
		}
	}
	return 0;
}

/* The pins live only while a reload compiles. */
static void unpin(struct ew_reload *r)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (*r->pins[i])
			unlink(r->pins[i]);
		*r->pins[i] = 0;
	}
	if (*r->pin_dir)
		rmdir(r->pin_dir);
	*r->pin_dir = 0;
}

/* Pins left by an execwatch that was killed mid-reload: its own
 * directories (root's, named for a process that is gone). */
static void unpin_stale(void)
{
	DIR *d = opendir(BPFFS);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char dir[300], path[400];
		struct stat st;
		int pid, i;

		if (sscanf(de->d_name, "execwatch-%d-", &pid) != 1 || pid <= 0)
			continue;
		if (kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(dir, sizeof(dir), BPFFS "/%s", de->d_name);
		if (lstat(dir, &st) || !S_ISDIR(st.st_mode) || st.st_uid != 0)
			continue;
		for (i = 0; i < 2; i++) {
			snprintf(path, sizeof(path), "%s/%s", dir,
				 i ? EW_MAP_STAGE : EW_MAP_CTL);
			unlink(path);
		}
		rmdir(dir);
	}
	closedir(d);
}

int ew_reload_open(const struct env *env, int ep, uint64_t watch_tag,
		   uint64_t job_tag, struct ew_reload **out)
{
	struct ew_reload *r = calloc(1, sizeof(*r));
	const char *path = env->probe, *slash = strrchr(path, '/');
	struct epoll_event ee = { .events = EPOLLIN, .data.u64 = watch_tag };
	int err;

	*out = NULL;
	if (!r) {
		ew_err("out of memory");
		return -ENOMEM;
	}
	r->inotify = -1;
	r->env = env;
	r->ep = ep;
	r->job_tag = job_tag;
	r->job.sock = -1;
	if (slash) {
		snprintf(r->dir, sizeof(r->dir), "%.*s",
			 (int)(slash - path + (slash == path)), path);
		snprintf(r->base, sizeof(r->base), "%s", slash + 1);
	} else {
		snprintf(r->dir, sizeof(r->dir), ".");
		snprintf(r->base, sizeof(r->base), "%s", path);
	}
	r->inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (r->inotify < 0 ||
	    inotify_add_watch(r->inotify, r->dir, IN_CLOSE_WRITE | IN_MOVED_TO |
			      IN_CREATE | IN_DELETE | IN_MOVED_FROM) < 0 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, r->inotify, &ee)) {
		err = -errno;
		ew_err("cannot watch %s: %s", path, strerror(-err));
		ew_reload_free(r);
		return err;
	}
	unpin_stale();
	*out = r;
	return 0;
}

/* True if the file was written, created or renamed into place. Says so
 * once if it was removed or is not a file. */
static bool changed(struct ew_reload *r)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool saved = false, gone = false;
	struct stat st;
	ssize_t n;

	while ((n = read(r->inotify, buf, sizeof(buf))) > 0) {
		const char *p;

		for (p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const void *)p;

			p += sizeof(*ev) + ev->len;
			if (!ev->len || strcmp(ev->name, r->base))
				continue;
			if (ev->mask & (IN_DELETE | IN_MOVED_FROM))
				gone = true;
			if (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) {
				saved = true;
				gone = false;
			}
		}
	}
	if (saved && (stat(r->env->probe, &st) || !S_ISREG(st.st_mode))) {
		ew_warn("%s is no longer a regular file; still tracing with the probe already loaded",
			r->env->probe);
		return false;
	}
	if (gone && !saved)
		ew_warn("%s was removed; still tracing with the probe already loaded, waiting for it to come back",
			r->env->probe);
	return saved;
}

void ew_reload_on_watch(struct ew_reload *r, uint64_t now)
{
	if (changed(r))
		r->due = now + DEBOUNCE_NS;
}

uint64_t ew_reload_due(const struct ew_reload *r)
{
	return r->running ? 0 : r->due;
}

static void start(struct ew_reload *r, const struct ew_gen *cur)
{
	const struct ew_probe *p = ew_gen_probe(cur);
	struct ew_probe_build b;
	struct epoll_event ee = { .events = EPOLLIN, .data.u64 = r->job_tag };
	int err;

	r->due = 0;
	r->next = ew_gen_num(cur) + 1;
	err = pin_maps(r, p);
	if (err) {
		ew_err("cannot pin the probe's maps for the swap (%s); still tracing with generation %u",
		       strerror(-err), ew_gen_num(cur));
		unpin(r);
		return;
	}
	if (!ew_probe_map(p, EW_MAP_CTL))
		ew_warn("the probe has no " EW_MAP_CTL " map, so execs during the swap may be reported twice");
	if (ew_probe_build(&b, r->env, r->next, p->mechanism,
			   *r->pins[0] ? r->pins[0] : NULL,
			   *r->pins[1] ? r->pins[1] : NULL)) {
		ew_err("still tracing with generation %u", ew_gen_num(cur));
		unpin(r);
		return;
	}
	r->started = now_ns();
	err = ew_helper_start(&b.req, &r->job);
	ew_probe_build_free(&b);
	if (!err && epoll_ctl(r->ep, EPOLL_CTL_ADD, r->job.sock, &ee)) {
		err = -errno;
		ew_err("epoll: %s", strerror(-err));
		ew_helper_cancel(&r->job);
	}
	if (err) {
		unpin(r);
		return;
	}
	r->running = true;
}

void ew_reload_tick(struct ew_reload *r, uint64_t now, const struct ew_gen *cur)
{
	if (r->due && now >= r->due && !r->running)
		start(r, cur);
}

int ew_reload_on_job(struct ew_reload *r, struct ew_probe *probe,
		     unsigned *num)
{
	enum ew_job_state st = ew_helper_step(&r->job);

	if (st == EW_JOB_RUNNING)
		return 0;
	r->running = false;
	unpin(r);
	if (st == EW_JOB_FAILED) {
		ew_err("%s did not load; still tracing with generation %u",
		       r->env->probe, r->next - 1);
		return -EINVAL;
	}
	*probe = r->job.probe;
	memset(&r->job.probe, 0, sizeof(r->job.probe));
	*num = r->next;
	return 1;
}

uint64_t ew_reload_started(const struct ew_reload *r)
{
	return r->started;
}

void ew_reload_free(struct ew_reload *r)
{
	if (!r)
		return;
	if (r->running)
		ew_helper_cancel(&r->job);
	unpin(r);
	if (r->inotify >= 0)
		close(r->inotify);
	free(r);
}
