// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One socket's subflows, now: MPTCP_FULL_INFO (Linux 6.5+) in one call,
 * else MPTCP_TCPINFO + MPTCP_SUBFLOW_ADDRS, else TCP_INFO for a TCP socket
 * (or an MPTCP socket that fell back). The decoder is pure and checks every
 * size the kernel writes back before using an array.
 */
#include <errno.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../uapi/mptcp_uapi.h"
#include "bench.h"

/* The least of struct tcp_info we read: up to tcpi_bytes_received (4.19). */
#define TI_MIN (offsetof(struct tcp_info, tcpi_bytes_received) + sizeof(uint64_t))

static void sf_from_tcpinfo(struct bench_sf *sf, const void *buf, size_t len)
{
	struct tcp_info ti;

	memset(&ti, 0, sizeof(ti));
	memcpy(&ti, buf, len < sizeof(ti) ? len : sizeof(ti));
	sf->state = ti.tcpi_state;
	sf->rtt_us = ti.tcpi_rtt;
	sf->rttvar_us = ti.tcpi_rttvar;
	sf->snd_cwnd = ti.tcpi_snd_cwnd;
	sf->snd_mss = ti.tcpi_snd_mss;
	sf->pmtu = ti.tcpi_pmtu;
	sf->total_retrans = ti.tcpi_total_retrans;
	sf->bytes_acked = ti.tcpi_bytes_acked;
	sf->bytes_received = ti.tcpi_bytes_received;
	if (len >= offsetof(struct tcp_info, tcpi_bytes_sent) + sizeof(uint64_t))
		sf->bytes_sent = ti.tcpi_bytes_sent;
	if (len >= offsetof(struct tcp_info, tcpi_snd_wnd) + sizeof(uint32_t))
		sf->snd_wnd = ti.tcpi_snd_wnd;
}

static bool family_ok(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET || ss->ss_family == AF_INET6;
}

int bench_full_info_decode(const void *hdr, size_t hdrlen, const void *sfi, size_t sfilen,
			   const void *ti, size_t tilen, struct bench_conn_info *ci,
			   struct mc_err *e)
{
	struct mc_mptcp_full_info h;
	uint32_t n;

	memset(ci, 0, sizeof(*ci));
	ci->protocol = IPPROTO_MPTCP;
	ci->source = MC_MPTCP_FULL_INFO;
	if (hdrlen < offsetof(struct mc_mptcp_full_info, mptcp_info))
		return mc_err_set(e, -EBADMSG, "MPTCP_FULL_INFO: %zu bytes, short header", hdrlen);
	memset(&h, 0, sizeof(h));
	memcpy(&h, hdr, hdrlen < sizeof(h) ? hdrlen : sizeof(h));
	if (h.size_sfinfo_user > sizeof(struct mc_mptcp_subflow_info) ||
	    h.size_sfinfo_user < offsetof(struct mc_mptcp_subflow_info, addrs.remote) +
					 sizeof(struct sockaddr_in))
		return mc_err_set(e, -EBADMSG, "MPTCP_FULL_INFO: subflow info size %u",
				  h.size_sfinfo_user);
	if (h.size_tcpinfo_user > sizeof(struct tcp_info) || h.size_tcpinfo_user < TI_MIN)
		return mc_err_set(e, -EBADMSG, "MPTCP_FULL_INFO: tcp_info size %u",
				  h.size_tcpinfo_user);
	n = h.num_subflows;
	if (n > h.size_arrays_user)
		n = h.size_arrays_user; /* more subflows than room: the first ones */
	if (n > BENCH_MAX_SF)
		n = BENCH_MAX_SF;
	if ((size_t)n * h.size_sfinfo_user > sfilen || (size_t)n * h.size_tcpinfo_user > tilen)
		return mc_err_set(e, -EBADMSG,
				  "MPTCP_FULL_INFO: %u subflows do not fit the arrays given", n);
	if (hdrlen >= offsetof(struct mc_mptcp_full_info, mptcp_info) +
			      offsetof(struct mc_mptcp_info, bytes_retrans)) {
		ci->fallback = h.mptcp_info.flags & MC_MPTCP_INFO_FLAG_FALLBACK;
		ci->mptcp_retransmits = h.mptcp_info.retransmits;
	}
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *s = (const uint8_t *)sfi + (size_t)i * h.size_sfinfo_user;
		struct mc_mptcp_subflow_info si;
		struct bench_sf *sf = &ci->sf[ci->nsf];

		memset(&si, 0, sizeof(si));
		memcpy(&si, s, h.size_sfinfo_user);
		memset(sf, 0, sizeof(*sf));
		sf->id = si.id;
		sf->local = si.addrs.local;
		sf->remote = si.addrs.remote;
		if (!family_ok(&sf->local) || sf->remote.ss_family != sf->local.ss_family)
			return mc_err_set(e, -EBADMSG,
					  "MPTCP_FULL_INFO: subflow %u: address family %u", si.id,
					  sf->local.ss_family);
		sf_from_tcpinfo(sf, (const uint8_t *)ti + (size_t)i * h.size_tcpinfo_user,
				h.size_tcpinfo_user);
		ci->nsf++;
	}
	return 0;
}

