/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench: a throughput test that speaks iperf3's control protocol and shows
 * every MPTCP subflow.
 *
 * Three parts:
 *  - proto.c (pure): the iperf3 control protocol's facts (states, cookie,
 *    length-prefixed JSON parameters and results), decoded from untrusted
 *    bytes with bounded length and nesting; fuzzed.
 *  - sfinfo.c: per-subflow counters of one socket (MPTCP_FULL_INFO, else
 *    MPTCP_TCPINFO + MPTCP_SUBFLOW_ADDRS, else TCP_INFO), and the pure
 *    decoder of the kernel's answer; fuzzed.
 *  - engine.c: the client and the server (one epoll loop each, no threads),
 *    the data path, the verify pattern, and per-interval reports through a
 *    callback: only the CLI prints.
 *
 * Wire facts restated from iperf3 3.12 (src/iperf_api.h, iperf_api.c): a
 * 37-byte cookie (36 of [a-z2-7] + NUL) opens the control and every data
 * connection; states are single signed bytes; parameters and results are
 * JSON objects behind a 4-byte big-endian length. Stream ids are 1, 3, 4, 5...
 */
#ifndef MC_BENCH_H
#define MC_BENCH_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "../common/err.h"

#define BENCH_PORT 5201
#define BENCH_COOKIE_SIZE 37
/* iperf3 trusts the 4-byte length (CVE-2023-38403); we do not. */
#define BENCH_JSON_MAX (256 * 1024)
#define BENCH_JSON_DEPTH 16
#define BENCH_MAX_STREAMS 128 /* per direction, as iperf3's MAX_STREAMS */
#define BENCH_MAX_SF 16 /* subflows tracked per stream */
#define BENCH_MAX_LEN (1U << 20) /* largest block (-l), as iperf3 */
#define BENCH_MAX_TIME 86400

enum bench_state {
	BS_TEST_START = 1,
	BS_TEST_RUNNING = 2,
	BS_TEST_END = 4,
	BS_PARAM_EXCHANGE = 9,
	BS_CREATE_STREAMS = 10,
	BS_SERVER_TERMINATE = 11,
	BS_CLIENT_TERMINATE = 12,
	BS_EXCHANGE_RESULTS = 13,
	BS_DISPLAY_RESULTS = 14,
	BS_IPERF_START = 15,
	BS_IPERF_DONE = 16,
	BS_ACCESS_DENIED = -1,
	BS_SERVER_ERROR = -2,
};

/* "PARAM_EXCHANGE", ... or NULL for a byte that is no state. */
const char *bench_state_name(int state);

/* The test's parameters as they travel in PARAM_EXCHANGE. */
struct bench_params {
	uint32_t time_s; /* 0 with bytes or blocks set */
	uint64_t bytes; /* "num" */
	uint64_t blocks; /* "blockcount" */
	uint32_t parallel;
	bool reverse;
	bool bidir;
	uint32_t window; /* socket buffer, 0 = default */
	uint32_t len; /* block size */
	uint32_t omit;
	uint32_t mss;
	bool nodelay;
	uint64_t bandwidth; /* bit/s, 0 = unlimited; the sender paces to it */
	int zerocopy;
	bool get_server_output;
	char congestion[16];
	char client_version[32];
	/* Ours, in an "mptcpctl" object iperf3 ignores. */
	bool ours; /* the peer is mptcpctl */
	bool verify;
};

void bench_params_default(struct bench_params *p);
/* To JSON text (malloc'd, NUL-terminated); -ENOMEM. */
int bench_params_encode(const struct bench_params *p, char **json);
/* From untrusted JSON text: bounded, typed, ranges checked; -EBADMSG/-EPROTONOSUPPORT. */
int bench_params_decode(const char *buf, size_t len, struct bench_params *p, struct mc_err *e);

struct bench_stream_result {
	int id;
	uint64_t bytes;
	int64_t retransmits; /* -1: not known */
	double start_time, end_time;
};

