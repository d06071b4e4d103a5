/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exec32: a static i386 program without libc. A 32-bit image that execs
 * another program through int $0x80, the only system call entry a 32-bit
 * process has, so a tracer must see compat execs to see this one.
 *
 *   exec32 PATH ARG...   execve(PATH, [PATH, ARG...], envp); exit 127 on failure
 *   exec32               exit 0 (also a cheap 32-bit exec target)
 *
 * It prints nothing: the test starts it with subprocess and knows its pid.
 * Assembled with plain `as --32` (no C preprocessor), so comments are C
 * style and there are no #defines.
 */
	.text
	.globl	_start
_start:
	/* At entry: 0(%esp) argc, 4(%esp) argv[0], ..., NULL, then envp. */
	movl	0(%esp), %eax
	cmpl	$2, %eax
	jl	done

	leal	8(%esp), %ecx		/* ecx = &argv[1], the new argv */
	movl	(%ecx), %ebx		/* ebx = argv[1], the path */
	leal	8(%esp,%eax,4), %edx	/* edx = &argv[argc + 1] = envp */
	movl	$11, %eax		/* __NR_execve (i386) */
	int	$0x80

	/* Only a failed execve returns. */
	movl	$127, %ebx
	jmp	exit

done:
	xorl	%ebx, %ebx
exit:
	movl	$1, %eax		/* __NR_exit (i386) */
	int	$0x80
	hlt

	/* No executable stack (and no linker warning about it). */
	.section .note.GNU-stack,"",@progbits
