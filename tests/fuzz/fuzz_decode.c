// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: everything that turns bytes from the kernel (or from
 * files the helper reads) into text for a person or a program.
 *
 * Input: 2 option bytes, then a raw perf sample as probes/event.h lays it
 * out. A sample that decodes goes the tracer's whole way (container label,
 * alert, filters, table row, JSON line, joined arguments) and the output
 * is checked against what the headers promise. The same bytes also feed
 * ew_container_parse (as cgroup names), ew_map_format (split into keys and
 * values), ew_mark_lines (as probe source) and ew_syscall_fnname (as a
 * kallsyms file). Any broken promise calls abort(). With EW_FUZZ_PRINT set
 * in the environment, each table row and JSON line goes to stderr.
 *
 * Option byte 0: bit 0 JSON format, 1 -C, 2 colour, 3 -q, 4 --alert
 * interactive, 5 -T, 6 -U, 7 max_arg_len is 1 + (byte 1 & 15) instead of
 * the table below. Byte 1: high nibble picks max_args, low nibble
 * max_arg_len, from tables of boundary values in 1..1024 and 1..32768.
 */
#include <errno.h>
#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/types.h>

#include "../../probes/event.h"
#include "alerts.h"
#include "buf.h"
#include "containers.h"
#include "escape.h"
#include "events.h"
#include "filters.h"
#include "map_dump.h"
#include "options.h"
#include "output.h"
#include "helper/kallsyms.h"
#include "helper/line_marks.h"
#include "json_check.h"

#define CHECK(cond, ...)                                                     \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "fuzz_decode: %s:%d: invariant failed: %s: ", \
				__FILE__, __LINE__, #cond);                  \
			fprintf(stderr, __VA_ARGS__);                        \
			fputc('\n', stderr);                                 \
			abort();                                             \
		}                                                            \
	} while (0)

/* What escape.h says never reaches a terminal raw: C1 controls, bidi
 * marks, overrides and isolates, line and paragraph separators, BOM, and
 * characters that show nothing (zero-width ones, soft hyphen, word
 * joiner, invisible operators, tags). */
static bool display_changing(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0xad ||
	       (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x2069) || cp == 0x2028 ||
	       cp == 0x2029 || cp == 0xfeff || cp == 0x180e ||
	       (cp >= 0xe0000 && cp <= 0xe007f);
}

/*
 * Text meant for a terminal: no control byte but '\n' (when allowed), no
 * DEL, well-formed UTF-8 and nothing that changes how a line displays.
 */
static void check_terminal_text(const char *what, const char *s, size_t len,
				bool newlines_ok)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		CHECK(p[i] != 0x1b, "%s: raw ESC at byte %zu of %zu", what, i, len);
		CHECK(p[i] >= 0x20 || (newlines_ok && p[i] == '\n'),
		      "%s: control byte 0x%02x at byte %zu of %zu", what, p[i], i, len);
		CHECK(p[i] != 0x7f, "%s: DEL at byte %zu of %zu", what, i, len);
		n = ew_json_utf8_seq(p + i, len - i, &cp);
		CHECK(n, "%s: invalid UTF-8 (0x%02x) at byte %zu of %zu", what, p[i], i, len);
		CHECK(!display_changing(cp), "%s: U+%04X at byte %zu of %zu", what,
		      (unsigned)cp, i, len);
		i += n;
	}
}

/* One JSON Lines record: a single value, then exactly one '\n'. */
static void check_json_line(const char *what, const char *s, size_t len)
{
	struct ew_json j = { (const unsigned char *)s, (const unsigned char *)s + len };

	CHECK(len && s[len - 1] == '\n', "%s: does not end with a newline", what);
	CHECK(!memchr(s, '\n', len - 1), "%s: newline inside the record", what);
	j.end--;
	CHECK(ew_json_value(&j), "%s: not JSON (at byte %zu of %zu): %.*s", what,
	      (size_t)(j.p - (const unsigned char *)s), len, (int)len, s);
	CHECK(j.p == j.end, "%s: trailing bytes after the JSON value at %zu", what,
	      (size_t)(j.p - (const unsigned char *)s));
}