static int get_full_info(int fd, struct bench_conn_info *ci, struct mc_err *e)
{
	struct mc_mptcp_subflow_info sfi[BENCH_MAX_SF];
	struct tcp_info ti[BENCH_MAX_SF];
	struct mc_mptcp_full_info h;
	socklen_t len = sizeof(h);

	memset(&h, 0, sizeof(h));
	h.size_tcpinfo_user = sizeof(ti[0]);
	h.size_sfinfo_user = sizeof(sfi[0]);
	h.size_arrays_user = BENCH_MAX_SF;
	h.subflow_info = (uintptr_t)sfi;
	h.tcp_info = (uintptr_t)ti;
	if (getsockopt(fd, SOL_MPTCP, MC_MPTCP_FULL_INFO, &h, &len) < 0)
		return -errno;
	return bench_full_info_decode(&h, len, sfi, sizeof(sfi), ti, sizeof(ti), ci, e);
}

/* Before 6.5: the tcp_info array and the address array, matched by position. */
static int get_split_info(int fd, struct bench_conn_info *ci, struct mc_err *e)
{
	struct {
		struct mc_mptcp_subflow_data d;
		struct tcp_info ti[BENCH_MAX_SF];
	} t;
	struct {
		struct mc_mptcp_subflow_data d;
		struct mc_mptcp_subflow_addrs a[BENCH_MAX_SF];
	} a;
	socklen_t tl = sizeof(t), al = sizeof(a);
	uint32_t n;

	memset(&t, 0, sizeof(t.d));
	memset(&a, 0, sizeof(a.d));
	t.d.size_subflow_data = sizeof(t.d);
	t.d.size_user = sizeof(t.ti[0]);
	a.d.size_subflow_data = sizeof(a.d);
	a.d.size_user = sizeof(a.a[0]);
	if (getsockopt(fd, SOL_MPTCP, MC_MPTCP_TCPINFO, &t, &tl) < 0 ||
	    getsockopt(fd, SOL_MPTCP, MC_MPTCP_SUBFLOW_ADDRS, &a, &al) < 0)
		return -errno;
	memset(ci, 0, sizeof(*ci));
	ci->protocol = IPPROTO_MPTCP;
	ci->source = MC_MPTCP_TCPINFO;
	if (t.d.size_kernel == 0 || t.d.size_user < TI_MIN || t.d.size_user > sizeof(t.ti[0]))
		return mc_err_set(e, -EBADMSG, "MPTCP_TCPINFO: element size %u", t.d.size_user);
	n = t.d.num_subflows < a.d.num_subflows ? t.d.num_subflows : a.d.num_subflows;
	if (n > BENCH_MAX_SF)
		n = BENCH_MAX_SF;
	if (sizeof(t.d) + (size_t)n * t.d.size_user > tl)
		n = (uint32_t)((tl - sizeof(t.d)) / t.d.size_user);
	for (uint32_t i = 0; i < n; i++) {
		struct bench_sf *sf = &ci->sf[ci->nsf++];

		memset(sf, 0, sizeof(*sf));
		sf->id = i + 1;
		sf_from_tcpinfo(sf, (uint8_t *)t.ti + (size_t)i * t.d.size_user, t.d.size_user);
		if (a.d.size_user == sizeof(a.a[0])) {
			sf->local = a.a[i].local;
			sf->remote = a.a[i].remote;
		}
	}
	return 0;
}

static int get_tcp_info(int fd, int protocol, struct bench_conn_info *ci)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti), sl;
	struct bench_sf *sf;

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		return -errno;
	memset(ci, 0, sizeof(*ci));
	ci->protocol = protocol;
	ci->fallback = protocol == IPPROTO_MPTCP;
	ci->nsf = 1;
	sf = &ci->sf[0];
	sf->id = 1;
	sf_from_tcpinfo(sf, &ti, len);
	sl = sizeof(sf->local);
	getsockname(fd, (struct sockaddr *)&sf->local, &sl);
	sl = sizeof(sf->remote);
	getpeername(fd, (struct sockaddr *)&sf->remote, &sl);
	return 0;
}

static bool split_forced(void)
{
	static int forced = -1;

	if (forced < 0) {
		const char *v = getenv("MPTCPCTL_SFINFO");

		forced = v && !strcmp(v, "split");
	}
	return forced;
}

int bench_sfinfo_get(int fd, struct bench_conn_info *ci, struct mc_err *e)
{
	int protocol = 0, ret;
	socklen_t len = sizeof(protocol);
	struct mc_mptcp_info mi;

	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &len) < 0)
		return mc_err_set(e, -errno, "reading the socket's protocol");
	if (protocol != IPPROTO_MPTCP)
		return get_tcp_info(fd, protocol, ci);
	/* A fallen-back MPTCP socket answers MPTCP_INFO with EOPNOTSUPP. */
	len = sizeof(mi);
	if (getsockopt(fd, SOL_MPTCP, MC_MPTCP_INFO, &mi, &len) < 0 && errno == EOPNOTSUPP)
		return get_tcp_info(fd, protocol, ci);
	/* MPTCPCTL_SFINFO=split: the pre-6.5 path on a newer kernel (the tests use it). */
	if (split_forced())
		ret = -EOPNOTSUPP;
	else
		ret = get_full_info(fd, ci, e);
	if (ret == -EOPNOTSUPP || ret == -ENOPROTOOPT)
		ret = get_split_info(fd, ci, e);
	if (ret == -EOPNOTSUPP || ret == -ENOPROTOOPT)
		return get_tcp_info(fd, protocol, ci);
	if (ret && !(e && e->code))
		mc_err_set(e, ret, "reading the subflows (MPTCP_FULL_INFO)");
	return ret;
}
