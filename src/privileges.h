/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whoever can run execwatch or its compile helper with the privileges
 * tracing needs can load any BPF program, which makes them root: so
 * neither runs with privileges its caller does not have.
 */
#ifndef EXECWATCH_PRIVILEGES_H
#define EXECWATCH_PRIVILEGES_H

/* Refuses a start that raised privileges: AT_SECURE (setuid, setgid, file
 * capabilities), or real and effective ids that differ. Logged; 0 or
 * -EPERM. */
int ew_refuse_raised_privileges(void);

#endif