/* ------------------------------------------------------------------ */
/* The exec's JSON line: valid, no duplicate key, and every string field
 * that carries untrusted bytes (comm, filename, argv, interpreter) reads
 * as those bytes with each stray byte shown as U+FFFD, with FIELD_b64
 * holding the exact bytes exactly when they are not UTF-8.              */

#define MAX_KEYS 64

/* A string field, or an array of them, as parsed from the line. */
struct jfield {
	bool seen, is_null;
	uint32_t n;
	struct ew_buf *v;
};

static void jfield_free(struct jfield *f)
{
	uint32_t i;

	for (i = 0; i < f->n; i++)
		ew_buf_free(&f->v[i]);
	free(f->v);
	memset(f, 0, sizeof(*f));
}

static void jfield_add(struct jfield *f, struct ew_json *j, const char *key)
{
	f->v = realloc(f->v, (f->n + 1) * sizeof(*f->v));
	CHECK(f->v, "out of memory");
	memset(&f->v[f->n], 0, sizeof(*f->v));
	CHECK(ew_json_string(j, &f->v[f->n]), "exec JSON: %s: not a string", key);
	f->n++;
}

static void read_field(struct jfield *f, struct ew_json *j, const char *key,
		       bool array)
{
	CHECK(!f->seen, "exec JSON: %s twice", key);
	f->seen = true;
	if (array && j->end - j->p >= 4 && !memcmp(j->p, "null", 4)) {
		j->p += 4;
		f->is_null = true;
		return;
	}
	if (!array) {
		jfield_add(f, j, key);
		return;
	}
	CHECK(*j->p++ == '[', "exec JSON: %s is not an array", key);
	for (ew_json_ws(j); *j->p != ']'; ew_json_ws(j)) {
		if (f->n) {
			CHECK(*j->p++ == ',', "exec JSON: %s: no ','", key);
			ew_json_ws(j);
		}
		jfield_add(f, j, key);
	}
	j->p++;
}

/* BYTES as a strict reader shows them: each byte of an ill-formed
 * sequence becomes U+FFFD. */
static void replaced(struct ew_buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		n = ew_json_utf8_seq(p + i, len - i, &cp);
		if (n) {
			ew_buf_put(out, p + i, n);
			i += n;
		} else {
			ew_json_put_utf8(out, 0xfffd);
			i++;
		}
	}
}

static bool utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;

	for (; i < len; i += n)
		if (!(n = ew_json_utf8_seq(p + i, len - i, &cp)))
			return false;
	return true;
}

/* Entry I of FIELD (and of its companion B64) against the bytes S. */
static void expect_entry(const char *key, const struct jfield *f,
			 const struct jfield *b64, uint32_t i, const char *s,
			 size_t len)
{
	struct ew_buf want = { 0 }, raw = { 0 };
	const struct ew_buf *got = &f->v[i];

	replaced(&want, s, len);
	CHECK(got->len == want.len && !memcmp(got->p ? got->p : "", want.p ? want.p : "", want.len),
	      "JSON %s[%u] does not read as its bytes (%zu vs %zu bytes)", key, i,
	      got->len, want.len);
	if (b64->seen) {
		CHECK(b64->n == f->n, "%s_b64 has %u entries, %s %u", key, b64->n, key, f->n);
		CHECK(ew_json_base64(b64->v[i].p ? b64->v[i].p : "", b64->v[i].len, &raw),
		      "%s_b64[%u] is not base64", key, i);
		CHECK(raw.len == len && !memcmp(raw.p ? raw.p : "", s, len),
		      "%s_b64[%u] does not decode to the exact bytes", key, i);
	}
	ew_buf_free(&want);
	ew_buf_free(&raw);
}

/* FIELD holds the N strings STRS; its companion exactly when one is not
 * UTF-8. N is -1 for a field that must be null. */
static void expect_field(const char *key, const struct jfield *f,
			 const struct jfield *b64, const char *const *strs,
			 const uint32_t *lens, int n)
{
	bool all_utf8 = true;
	int i;

	CHECK(f->seen, "exec JSON: no %s", key);
	if (n < 0) {
		CHECK(f->is_null && !b64->seen, "exec JSON: %s is not null", key);
		return;
	}
	CHECK(!f->is_null && f->n == (uint32_t)n, "exec JSON: %s has %u entries, not %d",
	      key, f->n, n);
	for (i = 0; i < n; i++)
		all_utf8 = all_utf8 && utf8(strs[i], lens[i]);
	CHECK(b64->seen == !all_utf8, "exec JSON: %s_b64 %s", key,
	      all_utf8 ? "present for UTF-8 bytes" : "missing for bytes that are not UTF-8");
	for (i = 0; i < n; i++)
		expect_entry(key, f, b64, i, strs[i], lens[i]);
}

