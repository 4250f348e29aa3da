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

/*
 * An array v of n elements of size bytes, *cap allocated, with room for
 * one more: v itself or its reallocation (then *cap is updated); NULL when
 * out of memory, v untouched.
 */
static void *grow(void *v, size_t n, size_t *cap, size_t size)
{
	size_t c = *cap ? *cap * 2 : 64;

	if (n < *cap)
		return v;
	v = c <= SIZE_MAX / size ? realloc(v, c * size) : NULL;
	if (v)
		*cap = c;
	return v;
}

/* The sinks: a vector of sockets, and the connections straight from the MPTCP dump. */
static struct diag_sock *vec_slot(void *data)
{
	struct vec *v = data;
	struct diag_sock *nv = grow(v->v, v->n, &v->cap, sizeof(*v->v));

	if (!nv)
		return NULL;
	v->v = nv;
	return &v->v[v->n];
}

static int vec_keep(void *data)
{
	((struct vec *)data)->n++;
	return 0;
}

struct conn_vec {
	struct mc_conn *v;
	size_t n, cap;
};

/* A connection zero but for its socket. */
static struct diag_sock *conn_slot(void *data)
{
	struct conn_vec *v = data;
	struct mc_conn *nv = grow(v->v, v->n, &v->cap, sizeof(*v->v));

	if (!nv)
		return NULL;
	v->v = nv;
	memset(&v->v[v->n], 0, sizeof(v->v[0]));
	return &v->v[v->n].s;
}

