// SPDX-License-Identifier: GPL-2.0
/*
 * ew_container_parse on the cgroup names the probe sends, from fixtures of
 * real /proc/<pid>/cgroup lines; the lookup cache; ew_containers_running.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/types.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "containers.h"
#include "probes/event.h"

#define NAMES_BUF (EW_CGROUP_LEVELS * 1024)

static const char id_a[] =
	"eb0dbd4c1f24b4b2446a3019d050f415713dd4407b602ab3eb8d240c30c76f8d";
static const char id_b[] =
	"4943581fc885441f9bc26ad4e1d64a4692688f3c9fb4dbd83cbf31316f3690c1";

/*
 * Names are handed to the parser at the very end of a readable page, with
 * an inaccessible page after it: a read past the names area faults.
 */
static char *guard;
static size_t page;

static int guard_setup(void **state)
{
	page = sysconf(_SC_PAGESIZE);
	guard = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard == MAP_FAILED)
		return -1;
	return mprotect(guard + page, page, PROT_NONE);
}

static int guard_teardown(void **state)
{
	return munmap(guard, 2 * page);
}

static const char *at_page_end(const char *names, size_t len)
{
	char *p = guard + page - len;

	assert_true(len <= page);
	memcpy(p, names, len);
	return p;
}

/* "a", "b", ... joined from the root down, each with its NUL, as the probe sends. */
static size_t join(char *out, const char *const *names)
{
	size_t n = 0, l;

	for (; *names; names++) {
		l = strlen(*names) + 1;
		memcpy(out + n, *names, l);
		n += l;
	}
	return n;
}

/* NAMES as the probe sends them for a cgroup at their own depth, no level
 * of which a user can write. */
static struct ew_cgroup_path path(const char *names, size_t len)
{
	struct ew_cgroup_path p = { .names = names, .len = len, .known = true };
	size_t i;

	for (i = 0; i < len; i++)
		p.level += !names[i];
	return p;
}

/* system.slice/docker-<id_a>.scope, written into NAMES. */
static struct ew_cgroup_path system_docker(char *names, size_t size)
{
	size_t len = join(names, (const char *const[]){ "system.slice", NULL });

	len += snprintf(names + len, size - len, "docker-%s.scope", id_a) + 1;
	return path(names, len);
}

static enum ew_container_kind parse(const char *names, size_t len,
				    struct ew_container *c)
{
	struct ew_cgroup_path p = path(at_page_end(names, len), len);

	memset(c, 0x55, sizeof(*c));
	return ew_container_parse(&p, c);
}

/*
 * A /proc/<pid>/cgroup line ("hierarchy:controllers:/path") to the names
 * the probe sends: at most EW_CGROUP_LEVELS, from the root down, the root
 * (whose name is empty) excluded. *LEVEL is the path's depth.
 */
static size_t probe_names(const char *line, char *out, uint32_t *level)
{
	const char *path = strchr(line, ':');
	size_t n = 0, l;
	uint32_t depth = 0;
	char *copy, *tok, *save;

	assert_non_null(path);
	path = strchr(path + 1, ':');
	assert_non_null(path);
	path++;
	assert_int_equal(path[0], '/');
	copy = strdup(path);
	assert_non_null(copy);
	for (tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (++depth > EW_CGROUP_LEVELS)
			continue;
		l = strlen(tok) + 1;
		assert_true(n + l <= NAMES_BUF);
		memcpy(out + n, tok, l);
		n += l;
	}
	free(copy);
	*level = depth;
	return n;
}

struct fixture {
	char cgroup[2048];
	char id[128];
	char runtime[64];
	char kind[16];
	uint32_t user_level, user_uid;
};

