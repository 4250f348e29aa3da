/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * setup as a plan: desired state + current state -> ordered steps, each with
 * its inverse; shown as ip/sysctl lines, applied atomically over netlink, and
 * recorded so that undo removes exactly what was applied.
 *
 * plan_build() and the formatting/record functions are pure (unit-tested
 * without a kernel); plan_state_read(), plan_apply() and plan_undo() do I/O
 * in the current network namespace.
 */
#ifndef MC_PLAN_H
#define MC_PLAN_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../pm/pm.h"
#include "../rt/rt.h"

#define PLAN_MAX_IFACES 8
#define PLAN_MAX_STEPS 96
#define PLAN_MAX_ADDRS 64
#define PLAN_MAX_ROUTES 512
#define PLAN_MAX_RULES 128
#define PLAN_RUN_DIR "/run/mptcpctl/setup"

enum plan_role {
	ROLE_CLIENT,
	ROLE_SERVER,
	ROLE_BOTH
};

/* Per-interface policy (the daemon's config; setup honours 'ignore' too). */
enum plan_policy {
	PLAN_POLICY_USE = 0,
	PLAN_POLICY_IGNORE = 1, /* never a path: planned for nothing */
};

struct plan_iface {
	char name[IF_NAMESIZE];
	uint32_t flags; /* extra MC_PM_FLAG_*: backup, fullmesh, laminar */
	uint8_t policy; /* enum plan_policy */
};

struct plan_req {
	enum plan_role role;
	int niface;
	struct plan_iface iface[PLAN_MAX_IFACES];
	uint32_t table_base; /* first routing table id to try */
	uint32_t rule_pref; /* first rule priority to try */
	bool rp_loose; /* rp-filter loose: set 2 where it is 1 */
	/* Config 'interfaces = auto': every up, non-loopback interface with a global
	 * address, except those with policy ignore; iface[] then holds overrides. */
	bool auto_ifaces;
	/* table_base / rule_pref are where to start looking, not ids that must be free
	 * (the daemon plans one interface at a time next to its own earlier tables). */
	bool soft_base;
};

/* What the kernel has, read once before planning. */
struct plan_state {
	int nlinks;
	struct rt_link links[64];
	int naddrs;
	struct rt_addr addrs[PLAN_MAX_ADDRS];
	int nroutes;
	struct rt_route routes[PLAN_MAX_ROUTES];
	int nrules;
	struct rt_rule rules[PLAN_MAX_RULES];
	int nendpoints;
	struct pm_endpoint endpoints[PM_MAX_ENDPOINTS * 2];
	struct pm_limits limits;
	char mptcp_enabled[8];
	bool laminar_supported;
	int rp_filter[64]; /* per links[] entry: -1 unknown */
	int rp_filter_all;
};

enum step_op {
	OP_SYSCTL,
	OP_ROUTE_ADD,
	OP_ROUTE_DEL,
	OP_RULE_ADD,
	OP_RULE_DEL,
	OP_ENDPOINT_ADD,
	OP_ENDPOINT_DEL,
	OP_LIMITS,
};

struct step {
	enum step_op op;
	char ifname[IF_NAMESIZE];
	union {
		struct {
			char key[80];
			char val[48];
			char old[48];
		} sysctl;
		struct rt_route route;
		struct rt_rule rule;
		struct pm_endpoint ep;
		struct {
			struct pm_limits now, old;
		} limits;
	} u;
};

struct plan {
	int n;
	struct step v[PLAN_MAX_STEPS];
	int npaths;
	char notes[4][160]; /* things the user should know (strict rp_filter, ...) */
	int nnotes;
};

int plan_role_parse(const char *s, enum plan_role *r);
const char *plan_role_name(enum plan_role r);
/* "eno2,backup,fullmesh" -> iface; -EINVAL naming the bad flag in e. */
int plan_iface_parse(const char *s, struct plan_iface *i, struct mc_err *e);

/* The endpoint flags a path of this role and interface gets (pure). */
uint32_t plan_endpoint_flags(enum plan_role role, const struct plan_iface *pi);
/*
 * The interfaces a request means in this state (pure): 'interfaces = auto'
 * expanded, ignored ones dropped. out may not alias req.
 */
void plan_req_resolve(const struct plan_req *req, const struct plan_state *st,
		      struct plan_req *out);

/* The configuration file's text -> request (pure); errors name the line. */
int plan_conf_parse(const char *text, size_t len, struct plan_req *req, struct mc_err *e);

/* desired + current -> steps (pure). An empty plan means nothing to do. */
int plan_build(const struct plan_req *req, const struct plan_state *st, struct plan *p,
	       struct mc_err *e);
/* The inverse of a step (pure). */
void plan_step_inverse(const struct step *s, struct step *inv);
/* As the equivalent ip(8)/sysctl(8) command line. */
const char *plan_step_cmd(const struct step *s, char *buf, size_t len);
/* One line of the record file, and back (pure; the parser is fuzzed). */
int plan_step_serialize(const struct step *s, char *buf, size_t len);
int plan_step_parse(const char *line, struct step *s);
/* "net.ipv4.conf.IFACE.rp_filter", with a dot in IFACE written as '/' (as sysctl(8)). */
void plan_rp_filter_key(const char *ifname, char *buf, size_t len);
/* The sysctls a record may name: net.mptcp.enabled, rp_filter, the TCP buffers. */
bool plan_sysctl_key_ok(const char *key);

/* ---- I/O in the current network namespace ---- */
int plan_state_read(struct plan_state *st, struct mc_err *e);
/*
 * Applies the steps in order; if one fails, undoes those done, in reverse.
 * fail_at (1-based, 0 = never) makes that step fail: the tests' fault injection.
 * *done gets the number applied (all, or 0 after a rollback).
 */
int plan_apply(const struct plan *p, int fail_at, int *done, struct mc_err *e);
/*
 * The record of this namespace, per kind ("setup", "tune"):
 * /run/mptcpctl/setup/netns-cookie-<cookie>.<kind>.record
 */
int plan_record_path(const char *kind, char *buf, size_t len);
int plan_record_append(const char *kind, const struct plan *p, struct mc_err *e);
int plan_record_read(const char *kind, struct plan *p, struct mc_err *e);
int plan_record_remove(const char *kind, struct mc_err *e);
/* This network namespace's cookie (never reused, unlike an inode number). */
int plan_netns_cookie(uint64_t *cookie);
/* An exclusive lock for this namespace (fd to close), or -EBUSY. */
int plan_lock(int *fd, struct mc_err *e);
/* Whether a step's object is (still) in the kernel, per st. */
bool plan_step_present(const struct step *s, const struct plan_state *st);
/* "mptcpd" or "NetworkManager" when one runs in this network namespace, else NULL. */
const char *plan_rival_manager(void);
/* Runs the inverses of recorded steps in reverse; objects already gone are skipped. */
int plan_undo(const struct plan *rec, int *undone, int *gone, struct mc_err *e);

#endif
