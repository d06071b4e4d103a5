// SPDX-License-Identifier: GPL-2.0
#include "compiled.h"

#include "bcc.h"
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int why(char *out, size_t len, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int why(char *out, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, len, fmt, ap);
	va_end(ap);
	return err;
}

/* Which of MOD's maps FD is. */
static int table_of(void *mod, int fd)
{
	size_t t, n = ew_bcc()->num_tables(mod);

	for (t = 0; t < n; t++)
		if (ew_bcc()->table_fd_id(mod, t) == fd)
			return t;
	return -1;
}

static int take_programs(void *mod, struct ew_cache_entry *e, char *out, size_t len)
{
	size_t i, n = ew_bcc()->num_functions(mod);

	if (n > EW_CACHE_MAX_PROGS)
		return why(out, len, -E2BIG, "more than %d functions", EW_CACHE_MAX_PROGS);
	for (i = 0; i < n; i++) {
		const char *name = ew_bcc()->function_name(mod, i);
		struct ew_cache_prog *p = &e->progs[e->nprogs];
		size_t size = ew_bcc()->function_size(mod, name), k;
		const void *start = ew_bcc()->function_start(mod, name);

		if (!start || !size || strlen(name) >= sizeof(p->name))
			return why(out, len, -EINVAL, "cannot read %s()", name);
		p->insns = malloc(size);
		if (!p->insns)
			return why(out, len, -ENOMEM, "out of memory");
		memcpy(p->insns, start, size);
		snprintf(p->name, sizeof(p->name), "%s", name);
		p->insn_cnt = size / sizeof(*p->insns);
		e->nprogs++;
		for (k = 0; k < p->insn_cnt; k++) {
			int t;

			if (!ew_insn_is_map_ref(&p->insns[k]))
				continue;
			t = table_of(mod, p->insns[k].imm);
			if (t < 0)
				return why(out, len, -EINVAL,
					   "%s() refers to a map BCC does not list", name);
			p->insns[k].imm = t;
		}
	}
	return 0;
}

static const char *pin_of(const char *map, const struct ew_req_pin *pins, int npins)
{
	int i;

	for (i = 0; i < npins; i++)
		if (!strcmp(pins[i].map, map))
			return pins[i].path;
	return NULL;
}

/* The maps' BTF: BCC gives all of a module's maps the same object. */
static int take_btf(struct ew_cache_entry *e, uint32_t id, uint32_t *have)
{
	struct btf *btf;
	const void *raw;
	uint32_t size;

	if (!id || id == *have)
		return 0;
	if (*have)
		return -EINVAL;
	btf = btf__load_from_kernel_by_id(id);
	if (!btf)
		return -errno;
	raw = btf__raw_data(btf, &size);
	e->btf = raw ? malloc(size) : NULL;
	if (e->btf) {
		memcpy(e->btf, raw, size);
		e->btf_size = size;
	}
	btf__free(btf);
	*have = id;
	return e->btf ? 0 : -ENOMEM;
}

static int take_maps(void *mod, struct ew_cache_entry *e, const struct ew_req_pin *pins,
		     int npins, char *out, size_t len)
{
	size_t t, n = ew_bcc()->num_tables(mod);
	uint32_t btf_id = 0;

	if (n > EW_CACHE_MAX_MAPS)
		return why(out, len, -E2BIG, "more than %d maps", EW_CACHE_MAX_MAPS);
	for (t = 0; t < n; t++) {
		struct ew_cache_map *m = &e->maps[t];
		struct bpf_map_info info = { 0 };
		uint32_t ilen = sizeof(info);
		const char *name = ew_bcc()->table_name(mod, t);

		if (bpf_obj_get_info_by_fd(ew_bcc()->table_fd_id(mod, t), &info, &ilen) ||
		    strlen(name) >= sizeof(m->name))
			return why(out, len, -EINVAL, "cannot read map %s", name);
		/* Their inner map's spec is not kept: never a hit, so never kept. */
		if (info.type == BPF_MAP_TYPE_ARRAY_OF_MAPS || info.type == BPF_MAP_TYPE_HASH_OF_MAPS)
			return why(out, len, -EOPNOTSUPP, "map %s holds maps", name);
		snprintf(m->name, sizeof(m->name), "%s", name);
		m->type = info.type;
		m->key_size = info.key_size;
		m->value_size = info.value_size;
		m->max_entries = info.max_entries;
		m->flags = info.map_flags;
		e->nmaps++;
		/* A pinned map is the running generation's, made with its BTF:
		 * a hit opens it where it is pinned, and needs no BTF for it. */
		if (pin_of(name, pins, npins))
			continue;
		m->btf_key_type_id = info.btf_key_type_id;
		m->btf_value_type_id = info.btf_value_type_id;
		if (take_btf(e, info.btf_id, &btf_id))
			return why(out, len, -EINVAL, "cannot read the BTF of map %s", name);
	}
	return 0;
}