static void read_fixture(const char *name, struct fixture *fx)
{
	char path[512], *line = NULL, uid[32];
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int seen = 0;

	memset(fx, 0, sizeof(*fx));
	snprintf(path, sizeof(path), "%s/cgroups/%s.txt", FIXTURES_DIR, name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = 0;
		if (!n || line[0] == '#')
			continue;
		if (!strncmp(line, "cgroup: ", 8)) {
			assert_true(strlen(line + 8) < sizeof(fx->cgroup));
			strcpy(fx->cgroup, line + 8);
			seen |= 1;
		} else if (!strncmp(line, "id: ", 4)) {
			assert_true(strlen(line + 4) < sizeof(fx->id));
			strcpy(fx->id, line + 4);
			seen |= 2;
		} else if (!strncmp(line, "runtime: ", 9)) {
			assert_true(strlen(line + 9) < sizeof(fx->runtime));
			strcpy(fx->runtime, line + 9);
			seen |= 4;
		} else if (!strncmp(line, "kind: ", 6)) {
			assert_true(strlen(line + 6) < sizeof(fx->kind));
			strcpy(fx->kind, line + 6);
		} else if (!strncmp(line, "user: ", 6)) {
			/* The first level a user can write, and its owner ("?": none known). */
			if (sscanf(line + 6, "%u %31s", &fx->user_level, uid) != 2)
				fail_msg("%s: bad user line '%s'", path, line);
			fx->user_uid = strcmp(uid, "?") ? strtoul(uid, NULL, 10) : EW_UID_UNKNOWN;
		} else {
			fail_msg("%s: unknown line '%s'", path, line);
		}
	}
	free(line);
	fclose(f);
	if (seen != 7)
		fail_msg("%s: needs cgroup:, id: and runtime: lines", path);
	if (!fx->kind[0])
		strcpy(fx->kind, strcmp(fx->id, "-") ? "system" : "host");
}

static const char *const kinds[] = {
	[EW_CT_HOST] = "host", [EW_CT_SYSTEM] = "system", [EW_CT_USER] = "user",
	[EW_CT_UNKNOWN] = "unknown",
};

static void check_result(const char *what, enum ew_container_kind kind,
			 const struct ew_container *c, const struct fixture *fx)
{
	if (kind != c->kind)
		fail_msg("%s: returned %d, labelled %d", what, kind, c->kind);
	if (strcmp(kinds[kind], fx->kind))
		fail_msg("%s: want a %s cgroup, got %s ('%s')", what, fx->kind,
			 kinds[kind], c->id);
	if (!strcmp(fx->id, "-")) {
		if (c->id[0] || c->runtime)
			fail_msg("%s: want no container, got '%s' (%s)", what,
				 c->id, c->runtime ? c->runtime : "NULL");
		return;
	}
	assert_string_equal(c->id, fx->id);
	assert_non_null(c->runtime);
	assert_string_equal(c->runtime, fx->runtime);
	if (kind == EW_CT_USER)
		assert_int_equal(c->owner_uid, fx->user_uid);
}

static void check_fixture(const char *name)
{
	static char names[NAMES_BUF];
	struct ew_container_cache *cache = ew_container_cache_new();
	const struct ew_container *cached;
	struct ew_cgroup_path p = { .known = true };
	struct ew_container c;
	struct fixture fx;

	assert_non_null(cache);
	read_fixture(name, &fx);
	p.len = probe_names(fx.cgroup, names, &p.level);
	p.names = at_page_end(names, p.len);
	p.user_level = fx.user_level;
	p.user_uid = fx.user_uid;
	memset(&c, 0x55, sizeof(c));
	check_result(name, ew_container_parse(&p, &c), &c, &fx);
	/* Through the cache: a miss, then a hit, both right. */
	cached = ew_container_lookup(cache, 4242, &p);
	check_result(name, cached->kind, cached, &fx);
	cached = ew_container_lookup(cache, 4242, &p);
	check_result(name, cached->kind, cached, &fx);
	ew_container_cache_free(cache);
}

static void test_fixtures_containers(void **state)
{
	check_fixture("docker-systemd");
	check_fixture("docker-cgroupfs");
	check_fixture("docker-v1");
	check_fixture("docker-in-docker");
	check_fixture("podman-cgroupfs");
	check_fixture("podman-machine");
	check_fixture("podman-nested");
	check_fixture("containerd-kubepods");
	check_fixture("containerd-systemd-path");
	check_fixture("crio");
	check_fixture("kubernetes-cgroupfs-besteffort");
	check_fixture("kubernetes-cgroupfs-guaranteed");
	check_fixture("kubernetes-userns");
}

static void test_fixtures_not_containers(void **state)
{
	check_fixture("podman-conmon");
	check_fixture("crio-conmon");
	check_fixture("host-session");
	check_fixture("host-service");
	check_fixture("host-root");
	check_fixture("short-id");
	check_fixture("short-id-cgroupfs");
	check_fixture("uppercase-id");
	check_fixture("uppercase-id-cgroupfs");
	check_fixture("scope-extra");
	check_fixture("bare-hex");
	check_fixture("bare-hex-machine");
}

