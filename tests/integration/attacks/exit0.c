// SPDX-License-Identifier: GPL-2.0
/*
 * exit0: the cheapest 64-bit exec target, static and without libc: its
 * image is one page of code and the kernel maps no interpreter for it.
 * exec_holder execs it so that each held child costs as little as
 * possible; it exits 0 if it ever runs.
 */
void _start(void);

void _start(void)
{
	/* exit(0); the stack is not even touched. */
	__asm__ volatile ("mov $60, %eax\n\txor %edi, %edi\n\tsyscall");
	__builtin_unreachable();
}