struct bench_results {
	double cpu_total, cpu_user, cpu_system;
	int sender_has_retransmits; /* 1, 0 or -1 (this side received) */
	char congestion[16];
	int nstreams;
	struct bench_stream_result streams[2 * BENCH_MAX_STREAMS];
	/* Ours: what the receiving side checked with verify. */
	bool has_verify;
	uint64_t verified_bytes;
	uint64_t bad_bytes;
	/* Ours: whether the peer's data sockets were MPTCP (not fallen back). */
	int peer_mptcp; /* -1 unknown */
	/* Ours: the receive batch (SO_RCVLOWAT) this side ended with, 0 for none; -1 unknown. */
	int64_t rx_lowat;
	bool ours; /* the results carry our "mptcpctl" object: the peer is mptcpctl */
};

int bench_results_encode(const struct bench_results *r, char **json);
int bench_results_decode(const char *buf, size_t len, struct bench_results *r, struct mc_err *e);

/* Checks nesting depth and size before any parser sees the text. */
int bench_json_check(const char *buf, size_t len, struct mc_err *e);
/* The 4-byte big-endian length of a JSON message; -EMSGSIZE over BENCH_JSON_MAX. */
int bench_frame_len(const uint8_t hdr[4], uint32_t *len, struct mc_err *e);
void bench_cookie_make(char cookie[BENCH_COOKIE_SIZE]);
bool bench_cookie_valid(const char cookie[BENCH_COOKIE_SIZE]);

/* ---- per-subflow counters (sfinfo.c) ---- */

struct bench_sf {
	uint32_t id; /* the kernel's subflow id (FULL_INFO), else 1-based order */
	struct sockaddr_storage local, remote;
	uint8_t state; /* TCP state */
	uint64_t bytes_sent, bytes_acked, bytes_received;
	uint32_t rtt_us, rttvar_us, snd_cwnd, snd_mss, total_retrans, pmtu, snd_wnd;
	bool backup;
};

struct bench_conn_info {
	int protocol; /* IPPROTO_TCP or IPPROTO_MPTCP */
	bool fallback; /* MPTCP socket that fell back to TCP */
	int source; /* 4 FULL_INFO, 2 TCPINFO(+ADDRS), 0 TCP_INFO */
	int nsf;
	struct bench_sf sf[BENCH_MAX_SF];
	uint64_t mptcp_retransmits; /* mptcpi_retransmits, MPTCP-level */
};

/*
 * The kernel's MPTCP_FULL_INFO answer (the header, the subflow_info array and
 * the tcp_info array, as filled) -> ci. Pure; every size the kernel wrote back
 * is checked against what was asked for. -EBADMSG on anything inconsistent.
 */
int bench_full_info_decode(const void *hdr, size_t hdrlen, const void *sfi, size_t sfilen,
			   const void *ti, size_t tilen, struct bench_conn_info *ci,
			   struct mc_err *e);
/* Reads fd's subflows now. */
int bench_sfinfo_get(int fd, struct bench_conn_info *ci, struct mc_err *e);

/* ---- the engine ---- */

struct bench_opts {
	const char *host; /* client: server name or address */
	const char *bind; /* local address (client) or listening address (server) */
	const char *bind_dev; /* client: SO_BINDTODEVICE (iperf3 --bind-dev) */
	uint16_t port;
	struct bench_params p;
	bool tcp; /* plain TCP instead of MPTCP */
	uint64_t interval_us; /* 0: no interval reports */
	bool once; /* server: one test, then exit */
	uint32_t timeout_ms; /* control-channel and idle-data timeout */
	int family; /* AF_UNSPEC, AF_INET, AF_INET6 */
};

void bench_opts_default(struct bench_opts *o);

/* One subflow's share of one interval (or of the whole test). */
struct bench_sf_report {
	uint32_t id;
	char ifname[IF_NAMESIZE];
	struct sockaddr_storage local, remote;
	uint64_t bytes; /* acked (sending side) or received (receiving side) in the span */
	double bps;
	uint32_t rtt_us, snd_cwnd, snd_mss, retrans; /* retrans: in the span */
	bool alive; /* still in the connection at the span's end */
	bool backup;
};