int ew_entry_from_module(void *mod, struct ew_cache_entry *e, const struct ew_req_pin *pins,
			 int npins, char *out, size_t len)
{
	int err;

	memset(e, 0, sizeof(*e));
	snprintf(e->license, sizeof(e->license), "%s", ew_bcc()->module_license(mod));
	e->kern_version = ew_bcc()->module_kern_version(mod);
	err = take_programs(mod, e, out, len) ?: take_maps(mod, e, pins, npins, out, len);
	if (err)
		ew_cache_entry_free(e);
	return err;
}

/* The map pinned at PATH, if it is the one M describes. */
static int open_pinned(const struct ew_cache_map *m, const char *path)
{
	struct bpf_map_info info = { 0 };
	uint32_t ilen = sizeof(info);
	int fd = bpf_obj_get(path);

	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, &info, &ilen) || info.type != m->type ||
	    info.key_size != m->key_size || info.value_size != m->value_size ||
	    info.max_entries != m->max_entries) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

int ew_write_generation(int fd, unsigned gen)
{
	struct bpf_map_info info = { 0 };
	uint32_t ilen = sizeof(info), zero = 0;
	uint64_t v = gen;

	/* A probe's own map of that name may be of another shape. */
	if (bpf_obj_get_info_by_fd(fd, &info, &ilen) || info.type != BPF_MAP_TYPE_ARRAY ||
	    info.key_size != sizeof(zero) || info.value_size != sizeof(v) || !info.max_entries)
		return -EINVAL;
	return bpf_map_update_elem(fd, &zero, &v, BPF_ANY) ? -errno : 0;
}

int ew_entry_make_maps(struct ew_cache_entry *e, int *fds, int *btf_out,
		       const struct ew_req_pin *pins, int npins, char *out, size_t len)
{
	int btf_fd = -1, err = 0;
	uint32_t i, k;

	if (e->btf) {
		btf_fd = bpf_btf_load(e->btf, e->btf_size, NULL);
		if (btf_fd < 0)
			return why(out, len, -errno, "the kernel refused its BTF");
	}
	for (i = 0; i < e->nmaps; i++) {
		const struct ew_cache_map *m = &e->maps[i];
		bool typed = m->btf_key_type_id || m->btf_value_type_id;
		const char *pin = pin_of(m->name, pins, npins);
		LIBBPF_OPTS(bpf_map_create_opts, opts,
			    .btf_fd = typed && btf_fd >= 0 ? btf_fd : 0,
			    .btf_key_type_id = typed ? m->btf_key_type_id : 0,
			    .btf_value_type_id = typed ? m->btf_value_type_id : 0,
			    .map_flags = m->flags);

		fds[i] = pin ? open_pinned(m, pin) :
			 bpf_map_create(m->type, m->name, m->key_size, m->value_size,
					m->max_entries, &opts);
		if (fds[i] < 0 && pin) {
			err = why(out, len, fds[i], "map %s is not pinned where the reload put it",
				  m->name);
			break;
		}
		if (fds[i] < 0) {
			err = why(out, len, -errno, "the kernel refused map %s", m->name);
			break;
		}
	}
	if (err) {
		while (i--)
			close(fds[i]);
		if (btf_fd >= 0)
			close(btf_fd);
		return err;
	}
	*btf_out = btf_fd;
	for (i = 0; i < e->nprogs; i++)
		for (k = 0; k < e->progs[i].insn_cnt; k++)
			if (ew_insn_is_map_ref(&e->progs[i].insns[k]))
				e->progs[i].insns[k].imm = fds[e->progs[i].insns[k].imm];
	return 0;
}
