// SPDX-License-Identifier: GPL-2.0
#include "cache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <link.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The file: a header, then license, programs (each a record and its
 * instructions), maps, BTF and warnings, in that order. */
#define MAGIC "EWBPFC\0"
#define FORMAT 2
#define MAX_INSNS (1u << 20)	/* the kernel's own limit is 1M */

struct file_header {
	char magic[8];
	uint32_t format;
	uint32_t nprogs, nmaps;
	uint32_t btf_size, diag_size, warn_size;
	uint32_t kern_version;
	uint32_t ndeps;
	char license[64];
	uint8_t key[EW_CACHE_KEY_LEN];
	uint8_t sum[EW_CACHE_KEY_LEN];	/* SHA-256 of all that follows */
};

struct file_prog {
	char name[EW_CACHE_NAME_LEN];
	uint32_t insn_cnt;
	uint32_t pad;
};

int ew_cache_key_init(struct ew_cache_key *k)
{
	k->ctx = malloc(sizeof(struct sha256_ctx));
	if (!k->ctx)
		return -ENOMEM;
	sha256_init(k->ctx);
	ew_cache_key_add_str(k, "execwatch compile cache, format 1");
	return 0;
}

void ew_cache_key_add(struct ew_cache_key *k, const void *data, size_t len)
{
	uint64_t n = len;

	sha256_update(k->ctx, sizeof(n), (const uint8_t *)&n);
	sha256_update(k->ctx, len, data);
}

void ew_cache_key_add_str(struct ew_cache_key *k, const char *s)
{
	ew_cache_key_add(k, s ? s : "", s ? strlen(s) : 0);
}

void ew_cache_key_final(struct ew_cache_key *k)
{
	sha256_digest(k->ctx, sizeof(k->key), k->key);
	free(k->ctx);
	k->ctx = NULL;
}

void ew_cache_key_hex(const uint8_t key[EW_CACHE_KEY_LEN], char out[2 * EW_CACHE_KEY_LEN + 1])
{
	int i;

	for (i = 0; i < EW_CACHE_KEY_LEN; i++)
		sprintf(out + 2 * i, "%02x", key[i]);
}

static void entry_path(const char *dir, const uint8_t key[EW_CACHE_KEY_LEN],
		       char out[PATH_MAX])
{
	char hex[2 * EW_CACHE_KEY_LEN + 1];

	ew_cache_key_hex(key, hex);
	snprintf(out, PATH_MAX, "%s/%s.bpfc", dir, hex);
}

void ew_cache_entry_free(struct ew_cache_entry *e)
{
	uint32_t i;

	for (i = 0; i < e->nprogs && i < EW_CACHE_MAX_PROGS; i++)
		free(e->progs[i].insns);
	free(e->btf);
	free(e->diag);
	free(e->warn);
	memset(e, 0, sizeof(*e));
}

/* ---- Reading ---------------------------------------------------------- */

struct cursor {
	const uint8_t *p;
	size_t left;
};

static const void *take(struct cursor *c, size_t n)
{
	const void *p = c->p;

	if (n > c->left)
		return NULL;
	c->p += n;
	c->left -= n;
	return p;
}

static void *take_copy(struct cursor *c, size_t n, size_t extra)
{
	const void *p = take(c, n);
	uint8_t *copy;

	if (!p || !(copy = calloc(1, n + extra)))
		return NULL;
	memcpy(copy, p, n);
	return copy;
}

static int why(char *out, size_t len, int err, const char *msg)
{
	snprintf(out, len, "%s", msg);
	return err;
}

/* Each map reference names a map the entry has. */
static bool refs_in_range(const struct ew_cache_prog *p, uint32_t nmaps)
{
	uint32_t i;

	for (i = 0; i < p->insn_cnt; i++)
		if (ew_insn_is_map_ref(&p->insns[i]) &&
		    (i + 1 >= p->insn_cnt || (uint32_t)p->insns[i].imm >= nmaps))
			return false;
	return true;
}

