// SPDX-License-Identifier: GPL-2.0-or-later
/* sock_diag request builder, decoder (pure, fuzzed) and dump. */
#include "diag.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>

struct nlmsghdr *diag_req_build(void *buf, int family, int protocol, uint32_t states)
{
	struct nlmsghdr *nlh = nl_msg_start(buf, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP);
	struct inet_diag_req_v2 *r = mnl_nlmsg_put_extra_header(nlh, sizeof(*r));

	r->sdiag_family = (uint8_t)family;
	r->sdiag_protocol = protocol == IPPROTO_MPTCP ? 0 : (uint8_t)protocol;
	r->idiag_states = states;
	r->idiag_ext = 1 << (INET_DIAG_INFO - 1) | 1 << (INET_DIAG_CONG - 1);
	if (protocol > 255)
		mnl_attr_put_u32(nlh, INET_DIAG_REQ_PROTOCOL, (uint32_t)protocol);
	return nlh;
}

static void put_addr(struct mc_prefix *p, int family, const uint32_t *a)
{
	memset(p, 0, sizeof(*p));
	p->family = family;
	p->plen = family == AF_INET6 ? 128 : 32;
	memcpy(p->a.raw, a, family == AF_INET6 ? 16 : 4);
}

static int parse_sf(const struct nlattr *nest, struct diag_sock *s)
{
	const struct nlattr *tb[MC_SF_ATTR_MAX + 1];

	if (nl_attr_parse_nested(nest, tb, MC_SF_ATTR_MAX))
		return -EBADMSG;
	if (!tb[MC_SF_ATTR_TOKEN_LOC])
		return 0;
	if (mnl_attr_validate(tb[MC_SF_ATTR_TOKEN_LOC], MNL_TYPE_U32) < 0)
		return -EBADMSG;
	s->has_sf = true;
	s->token_loc = mnl_attr_get_u32(tb[MC_SF_ATTR_TOKEN_LOC]);
	if (tb[MC_SF_ATTR_TOKEN_REM]) {
		if (mnl_attr_validate(tb[MC_SF_ATTR_TOKEN_REM], MNL_TYPE_U32) < 0)
			return -EBADMSG;
		s->token_rem = mnl_attr_get_u32(tb[MC_SF_ATTR_TOKEN_REM]);
	}
	if (tb[MC_SF_ATTR_FLAGS]) {
		if (mnl_attr_validate(tb[MC_SF_ATTR_FLAGS], MNL_TYPE_U32) < 0)
			return -EBADMSG;
		s->sf_flags = mnl_attr_get_u32(tb[MC_SF_ATTR_FLAGS]);
	}
	if (tb[MC_SF_ATTR_ID_LOC]) {
		if (mnl_attr_validate(tb[MC_SF_ATTR_ID_LOC], MNL_TYPE_U8) < 0)
			return -EBADMSG;
		s->id_loc = mnl_attr_get_u8(tb[MC_SF_ATTR_ID_LOC]);
	}
	if (tb[MC_SF_ATTR_ID_REM]) {
		if (mnl_attr_validate(tb[MC_SF_ATTR_ID_REM], MNL_TYPE_U8) < 0)
			return -EBADMSG;
		s->id_rem = mnl_attr_get_u8(tb[MC_SF_ATTR_ID_REM]);
	}
	return 0;
}

static int parse_ulp(const struct nlattr *nest, struct diag_sock *s)
{
	const struct nlattr *tb[INET_ULP_INFO_MAX + 1];
	char name[32];

	if (nl_attr_parse_nested(nest, tb, INET_ULP_INFO_MAX))
		return -EBADMSG;
	if (!tb[INET_ULP_INFO_NAME])
		return 0;
	if (nl_attr_strcpy(tb[INET_ULP_INFO_NAME], name, sizeof(name)))
		return -EBADMSG;
	if (strcmp(name, "mptcp"))
		return 0;
	s->ulp_mptcp = true;
	if (tb[INET_ULP_INFO_MPTCP])
		return parse_sf(tb[INET_ULP_INFO_MPTCP], s);
	return 0;
}

static void parse_tcp_info(const struct nlattr *a, struct diag_sock *s)
{
	struct tcp_info ti;
	size_t len = mnl_attr_get_payload_len(a);

	/* Older kernels send a shorter struct: the missing tail stays zero. */
	memset(&ti, 0, sizeof(ti));
	memcpy(&ti, mnl_attr_get_payload(a), len < sizeof(ti) ? len : sizeof(ti));
	s->has_tcp = true;
	s->tcp.rtt_us = ti.tcpi_rtt;
	s->tcp.rttvar_us = ti.tcpi_rttvar;
	s->tcp.snd_cwnd = ti.tcpi_snd_cwnd;
	s->tcp.snd_mss = ti.tcpi_snd_mss;
	s->tcp.retrans = ti.tcpi_retrans;
	s->tcp.total_retrans = ti.tcpi_total_retrans;
	s->tcp.bytes_sent = ti.tcpi_bytes_sent;
	s->tcp.bytes_acked = ti.tcpi_bytes_acked;
	s->tcp.bytes_received = ti.tcpi_bytes_received;
	s->tcp.delivery_rate = ti.tcpi_delivery_rate;
}

