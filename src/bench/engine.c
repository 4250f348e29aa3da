// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The bench client and server: iperf3's control protocol on one socket, the
 * data streams on others, one epoll loop, no threads. Reports go to the
 * caller's callbacks; nothing here prints.
 *
 * Data path (measured on 2 x 10 Gbit/s MPTCP, see mptcpctl-bench(8)):
 * - 128 KiB writes beat 32 KiB..4 MiB; at most 4 of them per wakeup (see
 *   data_send()).
 * - The receiver discards with MSG_TRUNC unless it verifies (15-20 % less
 *   CPU on the receiving side). Its SO_RCVLOWAT is chosen while the test
 *   runs (rxtune.c): a batch wins unshaped and loses shaped.
 * - sendfile() was slower than copying on MPTCP (11.9 vs 16.5 Gbit/s) and,
 *   over unshaped veth, on TCP too (14.1-15.2 vs 17.8-18.1 Gbit/s): it is
 *   used only with "zerocopy" and only on TCP streams. MSG_ZEROCOPY made no
 *   difference on MPTCP (16.0 vs 16.5 Gbit/s) and is not used.
 *
 * Verify: the byte at stream offset o is pattern[o mod P], P = 65521 (prime,
 * so no block size aligns with it), pattern from a fixed xorshift; sender and
 * receiver keep P + len bytes of it, so writing and checking are a send() and
 * a memcmp() at an offset. With verify the sender shuts its side down before
 * TEST_END and the receiver reads to EOF, so the counts must match exactly.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>

#include "../rt/rt.h"
#include "../uapi/mptcp_uapi.h"
#include "bench.h"

#define PATTERN_P 65521U
#define RECV_BUF (128U << 10)
#define DRAIN_TIMEOUT_MS 10000

struct sf_track {
	uint32_t id;
	struct sockaddr_storage local, remote;
	char ifname[IF_NAMESIZE];
	uint64_t base, prev, last; /* the counter: bytes acked (sender) or received */
	uint32_t rbase, rprev, rlast; /* total_retrans */
	uint32_t rtt_us, cwnd, mss;
	bool alive, backup, seen_now;
};

struct stream {
	int fd;
	int id;
	bool sender;
	bool eof; /* receiver: the peer shut down */
	bool shut; /* sender: shut down (verify) */
	int protocol;
	bool fallback;
	uint64_t bytes; /* application bytes */
	uint64_t bytes_prev; /* at the last interval */
	uint64_t bad; /* verify */
	uint64_t limit; /* -n / -k: this stream's share, when limited */
	bool limited;
	int nsf;
	struct sf_track sf[BENCH_MAX_SF];
	struct sockaddr_storage local, remote;
};

struct addr_if {
	struct mc_prefix a;
	int ifindex;
	char ifname[IF_NAMESIZE];
};

struct test {
	const struct bench_opts *o;
	const struct bench_cb *cb;
	struct bench_params p;
	bool client;
	char cookie[BENCH_COOKIE_SIZE];
	int ctrl, ep, tfd, lfd;
	int n;
	struct stream st[2 * BENCH_MAX_STREAMS];
	struct bench_stream_report rep[2 * BENCH_MAX_STREAMS];
	uint8_t *pat; /* PATTERN_P + len bytes of the pattern */
	uint8_t *rbuf;
	int memfd; /* zerocopy (TCP): the pattern as a file for sendfile() */
	uint64_t t0, t_prev, t_end;
	uint64_t last_rx; /* receiver idle timeout */
	struct rusage ru0;
	int naddr;
	struct addr_if addrs[64];
	bool addrs_loaded;
	struct bench_results peer;
	bool have_peer;
	bool first_sample; /* the sample at the test's start: counters there are the base */
	bool omitting; /* -O: still in the omitted warm-up */
	int ctrl_state; /* a state read during the data phase, handled after it */
	/* Receive batching (rxtune.c): on when this side receives and the kernel takes it. */
	bool rx_tuning;
	struct rxtune rx;
	uint64_t rx_bytes; /* received on all streams since the start, omit included */
	uint32_t rx_lowat; /* SO_RCVLOWAT on the receiving streams now (0: default) */
	uint32_t rx_final; /* ... at the end of the data phase (the results say it) */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static const uint8_t *pattern(void)
{
	static uint8_t *p;

	if (!p) {
		uint64_t x = 0x9E3779B97F4A7C15ULL;

		p = malloc(PATTERN_P);
		if (!p)
			return NULL;
		for (uint32_t i = 0; i < PATTERN_P; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			p[i] = (uint8_t)(x >> 24);
		}
	}
	return p;
}

uint8_t bench_pattern_byte(uint64_t off)
{
	const uint8_t *p = pattern();

	return p ? p[off % PATTERN_P] : 0;
}

void bench_opts_default(struct bench_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->port = BENCH_PORT;
	bench_params_default(&o->p);
	o->interval_us = 1000000;
	o->timeout_ms = 10000;
	o->family = AF_UNSPEC;
}

/* ---- control-channel I/O, every read and write with a deadline ---- */

static int wait_fd(int fd, short ev, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = ev };
	int r;

	do
		r = poll(&pfd, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return r == 0 ? -ETIMEDOUT : 0;
}

static int read_full(int fd, void *buf, size_t len, int timeout_ms, const char *what,
		     struct mc_err *e)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n;
		int r = wait_fd(fd, POLLIN, timeout_ms);

		if (r == -ETIMEDOUT)
			return mc_err_set(e, r, "%s: nothing from the peer for %d ms", what,
					  timeout_ms);
		if (r)
			return mc_err_set(e, r, "%s: poll", what);
		n = recv(fd, (char *)buf + got, len - got, MSG_DONTWAIT);
		if (n == 0)
			return mc_err_set(
				e, -ECONNRESET,
				"%s: the peer closed the connection (after %zu of %zu bytes)", what,
				got, len);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return mc_err_set(e, -errno, "%s", what);
		}
		got += (size_t)n;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t len, int timeout_ms, const char *what,
		      struct mc_err *e)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n;
		int r = wait_fd(fd, POLLOUT, timeout_ms);

		if (r)
			return mc_err_set(e, r, "%s: %s", what,
					  r == -ETIMEDOUT ? "the peer reads nothing" : "poll");
		n = send(fd, (const char *)buf + done, len - done, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return mc_err_set(e, -errno, "%s", what);
		}
		done += (size_t)n;
	}
	return 0;
}

static int send_state(struct test *t, int state, struct mc_err *e)
{
	signed char c = (signed char)state;
	char what[64];

	snprintf(what, sizeof(what), "sending %s", bench_state_name(state));
	return write_full(t->ctrl, &c, 1, (int)t->o->timeout_ms, what, e);
}

static int recv_state(struct test *t, int timeout_ms, int *state, struct mc_err *e)
{
	signed char c;
	int ret = read_full(t->ctrl, &c, 1, timeout_ms, "control connection", e);

	if (ret)
		return ret;
	if (!bench_state_name(c))
		return mc_err_set(e, -EBADMSG, "control connection: unknown state byte %d", c);
	*state = c;
	return 0;
}

static int send_json(struct test *t, const char *json, const char *what, struct mc_err *e)
{
	size_t len = strlen(json);
	uint8_t hdr[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
			   (uint8_t)len };
	int ret = write_full(t->ctrl, hdr, 4, (int)t->o->timeout_ms, what, e);

	return ret ? ret : write_full(t->ctrl, json, len, (int)t->o->timeout_ms, what, e);
}

