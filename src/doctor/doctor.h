/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * doctor: verdicts with the fix, not dumps. doctor_gather() reads what the
 * checks need (I/O); doctor_check() turns it into ok/warn/fail results with
 * stable ids (pure, unit-tested with hand-made inputs).
 */
#ifndef MC_DOCTOR_H
#define MC_DOCTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "../plan/plan.h"

enum dr_status {
	DR_OK,
	DR_WARN,
	DR_FAIL
};

struct dr_result {
	const char *id; /* stable: see mptcpctl-doctor(8) */
	enum dr_status status;
	char msg[240];
	char fix[240]; /* the command that fixes it, or "" */
};

#define DR_MAX_RESULTS 64

struct dr_report {
	int n;
	struct dr_result r[DR_MAX_RESULTS];
	int nok, nwarn, nfail;
};

/* An endpoint's route lookup from its own address to a probe destination. */
struct dr_lookup {
	bool done; /* false: no lookup (no route at all) */
	int oif; /* interface the kernel would use */
};

struct dr_input {
	bool upstream; /* net.mptcp.enabled exists */
	bool out_of_tree; /* net.mptcp.mptcp_enabled exists (multipath-tcp.org kernel) */
	struct plan_state st;
	char pm_type[8]; /* net.mptcp.pm_type: 0 in-kernel, 1 userspace; "" if absent */
	char scheduler[32];
	char blackhole_timeout[16];
	uint64_t blackhole, syn_tx_disabled; /* MPTcpExt counters */
	const char *rival; /* "mptcpd", "NetworkManager" or NULL */
	int listeners; /* MPTCP listening sockets */
	struct dr_lookup lookup[PM_MAX_ENDPOINTS * 2]; /* per st.endpoints[] */
	/* TCP buffers: max of tcp_rmem/tcp_wmem (third field), rmem_max/wmem_max */
	uint64_t tcp_rmem_max, tcp_wmem_max, rmem_max, wmem_max;
	uint64_t path_rate_bps; /* for the buffer check: the tbf rate if any, else 0 */
	uint64_t rtt_us; /* assumed rtt for the bandwidth-delay product */
};

int doctor_gather(struct dr_input *in, struct mc_err *e);
void doctor_check(const struct dr_input *in, struct dr_report *rep);
const char *dr_status_name(enum dr_status s);

/* tune: buffer sysctls from the bandwidth-delay product, as a plan (pure). */
int tune_plan(uint64_t rate_bps, uint64_t rtt_us, const struct dr_input *in, struct plan *p,
	      struct mc_err *e);

#endif
