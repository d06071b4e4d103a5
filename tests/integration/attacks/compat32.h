/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Making an exec through the 32-bit system call entry (int $0x80) from a
 * 64-bit process. That entry reads only the low 32 bits of each argument,
 * so the path, the strings and the pointer arrays all have to live below
 * 4 GiB: they are copied into memory from mmap(MAP_32BIT).
 */
#ifndef EW_ATTACKS_COMPAT32_H
#define EW_ATTACKS_COMPAT32_H

#include <stdint.h>

/* i386 system call numbers (arch/x86/entry/syscalls/syscall_32.tbl) */
#define C32_NR_EXECVE		11
#define C32_NR_EXECVEAT		358

/* An exec's arguments as 32-bit user addresses. */
struct c32_exec {
	uint32_t path;
	uint32_t argv;
	uint32_t envp;
};

/* Copy path, argv and envp below 4 GiB; 0 on success, -1 with errno. */
int c32_build(struct c32_exec *e, const char *path, char *const argv[],
	      char *const envp[]);

/* int $0x80 with up to five arguments; the kernel's return, -errno on failure. */
long c32_syscall(long nr, long a1, long a2, long a3, long a4, long a5);

/* execve / execveat(AT_FDCWD, ..., 0) through int $0x80; return only on failure. */
long c32_execve(const struct c32_exec *e);
long c32_execveat_cwd(const struct c32_exec *e);

#endif