enum { F_COMM, F_FILENAME, F_ARGV, F_INTERP, F_N };
static const char *const field_keys[F_N] = { "comm", "filename", "argv", "interpreter" };

static void check_exec_strings(struct jfield (*f)[2], const struct ew_exec *x)
{
	const char *strs[1024 + 1];
	uint32_t lens[1024 + 1], i, n;

	strs[0] = x->comm, lens[0] = strlen(x->comm);
	expect_field("comm", &f[F_COMM][0], &f[F_COMM][1], strs, lens, 1);
	strs[0] = x->filename, lens[0] = x->filename_len;
	expect_field("filename", &f[F_FILENAME][0], &f[F_FILENAME][1], strs, lens, 1);
	CHECK(x->nargs <= 1024, "nargs %u", x->nargs);
	for (i = 0; i < x->nargs; i++)
		strs[i] = x->args[i].s, lens[i] = x->args[i].len;
	expect_field("argv", &f[F_ARGV][0], &f[F_ARGV][1], strs, lens, x->nargs);
	/* A script shows the head of argv; a binary started through a #!
	 * line the caller did not name shows the program. */
	if (x->script_at) {
		n = x->script_at;
	} else if (x->interp) {
		strs[0] = x->interp, lens[0] = x->interp_len;
		n = 1;
	} else {
		expect_field("interpreter", &f[F_INTERP][0], &f[F_INTERP][1], NULL, NULL, -1);
		return;
	}
	expect_field("interpreter", &f[F_INTERP][0], &f[F_INTERP][1], strs, lens, n);
}

static void check_exec_json(const struct ew_buf *b, const struct ew_exec *x)
{
	struct ew_json j = { (const unsigned char *)b->p, (const unsigned char *)b->p + b->len };
	struct jfield f[F_N][2] = { 0 };
	struct ew_buf key = { 0 };
	char keys[MAX_KEYS][32];
	int nkeys = 0, k, i;

	check_json_line("exec JSON", b->p, b->len);
	j.end--;	/* the '\n' */
	ew_json_ws(&j);
	CHECK(*j.p == '{', "exec JSON is not an object");
	j.p++;
	for (;;) {
		struct jfield *which = NULL;

		ew_json_ws(&j);
		ew_buf_reset(&key);
		CHECK(ew_json_string(&j, &key), "exec JSON: bad key");
		CHECK(key.len < sizeof(keys[0]), "exec JSON: long key");
		ew_buf_putc(&key, 0);
		for (k = 0; k < nkeys; k++)
			CHECK(strcmp(keys[k], key.p), "exec JSON: duplicate key \"%s\"", key.p);
		CHECK(nkeys < MAX_KEYS, "exec JSON: too many keys");
		memcpy(keys[nkeys++], key.p, key.len);
		ew_json_ws(&j);
		CHECK(*j.p++ == ':', "exec JSON: no ':' after \"%s\"", key.p);
		ew_json_ws(&j);

		for (i = 0; i < F_N && !which; i++) {
			size_t n = strlen(field_keys[i]);

			if (!strcmp(key.p, field_keys[i]))
				which = &f[i][0];
			else if (!strncmp(key.p, field_keys[i], n) && !strcmp(key.p + n, "_b64"))
				which = &f[i][1];
			if (which)
				read_field(which, &j, key.p, i >= F_ARGV);
		}
		if (!which)
			CHECK(ew_json_value(&j), "exec JSON: bad value for \"%s\"", key.p);
		ew_json_ws(&j);
		if (*j.p == '}')
			break;
		CHECK(*j.p++ == ',', "exec JSON: no ',' after \"%s\"", key.p);
	}
	CHECK(!j.lone_surrogate, "exec JSON: a lone surrogate");
	check_exec_strings(f, x);
	for (i = 0; i < F_N; i++) {
		jfield_free(&f[i][0]);
		jfield_free(&f[i][1]);
	}
	ew_buf_free(&key);
}

