// SPDX-License-Identifier: GPL-2.0-or-later
#include "plan.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

const char *plan_rival_manager(void)
{
	static char found[32];
	struct stat self;
	struct dirent *d;
	DIR *proc;

	if (stat("/proc/self/ns/net", &self) < 0 || !(proc = opendir("/proc")))
		return NULL;
	found[0] = '\0';
	while (!found[0] && (d = readdir(proc))) {
		char path[300], comm[32] = "";
		struct stat ns;
		FILE *f;

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", d->d_name);
		if (stat(path, &ns) < 0 || ns.st_ino != self.st_ino || ns.st_dev != self.st_dev)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
		if (!strcmp(comm, "mptcpd") || !strcmp(comm, "NetworkManager"))
			snprintf(found, sizeof(found), "%s", comm);
	}
	closedir(proc);
	return found[0] ? found : NULL;
}
