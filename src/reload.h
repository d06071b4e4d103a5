/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --watch: noticing that the probe file was saved, compiling it as the
 * next generation while tracing goes on, and the pinned control map
 * through which the new generation takes over from the old one.
 */
#ifndef EXECWATCH_RELOAD_H
#define EXECWATCH_RELOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "generation.h"
#include "helper_client.h"
#include "options.h"

struct ew_reload;

/* Watches env->probe's directory (editors that save by rename replace the
 * file), registered with EP under WATCH_TAG. Logs errors; 0 or -errno. */
int ew_reload_open(const struct env *env, int ep, uint64_t watch_tag,
		   uint64_t job_tag, struct ew_reload **out);
/* The directory changed: a save starts a compile a little later. */
void ew_reload_on_watch(struct ew_reload *r, uint64_t now);
/* When the next compile is due (0: none), for the loop's timeout. */
uint64_t ew_reload_due(const struct ew_reload *r);
/* Starts the compile of generation CUR + 1 once due, sharing CUR's ctl. */
void ew_reload_tick(struct ew_reload *r, uint64_t now, const struct ew_gen *cur);
/*
 * The helper's socket is readable. Returns 1 with the new generation in
 * *PROBE (and its number in *NUM) once it is loaded, 0 while it compiles,
 * or -errno when it failed (reported).
 */
int ew_reload_on_job(struct ew_reload *r, struct ew_probe *probe,
		     unsigned *num);
/* When the save that led to the last compile was read. */
uint64_t ew_reload_started(const struct ew_reload *r);
void ew_reload_free(struct ew_reload *r);

#endif
