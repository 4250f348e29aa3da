/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Network namespaces the way `ip netns` keeps them (a bind mount of the
 * namespace under /run/netns/NAME, so `ip netns exec` works on ours), and
 * per-namespace sysctls.
 */
#ifndef MC_NS_H
#define MC_NS_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/err.h"

#define NETNS_RUN_DIR "/run/netns"
#define NETNS_NAME_MAX 64

/* A name `ip netns` accepts: 1..64 chars, no '/', not "." or "..". */
bool netns_name_valid(const char *name);
/* Creates NAME: -EEXIST (it exists), -EPERM (not root), ... */
int netns_add(const char *name, struct mc_err *e);
/* Removes NAME; -ENOENT if it does not exist. */
int netns_del(const char *name, struct mc_err *e);
bool netns_exists(const char *name);
/* An O_RDONLY|O_CLOEXEC fd of the namespace, for setns() and IFLA_NET_NS_FD. */
int netns_open(const char *name, int *fd, struct mc_err *e);
/* Calls cb for every name under /run/netns; a non-zero return stops and is returned. */
int netns_list(int (*cb)(const char *name, void *data), void *data, struct mc_err *e);

/*
 * Runs argv inside the namespace the way `ip netns exec` does (own mount
 * namespace with /sys remounted for it). *status gets the wait status.
 */
int netns_exec(int nsfd, char *const argv[], int *status, struct mc_err *e);
/* Forks a child that enters nsfd and runs fn(arg); its return value is the exit code. */
int netns_fork(int nsfd, int (*fn)(void *arg), void *arg, int *pid, struct mc_err *e);

/*
 * Runs fn(arg) in this thread with network namespace nsfd, then returns to
 * the original one (threads fn creates inherit nsfd). Returns fn's value.
 */
int netns_run(int nsfd, int (*fn)(void *arg), void *arg, struct mc_err *e);

/* net.mptcp.enabled style keys; nsfd -1 = the current namespace. */
int sysctl_get(int nsfd, const char *key, char *val, size_t len, struct mc_err *e);
int sysctl_set(int nsfd, const char *key, const char *val, struct mc_err *e);
/* "net.mptcp.enabled" -> "/proc/sys/net/mptcp/enabled"; -EINVAL for odd keys. */
int sysctl_path(const char *key, char *path, size_t len);

#endif
