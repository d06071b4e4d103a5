// SPDX-License-Identifier: GPL-2.0
/* The 32-bit ways into exec, for the --selftest canaries. */
#include "compat32.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__x86_64__)
#define BASE32 0x08048000u

/* execve(path, argv, NULL) through int $0x80, from a 64-bit process: its
 * arguments must be below 4 GiB (MAP_32BIT). */
long ew_int80_execve(const char *path, char *const argv[])
{
	char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	uint32_t *v;
	size_t pl = strlen(path) + 1, al = strlen(argv[1]) + 1;
	long ret;

	if (low == MAP_FAILED || pl + al + 12 > 4096)
		return -ENOMEM;
	memcpy(low, path, pl);
	memcpy(low + pl, argv[1], al);
	v = (uint32_t *)(low + ((pl + al + 3) & ~3UL));
	v[0] = (uint32_t)(uintptr_t)low;	/* argv[0]: the path */
	v[1] = (uint32_t)(uintptr_t)(low + pl);
	v[2] = 0;
	asm volatile("int $0x80" : "=a"(ret)
		     : "a"(11), "b"((uint32_t)(uintptr_t)low),
		       "c"((uint32_t)(uintptr_t)v), "d"(0)
		     : "memory");
	return ret;
}

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/*
 * A static i386 program that does execve(PATH, [PATH, ARG], NULL)
 * and exits 127 if that fails: an ELF header, one loadable segment, 31
 * bytes of code, its strings and argv. Returns its size, 0 if PATH is too long.
 */
size_t ew_elf32_exec(unsigned char *buf, size_t cap, const char *path,
		     const char *arg)
{
	static const unsigned char code[] = {
		0xb8, 11, 0, 0, 0,		/* mov $11, %eax (execve) */
		0xbb, 0, 0, 0, 0,		/* mov $path, %ebx */
		0xb9, 0, 0, 0, 0,		/* mov $argv, %ecx */
		0x31, 0xd2,			/* xor %edx, %edx */
		0xcd, 0x80,			/* int $0x80 */
		0xb8, 1, 0, 0, 0,		/* mov $1, %eax (exit) */
		0xbb, 127, 0, 0, 0,		/* mov $127, %ebx */
		0xcd, 0x80,			/* int $0x80 */
	};
	size_t code_at = 52 + 32, path_at = code_at + sizeof(code);
	size_t arg_at = path_at + strlen(path) + 1;
	size_t argv_at = (arg_at + strlen(arg) + 1 + 3) & ~3UL;
	size_t size = argv_at + 12;

	if (size > cap)
		return 0;
	memset(buf, 0, size);
	memcpy(buf, "\x7f" "ELF\x01\x01\x01", 7);	/* 32-bit, LSB, version 1 */
	buf[16] = 2;				/* ET_EXEC */
	buf[18] = 3;				/* EM_386 */
	put32(buf + 20, 1);			/* e_version */
	put32(buf + 24, BASE32 + code_at);	/* e_entry */
	put32(buf + 28, 52);			/* e_phoff */
	buf[40] = 52;				/* e_ehsize */
	buf[42] = 32;				/* e_phentsize */
	buf[44] = 1;				/* e_phnum */
	put32(buf + 52, 1);			/* PT_LOAD */
	put32(buf + 60, BASE32);		/* p_vaddr */
	put32(buf + 64, BASE32);		/* p_paddr */
	put32(buf + 68, size);			/* p_filesz */
	put32(buf + 72, size);			/* p_memsz */
	put32(buf + 76, 5);			/* PF_R | PF_X */
	put32(buf + 80, 4096);			/* p_align */
	memcpy(buf + code_at, code, sizeof(code));
	put32(buf + code_at + 6, BASE32 + path_at);
	put32(buf + code_at + 11, BASE32 + argv_at);
	strcpy((char *)buf + path_at, path);
	strcpy((char *)buf + arg_at, arg);
	put32(buf + argv_at, BASE32 + path_at);
	put32(buf + argv_at + 4, BASE32 + arg_at);
	return size;
}
#endif