/* Names a user chose: never a system container's label. */
static void test_fixtures_user_named(void **state)
{
	check_fixture("podman-rootless");
	check_fixture("forged-docker-user");
	check_fixture("forged-docker-open-dir");
	check_fixture("forged-system-slice-delegated");
	check_fixture("forged-top-level-scope");
}

/* A container's process that moves below its cgroup keeps its label; a
 * chain too deep to read is unknown, never the host. */
static void test_fixtures_depth(void **state)
{
	check_fixture("hidden-deep");
	check_fixture("hidden-conmon-child");
	check_fixture("hidden-very-deep");
	check_fixture("deep-root-owned");
	check_fixture("deep-in-user-subtree");
	check_fixture("user-below-container");
}

/* The fixture reader itself: root first, levels capped, root left out, v1 lines. */
static void test_probe_names(void **state)
{
	static const char want[] = "a\0b\0c\0d\0e";
	char names[NAMES_BUF], line[256];
	uint32_t level;
	size_t n;
	int i;

	assert_int_equal(probe_names("0::/a/b/c/d/e", names, &level), sizeof(want));
	assert_memory_equal(names, want, sizeof(want));
	assert_int_equal(level, 5);
	assert_int_equal(probe_names("0::/", names, &level), 0);
	assert_int_equal(level, 0);
	assert_int_equal(probe_names("3:cpu,cpuacct:/x", names, &level), 2);
	assert_memory_equal(names, "x", 2);
	assert_int_equal(probe_names("0::/a:b:c", names, &level), 6);
	assert_memory_equal(names, "a:b:c", 6);
	n = snprintf(line, sizeof(line), "0::");
	for (i = 0; i < 20; i++)
		n += snprintf(line + n, sizeof(line) - n, "/%c", 'a' + i);
	assert_int_equal(probe_names(line, names, &level), 2 * EW_CGROUP_LEVELS);
	assert_int_equal(level, 20);
	assert_memory_equal(names + 2 * EW_CGROUP_LEVELS - 2, "p", 2);
}

static void test_root(void **state)
{
	struct ew_container c;

	assert_int_equal(parse("", 0, &c), EW_CT_HOST);
	assert_string_equal(c.id, "");
	assert_null(c.runtime);
	/* One empty name: not a name; what was meant is not known. */
	assert_int_equal(parse("", 1, &c), EW_CT_UNKNOWN);
	assert_string_equal(c.id, "");
	assert_null(c.runtime);
}

/* A probe that read no cgroup at all: not known, never the host. */
static void test_not_read(void **state)
{
	struct ew_cgroup_path p = { .names = "", .known = false };
	struct ew_container c;

	memset(&c, 0x55, sizeof(c));
	assert_int_equal(ew_container_parse(&p, &c), EW_CT_UNKNOWN);
	assert_string_equal(c.id, "");
	assert_null(c.runtime);
}

/* Fewer names than the depth says (a read failed): unknown. */
static void test_names_missing(void **state)
{
	static const char names[] = "system.slice";
	struct ew_cgroup_path p = { .names = names, .len = sizeof(names), .level = 2, .known = true };
	struct ew_container c;

	assert_int_equal(ew_container_parse(&p, &c), EW_CT_UNKNOWN);
	p.level = 1;
	assert_int_equal(ew_container_parse(&p, &c), EW_CT_HOST);
	/* The levels read are inside a user's subtree: the rest is theirs. */
	p.level = 9;
	p.user_level = 1;
	p.user_uid = 1000;
	assert_int_equal(ew_container_parse(&p, &c), EW_CT_HOST);
}

/* The user's level itself was named by root; those below it by the user. */
static void test_user_level_boundary(void **state)
{
	char names[NAMES_BUF];
	struct ew_cgroup_path p;
	struct ew_container c;

	p = system_docker(names, sizeof(names));
	p.user_level = 2;
	p.user_uid = 1234;
	assert_int_equal(ew_container_parse(&p, &c), EW_CT_SYSTEM);
	assert_string_equal(c.id, id_a);
	p.user_level = 1;
	assert_int_equal(ew_container_parse(&p, &c), EW_CT_USER);
	assert_string_equal(c.id, id_a);
	assert_string_equal(c.runtime, "docker");
	assert_int_equal(c.owner_uid, 1234);
}