static int recv_json(struct test *t, char **out, size_t *olen, const char *what, struct mc_err *e)
{
	uint8_t hdr[4];
	uint32_t len;
	char *buf;
	int ret;

	ret = read_full(t->ctrl, hdr, 4, (int)t->o->timeout_ms, what, e);
	if (!ret)
		ret = bench_frame_len(hdr, &len, e);
	if (ret)
		return ret;
	buf = malloc((size_t)len + 1);
	if (!buf)
		return mc_err_set(e, -ENOMEM, "%s", what);
	ret = read_full(t->ctrl, buf, len, (int)t->o->timeout_ms, what, e);
	if (ret) {
		free(buf);
		return ret;
	}
	buf[len] = '\0';
	*out = buf;
	*olen = len;
	return 0;
}

static int send_server_error(struct test *t, int ierr, int err)
{
	struct mc_err ignore = { 0 };
	uint32_t v[2] = { htonl((uint32_t)ierr), htonl((uint32_t)err) };

	if (send_state(t, BS_SERVER_ERROR, &ignore))
		return -EIO;
	return write_full(t->ctrl, v, sizeof(v), 1000, "SERVER_ERROR", &ignore);
}

/* ---- sockets ---- */

static const char *sa_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const void *a = ss->ss_family == AF_INET6 ?
				(const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr :
				(const void *)&((const struct sockaddr_in *)ss)->sin_addr;

	if (!inet_ntop(ss->ss_family, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

static int sock_opts(struct test *t, int fd, bool data, struct mc_err *e)
{
	int one = 1;

	/* The control wants its single bytes out at once; data streams only with -N. */
	if ((!data || t->p.nodelay) &&
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
		return mc_err_set(e, -errno, "setting TCP_NODELAY");
	if (!data)
		return 0;
	if (t->p.window) {
		int w = (int)t->p.window;

		if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &w, sizeof(w)) < 0 ||
		    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &w, sizeof(w)) < 0)
			return mc_err_set(e, -errno, "setting the socket buffers to %d bytes", w);
	}
	if (t->p.mss) {
		int m = (int)t->p.mss;

		if (setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &m, sizeof(m)) < 0)
			return mc_err_set(e, -errno, "setting the MSS to %d", m);
	}
	if (t->p.congestion[0] && setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, t->p.congestion,
					     strlen(t->p.congestion)) < 0)
		return mc_err_set(e, -errno, "congestion control '%s'", t->p.congestion);
	return 0;
}

/* An MPTCP socket, or TCP where MPTCP is off or asked not to be used. */
static int new_socket(int family, bool tcp, int *proto)
{
	int fd = -1;

	if (!tcp) {
		fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP);
		*proto = IPPROTO_MPTCP;
	}
	if (fd < 0) {
		fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
		*proto = IPPROTO_TCP;
	}
	return fd < 0 ? -errno : fd;
}

static int resolve(const char *host, uint16_t port, int family, bool passive,
		   struct sockaddr_storage *ss, socklen_t *sl, struct mc_err *e)
{
	struct addrinfo hints = { .ai_family = family, .ai_socktype = SOCK_STREAM }, *res;
	char ps[8];
	int r;

	if (passive)
		hints.ai_flags = AI_PASSIVE;
	snprintf(ps, sizeof(ps), "%u", port);
	r = getaddrinfo(host, ps, &hints, &res);
	if (r)
		return mc_err_set(e, -EHOSTUNREACH, "resolving '%s': %s", host ? host : "*",
				  gai_strerror(r));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sl = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int dial(struct test *t, int *fdp, int *proto, struct mc_err *e)
{
	const struct bench_opts *o = t->o;
	struct sockaddr_storage ss, bs;
	socklen_t sl, bl;
	char ab[INET6_ADDRSTRLEN];
	int fd, ret, err = 0;
	socklen_t el = sizeof(err);

	ret = resolve(o->host, o->port, o->family, false, &ss, &sl, e);
	if (ret)
		return ret;
	fd = new_socket(ss.ss_family, o->tcp, proto);
	if (fd < 0)
		return mc_err_set(e, fd, "creating a socket");
	if (o->bind_dev && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, o->bind_dev,
				      (socklen_t)strlen(o->bind_dev)) < 0) {
		ret = mc_err_set(e, -errno, "binding to device %s", o->bind_dev);
		goto fail;
	}
	if (o->bind) {
		ret = resolve(o->bind, 0, ss.ss_family, true, &bs, &bl, e);
		if (!ret && bind(fd, (struct sockaddr *)&bs, bl) < 0)
			ret = mc_err_set(e, -errno, "binding to %s", o->bind);
		if (ret)
			goto fail;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0 && errno != EINPROGRESS) {
		ret = mc_err_set(e, -errno, "connecting to %s port %u", sa_str(&ss, ab, sizeof(ab)),
				 o->port);
		goto fail;
	}
	ret = wait_fd(fd, POLLOUT, (int)o->timeout_ms);
	if (!ret && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err)
		ret = -err;
	if (ret) {
		ret = mc_err_set(e, ret, "connecting to %s port %u", sa_str(&ss, ab, sizeof(ab)),
				 o->port);
		goto fail;
	}
	fcntl(fd, F_SETFL, 0);
	*fdp = fd;
	return 0;
fail:
	close(fd);
	return ret;
}

/* ---- interfaces of local addresses (rtnetlink, cached) ---- */

static int addr_cb(const struct rt_addr *a, void *data)
{
	struct test *t = data;
	struct addr_if *ai;

	if (t->naddr >= (int)(sizeof(t->addrs) / sizeof(t->addrs[0])))
		return 0;
	ai = &t->addrs[t->naddr];
	ai->a = a->p;
	ai->ifindex = a->ifindex;
	if (!if_indextoname((unsigned int)a->ifindex, ai->ifname))
		snprintf(ai->ifname, sizeof(ai->ifname), "if%d", a->ifindex);
	t->naddr++;
	return 0;
}

static void load_addrs(struct test *t)
{
	struct mc_err e = { 0 };
	struct nl nl;

	t->naddr = 0;
	t->addrs_loaded = true;
	if (nl_open(&nl, NETLINK_ROUTE, &e))
		return;
	rt_addr_dump(&nl, AF_UNSPEC, addr_cb, t, &e);
	nl_close(&nl);
}

static void ifname_of(struct test *t, const struct sockaddr_storage *ss, char *out)
{
	const uint8_t *raw;
	size_t alen;

	strcpy(out, "?");
	if (ss->ss_family == AF_INET) {
		raw = (const uint8_t *)&((const struct sockaddr_in *)ss)->sin_addr;
		alen = 4;
	} else if (ss->ss_family == AF_INET6) {
		raw = (const uint8_t *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
		alen = 16;
	} else {
		return;
	}
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1 || !t->addrs_loaded) {
			if (pass == 1 && !t->addrs_loaded)
				break;
			load_addrs(t);
		}
		for (int i = 0; i < t->naddr; i++)
			if (t->addrs[i].a.family == ss->ss_family &&
			    !memcmp(t->addrs[i].a.a.raw, raw, alen)) {
				strcpy(out, t->addrs[i].ifname);
				return;
			}
		if (alen == 4 && raw[0] == 127) {
			strcpy(out, "lo");
			return;
		}
	}
}

static int diag_if_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type == SOCK_DIAG_BY_FAMILY && nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(*m)))
		*(int *)data = (int)m->id.idiag_if;
	return 0;
}

