// SPDX-License-Identifier: GPL-2.0
#include "kallsyms.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const prefixes[] = {
	"sys_", "__x64_sys_", "__x32_compat_sys_", "__ia32_compat_sys_",
	"__arm64_sys_", "__s390x_sys_", "__s390_sys_", "__riscv_sys_",
};
#define NPREFIX (sizeof(prefixes) / sizeof(prefixes[0]))

static int prefix_index(const char *sym, const char *name)
{
	size_t i, len;

	for (i = 0; i < NPREFIX; i++) {
		len = strlen(prefixes[i]);
		if (!strncmp(sym, prefixes[i], len) && !strcmp(sym + len, name))
			return i;
	}
	return -1;
}

int ew_syscall_fnname(FILE *kallsyms, const char *name, char *out,
		      size_t outlen)
{
	char line[512], sym[256], type;
	int best = -1;

	while (fgets(line, sizeof(line), kallsyms)) {
		int idx;

		if (sscanf(line, "%*s %c %255s", &type, sym) != 2)
			continue;
		if (type != 't' && type != 'T')
			continue;
		idx = prefix_index(sym, name);
		if (idx >= 0 && (best < 0 || idx < best))
			best = idx;
		if (best == 0)
			break;
	}
	if (best < 0)
		return -ENOENT;
	if ((size_t)snprintf(out, outlen, "%s%s", prefixes[best], name) >= outlen)
		return -ENAMETOOLONG;
	return 0;
}

bool ew_kallsyms_has(FILE *kallsyms, const char *sym)
{
	char line[512], name[256], type;

	while (fgets(line, sizeof(line), kallsyms))
		if (sscanf(line, "%*s %c %255s", &type, name) == 2 &&
		    (type == 't' || type == 'T') && !strcmp(name, sym))
			return true;
	return false;
}

int ew_kallsyms_copy(FILE *kallsyms, FILE *out, const char *prefix)
{
	char line[512], name[256];
	size_t len = strlen(prefix);
	int n = 0;

	while (fgets(line, sizeof(line), kallsyms))
		if (sscanf(line, "%*s %*c %255s", name) == 1 &&
		    !strncmp(name, prefix, len) && fputs(line, out) >= 0)
			n++;
	return n;
}
