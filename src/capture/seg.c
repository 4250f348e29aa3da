// SPDX-License-Identifier: GPL-2.0-or-later
/* A captured frame down to its TCP segment and MPTCP options. */
#include <errno.h>
#include <string.h>

#include "mpopt.h"

#define ETH_P_IPV4 0x0800
#define ETH_P_IPV6 0x86dd
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

bool cap_dlt_supported(int dlt)
{
	switch (dlt) {
	case CAP_DLT_NULL:
	case CAP_DLT_EN10MB:
	case CAP_DLT_RAW:
	case CAP_DLT_RAW_OPENBSD:
	case CAP_DLT_RAW_LINKTYPE:
	case CAP_DLT_LOOP:
	case CAP_DLT_LINUX_SLL:
	case CAP_DLT_IPV4:
	case CAP_DLT_IPV6:
	case CAP_DLT_LINUX_SLL2:
		return true;
	}
	return false;
}

/* The link header: *off gets the network header's offset, *proto its ethertype. */
static int link_decode(int dlt, const uint8_t *d, size_t caplen, size_t *off, uint16_t *proto,
		       int *ifindex)
{
	uint32_t af;

	switch (dlt) {
	case CAP_DLT_EN10MB:
		if (caplen < 14)
			return -EBADMSG;
		*off = 14;
		*proto = be16(d + 12);
		/* Up to two VLAN tags. */
		for (int i = 0; i < 2 && (*proto == ETH_P_8021Q || *proto == ETH_P_8021AD); i++) {
			if (caplen < *off + 4)
				return -EBADMSG;
			*proto = be16(d + *off + 2);
			*off += 4;
		}
		return 0;
	case CAP_DLT_LINUX_SLL:
		if (caplen < 16)
			return -EBADMSG;
		*off = 16;
		*proto = be16(d + 14);
		return 0;
	case CAP_DLT_LINUX_SLL2:
		if (caplen < 20)
			return -EBADMSG;
		*off = 20;
		*proto = be16(d);
		*ifindex = (int)be32(d + 4);
		return 0;
	case CAP_DLT_NULL:
	case CAP_DLT_LOOP:
		if (caplen < 4)
			return -EBADMSG;
		*off = 4;
		/* DLT_NULL is in the writer's byte order, DLT_LOOP in network order. */
		memcpy(&af, d, 4);
		if (dlt == CAP_DLT_LOOP)
			af = be32(d);
		else if (af > 0xffff)
			af = be32(d);
		/* AF_INET is 2 everywhere; AF_INET6 is 10, 24, 28 or 30. */
		if (af == 2)
			*proto = ETH_P_IPV4;
		else if (af == 10 || af == 24 || af == 28 || af == 30)
			*proto = ETH_P_IPV6;
		else
			*proto = 0;
		return 0;
	case CAP_DLT_RAW:
	case CAP_DLT_RAW_OPENBSD:
	case CAP_DLT_RAW_LINKTYPE:
	case CAP_DLT_IPV4:
	case CAP_DLT_IPV6:
		*off = 0;
		if (caplen < 1)
			return -EBADMSG;
		*proto = d[0] >> 4 == 6 ? ETH_P_IPV6 : d[0] >> 4 == 4 ? ETH_P_IPV4 : 0;
		return 0;
	}
	return -EPROTONOSUPPORT;
}

