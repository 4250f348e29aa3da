/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The capture model: TCP segments in, connections out. MPTCP connections are
 * keyed by their tokens (from the keys of MP_CAPABLE, or the token of an
 * MP_JOIN), their subflows by the 4-tuple; plain TCP connections are kept
 * too. The model never prints; cmd_capture.c renders it.
 */
#ifndef MC_CAPTURE_H
#define MC_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpopt.h"
#include "../common/err.h"

#define CAP_IFNAMSIZ 16
/* Address announcements kept per connection (more are counted). */
#define CAP_EVENTS_MAX 256
/* Disjoint DSN ranges kept per direction for the reinjection count. */
#define CAP_COV_MAX 4096

enum cap_role {
	CAP_ROLE_TCP, /* plain TCP: no MPTCP option in its SYN */
	CAP_ROLE_INITIAL, /* the MP_CAPABLE subflow */
	CAP_ROLE_JOIN, /* an MP_JOIN subflow */
	CAP_ROLE_MIDSTREAM, /* MPTCP options, but its handshake is not in the capture */
};

enum cap_join {
	CAP_JOIN_NONE,
	CAP_JOIN_SYN, /* SYN sent, no answer (yet) */
	CAP_JOIN_SYNACK, /* SYN/ACK with MP_JOIN, no third ACK (yet) */
	CAP_JOIN_JOINED, /* the third ACK carried MP_JOIN's HMAC */
	CAP_JOIN_REFUSED_RST, /* answered by a RST */
	CAP_JOIN_REFUSED_NOJOIN, /* a SYN/ACK without MP_JOIN */
};

enum cap_fallback {
	CAP_FB_NONE,
	CAP_FB_SYNACK_NO_MPC, /* the SYN asked (MP_CAPABLE), the SYN/ACK did not answer */
	CAP_FB_ACK_NO_MPC, /* the SYN/ACK answered, the third ACK carried no MP_CAPABLE */
	CAP_FB_NO_DSS, /* after the handshake, data without DSS mappings */
	CAP_FB_INFINITE, /* an infinite mapping (DSS with data-level length 0) */
	CAP_FB_MP_FAIL, /* MP_FAIL: a DSS checksum failed */
};

/* One direction of a subflow (0: from the subflow's client, 1: to it). */
struct cap_dir {
	uint64_t pkts;
	uint64_t bytes; /* TCP payload, retransmissions included */
	uint64_t retrans; /* payload bytes at or below the highest sequence seen */
	uint64_t reinjected; /* new subflow bytes whose data sequence was already sent */
	uint64_t mapped; /* new subflow bytes covered by DSS mappings */
	uint32_t high; /* highest sequence number + payload seen */
	bool has_high, has_map, isn_seen;
	uint64_t map_end; /* highest relative subflow sequence number mapped */
};

struct cap_sub {
	uint8_t family;
	uint8_t caddr[16], saddr[16]; /* client (the SYN's sender when seen), server */
	uint16_t cport, sport;
	char ifname[CAP_IFNAMSIZ];
	int conn; /* index into the model's connections, -1 for plain TCP */
	int side; /* the connection's host that is this subflow's client: 0 initiator, 1 listener */
	int next_in_conn; /* the connection's next subflow, -1 at the end */
	uint8_t role; /* enum cap_role */
	uint8_t version; /* MP_CAPABLE's, for the initial subflow */
	uint8_t join; /* enum cap_join */
	bool syn, synack, acked; /* handshake seen: SYN, SYN/ACK, the client's first ACK after it */
	bool mpc_syn, mpc_synack, mpc_ack;
	bool backup; /* MP_JOIN's B flag, then MP_PRIO */
	bool rst, fin[2], has_rst_reason;
	uint8_t rst_dir, rst_reason; /* MP_TCPRST */
	uint8_t addr_id[2]; /* MP_JOIN: the client's (SYN), the server's (SYN/ACK) */
	uint32_t join_token;
	uint32_t syns; /* SYNs sent (retransmissions included) */
	uint32_t prio_changes;
	uint32_t nodss[2]; /* data segments without a mapping after the handshake */
	double first, last;
	struct cap_dir d[2];
};