/* The root cgroup itself open to users: every name is a user's. */
static void test_root_open(void **state)
{
	char names[NAMES_BUF];
	struct ew_cgroup_path p;
	struct ew_container c;

	p = system_docker(names, sizeof(names));
	p.root_open = true;
	p.user_uid = 4321;
	assert_int_equal(ew_container_parse(&p, &c), EW_CT_USER);
	assert_int_equal(c.owner_uid, 4321);
	/* Cut deep, all of it a user's: the host, never unknown. */
	p = path(names, strlen("system.slice") + 1);
	p.level = 40;
	p.root_open = true;
	assert_int_equal(ew_container_parse(&p, &c), EW_CT_HOST);
}

/* A name the probe could not read is empty: what it would have said is
 * not known, and the levels after it do not move up. */
static void test_unread_level(void **state)
{
	char names[NAMES_BUF];
	struct ew_cgroup_path p;
	struct ew_container c;
	size_t len;

	len = join(names, (const char *const[]){ "system.slice", NULL });
	names[len++] = 0;
	len += snprintf(names + len, sizeof(names) - len, "docker-%s.scope", id_a) + 1;
	p = path(names, len);
	assert_int_equal(p.level, 3);
	assert_int_equal(ew_container_parse(&p, &c), EW_CT_UNKNOWN);
}

/* Only LEN bytes count, whatever follows them in memory. */
static void test_len_bounds(void **state)
{
	char names[NAMES_BUF];
	struct ew_cgroup_path p;
	struct ew_container c;
	size_t len = join(names, (const char *const[]){ "system.slice", NULL });
	size_t first = len;

	/* A docker level just after the area is not looked at. */
	len += snprintf(names + len, sizeof(names) - len, "docker-%s.scope", id_a) + 1;
	p = path(names, first);
	assert_int_equal(ew_container_parse(&p, &c), EW_CT_HOST);
	assert_string_equal(c.id, "");
	p = path(names, len);
	assert_int_equal(ew_container_parse(&p, &c), EW_CT_SYSTEM);
	assert_string_equal(c.id, id_a);
	assert_string_equal(c.runtime, "docker");
}

/* The last name lost its NUL: nothing is read past the area. */
static void test_truncated_leaf(void **state)
{
	char names[NAMES_BUF];
	struct ew_container c;
	size_t len, at;

	at = join(names, (const char *const[]){ "system.slice", NULL });
	len = at + snprintf(names + at, sizeof(names) - at, "docker-%s.scope", id_a);
	assert_int_not_equal(parse(names, len, &c), EW_CT_SYSTEM);
	assert_string_equal(c.id, "");
	len = at + snprintf(names + at, sizeof(names) - at, "docker-%s.sc", id_a);
	assert_int_not_equal(parse(names, len, &c), EW_CT_SYSTEM);
	at = join(names, (const char *const[]){ "docker", NULL });
	len = at + snprintf(names + at, sizeof(names) - at, "%s", id_a);
	assert_int_not_equal(parse(names, len, &c), EW_CT_SYSTEM);
	/* Every prefix of a real name, without its NUL. */
	at = join(names, (const char *const[]){ "machine.slice", NULL });
	len = at + snprintf(names + at, sizeof(names) - at, "libpod-%s.scope", id_b);
	do {
		assert_int_not_equal(parse(names, len, &c), EW_CT_SYSTEM);
		assert_string_equal(c.id, "");
	} while (len-- > at);
}

/* A cut name below a recognised container does not matter. */
static void test_truncated_below(void **state)
{
	char names[NAMES_BUF];
	struct ew_container c;
	size_t len;

	len = join(names, (const char *const[]){ "machine.slice", NULL });
	len += snprintf(names + len, sizeof(names) - len, "libpod-%s.scope", id_b) + 1;
	memcpy(names + len, "contai", 6);
	len += 6;
	assert_int_equal(parse(names, len, &c), EW_CT_SYSTEM);
	assert_string_equal(c.id, id_b);
	assert_string_equal(c.runtime, "podman");
}