/* ------------------------------------------------------------------ */
/* The table row.                                                      */

static bool starts_with(const char *s, size_t len, const char *p)
{
	size_t n = strlen(p);

	return len >= n && !memcmp(s, p, n);
}

static bool ends_with(const char *s, size_t len, const char *p)
{
	size_t n = strlen(p);

	return len >= n && !memcmp(s + len - n, p, n);
}

static void check_table_row(const struct ew_buf *b, const struct env *env,
			    const struct ew_exec *x)
{
	const char *s = b->p;
	size_t len = b->len;

	CHECK(len && s[len - 1] == '\n', "table row does not end with a newline");
	len--;
	/* The only escape sequences allowed: the alert's own colour. */
	if (env->show_container && x->alert && env->color) {
		CHECK(starts_with(s, len, "\033[1;31m! "), "alert row without its colour");
		CHECK(ends_with(s, len, "\033[0m"), "alert row without its reset");
		s += strlen("\033[1;31m! ");
		len -= strlen("\033[1;31m! ") + strlen("\033[0m");
	} else if (env->show_container) {
		CHECK(starts_with(s, len, x->alert ? "! " : "  "), "wrong alert marker");
	}
	check_terminal_text("table row", s, len, false);
}

/* ------------------------------------------------------------------ */
/* What ew_decode promises.                                            */

static const uint32_t max_args_tab[16] = {
	1, 2, 3, 4, 5, 8, 16, 20, 32, 64, 100, 255, 256, 512, 1023, 1024,
};
static const uint32_t max_arg_len_tab[16] = {
	1, 2, 3, 4, 5, 7, 8, 16, 64, 255, 256, 4095, 4096, 16384, 32767, 32768,
};

static bool decodable(const unsigned char *d, size_t n)
{
	struct ew_event e;

	if (n < sizeof(e))
		return false;
	memcpy(&e, d, sizeof(e));
	return e.version == EW_EVENT_VERSION &&
	       (size_t)e.cgroup_len + e.filename_len + e.interp_len + e.args_len <=
	       n - sizeof(e);
}

static void check_decoded(const unsigned char *d, size_t n,
			  const struct ew_decode_limits *lim, const struct ew_exec *x)
{
	struct ew_event e;
	const char *fname;
	uint32_t i;

	memcpy(&e, d, sizeof(e));
	fname = (const char *)d + sizeof(e) + e.cgroup_len;
	CHECK(x->nargs <= lim->max_args, "nargs %u > max_args %u", x->nargs,
	      lim->max_args);
	CHECK(x->cgroup.len == e.cgroup_len && !x->cgroup.names[x->cgroup.len] &&
	      !memcmp(x->cgroup.names, d + sizeof(e), e.cgroup_len), "cgroup names differ");
	CHECK(x->ptraced == !!(e.flags & EW_F_PTRACED) &&
	      x->setuid == !!(e.flags & EW_F_SECUREEXEC), "flags differ");
	CHECK(x->cgroup.root_open == !!(e.flags & EW_F_CGROUP_ROOT_OPEN) &&
	      x->cgroup.level == e.cgroup_level &&
	      x->cgroup.user_level == e.cgroup_user_level &&
	      x->cgroup.user_uid == e.cgroup_user_uid &&
	      x->cgroup.known == !!(e.flags & EW_F_CGROUP_NAMES), "cgroup levels differ");
	CHECK(x->filename_len <= e.filename_len &&
	      strlen(x->filename) == x->filename_len &&
	      !memcmp(x->filename, fname, x->filename_len), "file name differs");
	CHECK(strlen(x->comm) < sizeof(x->comm), "comm not terminated");
	/* An interpreter exactly when the sample has one; a script's path
	 * inside argv, past argv[0], equal to the file name. */
	CHECK(!!x->interp == !!e.interp_len, "interpreter present %d, interp_len %u",
	      !!x->interp, e.interp_len);
	if (x->interp)
		CHECK(strlen(x->interp) == x->interp_len &&
		      !memcmp(x->interp, fname + e.filename_len, x->interp_len),
		      "interpreter differs");
	if (x->script_at)
		CHECK(x->interp && x->script_at < x->nargs &&
		      x->args[x->script_at].len == x->filename_len &&
		      !memcmp(x->args[x->script_at].s, x->filename, x->filename_len),
		      "script_at %u is not the file name", x->script_at);
	CHECK(x->exe_kind <= EW_EXE_DELETED, "exe_kind %d", x->exe_kind);
	for (i = 0; i < x->nargs; i++) {
		CHECK(x->args[i].len <= lim->max_arg_len, "argv[%u]: %u bytes > %u", i,
		      x->args[i].len, lim->max_arg_len);
		CHECK(strlen(x->args[i].s) == x->args[i].len,
		      "argv[%u]: NUL inside, or not terminated", i);
		if (x->args[i].cut)
			CHECK(x->args_truncated, "argv[%u] cut, args_truncated not set", i);
	}
	if (x->nargs < lim->max_args && !(e.flags & EW_F_NEW_IMAGE) &&
	    !(e.flags & (EW_F_ARGC_TRUNCATED | EW_F_ARGS_TRUNCATED | EW_F_ARGS_UNREADABLE)))
		CHECK(x->argc == x->nargs, "argc %u, %u arguments", x->argc, x->nargs);
	CHECK(x->ret == e.ret && x->pid == e.pid && x->ppid == e.ppid &&
	      x->cgroup_id == e.cgroup_id, "header fields differ");
}