struct cap_event {
	double t;
	uint8_t side; /* the host that sent it */
	bool remove, echo, has_port;
	uint8_t id, family;
	uint8_t addr[16];
	uint16_t port;
};

/* Disjoint, sorted [start, end) ranges of data sequence numbers. */
struct cap_cov {
	uint64_t (*iv)[2];
	uint32_t n, cap;
};

struct cap_conn {
	uint8_t version;
	bool has_version;
	bool has_key[2], has_token[2];
	uint64_t key[2]; /* 0: the initiator's, 1: the listener's */
	uint32_t token[2];
	uint64_t idsn[2];
	int first_sub, last_sub; /* the list of subflows (the initial one first when seen) */
	int nsub;
	uint8_t fallback; /* enum cap_fallback */
	int fallback_sub;
	double fallback_t;
	bool mp_fail, fastclose;
	bool merged; /* a join's connection, found to be another's once its keys were seen */
	uint64_t fail_dsn;
	uint64_t data[2]; /* unique data-level bytes, initiator -> listener and back */
	uint64_t reinjected[2];
	uint64_t last_dsn[2];
	bool has_dsn[2];
	struct cap_cov cov[2];
	uint32_t nev, nev_lost, cap_ev;
	struct cap_event *ev;
};

/* A growable open-addressing map from a 32-bit hash to indexes (duplicates allowed). */
struct cap_map {
	uint32_t *keys;
	uint32_t *vals; /* index + 1; 0 = empty */
	size_t mask, used;
};

struct cap_model {
	struct cap_sub *subs;
	size_t nsubs, cap_subs;
	struct cap_conn *conns;
	size_t nconns, cap_conns;
	struct cap_map by_tuple, by_token;
	bool has_t0;
	double t0, tend;
	uint64_t frames; /* everything handed to cap_model_frame() */
	uint64_t segs; /* TCP segments decoded */
	uint64_t not_tcp; /* frames that are not TCP */
	uint64_t bad; /* malformed frames */
	uint64_t opts_cut; /* segments whose options the snaplen cut */
	uint64_t bad_opts; /* MPTCP options that did not decode */
	uint64_t v0_opts; /* segments of v0 (RFC 6824) connections */
};

int cap_model_init(struct cap_model *m);
/* Times are reported from t0: the live capture's start (else the first frame's time). */
void cap_model_set_start(struct cap_model *m, double t0);
void cap_model_free(struct cap_model *m);

/* One decoded segment at time ts (seconds), seen on ifname (may be ""). 0 or -ENOMEM. */
int cap_model_add(struct cap_model *m, const struct cap_seg *s, double ts, const char *ifname);

/*
 * One captured frame: decoded (cap_seg_decode) and added. Frames that are not
 * TCP, or malformed, are counted, never an error: a capture is untrusted input.
 * ifname NULL: the name from the frame's SLL2 interface index ("if3") or "".
 * 0 or -ENOMEM.
 */
int cap_model_frame(struct cap_model *m, int dlt, const uint8_t *data, size_t caplen,
		    size_t wirelen, double ts, const char *ifname);

/* What the renderers ask. */
const char *cap_fallback_text(uint8_t fb);
const char *cap_fallback_id(uint8_t fb);
const char *cap_join_text(uint8_t join);
/* The subflow's state in words at the end of the capture, into buf. */
const char *cap_sub_state(const struct cap_model *m, const struct cap_sub *s, char *buf,
			  size_t len);
/* New payload bytes of a subflow, both directions (retransmissions left out). */
uint64_t cap_sub_carried(const struct cap_sub *s);
/* Bytes carried by a connection's subflows, added up. */
uint64_t cap_conn_carried(const struct cap_model *m, const struct cap_conn *c);

#endif