static void to_prefix(const struct sockaddr_storage *ss, struct mc_prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->family = ss->ss_family;
	if (ss->ss_family == AF_INET) {
		p->plen = 32;
		memcpy(p->a.raw, &((const struct sockaddr_in *)ss)->sin_addr, 4);
	} else {
		p->plen = 128;
		memcpy(p->a.raw, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
	}
}

/*
 * The device a subflow leaves by: the one its socket is bound to (the kernel
 * binds the subflows of an endpoint with dev), else the route's to its peer
 * (a passive subflow), else the device of its local address. Once per subflow.
 */
static void subflow_ifname(struct test *t, const struct sockaddr_storage *local,
			   const struct sockaddr_storage *remote, char *out)
{
	char buf[NL_REQ_BUF];
	struct mc_err e = { 0 };
	struct nlmsghdr *nlh;
	struct inet_diag_req_v2 *req;
	struct nl nl;
	int ifindex = 0;

	if (local->ss_family != AF_INET && local->ss_family != AF_INET6) {
		ifname_of(t, local, out);
		return;
	}
	if (!nl_open(&nl, NETLINK_SOCK_DIAG, &e)) {
		nlh = nl_msg_start(buf, SOCK_DIAG_BY_FAMILY, 0);
		req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
		req->sdiag_family = (uint8_t)local->ss_family;
		req->sdiag_protocol = IPPROTO_TCP;
		req->idiag_states = ~0U;
		req->id.idiag_cookie[0] = req->id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
		if (local->ss_family == AF_INET) {
			const struct sockaddr_in *l = (const void *)local,
						 *r = (const void *)remote;

			req->id.idiag_sport = l->sin_port;
			req->id.idiag_dport = r->sin_port;
			memcpy(req->id.idiag_src, &l->sin_addr, 4);
			memcpy(req->id.idiag_dst, &r->sin_addr, 4);
		} else {
			const struct sockaddr_in6 *l = (const void *)local,
						  *r = (const void *)remote;

			req->id.idiag_sport = l->sin6_port;
			req->id.idiag_dport = r->sin6_port;
			memcpy(req->id.idiag_src, &l->sin6_addr, 16);
			memcpy(req->id.idiag_dst, &r->sin6_addr, 16);
		}
		/*
		 * A socket bound to a device is found only by a lookup on that device:
		 * try unbound first, then each device with an address.
		 */
		if (!t->addrs_loaded)
			load_addrs(t);
		for (int i = -1; i < t->naddr; i++) {
			if (i >= 0 && (t->addrs[i].ifindex <= 0 ||
				       (i > 0 && t->addrs[i].ifindex == t->addrs[i - 1].ifindex)))
				continue;
			req->id.idiag_if = i < 0 ? 0 : (uint32_t)t->addrs[i].ifindex;
			mc_err_clear(&e);
			if (!nl_talk(&nl, nlh, diag_if_cb, &ifindex, &e))
				break;
		}
		nl_close(&nl);
	}
	if (!ifindex && !nl_open(&nl, NETLINK_ROUTE, &e)) {
		struct mc_prefix src, dst;
		struct rt_route r;

		to_prefix(local, &src);
		to_prefix(remote, &dst);
		if (!rt_route_get(&nl, &src, &dst, &r, &e))
			ifindex = r.oif;
		nl_close(&nl);
	}
	if (ifindex > 0 && if_indextoname((unsigned int)ifindex, out))
		return;
	ifname_of(t, local, out);
}

/* ---- per-subflow sampling ---- */

/* ::ffff:a.b.c.d (a dual-stack listener's view of an IPv4 peer) -> a.b.c.d */
static void unmap(struct sockaddr_storage *ss)
{
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)ss;
	struct sockaddr_in a4 = { .sin_family = AF_INET };

	if (ss->ss_family != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&a6->sin6_addr))
		return;
	a4.sin_port = a6->sin6_port;
	memcpy(&a4.sin_addr, &a6->sin6_addr.s6_addr[12], 4);
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, &a4, sizeof(a4));
}

static bool same_tuple(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	size_t n = a->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
					      sizeof(struct sockaddr_in);

	return a->ss_family == b->ss_family && !memcmp(a, b, n);
}

static void sample(struct test *t, struct stream *s)
{
	struct bench_conn_info ci;
	struct mc_err e = { 0 };

	if (bench_sfinfo_get(s->fd, &ci, &e))
		return;
	s->protocol = ci.protocol;
	s->fallback = ci.fallback;
	for (int k = 0; k < s->nsf; k++)
		s->sf[k].seen_now = false;
	for (int i = 0; i < ci.nsf; i++) {
		struct bench_sf *c = &ci.sf[i];
		uint64_t v = s->sender ? c->bytes_acked : c->bytes_received;
		struct sf_track *tr = NULL;

		unmap(&c->local);
		unmap(&c->remote);

		for (int k = 0; k < s->nsf && !tr; k++)
			if (ci.source == MC_MPTCP_FULL_INFO ?
				    s->sf[k].id == c->id :
				    (same_tuple(&s->sf[k].local, &c->local) &&
				     same_tuple(&s->sf[k].remote, &c->remote)))
				tr = &s->sf[k];
		if (!tr) {
			if (s->nsf >= BENCH_MAX_SF)
				continue;
			tr = &s->sf[s->nsf++];
			memset(tr, 0, sizeof(*tr));
			tr->id = c->id;
			tr->local = c->local;
			tr->remote = c->remote;
			subflow_ifname(t, &c->local, &c->remote, tr->ifname);
			/* Present at the start: count from here; born later: from 0. */
			tr->base = t->first_sample ? v : 0;
			tr->prev = tr->base;
			tr->rbase = t->first_sample ? c->total_retrans : 0;
			tr->rprev = tr->rbase;
		}
		tr->last = v;
		tr->rlast = c->total_retrans;
		tr->rtt_us = c->rtt_us;
		tr->cwnd = c->snd_cwnd;
		tr->mss = c->snd_mss;
		tr->alive = c->state == 1 /* TCP_ESTABLISHED */ || c->state == 8 /* CLOSE_WAIT */;
		tr->seen_now = true;
	}
	for (int k = 0; k < s->nsf; k++)
		if (!s->sf[k].seen_now)
			s->sf[k].alive = false;
}

/* Fills t->rep for the span (from the previous sample, or the whole test). */
static void build_report(struct test *t, struct bench_report *r, uint64_t now, bool final)
{
	double span = (double)(now - (final ? t->t0 : t->t_prev)) / 1e9;

	if (span <= 0)
		span = 1e-9;
	r->start = (double)((final ? t->t0 : t->t_prev) - t->t0) / 1e9;
	r->end = (double)(now - t->t0) / 1e9;
	r->final = final;
	r->nstreams = t->n;
	r->streams = t->rep;
	for (int i = 0; i < t->n; i++) {
		struct stream *s = &t->st[i];
		struct bench_stream_report *sr = &t->rep[i];
		uint64_t b = final ? s->bytes : s->bytes - s->bytes_prev;

		memset(sr, 0, sizeof(*sr));
		sr->id = s->id;
		sr->fd = s->fd;
		sr->sender = s->sender;
		sr->bytes = b;
		sr->bps = (double)b * 8 / span;
		sr->protocol = s->protocol;
		sr->fallback = s->fallback;
		sr->nsf = s->nsf;
		for (int k = 0; k < s->nsf; k++) {
			struct sf_track *tr = &s->sf[k];
			struct bench_sf_report *o = &sr->sf[k];
			uint64_t from = final ? tr->base : tr->prev;
			uint32_t rfrom = final ? tr->rbase : tr->rprev;

			o->id = tr->id;
			memcpy(o->ifname, tr->ifname, sizeof(o->ifname));
			o->local = tr->local;
			o->remote = tr->remote;
			o->bytes = tr->last >= from ? tr->last - from : 0;
			o->bps = (double)o->bytes * 8 / span;
			o->rtt_us = tr->rtt_us;
			o->snd_cwnd = tr->cwnd;
			o->snd_mss = tr->mss;
			o->retrans = tr->rlast >= rfrom ? tr->rlast - rfrom : 0;
			o->alive = tr->alive;
			o->backup = tr->backup;
			sr->retrans += o->retrans;
			if (k == 0) {
				sr->snd_cwnd = tr->cwnd;
				sr->snd_mss = tr->mss;
				sr->rtt_us = tr->rtt_us;
			}
		}
	}
}

