/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mptcpctl daemon: keeps the kernel equal to setup's desired state while links,
 * addresses and routes change. The desired state is a plan_req (setup's config
 * file, with per-interface policy); every change is a plan of setup's steps,
 * applied by plan_apply() and recorded as kind "daemon".
 *
 * dmn_decide() and the event classifier are pure (unit-tested with hand-made
 * state and golden netlink bytes); dmn_run() is the epoll loop over
 * rtnetlink, the mptcp_pm events, a signalfd and a timerfd.
 */
#ifndef MC_DAEMON_H
#define MC_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../plan/plan.h"

#define DMN_KIND "daemon"
#define DMN_RUN_DIR "/run/mptcpctl/daemon"
#define DMN_MAX_IDS 32

/* The endpoint id each address had: a path that comes back gets it again. */
struct dmn_ids {
	int n;
	struct {
		struct mc_prefix addr;
		uint8_t id;
	} v[DMN_MAX_IDS];
};

/* What to do now: removals (applied one by one, first), then additions. */
struct dmn_actions {
	struct plan rm;
	char rm_why[PLAN_MAX_STEPS][96];
	struct plan add; /* grouped by interface (ifname), then limits */
	char skipped[PLAN_MAX_IFACES][200]; /* interfaces that could not be planned, why */
	int nskipped;
};

/* ---- pure ---- */

/* Administratively up and with carrier. */
bool dmn_link_usable(const struct rt_link *l);
/*
 * desired (req) + kernel (st) + what the daemon owns (its applied steps) ->
 * actions. An owned endpoint whose link lost carrier or whose address went is
 * withdrawn, together with the initial subflows from its address (endpoint id
 * 0 with the address); a removed address also loses its rule and routes; a
 * policy change replaces the endpoint. Additions are setup's plan, one
 * interface at a time, with the remembered endpoint ids.
 */
int dmn_decide(const struct plan_req *req, const struct plan_state *st, const struct plan *owned,
	       const struct dmn_ids *ids, struct dmn_actions *act, struct mc_err *e);
/* After a step was applied: owned gains an addition, loses what a removal removed. */
void dmn_owned_apply(struct plan *owned, const struct step *s);
/* Drops owned objects the kernel no longer has (limits and sysctls stay). */
void dmn_owned_prune(struct plan *owned, const struct plan_state *st);
/* Remembers addr -> id (the newest wins). */
void dmn_ids_note(struct dmn_ids *ids, const struct mc_prefix *addr, uint8_t id);
int dmn_ids_find(const struct dmn_ids *ids, const struct mc_prefix *addr);
/* One "# id ADDR N" record comment, and back (the parser takes untrusted text). */
int dmn_ids_line_parse(const char *line, struct mc_prefix *addr, uint8_t *id);

enum dmn_ev {
	DMN_EV_NONE = 0, /* not ours / nothing to do */
	DMN_EV_CHANGE = 1, /* something changed: reconcile soon (coalesced) */
	DMN_EV_URGENT = 2, /* a link lost carrier or went, an address went: now */
};
/* Classifies one rtnetlink notification (pure; never trusts the bytes). */
enum dmn_ev dmn_rtnl_classify(const struct nlmsghdr *nlh, int len);

/* ---- sd_notify: "READY=1" etc. to $NOTIFY_SOCKET (no libsystemd) ---- */
int dmn_notify(const char *msg);

/* ---- the daemon's pid file: whether (and which) daemon manages this namespace ---- */
/* 0 and *pid when a daemon holds this namespace's lock, -ENOENT when none does. */
int dmn_running(pid_t *pid, char *conf, size_t conflen);

/* ---- the loop ---- */
enum dmn_log {
	DMN_LOG_ERR = 3,
	DMN_LOG_WARN = 4,
	DMN_LOG_NOTICE = 5,
	DMN_LOG_INFO = 6,
	DMN_LOG_DEBUG = 7,
};

struct dmn_opts {
	const char *conf_path; /* NULL: req as given */
	struct plan_req req;
	bool force; /* go on although mptcpd / NetworkManager runs here */
	bool cleanup; /* undo what the daemon applied when it stops */
	uint32_t resync_ms; /* full re-read however quiet (default 30 s) */
	uint32_t coalesce_ms; /* delay for non-urgent changes (default 20 ms) */
	/* Where the daemon's words go (the CLI prints them). */
	void (*log)(void *arg, int prio, const char *msg);
	void *log_arg;
};

/* Reads a config file into req; -EINVAL with e naming the line. */
int dmn_conf_load(const char *path, struct plan_req *req, struct mc_err *e);
/* Runs until SIGTERM/SIGINT; SIGHUP re-reads the config. */
int dmn_run(const struct dmn_opts *o, struct mc_err *e);

#endif