/* A monitor, and names that only look alike. */
static void test_lookalikes(void **state)
{
	char names[NAMES_BUF];
	struct ew_container c;
	size_t len;

	/* A process under conmon's scope, in a child cgroup. */
	len = join(names, (const char *const[]){ "machine.slice", NULL });
	len += snprintf(names + len, sizeof(names) - len,
			"libpod-conmon-%s.scope", id_b) + 1;
	len += join(names + len, (const char *const[]){ "supervisor", NULL });
	assert_int_equal(parse(names, len, &c), EW_CT_HOST);
	assert_string_equal(c.id, "");
	/* The prefix is the runtime's, whole. */
	len = join(names, (const char *const[]){ "system.slice", NULL });
	snprintf(names + len, sizeof(names) - len, "xdocker-%s.scope", id_a);
	assert_int_equal(parse(names, len + strlen(names + len) + 1, &c), EW_CT_HOST);
	snprintf(names + len, sizeof(names) - len, "docker-%s0.scope", id_a);
	assert_int_equal(parse(names, len + strlen(names + len) + 1, &c), EW_CT_HOST);
	len = join(names, (const char *const[]){ "libpod_parent", NULL });
	snprintf(names + len, sizeof(names) - len, "libpod-%s0", id_b);
	assert_int_equal(parse(names, len + strlen(names + len) + 1, &c), EW_CT_HOST);
	/* CRI-O without .scope (cgroupfs driver) is still CRI-O. */
	len = join(names, (const char *const[]){ "kubepods", "besteffort", "pod1", NULL });
	len += snprintf(names + len, sizeof(names) - len, "crio-%s", id_a) + 1;
	assert_int_equal(parse(names, len, &c), EW_CT_SYSTEM);
	assert_string_equal(c.id, id_a);
	assert_string_equal(c.runtime, "cri-o");
	/* A 64-hex level under a "docker" that is not its parent. */
	len = join(names, (const char *const[]){ "docker", "x", NULL });
	len += snprintf(names + len, sizeof(names) - len, "%s", id_a) + 1;
	assert_int_equal(parse(names, len, &c), EW_CT_HOST);
	assert_string_equal(c.id, "");
	/* A runtime's name at the top, under no runtime's parent. */
	len = snprintf(names, sizeof(names), "docker-%s.scope", id_a) + 1;
	assert_int_equal(parse(names, len, &c), EW_CT_HOST);
	len = join(names, (const char *const[]){ "init.scope", NULL });
	len += snprintf(names + len, sizeof(names) - len, "libpod-%s", id_b) + 1;
	assert_int_equal(parse(names, len, &c), EW_CT_HOST);
}

/* The systemd-style names of the other runtimes. */
static void test_systemd_path_runtimes(void **state)
{
	char names[NAMES_BUF];
	struct ew_container c;
	size_t len;

	len = snprintf(names, sizeof(names),
		       "kubepods-pod1_2.slice:crio:%s", id_a) + 1;
	assert_int_equal(parse(names, len, &c), EW_CT_SYSTEM);
	assert_string_equal(c.id, id_a);
	assert_string_equal(c.runtime, "cri-o");
	len = snprintf(names, sizeof(names), "system.slice:docker:%s", id_b) + 1;
	assert_int_equal(parse(names, len, &c), EW_CT_SYSTEM);
	assert_string_equal(c.id, id_b);
	assert_string_equal(c.runtime, "docker");
	/* The id is the whole tail. */
	len = snprintf(names, sizeof(names), "system.slice:docker:%s.scope",
		       id_b) + 1;
	assert_int_equal(parse(names, len, &c), EW_CT_HOST);
}

/* Docker names its scope after the id: a result holds all 64 digits. */
static void test_id_terminated(void **state)
{
	char names[NAMES_BUF];
	struct ew_container c;
	size_t len;

	len = join(names, (const char *const[]){ "system.slice", NULL });
	len += snprintf(names + len, sizeof(names) - len, "docker-%s.scope", id_a) + 1;
	memset(&c, 'z', sizeof(c));
	assert_int_equal(parse(names, len, &c), EW_CT_SYSTEM);
	assert_int_equal(strlen(c.id), EW_CONTAINER_ID_LEN);
	assert_string_equal(c.id, id_a);
}

static size_t docker_names(char *out, size_t n)
{
	char id[EW_CONTAINER_ID_LEN + 1];

	snprintf(id, sizeof(id), "%064zx", n);
	return snprintf(out, NAMES_BUF, "system.slice%cdocker-%s.scope", 0,
			id) + 1;
}

