// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzzes the sock_diag decoder and the connection join (src/diag):
 * diag_sock_parse() and mc_conns_join() (and mc_conns_rates() on its result).
 *
 * Input: one selector byte, then netlink messages as a dump datagram holds
 * them. Bit 0 of the selector picks the protocol of the first message
 * (1: IPPROTO_MPTCP, 0: IPPROTO_TCP), which is decoded alone; then up to 8
 * messages are walked the way nl_reply_parse() walks a datagram, message i
 * decoded as MPTCP if bit (i + 1) % 8 is set, and the decoded sockets are
 * joined into connections, with and without listeners.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/tcp.h>

#include "diag/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_MSGS 8

static volatile uint64_t sink;

/*
 * The decoder's contract is what nl_reply_parse() checks before it calls
 * back: mnl_nlmsg_ok(), i.e. a whole header and an nlmsg_len between the
 * header size and what is left of the datagram. mnl_nlmsg_ok() compares
 * nlmsg_len as an int, so a length of 2 GiB or more passes it (reported
 * with the nl layer's fuzzer); the unsigned comparison keeps those out here
 * so this harness finds the decoder's bugs, not that one again.
 * The message is copied into an exactly sized buffer: an overread past
 * nlmsg_len is then a sanitizer report, not a read of the next message.
 */
static struct nlmsghdr *take(const uint8_t *p, size_t rem)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)p;
	struct nlmsghdr *copy;
	uint32_t len;

	if (rem < sizeof(*nlh) || rem > INT32_MAX)
		return NULL;
	memcpy(&len, p, sizeof(len));
	if (len > rem || !mnl_nlmsg_ok(nlh, (int)rem))
		return NULL;
	copy = malloc(len);
	if (copy)
		memcpy(copy, p, len);
	return copy;
}

static void check_sock(const struct diag_sock *s, int protocol)
{
	if (s->protocol != protocol || (s->family != AF_INET && s->family != AF_INET6))
		abort();
	if (strnlen(s->cong, sizeof(s->cong)) == sizeof(s->cong))
		abort(); /* not NUL-terminated */
	if (s->has_mptcp && (protocol != IPPROTO_MPTCP || s->mptcp_len > sizeof(s->mptcp) ||
			     s->mptcp_len < offsetof(struct mc_mptcp_info, local_addr_used)))
		abort();
	if (s->has_tcp && protocol != IPPROTO_TCP)
		abort();
	if (s->has_sf && !s->ulp_mptcp)
		abort();
	sink += s->sport + s->dport + s->uid + s->inode + s->mptcp.token + s->token_loc +
		s->tcp.bytes_acked + s->src.a.raw[15] + s->dst.a.raw[3] +
		(uint64_t)diag_state_name(s->state)[0];
}

static bool same_tuple(const struct diag_sock *a, const struct diag_sock *b)
{
	return a->family == b->family && a->sport == b->sport && a->dport == b->dport &&
	       !memcmp(a->src.a.raw, b->src.a.raw, 16) && !memcmp(a->dst.a.raw, b->dst.a.raw, 16);
}

static void check_conns(const struct mc_conns *cs, size_t nmsk, size_t ntcp, bool listeners)
{
	size_t subs = 0;

	if (cs->n > nmsk)
		abort();
	for (size_t i = 0; i < cs->n; i++) {
		const struct mc_conn *c = &cs->v[i];
		bool fit = true;
		double sum = 0;

		if (c->nsub < 0 || c->nsub > MC_MAX_SUBFLOWS || c->nsub_established > c->nsub)
			abort();
		if (c->kind == MC_CONN_LISTEN && (!listeners || c->s.state != TCP_LISTEN))
			abort();
		if (c->why && c->kind != MC_CONN_FALLBACK)
			abort();
		for (int k = 0; k < c->nsub; k++) {
			const struct mc_subflow *sf = &c->subs[k];

			if (sf->s->protocol != IPPROTO_TCP || sf->s->state == TCP_LISTEN)
				abort();
			/*
			 * Plain TCP is never a subflow; a socket without ULP info may
			 * only be the first subflow, with its connection's 4-tuple
			 * (what an older kernel shows an unprivileged user).
			 */
			if (!sf->s->ulp_mptcp && !same_tuple(sf->s, &c->s))
				abort();
			if (fit && !(sf->share >= 0 && sf->share <= 1))
				abort();
			sum += sf->share;
		}
		if (fit && c->nsub && sum != 0 && fabs(sum - 1) > 1e-6)
			abort();
		if (c->why)
			sink += (uint64_t)strlen(c->why);
		subs += (size_t)c->nsub;
	}
	if (subs > ntcp)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_sock *msk, *tcp;
	struct mc_conns cs[2];
	size_t nmsk = 0, ntcp = 0, rem;
	const uint8_t *p;
	struct nlmsghdr *nlh;
	uint8_t sel;

	if (size < 1)
		return 0;
	sel = data[0];
	data++;
	size--;

	/* The first message alone. */
	nlh = take(data, size);
	if (nlh) {
		int protocol = sel & 1 ? IPPROTO_MPTCP : IPPROTO_TCP;
		struct diag_sock s;
		int ret = diag_sock_parse(nlh, protocol, &s);

		if (ret == 0)
			check_sock(&s, protocol);
		else if (ret != -ENOENT && ret != -EBADMSG)
			abort();
		free(nlh);
	}

	/* Up to 8 messages of a datagram, joined. */
	msk = calloc(MAX_MSGS, sizeof(*msk));
	tcp = calloc(MAX_MSGS, sizeof(*tcp));
	if (!msk || !tcp)
		goto out;
	p = data;
	rem = size;
	for (int i = 0; i < MAX_MSGS && (nlh = take(p, rem)); i++) {
		int protocol = sel >> ((i + 1) % 8) & 1 ? IPPROTO_MPTCP : IPPROTO_TCP;
		struct diag_sock *s = protocol == IPPROTO_MPTCP ? &msk[nmsk] : &tcp[ntcp];
		size_t step = MNL_ALIGN(nlh->nlmsg_len);

		if (diag_sock_parse(nlh, protocol, s) == 0) {
			if (protocol == IPPROTO_MPTCP)
				nmsk++;
			else
				ntcp++;
		}
		free(nlh);
		if (step >= rem)
			break;
		p += step;
		rem -= step;
	}
	for (int l = 0; l < 2; l++) {
		if (mc_conns_join(&cs[l], msk, nmsk, tcp, ntcp, l) == 0)
			check_conns(&cs[l], nmsk, ntcp, l);
		else
			memset(&cs[l], 0, sizeof(cs[l]));
	}
	/* Rates between the two views: pure arithmetic on the joined subflows. */
	if (mc_conns_rates(&cs[1], &cs[0], 0.5) == 0)
		for (size_t i = 0; i < cs[1].n; i++)
			for (int k = 0; k < cs[1].v[i].nsub; k++)
				if (cs[1].v[i].subs[k].has_rate &&
				    !(cs[1].v[i].subs[k].tx_bps >= 0))
					abort();
	mc_conns_free(&cs[0]);
	mc_conns_free(&cs[1]);
out:
	free(msk);
	free(tcp);
	return 0;
}
