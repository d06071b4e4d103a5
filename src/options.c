// SPDX-License-Identifier: GPL-2.0
#include "options.h"
#include "containers.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <pwd.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef EXECWATCH_VERSION
#define EXECWATCH_VERSION "0.0.0"
#endif

enum {
	OPT_PPID = 256,
	OPT_MAX_ARGS,
	OPT_MAX_ARG_LEN,
	OPT_REORDER_MS,
	OPT_PERF_PAGES,
	OPT_COUNT,
	OPT_DURATION,
	OPT_ATTACH,
	OPT_PROBE,
	OPT_KERNEL_HEADERS,
	OPT_CACHE_DIR,
	OPT_NO_CACHE,
	OPT_PRINT_SOURCE,
	OPT_SELFTEST,
	OPT_CONTAINERS,
	OPT_CONTAINER,
	OPT_SHELLS,
	OPT_ALERTS_ONLY,
	OPT_ALERT,
	OPT_WATCH,
	OPT_OUTPUT,
};

static const struct option long_opts[] = {
	{ "output-format", required_argument, NULL, 'o' },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "time", no_argument, NULL, 'T' },
	{ "print-uid", no_argument, NULL, 'U' },
	{ "quote", no_argument, NULL, 'q' },
	{ "fails", no_argument, NULL, 'x' },
	{ "uid", required_argument, NULL, 'u' },
	{ "name", required_argument, NULL, 'n' },
	{ "line", required_argument, NULL, 'l' },
	{ "pid", required_argument, NULL, 'p' },
	{ "ppid", required_argument, NULL, OPT_PPID },
	{ "max-args", required_argument, NULL, OPT_MAX_ARGS },
	{ "max-arg-len", required_argument, NULL, OPT_MAX_ARG_LEN },
	{ "reorder-ms", required_argument, NULL, OPT_REORDER_MS },
	{ "perf-pages", required_argument, NULL, OPT_PERF_PAGES },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "attach", required_argument, NULL, OPT_ATTACH },
	{ "probe", required_argument, NULL, OPT_PROBE },
	{ "kernel-headers", required_argument, NULL, OPT_KERNEL_HEADERS },
	{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
	{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
	{ "watch", no_argument, NULL, OPT_WATCH },
	{ "print-source", no_argument, NULL, OPT_PRINT_SOURCE },
	{ "selftest", no_argument, NULL, OPT_SELFTEST },
	{ "container-column", no_argument, NULL, 'C' },
	{ "containers", no_argument, NULL, OPT_CONTAINERS },
	{ "container", required_argument, NULL, OPT_CONTAINER },
	{ "shells", required_argument, NULL, OPT_SHELLS },
	{ "alerts-only", no_argument, NULL, OPT_ALERTS_ONLY },
	{ "alert", required_argument, NULL, OPT_ALERT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "explain", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void ew_usage(FILE *f)
{
	fputs(
"Usage: execwatch [OPTION]...\n"
"Trace every program started on this machine (execve and execveat, their 32-bit\n"
"entry, and those the kernel starts itself), with its parent, full arguments\n"
"and result, using a BPF probe compiled at run time.\n"
"\n"
"Output:\n"
"  -o, --output-format FMT  table (default) or json (JSON Lines, one per exec)\n"
"      --output FILE        append events to FILE instead of standard output;\n"
"                           SIGHUP reopens it (for logrotate)\n"
"  -T, --time               add a wall-clock TIME column\n"
"  -U, --print-uid          add a UID column\n"
"  -q, --quote              quote arguments that contain spaces or quotes\n"
"  -C, --container-column   show the CONTAINER column from the start (it also\n"
"                           appears by itself once a container is seen)\n"
"      --max-args N         show at most N arguments (default 20, max 1024)\n"
"      --max-arg-len N      show at most N bytes of each argument (default 4096,\n"
"                           at most 32766)\n"
"      --reorder-ms MS      hold events MS milliseconds to print them in kernel\n"
"                           time order across CPUs (default 10, 0 to turn off)\n"
"\n"
"Filters (-u, -p, --ppid and -x run in the kernel):\n"
"  -x, --fails              also show failed execs (RET is -errno), and those a\n"
"                           seccomp filter refused\n"
"  -u, --uid UID            only execs by this user id, real or effective\n"
"  -p, --pid PID            only this process id\n"
"      --ppid PID           only children of this process id\n"
"  -n, --name REGEX         only process names (comm) matching REGEX\n"
"  -l, --line REGEX         only execs whose joined arguments match REGEX\n"
"      --containers         only execs inside containers (in the kernel: a PID\n"
"                           namespace other than the host's)\n"
"      --container PREFIX   only the system container whose id starts with\n"
"                           PREFIX; USER:PREFIX for a container of USER's own\n"
"                           (rootless), by uid or name\n"
"\n"
"Alerts (a shell started inside a container):\n"
"      --shells LIST        what counts as a shell (default\n"
"                           sh,bash,dash,zsh,ash,ksh,fish; busybox as any)\n"
"      --alert MODE         any (default), or interactive: only shells with a\n"
"                           terminal or started from outside the container\n"
"      --alerts-only        print alerts and nothing else\n"
"\n"
"Running:\n"
"      --count N            stop after N printed events\n"
"      --duration SECONDS   stop after SECONDS\n"
"      --attach MODE        auto (default), kprobe or tracepoint\n"
"      --perf-pages N       perf buffer pages per CPU, a power of two (default 64)\n"
"      --probe FILE         compile FILE instead of the built-in probe\n"
"      --watch              with --probe: recompile FILE each time it is saved\n"
"                           and swap it in without a gap; on errors the\n"
"                           running probe stays\n"
"      --kernel-headers DIR compile against the kernel headers in DIR (a\n"
"                           directory only root can change) instead of those\n"
"                           under /lib/modules\n"
"      --no-cache           compile the probe even if the compile cache has it\n"
"      --cache-dir DIR      keep the compile cache in DIR (root's alone;\n"
"                           default /var/cache/execwatch)\n"
"      --print-source       print the probe text and compile flags, and exit\n"
"      --selftest           run canary execs of every kind, report which were\n"
"                           seen with every field right, and exit\n"
"  -v, --verbose, --explain say step by step what execwatch does\n"
"  -h, --help               show this help and exit\n"
"  -V, --version            show the version and exit\n"
"\n"
"Needs root, or CAP_BPF and CAP_PERFMON; whoever may run it so can load any\n"
"BPF program, which makes them root: never make it setuid or setcap. Exit\n"
"status: 0 ok, 1 runtime failure, 2 usage error.\n", f);
}

void ew_env_defaults(struct env *env)
{
	memset(env, 0, sizeof(*env));
	env->format = EW_FMT_TABLE;
	env->uid = env->pid = env->ppid = -1;
	env->cache_dir = "/var/cache/execwatch";
	env->max_args = EW_DEFAULT_MAX_ARGS;
	env->max_arg_len = EW_DEFAULT_ARG_LEN;
	env->reorder_ms = EW_DEFAULT_REORDER_MS;
	env->perf_pages = EW_DEFAULT_PERF_PAGES;
	env->attach = "auto";
	env->container_uid = -1;
}

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* --kernel-headers, made absolute; env points here. */
static char kernel_headers[PATH_MAX];

/* [USER:]PREFIX, USER a uid or a user name. */
static int parse_container(const char *spec, struct env *env)
{
	const char *colon = strchr(spec, ':'), *id = colon ? colon + 1 : spec;
	struct passwd *pw;
	char user[256];
	long uid;

	if (!*id || strspn(id, "0123456789abcdef") != strlen(id))
		return -EINVAL;
	env->container = id;
	env->container_uid = -1;
	if (!colon)
		return 0;
	if (colon == spec || colon - spec >= (long)sizeof(user))
		return -EINVAL;
	memcpy(user, spec, colon - spec);
	user[colon - spec] = 0;
	if (strspn(user, "0123456789") == strlen(user)) {
		if (parse_long(user, 0, UINT32_MAX - 1, &uid))
			return -EINVAL;
		env->container_uid = uid;
	} else if ((pw = getpwnam(user))) {
		env->container_uid = pw->pw_uid;
	} else {
		return -ENOENT;
	}
	return 0;
}

static bool is_pow2(long v)
{
	return v > 0 && (v & (v - 1)) == 0;
}

/* Every usage error: one line saying what is wrong, one pointing at --help. */
static int __attribute__((format(printf, 2, 3)))
usage_error(FILE *err, const char *fmt, ...)
{
	va_list ap;

	fputs("execwatch: ", err);
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputs("\nTry 'execwatch --help' for more information.\n", err);
	return EW_PARSE_USAGE;
}

static int bad(FILE *err, const char *opt, const char *val, const char *want)
{
	return usage_error(err, "invalid value '%s' for %s: %s", val, opt, want);
}

/* getopt leaves a bad short option in optopt, a bad long one in argv. */
static const char *failed_option(char **argv, char name[3])
{
	const char *arg = argv[optind - 1];

	name[0] = '-';
	name[1] = (char)optopt;
	name[2] = 0;
	return optopt > 0 && optopt < 128 && strncmp(arg, "--", 2) ? name : arg;
}

static int check_regex(FILE *err, const char *pat, const char *opt)
{
	regex_t re;
	char why[128];
	int rc;

	if (!pat)
		return 0;
	rc = regcomp(&re, pat, REG_EXTENDED | REG_NOSUB);
	if (!rc) {
		regfree(&re);
		return 0;
	}
	regerror(rc, &re, why, sizeof(why));
	return usage_error(err, "invalid regular expression '%s' for %s: %s",
			   pat, opt, why);
}

/* At least one name between the commas. */
static bool has_name(const char *list)
{
	return strspn(list, ",") != strlen(list);
}

/* What the options imply, once, so that env is not touched after parsing. */
static int finish(struct env *env, FILE *err)
{
	if (env->watch && !env->probe)
		return usage_error(err, "--watch needs --probe FILE (the file to watch)");
	if (env->shells && !has_name(env->shells))
		return usage_error(err, "--shells needs at least one name");
	if (check_regex(err, env->name, "--name") ||
	    check_regex(err, env->line, "--line"))
		return EW_PARSE_USAGE;
	if (env->selftest) {
		env->fails = true;	/* the failing canary must be seen */
		if (!env->duration)
			env->duration = 10;	/* a canary not seen by then is lost */
	}
	/* Colour only on a terminal, and never where NO_COLOR is set. */
	env->color = !env->output && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	/* Where containers run already, the table has their column from the
	 * start (else it appears with the first container seen). */
	if (env->format == EW_FMT_TABLE && !env->show_container)
		env->show_container = ew_containers_running();
	return EW_PARSE_OK;
}

enum ew_parse_result ew_parse_options(int argc, char **argv, struct env *env,
				      FILE *out, FILE *err)
{
	char name[3];
	int c;
	long v;

	ew_env_defaults(env);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:TUqxCu:n:l:p:vhV", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'o':
			if (!strcmp(optarg, "table"))
				env->format = EW_FMT_TABLE;
			else if (!strcmp(optarg, "json"))
				env->format = EW_FMT_JSON;
			else
				return bad(err, "-o", optarg, "use table or json");
			break;
		case 'T': env->wall_time = true; break;
		case 'U': env->print_uid = true; break;
		case 'q': env->quote = true; break;
		case 'x': env->fails = true; break;
		case 'v': env->verbose = true; break;
		case 'u':
			if (parse_long(optarg, 0, UINT_MAX - 1, &env->uid))
				return bad(err, "--uid", optarg, "a numeric user id");
			break;
		case 'p':
			if (parse_long(optarg, 1, INT_MAX, &env->pid))
				return bad(err, "--pid", optarg, "a process id");
			break;
		case OPT_PPID:
			if (parse_long(optarg, 0, INT_MAX, &env->ppid))
				return bad(err, "--ppid", optarg, "a process id");
			break;
		case 'n': env->name = optarg; break;
		case 'l': env->line = optarg; break;
		case OPT_MAX_ARGS:
			if (parse_long(optarg, 1, EW_MAX_ARGS_LIMIT, &v))
				return bad(err, "--max-args", optarg, "a number from 1 to 1024");
			env->max_args = v;
			break;
		case OPT_MAX_ARG_LEN:
			/* The probe reads two bytes more than shown, at most 32768. */
			if (parse_long(optarg, 1, 32766, &v))
				return bad(err, "--max-arg-len", optarg, "a number from 1 to 32766");
			env->max_arg_len = v;
			break;
		case OPT_REORDER_MS:
			if (parse_long(optarg, 0, 10000, &v))
				return bad(err, "--reorder-ms", optarg, "milliseconds from 0 to 10000");
			env->reorder_ms = v;
			break;
		case OPT_PERF_PAGES:
			if (parse_long(optarg, 1, 1 << 16, &v) || !is_pow2(v))
				return bad(err, "--perf-pages", optarg, "a power of two, 1 to 65536");
			env->perf_pages = v;
			break;
		case OPT_COUNT:
			if (parse_long(optarg, 1, LONG_MAX, &env->count))
				return bad(err, "--count", optarg, "a positive number");
			break;
		case OPT_DURATION: {
			char *end;

			errno = 0;
			env->duration = strtod(optarg, &end);
			if (errno || end == optarg || *end || !isfinite(env->duration) ||
			    env->duration <= 0 || env->duration > 1e9)
				return bad(err, "--duration", optarg, "a positive number of seconds");
			break;
		}
		case OPT_ATTACH:
			if (strcmp(optarg, "auto") && strcmp(optarg, "kprobe") &&
			    strcmp(optarg, "tracepoint"))
				return bad(err, "--attach", optarg, "use auto, kprobe or tracepoint");
			env->attach = optarg;
			break;
		case OPT_PROBE: env->probe = optarg; break;
		case OPT_KERNEL_HEADERS:
			/* Absolute: the helper resolves it from another directory. */
			if (!*optarg || !realpath(optarg, kernel_headers))
				return bad(err, "--kernel-headers", optarg, "an existing directory");
			env->kernel_headers = kernel_headers;
			break;
		case OPT_CACHE_DIR:
			if (optarg[0] != '/' || strlen(optarg) >= PATH_MAX - 80)
				return bad(err, "--cache-dir", optarg, "an absolute path");
			env->cache_dir = optarg;
			break;
		case OPT_NO_CACHE: env->cache_dir = NULL; break;
		case OPT_WATCH: env->watch = true; break;
		case OPT_OUTPUT:
			if (!*optarg)
				return bad(err, "--output", optarg, "a file name");
			env->output = optarg;
			break;
		case OPT_PRINT_SOURCE: env->print_source = true; break;
		case OPT_SELFTEST: env->selftest = true; break;
		case 'C': env->show_container = true; break;
		case OPT_CONTAINERS: env->containers_only = true; break;
		case OPT_CONTAINER:
			if (parse_container(optarg, env))
				return bad(err, "--container", optarg,
					   "a container id or its first hex digits, or USER:ID for a user's container");
			env->containers_only = true;
			break;
		case OPT_SHELLS: env->shells = optarg; break;
		case OPT_ALERTS_ONLY: env->alerts_only = true; break;
		case OPT_ALERT:
			if (!strcmp(optarg, "interactive"))
				env->alert_interactive = true;
			else if (strcmp(optarg, "any"))
				return bad(err, "--alert", optarg, "use any or interactive");
			break;
		case 'h':
			ew_usage(out);
			return EW_PARSE_EXIT;
		case 'V':
			fprintf(out, "execwatch %s\n", EXECWATCH_VERSION);
			return EW_PARSE_EXIT;
		case ':':
			return usage_error(err, "option '%s' needs a value",
					   failed_option(argv, name));
		default:
			return usage_error(err, "unknown option '%s'",
					   failed_option(argv, name));
		}
	}
	if (optind < argc)
		return usage_error(err, "unexpected argument '%s'", argv[optind]);
	return finish(env, err);
}