int diag_sock_parse(const struct nlmsghdr *nlh, int protocol, struct diag_sock *s)
{
	const struct nlattr *tb[INET_DIAG_MAX + 1];
	const struct inet_diag_msg *m;

	memset(s, 0, sizeof(*s));
	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY)
		return -ENOENT;
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*m))
		return -EBADMSG;
	m = mnl_nlmsg_get_payload(nlh);
	if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
		return -EBADMSG;
	if (nl_attr_parse(nlh, sizeof(*m), tb, INET_DIAG_MAX))
		return -EBADMSG;
	s->protocol = protocol;
	s->family = s->sock_family = m->idiag_family;
	s->state = m->idiag_state;
	put_addr(&s->src, s->family, m->id.idiag_src);
	put_addr(&s->dst, s->family, m->id.idiag_dst);
	/* An IPv4 peer of a dual-stack socket: shown (and looked up) as the IPv4 it is. */
	if (s->family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&s->src.a.v6) &&
	    IN6_IS_ADDR_V4MAPPED(&s->dst.a.v6)) {
		s->family = AF_INET;
		put_addr(&s->src, AF_INET, &m->id.idiag_src[3]);
		put_addr(&s->dst, AF_INET, &m->id.idiag_dst[3]);
	}
	s->sport = ntohs(m->id.idiag_sport);
	s->dport = ntohs(m->id.idiag_dport);
	s->ifindex = (int)m->id.idiag_if;
	s->uid = m->idiag_uid;
	s->inode = m->idiag_inode;
	if (tb[INET_DIAG_CONG] && nl_attr_strcpy(tb[INET_DIAG_CONG], s->cong, sizeof(s->cong)))
		return -EBADMSG;
	if (tb[INET_DIAG_INFO]) {
		const struct nlattr *a = tb[INET_DIAG_INFO];
		size_t len = mnl_attr_get_payload_len(a);

		if (protocol == IPPROTO_MPTCP) {
			/* The first group (5.9) is the least a kernel sends. */
			if (len < offsetof(struct mc_mptcp_info, local_addr_used))
				return -EBADMSG;
			s->has_mptcp = true;
			s->mptcp_len = len < sizeof(s->mptcp) ? len : sizeof(s->mptcp);
			memcpy(&s->mptcp, mnl_attr_get_payload(a), s->mptcp_len);
		} else {
			parse_tcp_info(a, s);
		}
	}
	if (tb[INET_DIAG_ULP_INFO] && parse_ulp(tb[INET_DIAG_ULP_INFO], s))
		return -EBADMSG;
	return 0;
}

struct dump_ctx {
	int protocol;
	diag_cb cb;
	void *data;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *c = data;
	struct diag_sock s;
	int ret = diag_sock_parse(nlh, c->protocol, &s);

	if (ret == -ENOENT)
		return 0;
	if (ret)
		return ret;
	return c->cb(&s, c->data);
}

int diag_dump(struct nl *nl, int family, int protocol, uint32_t states, diag_cb cb, void *data,
	      struct mc_err *e)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct dump_ctx c = { protocol, cb, data };
	char buf[NL_REQ_BUF];

	for (size_t i = 0; i < 2; i++) {
		int ret;

		if (family != AF_UNSPEC && family != families[i])
			continue;
		ret = nl_dump(nl, diag_req_build(buf, families[i], protocol, states), dump_cb, &c,
			      NULL, e);
		if (ret == -ENOENT && protocol == IPPROTO_MPTCP)
			return mc_err_set(
				e, -EPROTONOSUPPORT,
				"this kernel has no MPTCP socket diagnostics (mptcp_diag)");
		if (ret)
			return mc_err_ctx(e, ret, "listing %s %s sockets",
					  families[i] == AF_INET ? "IPv4" : "IPv6",
					  protocol == IPPROTO_MPTCP ? "MPTCP" : "TCP");
	}
	return 0;
}

const char *diag_state_name(uint8_t state)
{
	static const char *const names[] = {
		"UNKNOWN",    "ESTAB",	   "SYN-SENT",	   "SYN-RECV",	     "FIN-WAIT-1",
		"FIN-WAIT-2", "TIME-WAIT", "UNCONN",	   "CLOSE-WAIT",     "LAST-ACK",
		"LISTEN",     "CLOSING",   "NEW-SYN-RECV", "BOUND-INACTIVE",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "UNKNOWN";
}