static void interval(struct test *t, uint64_t now, bool last)
{
	struct bench_report r;

	if (now <= t->t_prev)
		return;
	for (int i = 0; i < t->n; i++)
		sample(t, &t->st[i]);
	build_report(t, &r, now, false);
	/* A last, partial interval is shown when it is at least a tenth of one. */
	if (t->cb && t->cb->interval && t->o->interval_us &&
	    (!last || (now - t->t_prev) / 1000 >= t->o->interval_us / 10))
		t->cb->interval(t->cb->arg, &r);
	for (int i = 0; i < t->n; i++) {
		struct stream *s = &t->st[i];

		s->bytes_prev = s->bytes;
		for (int k = 0; k < s->nsf; k++) {
			s->sf[k].prev = s->sf[k].last;
			s->sf[k].rprev = s->sf[k].rlast;
		}
	}
	t->t_prev = now;
}

/* ---- the data phase ---- */

static int data_send(struct test *t, struct stream *s)
{
	uint64_t limit = s->limit;
	size_t len = t->p.len;
	/*
	 * At most 4 writes (512 KiB) per wakeup, then back to epoll: writing until
	 * EAGAIN (64 writes) made unshaped 2-subflow MPTCP transfers stall to
	 * ~0.3 Gbit/s in about half of the runs on 6.18 (10 runs at 1 or 4: none).
	 */
	int budget = 4;

	while (budget-- > 0) {
		/* Only verify needs the pattern's phase; otherwise the aligned start is faster. */
		size_t off = t->p.verify ? (size_t)(s->bytes % PATTERN_P) : 0, want = len;
		ssize_t n;

		if (s->limited && s->bytes + want > limit) {
			if (s->bytes >= limit)
				return 1;
			want = (size_t)(limit - s->bytes);
		}
		if (t->memfd >= 0 && s->protocol == IPPROTO_TCP) {
			off_t fo = (off_t)off;

			n = sendfile(s->fd, t->memfd, &fo, want);
		} else {
			n = send(s->fd, t->pat + off, want, MSG_DONTWAIT | MSG_NOSIGNAL);
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			return -errno;
		}
		s->bytes += (uint64_t)n;
	}
	return 0;
}

static uint64_t check_block(const uint8_t *buf, size_t n, uint64_t off)
{
	const uint8_t *p = pattern();
	uint64_t bad = 0;

	while (n) {
		size_t o = (size_t)(off % PATTERN_P), chunk = PATTERN_P - o;

		if (chunk > n)
			chunk = n;
		if (memcmp(buf, p + o, chunk))
			for (size_t i = 0; i < chunk; i++)
				bad += buf[i] != p[o + i];
		buf += chunk;
		off += chunk;
		n -= chunk;
	}
	return bad;
}

static int data_recv(struct test *t, struct stream *s)
{
	int budget = 64;

	while (budget-- > 0) {
		ssize_t n;

		if (t->p.verify) {
			n = recv(s->fd, t->rbuf, RECV_BUF, MSG_DONTWAIT);
			if (n > 0)
				s->bad += check_block(t->rbuf, (size_t)n, s->bytes);
		} else {
			n = recv(s->fd, t->rbuf, RECV_BUF, MSG_DONTWAIT | MSG_TRUNC);
		}
		if (n == 0) {
			s->eof = true;
			epoll_ctl(t->ep, EPOLL_CTL_DEL, s->fd, NULL);
			return 1;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			return -errno;
		}
		s->bytes += (uint64_t)n;
		t->rx_bytes += (uint64_t)n;
		t->last_rx = now_ns();
	}
	return 0;
}

static void deny(int lfd)
{
	signed char c = BS_ACCESS_DENIED;
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd >= 0) {
		ssize_t r = send(fd, &c, 1, MSG_NOSIGNAL);

		(void)r;
		close(fd);
	}
}

enum {
	TAG_CTRL = -1,
	TAG_TIMER = -2,
	TAG_LISTEN = -3
};

static int ep_add(struct test *t, int fd, uint32_t ev, int tag)
{
	struct epoll_event e = { .events = ev, .data.u64 = (uint64_t)(int64_t)tag };

	return epoll_ctl(t->ep, EPOLL_CTL_ADD, fd, &e) < 0 ? -errno : 0;
}

static bool all_receivers_eof(struct test *t)
{
	for (int i = 0; i < t->n; i++)
		if (!t->st[i].sender && !t->st[i].eof)
			return false;
	return true;
}

static uint64_t total(struct test *t, bool sender)
{
	uint64_t b = 0;

	for (int i = 0; i < t->n; i++)
		if (t->st[i].sender == sender)
			b += t->st[i].bytes;
	return b;
}

/* Client: whether the test has reached its end (time, bytes or blocks). */
static bool client_done(struct test *t, uint64_t now)
{
	uint64_t b = total(t, true), r = total(t, false);

	if (t->p.bytes)
		return b >= t->p.bytes || (t->p.reverse && r >= t->p.bytes);
	if (t->p.blocks)
		return b >= t->p.blocks * t->p.len || (t->p.reverse && r >= t->p.blocks * t->p.len);
	return now >= t->t_end;
}

/*
 * Runs until the client's end (client) or TEST_END (server). A state byte the
 * server sends meanwhile (client) is kept in t->ctrl_state.
 */
/* SO_RCVLOWAT on every receiving stream; a kernel that refuses it ends the tuning. */
static void rx_lowat_set(struct test *t, uint32_t v)
{
	int lw = v ? (int)v : 1;

	if (v == t->rx_lowat)
		return;
	for (int i = 0; i < t->n; i++)
		if (!t->st[i].sender && !t->st[i].eof &&
		    setsockopt(t->st[i].fd, SOL_SOCKET, SO_RCVLOWAT, &lw, sizeof(lw)) < 0) {
			t->rx_tuning = false;
			lw = 1;
			v = 0;
			for (int k = 0; k < i; k++)
				setsockopt(t->st[k].fd, SOL_SOCKET, SO_RCVLOWAT, &lw, sizeof(lw));
			break;
		}
	t->rx_lowat = v;
}

/*
 * With a batch set, readiness comes only at a batch: what is queued below it
 * is read here at every wakeup of the loop (at least every 100 ms) and at
 * every interval, so the counts stay current.
 */
static int rx_sweep(struct test *t)
{
	for (int i = 0; t->rx_lowat && i < t->n; i++)
		if (!t->st[i].sender && !t->st[i].eof) {
			int r = data_recv(t, &t->st[i]);

			if (r < 0)
				return r;
		}
	return 0;
}

/* The end of the data phase: what is queued below the batch is read, and no batch from here. */
static int rx_finish(struct test *t)
{
	int r = rx_sweep(t);

	t->rx_tuning = false;
	rx_lowat_set(t, 0);
	return r;
}

/*
 * MPTCPCTL_RXLOWAT: "off" never batches, a number fixes the batch (bytes),
 * unset tunes it (rxtune.c).
 */
static void rx_tuning_start(struct test *t, uint64_t now)
{
	const char *env = getenv("MPTCPCTL_RXLOWAT");
	bool receives = false;

	for (int i = 0; i < t->n; i++)
		receives |= !t->st[i].sender;
	t->rx_tuning = receives && !(env && !strcmp(env, "off"));
	t->rx_lowat = 0;
	rxtune_init(&t->rx, now);
	if (t->rx_tuning && env && env[0] >= '1' && env[0] <= '9') {
		rx_lowat_set(t, (uint32_t)strtoul(env, NULL, 10));
		t->rx_tuning = false; /* fixed */
	}
}

static int data_phase_run(struct test *t, struct mc_err *e);

static int data_phase(struct test *t, struct mc_err *e)
{
	int ret = data_phase_run(t, e), r;

	t->rx_final = t->rx_lowat;
	r = rx_finish(t);
	if (!ret && r < 0)
		ret = mc_err_set(e, r, "receiving");
	return ret;
}

