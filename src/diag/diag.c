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
	/* No INET_DIAG_CONG: nothing shows it, and it costs every TCP socket an attribute. */
	r->idiag_ext = 1 << (INET_DIAG_INFO - 1);
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
	if (nl_attr_get(tb[MC_SF_ATTR_TOKEN_LOC], &s->token_loc, 4))
		return -EBADMSG;
	s->has_sf = true;
	if ((tb[MC_SF_ATTR_TOKEN_REM] && nl_attr_get(tb[MC_SF_ATTR_TOKEN_REM], &s->token_rem, 4)) ||
	    (tb[MC_SF_ATTR_FLAGS] && nl_attr_get(tb[MC_SF_ATTR_FLAGS], &s->sf_flags, 4)) ||
	    (tb[MC_SF_ATTR_ID_LOC] && nl_attr_get(tb[MC_SF_ATTR_ID_LOC], &s->id_loc, 1)) ||
	    (tb[MC_SF_ATTR_ID_REM] && nl_attr_get(tb[MC_SF_ATTR_ID_REM], &s->id_rem, 1)))
		return -EBADMSG;
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

/* A field of a tcp_info of len bytes; 0 past the end (older kernels send less). */
static uint64_t ti_field(const uint8_t *p, size_t len, size_t off, size_t size)
{
	uint64_t v64 = 0;
	uint32_t v32 = 0;
	uint8_t v8 = 0;

	if (off + size > len)
		return 0;
	switch (size) {
	case 8:
		memcpy(&v64, p + off, 8);
		return v64;
	case 4:
		memcpy(&v32, p + off, 4);
		return v32;
	default:
		memcpy(&v8, p + off, 1);
		return v8;
	}
}

#define TI(f) ti_field(p, len, offsetof(struct tcp_info, f), sizeof(((struct tcp_info *)0)->f))

/* Only the fields shown, read in place: no copy of the whole struct per socket. */
static void parse_tcp_info(const struct nlattr *a, struct diag_sock *s)
{
	const uint8_t *p = mnl_attr_get_payload(a);
	size_t len = mnl_attr_get_payload_len(a);

	s->has_tcp = true;
	s->tcp.rtt_us = (uint32_t)TI(tcpi_rtt);
	s->tcp.rttvar_us = (uint32_t)TI(tcpi_rttvar);
	s->tcp.snd_cwnd = (uint32_t)TI(tcpi_snd_cwnd);
	s->tcp.snd_mss = (uint32_t)TI(tcpi_snd_mss);
	s->tcp.retrans = (uint32_t)TI(tcpi_retrans);
	s->tcp.total_retrans = (uint32_t)TI(tcpi_total_retrans);
	s->tcp.bytes_sent = TI(tcpi_bytes_sent);
	s->tcp.bytes_acked = TI(tcpi_bytes_acked);
	s->tcp.bytes_received = TI(tcpi_bytes_received);
	s->tcp.delivery_rate = TI(tcpi_delivery_rate);
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
	const struct diag_sink *sink;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *c = data;
	struct diag_sock *s = c->sink->slot(c->sink->data);
	int ret;

	if (!s)
		return -ENOMEM;
	ret = diag_sock_parse(nlh, c->protocol, s);
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return ret;
	return c->sink->keep(c->sink->data);
}

/* diag_dump's sink: one socket on the stack, handed to the callback. */
struct cb_sink {
	struct diag_sock s;
	diag_cb cb;
	void *data;
};

static struct diag_sock *cb_slot(void *data)
{
	return &((struct cb_sink *)data)->s;
}

static int cb_keep(void *data)
{
	struct cb_sink *c = data;

	return c->cb(&c->s, c->data);
}

void diag_part_ephemeral(struct diag_part *h, unsigned int lo, unsigned int hi, int mod, int part)
{
	int k = DIAG_PART_MAX_STRIPES;

	if (lo == 0 || hi > 65535 || lo > hi) {
		lo = 32768; /* Linux's default */
		hi = 60999;
	}
	while (k > 2 && (hi - lo + 1) / (unsigned int)k == 0)
		k /= 2;
	h->base = (uint16_t)lo;
	h->width = (uint16_t)((hi - lo + 1) / (unsigned int)k ?: 1);
	h->stripes = k;
	h->mod = mod;
	h->part = part;
}