/* ------------------------------------------------------------------ */

struct state {
	struct ew_container_cache *cache;
	struct ew_shells shells;
	struct ew_filters filters;
	regex_t line_ref, name_ref;
	struct ew_buf out;
	bool print;		/* EW_FUZZ_PRINT set: show each row and line */
};

static const char line_re[] = "(^|/)(ba|da|z|k|a)?sh( |$)|-c [^ ]*[;|&]|\\.\\./";
static const char name_re[] = "^[a-z]";

static struct state *state(void)
{
	static struct state *s;
	struct env env;

	if (s)
		return s;
	s = calloc(1, sizeof(*s));
	CHECK(s, "out of memory");
	s->print = getenv("EW_FUZZ_PRINT");
	setenv("TZ", "UTC", 1);
	tzset();
	s->cache = ew_container_cache_new();
	CHECK(s->cache, "out of memory");
	CHECK(!ew_shells_init(&s->shells, NULL), "default shells");
	ew_env_defaults(&env);
	env.name = name_re;
	env.line = line_re;
	CHECK(!ew_filters_init(&s->filters, &env), "filters");
	CHECK(!regcomp(&s->line_ref, line_re, REG_EXTENDED | REG_NOSUB), "regcomp");
	CHECK(!regcomp(&s->name_ref, name_re, REG_EXTENDED | REG_NOSUB), "regcomp");
	return s;
}

static bool is_lower_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* The level (1 the top) of the first name in P holding ID, 0 if none. */
static uint32_t level_of(const struct ew_cgroup_path *p, const char *id)
{
	const char *name = p->names, *end = p->names + p->len;
	uint32_t level = 0;

	while (name < end) {
		size_t nl = strnlen(name, end - name);

		level++;
		if (memmem(name, nl, id, EW_CONTAINER_ID_LEN))
			return level;
		name += nl + 1;
	}
	return 0;
}

/*
 * What containers.h promises: a label only with a runtime and 64 hex digits
 * found in the names; a system container only from a name no user could
 * have made (at or above the first level a user can write); a user's only
 * inside such a subtree, with its owner; nothing known without the names.
 */
static void check_container(const char *what, enum ew_container_kind kind,
			    const struct ew_container *c, const struct ew_cgroup_path *p)
{
	uint32_t at;

	CHECK(kind == c->kind, "%s: returned %d, labelled %d", what, kind, c->kind);
	if (!p->known)
		CHECK(kind == EW_CT_UNKNOWN, "%s: a label without cgroup names", what);
	if (kind != EW_CT_SYSTEM && kind != EW_CT_USER) {
		CHECK(!c->id[0] && !c->runtime, "%s: no container, yet a label", what);
		return;
	}
	CHECK(c->runtime, "%s: a container without a runtime", what);
	CHECK(strlen(c->id) == EW_CONTAINER_ID_LEN &&
	      is_lower_hex(c->id, EW_CONTAINER_ID_LEN),
	      "%s: id is not 64 hex digits: %s", what, c->id);
	at = level_of(p, c->id);
	CHECK(at, "%s: id not in the names", what);
	if (kind == EW_CT_SYSTEM)
		CHECK(!p->root_open && (!p->user_level || at <= p->user_level),
		      "%s: a system container named at level %u, below the user's level %u",
		      what, at, p->user_level);
	else
		CHECK((p->user_level || p->root_open) && c->owner_uid == p->user_uid,
		      "%s: a user's container outside a user's subtree", what);
}