struct bench_stream_report {
	int id; /* iperf3's stream id */
	int fd;
	bool sender;
	uint64_t bytes; /* application bytes in the span */
	double bps;
	uint32_t retrans; /* in the span, all subflows */
	uint32_t snd_cwnd, snd_mss, rtt_us; /* of the first subflow, as iperf3 shows */
	int protocol;
	bool fallback;
	int nsf;
	struct bench_sf_report sf[BENCH_MAX_SF];
};

struct bench_report {
	double start, end; /* seconds since the test start */
	bool final; /* the whole test (end summary) */
	int nstreams;
	struct bench_stream_report *streams;
};

/*
 * verify, both directions: each side checks what it receives; the bytes the
 * sender counted and the receiver did not (or the other way round) are bad too.
 */
struct bench_verify {
	bool done;
	uint64_t checked, bad;
};

/* What the CLI gets told, in order. All optional. */
struct bench_cb {
	void *arg;
	/* Control connected (client) or accepted (server); p as agreed. */
	void (*connected)(void *arg, const struct sockaddr_storage *local,
			  const struct sockaddr_storage *remote, const struct bench_params *p);
	/* A data stream is up. */
	void (*stream)(void *arg, int id, int fd, bool sender, const struct sockaddr_storage *local,
		       const struct sockaddr_storage *remote, int protocol, bool fallback);
	void (*interval)(void *arg, const struct bench_report *r);
	/* The summary: ours (from the local counters) and the peer's results. */
	void (*done)(void *arg, const struct bench_report *r, const struct bench_results *local,
		     const struct bench_results *peer, const struct bench_verify *v);
	/* Server: a client failed (bad cookie, timeout, ...); the server goes on. */
	void (*client_error)(void *arg, const struct sockaddr_storage *peer,
			     const struct mc_err *e);
};

struct bench_summary {
	double seconds;
	uint64_t bytes_sent, bytes_received; /* this side, all streams */
	uint64_t peer_bytes; /* the peer's count for the same direction */
	bool verify_done;
	uint64_t verified_bytes, bad_bytes;
	int protocol; /* of the first data stream */
	bool fallback;
	int max_subflows;
};

/* Runs one test against o->host. */
int bench_client(const struct bench_opts *o, const struct bench_cb *cb, struct bench_summary *s,
		 struct mc_err *e);
/* Listens and serves tests one at a time (only one with o->once). */
int bench_server(const struct bench_opts *o, const struct bench_cb *cb, struct mc_err *e);
/* The listening socket the server would use (tests and bench_server). */
int bench_listen(const struct bench_opts *o, int *fd, struct mc_err *e);
/* Serves clients on an already listening socket; stops after one test with o->once. */
int bench_serve(int lfd, const struct bench_opts *o, const struct bench_cb *cb, struct mc_err *e);

/* ---- receive batching, tuned while the test runs (rxtune.c) ---- */

enum rxt_phase {
	RXT_WARMUP,
	RXT_PROBE_NOW,
	RXT_PROBE_BATCH,
	RXT_KEEP
};

struct rxtune {
	enum rxt_phase phase;
	uint64_t t_phase; /* start of the phase (ns) */
	bool counting; /* a probe past its settling time */
	uint64_t t_count, b_count;
	double rate[2]; /* bytes/s reading at once, and with the batch */
	uint32_t lowat; /* the batch (SO_RCVLOWAT bytes) when chosen, else 0 */
	uint32_t applied; /* what rxtune_step last asked for: 0 = read at once */
	int decisions;
};

void rxtune_init(struct rxtune *r, uint64_t now_ns);
/* Feeds the time and the bytes received so far; returns the SO_RCVLOWAT to use (0: none). */
uint32_t rxtune_step(struct rxtune *r, uint64_t now_ns, uint64_t bytes);

/* The verify pattern (exposed for tests): byte at stream offset off. */
uint8_t bench_pattern_byte(uint64_t off);

#endif