static int data_phase_run(struct test *t, struct mc_err *e)
{
	struct itimerspec its = { 0 };
	struct epoll_event ev[16];
	int ret = 0;

	t->t0 = t->t_prev = now_ns();
	/* -O: the first omit seconds warm up and are not counted (as iperf3's). */
	t->omitting = t->p.omit > 0 && !t->p.verify; /* verify counts every byte */
	t->t_end = t->t0 + ((uint64_t)t->p.time_s + (t->omitting ? t->p.omit : 0)) * 1000000000ULL;
	t->last_rx = t->t0;
	getrusage(RUSAGE_SELF, &t->ru0);
	for (int i = 0; i < t->n; i++) {
		struct stream *s = &t->st[i];

		fcntl(s->fd, F_SETFL, O_NONBLOCK);
		ret = ep_add(t, s->fd, s->sender ? EPOLLOUT : EPOLLIN, i);
		if (ret)
			return mc_err_set(e, ret, "epoll");
		t->first_sample = true;
		sample(t, s);
		t->first_sample = false;
	}
	/* -n / -k: whichever side sends stops at its streams' share (iperf3 does too). */
	if (t->p.bytes || t->p.blocks) {
		int ns = 0;

		for (int i = 0; i < t->n; i++)
			ns += t->st[i].sender;
		if (ns) {
			uint64_t want = t->p.bytes ? t->p.bytes : t->p.blocks * t->p.len;
			int k = 0;

			/* Exactly want in all: the first streams take the remainder. */
			for (int i = 0; i < t->n; i++)
				if (t->st[i].sender) {
					t->st[i].limited = true;
					t->st[i].limit = want / (uint64_t)ns +
							 ((uint64_t)k++ < want % (uint64_t)ns);
				}
		}
	}
	rx_tuning_start(t, t->t0);
	if (t->o->interval_us) {
		its.it_value.tv_sec = (time_t)(t->o->interval_us / 1000000);
		its.it_value.tv_nsec = (long)(t->o->interval_us % 1000000) * 1000;
		its.it_interval = its.it_value;
		timerfd_settime(t->tfd, 0, &its, NULL);
	}

	for (;;) {
		uint64_t now = now_ns();
		int timeout = 100, n;

		if (t->omitting && now >= t->t0 + (uint64_t)t->p.omit * 1000000000ULL) {
			/* Start counting here: bytes, subflow counters and the clock. */
			t->omitting = false;
			t->t0 = t->t_prev = now;
			for (int i = 0; i < t->n; i++) {
				t->st[i].bytes = t->st[i].bytes_prev = 0;
				t->st[i].bad = 0;
				t->st[i].nsf = 0;
				t->first_sample = true;
				sample(t, &t->st[i]);
				t->first_sample = false;
			}
			getrusage(RUSAGE_SELF, &t->ru0);
			if (t->o->interval_us)
				timerfd_settime(t->tfd, 0, &its, NULL);
		}
		if (t->client && !t->omitting && client_done(t, now))
			break;
		if (t->client && !t->p.bytes && !t->p.blocks) {
			uint64_t left_ms = (t->t_end - now) / 1000000 + 1;

			if (left_ms < (uint64_t)timeout)
				timeout = (int)left_ms;
		}
		if (t->p.bandwidth) {
			/* Paced: senders wait while ahead of the rate. */
			double allowed = (double)t->p.bandwidth / 8 * (double)(now - t->t0) / 1e9;

			for (int i = 0; i < t->n; i++)
				if (t->st[i].sender) {
					struct epoll_event m = { .events = (double)t->st[i].bytes <
											   allowed ?
										   EPOLLOUT :
										   0,
								 .data.u64 = (uint64_t)i };

					epoll_ctl(t->ep, EPOLL_CTL_MOD, t->st[i].fd, &m);
				}
			timeout = 1;
		}
		n = epoll_wait(t->ep, ev, 16, timeout);
		if (n < 0 && errno != EINTR)
			return mc_err_set(e, -errno, "epoll_wait");
		for (int k = 0; k < n; k++) {
			int tag = (int)(int64_t)ev[k].data.u64;

			if (tag == TAG_TIMER) {
				uint64_t exp;

				ret = rx_sweep(t);
				if (ret < 0)
					return mc_err_set(e, ret, "receiving");
				if (read(t->tfd, &exp, sizeof(exp)) == sizeof(exp) && !t->omitting)
					interval(t, now_ns(), false);
			} else if (tag == TAG_LISTEN) {
				deny(t->lfd);
			} else if (tag == TAG_CTRL) {
				int st;

				ret = recv_state(t, (int)t->o->timeout_ms, &st, e);
				if (ret)
					return mc_err_ctx(e, ret, "during the test");
				if (!t->client && st == BS_TEST_END) {
					t->ctrl_state = st;
					return 0;
				}
				if (t->client &&
				    (st == BS_SERVER_TERMINATE || st == BS_SERVER_ERROR ||
				     st == BS_ACCESS_DENIED)) {
					t->ctrl_state = st;
					return 0;
				}
				if (!t->client &&
				    (st == BS_CLIENT_TERMINATE || st == BS_IPERF_DONE))
					return mc_err_set(e, -ECONNABORTED,
							  "the client ended the test (%s)",
							  bench_state_name(st));
				return mc_err_set(e, -EPROTO, "unexpected %s during the test",
						  bench_state_name(st));
			} else if (tag >= 0 && tag < t->n) {
				struct stream *s = &t->st[tag];

				ret = s->sender ? data_send(t, s) : data_recv(t, s);
				if (ret < 0)
					return mc_err_set(e, ret, "stream %d: %s", s->id,
							  s->sender ? "sending" : "receiving");
				if (ret > 0 && s->sender) /* its share of -n is sent */
					epoll_ctl(t->ep, EPOLL_CTL_DEL, s->fd, NULL);
				ret = 0;
			}
		}
		if (t->rx_lowat && n == 0) {
			ret = rx_sweep(t);
			if (ret < 0)
				return mc_err_set(e, ret, "receiving");
		}
		if (t->rx_tuning)
			rx_lowat_set(t, rxtune_step(&t->rx, now_ns(), t->rx_bytes));
		/* The receiving side of a test is bounded by the idle timeout. */
		if (!all_receivers_eof(t) && t->o->timeout_ms &&
		    now_ns() - t->last_rx > (uint64_t)t->o->timeout_ms * 2 * 1000000ULL)
			return mc_err_set(e, -ETIMEDOUT, "no data for %u ms", t->o->timeout_ms * 2);
	}
	return ret;
}

static void stop_timer(struct test *t)
{
	struct itimerspec its = { 0 };

	timerfd_settime(t->tfd, 0, &its, NULL);
}

/* Reads every receiving stream to EOF (verify), or until the control speaks. */
static int drain(struct test *t, bool to_eof, struct mc_err *e)
{
	uint64_t deadline = now_ns() + (uint64_t)DRAIN_TIMEOUT_MS * 1000000ULL;
	struct epoll_event ev[16];

	/* data_phase() has ended any receive batching: the rest is read as it comes. */
	while (!all_receivers_eof(t)) {
		int n = epoll_wait(t->ep, ev, 16, 50);

		if (n < 0 && errno != EINTR)
			return mc_err_set(e, -errno, "epoll_wait");
		for (int k = 0; k < n; k++) {
			int tag = (int)(int64_t)ev[k].data.u64;

			if (tag == TAG_CTRL && !to_eof)
				return 0;
			if (tag == TAG_LISTEN)
				deny(t->lfd);
			if (tag >= 0 && tag < t->n && !t->st[tag].sender) {
				int r = data_recv(t, &t->st[tag]);

				if (r < 0)
					return mc_err_set(e, r, "stream %d: receiving",
							  t->st[tag].id);
			}
		}
		if (now_ns() > deadline)
			return mc_err_set(
				e, -ETIMEDOUT,
				"verify: the streams did not end within %d ms of TEST_END",
				DRAIN_TIMEOUT_MS);
	}
	return 0;
}

