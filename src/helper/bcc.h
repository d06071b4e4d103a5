/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libbcc, opened only when the helper compiles. On a compile cache hit it
 * is never loaded, nor clang and LLVM with it: loading them takes most of
 * a warm start (18 ms of the helper's 20 here). Loading and attaching
 * programs needs only libbcc_bpf, which the helper links.
 */
#ifndef EXECWATCH_BCC_H
#define EXECWATCH_BCC_H

#include <bcc/bcc_common.h>
#include <stddef.h>

struct ew_bcc {
	__typeof__(&bpf_module_create_c_from_string) module_create_c_from_string;
	__typeof__(&bpf_function_start) function_start;
	__typeof__(&bpf_function_size) function_size;
	__typeof__(&bpf_num_functions) num_functions;
	__typeof__(&bpf_function_name) function_name;
	__typeof__(&bpf_module_license) module_license;
	__typeof__(&bpf_module_kern_version) module_kern_version;
	__typeof__(&bpf_num_tables) num_tables;
	__typeof__(&bpf_table_fd) table_fd;
	__typeof__(&bpf_table_fd_id) table_fd_id;
	__typeof__(&bpf_table_type_id) table_type_id;
	__typeof__(&bpf_table_key_size_id) table_key_size_id;
	__typeof__(&bpf_table_leaf_size_id) table_leaf_size_id;
	__typeof__(&bpf_table_max_entries_id) table_max_entries_id;
	__typeof__(&bpf_table_name) table_name;
	__typeof__(&bcc_func_load) func_load;
};

/* libbcc's functions, loaded on the first call; NULL, with the reason in
 * WHY, if it cannot be. */
const struct ew_bcc *ew_bcc_open(char *why, size_t len);

/* The same, once ew_bcc_open() has succeeded (a module exists). */
const struct ew_bcc *ew_bcc(void);

#endif
