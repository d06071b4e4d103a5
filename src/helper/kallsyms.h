/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel's real function name for a syscall, from /proc/kallsyms. */
#ifndef EXECWATCH_KALLSYMS_H
#define EXECWATCH_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Finds the text symbol for syscall NAME ("execve"): "sys_execve" on old
 * kernels, "__x64_sys_execve" with syscall wrappers, and the other
 * architectures' prefixes, in BCC's order. Returns 0, or -ENOENT.
 */
int ew_syscall_fnname(FILE *kallsyms, const char *name, char *out,
		      size_t outlen);
/* Is SYM a text symbol ("__ia32_compat_sys_execve")? */
bool ew_kallsyms_has(FILE *kallsyms, const char *sym);

/* Copies to OUT the lines of the symbols whose names start with PREFIX;
 * returns how many. */
int ew_kallsyms_copy(FILE *kallsyms, FILE *out, const char *prefix);

#endif
