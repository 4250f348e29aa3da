/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's MPTCP user-space interface as of Linux 6.18, written down here
 * because Debian 12's linux-libc-dev (6.1) lacks the newer fields. Only facts
 * (numbers and layouts) are restated; the compile-time checks below pin them
 * to the system headers wherever those have them. Fields newer than the
 * running kernel come back as zero or short: callers check the length.
 */
#ifndef MC_MPTCP_UAPI_H
#define MC_MPTCP_UAPI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <linux/mptcp.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef SOL_MPTCP
#define SOL_MPTCP 284
#endif

/* getsockopt(SOL_MPTCP, ...) */
#define MC_MPTCP_INFO 1
#define MC_MPTCP_TCPINFO 2
#define MC_MPTCP_SUBFLOW_ADDRS 3
#define MC_MPTCP_FULL_INFO 4

/* struct mptcp_info.mptcpi_flags */
#define MC_MPTCP_INFO_FLAG_FALLBACK (1U << 0)
#define MC_MPTCP_INFO_FLAG_REMOTE_KEY_RECEIVED (1U << 1)

/* MPTCP_SUBFLOW_ATTR_FLAGS (sock_diag INET_ULP_INFO_MPTCP) */
#define MC_SF_MCAP_REM (1U << 0)
#define MC_SF_MCAP_LOC (1U << 1)
#define MC_SF_JOIN_REM (1U << 2)
#define MC_SF_JOIN_LOC (1U << 3)
#define MC_SF_BKUP_REM (1U << 4)
#define MC_SF_BKUP_LOC (1U << 5)
#define MC_SF_FULLY_ESTABLISHED (1U << 6)
#define MC_SF_CONNECTED (1U << 7)
#define MC_SF_MAPVALID (1U << 8)

/* INET_ULP_INFO_MPTCP nested attributes */
enum {
	MC_SF_ATTR_UNSPEC,
	MC_SF_ATTR_TOKEN_REM,
	MC_SF_ATTR_TOKEN_LOC,
	MC_SF_ATTR_RELWRITE_SEQ,
	MC_SF_ATTR_MAP_SEQ,
	MC_SF_ATTR_MAP_SFSEQ,
	MC_SF_ATTR_SSN_OFFSET,
	MC_SF_ATTR_MAP_DATALEN,
	MC_SF_ATTR_FLAGS,
	MC_SF_ATTR_ID_REM,
	MC_SF_ATTR_ID_LOC,
	MC_SF_ATTR_PAD,
	MC_SF_ATTR_MAX = MC_SF_ATTR_PAD,
};

/* Endpoint flags (MPTCP_PM_ADDR_ATTR_FLAGS) */
#define MC_PM_FLAG_SIGNAL (1U << 0)
#define MC_PM_FLAG_SUBFLOW (1U << 1)
#define MC_PM_FLAG_BACKUP (1U << 2)
#define MC_PM_FLAG_FULLMESH (1U << 3)
#define MC_PM_FLAG_IMPLICIT (1U << 4)
#define MC_PM_FLAG_LAMINAR (1U << 5)

/* struct mptcp_info, 6.18 layout (grouped by the kernel release that added them). */
struct mc_mptcp_info {
	uint8_t subflows; /* extra subflows */
	uint8_t add_addr_signal;
	uint8_t add_addr_accepted;
	uint8_t subflows_max; /* limit of extra subflows */
	uint8_t add_addr_signal_max;
	uint8_t add_addr_accepted_max;
	uint32_t flags;
	uint32_t token;
	uint64_t write_seq;
	uint64_t snd_una;
	uint64_t rcv_nxt;
	uint8_t local_addr_used; /* 5.12 */
	uint8_t local_addr_max;
	uint8_t csum_enabled; /* 5.14 */
	uint32_t retransmits; /* 6.5 */
	uint64_t bytes_retrans;
	uint64_t bytes_sent;
	uint64_t bytes_received;
	uint64_t bytes_acked;
	uint8_t subflows_total; /* 6.8 */
	uint8_t endp_laminar_max;
	uint8_t endp_fullmesh_max;
	uint8_t reserved;
	uint32_t last_data_sent; /* 6.10 */
	uint32_t last_data_recv;
	uint32_t last_ack_recv;
};

_Static_assert(offsetof(struct mc_mptcp_info, flags) == offsetof(struct mptcp_info, mptcpi_flags),
	       "mptcp_info layout");
_Static_assert(offsetof(struct mc_mptcp_info, rcv_nxt) ==
		       offsetof(struct mptcp_info, mptcpi_rcv_nxt),
	       "mptcp_info layout");
_Static_assert(offsetof(struct mc_mptcp_info, csum_enabled) ==
		       offsetof(struct mptcp_info, mptcpi_csum_enabled),
	       "mptcp_info layout");
_Static_assert(offsetof(struct mc_mptcp_info, retransmits) == 44, "mptcp_info 6.5 layout");
_Static_assert(offsetof(struct mc_mptcp_info, subflows_total) == 80, "mptcp_info 6.8 layout");
_Static_assert(sizeof(struct mc_mptcp_info) == 96, "mptcp_info 6.10 size");
_Static_assert(MC_MPTCP_INFO_FLAG_FALLBACK == MPTCP_INFO_FLAG_FALLBACK, "fallback flag");

/* MPTCP_SUBFLOW_ADDRS / MPTCP_FULL_INFO (6.5) */
struct mc_mptcp_subflow_data {
	uint32_t size_subflow_data;
	uint32_t num_subflows;
	uint32_t size_kernel;
	uint32_t size_user;
} __attribute__((aligned(8)));

struct mc_mptcp_subflow_addrs {
	struct sockaddr_storage local;
	struct sockaddr_storage remote;
};

struct mc_mptcp_subflow_info {
	uint32_t id;
	struct mc_mptcp_subflow_addrs addrs;
};

struct mc_mptcp_full_info {
	uint32_t size_tcpinfo_kernel; /* set by the kernel */
	uint32_t size_tcpinfo_user;
	uint32_t size_sfinfo_kernel; /* set by the kernel */
	uint32_t size_sfinfo_user;
	uint32_t num_subflows; /* set by the kernel: the real count */
	uint32_t size_arrays_user; /* entries the arrays below have room for */
	uint64_t subflow_info __attribute__((aligned(8))); /* user pointer */
	uint64_t tcp_info __attribute__((aligned(8))); /* user pointer */
	struct mc_mptcp_info mptcp_info;
};

_Static_assert(sizeof(struct mc_mptcp_subflow_addrs) == 256, "mptcp_subflow_addrs size");
_Static_assert(offsetof(struct mc_mptcp_subflow_info, addrs) == 8, "mptcp_subflow_info layout");
_Static_assert(offsetof(struct mc_mptcp_full_info, mptcp_info) == 40, "mptcp_full_info layout");

#endif
