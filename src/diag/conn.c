// SPDX-License-Identifier: GPL-2.0-or-later
/* The connection model: MPTCP sockets joined with their TCP subflows by token. */
#include "diag.h"

#include <dirent.h>
#include <pthread.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/tcp.h>
#include <linux/sock_diag.h>

#include "../common/hmap.h"
#include "../rt/rt.h"

#define ALL_STATES 0xffffffffU
#define NOT_LISTEN (ALL_STATES & ~(1U << TCP_LISTEN))

struct vec {
	struct diag_sock *v;
	size_t n, cap;
};

static int vec_push(const struct diag_sock *s, void *data)
{
	struct vec *v = data;

	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		struct diag_sock *nv = realloc(v->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] = *s;
	return 0;
}

static bool same_tuple(const struct diag_sock *a, const struct diag_sock *b)
{
	return a->family == b->family && a->sport == b->sport && a->dport == b->dport &&
	       !memcmp(a->src.a.raw, b->src.a.raw, 16) && !memcmp(a->dst.a.raw, b->dst.a.raw, 16);
}

static const char *fallback_why(const struct mc_conn *c)
{
	bool told = false;

	for (int i = 0; i < c->nsub; i++) {
		const struct diag_sock *s = &c->subs[i].s;

		if (!s->has_sf)
			continue;
		told = true;
		if (s->sf_flags & (MC_SF_JOIN_LOC | MC_SF_JOIN_REM) ||
		    (s->sf_flags & MC_SF_MCAP_REM))
			continue;
		if (s->sf_flags & MC_SF_MCAP_LOC)
			return "the peer did not answer MP_CAPABLE: it has no MPTCP enabled, or a "
			       "middlebox removed the option";
		return "the client's SYN carried no MP_CAPABLE: it did not ask for MPTCP, or a "
		       "middlebox removed the option";
	}
	if (!told)
		return NULL; /* no subflow details (not CAP_NET_ADMIN): nothing to tell */
	return "fell back after the handshake (see mptcpctl monitor --counters)";
}