static void cpu_util(struct test *t, double secs, struct bench_results *r)
{
	struct rusage ru;
	double u, s;

	getrusage(RUSAGE_SELF, &ru);
	u = (double)(ru.ru_utime.tv_sec - t->ru0.ru_utime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec - t->ru0.ru_utime.tv_usec) / 1e6;
	s = (double)(ru.ru_stime.tv_sec - t->ru0.ru_stime.tv_sec) +
	    (double)(ru.ru_stime.tv_usec - t->ru0.ru_stime.tv_usec) / 1e6;
	if (secs <= 0)
		secs = 1e-9;
	r->cpu_user = 100 * u / secs;
	r->cpu_system = 100 * s / secs;
	r->cpu_total = r->cpu_user + r->cpu_system;
}

static void local_results(struct test *t, double secs, struct bench_results *r)
{
	socklen_t l = sizeof(r->congestion);

	memset(r, 0, sizeof(*r));
	r->peer_mptcp = -1;
	r->rx_lowat = -1;
	for (int i = 0; i < t->n; i++)
		if (!t->st[i].sender)
			r->rx_lowat = t->rx_final;
	cpu_util(t, secs, r);
	r->sender_has_retransmits = -1;
	for (int i = 0; i < t->n; i++) {
		struct stream *s = &t->st[i];
		struct bench_stream_result *sr = &r->streams[r->nstreams++];
		int64_t re = 0;

		for (int k = 0; k < s->nsf; k++)
			re += s->sf[k].rlast - s->sf[k].rbase;
		sr->id = s->id;
		sr->bytes = s->bytes;
		sr->retransmits = s->sender ? re : -1;
		sr->end_time = secs;
		if (s->sender)
			r->sender_has_retransmits = 1;
		if (!s->sender && t->p.verify) {
			r->has_verify = true;
			r->verified_bytes += s->bytes;
			r->bad_bytes += s->bad;
		}
	}
	if (t->n) {
		r->peer_mptcp = t->st[0].protocol == IPPROTO_MPTCP && !t->st[0].fallback;
		if (getsockopt(t->st[0].fd, IPPROTO_TCP, TCP_CONGESTION, r->congestion, &l) < 0)
			r->congestion[0] = '\0';
		r->congestion[sizeof(r->congestion) - 1] = '\0';
	}
}

static int exchange_results(struct test *t, double secs, struct bench_results *mine,
			    struct mc_err *e)
{
	char *out = NULL, *in = NULL;
	size_t inlen;
	int ret;

	local_results(t, secs, mine);
	ret = bench_results_encode(mine, &out);
	if (ret)
		return mc_err_set(e, ret, "encoding the results");
	if (t->client) {
		ret = send_json(t, out, "sending the results", e);
		if (!ret)
			ret = recv_json(t, &in, &inlen, "the server's results", e);
	} else {
		ret = recv_json(t, &in, &inlen, "the client's results", e);
		if (!ret)
			ret = send_json(t, out, "sending the results", e);
	}
	free(out);
	if (!ret) {
		ret = bench_results_decode(in, inlen, &t->peer, e);
		t->have_peer = !ret;
	}
	free(in);
	/* iperf3 neither writes the pattern nor checks it: say so rather than pass or fail. */
	if (!ret && t->client && t->p.verify && !t->peer.ours)
		ret = mc_err_set(
			e, -EPROTONOSUPPORT,
			"verify: the server is not mptcpctl (iperf3?): it %s, so nothing was verified",
			t->p.reverse || t->p.bidir ? "sends no pattern" : "checks no bytes");
	return ret;
}

static uint64_t absdiff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

static void verify_tally(struct test *t, const struct bench_results *mine, struct bench_verify *v)
{
	uint64_t out = 0, in = 0;
	bool senders = false, receivers = false;

	memset(v, 0, sizeof(*v));
	if (!t->p.verify)
		return;
	for (int i = 0; i < t->n; i++) {
		const struct stream *s = &t->st[i];

		if (s->sender) {
			senders = true;
			out += s->bytes;
			continue;
		}
		receivers = true;
		for (int k = 0; t->have_peer && k < t->peer.nstreams; k++)
			if (t->peer.streams[k].id == s->id)
				in += t->peer.streams[k].bytes;
	}
	v->done = true;
	if (senders) { /* checked by the peer */
		if (t->have_peer && t->peer.has_verify) {
			v->checked += t->peer.verified_bytes;
			v->bad += t->peer.bad_bytes + absdiff(out, t->peer.verified_bytes);
		} else {
			v->bad += out; /* nobody checked them */
		}
	}
	if (receivers) { /* checked here */
		v->checked += mine->verified_bytes;
		v->bad += mine->bad_bytes;
		if (t->have_peer)
			v->bad += absdiff(in, mine->verified_bytes);
	}
}

static void finish_summary(struct test *t, double secs, const struct bench_verify *v,
			   struct bench_summary *s)
{
	memset(s, 0, sizeof(*s));
	s->seconds = secs;
	s->bytes_sent = total(t, true);
	s->bytes_received = total(t, false);
	if (t->n) {
		s->protocol = t->st[0].protocol;
		s->fallback = t->st[0].fallback;
	}
	for (int i = 0; i < t->n; i++)
		if (t->st[i].nsf > s->max_subflows)
			s->max_subflows = t->st[i].nsf;
	if (t->have_peer) {
		for (int i = 0; i < t->peer.nstreams; i++)
			for (int k = 0; k < t->n; k++)
				if (t->st[k].id == t->peer.streams[i].id && t->st[k].sender)
					s->peer_bytes += t->peer.streams[i].bytes;
	}
	s->verify_done = v->done;
	s->verified_bytes = v->checked;
	s->bad_bytes = v->bad;
}

static void test_init(struct test *t, const struct bench_opts *o, const struct bench_cb *cb,
		      bool client)
{
	memset(t, 0, sizeof(*t));
	t->o = o;
	t->cb = cb;
	t->client = client;
	t->ctrl = t->ep = t->tfd = t->lfd = t->memfd = -1;
}

static int test_alloc(struct test *t, struct mc_err *e)
{
	const uint8_t *p = pattern();
	size_t plen = PATTERN_P + t->p.len;

	t->pat = malloc(plen);
	t->rbuf = malloc(RECV_BUF);
	t->ep = epoll_create1(EPOLL_CLOEXEC);
	t->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (!p || !t->pat || !t->rbuf || t->ep < 0 || t->tfd < 0)
		return mc_err_set(e, -ENOMEM, "setting up the test");
	for (size_t i = 0; i < plen; i++)
		t->pat[i] = p[i % PATTERN_P];
	if (t->p.zerocopy) {
		t->memfd = memfd_create("mptcpctl-bench", MFD_CLOEXEC);
		if (t->memfd >= 0 && write(t->memfd, t->pat, plen) != (ssize_t)plen) {
			close(t->memfd);
			t->memfd = -1;
		}
	}
	if (ep_add(t, t->tfd, EPOLLIN, TAG_TIMER) || ep_add(t, t->ctrl, EPOLLIN, TAG_CTRL))
		return mc_err_set(e, -errno, "epoll");
	if (t->lfd >= 0 && ep_add(t, t->lfd, EPOLLIN, TAG_LISTEN))
		return mc_err_set(e, -errno, "epoll");
	return 0;
}

static void test_free(struct test *t)
{
	for (int i = 0; i < t->n; i++)
		if (t->st[i].fd >= 0)
			close(t->st[i].fd);
	if (t->ctrl >= 0)
		close(t->ctrl);
	if (t->ep >= 0)
		close(t->ep);
	if (t->tfd >= 0)
		close(t->tfd);
	if (t->memfd >= 0)
		close(t->memfd);
	free(t->pat);
	free(t->rbuf);
}

