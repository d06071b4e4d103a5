/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The compile cache: what BCC produced for one probe on one kernel, kept so
 * the next start loads it instead of compiling (docs/probes.md, "The
 * compile cache").
 *
 * An entry holds each function's instructions with its map references made
 * symbolic (the immediate of a BPF_PSEUDO_MAP_FD / _VALUE load is the
 * map's index, not a descriptor of a process long gone), the map
 * specifications, the maps' BTF, the license and kernel version, and the
 * compiler's warnings, which a hit shows again. Its name is the hash of
 * everything that shapes the compile (ew_cache_key_*), so a stale entry is
 * never looked up; its content is checked against a SHA-256 of itself.
 *
 * Trust: root's cache is a directory of root's own, 0700, in a chain of
 * directories only root can change; an entry is used only if it is a
 * regular file of root's, one link, writable by nobody else. Anything else
 * is ignored (and the reason given for -v) and, where the directory is
 * sound, replaced.
 */
#ifndef EXECWATCH_CACHE_H
#define EXECWATCH_CACHE_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

#define EW_CACHE_DIR		"/var/cache/execwatch"
#define EW_CACHE_MAX_PROGS	64
#define EW_CACHE_MAX_MAPS	64
#define EW_CACHE_NAME_LEN	64
#define EW_CACHE_KEY_LEN	32	/* SHA-256 */
#define EW_CACHE_MAX_FILE	(32u << 20)
#define EW_CACHE_KEEP		64	/* entries kept, the ones used last */

struct ew_cache_prog {
	char name[EW_CACHE_NAME_LEN];
	uint32_t insn_cnt;
	struct bpf_insn *insns;
};

struct ew_cache_map {
	char name[EW_CACHE_NAME_LEN];
	uint32_t type, key_size, value_size, max_entries, flags;
	uint32_t btf_key_type_id, btf_value_type_id;	/* 0: no BTF */
};

/* A file the compile depended on (the helper, libbcc, clang, LLVM...), by
 * identity: an entry whose files changed since is a miss. */
struct ew_cache_dep {
	char path[256];
	int64_t ino, size, mtime_sec, mtime_nsec;
};

#define EW_CACHE_MAX_DEPS	64

struct ew_cache_entry {
	char license[64];
	uint32_t kern_version;
	uint32_t nprogs, nmaps;
	struct ew_cache_prog progs[EW_CACHE_MAX_PROGS];
	struct ew_cache_map maps[EW_CACHE_MAX_MAPS];
	void *btf;		/* the maps' BTF, raw; NULL if none has any */
	uint32_t btf_size;
	char *diag;		/* the compiler's warnings; NULL if none */
	char *warn;		/* the helper's (BTF fields missing), a line each; NULL if none */
	uint32_t ndeps;
	struct ew_cache_dep deps[EW_CACHE_MAX_DEPS];
};

/* PATH's identity (inode, size, modification time), all zeros if it is
 * gone: what the key and the dependency check compare files by. */
void ew_cache_identity(const char *path, struct ew_cache_dep *d);

/* Adds the objects this process has loaded to E's dependencies. */
void ew_cache_add_loaded(struct ew_cache_entry *e);

/* The key, as a running hash of everything that shapes the compile. */
struct ew_cache_key {
	void *ctx;
	uint8_t key[EW_CACHE_KEY_LEN];
};

int ew_cache_key_init(struct ew_cache_key *k);
/* One input, framed by its length so "ab","c" and "a","bc" differ. */
void ew_cache_key_add(struct ew_cache_key *k, const void *data, size_t len);
void ew_cache_key_add_str(struct ew_cache_key *k, const char *s);
/* Fills k->key and frees the running hash. */
void ew_cache_key_final(struct ew_cache_key *k);
/* The key as 64 hex digits and a NUL. */
void ew_cache_key_hex(const uint8_t key[EW_CACHE_KEY_LEN], char out[2 * EW_CACHE_KEY_LEN + 1]);

/* 0 if DIR is a directory of root's that nobody else may write (its
 * chain of parents is execwatch's to check), else -errno with the reason
 * in WHY. */
int ew_cache_dir_sound(const char *dir, char *why, size_t len);

/* 0 and E filled on a hit; -ENOENT when there is no entry; any other
 * -errno with the reason in WHY when one is there but cannot be used. */
int ew_cache_read(const char *dir, const uint8_t key[EW_CACHE_KEY_LEN],
		  struct ew_cache_entry *e, char *why, size_t len);

/* Writes E under KEY: to a temporary name, synced, then renamed; then
 * removes all but the EW_CACHE_KEEP entries used last (a hit marks its
 * entry used). 0 or -errno with the reason in WHY. */
int ew_cache_write(const char *dir, const uint8_t key[EW_CACHE_KEY_LEN],
		   const struct ew_cache_entry *e, char *why, size_t len);

void ew_cache_entry_free(struct ew_cache_entry *e);

/* A load of a map's address (BPF_LD_IMM64 with a map source): the
 * instructions whose immediate is a map descriptor, or index. */
static inline int ew_insn_is_map_ref(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW) &&
	       (insn->src_reg == BPF_PSEUDO_MAP_FD ||
		insn->src_reg == BPF_PSEUDO_MAP_VALUE);
}

#endif
