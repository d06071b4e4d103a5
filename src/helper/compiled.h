/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a compile produced, between BCC and the cache: taken from a BCC
 * module into a cache entry (map descriptors made symbolic), and, for a
 * hit, the entry's maps made again and their descriptors put back.
 */
#ifndef EXECWATCH_COMPILED_H
#define EXECWATCH_COMPILED_H

#include "cache.h"
#include "request.h"

#include <stddef.h>

/* Fills E from MOD (a BCC module, compiled; the maps named in PINS are
 * opened where they are pinned on a hit, so their BTF is not kept); 0 or
 * -errno with the reason in WHY (a probe whose programs reach a map some
 * other way). */
int ew_entry_from_module(void *mod, struct ew_cache_entry *e, const struct ew_req_pin *pins,
			 int npins, char *why, size_t len);

/* Loads E's BTF (*BTF_FD, -1 if it has none), makes E's maps (FDS[i] for
 * map i; those named in PINS opened where they are pinned, and checked to
 * be what the entry says) and writes their descriptors into E's
 * instructions. 0 or -errno with the reason in WHY, nothing left open. */
int ew_entry_make_maps(struct ew_cache_entry *e, int *fds, int *btf_fd,
		       const struct ew_req_pin *pins, int npins, char *why, size_t len);

/* Writes GEN into the probe's gen map FD, before any program is attached. */
int ew_write_generation(int fd, unsigned gen);

#endif