static int conn_keep(void *data)
{
	((struct conn_vec *)data)->n++;
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
		const struct diag_sock *s = c->subs[i].s;

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

/* Into the room conns_index made for it. */
static void conn_add_sub(struct mc_conn *c, const struct diag_sock *s)
{
	struct mc_subflow *sf = &c->subs[c->nsub++];

	memset(sf, 0, sizeof(*sf));
	sf->s = s;
	if (s->state == TCP_ESTABLISHED)
		c->nsub_established++;
}

static void conn_shares(struct mc_conn *c)
{
	/* In double: a uint64_t sum of counters near 2^64 would wrap, and a share exceed 1. */
	double tx = 0, rx = 0;
	bool use_tx;

	for (int i = 0; i < c->nsub; i++) {
		tx += (double)c->subs[i].s->tcp.bytes_acked;
		rx += (double)c->subs[i].s->tcp.bytes_received;
	}
	use_tx = tx >= rx;
	for (int i = 0; i < c->nsub; i++) {
		double b = (double)(use_tx ? c->subs[i].s->tcp.bytes_acked :
					     c->subs[i].s->tcp.bytes_received);
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

/* The maps from a subflow to its connection; the 4-tuple one is made when first needed. */
struct conn_maps {
	struct hmap by_token, by_tuple;
	bool tuple_made;
	int err;
};

static int tuple_map_make(struct mc_conns *cs, struct conn_maps *m)
{
	m->tuple_made = true;
	if (hmap_init(&m->by_tuple, cs->n))
		return -ENOMEM;
	for (size_t i = 0; i < cs->n; i++)
		if (cs->v[i].kind != MC_CONN_LISTEN &&
		    hmap_put(&m->by_tuple, tuple_key(&cs->v[i].s), (uint32_t)i))
			return -ENOMEM;
	return 0;
}

/*
 * The connection a subflow belongs to: by token, or by 4-tuple when tokens
 * are hidden (only unprivileged users, and plain TCP sockets, need that map).
 */
static struct mc_conn *find_conn(struct mc_conns *cs, struct conn_maps *m,
				 const struct diag_sock *t)
{
	size_t pos = 0;
	uint32_t i;

	if (t->has_sf) {
		while (hmap_next(&m->by_token, t->token_loc, &pos, &i))
			if (cs->v[i].s.has_mptcp && cs->v[i].s.mptcp.token == t->token_loc)
				return &cs->v[i];
		return NULL;
	}
	if (!m->tuple_made && (m->err = tuple_map_make(cs, m)))
		return NULL;
	while (hmap_next(&m->by_tuple, tuple_key(t), &pos, &i))
		if (same_tuple(t, &cs->v[i].s))
			return &cs->v[i];
	return NULL;
}

/*
 * Indexes and joins in place: cs->v[0..cs->n) have their MPTCP socket in s
 * and are zero otherwise. Listeners are dropped unless asked for. The TCP
 * sockets come from several dumps (tv[k], tn[k] of them). On failure cs is
 * freed.
 */
static int conns_index(struct mc_conns *cs, const struct diag_sock *const *tv, const size_t *tn,
		       size_t nt, bool listeners)
{
	struct conn_maps m = { 0 };
	size_t ntcp = 0, nsubs = 0, n = 0;
	uint32_t *owner = NULL;
	int ret = -ENOMEM;

	if (cs->n >= UINT32_MAX) {
		ret = -E2BIG;
		goto out;
	}
	if (hmap_init(&m.by_token, cs->n))
		goto out;
	for (size_t i = 0; i < cs->n; i++) {
		struct mc_conn *c = &cs->v[n];

		if (cs->v[i].s.state == TCP_LISTEN && !listeners)
			continue;
		if (i != n)
			*c = cs->v[i];
		if (c->s.state == TCP_LISTEN) {
			c->kind = MC_CONN_LISTEN;
		} else {
			if (c->s.has_mptcp && (c->s.mptcp.flags & MC_MPTCP_INFO_FLAG_FALLBACK))
				c->kind = MC_CONN_FALLBACK;
			else
				c->kind = MC_CONN_MPTCP;
			if (c->s.has_mptcp && hmap_put(&m.by_token, c->s.mptcp.token, (uint32_t)n))
				goto out;
		}
		n++;
	}
	cs->n = n;
	/* Pass 1: the connection of each TCP socket, and how many subflows each connection gets. */
	for (size_t k = 0; k < nt; k++)
		ntcp += tn[k];
	owner = malloc((ntcp ? ntcp : 1) * sizeof(*owner));
	if (!owner)
		goto out;
	for (size_t k = 0, x = 0; k < nt; k++) {
		for (size_t j = 0; j < tn[k]; j++, x++) {
			const struct diag_sock *t = &tv[k][j];
			struct mc_conn *c = NULL;

			owner[x] = UINT32_MAX;
			if (t->state == TCP_LISTEN)
				continue;
			if (!t->ulp_mptcp) {
				/*
				 * Plain TCP is never shown as MPTCP. But before Linux 6.15
				 * the kernel sends no ULP info at all without CAP_NET_ADMIN:
				 * a TCP socket with an MPTCP socket's 4-tuple (unique in a
				 * namespace) is that connection's first subflow all the same.
				 */
				c = find_conn(cs, &m, t);
				if (c)
					cs->details_hidden = true;
			} else {
				if (!t->has_sf)
					cs->details_hidden = true;
				c = find_conn(cs, &m, t);
			}
			/* Beyond what any path manager opens: not shown. */
			if (!c || c->nsub >= MC_MAX_SUBFLOWS)
				continue;
			c->nsub++;
			nsubs++;
			owner[x] = (uint32_t)(c - cs->v);
		}
	}
	if (m.err) {
		ret = m.err;
		goto out;
	}
	/* Pass 2: one array for all subflows, each connection's together. */
	cs->sub_pool = malloc((nsubs ? nsubs : 1) * sizeof(*cs->sub_pool));
	if (!cs->sub_pool)
		goto out;
	for (size_t i = 0, off = 0; i < cs->n; i++) {
		cs->v[i].subs = cs->sub_pool + off;
		off += (size_t)cs->v[i].nsub;
		cs->v[i].nsub = 0;
	}
	for (size_t k = 0, x = 0; k < nt; k++)
		for (size_t j = 0; j < tn[k]; j++, x++)
			if (owner[x] != UINT32_MAX)
				conn_add_sub(&cs->v[owner[x]], &tv[k][j]);
	for (size_t i = 0; i < cs->n; i++) {
		conn_shares(&cs->v[i]);
		if (cs->v[i].kind == MC_CONN_FALLBACK)
			cs->v[i].why = fallback_why(&cs->v[i]);
	}
	ret = 0;
out:
	free(owner);
	hmap_free(&m.by_token);
	hmap_free(&m.by_tuple);
	if (ret)
		mc_conns_free(cs);
	return ret;
}

int mc_conns_join(struct mc_conns *cs, const struct diag_sock *msk, size_t nmsk,
		  const struct diag_sock *tcp, size_t ntcp, bool listeners)
{
	memset(cs, 0, sizeof(*cs));
	if (nmsk >= UINT32_MAX)
		return -E2BIG;
	cs->v = calloc(nmsk ? nmsk : 1, sizeof(*cs->v));
	if (!cs->v)
		return -ENOMEM;
	for (size_t i = 0; i < nmsk; i++)
		cs->v[i].s = msk[i];
	cs->n = nmsk;
	cs->store[0] = malloc((ntcp ? ntcp : 1) * sizeof(*tcp));
	if (!cs->store[0]) {
		mc_conns_free(cs);
		return -ENOMEM;
	}
	if (ntcp)
		memcpy(cs->store[0], tcp, ntcp * sizeof(*tcp));
	return conns_index(cs, (const struct diag_sock *const *)cs->store, &ntcp, 1, listeners);
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
			if (hmap_put(&h, tuple_key(prev->v[i].subs[k].s),
				     (uint32_t)(i << 8 | (size_t)k)))
				goto out;
	for (size_t i = 0; i < cur->n; i++) {
		for (int k = 0; k < cur->v[i].nsub; k++) {
			struct mc_subflow *sf = &cur->v[i].subs[k];
			size_t pos = 0;
			uint32_t v;

			while (hmap_next(&h, tuple_key(sf->s), &pos, &v)) {
				const struct diag_sock *o = prev->v[v >> 8].subs[v & 0xff].s;

				if (!same_tuple(o, sf->s))
					continue;
				sf->has_rate = true;
				sf->tx_bps = sf->s->tcp.bytes_acked >= o->tcp.bytes_acked ?
						     (double)(sf->s->tcp.bytes_acked -
							      o->tcp.bytes_acked) *
							     8 / dt :
						     0;
				sf->rx_bps = sf->s->tcp.bytes_received >= o->tcp.bytes_received ?
						     (double)(sf->s->tcp.bytes_received -
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

/* One sock_diag dump (a part, or all), run on a thread of its own. */
struct dump_job {
	int family, protocol;
	uint32_t states;
	bool cut; /* only the sockets of part */
	struct diag_part part;
	struct diag_sink sink;
	struct mc_err e;
	int ret;
};

static void *dump_job_run(void *arg)
{
	struct dump_job *j = arg;
	struct nl nl;

	j->ret = nl_open(&nl, NETLINK_SOCK_DIAG, &j->e);
	if (j->ret)
		return NULL;
	j->ret = diag_dump_sink(&nl, j->family, j->protocol, j->states, j->cut ? &j->part : NULL,
				&j->sink, &j->e);
	nl_close(&nl);
	return NULL;
}

/* The stripes of this namespace's ephemeral port range: where a dump is cut. */
static void ephemeral_stripes(struct diag_part *h, int mod)
{
	unsigned int lo = 0, hi = 0;
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "re");

	if (f) {
		if (fscanf(f, "%u %u", &lo, &hi) != 2)
			lo = hi = 0;
		fclose(f);
	}
	diag_part_ephemeral(h, lo, hi, mod, 0);
}

/* Sockets in use in this namespace: IPv4 TCP and all MPTCP (/proc/net/protocols). */
static void socket_counts(size_t *tcp, size_t *msk)
{
	FILE *f = fopen("/proc/net/protocols", "re");
	char line[256], name[32];
	unsigned long size, n;

	*tcp = *msk = 0;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%31s %lu %lu", name, &size, &n) == 3) {
			if (!strcmp(name, "TCP"))
				*tcp = n;
			else if (!strcmp(name, "MPTCP") || !strcmp(name, "MPTCPv6"))
				*msk += n;
		}
	if (f)
		fclose(f);
}

/*
 * How to share the dumps between two CPUs. The kernel fills a dump on the
 * CPU of the reader, and that is most of status's time (measured with
 * 20,000 sockets of each: about 1.2 us a socket for MPTCP, 1.8 us for TCP,
 * and 0.3 us for each TCP socket a filtered dump passes over). Thread A
 * dumps the MPTCP table and then TCP part 0, thread B TCP part 1; part 0 is
 * 1/mod of the TCP table, mod chosen so that both threads take as long:
 *   1.2 M + 0.3 T + 1.8 T/mod = 0.3 T + 1.8 T (1 - 1/mod).
 * Returns mod, or 0 for no cut (B dumps all of TCP): few TCP sockets, or an
 * MPTCP table as slow as the whole TCP one. Three threads (two TCP halves
 * beside MPTCP) were slower on two CPUs: the scheduler gave one thread a CPU
 * of its own and made the others share the second.
 */
static int tcp_cut(size_t tcp, size_t msk)
{
	double r = tcp ? 1.2 * (double)msk / (1.8 * (double)tcp) : 1;
	int mod;

	if (tcp < 1000 || r >= 0.8)
		return 0;
	mod = (int)(2 / (1 - r) + 0.5);
	return mod < 2 ? 2 : mod > DIAG_PART_MAX_MOD ? DIAG_PART_MAX_MOD : mod;
}

struct job_pair {
	struct dump_job *first, *second; /* run one after the other; second may be NULL */
};

static void *job_pair_run(void *arg)
{
	struct job_pair *p = arg;

	dump_job_run(p->first);
	if (p->second)
		dump_job_run(p->second);
	return NULL;
}

int mc_conns_load(struct mc_conns *cs, bool listeners, struct mc_err *e)
{
	enum {
		MSK,
		TCP0,
		TCP1,
		NJOBS
	};
	struct dump_job j[NJOBS] = { 0 };
	/*
	 * MPTCPCTL_DIAG_HALVES: "off" never cuts the TCP dump; "strict" always
	 * does, in halves, and fails rather than fall back when the kernel
	 * refuses the filter (for the tests).
	 */
	const char *mode = getenv("MPTCPCTL_DIAG_HALVES");
	bool strict = mode && !strcmp(mode, "strict"), any_v6 = false, threaded = false;
	bool two = sysconf(_SC_NPROCESSORS_ONLN) > 1 || strict;
	struct vec tcp[3] = { 0 }; /* TCP0, TCP1 and the IPv6 subflows */
	struct conn_vec msk = { 0 };
	struct diag_part stripes = { 0 };
	struct job_pair pa, pb;
	size_t ntcp, nmsk;
	int mod = 0, ret = 0;
	pthread_t th;

	memset(cs, 0, sizeof(*cs));
	if (two && !(mode && !strcmp(mode, "off"))) {
		socket_counts(&ntcp, &nmsk);
		mod = strict ? 2 : tcp_cut(ntcp, nmsk);
		if (mod)
			ephemeral_stripes(&stripes, mod);
	}
	for (int i = 0; i < NJOBS; i++) {
		j[i].family = i == MSK ? AF_UNSPEC : AF_INET;
		j[i].protocol = i == MSK ? IPPROTO_MPTCP : IPPROTO_TCP;
		j[i].states = i == MSK && listeners ? ALL_STATES : NOT_LISTEN;
		j[i].cut = mod && i != MSK;
		j[i].part = stripes;
		j[i].part.part = i == TCP1;
		if (i == MSK)
			j[i].sink = (struct diag_sink){ conn_slot, conn_keep, &msk };
		else
			j[i].sink = (struct diag_sink){ vec_slot, vec_keep, &tcp[i - TCP0] };
	}
	/* A: MPTCP, then TCP part 0 when cut; B: TCP part 1, or all of TCP. */
	pa = (struct job_pair){ &j[MSK], mod ? &j[TCP0] : NULL };
	pb = (struct job_pair){ mod ? &j[TCP1] : &j[TCP0], NULL };
	if (two)
		threaded = pthread_create(&th, NULL, job_pair_run, &pb) == 0;
	job_pair_run(&pa);
	if (threaded)
		pthread_join(th, NULL);
	else
		job_pair_run(&pb);
	/* A kernel whose filter audit refuses the parts: one whole dump, as before. */
	if (mod && !strict && (j[TCP0].ret == -EINVAL || j[TCP1].ret == -EINVAL)) {
		for (int i = TCP0; i <= TCP1; i++) {
			tcp[i - TCP0].n = 0;
			j[i].ret = 0;
		}
		j[TCP0].cut = false;
		dump_job_run(&j[TCP0]);
	}
	for (int i = 0; i < NJOBS && !ret; i++)
		if (j[i].ret) {
			*e = j[i].e;
			ret = j[i].ret;
		}
	/* Only an IPv6 MPTCP socket can have IPv6 subflows: skip that walk otherwise. */
	for (size_t i = 0; i < msk.n; i++)
		any_v6 |= msk.v[i].s.sock_family == AF_INET6 && msk.v[i].s.state != TCP_LISTEN;
	if (!ret && any_v6) {
		struct nl nl;

		ret = nl_open(&nl, NETLINK_SOCK_DIAG, e);
		if (!ret) {
			struct diag_sink v6 = { vec_slot, vec_keep, &tcp[2] };

			ret = diag_dump_sink(&nl, AF_INET6, IPPROTO_TCP, NOT_LISTEN, NULL, &v6, e);
			nl_close(&nl);
		}
	}
	if (!ret && !msk.v) {
		msk.v = calloc(1, sizeof(*msk.v)); /* no connections: still an array */
		if (!msk.v)
			ret = mc_err_set(e, -ENOMEM, "listing MPTCP sockets");
	}
	if (ret) {
		free(msk.v);
	} else {
		const struct diag_sock *tv[] = { tcp[0].v, tcp[1].v, tcp[2].v };
		size_t tn[] = { tcp[0].n, tcp[1].n, tcp[2].n };

		cs->v = msk.v;
		cs->n = msk.n;
		for (int i = 0; i < 3; i++) {
			cs->store[i] = tcp[i].v; /* cs owns them now, also on failure */
			tcp[i].v = NULL;
		}
		ret = conns_index(cs, tv, tn, 3, listeners);
		if (ret)
			mc_err_set(e, ret, "joining subflows to connections");
	}
	for (int i = 0; i < 3; i++)
		free(tcp[i].v);
	return ret;
}

void mc_conns_free(struct mc_conns *cs)
{
	for (size_t i = 0; i < sizeof(cs->store) / sizeof(cs->store[0]); i++)
		free(cs->store[i]);
	free(cs->sub_pool);
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

#define IF_MAX 64
#define ADDR_MAX 256

struct if_ctx {
	struct rt_link links[IF_MAX];
	int nlinks;
	struct rt_addr addrs[ADDR_MAX];
	int naddrs;
};

static int link_cb(const struct rt_link *l, void *data)
{
	struct if_ctx *c = data;

	if (c->nlinks < IF_MAX)
		c->links[c->nlinks++] = *l;
	return 0;
}

static int addr_cb(const struct rt_addr *a, void *data)
{
	struct if_ctx *c = data;

	if (c->naddrs < ADDR_MAX)
		c->addrs[c->naddrs++] = *a;
	return 0;
}

static const char *ifname_of(const struct if_ctx *c, int ifindex)
{
	for (int i = 0; i < c->nlinks; i++)
		if (c->links[i].ifindex == ifindex)
			return c->links[i].name;
	return NULL;
}

/* The device of a local address, or NULL. */
static const char *ifname_by_addr(const struct if_ctx *c, const struct diag_sock *s)
{
	for (int i = 0; i < c->naddrs; i++) {
		const struct rt_addr *a = &c->addrs[i];

		if (s->family == a->p.family &&
		    !memcmp(s->src.a.raw, a->p.a.raw, mc_prefix_alen(&a->p)))
			return ifname_of(c, a->ifindex);
	}
	return NULL;
}

/* Route lookups already made: address pair -> device. */
struct route_memo {
	struct hmap by_pair;
	struct {
		struct mc_prefix src, dst;
		int oif;
	} * v;
	size_t n, cap;
};

static uint64_t pair_key(const struct diag_sock *s)
{
	uint64_t k = (uint64_t)s->family, w;

	for (int i = 0; i < 16; i += 8) {
		memcpy(&w, s->src.a.raw + i, 8);
		k = hmap_mix(k ^ w);
		memcpy(&w, s->dst.a.raw + i, 8);
		k = hmap_mix(k ^ w);
	}
	return k;
}

/*
 * The device a route from s's source to its destination leaves by, 0 if
 * none. Subflows share few address pairs (one or two per path): each pair
 * is asked of the kernel once, not once per subflow.
 */
static int route_oif(struct route_memo *m, struct nl *nl, const struct diag_sock *s)
{
	uint64_t key = pair_key(s);
	struct mc_err re = { 0 };
	struct rt_route r;
	size_t pos = 0;
	uint32_t i;
	int oif;

	while (hmap_next(&m->by_pair, key, &pos, &i))
		if (m->v[i].src.family == s->family &&
		    !memcmp(m->v[i].src.a.raw, s->src.a.raw, 16) &&
		    !memcmp(m->v[i].dst.a.raw, s->dst.a.raw, 16))
			return m->v[i].oif;
	oif = rt_route_get(nl, &s->src, &s->dst, &r, &re) ? 0 : r.oif;
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 16;
		void *nv = m->n < UINT32_MAX ? realloc(m->v, cap * sizeof(*m->v)) : NULL;

		if (!nv)
			return oif; /* not remembered: asked again next time */
		m->v = nv;
		m->cap = cap;
	}
	if (hmap_put(&m->by_pair, key, (uint32_t)m->n))
		return oif;
	m->v[m->n].src = s->src;
	m->v[m->n].dst = s->dst;
	m->v[m->n++].oif = oif;
	return oif;
}

/*
 * One pass over the subflows, first answer wins:
 * 1. a subflow bound to a device (an endpoint with dev) says so itself;
 * 2. an unbound subflow of a connection with joins (a passive one, on the
 *    server) leaves by its route to the peer, which is not always the
 *    device of its local address (10.0.0.2 -> 192.168.0.1 goes out eno2);
 * 3. else the device of its local address (single-subflow connections:
 *    the cheap answer).
 */
int mc_conns_ifnames(struct mc_conns *cs, struct mc_err *e)
{
	struct if_ctx *c = calloc(1, sizeof(*c));
	struct route_memo memo = { 0 };
	size_t multi = 0; /* subflows of connections with joins: at most that many pairs */
	struct nl nl;
	int ret;

	for (size_t i = 0; i < cs->n; i++)
		multi += cs->v[i].nsub > 1 ? (size_t)cs->v[i].nsub : 0;
	if (!c || hmap_init(&memo.by_pair, multi ? multi : 1)) {
		free(c);
		return -ENOMEM;
	}
	ret = nl_open(&nl, NETLINK_ROUTE, e);
	if (ret)
		goto out;
	ret = rt_link_dump(&nl, link_cb, c, e);
	if (!ret)
		ret = rt_addr_dump(&nl, AF_UNSPEC, addr_cb, c, e);
	for (size_t i = 0; !ret && i < cs->n; i++) {
		for (int k = 0; k < cs->v[i].nsub; k++) {
			struct mc_subflow *sf = &cs->v[i].subs[k];
			const char *n = sf->s->ifindex ? ifname_of(c, sf->s->ifindex) : NULL;

			if (!n && cs->v[i].nsub > 1)
				n = ifname_of(c, route_oif(&memo, &nl, sf->s));
			if (!n)
				n = ifname_by_addr(c, sf->s);
			if (n) {
				size_t l = strnlen(n, IF_NAMESIZE - 1);

				memcpy(sf->ifname, n, l);
				sf->ifname[l] = '\0';
			}
		}
	}
	nl_close(&nl);
out:
	hmap_free(&memo.by_pair);
	free(memo.v);
	free(c);
	return ret;
}