/* IPv4 / IPv6 to the TCP header: *l4 its offset, *l4len the bytes the IP header says follow. */
static int ip_decode(const uint8_t *d, size_t caplen, size_t off, uint16_t proto, size_t wire_left,
		     struct cap_seg *s, size_t *l4, size_t *l4len)
{
	if (proto == ETH_P_IPV4) {
		size_t ihl, tot;

		if (caplen < off + 20 || d[off] >> 4 != 4)
			return -EBADMSG;
		ihl = (size_t)(d[off] & 0x0f) * 4;
		tot = be16(d + off + 2);
		if (ihl < 20 || caplen < off + ihl)
			return -EBADMSG;
		if (d[off + 9] != 6)
			return -ENOENT;
		if (be16(d + off + 6) & 0x1fff)
			return -ENOENT; /* not the first fragment */
		/* 0: a TSO frame the stack left for the device to fill in. */
		if (tot == 0)
			tot = wire_left;
		if (tot < ihl)
			return -EBADMSG;
		s->family = 4;
		memcpy(s->src, d + off + 12, 4);
		memcpy(s->dst, d + off + 16, 4);
		*l4 = off + ihl;
		*l4len = tot - ihl;
		return 0;
	}
	if (proto == ETH_P_IPV6) {
		size_t plen, p;
		uint8_t nh;

		if (caplen < off + 40 || d[off] >> 4 != 6)
			return -EBADMSG;
		plen = be16(d + off + 4);
		if (plen == 0) /* a jumbogram or BIG TCP: the wire says */
			plen = wire_left >= 40 ? wire_left - 40 : 0;
		nh = d[off + 6];
		memcpy(s->src, d + off + 8, 16);
		memcpy(s->dst, d + off + 24, 16);
		p = off + 40;
		/* Extension headers: hop-by-hop, routing, fragment, destination options. */
		for (int i = 0; i < 8 && nh != 6; i++) {
			size_t hl;

			if (nh != 0 && nh != 43 && nh != 44 && nh != 60)
				return -ENOENT;
			if (caplen < p + 8)
				return -EBADMSG;
			if (nh == 44) {
				if (be16(d + p + 2) & 0xfff8)
					return -ENOENT;
				hl = 8;
			} else {
				hl = ((size_t)d[p + 1] + 1) * 8;
			}
			nh = d[p];
			if (p - off - 40 > plen || hl > plen - (p - off - 40))
				return -EBADMSG;
			p += hl;
		}
		if (nh != 6)
			return -ENOENT;
		if (p - off - 40 > plen)
			return -EBADMSG;
		s->family = 6;
		*l4 = p;
		*l4len = plen - (p - off - 40);
		return 0;
	}
	return -ENOENT;
}

/* The options area: MPTCP options decoded, the longest NOP run noted. */
static void opts_decode(const uint8_t *o, size_t n, bool cut, struct cap_seg *s)
{
	size_t i = 0;
	uint8_t run = 0;

	while (i < n) {
		uint8_t kind = o[i], len;

		if (kind == 0)
			break; /* end of option list */
		if (kind == 1) {
			run++;
			if (run > s->nop_run)
				s->nop_run = run;
			i++;
			continue;
		}
		run = 0;
		if (i + 1 >= n) {
			if (!cut)
				s->nopt_bad += kind == TCPOPT_MPTCP_KIND;
			break;
		}
		len = o[i + 1];
		if (len < 2 || i + len > n) {
			/* Running past what was captured is the snaplen's doing. */
			if (!cut || len < 2)
				s->nopt_bad += kind == TCPOPT_MPTCP_KIND;
			break;
		}
		if (kind == TCPOPT_MPTCP_KIND) {
			struct mpopt m;
			int ret = mpopt_decode(o + i, len, &m);

			if (ret == -EBADMSG)
				s->nopt_bad++;
			else if (ret == 0 && s->nopt < MPOPT_PER_SEG)
				s->opt[s->nopt++] = m;
		}
		i += len;
	}
}

int cap_seg_decode(int dlt, const uint8_t *d, size_t caplen, size_t wirelen, struct cap_seg *s,
		   int *ifindex)
{
	size_t off = 0, l4 = 0, l4len = 0, doff, optlen, have;
	uint16_t proto = 0;
	int ret;

	memset(s, 0, sizeof(*s));
	*ifindex = 0;
	if (caplen > wirelen)
		wirelen = caplen;
	ret = link_decode(dlt, d, caplen, &off, &proto, ifindex);
	if (ret)
		return ret;
	ret = ip_decode(d, caplen, off, proto, wirelen - off, s, &l4, &l4len);
	if (ret)
		return ret;
	if (caplen < l4 + 20 || l4len < 20)
		return -EBADMSG;
	s->sport = be16(d + l4);
	s->dport = be16(d + l4 + 2);
	s->seq = be32(d + l4 + 4);
	s->ack = be32(d + l4 + 8);
	doff = (size_t)(d[l4 + 12] >> 4) * 4;
	s->flags = d[l4 + 13];
	if (doff < 20 || doff > l4len)
		return -EBADMSG;
	s->payload = (uint32_t)(l4len - doff);
	optlen = doff - 20;
	have = caplen - l4 - 20;
	s->opts_cut = have < optlen;
	opts_decode(d + l4 + 20, s->opts_cut ? have : optlen, s->opts_cut, s);
	return 0;
}