static int stream_id(int index)
{
	return index == 0 ? 1 : index + 2; /* iperf3: 1, 3, 4, 5, ... */
}

static void stream_added(struct test *t, struct stream *s)
{
	socklen_t l = sizeof(s->local);
	int proto = 0;
	socklen_t pl = sizeof(proto);

	getsockname(s->fd, (struct sockaddr *)&s->local, &l);
	l = sizeof(s->remote);
	getpeername(s->fd, (struct sockaddr *)&s->remote, &l);
	unmap(&s->local);
	unmap(&s->remote);
	getsockopt(s->fd, SOL_SOCKET, SO_PROTOCOL, &proto, &pl);
	s->protocol = proto;
	if (proto == IPPROTO_MPTCP) {
		struct bench_conn_info ci;
		struct mc_err ignore = { 0 };

		if (!bench_sfinfo_get(s->fd, &ci, &ignore))
			s->fallback = ci.fallback;
	}
	if (t->cb && t->cb->stream)
		t->cb->stream(t->cb->arg, s->id, s->fd, s->sender, &s->local, &s->remote, proto,
			      s->fallback);
}

/* ---- client ---- */

static int client_streams(struct test *t, struct mc_err *e)
{
	int nsend = t->p.reverse ? 0 : (int)t->p.parallel;
	int nrecv = t->p.reverse || t->p.bidir ? (int)t->p.parallel : 0;
	int proto, ret;

	if (t->p.bidir)
		nsend = (int)t->p.parallel;
	for (int i = 0; i < nsend + nrecv; i++) {
		struct stream *s = &t->st[t->n];

		memset(s, 0, sizeof(*s));
		ret = dial(t, &s->fd, &proto, e);
		if (ret)
			return mc_err_ctx(e, ret, "data stream %d", i + 1);
		t->n++;
		s->id = stream_id(i);
		s->sender = i < nsend;
		ret = sock_opts(t, s->fd, true, e);
		if (!ret)
			ret = write_full(s->fd, t->cookie, BENCH_COOKIE_SIZE, (int)t->o->timeout_ms,
					 "sending the cookie on a data stream", e);
		if (ret)
			return ret;
		stream_added(t, s);
	}
	return 0;
}

int bench_client(const struct bench_opts *o, const struct bench_cb *cb, struct bench_summary *sum,
		 struct mc_err *e)
{
	struct test *t = calloc(1, sizeof(*t));
	struct bench_results mine;
	struct bench_verify vt;
	struct bench_report fr;
	char *json = NULL;
	int ret, st, proto;
	double secs = 0;
	bool started = false;

	if (!t)
		return mc_err_set(e, -ENOMEM, "bench client");
	test_init(t, o, cb, true);
	t->p = o->p;
	bench_cookie_make(t->cookie);
	ret = dial(t, &t->ctrl, &proto, e);
	if (ret)
		goto out;
	ret = sock_opts(t, t->ctrl, false, e);
	if (!ret)
		ret = write_full(t->ctrl, t->cookie, BENCH_COOKIE_SIZE, (int)o->timeout_ms,
				 "sending the cookie", e);
	if (!ret)
		ret = test_alloc(t, e);
	if (ret)
		goto out;
	for (;;) {
		ret = recv_state(t,
				 started ? (int)o->timeout_ms + (int)t->p.time_s * 1000 :
					   (int)o->timeout_ms,
				 &st, e);
		if (ret)
			goto out;
again:
		switch (st) {
		case BS_PARAM_EXCHANGE:
			ret = bench_params_encode(&t->p, &json);
			if (!ret)
				ret = send_json(t, json, "sending the test parameters", e);
			free(json);
			json = NULL;
			if (!ret && cb && cb->connected) {
				struct sockaddr_storage l, r;
				socklen_t ll = sizeof(l), rl = sizeof(r);

				getsockname(t->ctrl, (struct sockaddr *)&l, &ll);
				getpeername(t->ctrl, (struct sockaddr *)&r, &rl);
				cb->connected(cb->arg, &l, &r, &t->p);
			}
			break;
		case BS_CREATE_STREAMS:
			ret = client_streams(t, e);
			break;
		case BS_TEST_START:
			started = true;
			break;
		case BS_TEST_RUNNING:
			ret = data_phase(t, e);
			if (ret)
				break;
			for (int i = 0; i < t->n; i++)
				if (t->st[i].sender && t->p.verify) {
					shutdown(t->st[i].fd, SHUT_WR);
					t->st[i].shut = true;
				}
			stop_timer(t);
			interval(t, now_ns(), true);
			secs = (double)(t->t_prev - t->t0) / 1e9;
			if (t->ctrl_state) { /* the server spoke first */
				st = t->ctrl_state;
				t->ctrl_state = 0;
				goto again;
			}
			ret = send_state(t, BS_TEST_END, e);
			if (!ret && !all_receivers_eof(t))
				ret = drain(t, t->p.verify, e);
			break;
		case BS_EXCHANGE_RESULTS:
			ret = exchange_results(t, secs, &mine, e);
			break;
		case BS_DISPLAY_RESULTS:
			ret = send_state(t, BS_IPERF_DONE, e);
			build_report(t, &fr, t->t_prev, true);
			verify_tally(t, &mine, &vt);
			if (sum)
				finish_summary(t, secs, &vt, sum);
			if (cb && cb->done)
				cb->done(cb->arg, &fr, &mine, t->have_peer ? &t->peer : NULL, &vt);
			goto out;
		case BS_ACCESS_DENIED:
			ret = mc_err_set(e, -EBUSY,
					 "the server is busy running a test; try again later");
			goto out;
		case BS_SERVER_ERROR: {
			int32_t v[2] = { 0, 0 };

			read_full(t->ctrl, v, sizeof(v), 1000, "SERVER_ERROR", e);
			ret = mc_err_set(
				e, -EREMOTEIO,
				"the server reported error %d (iperf3 i_errno), errno %d (%s)",
				(int)ntohl((uint32_t)v[0]), (int)ntohl((uint32_t)v[1]),
				strerror((int)ntohl((uint32_t)v[1])));
			goto out;
		}
		case BS_SERVER_TERMINATE:
			ret = mc_err_set(e, -ECONNABORTED, "the server has terminated the test");
			goto out;
		case BS_IPERF_DONE:
			goto out;
		default:
			ret = mc_err_set(e, -EPROTO, "unexpected %s from the server",
					 bench_state_name(st));
			goto out;
		}
		if (ret)
			goto out;
	}
out:
	if (ret && t->ctrl >= 0) {
		signed char c = BS_CLIENT_TERMINATE;
		ssize_t r = send(t->ctrl, &c, 1, MSG_DONTWAIT | MSG_NOSIGNAL);

		(void)r;
	}
	test_free(t);
	free(t);
	return ret;
}

/* ---- server ---- */

int bench_listen(const struct bench_opts *o, int *fdp, struct mc_err *e)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, proto, one = 1, zero = 0, ret;
	int family = o->family == AF_UNSPEC ? AF_INET6 : o->family;

	if (o->bind) {
		ret = resolve(o->bind, o->port, o->family, true, &ss, &sl, e);
		if (ret)
			return ret;
		family = ss.ss_family;
	} else {
		memset(&ss, 0, sizeof(ss));
		if (family == AF_INET6) {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

			a->sin6_family = AF_INET6;
			a->sin6_port = htons(o->port);
			sl = sizeof(*a);
		} else {
			struct sockaddr_in *a = (struct sockaddr_in *)&ss;

			a->sin_family = AF_INET;
			a->sin_port = htons(o->port);
			sl = sizeof(*a);
		}
	}
	fd = new_socket(family, o->tcp, &proto);
	if (fd == -EAFNOSUPPORT && family == AF_INET6 && !o->bind && o->family == AF_UNSPEC) {
		struct bench_opts o4 = *o;

		o4.family = AF_INET;
		return bench_listen(&o4, fdp, e);
	}
	if (fd < 0)
		return mc_err_set(e, fd, "creating the listening socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6 && !o->bind)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 64) < 0) {
		ret = mc_err_set(e, -errno, "listening on port %u%s%s", o->port,
				 o->bind ? " of " : "", o->bind ? o->bind : "");
		close(fd);
		return ret;
	}
	*fdp = fd;
	return 0;
}