/* Names a user can make (below the first level it can write) neither make
 * nor unmake a system container: the label is the same as for the names
 * down to that level alone. */
static void check_user_levels_inert(const struct ew_cgroup_path *p,
				    const struct ew_container *full)
{
	struct ew_cgroup_path top = *p;
	struct ew_container c;
	const char *name = p->names, *end = p->names + p->len;
	uint32_t i;

	if (!p->known || !p->user_level || p->root_open)
		return;
	for (i = 0; i < p->user_level; i++) {
		size_t nl = strnlen(name, end - name);

		if (name + nl >= end)
			return;		/* fewer names than that */
		name += nl + 1;
	}
	top.len = name - p->names;
	top.level = p->user_level;
	ew_container_parse(&top, &c);
	if (full->kind == EW_CT_SYSTEM || c.kind == EW_CT_SYSTEM)
		CHECK(full->kind == c.kind && !strcmp(full->id, c.id),
		      "names a user made changed a system label: %d %s, %d %s",
		      full->kind, full->id, c.kind, c.id);
}

static const char *const prefixes[] = { "", "a", "0", "deadbeef", "f" };

static void run_exec(struct state *st, uint8_t o0, uint8_t o1,
		     const unsigned char *d, size_t n)
{
	struct ew_decode_limits lim;
	struct env env;
	struct ew_exec *x;
	struct ew_container direct;
	const struct ew_container *c;
	enum ew_container_kind kind;
	struct ew_when when;
	bool want, got;
	uint64_t wall;
	uint32_t i;
	int rc;

	lim.max_args = max_args_tab[o1 >> 4];
	lim.max_arg_len = o0 & 0x80 ? 1 + (o1 & 15u) : max_arg_len_tab[o1 & 15];

	rc = ew_decode(d, n, &lim, &x);
	CHECK(rc == 0 || rc == -EINVAL, "ew_decode: %d", rc);
	CHECK((rc == 0) == decodable(d, n), "ew_decode returned %d for a sample %s", rc,
	      decodable(d, n) ? "that is well-formed" : "that is malformed");
	if (rc)
		return;
	check_decoded(d, n, &lim, x);

	ew_env_defaults(&env);
	env.format = o0 & 1 ? EW_FMT_JSON : EW_FMT_TABLE;
	env.show_container = o0 & 2;
	env.color = o0 & 4;
	env.quote = o0 & 8;
	env.alert_interactive = o0 & 16;
	env.wall_time = o0 & 32;
	env.print_uid = o0 & 64;
	env.max_args = lim.max_args;
	env.max_arg_len = lim.max_arg_len;

	/* As trace.c labels it: the cache, kept across runs. */
	c = ew_container_lookup(st->cache, x->cgroup_id, &x->cgroup);
	x->container = *c;
	kind = ew_container_parse(&x->cgroup, &direct);
	check_container("lookup", kind, &x->container, &x->cgroup);
	check_user_levels_inert(&x->cgroup, &direct);
	CHECK(!strcmp(direct.id, x->container.id) && direct.runtime == x->container.runtime &&
	      direct.kind == x->container.kind && direct.owner_uid == x->container.owner_uid,
	      "the cache answers %s/%s, a parse %s/%s", x->container.id,
	      x->container.runtime ? x->container.runtime : "-", direct.id,
	      direct.runtime ? direct.runtime : "-");

	x->alert = ew_alert(&st->shells, env.alert_interactive ? EW_ALERT_INTERACTIVE :
			    EW_ALERT_ANY, x);
	if (x->alert) {
		CHECK(!strcmp(x->alert, x->container.kind == EW_CT_SYSTEM ? EW_ALERT_SHELL :
			      EW_ALERT_SHELL_USER), "alert %s for container kind %d", x->alert,
		      x->container.kind);
		CHECK(x->container.id[0] && x->ret == 0, "alert outside a container or for a failed exec");
		CHECK(ew_is_shell(&st->shells, x), "alert for a program that is no shell");
		if (env.alert_interactive)
			CHECK(x->tty || ew_from_outside(x), "interactive alert without tty or outside parent");
	}
	if (ew_from_outside(x))
		CHECK(x->ns_known && x->ns_pid != 1, "from_outside without namespaces");

	/* Joined arguments: what --line matches, with no NUL to hide behind. */
	ew_buf_reset(&st->out);
	ew_joined_args(&st->out, x);
	{
		size_t want_len = x->filename_len;

		for (i = x->script_at + 1; i < x->nargs; i++)
			want_len += 1 + x->args[i].len;
		CHECK(!st->out.oom && st->out.len == want_len,
		      "joined args: %zu bytes, not %zu", st->out.len, want_len);
		CHECK(!want_len || strlen(st->out.p) == want_len, "joined args: NUL inside");
	}

	st->filters.container = prefixes[x->seq % 6 < 5 ? x->seq % 6 : 0];
	if (x->seq % 6 == 5)
		st->filters.container = NULL;
	st->filters.alerts_only = x->seq & 8;
	/* --container PREFIX (system) or UID:PREFIX (that user's own). */
	st->filters.container_uid = x->seq & 16 ? (int64_t)x->cgroup.user_uid : -1;
	got = ew_filters_match(&st->filters, x);
	want = !(st->filters.container &&
		 (strncmp(x->container.id, st->filters.container, strlen(st->filters.container)) ||
		  (st->filters.container_uid < 0 ? x->container.kind != EW_CT_SYSTEM :
		   x->container.kind != EW_CT_USER ||
		   x->container.owner_uid != st->filters.container_uid))) &&
	       !(st->filters.alerts_only && !x->alert) &&
	       !regexec(&st->name_ref, x->comm, 0, NULL, 0) &&
	       !regexec(&st->line_ref, st->out.p ? st->out.p : "", 0, NULL, 0);
	CHECK(got == want, "ew_filters_match says %d, expected %d", got, want);

	/* The clock as trace.c turns ts_ns into wall time. */
	wall = x->ts_ns + 1700000000000000000ULL;
	when.rel_s = x->ts_ns > 1000000000ULL ? (x->ts_ns - 1000000000ULL) / 1e9 : 0;
	when.wall.tv_sec = wall / 1000000000ULL;
	when.wall.tv_nsec = wall % 1000000000ULL;

	ew_buf_reset(&st->out);
	ew_table_row(&st->out, &env, x, &when);
	CHECK(!st->out.oom, "table row: out of memory");
	if (st->print)
		fprintf(stderr, "%s", st->out.p);
	check_table_row(&st->out, &env, x);

	ew_buf_reset(&st->out);
	ew_json_line(&st->out, x, &when);
	CHECK(!st->out.oom, "JSON line: out of memory");
	if (st->print)
		fprintf(stderr, "%s", st->out.p);
	check_exec_json(&st->out, x);

	free(x);
}

