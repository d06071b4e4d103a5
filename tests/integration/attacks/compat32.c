// SPDX-License-Identifier: GPL-2.0
/*
 * int $0x80 execs from a 64-bit process: the arguments copied below 4 GiB
 * (see compat32.h). Shared by int80_exec and seccomp_exec.
 */
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>

#include "compat32.h"

static size_t count(char *const v[])
{
	size_t n = 0;

	while (v[n])
		n++;
	return n;
}

static size_t strings_size(char *const v[])
{
	size_t size = 0;

	for (; *v; v++)
		size += strlen(*v) + 1;
	return size;
}

/* Append s at *cur and return its 32-bit address. */
static uint32_t put_string(char **cur, const char *s)
{
	size_t len = strlen(s) + 1;
	char *at = *cur;

	memcpy(at, s, len);
	*cur += len;
	return (uint32_t)(uintptr_t)at;
}

/* A NULL-terminated array of 32-bit pointers at arr, its strings at *cur. */
static uint32_t put_vector(uint32_t *arr, char **cur, char *const v[])
{
	size_t i;

	for (i = 0; v[i]; i++)
		arr[i] = put_string(cur, v[i]);
	arr[i] = 0;
	return (uint32_t)(uintptr_t)arr;
}

int c32_build(struct c32_exec *e, const char *path, char *const argv[],
	      char *const envp[])
{
	size_t nptr = count(argv) + 1 + count(envp) + 1;
	size_t size = nptr * sizeof(uint32_t) + strlen(path) + 1 +
		      strings_size(argv) + strings_size(envp);
	uint32_t *arr;
	char *cur;

	/* MAP_32BIT: the mapping is placed in the first 2 GiB. */
	arr = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (arr == MAP_FAILED)
		return -1;
	cur = (char *)(arr + nptr);
	e->path = put_string(&cur, path);
	e->argv = put_vector(arr, &cur, argv);
	e->envp = put_vector(arr + count(argv) + 1, &cur, envp);
	return 0;
}

long c32_syscall(long nr, long a1, long a2, long a3, long a4, long a5)
{
	long ret;

	/*
	 * The compat entry takes eax, ebx, ecx, edx, esi, edi. r8-r11 are
	 * preserved by current kernels but were cleared by some older ones,
	 * so they are declared clobbered.
	 */
	__asm__ volatile ("int $0x80"
			  : "=a"(ret)
			  : "0"(nr), "b"(a1), "c"(a2), "d"(a3), "S"(a4), "D"(a5)
			  : "r8", "r9", "r10", "r11", "memory", "cc");
	/* The result is a 32-bit int, whatever is in the upper half of rax. */
	return (int)ret;
}

long c32_execve(const struct c32_exec *e)
{
	return c32_syscall(C32_NR_EXECVE, e->path, e->argv, e->envp, 0, 0);
}

long c32_execveat_cwd(const struct c32_exec *e)
{
	/* AT_FDCWD is -100; the kernel sign-extends the 32-bit dirfd. */
	return c32_syscall(C32_NR_EXECVEAT, (uint32_t)AT_FDCWD, e->path,
			   e->argv, e->envp, 0);
}