static void expect_lookup(struct ew_container_cache *cache, uint64_t cg,
			  const char *names, size_t len, const char *id,
			  const char *runtime)
{
	struct ew_cgroup_path p = path(names, len);
	const struct ew_container *c = ew_container_lookup(cache, cg, &p);

	assert_non_null(c);
	assert_string_equal(c->id, id);
	if (runtime) {
		assert_non_null(c->runtime);
		assert_string_equal(c->runtime, runtime);
	} else {
		assert_null(c->runtime);
	}
}

static void test_cache_same(void **state)
{
	struct ew_container_cache *cache = ew_container_cache_new();
	char names[NAMES_BUF];
	size_t len;
	int i;

	assert_non_null(cache);
	len = snprintf(names, sizeof(names), "machine.slice%clibpod-%s.scope",
		       0, id_b) + 1;
	for (i = 0; i < 3; i++)
		expect_lookup(cache, 77, names, len, id_b, "podman");
	/* The caller's buffer can change after the call. */
	memset(names, 0, sizeof(names));
	len = snprintf(names, sizeof(names), "machine.slice%clibpod-%s.scope",
		       0, id_b) + 1;
	expect_lookup(cache, 77, names, len, id_b, "podman");
	expect_lookup(cache, 78, "", 0, "", NULL);
	expect_lookup(cache, 78, "", 0, "", NULL);
	ew_container_cache_free(cache);
}

/* On a v1-only host every task has the same v2 cgroup id: only the names
 * tell the cgroups apart. */
static void test_cache_same_id_other_names(void **state)
{
	struct ew_container_cache *cache = ew_container_cache_new();
	char docker[NAMES_BUF], podman[NAMES_BUF];
	static const char host[] = "system.slice\0ssh.service";
	size_t dl, pl;

	assert_non_null(cache);
	dl = snprintf(docker, sizeof(docker), "docker%c%s", 0, id_a) + 1;
	pl = snprintf(podman, sizeof(podman), "libpod_parent%clibpod-%s", 0, id_b) + 1;
	expect_lookup(cache, 1, docker, dl, id_a, "docker");
	expect_lookup(cache, 1, host, sizeof(host), "", NULL);
	expect_lookup(cache, 1, docker, dl, id_a, "docker");
	expect_lookup(cache, 1, podman, pl, id_b, "podman");
	expect_lookup(cache, 1, host, sizeof(host), "", NULL);
	expect_lookup(cache, 1, podman, pl, id_b, "podman");
	/* A prefix of cached names is other names. */
	expect_lookup(cache, 1, docker, 7, "", NULL);
	expect_lookup(cache, 1, docker, dl, id_a, "docker");
	ew_container_cache_free(cache);
}

/* The same names, another owner: another answer, never the cached one. */
static void test_cache_owner(void **state)
{
	struct ew_container_cache *cache = ew_container_cache_new();
	char names[NAMES_BUF];
	const struct ew_container *c;
	struct ew_cgroup_path p;
	int i;

	assert_non_null(cache);
	p = path(names, snprintf(names, sizeof(names), "docker%c%s", 0, id_a) + 1);
	for (i = 0; i < 2; i++) {
		p.user_level = 0;
		c = ew_container_lookup(cache, 5, &p);
		assert_int_equal(c->kind, EW_CT_SYSTEM);
		p.user_level = 1;
		p.user_uid = 1000;
		c = ew_container_lookup(cache, 5, &p);
		assert_int_equal(c->kind, EW_CT_USER);
		assert_int_equal(c->owner_uid, 1000);
		p.user_uid = 1001;
		c = ew_container_lookup(cache, 5, &p);
		assert_int_equal(c->owner_uid, 1001);
		p.known = false;
		assert_int_equal(ew_container_lookup(cache, 5, &p)->kind, EW_CT_UNKNOWN);
		p.known = true;
	}
	ew_container_cache_free(cache);
}

