/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The lab: two hosts, NAME-cli and NAME-srv, as network namespaces joined by
 * N veth links ("paths"), each optionally shaped (TBF), lossy (nftables) and
 * delayed (netem, where the kernel has it). Addressing follows the seed story:
 *
 *   path 1: eno1, 10.0.0.0/24      client .1, server .2, fd00:0:0:1::/64
 *   path 2: eno2, 192.168.0.0/24   client .1, server .2, fd00:0:0:2::/64
 *   path k >= 3: enoK, 10.0.(k-1).0/24, fd00:0:0:k::/64
 *
 * State lives in /run/mptcpctl/lab/NAME.state, written before anything is
 * created, so `lab down` can clean up after a crash and a namespace that is
 * not ours is never touched.
 */
#ifndef MC_LAB_H
#define MC_LAB_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/addr.h"
#include "../common/err.h"

#define LAB_MAX_PATHS 8
#define LAB_NAME_MAX 24
#define LAB_STATE_DIR "/run/mptcpctl/lab"
#define LAB_DEFAULT_NAME "lab"

enum lab_host {
	LAB_CLI = 0,
	LAB_SRV = 1
};

struct lab_path {
	char ifname[IF_NAMESIZE];
	struct mc_prefix addr4[2]; /* [LAB_CLI], [LAB_SRV], with /24 */
	struct mc_prefix addr6[2]; /* with /64 */
	uint64_t rate_bps; /* 0 = unshaped */
	double loss_pct; /* 0 = none */
	uint64_t delay_us; /* 0 = none */
};

struct lab {
	char name[LAB_NAME_MAX + 1];
	int npaths;
	bool up; /* state file says fully created */
	struct lab_path paths[LAB_MAX_PATHS];
};

/* Checks a lab name: 1..24 of [A-Za-z0-9_-], starting with a letter or digit. */
bool lab_name_valid(const char *name);
/* Fills the default topology (addresses, names) for npaths (1..LAB_MAX_PATHS). */
int lab_init(struct lab *lab, const char *name, int npaths, struct mc_err *e);
/* "NAME-cli" / "NAME-srv". */
const char *lab_ns_name(const struct lab *lab, enum lab_host h, char *buf, size_t len);
/* "cli", "client", "srv", "server" (or the full namespace name) -> host. */
int lab_host_parse(const struct lab *lab, const char *s, enum lab_host *h);

/* Builds everything; on any failure removes what it made. Needs root. */
int lab_up(struct lab *lab, struct mc_err *e);
/* Removes a lab (idempotent: 0 if there is none); refuses namespaces that are not ours. */
int lab_down(const char *name, struct mc_err *e);
/* Reads a lab's state file; -ENOENT if there is no such lab. */
int lab_load(const char *name, struct lab *lab, struct mc_err *e);
/* Calls cb for every lab with a state file. */
int lab_list(int (*cb)(const struct lab *lab, void *data), void *data, struct mc_err *e);

/* What the kernel says a lab host has, for `lab show`. */
struct lab_if_view {
	char ifname[IF_NAMESIZE];
	bool up;
	int naddrs;
	struct mc_prefix addrs[4];
	uint64_t rate_bps; /* from the TBF qdisc, 0 if none */
	uint64_t delay_ns; /* from netem, 0 if none */
	uint64_t tx_bytes, rx_bytes;
};

struct lab_host_view {
	char ns[LAB_NAME_MAX + 8];
	char mptcp_enabled[8];
	int nifs;
	struct lab_if_view ifs[LAB_MAX_PATHS];
};

int lab_inspect(const struct lab *lab, enum lab_host h, struct lab_host_view *v, struct mc_err *e);

/* Runs argv inside a lab host; *status is the wait status. */
int lab_exec(const struct lab *lab, enum lab_host h, char *const argv[], int *status,
	     struct mc_err *e);

/* --- state file (pure) --- */
/* Formats into buf; returns length or -ENOSPC. */
int lab_state_format(const struct lab *lab, char *buf, size_t len);
/* Parses a state file's text; -EBADMSG with e naming the line on anything odd. */
int lab_state_parse(const char *text, size_t len, struct lab *lab, struct mc_err *e);

/* --- a TCP/MPTCP bulk transfer between the hosts over one path (demo, tests) --- */
struct lab_xfer {
	uint64_t bytes; /* received by the server */
	uint64_t usec; /* first to last byte at the receiver */
	uint64_t bps; /* goodput */
	int protocol; /* SO_PROTOCOL of the client socket: 6 TCP, 262 MPTCP */
	bool verified; /* verify: every byte checked */
	uint64_t bad_bytes; /* verify: bytes that differed from the pattern, or never arrived */
	uint64_t wrong_bytes; /* verify: of those, bytes that arrived but differed */
};

struct lab_xfer_opts {
	int path; /* 0-based: the server address the client connects to */
	int family; /* AF_INET or AF_INET6 */
	uint64_t dur_us;
	bool mptcp;
	bool verify; /* the sender writes a pattern, the receiver checks every byte */
	/* Called in this process mid_at_us after the start, while data flows. */
	void (*mid)(void *arg);
	void *mid_arg;
	uint64_t mid_at_us;
	/* Called every tick_us (0: never) with the time since the start. */
	void (*tick)(void *arg, uint64_t t_us);
	void *tick_arg;
	uint64_t tick_us;
};

int lab_xfer(const struct lab *lab, const struct lab_xfer_opts *o, struct lab_xfer *r,
	     struct mc_err *e);
/* Client on path `path` (0-based) sends for dur_us; family AF_INET or AF_INET6. */
int lab_xfer_run(const struct lab *lab, int path, int family, uint64_t dur_us, bool mptcp,
		 struct lab_xfer *r, struct mc_err *e);

#endif
