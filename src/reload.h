/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --watch: noticing that the probe file was saved, and the pinned control
 * map through which a new probe generation takes over from the old one.
 */
#ifndef EXECWATCH_RELOAD_H
#define EXECWATCH_RELOAD_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct ew_watch {
	int fd;			/* inotify */
	char dir[PATH_MAX];
	char base[NAME_MAX + 1];
	const char *path;
};

/* Watches PATH's directory: editors that save by rename replace the file. */
int ew_watch_open(struct ew_watch *w, const char *path);
/* Reads what inotify has; true if PATH was written, created or renamed
 * into place. Says so once if PATH was removed or is not a file. */
bool ew_watch_changed(struct ew_watch *w);
void ew_watch_close(struct ew_watch *w);

/*
 * Pins MAP_FD where the next generation's probe (compiled with
 * -DEW_CTL_PIN=<path>) finds it, mounting bpffs on /sys/fs/bpf if needed.
 * The pin lives only while a reload compiles: ew_unpin removes it, and a
 * pin left by a killed execwatch is removed by the next one.
 */
int ew_pin_ctl(int map_fd, char *path, size_t len);
void ew_unpin(const char *path);
void ew_unpin_stale(void);

#endif
