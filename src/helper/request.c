// SPDX-License-Identifier: GPL-2.0
#include "request.h"
#include "../helper_proto.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ew_add_flag(struct ew_request *rq, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	if (rq->ncflags >= EW_MAX_CFLAGS)
		return -E2BIG;
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	rq->cflags[rq->ncflags++] = s;
	return 0;
}

int ew_read_request(int sock, struct ew_request *rq)
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
		case EW_REQ_CACHE:
			rq->cache_dir = f.data;
			break;
		case EW_REQ_GEN:
			rq->gen = strtoul(f.data, NULL, 10);
			free(f.data);
			break;
		case EW_REQ_PIN: {
			struct ew_req_pin *p = &rq->pins[rq->npins];
			size_t a, b;

			if (rq->npins >= EW_MAX_PINS)
				return -E2BIG;
			a = strlen(f.data) + 1;
			b = a < f.len ? strlen(f.data + a) + 1 : 0;
			if (!b || a + b >= f.len)
				return -EPROTO;
			p->map = f.data;
			p->macro = f.data + a;
			p->path = f.data + a + b;
			rq->npins++;
			break;
		}
		case EW_REQ_NAME:
			rq->name = f.data;
			break;
		case EW_REQ_ATTACH:
			rq->attach = f.data;
			break;
		case EW_REQ_HEADER:
			if (rq->nheaders >= EW_MAX_HEADERS)
				return -E2BIG;
			rq->header_name[rq->nheaders] = f.data;
			rq->header_text[rq->nheaders++] = f.data + strlen(f.data) + 1;
			break;
		case EW_REQ_CFLAG:
			if (rq->ncflags >= EW_MAX_CFLAGS)
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
