/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The two 32-bit doors into exec that --selftest walks through on x86-64:
 * the int $0x80 entry from a 64-bit process, and a 32-bit program's own
 * execve. Each must be reported like any other exec.
 */
#ifndef EXECWATCH_COMPAT32_H
#define EXECWATCH_COMPAT32_H

#include <stddef.h>

#if defined(__x86_64__)
/* execve(PATH, [PATH, ARGV[1]], NULL) through int $0x80; returns only on
 * failure, a negative errno (-ENOSYS: no 32-bit entry in this kernel). */
long ew_int80_execve(const char *path, char *const argv[]);

/* Writes into BUF a static i386 program that does
 * execve(PATH, [PATH, ARG], NULL) and exits 127 if that fails; returns its
 * size, 0 if it does not fit in CAP. */
size_t ew_elf32_exec(unsigned char *buf, size_t cap, const char *path,
		     const char *arg);
#endif

#endif