static int accept_one(int lfd, int timeout_ms, struct sockaddr_storage *peer, struct mc_err *e)
{
	socklen_t pl = sizeof(*peer);
	int r = wait_fd(lfd, POLLIN, timeout_ms), fd;

	if (r)
		return mc_err_set(e, r, "waiting for a connection");
	fd = accept4(lfd, (struct sockaddr *)peer, &pl, SOCK_CLOEXEC);
	if (fd < 0)
		return mc_err_set(e, -errno, "accept");
	return fd;
}

/* CREATE_STREAMS: accept the data streams; wrong cookies are denied, the test goes on. */
static int server_streams(struct test *t, struct mc_err *e)
{
	int nrecv = t->p.reverse ? 0 : (int)t->p.parallel;
	int nsend = t->p.reverse || t->p.bidir ? (int)t->p.parallel : 0;
	uint64_t deadline = now_ns() + (uint64_t)t->o->timeout_ms * 1000000ULL;

	if (t->p.bidir)
		nrecv = (int)t->p.parallel;
	while (t->n < nrecv + nsend) {
		struct sockaddr_storage peer;
		char cookie[BENCH_COOKIE_SIZE];
		struct mc_err ce = { 0 };
		struct pollfd pfd[2] = { { .fd = t->lfd, .events = POLLIN },
					 { .fd = t->ctrl, .events = POLLIN } };
		int64_t left = (int64_t)(deadline - now_ns()) / 1000000;
		int fd, r;

		if (left <= 0)
			return mc_err_set(e, -ETIMEDOUT, "%d of %d data streams came in %u ms",
					  t->n, nrecv + nsend, t->o->timeout_ms);
		r = poll(pfd, 2, (int)left);
		if (r < 0 && errno != EINTR)
			return mc_err_set(e, -errno, "poll");
		if (pfd[1].revents)
			return mc_err_set(e, -ECONNRESET,
					  "the client left while creating the streams");
		if (!(pfd[0].revents & POLLIN))
			continue;
		fd = accept_one(t->lfd, 0, &peer, &ce);
		if (fd < 0)
			continue;
		if (read_full(fd, cookie, BENCH_COOKIE_SIZE, (int)t->o->timeout_ms,
			      "data stream cookie", &ce) ||
		    memcmp(cookie, t->cookie, BENCH_COOKIE_SIZE)) {
			signed char c = BS_ACCESS_DENIED;
			ssize_t w = send(fd, &c, 1, MSG_DONTWAIT | MSG_NOSIGNAL);

			(void)w;
			close(fd);
			continue;
		}
		t->st[t->n].fd = fd;
		t->st[t->n].id = stream_id(t->n);
		t->st[t->n].sender = t->n >= nrecv;
		r = sock_opts(t, fd, true, e);
		if (r)
			return r;
		stream_added(t, &t->st[t->n]);
		t->n++;
	}
	return 0;
}

static int serve_test(int lfd, const struct bench_opts *o, const struct bench_cb *cb,
		      struct sockaddr_storage *peer, struct mc_err *e)
{
	struct test *t = calloc(1, sizeof(*t));
	struct bench_results mine;
	struct bench_verify vt;
	struct bench_report fr;
	char *json = NULL;
	size_t jlen;
	int ret, st;
	double secs;

	if (!t)
		return mc_err_set(e, -ENOMEM, "bench server");
	test_init(t, o, cb, false);
	t->lfd = lfd;
	t->ctrl = accept_one(lfd, -1, peer, e);
	if (t->ctrl < 0) {
		ret = t->ctrl;
		goto out;
	}
	unmap(peer);
	ret = read_full(t->ctrl, t->cookie, BENCH_COOKIE_SIZE, (int)o->timeout_ms,
			"reading the cookie", e);
	if (!ret && !bench_cookie_valid(t->cookie))
		ret = mc_err_set(e, -EBADMSG, "the client's cookie is not an iperf3 cookie");
	if (!ret)
		ret = sock_opts(t, t->ctrl, false, e);
	if (!ret)
		ret = send_state(t, BS_PARAM_EXCHANGE, e);
	if (!ret)
		ret = recv_json(t, &json, &jlen, "the test parameters", e);
	if (!ret) {
		ret = bench_params_decode(json, jlen, &t->p, e);
		if (ret)
			send_server_error(t, ret == -EPROTONOSUPPORT ? 131 : 114, -ret);
	}
	free(json);
	if (ret)
		goto out;
	if (cb && cb->connected) {
		struct sockaddr_storage l;
		socklen_t ll = sizeof(l);

		getsockname(t->ctrl, (struct sockaddr *)&l, &ll);
		cb->connected(cb->arg, &l, peer, &t->p);
	}
	ret = send_state(t, BS_CREATE_STREAMS, e);
	if (!ret)
		ret = server_streams(t, e);
	if (!ret)
		ret = test_alloc(t, e);
	if (!ret)
		ret = send_state(t, BS_TEST_START, e);
	if (!ret)
		ret = send_state(t, BS_TEST_RUNNING, e);
	if (!ret)
		ret = data_phase(t, e);
	if (ret)
		goto out;
	/* TEST_END */
	stop_timer(t);
	for (int i = 0; i < t->n; i++)
		if (t->st[i].sender && t->p.verify)
			shutdown(t->st[i].fd, SHUT_WR);
	if (t->p.verify && !all_receivers_eof(t)) {
		ret = drain(t, true, e);
		if (ret)
			goto out;
	}
	interval(t, now_ns(), true);
	secs = (double)(t->t_prev - t->t0) / 1e9;
	ret = send_state(t, BS_EXCHANGE_RESULTS, e);
	if (!ret)
		ret = exchange_results(t, secs, &mine, e);
	if (!ret)
		ret = send_state(t, BS_DISPLAY_RESULTS, e);
	if (ret)
		goto out;
	build_report(t, &fr, t->t_prev, true);
	verify_tally(t, &mine, &vt);
	if (cb && cb->done)
		cb->done(cb->arg, &fr, &mine, t->have_peer ? &t->peer : NULL, &vt);
	/* IPERF_DONE, or the client just closes. */
	if (!recv_state(t, (int)o->timeout_ms, &st, e) && st != BS_IPERF_DONE)
		ret = mc_err_set(e, -EPROTO, "expected IPERF_DONE, got %s", bench_state_name(st));
	else
		ret = 0;
out:
	t->lfd = -1;
	test_free(t);
	free(t);
	return ret;
}

int bench_serve(int lfd, const struct bench_opts *o, const struct bench_cb *cb, struct mc_err *e)
{
	for (;;) {
		struct sockaddr_storage peer = { 0 };
		struct mc_err ce = { 0 };
		int ret = serve_test(lfd, o, cb, &peer, &ce);

		if (ret && cb && cb->client_error)
			cb->client_error(cb->arg, &peer, &ce);
		/* accept() itself failing (EMFILE, ENOBUFS) would spin: breathe first. */
		if (ret && !peer.ss_family && !o->once)
			usleep(100000);
		if (o->once) {
			if (ret && e)
				*e = ce;
			return ret;
		}
	}
}

int bench_server(const struct bench_opts *o, const struct bench_cb *cb, struct mc_err *e)
{
	int lfd, ret = bench_listen(o, &lfd, e);

	if (ret)
		return ret;
	ret = bench_serve(lfd, o, cb, e);
	close(lfd);
	return ret;
}
