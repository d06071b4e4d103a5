/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The compile cache at work in the helper (cache.h has the files): a
 * request's key, a hit loaded and attached, a compile stored.
 */
#ifndef EXECWATCH_CACHED_H
#define EXECWATCH_CACHED_H

#include "attach.h"
#include "cache.h"
#include "kheaders.h"
#include "request.h"

#include <stdbool.h>
#include <stdint.h>

/* Whether RQ may use the cache (-v says why not). */
bool ew_cache_usable(const struct ew_request *rq);

/* Everything that shapes what BCC makes of RQ, with PLAN, against KH. */
int ew_cache_key_of(const struct ew_request *rq, const struct ew_attach_plan *plan,
		    const struct ew_kheaders *kh, uint8_t key[EW_CACHE_KEY_LEN]);

/* Loads, attaches and sends a hit: 0; 1 to compile instead; 2 when
 * execwatch could not be told. */
int ew_cache_load(const struct ew_request *rq, const struct ew_attach_plan *plan,
		  const uint8_t key[EW_CACHE_KEY_LEN]);

/* After a compile of MOD that loaded: stored under KEY, with DIAG. */
void ew_cache_store(const struct ew_request *rq, const uint8_t key[EW_CACHE_KEY_LEN],
		    void *mod, const char *diag);

#endif
