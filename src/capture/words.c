// SPDX-License-Identifier: GPL-2.0-or-later
/* The capture model in words: fallback reasons, join outcomes, subflow states. */
#include <stdio.h>

#include "capture.h"

/* A subflow that sent nothing for this long before the capture ended is called silent. */
#define CAP_SILENT_S 1.0

const char *cap_fallback_id(uint8_t fb)
{
	static const char *const ids[] = { "none",   "synack_no_mp_capable", "ack_no_mp_capable",
					   "no_dss", "infinite_mapping",     "mp_fail" };
	return fb < sizeof(ids) / sizeof(ids[0]) ? ids[fb] : "unknown";
}

const char *cap_fallback_text(uint8_t fb)
{
	switch (fb) {
	case CAP_FB_SYNACK_NO_MPC:
		return "the SYN asked for MPTCP (MP_CAPABLE) and the SYN/ACK did not answer: MPTCP "
		       "is off at the peer, its listener is plain TCP, or a middlebox removed the "
		       "option";
	case CAP_FB_ACK_NO_MPC:
		return "the SYN/ACK accepted MPTCP but the third ACK carried no MP_CAPABLE: the "
		       "option was removed after this capture point or on the way back";
	case CAP_FB_NO_DSS:
		return "after the handshake, data went without DSS mappings: the connection runs "
		       "as plain TCP (options removed after the handshake?)";
	case CAP_FB_INFINITE:
		return "an infinite mapping (DSS with data-level length 0): fell back to TCP "
		       "after a problem on the path (RFC 8684 3.7)";
	case CAP_FB_MP_FAIL:
		return "MP_FAIL: a DSS checksum failed, the payload was changed on the path";
	}
	return "";
}

const char *cap_join_text(uint8_t join)
{
	switch (join) {
	case CAP_JOIN_SYN:
		return "no answer to the MP_JOIN SYN";
	case CAP_JOIN_SYNACK:
		return "SYN/ACK seen, no third ACK";
	case CAP_JOIN_JOINED:
		return "joined";
	case CAP_JOIN_REFUSED_RST:
		return "refused (RST)";
	case CAP_JOIN_REFUSED_NOJOIN:
		return "refused (SYN/ACK without MP_JOIN)";
	}
	return "";
}

uint64_t cap_sub_carried(const struct cap_sub *s)
{
	return s->d[0].bytes - s->d[0].retrans + s->d[1].bytes - s->d[1].retrans;
}

uint64_t cap_conn_carried(const struct cap_model *m, const struct cap_conn *c)
{
	uint64_t sum = 0;

	for (int i = c->first_sub; i >= 0; i = m->subs[i].next_in_conn)
		sum += cap_sub_carried(&m->subs[i]);
	return sum;
}

const char *cap_sub_state(const struct cap_model *m, const struct cap_sub *s, char *buf, size_t len)
{
	double idle = m->tend - s->last;

	if (s->role == CAP_ROLE_JOIN && s->join != CAP_JOIN_JOINED) {
		if (s->join == CAP_JOIN_SYN && s->syns > 1)
			snprintf(buf, len, "no answer to %u MP_JOIN SYNs", s->syns);
		else
			snprintf(buf, len, "%s", cap_join_text(s->join));
		if (s->has_rst_reason)
			snprintf(buf, len, "refused (RST: %s)",
				 mpopt_rst_reason_name(s->rst_reason));
		return buf;
	}
	if (s->rst) {
		if (s->has_rst_reason)
			snprintf(buf, len, "reset by the %s (%s)", s->rst_dir ? "server" : "client",
				 mpopt_rst_reason_name(s->rst_reason));
		else
			snprintf(buf, len, "reset by the %s", s->rst_dir ? "server" : "client");
	} else if (s->fin[0] && s->fin[1]) {
		snprintf(buf, len, "closed");
	} else if (s->fin[0] || s->fin[1]) {
		snprintf(buf, len, "closing (FIN from the %s)", s->fin[0] ? "client" : "server");
	} else if (s->syn && !s->synack) {
		snprintf(buf, len, "no answer to %u SYN%s", s->syns, s->syns > 1 ? "s" : "");
	} else if (idle >= CAP_SILENT_S) {
		snprintf(buf, len, "silent for the last %.1f s, no FIN or RST%s", idle,
			 s->d[0].retrans + s->d[1].retrans ? " (it retransmitted: path down?)" :
							     "");
	} else {
		snprintf(buf, len, "active");
	}
	return buf;
}
