// SPDX-License-Identifier: GPL-2.0-or-later
#include "lab.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_addr.h>

#include "../nft/nft.h"
#include "../ns/ns.h"
#include "../rt/rt.h"

bool lab_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > LAB_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '-' && c != '_')))
			return false;
	}
	return true;
}

static void make_prefix(struct mc_prefix *p, int family, const char *s)
{
	mc_prefix_parse(s, p);
	p->family = family;
}

int lab_init(struct lab *lab, const char *name, int npaths, struct mc_err *e)
{
	if (!lab_name_valid(name))
		return mc_err_set(e, -EINVAL,
				  "invalid lab name '%s': use 1-%d letters, digits, '-' or '_'",
				  name ? name : "", LAB_NAME_MAX);
	if (npaths < 1 || npaths > LAB_MAX_PATHS)
		return mc_err_set(e, -EINVAL,
				  "paths %d: a lab has 1 to %d paths (the kernel accepts %d MPTCP "
				  "endpoints per namespace)",
				  npaths, LAB_MAX_PATHS, LAB_MAX_PATHS);
	memset(lab, 0, sizeof(*lab));
	snprintf(lab->name, sizeof(lab->name), "%s", name);
	lab->npaths = npaths;
	for (int k = 1; k <= npaths; k++) {
		struct lab_path *p = &lab->paths[k - 1];
		char net[32], s[64];

		snprintf(p->ifname, sizeof(p->ifname), "eno%d", k);
		if (k == 1)
			snprintf(net, sizeof(net), "10.0.0.");
		else if (k == 2)
			snprintf(net, sizeof(net), "192.168.0.");
		else
			snprintf(net, sizeof(net), "10.0.%d.", k - 1);
		for (int h = 0; h < 2; h++) {
			snprintf(s, sizeof(s), "%s%d/24", net, h + 1);
			make_prefix(&p->addr4[h], AF_INET, s);
			snprintf(s, sizeof(s), "fd00:0:0:%d::%d/64", k, h + 1);
			make_prefix(&p->addr6[h], AF_INET6, s);
		}
	}
	return 0;
}

const char *lab_ns_name(const struct lab *lab, enum lab_host h, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%s", lab->name, h == LAB_CLI ? "cli" : "srv");
	return buf;
}

int lab_host_parse(const struct lab *lab, const char *s, enum lab_host *h)
{
	char ns[LAB_NAME_MAX + 8];

	if (!strcmp(s, "cli") || !strcmp(s, "client") ||
	    !strcmp(s, lab_ns_name(lab, LAB_CLI, ns, sizeof(ns)))) {
		*h = LAB_CLI;
		return 0;
	}
	if (!strcmp(s, "srv") || !strcmp(s, "server") ||
	    !strcmp(s, lab_ns_name(lab, LAB_SRV, ns, sizeof(ns)))) {
		*h = LAB_SRV;
		return 0;
	}
	return -EINVAL;
}

static void state_path(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s.state", LAB_STATE_DIR, name);
}