static void test_cache_many(void **state)
{
	struct ew_container_cache *cache = ew_container_cache_new();
	char names[NAMES_BUF], id[EW_CONTAINER_ID_LEN + 1];
	size_t i, len;
	int pass;

	assert_non_null(cache);
	for (pass = 0; pass < 3; pass++) {
		for (i = 0; i < 1000; i++) {
			/* Second pass backwards, third in a stride. */
			size_t n = pass == 1 ? 999 - i : pass == 2 ? (i * 7) % 1000 : i;

			len = docker_names(names, n);
			snprintf(id, sizeof(id), "%064zx", n);
			expect_lookup(cache, 1000 + n, names, len, id, "docker");
			/* Host cgroups in between. */
			len = snprintf(names, sizeof(names), "session-%zu.scope", n) + 1;
			expect_lookup(cache, 5000 + n, names, len, "", NULL);
		}
	}
	/* The same, all with cgroup id 1. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < 600; i++) {
			size_t n = pass ? 599 - i : i;

			len = docker_names(names, n);
			snprintf(id, sizeof(id), "%064zx", n);
			expect_lookup(cache, 1, names, len, id, "docker");
		}
	}
	ew_container_cache_free(cache);
}

/* More names than a slot keeps: still the right answer, every time. */
static void test_cache_long_names(void **state)
{
	struct ew_container_cache *cache = ew_container_cache_new();
	char names[NAMES_BUF], host[NAMES_BUF];
	size_t len, hl = 0;
	int i;

	assert_non_null(cache);
	len = snprintf(names, sizeof(names), "kubepods%ccrio-%s.scope", 0, id_a) + 1;
	for (i = 0; i < 3; i++) {
		memset(names + len, 'a', 300);
		names[len + 299] = 0;
		len += 300;
		memset(host + hl, 'b', 300);
		host[hl + 299] = 0;
		hl += 300;
	}
	assert_true(len > 512);
	for (i = 0; i < 3; i++) {
		expect_lookup(cache, 9, names, len, id_a, "cri-o");
		expect_lookup(cache, 9, host, hl, "", NULL);
	}
	ew_container_cache_free(cache);
}

/*
 * A process in a new PID namespace makes ew_containers_running true.
 * (False cannot be asserted: this machine may run containers of its own.)
 */
static void test_containers_running(void **state)
{
	int ready[2], hold[2], status;
	pid_t pid;
	char c;

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(hold), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		pid_t inner;

		close(ready[0]);
		close(hold[1]);
		if (unshare(CLONE_NEWPID))
			_exit(errno == EPERM || errno == EINVAL ? 77 : 1);
		inner = fork();
		if (inner < 0)
			_exit(1);
		if (!inner) {
			/* Pid 1 of the new namespace: wait for the test. */
			if (write(ready[1], "r", 1) != 1)
				_exit(1);
			if (read(hold[0], &c, 1) < 0)
				_exit(1);
			_exit(0);
		}
		close(ready[1]);
		close(hold[0]);
		if (waitpid(inner, &status, 0) != inner)
			_exit(1);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
	}
	close(ready[1]);
	close(hold[0]);
	if (read(ready[0], &c, 1) == 1) {
		bool running = ew_containers_running();

		close(hold[1]);
		close(ready[0]);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
		assert_true(running);
		return;
	}
	close(hold[1]);
	close(ready[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();	/* no permission to make a PID namespace */
	fail_msg("the child in a new PID namespace failed: %d",
		 WEXITSTATUS(status));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_names),
		cmocka_unit_test(test_fixtures_containers),
		cmocka_unit_test(test_fixtures_not_containers),
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_len_bounds),
		cmocka_unit_test(test_truncated_leaf),
		cmocka_unit_test(test_truncated_below),
		cmocka_unit_test(test_not_read),
		cmocka_unit_test(test_root_open),
		cmocka_unit_test(test_unread_level),
		cmocka_unit_test(test_names_missing),
		cmocka_unit_test(test_user_level_boundary),
		cmocka_unit_test(test_fixtures_user_named),
		cmocka_unit_test(test_fixtures_depth),
		cmocka_unit_test(test_lookalikes),
		cmocka_unit_test(test_systemd_path_runtimes),
		cmocka_unit_test(test_id_terminated),
		cmocka_unit_test(test_cache_same),
		cmocka_unit_test(test_cache_same_id_other_names),
		cmocka_unit_test(test_cache_owner),
		cmocka_unit_test(test_cache_many),
		cmocka_unit_test(test_cache_long_names),
		cmocka_unit_test(test_containers_running),
	};

	return cmocka_run_group_tests(tests, guard_setup, guard_teardown);
}
