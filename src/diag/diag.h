/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sock_diag: MPTCP sockets and TCP sockets (some of them MPTCP subflows),
 * decoded into plain structs, then joined into connections by token.
 *
 * The protocol travels in the INET_DIAG_REQ_PROTOCOL attribute: the request
 * header's sdiag_protocol is a u8 and 262 (MPTCP) does not fit.
 */
#ifndef MC_DIAG_H
#define MC_DIAG_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../common/addr.h"
#include "../nl/nl.h"
#include "../uapi/mptcp_uapi.h"

struct diag_tcp {
	uint32_t rtt_us, rttvar_us, snd_cwnd, snd_mss;
	uint32_t retrans, total_retrans;
	uint64_t bytes_sent, bytes_acked, bytes_received, delivery_rate;
};

struct diag_sock {
	int protocol; /* IPPROTO_TCP or IPPROTO_MPTCP: which dump it came from */
	int family; /* of the addresses: AF_INET for an IPv4 peer of a dual-stack socket */
	int sock_family; /* of the socket: which dump it is in */
	uint8_t state; /* TCP_ESTABLISHED, ... */
	struct mc_prefix src, dst;
	uint16_t sport, dport;
	int ifindex; /* bound device, 0 if none */
	uint32_t uid, inode;
	char cong[16];
	bool has_tcp;
	struct diag_tcp tcp;
	bool has_mptcp;
	size_t mptcp_len; /* bytes of mptcp_info the kernel sent */
	struct mc_mptcp_info mptcp;
	bool ulp_mptcp; /* a TCP socket that is an MPTCP subflow */
	bool has_sf; /* subflow details present (the kernel shows them to CAP_NET_ADMIN) */
	uint32_t token_loc, token_rem, sf_flags;
	uint8_t id_loc, id_rem;
};

/* states: bit mask of (1 << TCP_*). */
struct nlmsghdr *diag_req_build(void *buf, int family, int protocol, uint32_t states);
/* Decodes one SOCK_DIAG_BY_FAMILY reply (pure). protocol is the request's. */
int diag_sock_parse(const struct nlmsghdr *nlh, int protocol, struct diag_sock *s);

typedef int (*diag_cb)(const struct diag_sock *s, void *data);
/* nl: NETLINK_SOCK_DIAG. Both families are dumped when family is AF_UNSPEC. */
int diag_dump(struct nl *nl, int family, int protocol, uint32_t states, diag_cb cb, void *data,
	      struct mc_err *e);

/*
 * A dump cut in two parts that the kernel can fill at the same time on two
 * CPUs. The port space is cut into stripes: stripe 0 is every port below
 * base + width, stripe k the ports from base + k width on, the last one
 * everything above. Part 0 has the sockets whose two ports' stripes add up
 * to a multiple of mod (about 1/mod of them), part 1 the others. With the
 * ephemeral range in 16 stripes the share holds for a server's sockets (one
 * listening port, remote ports spread) and for a client's, also when the
 * kernel gave its connections neighbouring ports, once they span a few
 * stripes (thousands of connections; with fewer the parts may be uneven:
 * correct, not faster).
 */
struct diag_part {
	uint16_t base, width; /* base + (stripes - 1) width <= 65535, width >= 1 */
	int stripes; /* 2..DIAG_PART_MAX_STRIPES */
	int mod; /* 2..DIAG_PART_MAX_MOD */
	int part; /* 0 or 1 */
};

#define DIAG_PART_MAX_STRIPES 16
#define DIAG_PART_MAX_MOD 8
/* The longest filter program diag_part_bytecode writes. */
#define DIAG_PART_BC_MAX ((DIAG_PART_MAX_MOD + 1) * ((DIAG_PART_MAX_STRIPES - 1) * 8 + 4))

/* The stripes of the ephemeral range lo..hi (as ip_local_port_range says it). */
void diag_part_ephemeral(struct diag_part *h, unsigned int lo, unsigned int hi, int mod, int part);
/* The sock_diag filter program of a part (pure): its length in bytes, 0 if h is invalid. */
size_t diag_part_bytecode(const struct diag_part *h, void *buf, size_t len);

/*
 * Where a dump of many sockets decodes each one straight to, with no copy:
 * slot gives the memory (NULL: -ENOMEM), keep takes it (0 or -errno); a
 * reply that is not a socket is decoded into a slot and not kept.
 */
struct diag_sink {
	struct diag_sock *(*slot)(void *data);
	int (*keep)(void *data);
	void *data;
};

/* diag_dump into a sink, of one part (h) or of everything (h == NULL). */
int diag_dump_sink(struct nl *nl, int family, int protocol, uint32_t states,
		   const struct diag_part *h, const struct diag_sink *sink, struct mc_err *e);

/* ---- the model: connections and their subflows ---- */

#define MC_MAX_SUBFLOWS 255

struct mc_subflow {
	const struct diag_sock *s; /* in the store of its struct mc_conns */
	char ifname[IF_NAMESIZE];
	double share; /* of the connection's bytes in the busier direction, 0..1 */
	bool has_rate; /* set by mc_conns_rates when the subflow was seen before */
	double tx_bps, rx_bps;
};

enum mc_conn_kind {
	MC_CONN_MPTCP,
	MC_CONN_FALLBACK,
	MC_CONN_LISTEN
};

struct mc_conn {
	struct diag_sock s;
	enum mc_conn_kind kind;
	const char *why; /* why it fell back, where it can be told; else NULL */
	int nsub;
	int nsub_established;
	struct mc_subflow *subs;
	pid_t pid; /* 0 if unknown */
	char comm[17];
};

struct mc_conns {
	struct mc_conn *v;
	size_t n;
	struct mc_subflow *sub_pool; /* every connection's subs point into it */
	struct diag_sock *store[3]; /* the TCP sockets the subflows point to */
	bool details_hidden; /* subflow tokens hidden: not CAP_NET_ADMIN */
	bool procs_hidden; /* some processes' fds unreadable */
};

/* Dumps MPTCP and TCP sockets of the current namespace and joins them. */
int mc_conns_load(struct mc_conns *c, bool listeners, struct mc_err *e);
/* Pure part of the above: join arrays of decoded sockets (tests, fuzzers); tcp is copied. */
int mc_conns_join(struct mc_conns *c, const struct diag_sock *msk, size_t nmsk,
		  const struct diag_sock *tcp, size_t ntcp, bool listeners);
void mc_conns_free(struct mc_conns *c);
/* Owning processes from /proc (best effort: what this user may read). */
void mc_conns_procs(struct mc_conns *c);
/* Interface names of subflows, from the bound device or the local address. */
int mc_conns_ifnames(struct mc_conns *c, struct mc_err *e);

/* Per-subflow rates from the bytes acked/received since prev, dt seconds ago. */
int mc_conns_rates(struct mc_conns *cur, const struct mc_conns *prev, double dt);

const char *diag_state_name(uint8_t state);

#endif
