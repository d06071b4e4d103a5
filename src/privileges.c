// SPDX-License-Identifier: GPL-2.0
#include "privileges.h"
#include "log.h"

#include <errno.h>
#include <sys/auxv.h>
#include <unistd.h>

int ew_refuse_raised_privileges(void)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;

	if (getresuid(&ruid, &euid, &suid) || getresgid(&rgid, &egid, &sgid))
		return -errno;
	if (!getauxval(AT_SECURE) && ruid == euid && euid == suid &&
	    rgid == egid && egid == sgid)
		return 0;
	ew_err_hint("run it as root, with sudo; a setuid, setgid or setcap copy lets any user load BPF programs, which makes them root",
		    "refusing to run with privileges the caller does not have (setuid, setgid or file capabilities)");
	return -EPERM;
}
