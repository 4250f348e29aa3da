/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pure decoders for what a capture holds: link-layer frames down to the TCP
 * header, TCP options, and the MPTCP option (RFC 8684, v1; the v0 options of
 * RFC 6824, the multipath-tcp.org kernel's, recognised and named). Bytes in,
 * structs out: no I/O, no allocation, no printing, so they are fuzzed alone.
 */
#ifndef MC_MPOPT_H
#define MC_MPOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCPOPT_MPTCP_KIND 30

enum mpopt_subtype {
	MPOPT_CAPABLE = 0,
	MPOPT_JOIN = 1,
	MPOPT_DSS = 2,
	MPOPT_ADD_ADDR = 3,
	MPOPT_REMOVE_ADDR = 4,
	MPOPT_PRIO = 5,
	MPOPT_FAIL = 6,
	MPOPT_FASTCLOSE = 7,
	MPOPT_TCPRST = 8,
	MPOPT_EXPERIMENTAL = 15,
};

/* MP_JOIN's three handshake messages, told apart by the option's length. */
enum mpopt_join_phase {
	MPJOIN_SYN = 1, /* 12 bytes: token, nonce */
	MPJOIN_SYNACK = 2, /* 16 bytes: truncated HMAC, nonce */
	MPJOIN_ACK = 3, /* 24 bytes: HMAC */
};

#define MPOPT_RM_MAX 37 /* a 40-byte option area holds at most 37 ids */

struct mpopt {
	uint8_t subtype;
	uint8_t len; /* the option's length byte */
	union {
		struct {
			uint8_t version; /* 0 (RFC 6824) or 1 (RFC 8684) */
			uint8_t flags; /* A (0x80) checksum required ... H (0x01) HMAC-SHA256 */
			uint8_t nkeys; /* 0 (v1 SYN), 1 (sender's), 2 (sender's, receiver's) */
			bool has_dlen; /* v1 first data: data-level length (+ checksum) */
			uint64_t key_snd, key_rcv;
			uint16_t dlen;
		} cap;
		struct {
			uint8_t phase; /* enum mpopt_join_phase */
			bool backup;
			uint8_t addr_id; /* SYN and SYN/ACK */
			uint32_t token; /* SYN: the receiver's token */
			uint32_t nonce; /* SYN and SYN/ACK */
		} join;
		struct {
			bool has_ack, ack64, has_map, dsn64, fin, has_csum;
			uint64_t data_ack;
			uint64_t dsn;
			uint32_t ssn; /* relative to the subflow's initial sequence number */
			uint16_t dlen; /* 0 with a mapping: the infinite mapping (fallback) */
		} dss;
		struct {
			bool echo, has_port, has_hmac;
			uint8_t id;
			uint8_t family; /* 4 or 6 */
			uint8_t addr[16];
			uint16_t port;
		} add;
		struct {
			uint8_t n;
			uint8_t ids[MPOPT_RM_MAX];
		} rm;
		struct {
			bool backup, has_id;
			uint8_t id;
		} prio;
		struct {
			uint64_t dsn;
		} fail;
		struct {
			uint64_t key; /* the receiver's key */
		} fclose;
		struct {
			uint8_t flags; /* U V W T */
			bool transient; /* T */
			uint8_t reason;
		} rst;
	} u;
};

/* Up to this many MPTCP options are kept per segment (a 40-byte area). */
#define MPOPT_PER_SEG 4

/*
 * One MPTCP option: opt points at the kind byte, len is the option's length
 * byte (the caller checked that len bytes are there). 0, or -EBADMSG when
 * the length does not fit the subtype (the struct then holds the subtype
 * and length only); -EPROTONOSUPPORT for subtypes this decoder does not know.
 */
int mpopt_decode(const uint8_t *opt, size_t len, struct mpopt *out);

/* "MP_CAPABLE", "DSS", ...; "MP_UNKNOWN" for others. */
const char *mpopt_subtype_name(uint8_t subtype);
/* MP_TCPRST reason codes (RFC 8684 §3.6) in words. */
const char *mpopt_rst_reason_name(uint8_t reason);

/* TCP flags. */
#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_PSH 0x08
#define TCPF_ACK 0x10

/* A TCP segment, as far as the captured bytes go. */
struct cap_seg {
	uint8_t family; /* 4 or 6 */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint32_t payload; /* TCP payload bytes, from the IP lengths (not the snaplen) */
	bool opts_cut; /* the snaplen cut the TCP options: absence of an option means nothing */
	uint8_t nopt; /* MPTCP options kept */
	uint8_t nopt_bad; /* MPTCP options that did not decode */
	uint8_t nop_run; /* longest run of NOP bytes among the options */
	struct mpopt opt[MPOPT_PER_SEG];
};

/* Link-layer header types this decoder reads (libpcap's DLT_ numbers). */
enum {
	CAP_DLT_NULL = 0,
	CAP_DLT_EN10MB = 1,
	CAP_DLT_RAW = 12,
	CAP_DLT_RAW_OPENBSD = 14,
	CAP_DLT_RAW_LINKTYPE = 101,
	CAP_DLT_LOOP = 108,
	CAP_DLT_LINUX_SLL = 113,
	CAP_DLT_IPV4 = 228,
	CAP_DLT_IPV6 = 229,
	CAP_DLT_LINUX_SLL2 = 276,
};

bool cap_dlt_supported(int dlt);

/*
 * Decodes one captured frame of link type dlt: caplen bytes are at data,
 * wirelen is the frame's length on the wire. *ifindex gets the interface
 * index where the link header holds one (SLL2), else 0.
 * 0; -ENOENT when the frame is not TCP over IPv4/IPv6 (or a non-first
 * fragment); -EBADMSG when the headers are malformed or cut before the
 * fixed TCP header ends; -EPROTONOSUPPORT for an unknown dlt.
 */
int cap_seg_decode(int dlt, const uint8_t *data, size_t caplen, size_t wirelen, struct cap_seg *seg,
		   int *ifindex);

/* The token (most significant 32 bits) and IDSN (least significant 64 bits)
 * of a key's SHA-256 (v1) or SHA-1 (v0) hash, as RFC 8684 §3.2 / 6824 say. */
void mpopt_key_token(uint64_t key, int version, uint32_t *token, uint64_t *idsn);

#endif
