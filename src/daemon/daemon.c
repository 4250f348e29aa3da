// SPDX-License-Identifier: GPL-2.0-or-later
/* The daemon's small parts: event classes, sd_notify, the pid file, the config file. */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

enum dmn_ev dmn_rtnl_classify(const struct nlmsghdr *nlh, int len)
{
	struct rt_link l;

	if (len < (int)sizeof(*nlh) || !nl_msg_fits(nlh, len))
		return DMN_EV_NONE;
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
		if (rt_link_parse(nlh, &l))
			return DMN_EV_NONE; /* malformed: the periodic re-read covers us */
		return (l.flags & IFF_UP) && (l.flags & IFF_LOWER_UP) ? DMN_EV_CHANGE :
									DMN_EV_URGENT;
	case RTM_DELLINK:
	case RTM_DELADDR:
		return nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(struct ifaddrmsg) ? DMN_EV_URGENT :
										   DMN_EV_NONE;
	case RTM_NEWADDR:
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
	case RTM_NEWRULE:
	case RTM_DELRULE:
		return DMN_EV_CHANGE;
	default:
		return DMN_EV_NONE;
	}
}

int dmn_notify(const char *msg)
{
	static const char *path;
	static bool looked;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n;
	int fd, ret = 0;

	if (!looked) {
		path = getenv("NOTIFY_SOCKET");
		looked = true;
	}
	if (!path || !*path)
		return 0;
	n = strlen(path);
	if (n >= sizeof(sa.sun_path) || (path[0] != '/' && path[0] != '@'))
		return -EINVAL;
	memcpy(sa.sun_path, path, n);
	if (path[0] == '@')
		sa.sun_path[0] = '\0'; /* an abstract socket */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa,
		   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int dmn_running(pid_t *pid, char *conf, size_t conflen)
{
	char path[128], buf[512];
	uint64_t cookie;
	ssize_t n;
	int fd, ret;

	*pid = 0;
	if (conf && conflen)
		conf[0] = '\0';
	ret = plan_netns_cookie(&cookie);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/netns-cookie-%llu.pid", DMN_RUN_DIR,
		 (unsigned long long)cookie);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
		close(fd); /* a file nobody holds: a daemon that is gone */
		return -ENOENT;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ENOENT;
	buf[n] = '\0';
	{
		char *nl = strchr(buf, '\n');
		long v = strtol(buf, NULL, 10);

		*pid = v > 0 ? (pid_t)v : 0;
		if (conf && conflen && nl) {
			snprintf(conf, conflen, "%s", nl + 1);
			conf[strcspn(conf, "\n")] = '\0';
		}
	}
	return 0;
}

int dmn_conf_load(const char *path, struct plan_req *req, struct mc_err *e)
{
	char *buf = malloc(65536);
	ssize_t n = 0, r;
	int fd, ret;

	if (!buf)
		return mc_err_set(e, -ENOMEM, "reading %s", path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = mc_err_set(e, -errno, "%s", path);
		goto out;
	}
	while ((r = read(fd, buf + n, (size_t)(65536 - n))) > 0 && n + r < 65536)
		n += r;
	close(fd);
	if (r < 0) {
		ret = mc_err_set(e, -errno, "reading %s", path);
		goto out;
	}
	if (r > 0) {
		ret = mc_err_set(e, -EFBIG, "%s: larger than 64 KiB", path);
		goto out;
	}
	ret = plan_conf_parse(buf, (size_t)n, req, e);
	if (ret)
		mc_err_ctx(e, ret, "%s", path);
out:
	free(buf);
	return ret;
}