/* Keys and values side by side, as dump_one hands them over. */
static void run_map(struct state *st, const unsigned char *d, size_t n)
{
	static const uint32_t sizes[8] = { 1, 2, 4, 8, 16, 3, 0, 24 };
	struct ew_map_entries m = { 0 };
	char name[16];
	size_t per, i, line_end;
	bool json;

	if (n < 4)
		return;
	m.key_size = sizes[d[0] & 7];
	m.value_size = sizes[d[1] & 7];
	json = d[2] & 1;
	if (d[2] & 4) {
		/* A name from the input: what a map's name can hold. */
		for (i = 0; i < sizeof(name) - 1 && i + 4 < n && d[i + 4]; i++)
			name[i] = (d[i + 4] & 0x3f) + '0';	/* '0'..'o' */
		name[i] = 0;
		if (d[2] & 2 && i > 4)
			memcpy(name, "hist", 4);
	} else {
		strcpy(name, d[2] & 2 ? "lat_hist" : "counts");
	}
	m.name = name;
	d += 4, n -= 4;
	per = m.key_size + m.value_size;
	m.n = per ? n / per : d[-1] & 15;
	if (m.n > 512)
		m.n = 512;
	m.keys = d;
	m.values = d + m.n * m.key_size;

	ew_buf_reset(&st->out);
	ew_map_format(&st->out, &m, json);
	CHECK(!st->out.oom, "map: out of memory");
	if (json) {
		check_json_line("map JSON", st->out.p, st->out.len);
		return;
	}
	/* Text: the first line holds the map's own name; the rest are keys
	 * and values that came from the probe, escaped. */
	CHECK(st->out.len && st->out.p[st->out.len - 1] == '\n', "map text: no final newline");
	line_end = strcspn(st->out.p, "\n");
	check_terminal_text("map text", st->out.p + line_end, st->out.len - line_end, true);
}

