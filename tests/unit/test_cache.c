// SPDX-License-Identifier: GPL-2.0
/* The compile cache's files: round trip, and every way an entry can be
 * refused (cut short, bit-flipped, someone else's, a link, a stray key). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "src/helper/cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/ew-test-cache-XXXXXX";
static uint8_t key[EW_CACHE_KEY_LEN] = { 1, 2, 3 };

/* Two programs (one loads map 1's address), two maps, BTF, warnings. */
static void sample(struct ew_cache_entry *e)
{
	static const struct bpf_insn a[] = {
		{ .code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 1,
		  .src_reg = BPF_PSEUDO_MAP_FD, .imm = 1 },
		{ 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	static const struct bpf_insn b[] = { { .code = BPF_JMP | BPF_EXIT } };

	memset(e, 0, sizeof(*e));
	strcpy(e->license, "GPL");
	e->kern_version = 0x60100;
	e->nprogs = 2;
	strcpy(e->progs[0].name, "raw_tracepoint__sched_process_exec");
	e->progs[0].insn_cnt = 3;
	e->progs[0].insns = malloc(sizeof(a));
	memcpy(e->progs[0].insns, a, sizeof(a));
	strcpy(e->progs[1].name, "tracepoint__syscalls__sys_exit_execve");
	e->progs[1].insn_cnt = 1;
	e->progs[1].insns = malloc(sizeof(b));
	memcpy(e->progs[1].insns, b, sizeof(b));
	e->nmaps = 2;
	e->maps[0] = (struct ew_cache_map){ "events", BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 2, 0, 0, 0 };
	e->maps[1] = (struct ew_cache_map){ "stage", BPF_MAP_TYPE_TASK_STORAGE, 4, 4200, 0,
					    BPF_F_NO_PREALLOC, 5, 7 };
	e->btf_size = 5;
	e->btf = malloc(5);
	memcpy(e->btf, "\x9f\xeb\x01\x00\x18", 5);
	e->diag = strdup("probe.bpf.c:3:1: warning: unused\n");
	e->warn = strdup("kernel BTF has no x.y: EW_OFF_X is left undefined\n");
}

static void entry_file(char *out, size_t len)
{
	char hex[2 * EW_CACHE_KEY_LEN + 1];

	ew_cache_key_hex(key, hex);
	snprintf(out, len, "%s/%s.bpfc", dir, hex);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* Each test starts from the sample entry, written fresh. */
static void rewrite(void)
{
	struct ew_cache_entry e;
	char why[128];

	sample(&e);
	assert_int_equal(ew_cache_write(dir, key, &e, why, sizeof(why)), 0);
	ew_cache_entry_free(&e);
}

static void round_trip(void **state)
{
	struct ew_cache_entry e, want;
	char path[4096], why[128];
	struct stat st;

	(void)state;
	rewrite();
	entry_file(path, sizeof(path));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(ew_cache_read(dir, key, &e, why, sizeof(why)), 0);
	sample(&want);
	assert_string_equal(e.license, "GPL");
	assert_int_equal(e.kern_version, 0x60100);
	assert_int_equal(e.nprogs, 2);
	assert_string_equal(e.progs[0].name, want.progs[0].name);
	assert_int_equal(e.progs[0].insn_cnt, 3);
	assert_memory_equal(e.progs[0].insns, want.progs[0].insns, 3 * sizeof(struct bpf_insn));
	assert_int_equal(e.progs[0].insns[0].imm, 1);	/* the map's index */
	assert_int_equal(e.nmaps, 2);
	assert_memory_equal(&e.maps[1], &want.maps[1], sizeof(e.maps[1]));
	assert_int_equal(e.btf_size, 5);
	assert_memory_equal(e.btf, want.btf, 5);
	assert_string_equal(e.diag, want.diag);
	assert_string_equal(e.warn, want.warn);
	ew_cache_entry_free(&e);
	ew_cache_entry_free(&want);
}

static void no_entry_is_a_miss(void **state)
{
	uint8_t other[EW_CACHE_KEY_LEN] = { 9 };
	struct ew_cache_entry e;
	char why[128];

	(void)state;
	assert_int_equal(ew_cache_read(dir, other, &e, why, sizeof(why)), -ENOENT);
	assert_string_equal(why, "no entry");
}

static void expect_refused(int err, const char *reason)
{
	struct ew_cache_entry e;
	char why[128];

	assert_int_equal(ew_cache_read(dir, key, &e, why, sizeof(why)), err);
	assert_non_null(strstr(why, reason));
	assert_int_equal(e.nprogs, 0);
	assert_null(e.btf);
}

static void cut_short_or_flipped(void **state)
{
	char path[4096];
	struct stat st;
	int fd;

	(void)state;
	rewrite();
	entry_file(path, sizeof(path));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size - 1), 0);
	expect_refused(-EBADMSG, "checksum");
	assert_int_equal(truncate(path, 10), 0);
	expect_refused(-EINVAL, "format");
	rewrite();
	fd = open(path, O_WRONLY);
	assert_true(pwrite(fd, "\x55", 1, st.st_size - 40) == 1);	/* in an instruction */
	close(fd);
	expect_refused(-EBADMSG, "checksum");
}

/* An entry of another format version (an older execwatch's). */
static void another_format(void **state)
{
	char path[4096];
	uint32_t format = 1;	/* the first format, before dependencies */
	int fd;

	(void)state;
	rewrite();
	entry_file(path, sizeof(path));
	fd = open(path, O_WRONLY);
	assert_true(pwrite(fd, &format, sizeof(format), 8) == sizeof(format));
	close(fd);
	expect_refused(-EINVAL, "not an entry of this format");
}

/* A library the compile loaded was replaced since (an upgrade under the
 * same version): the entry is stale. */
static void dependency_changed(void **state)
{
	struct ew_cache_entry e;
	struct timespec t[2] = { { 1000, 0 }, { 1000, 0 } };
	char lib[200], why[128];
	FILE *f;

	(void)state;
	snprintf(lib, sizeof(lib), "%s/libfake.so", dir);
	f = fopen(lib, "w");
	fputs("v1", f);
	fclose(f);
	sample(&e);
	ew_cache_add_loaded(&e);
	assert_true(e.ndeps > 0);	/* this test's own libraries */
	snprintf(e.deps[0].path, sizeof(e.deps[0].path), "%s", lib);
	e.deps[0].ino = 0;	/* made below from the file itself */
	{
		struct stat st;

		assert_int_equal(stat(lib, &st), 0);
		e.deps[0].ino = st.st_ino;
		e.deps[0].size = st.st_size;
		e.deps[0].mtime_sec = st.st_mtim.tv_sec;
		e.deps[0].mtime_nsec = st.st_mtim.tv_nsec;
	}
	assert_int_equal(ew_cache_write(dir, key, &e, why, sizeof(why)), 0);
	ew_cache_entry_free(&e);
	assert_int_equal(ew_cache_read(dir, key, &e, why, sizeof(why)), 0);
	ew_cache_entry_free(&e);
	assert_int_equal(utimensat(AT_FDCWD, lib, t, 0), 0);
	expect_refused(-ESTALE, "libfake.so changed since it was compiled");
	unlink(lib);
}

static void another_keys_entry(void **state)
{
	char path[4096], hex[2 * EW_CACHE_KEY_LEN + 1], moved[4200];
	uint8_t other[EW_CACHE_KEY_LEN] = { 7 };
	struct ew_cache_entry e;
	char why[128];

	(void)state;
	rewrite();
	entry_file(path, sizeof(path));
	ew_cache_key_hex(other, hex);
	snprintf(moved, sizeof(moved), "%s/%s.bpfc", dir, hex);
	assert_int_equal(rename(path, moved), 0);
	assert_int_equal(ew_cache_read(dir, other, &e, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "another key"));
	unlink(moved);
}

static void untrusted_files(void **state)
{
	char path[4096], other[4200];

	(void)state;
	rewrite();
	entry_file(path, sizeof(path));
	assert_int_equal(chmod(path, 0620), 0);
	expect_refused(-EPERM, "writable by group or others");
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(chown(path, 65534, 65534), 0);
	expect_refused(-EPERM, "not owned by root");
	assert_int_equal(chown(path, 0, 0), 0);
	snprintf(other, sizeof(other), "%s/second", dir);
	assert_int_equal(link(path, other), 0);
	expect_refused(-EPERM, "more than one link");
	unlink(other);
	/* A link where the entry should be, to a file that would pass. */
	snprintf(other, sizeof(other), "%s/real", dir);
	assert_int_equal(rename(path, other), 0);
	assert_int_equal(symlink(other, path), 0);
	expect_refused(-ELOOP, "symbolic link");
	unlink(path);
	unlink(other);
	assert_int_equal(mkfifo(path, 0600), 0);
	expect_refused(-EPERM, "not a regular file");	/* and it did not block */
	unlink(path);
}

static void map_reference_out_of_range(void **state)
{
	struct ew_cache_entry e;
	char why[128];

	(void)state;
	sample(&e);
	e.progs[0].insns[0].imm = 2;	/* there are two maps: 0 and 1 */
	assert_int_equal(ew_cache_write(dir, key, &e, why, sizeof(why)), 0);
	ew_cache_entry_free(&e);
	expect_refused(-EINVAL, "map reference");
}

/* The cache keeps the EW_CACHE_KEEP entries used last. */
static void pruned_to_those_used_last(void **state)
{
	struct ew_cache_entry e;
	uint8_t k[EW_CACHE_KEY_LEN];
	char why[128], hex[2 * EW_CACHE_KEY_LEN + 1], path[4200];
	struct timespec old[2] = { { 1000, 0 }, { 1000, 0 } };
	struct stat st;
	int i, n = 0;
	DIR *d;
	struct dirent *de;

	(void)state;
	d = opendir(dir);	/* from nothing: the other tests' entries go */
	while ((de = readdir(d)))
		if (strstr(de->d_name, ".bpfc"))
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
	sample(&e);
	memset(k, 0, sizeof(k));
	for (i = 0; i < EW_CACHE_KEEP; i++) {
		k[0] = 0x80 | i;
		assert_int_equal(ew_cache_write(dir, k, &e, why, sizeof(why)), 0);
		ew_cache_key_hex(k, hex);
		snprintf(path, sizeof(path), "%s/%s.bpfc", dir, hex);
		old[0].tv_sec = old[1].tv_sec = 1000 + i;
		assert_int_equal(utimensat(AT_FDCWD, path, old, 0), 0);
	}
	/* The oldest is used: it stays; the next oldest goes. */
	k[0] = 0x80;
	ew_cache_entry_free(&e);
	assert_int_equal(ew_cache_read(dir, k, &e, why, sizeof(why)), 0);
	assert_int_equal(ew_cache_write(dir, (uint8_t[EW_CACHE_KEY_LEN]){ 0x7f }, &e,
					why, sizeof(why)), 0);
	ew_cache_entry_free(&e);
	d = opendir(dir);
	while ((de = readdir(d)))
		n += strstr(de->d_name, ".bpfc") != NULL;
	closedir(d);
	assert_int_equal(n, EW_CACHE_KEEP);
	ew_cache_key_hex(k, hex);
	snprintf(path, sizeof(path), "%s/%s.bpfc", dir, hex);
	assert_int_equal(stat(path, &st), 0);
	k[0] = 0x81;
	ew_cache_key_hex(k, hex);
	snprintf(path, sizeof(path), "%s/%s.bpfc", dir, hex);
	assert_int_equal(stat(path, &st), -1);
}

static void key_frames_its_inputs(void **state)
{
	struct ew_cache_key a, b;

	(void)state;
	assert_int_equal(ew_cache_key_init(&a), 0);
	assert_int_equal(ew_cache_key_init(&b), 0);
	ew_cache_key_add_str(&a, "ab");
	ew_cache_key_add_str(&a, "c");
	ew_cache_key_add_str(&b, "a");
	ew_cache_key_add_str(&b, "bc");
	ew_cache_key_final(&a);
	ew_cache_key_final(&b);
	assert_memory_not_equal(a.key, b.key, EW_CACHE_KEY_LEN);
	assert_int_equal(ew_cache_key_init(&b), 0);
	ew_cache_key_add_str(&b, "ab");
	ew_cache_key_add_str(&b, "c");
	ew_cache_key_final(&b);
	assert_memory_equal(a.key, b.key, EW_CACHE_KEY_LEN);
}

static void directory_must_be_roots_alone(void **state)
{
	char why[128];

	(void)state;
	assert_int_equal(ew_cache_dir_sound(dir, why, sizeof(why)), 0);
	assert_int_equal(chmod(dir, 0730), 0);
	assert_int_equal(ew_cache_dir_sound(dir, why, sizeof(why)), -EPERM);
	assert_int_equal(chmod(dir, 0700), 0);
	assert_int_equal(ew_cache_dir_sound("/nonexistent-ew", why, sizeof(why)), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(no_entry_is_a_miss),
		cmocka_unit_test(cut_short_or_flipped),
		cmocka_unit_test(another_format),
		cmocka_unit_test(dependency_changed),
		cmocka_unit_test(another_keys_entry),
		cmocka_unit_test(untrusted_files),
		cmocka_unit_test(map_reference_out_of_range),
		cmocka_unit_test(pruned_to_those_used_last),
		cmocka_unit_test(key_frames_its_inputs),
		cmocka_unit_test(directory_must_be_roots_alone),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
