/* SPDX-License-Identifier: GPL-2.0 */
/* Command-line options: one struct env, strict parsing, usage. */
#ifndef EXECWATCH_OPTIONS_H
#define EXECWATCH_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum ew_format { EW_FMT_TABLE, EW_FMT_JSON };

#define EW_MAX_ARGS_LIMIT 1024
#define EW_DEFAULT_MAX_ARGS 20
#define EW_DEFAULT_ARG_LEN 4096
#define EW_DEFAULT_REORDER_MS 10
#define EW_DEFAULT_PERF_PAGES 64

struct env {
	enum ew_format format;
	const char *output;	/* --output FILE, NULL: standard output */
	bool wall_time;		/* -T */
	bool print_uid;		/* -U */
	bool quote;		/* -q */
	bool fails;		/* -x */
	long uid;		/* -1: any */
	long pid;
	long ppid;
	const char *name;	/* regex on comm */
	const char *line;	/* regex on the joined arguments */
	int max_args;
	int max_arg_len;
	int reorder_ms;
	int perf_pages;
	long count;		/* 0: no limit */
	double duration;	/* seconds, 0: no limit */
	const char *attach;	/* auto, kprobe, tracepoint */
	const char *probe;	/* NULL: the built-in probe */
	const char *kernel_headers;	/* --kernel-headers DIR; NULL: found under /lib/modules */
	const char *cache_dir;	/* the compile cache; NULL: --no-cache */
	bool watch;		/* --watch: reload the probe when it is saved */
	bool print_source;
	bool selftest;
	bool show_container;	/* -C, or containers run: the CONTAINER column from the start */
	bool containers_only;	/* --containers, decided in the kernel */
	const char *container;	/* --container [USER:]ID-PREFIX: the prefix */
	int64_t container_uid;	/* its USER: a user container's owner; -1: a system container */
	const char *shells;	/* --shells LIST, NULL: the default */
	bool alerts_only;
	bool alert_interactive;	/* --alert interactive */
	bool color;		/* a terminal, and no NO_COLOR */
	bool verbose;
};

enum ew_parse_result {
	EW_PARSE_OK = 0,
	EW_PARSE_EXIT = 1,	/* --help or --version was printed */
	EW_PARSE_USAGE = 2,	/* error printed to err */
};

void ew_env_defaults(struct env *env);
/* Parses argv into env and decides what the options imply (env is not
 * changed after this); prints help/version to out and errors to err. */
enum ew_parse_result ew_parse_options(int argc, char **argv, struct env *env,
				      FILE *out, FILE *err);
void ew_usage(FILE *f);

#endif
