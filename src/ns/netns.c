// SPDX-License-Identifier: GPL-2.0-or-later
#include "ns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

bool netns_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > NETNS_NAME_MAX)
		return false;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (name[i] == '/' || name[i] < 0x21 || name[i] > 0x7e)
			return false;
	return true;
}

static int ns_path(const char *name, char *path, size_t len)
{
	if (!netns_name_valid(name))
		return -EINVAL;
	snprintf(path, len, "%s/%s", NETNS_RUN_DIR, name);
	return 0;
}

/* /run/netns must be a shared mount so bind mounts propagate, as ip(8) makes it. */
static int run_dir_prepare(struct mc_err *e)
{
	bool made = false;

	if (mkdir(NETNS_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return mc_err_set(e, -errno, "creating %s", NETNS_RUN_DIR);
	while (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) < 0) {
		if (errno != EINVAL || made)
			return mc_err_set(e, -errno, "making %s a shared mount", NETNS_RUN_DIR);
		if (mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC, NULL) < 0)
			return mc_err_set(e, -errno, "bind-mounting %s", NETNS_RUN_DIR);
		made = true;
	}
	return 0;
}

int netns_add(const char *name, struct mc_err *e)
{
	char path[sizeof(NETNS_RUN_DIR) + NETNS_NAME_MAX + 2];
	int fd, status, ret;
	pid_t pid;

	if (ns_path(name, path, sizeof(path)))
		return mc_err_set(e, -EINVAL, "invalid network namespace name '%s'", name);
	ret = run_dir_prepare(e);
	if (ret)
		return ret;
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0) {
		if (errno == EEXIST)
			return mc_err_set(e, -EEXIST, "network namespace %s already exists", name);
		return mc_err_set(e, -errno, "creating %s", path);
	}
	close(fd);
	pid = fork();
	if (pid < 0) {
		ret = mc_err_set(e, -errno, "fork");
		goto err_unlink;
	}
	if (pid == 0) {
		if (unshare(CLONE_NEWNET) < 0)
			_exit(errno);
		if (mount("/proc/self/ns/net", path, "none", MS_BIND, NULL) < 0)
			_exit(errno);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) < 0) {
		ret = mc_err_set(e, -errno, "waiting for namespace creation");
		goto err_unlink;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		ret = WIFEXITED(status) ? -WEXITSTATUS(status) : -EIO;
		mc_err_set(e, ret, "creating network namespace %s", name);
		goto err_unlink;
	}
	return 0;

err_unlink:
	unlink(path);
	return ret;
}

int netns_del(const char *name, struct mc_err *e)
{
	char path[sizeof(NETNS_RUN_DIR) + NETNS_NAME_MAX + 2];

	if (ns_path(name, path, sizeof(path)))
		return mc_err_set(e, -EINVAL, "invalid network namespace name '%s'", name);
	if (access(path, F_OK) < 0)
		return mc_err_set(e, -errno, "network namespace %s", name);
	umount2(path, MNT_DETACH);
	if (unlink(path) < 0)
		return mc_err_set(e, -errno, "removing %s", path);
	return 0;
}

bool netns_exists(const char *name)
{
	char path[sizeof(NETNS_RUN_DIR) + NETNS_NAME_MAX + 2];

	return !ns_path(name, path, sizeof(path)) && access(path, F_OK) == 0;
}

int netns_open(const char *name, int *fd, struct mc_err *e)
{
	char path[sizeof(NETNS_RUN_DIR) + NETNS_NAME_MAX + 2];

	if (ns_path(name, path, sizeof(path)))
		return mc_err_set(e, -EINVAL, "invalid network namespace name '%s'", name);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return mc_err_set(e, -errno, "opening network namespace %s", name);
	return 0;
}

int netns_list(int (*cb)(const char *name, void *data), void *data, struct mc_err *e)
{
	struct dirent *d;
	int ret = 0;
	DIR *dir = opendir(NETNS_RUN_DIR);

	if (!dir)
		return errno == ENOENT ? 0 : mc_err_set(e, -errno, "reading %s", NETNS_RUN_DIR);
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		ret = cb(d->d_name, data);
		if (ret)
			break;
	}
	closedir(dir);
	return ret;
}

int netns_fork(int nsfd, int (*fn)(void *arg), void *arg, int *pidp, struct mc_err *e)
{
	pid_t pid = fork();

	if (pid < 0)
		return mc_err_set(e, -errno, "fork");
	if (pid == 0) {
		if (nsfd >= 0 && setns(nsfd, CLONE_NEWNET) < 0)
			_exit(126);
		_exit(fn(arg));
	}
	*pidp = pid;
	return 0;
}

/* In the child: a private mount namespace whose /sys shows the target netns. */
static void exec_child(int nsfd, char *const argv[], int errpipe)
{
	int err;

	if (setns(nsfd, CLONE_NEWNET) < 0)
		goto fail;
	if (unshare(CLONE_NEWNS) < 0)
		goto fail;
	if (mount("", "/", "none", MS_SLAVE | MS_REC, NULL) < 0)
		goto fail;
	umount2("/sys", MNT_DETACH);
	/* Failing to remount /sys is not fatal: ip(8) only warns too. */
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	execvp(argv[0], argv);
fail:
	err = errno;
	if (write(errpipe, &err, sizeof(err)) < 0)
		_exit(127);
	_exit(err == ENOENT ? 127 : 126);
}

int netns_exec(int nsfd, char *const argv[], int *status, struct mc_err *e)
{
	int pipefd[2], err = 0;
	ssize_t n;
	pid_t pid;

	if (!argv || !argv[0])
		return mc_err_set(e, -EINVAL, "no command to run");
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return mc_err_set(e, -errno, "pipe");
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return mc_err_set(e, -errno, "fork");
	}
	if (pid == 0) {
		close(pipefd[0]);
		exec_child(nsfd, argv, pipefd[1]);
	}
	close(pipefd[1]);
	do {
		n = read(pipefd[0], &err, sizeof(err));
	} while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR)
			return mc_err_set(e, -errno, "waiting for %s", argv[0]);
	}
	if (n == sizeof(err) && err)
		return mc_err_set(e, -err, "running %s", argv[0]);
	return 0;
}

int netns_run(int nsfd, int (*fn)(void *arg), void *arg, struct mc_err *e)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), ret;

	if (self < 0)
		return mc_err_set(e, -errno, "opening /proc/self/ns/net");
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		ret = mc_err_set(e, -errno, "entering network namespace");
		close(self);
		return ret;
	}
	ret = fn(arg);
	if (setns(self, CLONE_NEWNET) < 0) {
		/* Continuing in the wrong namespace could change the host: stop here. */
		fprintf(stderr, "mptcpctl: cannot return to the original network namespace\n");
		abort();
	}
	close(self);
	return ret;
}