/*
 * The kernel's audit (inet_diag_bc_audit) walks only the chain of "yes"
 * jumps and wants every "no" target on it, so the program is a straight
 * line where each op's "yes" is the next op: a port comparison continues
 * while the port is at or above the next stripe boundary, and jumps ahead
 * when it is below. Accept is landing exactly on the end, reject jumping 4
 * bytes past it; a JMP (which always takes "no") ends a chain.
 *
 *   sport chain:  S_GE b1 .. S_GE b(K-1), JMP   no -> D(sport's stripe mod M)
 *   D0 .. D(M-1): D_GE b1 .. D_GE b(K-1), JMP   no -> accept or reject by
 *                 (r + dport's stripe) mod M
 */
size_t diag_part_bytecode(const struct diag_part *h, void *buf, size_t len)
{
	struct inet_diag_bc_op op[DIAG_PART_BC_MAX / 4];
	int k = h->stripes, m = h->mod, n = 0;
	size_t chain = (size_t)(k - 1) * 8 + 4, total = (size_t)(m + 1) * chain;

	if (k < 2 || k > DIAG_PART_MAX_STRIPES || m < 2 || m > DIAG_PART_MAX_MOD || h->width == 0 ||
	    (h->part != 0 && h->part != 1) ||
	    (unsigned int)h->base + (unsigned int)(k - 1) * h->width > 65535 || len < total)
		return 0;
	for (int sec = 0; sec <= m; sec++) { /* the sport chain, then D0 .. D(m-1) */
		size_t start = (size_t)sec * chain;

		for (int i = 1; i <= k; i++) {
			size_t at = start + (size_t)(i - 1) * 8, target;
			int stripe = i - 1; /* the port is in it when below boundary i */

			if (sec == 0)
				target = chain * (size_t)(1 + stripe % m); /* D(stripe mod m) */
			else
				target = (((stripe + sec - 1) % m == 0) == (h->part == 0)) ?
						 total :
						 total + 4;
			if (i == k) { /* at or above every boundary: the last stripe */
				op[n].code = INET_DIAG_BC_JMP;
				op[n].yes = 4;
				op[n++].no = (uint16_t)(target - at);
				break;
			}
			op[n].code = sec == 0 ? INET_DIAG_BC_S_GE : INET_DIAG_BC_D_GE;
			op[n].yes = 8;
			op[n++].no = (uint16_t)(target - at);
			op[n].code = 0;
			op[n].yes = 0;
			op[n++].no = (uint16_t)(h->base + (unsigned int)i * h->width);
		}
	}
	memcpy(buf, op, total);
	return total;
}

int diag_dump(struct nl *nl, int family, int protocol, uint32_t states, diag_cb cb, void *data,
	      struct mc_err *e)
{
	struct cb_sink c = { .cb = cb, .data = data };
	struct diag_sink sink = { cb_slot, cb_keep, &c };

	return diag_dump_sink(nl, family, protocol, states, NULL, &sink, e);
}

int diag_dump_sink(struct nl *nl, int family, int protocol, uint32_t states,
		   const struct diag_part *h, const struct diag_sink *sink, struct mc_err *e)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct dump_ctx c = { protocol, sink };
	char buf[NL_REQ_BUF];

	for (size_t i = 0; i < 2; i++) {
		struct nlmsghdr *nlh;
		int ret;

		if (family != AF_UNSPEC && family != families[i])
			continue;
		nlh = diag_req_build(buf, families[i], protocol, states);
		if (h) {
			char bc[DIAG_PART_BC_MAX];
			size_t n = diag_part_bytecode(h, bc, sizeof(bc));

			if (!n)
				return mc_err_set(e, -EINVAL, "dump part %d: bad stripes", h->part);
			mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, n, bc);
		}
		ret = nl_dump(nl, nlh, dump_cb, &c, NULL, e);
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
