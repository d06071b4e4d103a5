// SPDX-License-Identifier: GPL-2.0
#include "bcc.h"

#include <dlfcn.h>
#include <stdio.h>

#define LIBBCC "libbcc.so.0"

static struct ew_bcc bcc;
static int loaded;

#define SYM(field, name)						\
	do {								\
		*(void **)&bcc.field = dlsym(lib, name);		\
		if (!bcc.field) {					\
			snprintf(why, len, "%s has no %s", LIBBCC, name); \
			return NULL;					\
		}							\
	} while (0)

const struct ew_bcc *ew_bcc_open(char *why, size_t len)
{
	void *lib;

	if (loaded)
		return &bcc;
	lib = dlopen(LIBBCC, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		snprintf(why, len, "cannot load %s: %s", LIBBCC, dlerror());
		return NULL;
	}
	SYM(module_create_c_from_string, "bpf_module_create_c_from_string");
	SYM(function_start, "bpf_function_start");
	SYM(function_size, "bpf_function_size");
	SYM(num_functions, "bpf_num_functions");
	SYM(function_name, "bpf_function_name");
	SYM(module_license, "bpf_module_license");
	SYM(module_kern_version, "bpf_module_kern_version");
	SYM(num_tables, "bpf_num_tables");
	SYM(table_fd, "bpf_table_fd");
	SYM(table_fd_id, "bpf_table_fd_id");
	SYM(table_type_id, "bpf_table_type_id");
	SYM(table_key_size_id, "bpf_table_key_size_id");
	SYM(table_leaf_size_id, "bpf_table_leaf_size_id");
	SYM(table_max_entries_id, "bpf_table_max_entries_id");
	SYM(table_name, "bpf_table_name");
	SYM(func_load, "bcc_func_load");
	loaded = 1;
	return &bcc;
}

const struct ew_bcc *ew_bcc(void)
{
	return loaded ? &bcc : NULL;
}