static int mkdir_p(const char *dir)
{
	char tmp[128];

	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int state_write(const struct lab *lab, struct mc_err *e)
{
	char path[128], tmp[136], buf[2048];
	int len = lab_state_format(lab, buf, sizeof(buf));
	int fd, ret;

	if (len < 0)
		return mc_err_set(e, len, "formatting lab state");
	ret = mkdir_p(LAB_STATE_DIR);
	if (ret)
		return mc_err_set(e, ret, "creating %s", LAB_STATE_DIR);
	state_path(lab->name, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return mc_err_set(e, -errno, "writing %s", tmp);
	if (write(fd, buf, (size_t)len) != len) {
		ret = mc_err_set(e, -EIO, "writing %s", tmp);
		close(fd);
		unlink(tmp);
		return ret;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		ret = mc_err_set(e, -errno, "renaming %s", tmp);
		unlink(tmp);
		return ret;
	}
	return 0;
}

int lab_load(const char *name, struct lab *lab, struct mc_err *e)
{
	char path[128], buf[4096];
	ssize_t n;
	int fd, ret;

	if (!lab_name_valid(name))
		return mc_err_set(e, -EINVAL, "invalid lab name '%s'", name ? name : "");
	state_path(name, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return mc_err_set(e, -ENOENT, "no lab named %s (mptcpctl lab list)", name);
		return mc_err_set(e, -errno, "reading %s", path);
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return mc_err_set(e, -errno, "reading %s", path);
	if ((size_t)n == sizeof(buf))
		return mc_err_set(e, -EFBIG, "%s is too large", path);
	ret = lab_state_parse(buf, (size_t)n, lab, e);
	if (ret)
		return mc_err_ctx(e, ret, "%s", path);
	if (strcmp(lab->name, name))
		return mc_err_set(e, -EBADMSG, "%s names another lab (%s)", path, lab->name);
	return 0;
}

int lab_list(int (*cb)(const struct lab *lab, void *data), void *data, struct mc_err *e)
{
	struct dirent *d;
	int ret = 0;
	DIR *dir = opendir(LAB_STATE_DIR);

	if (!dir)
		return errno == ENOENT ? 0 : mc_err_set(e, -errno, "reading %s", LAB_STATE_DIR);
	while ((d = readdir(dir))) {
		char name[LAB_NAME_MAX + 1];
		size_t n = strlen(d->d_name);
		struct lab lab;

		if (n < 7 || strcmp(d->d_name + n - 6, ".state") || n - 6 > LAB_NAME_MAX)
			continue;
		memcpy(name, d->d_name, n - 6);
		name[n - 6] = '\0';
		if (lab_load(name, &lab, NULL))
			continue;
		ret = cb(&lab, data);
		if (ret)
			break;
	}
	closedir(dir);
	return ret;
}

/* Removes both namespaces (their veths go with them) and the state file. */
static int teardown(const struct lab *lab, struct mc_err *e)
{
	char ns[LAB_NAME_MAX + 8], path[128];
	int ret = 0;

	for (int h = 0; h < 2; h++) {
		lab_ns_name(lab, h, ns, sizeof(ns));
		if (netns_exists(ns)) {
			int r = netns_del(ns, e);

			if (r && !ret)
				ret = r;
		}
	}
	state_path(lab->name, path, sizeof(path));
	if (!ret && unlink(path) < 0 && errno != ENOENT)
		ret = mc_err_set(e, -errno, "removing %s", path);
	return ret;
}

struct host {
	int nsfd;
	struct nl nl;
	char ns[LAB_NAME_MAX + 8];
};

static int path_up(const struct lab *lab, int i, struct host *hosts, struct mc_err *e)
{
	const struct lab_path *p = &lab->paths[i];
	int ret;

	ret = rt_veth_add(&hosts[LAB_CLI].nl, p->ifname, -1, p->ifname, hosts[LAB_SRV].nsfd, e);
	if (ret)
		return ret;
	/*
	 * Up first, addresses after: IPv6 addresses added to a down link go
	 * through the kernel's re-adding of permanent addresses at NETDEV_UP,
	 * which can drop them.
	 */
	for (int h = 0; h < 2; h++) {
		ret = rt_link_set_up(&hosts[h].nl, p->ifname, true, e);
		if (ret)
			return mc_err_ctx(e, ret, "%s", hosts[h].ns);
	}
	for (int h = 0; h < 2; h++) {
		struct nl *nl = &hosts[h].nl;
		struct rt_tbf tbf;

		ret = rt_addr_add(nl, p->ifname, &p->addr4[h], 0, e);
		if (!ret)
			ret = rt_addr_add(nl, p->ifname, &p->addr6[h], IFA_F_NODAD, e);
		if (!ret && p->delay_us) {
			rt_tbf_defaults(p->rate_bps, &tbf);
			ret = rt_netem_tbf_set(nl, p->ifname, p->delay_us * 1000,
					       p->rate_bps ? &tbf : NULL, e);
		} else if (!ret && p->rate_bps) {
			rt_tbf_defaults(p->rate_bps, &tbf);
			ret = rt_tbf_set(nl, p->ifname, &tbf, e);
		}
		if (ret)
			return mc_err_ctx(e, ret, "%s", hosts[h].ns);
	}
	return 0;
}

struct addr_check {
	const struct lab *lab;
	enum lab_host h;
	unsigned int found; /* bit per (path, family) */
};

static int addr_check_cb(const struct rt_addr *a, void *data)
{
	struct addr_check *c = data;

	for (int i = 0; i < c->lab->npaths; i++) {
		if (mc_prefix_equal(&a->p, &c->lab->paths[i].addr4[c->h]))
			c->found |= 1U << (2 * i);
		if (mc_prefix_equal(&a->p, &c->lab->paths[i].addr6[c->h]))
			c->found |= 1U << (2 * i + 1);
	}
	return 0;
}

/* What was built is there: every address, read back from the kernel. */
static int hosts_verify(const struct lab *lab, struct host *hosts, struct mc_err *e)
{
	for (int h = 0; h < 2; h++) {
		struct addr_check c = { .lab = lab, .h = h };
		int ret = rt_addr_dump(&hosts[h].nl, AF_UNSPEC, addr_check_cb, &c, e);

		if (ret)
			return mc_err_ctx(e, ret, "%s", hosts[h].ns);
		for (int i = 0; i < 2 * lab->npaths; i++) {
			const struct lab_path *p = &lab->paths[i / 2];
			char a[MC_ADDRSTRLEN];

			if (c.found & (1U << i))
				continue;
			return mc_err_set(e, -EADDRNOTAVAIL,
					  "%s: address %s on %s vanished after it was added",
					  hosts[h].ns,
					  mc_prefix_fmt(i % 2 ? &p->addr6[h] : &p->addr4[h], true,
							a, sizeof(a)),
					  p->ifname);
		}
	}
	return 0;
}

static int hosts_build(struct lab *lab, struct host *hosts, struct mc_err *e)
{
	const char *ifnames[LAB_MAX_PATHS];
	double loss[LAB_MAX_PATHS];
	bool any_loss = false;
	int ret;

	for (int h = 0; h < 2; h++) {
		ret = netns_add(hosts[h].ns, e);
		if (ret)
			return ret;
		ret = netns_open(hosts[h].ns, &hosts[h].nsfd, e);
		if (ret)
			return ret;
		ret = nl_open_netns(&hosts[h].nl, NETLINK_ROUTE, hosts[h].nsfd, e);
		if (ret)
			return ret;
		ret = rt_link_set_up(&hosts[h].nl, "lo", true, e);
		if (!ret)
			ret = sysctl_set(hosts[h].nsfd, "net.mptcp.enabled", "1", e);
		if (ret)
			return mc_err_ctx(e, ret, "%s", hosts[h].ns);
	}
	for (int i = 0; i < lab->npaths; i++) {
		ret = path_up(lab, i, hosts, e);
		if (ret)
			return mc_err_ctx(e, ret, "path %d", i + 1);
		ifnames[i] = lab->paths[i].ifname;
		loss[i] = lab->paths[i].loss_pct;
		any_loss |= loss[i] > 0;
	}
	for (int h = 0; any_loss && h < 2; h++) {
		ret = nft_loss_set(hosts[h].nsfd, ifnames, loss, lab->npaths, e);
		if (ret)
			return mc_err_ctx(e, ret, "%s: setting packet loss", hosts[h].ns);
	}
	return hosts_verify(lab, hosts, e);
}

int lab_up(struct lab *lab, struct mc_err *e)
{
	struct host hosts[2];
	char path[128];
	int ret;

	if (geteuid() != 0)
		return mc_err_set(e, -EPERM,
				  "lab up needs root (it creates network namespaces and links)");
	memset(hosts, 0, sizeof(hosts));
	for (int h = 0; h < 2; h++) {
		hosts[h].nsfd = -1;
		lab_ns_name(lab, h, hosts[h].ns, sizeof(hosts[h].ns));
	}
	state_path(lab->name, path, sizeof(path));
	if (access(path, F_OK) == 0)
		return mc_err_set(e, -EEXIST, "lab %s already exists (mptcpctl lab down %s)",
				  lab->name, lab->name);
	for (int h = 0; h < 2; h++)
		if (netns_exists(hosts[h].ns))
			return mc_err_set(e, -EEXIST,
					  "network namespace %s exists and is not a mptcpctl lab; "
					  "choose another name",
					  hosts[h].ns);
	lab->up = false;
	ret = state_write(lab, e);
	if (ret)
		return ret;
	ret = hosts_build(lab, hosts, e);
	if (!ret) {
		lab->up = true;
		ret = state_write(lab, e);
	}
	for (int h = 0; h < 2; h++) {
		if (hosts[h].nl.sk)
			nl_close(&hosts[h].nl);
		if (hosts[h].nsfd >= 0)
			close(hosts[h].nsfd);
	}
	if (ret) {
		lab->up = false;
		teardown(lab, NULL);
	}
	return ret;
}

int lab_down(const char *name, struct mc_err *e)
{
	struct lab lab;
	int ret;

	if (!lab_name_valid(name))
		return mc_err_set(e, -EINVAL, "invalid lab name '%s'", name ? name : "");
	if (geteuid() != 0)
		return mc_err_set(e, -EPERM, "lab down needs root");
	ret = lab_load(name, &lab, e);
	if (ret == -ENOENT) {
		char ns[LAB_NAME_MAX + 8];

		lab_init(&lab, name, 1, NULL);
		for (int h = 0; h < 2; h++)
			if (netns_exists(lab_ns_name(&lab, h, ns, sizeof(ns))))
				return mc_err_set(e, -EPERM,
						  "network namespace %s is not a mptcpctl lab: "
						  "leaving it alone",
						  ns);
		mc_err_clear(e);
		return 0; /* nothing to do */
	}
	if (ret)
		return ret;
	return teardown(&lab, e);
}

int lab_exec(const struct lab *lab, enum lab_host h, char *const argv[], int *status,
	     struct mc_err *e)
{
	char ns[LAB_NAME_MAX + 8];
	int fd, ret;

	ret = netns_open(lab_ns_name(lab, h, ns, sizeof(ns)), &fd, e);
	if (ret)
		return ret;
	ret = netns_exec(fd, argv, status, e);
	close(fd);
	return ret;
}

struct inspect_ctx {
	struct lab_host_view *v;
	int idx[LAB_MAX_PATHS]; /* ifindex of each view entry */
};

static struct lab_if_view *view_by_index(struct inspect_ctx *c, int ifindex)
{
	for (int i = 0; i < c->v->nifs; i++)
		if (c->idx[i] == ifindex)
			return &c->v->ifs[i];
	return NULL;
}

static int inspect_link(const struct rt_link *l, void *data)
{
	struct inspect_ctx *c = data;
	struct lab_if_view *iv;

	if (strncmp(l->name, "eno", 3) || c->v->nifs >= LAB_MAX_PATHS)
		return 0;
	iv = &c->v->ifs[c->v->nifs];
	c->idx[c->v->nifs++] = l->ifindex;
	snprintf(iv->ifname, sizeof(iv->ifname), "%s", l->name);
	iv->up = l->flags & IFF_UP;
	iv->tx_bytes = l->tx_bytes;
	iv->rx_bytes = l->rx_bytes;
	return 0;
}

static int inspect_addr(const struct rt_addr *a, void *data)
{
	struct lab_if_view *iv = view_by_index(data, a->ifindex);

	if (iv && iv->naddrs < 4 && a->scope == 0)
		iv->addrs[iv->naddrs++] = a->p;
	return 0;
}

static int inspect_qdisc(const struct rt_qdisc *q, void *data)
{
	struct lab_if_view *iv = view_by_index(data, q->ifindex);

	if (!iv)
		return 0;
	if (!strcmp(q->kind, "tbf"))
		iv->rate_bps = q->rate_bps;
	else if (!strcmp(q->kind, "netem"))
		iv->delay_ns = q->delay_ns;
	return 0;
}

int lab_inspect(const struct lab *lab, enum lab_host h, struct lab_host_view *v, struct mc_err *e)
{
	struct inspect_ctx c = { .v = v };
	struct nl nl;
	int fd, ret;

	memset(v, 0, sizeof(*v));
	lab_ns_name(lab, h, v->ns, sizeof(v->ns));
	ret = netns_open(v->ns, &fd, e);
	if (ret)
		return ret;
	ret = nl_open_netns(&nl, NETLINK_ROUTE, fd, e);
	if (ret)
		goto out_close;
	ret = rt_link_dump(&nl, inspect_link, &c, e);
	if (!ret)
		ret = rt_addr_dump(&nl, AF_UNSPEC, inspect_addr, &c, e);
	if (!ret)
		ret = rt_qdisc_dump(&nl, inspect_qdisc, &c, e);
	if (!ret &&
	    sysctl_get(fd, "net.mptcp.enabled", v->mptcp_enabled, sizeof(v->mptcp_enabled), NULL))
		snprintf(v->mptcp_enabled, sizeof(v->mptcp_enabled), "absent");
	nl_close(&nl);
out_close:
	close(fd);
	if (ret)
		return mc_err_ctx(e, ret, "%s", v->ns);
	return 0;
}
