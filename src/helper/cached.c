// SPDX-License-Identifier: GPL-2.0
#include "cached.h"
#include "../helper_proto.h"
#include "compiled.h"
#include "diagnostics.h"
#include "reply.h"

#include <linux/types.h>
#include "../../probes/event.h"

#include <bcc/bcc_version.h>
#include <bpf/btf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static void key_add_file(struct ew_cache_key *k, const char *path)
{
	char buf[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
		ew_cache_key_add(k, buf, n);
	if (fd >= 0)
		close(fd);
}

/* Where a path leads, and when that changed: a headers package upgraded
 * in place is new headers. */
static void key_add_object(struct ew_cache_key *k, const char *path)
{
	struct ew_cache_dep id;

	ew_cache_identity(path, &id);
	ew_cache_key_add(k, &id, sizeof(id));
}

static void key_add_dir(struct ew_cache_key *k, const char *path)
{
	char real[PATH_MAX];

	key_add_object(k, realpath(path, real) ? real : path);
}

/* -DMACRO="path" for a pinned map: where a reload pins changes each time,
 * and changes nothing in the programs. */
static bool is_pin_flag(const struct ew_request *rq, const char *flag)
{
	int i;

	for (i = 0; i < rq->npins; i++) {
		size_t n = strlen(rq->pins[i].macro);

		if (!strncmp(flag, "-D", 2) && !strncmp(flag + 2, rq->pins[i].macro, n) &&
		    flag[2 + n] == '=')
			return true;
	}
	return false;
}


/* Everything that shapes what BCC makes of RQ on this kernel. The
 * helper's own binary counts by identity (a rebuilt helper is a new key);
 * the libraries the compile loaded (libbcc, clang, LLVM) are checked when
 * an entry is read (a package updated under the same version is a miss). */
int ew_cache_key_of(const struct ew_request *rq, const struct ew_attach_plan *plan,
		    const struct ew_kheaders *kh, uint8_t key[EW_CACHE_KEY_LEN])
{
	struct ew_cache_key k;
	struct utsname un;
	static const char *const config[] = { "include/generated/autoconf.h",
					      "include/generated/utsrelease.h",
					      "include/config/kernel.release" };
	char file[2 * PATH_MAX];
	uint32_t n;
	int i;

	if (ew_cache_key_init(&k))
		return -ENOMEM;
	uname(&un);
	ew_cache_key_add_str(&k, "execwatch " EXECWATCH_VERSION);
	ew_cache_key_add_str(&k, "libbcc " LIBBCC_VERSION);
	key_add_object(&k, "/proc/self/exe");
	ew_cache_key_add_str(&k, un.release);
	ew_cache_key_add_str(&k, un.version);
	ew_cache_key_add_str(&k, un.machine);
	key_add_file(&k, "/sys/kernel/btf/vmlinux");
	/* The headers: both halves BCC reads (Debian's build/ and source/),
	 * and the configuration they were made for, by content. */
	key_add_dir(&k, kh->path);
	key_add_dir(&k, kh->build);
	for (i = 0; i < 3; i++) {
		snprintf(file, sizeof(file), "%s/%s", kh->build, config[i]);
		key_add_file(&k, file);
	}
	ew_cache_key_add_str(&k, getenv("BCC_KERNEL_SOURCE"));
	ew_cache_key_add_str(&k, rq->source);
	ew_cache_key_add_str(&k, rq->name);
	/* Each list with its length: no item can pass for one of another. */
	n = rq->nheaders;
	ew_cache_key_add(&k, &n, sizeof(n));
	for (i = 0; i < rq->nheaders; i++) {
		ew_cache_key_add_str(&k, rq->header_name[i]);
		ew_cache_key_add_str(&k, rq->header_text[i]);
	}
	n = rq->ncflags - rq->off_n;
	ew_cache_key_add(&k, &n, sizeof(n));
	for (i = 0; i < rq->ncflags; i++) {
		if (i >= rq->off_first && i < rq->off_first + rq->off_n)
			continue;	/* the BTF and the btf: lines stand for them */
		ew_cache_key_add_str(&k, is_pin_flag(rq, rq->cflags[i]) ? "pin" : rq->cflags[i]);
	}
	n = rq->npins;
	ew_cache_key_add(&k, &n, sizeof(n));
	for (i = 0; i < rq->npins; i++) {	/* which maps are pinned, not where */
		ew_cache_key_add_str(&k, rq->pins[i].map);
		ew_cache_key_add_str(&k, rq->pins[i].macro);
	}
	ew_cache_key_add(&k, &plan->mech, sizeof(plan->mech));
	for (i = 0; i < EW_FNS; i++)
		ew_cache_key_add_str(&k, plan->fn[i]);
	ew_cache_key_final(&k);
	memcpy(key, k.key, EW_CACHE_KEY_LEN);
	return 0;
}

/*
 * TEXT as the preprocessor sees its directives: comments become a space,
 * backslash-newlines go, the digraph %: is #; string and character
 * literals are kept as they are. A new string, or NULL.
 */
static char *directives_text(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	char quote = 0;

	if (!out)
		return NULL;
	while (*s) {
		if (s[0] == '\\' && s[1] == '\n') {
			s += 2;
		} else if (quote) {
			if (*s == '\\' && s[1])
				*o++ = *s++;
			else if (*s == quote || *s == '\n')
				quote = 0;
			*o++ = *s++;
		} else if (*s == '"' || *s == '\'') {
			quote = *s;
			*o++ = *s++;
		} else if (s[0] == '/' && s[1] == '*') {
			const char *end = strstr(s + 2, "*/");

			s = end ? end + 2 : s + strlen(s);
			*o++ = ' ';
		} else if (s[0] == '/' && s[1] == '/') {
			s += strcspn(s, "\n");
		} else if (s[0] == '%' && s[1] == ':') {
			*o++ = '#';
			s += 2;
		} else {
			*o++ = *s++;
		}
	}
	*o = 0;
	return out;
}

static bool sent_header(const struct ew_request *rq, const char *name)
{
	int i;

	for (i = 0; i < rq->nheaders; i++)
		if (!strcmp(name, rq->header_name[i]))
			return true;
	return false;
}

/*
 * A header the probe reads from its own directory would change the
 * compile without changing the key: such a probe is not cached. Those
 * execwatch sends (event.h) are in the key, and <...> ones are the
 * system's (the kernel headers and libbcc count by identity). NAME gets
 * what was found; a computed include counts as one of the probe's own.
 */
static bool own_include(const struct ew_request *rq, char *name, size_t len)
{
	static const char *const verbs[] = { "include", "include_next", "import", "embed" };
	char *text = directives_text(rq->source), *line, *save = NULL;
	bool found = false;
	size_t i, n;

	if (!text || strstr(text, "__has_include")) {
		snprintf(name, len, "%s", text ? "__has_include" : "(out of memory)");
		free(text);
		return true;
	}
	for (line = strtok_r(text, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		line += strspn(line, " \t\f\v");
		if (*line++ != '#')
			continue;
		line += strspn(line, " \t\f\v");
		n = strspn(line, "abcdefghijklmnopqrstuvwxyz_");
		for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
			if (n == strlen(verbs[i]) && !strncmp(line, verbs[i], n))
				break;
		if (i == sizeof(verbs) / sizeof(verbs[0]))
			continue;
		line += n + strspn(line + n, " \t\f\v");
		if (*line == '<')
			continue;
		n = *line == '"' ? strcspn(line + 1, "\"") : 0;
		snprintf(name, len, "%.*s", n ? (int)n : (int)strcspn(line, " \t"),
			 n ? line + 1 : line);
		found = !n || !sent_header(rq, name);
	}
	free(text);
	return found;
}

/* Whether this request may use the cache; -v says why not. */
bool ew_cache_usable(const struct ew_request *rq)
{
	char why[128], name[128];

	if (!rq->cache_dir || rq->dry_run)
		return false;
	if (ew_cache_dir_sound(rq->cache_dir, why, sizeof(why))) {
		ew_say(EW_MSG_INFO, "cache: not used: %s", why);
		return false;
	}
	if (own_include(rq, name, sizeof(name))) {
		ew_say(EW_MSG_INFO, "cache: not used: the probe includes \"%s\" from its directory",
		       name);
		return false;
	}
	return true;
}

/* Loads and attaches from the cache: 0 on a hit, 1 to compile instead. */
int ew_cache_load(const struct ew_request *rq, const struct ew_attach_plan *plan,
		  const uint8_t key[EW_CACHE_KEY_LEN])
{
	struct ew_cache_entry e;
	int fds[EW_CACHE_MAX_MAPS], ret;
	char why[128], err[512];
	struct ew_program_set set = { .btf_fd = -1 };
	struct ew_capture cap;
	char *log = NULL, *line, *save = NULL;
	bool captured;
	struct ew_loaded ld;
	double t0 = ew_now_ms();
	uint32_t i;

	if (ew_cache_read(rq->cache_dir, key, &e, why, sizeof(why))) {
		ew_say(EW_MSG_INFO, "cache: miss (%s)", why);
		return 1;
	}
	if (ew_entry_make_maps(&e, fds, &set.btf_fd, rq->pins, rq->npins, why, sizeof(why))) {
		ew_say(EW_MSG_INFO, "cache: entry not used: %s; compiling", why);
		ew_cache_entry_free(&e);
		return 1;
	}
	for (i = 0; i < e.nmaps; i++)
		if (!strcmp(e.maps[i].name, EW_MAP_GEN) && ew_write_generation(fds[i], rq->gen))
			break;
	if (i < e.nmaps) {
		ew_say(EW_MSG_INFO, "cache: entry not used: cannot write the generation; compiling");
		ret = 1;
		goto out;
	}
	/* What the kernel says of a refused entry is for -v only (a compile
	 * follows): BCC's loader prints the verifier's log to stderr. */
	captured = !ew_capture_start(&cap);
	set.cached = &e;
	set.btf = e.btf ? btf__new(e.btf, e.btf_size) : NULL;
	ret = ew_load_and_attach(&set, plan, &ld,
				 err, sizeof(err), ew_say_info);
	log = captured ? ew_capture_end(&cap) : NULL;
	if (ret) {
		for (line = log ? strtok_r(log, "\n", &save) : NULL; line;
		     line = strtok_r(NULL, "\n", &save))
			ew_say(EW_MSG_INFO, "cache: verifier: %s", line);
		ew_say(EW_MSG_INFO, "cache: entry not used: %s; compiling", err);
		ret = 1;
	} else {
		if (e.diag)
			ew_send_str(ew_reply_sock, EW_MSG_DIAG, e.diag);
		/* What the helper warned of at the compile (a field the kernel's
		 * BTF lacks), unless this start resolved the offsets again. */
		for (line = e.warn && !rq->offsets ? strtok_r(e.warn, "\n", &save) : NULL; line;
		     line = strtok_r(NULL, "\n", &save))
			ew_say(EW_MSG_WARN, "%s", line);
		ew_say(EW_MSG_INFO, "cache: hit, load+attach: %.0f ms, %d programs attached",
		    ew_now_ms() - t0, ld.nlinks);
		ew_send_str(ew_reply_sock, EW_MSG_ATTACH,
			    plan->mech == EW_MECH_KPROBE ? "kprobe" : "tracepoint");
		ret = ew_reply_fds(NULL, &e, fds, &ld) ? 2 : 0;
	}
out:
	for (i = 0; i < e.nmaps; i++)
		close(fds[i]);
	if (set.btf_fd >= 0)
		close(set.btf_fd);
	btf__free((struct btf *)set.btf);
	free(log);
	ew_cache_entry_free(&e);
	return ret;
}

/* After a compile that loaded: keep what it made for the next start. */
void ew_cache_store(const struct ew_request *rq, const uint8_t key[EW_CACHE_KEY_LEN],
		  void *mod, const char *diag)
{
	struct ew_cache_entry e;
	char why[128], hex[2 * EW_CACHE_KEY_LEN + 1];

	if (ew_entry_from_module(mod, &e, rq->pins, rq->npins, why, sizeof(why))) {
		ew_say(EW_MSG_INFO, "cache: not stored: %s", why);
		return;
	}
	e.diag = diag && *diag ? strdup(diag) : NULL;
	e.warn = rq->btf_warnings ? strdup(rq->btf_warnings) : NULL;
	ew_cache_add_loaded(&e);	/* libbcc, clang, LLVM: loaded for the compile */
	if (ew_cache_write(rq->cache_dir, key, &e, why, sizeof(why))) {
		ew_say(EW_MSG_INFO, "cache: not stored: %s", why);
	} else {
		ew_cache_key_hex(key, hex);
		ew_say(EW_MSG_INFO, "cache: stored %s/%s.bpfc", rq->cache_dir, hex);
	}
	ew_cache_entry_free(&e);
}