static int conn_add_sub(struct mc_conn *c, const struct diag_sock *s)
{
	struct mc_subflow *ns;

	if (c->nsub >= MC_MAX_SUBFLOWS)
		return 0; /* beyond what any path manager opens: not shown */
	ns = realloc(c->subs, (size_t)(c->nsub + 1) * sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	c->subs = ns;
	memset(&c->subs[c->nsub], 0, sizeof(c->subs[0]));
	c->subs[c->nsub].s = *s;
	c->nsub++;
	if (s->state == TCP_ESTABLISHED)
		c->nsub_established++;
	return 0;
}

static void conn_shares(struct mc_conn *c)
{
	/* In double: a uint64_t sum of counters near 2^64 would wrap, and a share exceed 1. */
	double tx = 0, rx = 0;
	bool use_tx;

	for (int i = 0; i < c->nsub; i++) {
		tx += (double)c->subs[i].s.tcp.bytes_acked;
		rx += (double)c->subs[i].s.tcp.bytes_received;
	}
	use_tx = tx >= rx;
	for (int i = 0; i < c->nsub; i++) {
		double b = (double)(use_tx ? c->subs[i].s.tcp.bytes_acked :
					     c->subs[i].s.tcp.bytes_received);
		double t = use_tx ? tx : rx;

		c->subs[i].share = t > 0 ? b / t : 0;
	}
}

static uint64_t tuple_key(const struct diag_sock *s)
{
	uint64_t k = (uint64_t)s->sport << 16 | s->dport;

	for (int i = 0; i < 16; i += 8) {
		uint64_t a, b;

		memcpy(&a, s->src.a.raw + i, 8);
		memcpy(&b, s->dst.a.raw + i, 8);
		k = hmap_mix(k ^ a) ^ b;
	}
	return k;
}

/* The connection a subflow belongs to: by token, or by 4-tuple when tokens are hidden. */
static struct mc_conn *find_conn(struct mc_conns *cs, const struct hmap *by_token,
				 const struct hmap *by_tuple, const struct diag_sock *t)
{
	size_t pos = 0;
	uint32_t i;

	if (t->has_sf) {
		while (hmap_next(by_token, t->token_loc, &pos, &i))
			if (cs->v[i].s.has_mptcp && cs->v[i].s.mptcp.token == t->token_loc)
				return &cs->v[i];
		return NULL;
	}
	while (hmap_next(by_tuple, tuple_key(t), &pos, &i))
		if (same_tuple(t, &cs->v[i].s))
			return &cs->v[i];
	return NULL;
}

int mc_conns_join(struct mc_conns *cs, const struct diag_sock *msk, size_t nmsk,
		  const struct diag_sock *tcp, size_t ntcp, bool listeners)
{
	struct hmap by_token = { 0 }, by_tuple = { 0 };
	int ret = -ENOMEM;

	memset(cs, 0, sizeof(*cs));
	if (nmsk >= UINT32_MAX)
		return -E2BIG;
	cs->v = calloc(nmsk ? nmsk : 1, sizeof(*cs->v));
	if (!cs->v || hmap_init(&by_token, nmsk) || hmap_init(&by_tuple, nmsk))
		goto out;
	for (size_t i = 0; i < nmsk; i++) {
		struct mc_conn *c;

		if (msk[i].state == TCP_LISTEN && !listeners)
			continue;
		c = &cs->v[cs->n];
		c->s = msk[i];
		if (msk[i].state == TCP_LISTEN) {
			c->kind = MC_CONN_LISTEN;
		} else {
			if (msk[i].has_mptcp && (msk[i].mptcp.flags & MC_MPTCP_INFO_FLAG_FALLBACK))
				c->kind = MC_CONN_FALLBACK;
			else
				c->kind = MC_CONN_MPTCP;
			if ((c->s.has_mptcp &&
			     hmap_put(&by_token, c->s.mptcp.token, (uint32_t)cs->n)) ||
			    hmap_put(&by_tuple, tuple_key(&c->s), (uint32_t)cs->n))
				goto out;
		}
		cs->n++;
	}
	for (size_t j = 0; j < ntcp; j++) {
		const struct diag_sock *t = &tcp[j];
		struct mc_conn *c;

		if (t->state == TCP_LISTEN)
			continue;
		if (!t->ulp_mptcp) {
			/*
			 * Plain TCP is never shown as MPTCP. But before Linux 6.15 the
			 * kernel sends no ULP info at all without CAP_NET_ADMIN: a TCP
			 * socket with an MPTCP socket's 4-tuple (unique in a namespace)
			 * is that connection's first subflow all the same.
			 */
			c = find_conn(cs, &by_token, &by_tuple, t);
			if (!c)
				continue;
			cs->details_hidden = true;
			if (conn_add_sub(c, t))
				goto out;
			continue;
		}
		if (!t->has_sf)
			cs->details_hidden = true;
		c = find_conn(cs, &by_token, &by_tuple, t);
		if (c && conn_add_sub(c, t))
			goto out;
	}
	for (size_t i = 0; i < cs->n; i++) {
		conn_shares(&cs->v[i]);
		if (cs->v[i].kind == MC_CONN_FALLBACK)
			cs->v[i].why = fallback_why(&cs->v[i]);
	}
	ret = 0;
out:
	hmap_free(&by_token);
	hmap_free(&by_tuple);
	if (ret)
		mc_conns_free(cs);
	return ret;
}

int mc_conns_rates(struct mc_conns *cur, const struct mc_conns *prev, double dt)
{
	struct hmap h;
	size_t total = 0;

	for (size_t i = 0; i < prev->n; i++)
		total += (size_t)prev->v[i].nsub;
	if (dt <= 0 || hmap_init(&h, total))
		return dt <= 0 ? -EINVAL : -ENOMEM;
	for (size_t i = 0; i < prev->n && i < (1U << 24); i++)
		for (int k = 0; k < prev->v[i].nsub; k++)
			if (hmap_put(&h, tuple_key(&prev->v[i].subs[k].s),
				     (uint32_t)(i << 8 | (size_t)k)))
				goto out;
	for (size_t i = 0; i < cur->n; i++) {
		for (int k = 0; k < cur->v[i].nsub; k++) {
			struct mc_subflow *sf = &cur->v[i].subs[k];
			size_t pos = 0;
			uint32_t v;

			while (hmap_next(&h, tuple_key(&sf->s), &pos, &v)) {
				const struct diag_sock *o = &prev->v[v >> 8].subs[v & 0xff].s;

				if (!same_tuple(o, &sf->s))
					continue;
				sf->has_rate = true;
				sf->tx_bps = sf->s.tcp.bytes_acked >= o->tcp.bytes_acked ?
						     (double)(sf->s.tcp.bytes_acked -
							      o->tcp.bytes_acked) *
							     8 / dt :
						     0;
				sf->rx_bps = sf->s.tcp.bytes_received >= o->tcp.bytes_received ?
						     (double)(sf->s.tcp.bytes_received -
							      o->tcp.bytes_received) *
							     8 / dt :
						     0;
				break;
			}
		}
	}
out:
	hmap_free(&h);
	return 0;
}

struct tcp_dump {
	struct vec v;
	struct mc_err e;
	int ret;
};

/* The TCP table walk is the slow half: it runs on a second core meanwhile. */
static void *tcp_dump_thread(void *arg)
{
	struct tcp_dump *t = arg;
	struct nl nl;

	t->ret = nl_open(&nl, NETLINK_SOCK_DIAG, &t->e);
	if (t->ret)
		return NULL;
	t->ret = diag_dump(&nl, AF_INET, IPPROTO_TCP, NOT_LISTEN, vec_push, &t->v, &t->e);
	nl_close(&nl);
	return NULL;
}

int mc_conns_load(struct mc_conns *cs, bool listeners, struct mc_err *e)
{
	struct tcp_dump t = { 0 };
	struct vec msk = { 0 };
	bool threaded, any_v6 = false;
	pthread_t th;
	struct nl nl;
	int ret;

	memset(cs, 0, sizeof(*cs));
	ret = nl_open(&nl, NETLINK_SOCK_DIAG, e);
	if (ret)
		return ret;
	threaded = pthread_create(&th, NULL, tcp_dump_thread, &t) == 0;
	ret = diag_dump(&nl, AF_UNSPEC, IPPROTO_MPTCP, listeners ? ALL_STATES : NOT_LISTEN,
			vec_push, &msk, e);
	if (threaded) {
		pthread_join(th, NULL);
	} else {
		tcp_dump_thread(&t);
	}
	if (!ret && t.ret) {
		*e = t.e;
		ret = t.ret;
	}
	/* Only an IPv6 MPTCP socket can have IPv6 subflows: skip that walk otherwise. */
	for (size_t i = 0; i < msk.n; i++)
		any_v6 |= msk.v[i].sock_family == AF_INET6 && msk.v[i].state != TCP_LISTEN;
	if (!ret && any_v6)
		ret = diag_dump(&nl, AF_INET6, IPPROTO_TCP, NOT_LISTEN, vec_push, &t.v, e);
	nl_close(&nl);
	if (!ret) {
		ret = mc_conns_join(cs, msk.v, msk.n, t.v.v, t.v.n, listeners);
		if (ret)
			mc_err_set(e, ret, "joining subflows to connections");
	}
	free(msk.v);
	free(t.v.v);
	return ret;
}

void mc_conns_free(struct mc_conns *cs)
{
	for (size_t i = 0; i < cs->n; i++)
		free(cs->v[i].subs);
	free(cs->v);
	memset(cs, 0, sizeof(*cs));
}

static struct mc_conn *by_inode(struct mc_conns *cs, const struct hmap *h, unsigned long ino)
{
	size_t pos = 0;
	uint32_t i;

	while (hmap_next(h, ino, &pos, &i))
		if (cs->v[i].s.inode == ino)
			return &cs->v[i];
	return NULL;
}

void mc_conns_procs(struct mc_conns *cs)
{
	struct hmap h;
	struct dirent *d;
	DIR *proc;

	if (!cs->n || hmap_init(&h, cs->n))
		return;
	for (size_t i = 0; i < cs->n; i++)
		if (hmap_put(&h, cs->v[i].s.inode, (uint32_t)i))
			goto out;
	proc = opendir("/proc");
	if (!proc)
		goto out;
	while ((d = readdir(proc))) {
		char path[300], link[64], comm[32] = "";
		struct dirent *f;
		DIR *fds;
		FILE *fc;

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", d->d_name);
		fds = opendir(path);
		if (!fds) {
			if (errno == EACCES)
				cs->procs_hidden = true;
			continue;
		}
		while ((f = readdir(fds))) {
			char fp[600];
			unsigned long ino;
			struct mc_conn *c;
			ssize_t n;

			if (f->d_name[0] == '.')
				continue;
			/* Relative to the open fd directory: no path walk per descriptor. */
			n = readlinkat(dirfd(fds), f->d_name, link, sizeof(link) - 1);
			if (n <= 0)
				continue;
			link[n] = '\0';
			if (sscanf(link, "socket:[%lu]", &ino) != 1)
				continue;
			c = by_inode(cs, &h, ino);
			if (!c || c->pid)
				continue;
			c->pid = (pid_t)atoi(d->d_name);
			if (!comm[0]) {
				snprintf(fp, sizeof(fp), "/proc/%s/comm", d->d_name);
				fc = fopen(fp, "re");
				if (fc) {
					if (!fgets(comm, sizeof(comm), fc))
						comm[0] = '\0';
					fclose(fc);
					comm[strcspn(comm, "\n")] = '\0';
				}
			}
			snprintf(c->comm, sizeof(c->comm), "%s", comm);
		}
		closedir(fds);
	}
	closedir(proc);
out:
	hmap_free(&h);
}

struct if_ctx {
	struct mc_conns *cs;
	struct rt_link links[64];
	int nlinks;
};

static int link_cb(const struct rt_link *l, void *data)
{
	struct if_ctx *c = data;

	if (c->nlinks < 64)
		c->links[c->nlinks++] = *l;
	return 0;
}

static const char *ifname_of(struct if_ctx *c, int ifindex)
{
	for (int i = 0; i < c->nlinks; i++)
		if (c->links[i].ifindex == ifindex)
			return c->links[i].name;
	return NULL;
}

static int addr_cb(const struct rt_addr *a, void *data)
{
	struct if_ctx *c = data;
	const char *name = ifname_of(c, a->ifindex);

	for (size_t i = 0; name && i < c->cs->n; i++) {
		struct mc_conn *cn = &c->cs->v[i];

		for (int k = 0; k < cn->nsub; k++) {
			struct mc_subflow *sf = &cn->subs[k];

			if (sf->ifname[0] || sf->s.family != a->p.family ||
			    memcmp(sf->s.src.a.raw, a->p.a.raw, mc_prefix_alen(&a->p)))
				continue;
			snprintf(sf->ifname, sizeof(sf->ifname), "%s", name);
		}
	}
	return 0;
}

int mc_conns_ifnames(struct mc_conns *cs, struct mc_err *e)
{
	struct if_ctx *c = calloc(1, sizeof(*c));
	struct nl nl;
	int ret;

	if (!c)
		return -ENOMEM;
	c->cs = cs;
	ret = nl_open(&nl, NETLINK_ROUTE, e);
	if (ret)
		goto out;
	ret = rt_link_dump(&nl, link_cb, c, e);
	/* A subflow bound to a device (an endpoint with dev) says so itself. */
	for (size_t i = 0; !ret && i < cs->n; i++)
		for (int k = 0; k < cs->v[i].nsub; k++) {
			const char *n = ifname_of(c, cs->v[i].subs[k].s.ifindex);

			if (n)
				snprintf(cs->v[i].subs[k].ifname, IF_NAMESIZE, "%s", n);
		}
	/*
	 * An unbound subflow of a connection with joins (a passive one, on the
	 * server) leaves by its route to the peer, which is not always the
	 * device of its local address (10.0.0.2 -> 192.168.0.1 goes out eno2).
	 * Single-subflow connections keep the cheap answer below.
	 */
	for (size_t i = 0; !ret && i < cs->n; i++) {
		if (cs->v[i].nsub < 2)
			continue;
		for (int k = 0; k < cs->v[i].nsub; k++) {
			struct mc_subflow *sf = &cs->v[i].subs[k];
			struct mc_err re = { 0 };
			struct rt_route r;
			const char *n;

			if (sf->ifname[0] || rt_route_get(&nl, &sf->s.src, &sf->s.dst, &r, &re))
				continue;
			n = ifname_of(c, r.oif);
			if (n)
				snprintf(sf->ifname, IF_NAMESIZE, "%s", n);
		}
	}
	if (!ret)
		ret = rt_addr_dump(&nl, AF_UNSPEC, addr_cb, c, e);
	nl_close(&nl);
out:
	free(c);
	return ret;
}
