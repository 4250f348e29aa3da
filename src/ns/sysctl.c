// SPDX-License-Identifier: GPL-2.0-or-later
#include "ns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sysctl_path(const char *key, char *path, size_t len)
{
	size_t n = strlen("/proc/sys/");

	if (!key || !*key || key[0] == '.' || strstr(key, "..") || strstr(key, "/.") ||
	    strstr(key, "./") || key[0] == '/')
		return -EINVAL;
	if (n + strlen(key) + 1 > len)
		return -ENAMETOOLONG;
	memcpy(path, "/proc/sys/", n);
	/* As sysctl(8): dots separate, and a '/' stands for a dot inside a name (eth0/100). */
	for (const char *k = key; *k; k++)
		path[n++] = *k == '.' ? '/' : *k == '/' ? '.' : *k;
	path[n] = '\0';
	return 0;
}

/* Opens a /proc/sys file as seen from namespace nsfd (sysctl files bind at open). */
static int open_in(int nsfd, const char *path, int flags)
{
	int self, fd, err;

	if (nsfd < 0)
		return open(path, flags | O_CLOEXEC);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -1;
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		err = errno;
		close(self);
		errno = err;
		return -1;
	}
	fd = open(path, flags | O_CLOEXEC);
	err = errno;
	if (setns(self, CLONE_NEWNET) < 0) {
		fprintf(stderr, "mptcpctl: cannot return to the original network namespace\n");
		abort();
	}
	close(self);
	errno = err;
	return fd;
}

int sysctl_get(int nsfd, const char *key, char *val, size_t len, struct mc_err *e)
{
	char path[256];
	ssize_t n;
	int fd;

	if (sysctl_path(key, path, sizeof(path)) || len < 2)
		return mc_err_set(e, -EINVAL, "invalid sysctl key '%s'", key);
	fd = open_in(nsfd, path, O_RDONLY);
	if (fd < 0)
		return mc_err_set(e, -errno, "reading sysctl %s", key);
	n = read(fd, val, len - 1);
	if (n < 0) {
		int ret = mc_err_set(e, -errno, "reading sysctl %s", key);

		close(fd);
		return ret;
	}
	close(fd);
	val[n] = '\0';
	while (n > 0 && (val[n - 1] == '\n' || val[n - 1] == ' '))
		val[--n] = '\0';
	return 0;
}

int sysctl_set(int nsfd, const char *key, const char *val, struct mc_err *e)
{
	char path[256];
	size_t len = strlen(val);
	ssize_t n;
	int fd;

	if (sysctl_path(key, path, sizeof(path)))
		return mc_err_set(e, -EINVAL, "invalid sysctl key '%s'", key);
	fd = open_in(nsfd, path, O_WRONLY);
	if (fd < 0)
		return mc_err_set(e, -errno, "setting sysctl %s", key);
	n = write(fd, val, len);
	if (n < 0 || (size_t)n != len) {
		int ret = mc_err_set(e, n < 0 ? -errno : -EIO, "setting sysctl %s=%s", key, val);

		close(fd);
		return ret;
	}
	close(fd);
	return 0;
}