void ew_cache_identity(const char *path, struct ew_cache_dep *d)
{
	struct stat st;

	memset(d, 0, sizeof(*d));
	snprintf(d->path, sizeof(d->path), "%s", path);
	if (stat(path, &st))
		return;		/* gone: all zeros, which no file matches */
	d->ino = st.st_ino;
	d->size = st.st_size;
	d->mtime_sec = st.st_mtim.tv_sec;
	d->mtime_nsec = st.st_mtim.tv_nsec;
}

/* The files the compile used are still those files. */
static int changed_dep(const struct ew_cache_entry *e, char *out, size_t len)
{
	struct ew_cache_dep now;
	uint32_t i;

	for (i = 0; i < e->ndeps; i++) {
		ew_cache_identity(e->deps[i].path, &now);
		if (memcmp(&now, &e->deps[i], sizeof(now))) {
			snprintf(out, len, "%s changed since it was compiled", e->deps[i].path);
			return -ESTALE;
		}
	}
	return 0;
}

static int add_one(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct ew_cache_entry *e = arg;
	struct ew_cache_dep d;

	(void)size;
	if (!info->dlpi_name || !*info->dlpi_name || e->ndeps >= EW_CACHE_MAX_DEPS ||
	    strlen(info->dlpi_name) >= sizeof(d.path))
		return 0;
	ew_cache_identity(info->dlpi_name, &d);
	if (d.ino)	/* a file, not the vDSO */
		e->deps[e->ndeps++] = d;
	return 0;
}

void ew_cache_add_loaded(struct ew_cache_entry *e)
{
	dl_iterate_phdr(add_one, e);
}

static int parse(const uint8_t *buf, size_t size, const uint8_t key[EW_CACHE_KEY_LEN],
		 struct ew_cache_entry *e, char *out, size_t len)
{
	struct cursor c = { buf, size };
	const struct file_header *h = take(&c, sizeof(*h));
	uint8_t sum[EW_CACHE_KEY_LEN];
	struct sha256_ctx ctx;
	uint32_t i;

	if (!h || memcmp(h->magic, MAGIC, sizeof(h->magic)) || h->format != FORMAT)
		return why(out, len, -EINVAL, "not an entry of this format");
	if (memcmp(h->key, key, EW_CACHE_KEY_LEN))
		return why(out, len, -EINVAL, "made for another key");
	sha256_init(&ctx);
	sha256_update(&ctx, c.left, c.p);
	sha256_digest(&ctx, sizeof(sum), sum);
	if (memcmp(sum, h->sum, sizeof(sum)))
		return why(out, len, -EBADMSG, "truncated or corrupt (its checksum does not match)");
	if (h->nprogs > EW_CACHE_MAX_PROGS || h->nmaps > EW_CACHE_MAX_MAPS ||
	    h->ndeps > EW_CACHE_MAX_DEPS || !memchr(h->license, 0, sizeof(h->license)))
		return why(out, len, -EINVAL, "corrupt (counts out of range)");
	memcpy(e->license, h->license, sizeof(e->license));
	e->kern_version = h->kern_version;
	for (i = 0; i < h->nprogs; i++) {
		const struct file_prog *fp = take(&c, sizeof(*fp));
		struct ew_cache_prog *p = &e->progs[i];

		if (!fp || !fp->insn_cnt || fp->insn_cnt > MAX_INSNS ||
		    !memchr(fp->name, 0, sizeof(fp->name)))
			return why(out, len, -EINVAL, "corrupt (a program record)");
		memcpy(p->name, fp->name, sizeof(p->name));
		p->insn_cnt = fp->insn_cnt;
		p->insns = take_copy(&c, (size_t)fp->insn_cnt * sizeof(struct bpf_insn), 0);
		e->nprogs = i + 1;
		if (!p->insns)
			return why(out, len, -EINVAL, "corrupt (instructions cut short)");
	}
	for (i = 0; i < h->nmaps; i++) {
		const struct ew_cache_map *m = take(&c, sizeof(*m));

		if (!m || !memchr(m->name, 0, sizeof(m->name)))
			return why(out, len, -EINVAL, "corrupt (a map record)");
		e->maps[i] = *m;
	}
	e->nmaps = h->nmaps;
	for (i = 0; i < e->nprogs; i++)
		if (!refs_in_range(&e->progs[i], e->nmaps))
			return why(out, len, -EINVAL, "corrupt (a map reference out of range)");
	for (i = 0; i < h->ndeps; i++) {
		const struct ew_cache_dep *d = take(&c, sizeof(*d));

		if (!d || !memchr(d->path, 0, sizeof(d->path)))
			return why(out, len, -EINVAL, "corrupt (a dependency record)");
		e->deps[i] = *d;
	}
	e->ndeps = h->ndeps;
	if (h->btf_size && !(e->btf = take_copy(&c, h->btf_size, 0)))
		return why(out, len, -EINVAL, "corrupt (BTF cut short)");
	e->btf_size = h->btf_size;
	if (h->diag_size && !(e->diag = take_copy(&c, h->diag_size, 1)))
		return why(out, len, -EINVAL, "corrupt (warnings cut short)");
	if (h->warn_size && !(e->warn = take_copy(&c, h->warn_size, 1)))
		return why(out, len, -EINVAL, "corrupt (warnings cut short)");
	if (c.left)
		return why(out, len, -EINVAL, "corrupt (bytes past its end)");
	return changed_dep(e, out, len);
}

