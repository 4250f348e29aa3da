/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's MPTCP path manager over generic netlink ("mptcp_pm"): its
 * event multicast group now; endpoints and limits come with `setup`.
 */
#ifndef MC_PM_H
#define MC_PM_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/addr.h"
#include "../nl/genl.h"
#include "../uapi/mptcp_uapi.h"

#define PM_GENL_NAME "mptcp_pm"
#define PM_EVENTS_GROUP "mptcp_pm_events"

enum pm_event_type {
	PM_EV_UNSPEC = 0,
	PM_EV_CREATED = 1,
	PM_EV_ESTABLISHED = 2,
	PM_EV_CLOSED = 3,
	PM_EV_ANNOUNCED = 6,
	PM_EV_REMOVED = 7,
	PM_EV_SUB_ESTABLISHED = 10,
	PM_EV_SUB_CLOSED = 11,
	PM_EV_SUB_PRIORITY = 13,
	PM_EV_LISTENER_CREATED = 15,
	PM_EV_LISTENER_CLOSED = 16,
};

/* MPTCP_ATTR_* of the event messages. */
enum {
	PM_ATTR_UNSPEC,
	PM_ATTR_TOKEN,
	PM_ATTR_FAMILY,
	PM_ATTR_LOC_ID,
	PM_ATTR_REM_ID,
	PM_ATTR_SADDR4,
	PM_ATTR_SADDR6,
	PM_ATTR_DADDR4,
	PM_ATTR_DADDR6,
	PM_ATTR_SPORT,
	PM_ATTR_DPORT,
	PM_ATTR_BACKUP,
	PM_ATTR_ERROR,
	PM_ATTR_FLAGS,
	PM_ATTR_TIMEOUT,
	PM_ATTR_IF_IDX,
	PM_ATTR_RESET_REASON,
	PM_ATTR_RESET_FLAGS,
	PM_ATTR_SERVER_SIDE,
	PM_ATTR_MAX = PM_ATTR_SERVER_SIDE,
};

#define PM_HAS_TOKEN (1U << 0)
#define PM_HAS_SADDR (1U << 1)
#define PM_HAS_DADDR (1U << 2)
#define PM_HAS_SPORT (1U << 3)
#define PM_HAS_DPORT (1U << 4)
#define PM_HAS_LOC_ID (1U << 5)
#define PM_HAS_REM_ID (1U << 6)
#define PM_HAS_BACKUP (1U << 7)
#define PM_HAS_ERROR (1U << 8)
#define PM_HAS_IF_IDX (1U << 9)
#define PM_HAS_TIMEOUT (1U << 10)
#define PM_HAS_RESET (1U << 11)
#define PM_HAS_FLAGS (1U << 12)

struct pm_event {
	uint8_t type;
	uint32_t has; /* PM_HAS_* */
	uint32_t token;
	int family;
	struct mc_prefix saddr, daddr;
	uint16_t sport, dport;
	uint8_t loc_id, rem_id, backup;
	bool server_side;
	uint32_t error;
	int32_t if_idx;
	uint32_t timeout;
	uint32_t reset_reason, reset_flags;
	uint32_t flags;
};

/* "created", "sub_established", ...; "unknown" for others. */
const char *pm_event_name(uint8_t type);
/* Decodes one event message of family id `family` (pure). -ENOENT: not an event of it. */
int pm_event_parse(const struct nlmsghdr *nlh, uint16_t family, struct pm_event *ev);

/* ---- endpoints and limits (the in-kernel path manager) ---- */

enum {
	PM_CMD_ADD_ADDR = 1,
	PM_CMD_DEL_ADDR = 2,
	PM_CMD_GET_ADDR = 3,
	PM_CMD_FLUSH_ADDRS = 4,
	PM_CMD_SET_LIMITS = 5,
	PM_CMD_GET_LIMITS = 6,
};

/* MPTCP_PM_ATTR_* and MPTCP_PM_ADDR_ATTR_* */
enum {
	PM_A_UNSPEC,
	PM_A_ADDR,
	PM_A_RCV_ADD_ADDRS,
	PM_A_SUBFLOWS,
	PM_A_MAX = PM_A_SUBFLOWS
};
enum {
	PM_AA_UNSPEC,
	PM_AA_FAMILY,
	PM_AA_ID,
	PM_AA_ADDR4,
	PM_AA_ADDR6,
	PM_AA_PORT,
	PM_AA_FLAGS,
	PM_AA_IF_IDX,
	PM_AA_MAX = PM_AA_IF_IDX,
};

#define PM_MAX_ENDPOINTS 8 /* the kernel's limit per namespace (MPTCP_PM_ADDR_MAX) */
#define PM_MAX_LIMIT 8

struct pm_endpoint {
	uint8_t id; /* 0 = let the kernel choose (on add) */
	struct mc_prefix addr;
	uint16_t port;
	uint32_t flags; /* MC_PM_FLAG_* */
	int ifindex;
};

struct pm_limits {
	uint32_t subflows;
	uint32_t add_addr_accepted;
};

struct nlmsghdr *pm_endpoint_build(void *buf, uint16_t family, uint8_t cmd,
				   const struct pm_endpoint *ep);
struct nlmsghdr *pm_limits_build(void *buf, uint16_t family, const struct pm_limits *l);
int pm_endpoint_parse(const struct nlmsghdr *nlh, uint16_t family, struct pm_endpoint *ep);
int pm_limits_parse(const struct nlmsghdr *nlh, uint16_t family, struct pm_limits *l);
/* "signal,subflow,backup" etc. into buf. */
const char *pm_flags_str(uint32_t flags, char *buf, size_t len);

/* A generic netlink socket with the mptcp_pm family resolved. */
struct pm {
	struct nl nl;
	struct genl_family fam;
};
int pm_open(struct pm *pm, struct mc_err *e);
void pm_close(struct pm *pm);
int pm_endpoint_add(struct pm *pm, const struct pm_endpoint *ep, struct mc_err *e);
int pm_endpoint_del(struct pm *pm, const struct pm_endpoint *ep, struct mc_err *e);
typedef int (*pm_endpoint_cb)(const struct pm_endpoint *ep, void *data);
int pm_endpoint_dump(struct pm *pm, pm_endpoint_cb cb, void *data, struct mc_err *e);
int pm_limits_get(struct pm *pm, struct pm_limits *l, struct mc_err *e);
int pm_limits_set(struct pm *pm, const struct pm_limits *l, struct mc_err *e);

/* Opens a generic netlink socket subscribed to the events. */
int pm_events_open(struct nl *nl, struct genl_family *fam, struct mc_err *e);

#endif
