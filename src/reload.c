// SPDX-License-Identifier: GPL-2.0
#include "reload.h"

#include <bpf/bpf.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define BPFFS "/sys/fs/bpf"
#define BPF_FS_MAGIC_NUMBER 0xcafe4a11

int ew_watch_open(struct ew_watch *w, const char *path)
{
	const char *slash = strrchr(path, '/');

	w->path = path;
	if (slash) {
		snprintf(w->dir, sizeof(w->dir), "%.*s", (int)(slash - path + (slash == path)),
			 path);
		snprintf(w->base, sizeof(w->base), "%s", slash + 1);
	} else {
		snprintf(w->dir, sizeof(w->dir), ".");
		snprintf(w->base, sizeof(w->base), "%s", path);
	}
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0)
		return -errno;
	if (inotify_add_watch(w->fd, w->dir, IN_CLOSE_WRITE | IN_MOVED_TO |
			      IN_CREATE | IN_DELETE | IN_MOVED_FROM) < 0) {
		int err = -errno;

		close(w->fd);
		w->fd = -1;
		return err;
	}
	return 0;
}

bool ew_watch_changed(struct ew_watch *w)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool changed = false, gone = false;
	ssize_t n;

	while ((n = read(w->fd, buf, sizeof(buf))) > 0) {
		const char *p;

		for (p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const void *)p;

			p += sizeof(*ev) + ev->len;
			if (!ev->len || strcmp(ev->name, w->base))
				continue;
			if (ev->mask & (IN_DELETE | IN_MOVED_FROM))
				gone = true;
			if (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) {
				changed = true;
				gone = false;
			}
		}
	}
	if (changed) {
		struct stat st;

		if (stat(w->path, &st) || !S_ISREG(st.st_mode)) {
			fprintf(stderr, "execwatch: %s is no longer a regular file; still tracing with the probe already loaded\n",
				w->path);
			return false;
		}
	}
	if (gone && !changed)
		fprintf(stderr, "execwatch: %s was removed; still tracing with the probe already loaded, waiting for it to come back\n",
			w->path);
	return changed;
}

void ew_watch_close(struct ew_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

static int ensure_bpffs(void)
{
	struct statfs sf;

	if (statfs(BPFFS, &sf) == 0 && sf.f_type == BPF_FS_MAGIC_NUMBER)
		return 0;
	if (mount("bpf", BPFFS, "bpf", 0, NULL))
		return -errno;
	return 0;
}

int ew_pin_ctl(int map_fd, char *path, size_t len)
{
	int err = ensure_bpffs();

	if (err)
		return err;
	snprintf(path, len, BPFFS "/execwatch-%d-ctl", (int)getpid());
	unlink(path);
	return bpf_obj_pin(map_fd, path) ? -errno : 0;
}

void ew_unpin(const char *path)
{
	if (path && *path)
		unlink(path);
}

void ew_unpin_stale(void)
{
	DIR *d = opendir(BPFFS);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[300];
		int pid;

		if (sscanf(de->d_name, "execwatch-%d-ctl", &pid) != 1 || pid <= 0)
			continue;
		if (kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), BPFFS "/%s", de->d_name);
		unlink(path);
	}
	closedir(d);
}