/* Written from line_marks.h, not from its code: the line, after blanks,
 * is TRACEPOINT_PROBE, blanks, then a '(' whose ')' is on the line. */
static bool wants_mark(const char *line, size_t len)
{
	static const char word[] = "TRACEPOINT_PROBE";
	size_t i = 0, depth = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (len - i < strlen(word) || memcmp(line + i, word, strlen(word)))
		return false;
	i += strlen(word);
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i == len || line[i] != '(')
		return false;
	for (; i < len; i++) {
		if (line[i] == '(')
			depth++;
		else if (line[i] == ')' && !--depth)
			return true;
	}
	return false;
}

/* The helper's #line marks: every input line comes back, in order, with
 * a mark naming the next line's number after each whole invocation. */
static void run_marks(const unsigned char *d, size_t n)
{
	static const char name[] = "my \"probe\"\\x.c";
	char *text = malloc(n + 1), *out;
	const char *p, *q;
	unsigned line = 1;

	CHECK(text, "out of memory");
	memcpy(text, d, n);
	text[n] = 0;
	out = ew_mark_lines(text, name);
	CHECK(out, "ew_mark_lines: NULL");
	p = text, q = out;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char mark[64];

		CHECK(!strncmp(q, p, len) && q[len] == '\n', "line %u is not copied", line);
		q += len + 1;
		if (wants_mark(p, len)) {
			snprintf(mark, sizeof(mark),
				 "#line %u \"my \\\"probe\\\"\\\\x.c\"\n", line + 1);
			CHECK(!strncmp(q, mark, strlen(mark)), "no mark after line %u", line);
			q += strlen(mark);
		}
		if (!nl)
			break;
		p = nl + 1;
		line++;
	}
	CHECK(!*q, "ew_mark_lines: %zu bytes more than the lines and marks", strlen(q));
	free(out);
	free(text);
}

static void run_kallsyms(const unsigned char *d, size_t n)
{
	static const size_t outlens[4] = { 1, 12, 20, 64 };
	char out[64];
	FILE *f;
	int rc;

	if (!n)
		return;
	f = fmemopen((void *)d, n, "r");
	if (!f)
		return;
	memset(out, 'X', sizeof(out));
	rc = ew_syscall_fnname(f, "execve", out, outlens[d[0] & 3]);
	fclose(f);
	CHECK(rc == 0 || rc == -ENOENT || rc == -ENAMETOOLONG, "ew_syscall_fnname: %d", rc);
	if (!rc) {
		size_t len = strlen(out);

		CHECK(len < outlens[d[0] & 3], "name longer than its buffer");
		CHECK(len > 6 && !strcmp(out + len - 6, "execve") &&
		      strstr(out, "sys_"), "not a syscall's name: %s", out);
		CHECK(memmem(d, n, out, len), "%s is not in the file", out);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state *st = state();
	const unsigned char *d = data + 2;
	size_t n;
	struct ew_container c;

	if (size < 2)
		return 0;
	n = size - 2;

	run_exec(st, data[0], data[1], d, n);

	{
		/* The same bytes as names, with levels from the option bytes. */
		struct ew_cgroup_path p = {
			.names = (const char *)d, .len = n, .level = data[1] >> 3,
			.user_level = data[1] & 7,
			.user_uid = data[0] & 1 ? EW_UID_UNKNOWN : 1000u + data[0],
			.root_open = (data[0] & 0x30) == 0x30,
			.known = !(data[0] & 2) || data[1],
		};

		check_container("parse", ew_container_parse(&p, &c), &c, &p);
		check_user_levels_inert(&p, &c);
	}

	run_map(st, d, n);
	run_marks(d, n);
	run_kallsyms(d, n);
	return 0;
}