/* Root's own regular file, one link, writable by nobody else. */
static const char *untrusted_file(const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return "not a regular file";
	if (st->st_uid != geteuid())
		return "not owned by root";
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return "writable by group or others";
	if (st->st_nlink != 1)
		return "has more than one link";
	if (st->st_size > EW_CACHE_MAX_FILE)
		return "too large";
	return NULL;
}

int ew_cache_read(const char *dir, const uint8_t key[EW_CACHE_KEY_LEN],
		  struct ew_cache_entry *e, char *out, size_t len)
{
	char path[PATH_MAX];
	const char *bad;
	struct stat st;
	uint8_t *buf;
	ssize_t n;
	int fd, err;

	memset(e, 0, sizeof(*e));
	entry_path(dir, key, path);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		if (err == -ENOENT)
			return why(out, len, err, "no entry");
		return why(out, len, err, err == -ELOOP ? "a symbolic link" :
			   "cannot be opened");
	}
	if (fstat(fd, &st)) {
		close(fd);
		return why(out, len, -EIO, "cannot be checked");
	}
	if ((bad = untrusted_file(&st))) {
		close(fd);
		return why(out, len, -EPERM, bad);
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	n = buf ? pread(fd, buf, st.st_size, 0) : -1;
	futimens(fd, NULL);	/* used now: the last to go when the cache is pruned */
	close(fd);
	if (n != st.st_size) {
		free(buf);
		return why(out, len, -EIO, "cannot be read");
	}
	err = parse(buf, n, key, e, out, len);
	free(buf);
	if (err)
		ew_cache_entry_free(e);
	return err;
}

int ew_cache_dir_sound(const char *dir, char *out, size_t len)
{
	struct stat st;

	if (lstat(dir, &st))
		return why(out, len, -errno, "the cache directory cannot be checked");
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)))
		return why(out, len, -EPERM, "the cache directory is not root's alone");
	return 0;
}

/* ---- Writing ---------------------------------------------------------- */

static int write_all(int fd, const void *p, size_t n, struct sha256_ctx *ctx)
{
	const uint8_t *b = p;

	if (ctx)
		sha256_update(ctx, n, b);
	while (n) {
		ssize_t w = write(fd, b, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (!w)
			return -EIO;
		b += w;
		n -= w;
	}
	return 0;
}

static int write_body(int fd, const struct ew_cache_entry *e, struct sha256_ctx *ctx)
{
	uint32_t i;
	int err = 0;

	for (i = 0; i < e->nprogs && !err; i++) {
		struct file_prog fp = { .insn_cnt = e->progs[i].insn_cnt };

		memcpy(fp.name, e->progs[i].name, sizeof(fp.name));
		err = write_all(fd, &fp, sizeof(fp), ctx) ?:
		      write_all(fd, e->progs[i].insns,
				(size_t)fp.insn_cnt * sizeof(struct bpf_insn), ctx);
	}
	for (i = 0; i < e->nmaps && !err; i++)
		err = write_all(fd, &e->maps[i], sizeof(e->maps[i]), ctx);
	for (i = 0; i < e->ndeps && !err; i++)
		err = write_all(fd, &e->deps[i], sizeof(e->deps[i]), ctx);
	if (!err && e->btf_size)
		err = write_all(fd, e->btf, e->btf_size, ctx);
	if (!err && e->diag)
		err = write_all(fd, e->diag, strlen(e->diag), ctx);
	if (!err && e->warn)
		err = write_all(fd, e->warn, strlen(e->warn), ctx);
	return err;
}

/* Entries by when they were last used, oldest first. */
struct aged {
	struct timespec when;
	char name[2 * EW_CACHE_KEY_LEN + 8];
};

static int older(const void *a, const void *b)
{
	const struct timespec *x = &((const struct aged *)a)->when;
	const struct timespec *y = &((const struct aged *)b)->when;

	return x->tv_sec != y->tv_sec ? (x->tv_sec < y->tv_sec ? -1 : 1) :
	       (x->tv_nsec > y->tv_nsec) - (x->tv_nsec < y->tv_nsec);
}

/* Keeps the EW_CACHE_KEEP entries used last: each rebuilt execwatch, each
 * kernel and each probe edit leaves one that will not be used again. */
static void prune(const char *dir)
{
	struct aged *all = NULL, *grown;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *d = opendir(dir);

	while (d && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		struct stat st;

		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		/* A write a killed helper left half done. */
		if (!strncmp(de->d_name, ".new-", 5) && st.st_mtime + 60 < time(NULL)) {
			unlinkat(dirfd(d), de->d_name, 0);
			continue;
		}
		if (len != 2 * EW_CACHE_KEY_LEN + 5 || strcmp(de->d_name + len - 5, ".bpfc"))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 128;
			grown = realloc(all, cap * sizeof(*all));
			if (!grown)
				break;
			all = grown;
		}
		all[n].when = st.st_mtim;
		memcpy(all[n++].name, de->d_name, len + 1);
	}
	if (d && n > EW_CACHE_KEEP) {
		qsort(all, n, sizeof(*all), older);
		for (i = 0; i < n - EW_CACHE_KEEP; i++)
			unlinkat(dirfd(d), all[i].name, 0);
	}
	if (d)
		closedir(d);
	free(all);
}

int ew_cache_write(const char *dir, const uint8_t key[EW_CACHE_KEY_LEN],
		   const struct ew_cache_entry *e, char *out, size_t len)
{
	struct file_header h = { .format = FORMAT };
	char tmp[PATH_MAX], path[PATH_MAX];
	struct sha256_ctx ctx;
	int fd, dfd, err;

	if (e->nprogs > EW_CACHE_MAX_PROGS || e->nmaps > EW_CACHE_MAX_MAPS)
		return why(out, len, -E2BIG, "too many programs or maps");
	memcpy(h.magic, MAGIC, sizeof(h.magic));
	memcpy(h.key, key, sizeof(h.key));
	memcpy(h.license, e->license, sizeof(h.license) - 1);
	h.nprogs = e->nprogs;
	h.nmaps = e->nmaps;
	h.btf_size = e->btf_size;
	h.diag_size = e->diag ? strlen(e->diag) : 0;
	h.warn_size = e->warn ? strlen(e->warn) : 0;
	h.kern_version = e->kern_version;
	h.ndeps = e->ndeps;
	entry_path(dir, key, path);
	snprintf(tmp, sizeof(tmp), "%s/.new-XXXXXX", dir);
	fd = mkostemp(tmp, O_CLOEXEC);		/* 0600 */
	if (fd < 0)
		return why(out, len, -errno, "cannot create a file in the cache");
	/* The checksum first: a pass over the body into the hash only. */
	sha256_init(&ctx);
	err = lseek(fd, sizeof(h), SEEK_SET) < 0 ? -errno : write_body(fd, e, &ctx);
	sha256_digest(&ctx, sizeof(h.sum), h.sum);
	err = err ?: (pwrite(fd, &h, sizeof(h), 0) == sizeof(h) ? 0 : -EIO);
	if (!err && fsync(fd))
		err = -errno;
	close(fd);
	if (!err && rename(tmp, path))
		err = -errno;
	if (err) {
		unlink(tmp);
		return why(out, len, err, "cannot write the entry");
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	prune(dir);
	return 0;
}
