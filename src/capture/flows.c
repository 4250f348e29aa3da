// SPDX-License-Identifier: GPL-2.0-or-later
/* The capture model: segments to subflows, subflows to MPTCP connections. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"

/* ---- a growable hash map of indexes ---- */

static int map_grow(struct cap_map *mp)
{
	size_t n = mp->mask ? (mp->mask + 1) * 2 : 1024;
	uint32_t *keys = calloc(n, sizeof(*keys)), *vals = calloc(n, sizeof(*vals));

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -ENOMEM;
	}
	for (size_t i = 0; mp->mask && i <= mp->mask; i++) {
		size_t j;

		if (!mp->vals[i])
			continue;
		for (j = mp->keys[i] & (n - 1); vals[j]; j = (j + 1) & (n - 1))
			;
		keys[j] = mp->keys[i];
		vals[j] = mp->vals[i];
	}
	free(mp->keys);
	free(mp->vals);
	mp->keys = keys;
	mp->vals = vals;
	mp->mask = n - 1;
	return 0;
}

static int map_put(struct cap_map *mp, uint32_t key, size_t idx)
{
	size_t j;

	if ((mp->used + 1) * 2 > mp->mask + 1) {
		int ret = map_grow(mp);

		if (ret)
			return ret;
	}
	for (j = key & mp->mask; mp->vals[j]; j = (j + 1) & mp->mask)
		;
	mp->keys[j] = key;
	mp->vals[j] = (uint32_t)idx + 1;
	mp->used++;
	return 0;
}

/* The values under key, one by one: *pos starts at 0; -1 at the end. */
static long map_next(const struct cap_map *mp, uint32_t key, size_t *pos)
{
	if (!mp->mask)
		return -1;
	for (size_t j = (key + *pos) & mp->mask; mp->vals[j]; j = (j + 1) & mp->mask) {
		(*pos)++;
		if (mp->keys[j] == key)
			return (long)mp->vals[j] - 1;
	}
	return -1;
}

static void map_free(struct cap_map *mp)
{
	free(mp->keys);
	free(mp->vals);
	memset(mp, 0, sizeof(*mp));
}

/* ---- helpers ---- */

static uint32_t tuple_hash(const struct cap_seg *s)
{
	/* Symmetric: both directions of a subflow hash alike. */
	uint32_t h = 2166136261u, a = 0, b = 0;
	size_t n = s->family == 4 ? 4 : 16;

	for (size_t i = 0; i < n; i++) {
		a = a * 31 + s->src[i];
		b = b * 31 + s->dst[i];
	}
	a ^= (uint32_t)s->sport << 16;
	b ^= (uint32_t)s->dport << 16;
	h ^= a + b;
	h *= 16777619u;
	h ^= (a ^ b) >> 7;
	h *= 0x9e3779b1u;
	return h ^ h >> 15;
}

/* 0: the segment goes from the subflow's client, 1: to it; -1: another subflow. */
static int sub_dir(const struct cap_sub *f, const struct cap_seg *s)
{
	size_t n = s->family == 4 ? 4 : 16;

	if (f->family != s->family)
		return -1;
	if (f->cport == s->sport && f->sport == s->dport && !memcmp(f->caddr, s->src, n) &&
	    !memcmp(f->saddr, s->dst, n))
		return 0;
	if (f->cport == s->dport && f->sport == s->sport && !memcmp(f->caddr, s->dst, n) &&
	    !memcmp(f->saddr, s->src, n))
		return 1;
	return -1;
}

/* The 64-bit value nearest ref whose low 32 bits are v. */
static uint64_t unwrap32(uint64_t ref, uint32_t v)
{
	uint64_t c = (ref & ~(uint64_t)0xffffffff) | v;

	if (c > ref && c - ref > 0x80000000u && c >= 0x100000000u)
		c -= 0x100000000u;
	else if (c < ref && ref - c > 0x80000000u)
		c += 0x100000000u;
	return c;
}

static const struct mpopt *find_opt(const struct cap_seg *s, uint8_t subtype)
{
	for (int i = 0; i < s->nopt; i++)
		if (s->opt[i].subtype == subtype)
			return &s->opt[i];
	return NULL;
}

/* ---- DSN coverage: how much of a mapping was sent before ---- */

static int cov_add(struct cap_cov *c, uint64_t start, uint64_t end, uint64_t *overlap)
{
	uint32_t lo = 0, hi = c->n, k;

	*overlap = 0;
	if (start >= end)
		return 0;
	/* The first range that ends at or after start. */
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (c->iv[mid][1] < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (k = lo; k < c->n && c->iv[k][0] <= end; k++) {
		uint64_t a = c->iv[k][0] > start ? c->iv[k][0] : start;
		uint64_t b = c->iv[k][1] < end ? c->iv[k][1] : end;

		if (b > a)
			*overlap += b - a;
	}
	if (k > lo) { /* ranges lo..k-1 merge into one */
		if (c->iv[lo][0] < start)
			start = c->iv[lo][0];
		if (c->iv[k - 1][1] > end)
			end = c->iv[k - 1][1];
		c->iv[lo][0] = start;
		c->iv[lo][1] = end;
		memmove(c->iv + lo + 1, c->iv + k, (c->n - k) * sizeof(c->iv[0]));
		c->n -= k - lo - 1;
		return 0;
	}
	if (c->n == c->cap) {
		if (c->cap < CAP_COV_MAX) {
			uint32_t ncap = c->cap ? c->cap * 2 : 8;
			void *p = realloc(c->iv, ncap * sizeof(c->iv[0]));

			if (!p)
				return -ENOMEM;
			c->iv = p;
			c->cap = ncap;
		} else {
			/* Full: the two oldest ranges become one (the gap counts as sent). */
			c->iv[0][1] = c->iv[1][1];
			memmove(c->iv + 1, c->iv + 2, (c->n - 2) * sizeof(c->iv[0]));
			c->n--;
			if (lo > 0)
				lo--;
		}
	}
	memmove(c->iv + lo + 1, c->iv + lo, (c->n - lo) * sizeof(c->iv[0]));
	c->iv[lo][0] = start;
	c->iv[lo][1] = end;
	c->n++;
	return 0;
}

/* ---- connections ---- */

static long conn_new(struct cap_model *m)
{
	struct cap_conn *c;

	if (m->nconns == m->cap_conns) {
		size_t n = m->cap_conns ? m->cap_conns * 2 : 64;
		void *p = realloc(m->conns, n * sizeof(*m->conns));

		if (!p)
			return -ENOMEM;
		m->conns = p;
		m->cap_conns = n;
	}
	c = &m->conns[m->nconns];
	memset(c, 0, sizeof(*c));
	c->first_sub = c->last_sub = c->fallback_sub = -1;
	return (long)m->nconns++;
}

static void conn_link(struct cap_model *m, long ci, size_t si)
{
	struct cap_conn *c = &m->conns[ci];
	struct cap_sub *f = &m->subs[si];

	f->conn = (int)ci;
	f->next_in_conn = -1;
	if (c->last_sub >= 0)
		m->subs[c->last_sub].next_in_conn = (int)si;
	else
		c->first_sub = (int)si;
	c->last_sub = (int)si;
	c->nsub++;
}

/* The connection whose host (*side) has this token, or -1. */
static long conn_by_token(const struct cap_model *m, uint32_t token, int *side)
{
	size_t pos = 0;
	long ci;

	while ((ci = map_next(&m->by_token, token, &pos)) >= 0) {
		const struct cap_conn *c = &m->conns[ci];

		if (c->merged)
			continue;
		for (int h = 0; h < 2; h++)
			if (c->has_token[h] && c->token[h] == token) {
				*side = h;
				return ci;
			}
	}
	return -1;
}

/* Room for one more announcement: false when the connection keeps no more. */
static bool event_room(struct cap_conn *c)
{
	if (c->nev == c->cap_ev) {
		uint32_t n = c->cap_ev ? c->cap_ev * 2 : 8;
		void *p;

		if (n > CAP_EVENTS_MAX || !(p = realloc(c->ev, n * sizeof(*c->ev)))) {
			c->nev_lost++;
			return false;
		}
		c->ev = p;
		c->cap_ev = n;
	}
	return true;
}

/*
 * Connection cj (made for joins whose token was not known yet) is ci's: its
 * subflows, counts and announcements move over. Frames of two interfaces
 * come in the order their buffers are read, so a join can come before the
 * handshake it belongs to. flip: cj's host 0 is ci's host 1.
 */
static int conn_merge(struct cap_model *m, long ci, long cj, int flip)
{
	struct cap_conn *a = &m->conns[ci], *b = &m->conns[cj];
	int ret = 0;

	for (int i = b->first_sub, next; i >= 0; i = next) {
		next = m->subs[i].next_in_conn;
		m->subs[i].side ^= flip;
		conn_link(m, ci, (size_t)i);
	}
	for (int d = 0; d < 2; d++) {
		int ad = d ^ flip;

		a->data[ad] += b->data[d];
		a->reinjected[ad] += b->reinjected[d];
		for (uint32_t k = 0; k < b->cov[d].n && !ret; k++) {
			uint64_t overlap;

			ret = cov_add(&a->cov[ad], b->cov[d].iv[k][0], b->cov[d].iv[k][1],
				      &overlap);
			a->data[ad] -= overlap < a->data[ad] ? overlap : a->data[ad];
			a->reinjected[ad] += overlap;
		}
		free(b->cov[d].iv);
		b->cov[d] = (struct cap_cov){ 0 };
	}
	for (uint32_t k = 0; k < b->nev; k++) {
		if (!event_room(a))
			continue;
		a->ev[a->nev] = b->ev[k];
		a->ev[a->nev++].side ^= (uint8_t)flip;
	}
	free(b->ev);
	b->ev = NULL;
	b->cap_ev = 0;
	a->nev_lost += b->nev_lost;
	if (a->fallback == CAP_FB_NONE && b->fallback != CAP_FB_NONE) {
		a->fallback = b->fallback;
		a->fallback_sub = b->fallback_sub;
		a->fallback_t = b->fallback_t;
	}
	if (b->mp_fail && !a->mp_fail) {
		a->mp_fail = true;
		a->fail_dsn = b->fail_dsn;
	}
	a->fastclose |= b->fastclose;
	b->merged = true;
	b->nsub = 0;
	b->first_sub = b->last_sub = -1;
	b->nev = b->nev_lost = 0;
	return ret;
}

static int conn_set_key(struct cap_model *m, long ci, int h, uint64_t key)
{
	struct cap_conn *c = &m->conns[ci];
	size_t pos = 0;
	long cj;
	int ret;

	if (c->has_key[h])
		return 0;
	c->has_key[h] = true;
	c->key[h] = key;
	mpopt_key_token(key, c->version, &c->token[h], &c->idsn[h]);
	c->has_token[h] = true;
	/* A connection made earlier by joins with this token is this one. */
	while ((cj = map_next(&m->by_token, c->token[h], &pos)) >= 0) {
		struct cap_conn *o = &m->conns[cj];

		if (cj == ci || o->merged || o->has_key[0] || o->has_key[1])
			continue;
		for (int x = 0; x < 2; x++)
			if (o->has_token[x] && o->token[x] == c->token[h] && !o->has_token[!x]) {
				ret = conn_merge(m, ci, cj, x != h);
				if (ret)
					return ret;
				break;
			}
	}
	return map_put(&m->by_token, c->token[h], (size_t)ci);
}

static void conn_fallback(struct cap_model *m, long ci, uint8_t why, size_t si, double ts)
{
	struct cap_conn *c = &m->conns[ci];

	if (c->fallback != CAP_FB_NONE)
		return;
	c->fallback = why;
	c->fallback_sub = (int)si;
	c->fallback_t = ts;
}

/* ---- subflows ---- */

static long sub_find(const struct cap_model *m, const struct cap_seg *s, uint32_t h, int *dir)
{
	size_t pos = 0;
	long si;

	while ((si = map_next(&m->by_tuple, h, &pos)) >= 0) {
		*dir = sub_dir(&m->subs[si], s);
		if (*dir >= 0)
			return si;
	}
	return -1;
}

static long sub_new(struct cap_model *m, const struct cap_seg *s, uint32_t h, double ts,
		    const char *ifname)
{
	struct cap_sub *f;
	size_t n = s->family == 4 ? 4 : 16;
	bool reversed = (s->flags & (TCPF_SYN | TCPF_ACK)) == (TCPF_SYN | TCPF_ACK);
	int ret;

	if (m->nsubs == m->cap_subs) {
		size_t cap = m->cap_subs ? m->cap_subs * 2 : 256;
		void *p = realloc(m->subs, cap * sizeof(*m->subs));

		if (!p)
			return -ENOMEM;
		m->subs = p;
		m->cap_subs = cap;
	}
	f = &m->subs[m->nsubs];
	memset(f, 0, sizeof(*f));
	f->family = s->family;
	/* A SYN/ACK first: its receiver is the client. Else the sender is taken for it. */
	memcpy(f->caddr, reversed ? s->dst : s->src, n);
	memcpy(f->saddr, reversed ? s->src : s->dst, n);
	f->cport = reversed ? s->dport : s->sport;
	f->sport = reversed ? s->sport : s->dport;
	snprintf(f->ifname, sizeof(f->ifname), "%s", ifname ? ifname : "");
	f->conn = f->next_in_conn = -1;
	f->first = ts;
	ret = map_put(&m->by_tuple, h, m->nsubs);
	if (ret)
		return ret;
	return (long)m->nsubs++;
}

/* The connection's direction of a subflow's direction dir. */
static int conn_dir(const struct cap_sub *f, int dir)
{
	return f->side == 0 ? dir : 1 - dir;
}

/* Sequence accounting: payload, retransmissions. */
static void seq_account(struct cap_dir *d, const struct cap_seg *s)
{
	uint32_t end;

	d->pkts++;
	if (!s->payload)
		return;
	d->bytes += s->payload;
	end = s->seq + s->payload;
	if (d->has_high && (int32_t)(s->seq - d->high) < 0) {
		uint32_t dup = d->high - s->seq;

		d->retrans += dup < s->payload ? dup : s->payload;
	}
	if (!d->has_high || (int32_t)(end - d->high) > 0)
		d->high = end;
	d->has_high = true;
}

/* A DSS mapping (or MP_CAPABLE's first data) on subflow direction dir. */
static int map_account(struct cap_model *m, struct cap_sub *f, int dir, uint64_t dsn, bool dsn64,
		       uint32_t ssn32, uint16_t dlen)
{
	struct cap_conn *c = &m->conns[f->conn];
	struct cap_dir *d = &f->d[dir];
	int cd = conn_dir(f, dir);
	uint64_t ssn, start, overlap;
	int ret;

	if (!dsn64)
		dsn = c->has_dsn[cd] ?
			      unwrap32(c->last_dsn[cd], (uint32_t)dsn) :
			      (c->has_key[cd] ? unwrap32(c->idsn[cd], (uint32_t)dsn) : dsn);
	c->last_dsn[cd] = dsn;
	c->has_dsn[cd] = true;
	ssn = d->has_map ? unwrap32(d->map_end, ssn32) : ssn32;
	if (!d->has_map) {
		d->map_end = ssn;
		d->has_map = true;
	}
	start = ssn > d->map_end ? ssn : d->map_end;
	if (start >= ssn + dlen)
		return 0; /* the same mapping again (a retransmission, or the next segment of it) */
	d->mapped += ssn + dlen - start;
	d->map_end = ssn + dlen;
	ret = cov_add(&c->cov[cd], dsn + (start - ssn), dsn + dlen, &overlap);
	if (ret)
		return ret;
	d->reinjected += overlap;
	c->reinjected[cd] += overlap;
	c->data[cd] += ssn + dlen - start - overlap;
	return 0;
}

static void add_event(struct cap_conn *c, const struct mpopt *o, uint8_t side, double ts)
{
	if (o->subtype == MPOPT_REMOVE_ADDR) {
		for (int i = 0; i < o->u.rm.n; i++) {
			if (!event_room(c))
				continue;
			c->ev[c->nev++] = (struct cap_event){
				.t = ts, .side = side, .remove = true, .id = o->u.rm.ids[i]
			};
		}
		return;
	}
	if (!event_room(c))
		return;
	c->ev[c->nev] = (struct cap_event){
		.t = ts,
		.side = side,
		.echo = o->u.add.echo,
		.has_port = o->u.add.has_port,
		.id = o->u.add.id,
		.family = o->u.add.family,
		.port = o->u.add.port,
	};
	memcpy(c->ev[c->nev].addr, o->u.add.addr, 16);
	c->nev++;
}

/* SYN and SYN/ACK: the role of the subflow and its MPTCP handshake. */
static int handshake(struct cap_model *m, size_t si, int dir, const struct cap_seg *s, double ts)
{
	struct cap_sub *f = &m->subs[si];
	const struct mpopt *cap = find_opt(s, MPOPT_CAPABLE), *join = find_opt(s, MPOPT_JOIN);
	int ret = 0;

	if (!(s->flags & TCPF_ACK) && dir == 0) { /* SYN */
		f->syn = true;
		f->syns++;
		f->d[0].isn_seen = true;
		if (f->syns > 1 || f->role == CAP_ROLE_MIDSTREAM)
			return 0;
		if (cap) {
			long ci = conn_new(m);

			if (ci < 0)
				return (int)ci;
			f = &m->subs[si];
			f->role = CAP_ROLE_INITIAL;
			f->mpc_syn = true;
			f->version = cap->u.cap.version;
			m->conns[ci].version = f->version;
			m->conns[ci].has_version = true;
			conn_link(m, ci, si);
			if (cap->u.cap.nkeys >= 1) /* v0: the sender's key in the SYN */
				ret = conn_set_key(m, ci, 0, cap->u.cap.key_snd);
		} else if (join && join->u.join.phase == MPJOIN_SYN) {
			int side = 0;
			long ci = conn_by_token(m, join->u.join.token, &side);

			f->role = CAP_ROLE_JOIN;
			f->join = CAP_JOIN_SYN;
			f->join_token = join->u.join.token;
			f->addr_id[0] = join->u.join.addr_id;
			f->backup = join->u.join.backup;
			if (ci < 0) { /* the connection's handshake is not in the capture */
				ci = conn_new(m);
				if (ci < 0)
					return (int)ci;
				m->conns[ci].has_token[1] = true;
				m->conns[ci].token[1] = join->u.join.token;
				ret = map_put(&m->by_token, join->u.join.token, (size_t)ci);
				side = 1;
			}
			f = &m->subs[si];
			/* The token is the SYN receiver's: the client is the other host. */
			f->side = 1 - side;
			conn_link(m, ci, si);
		}
		return ret;
	}
	if ((s->flags & TCPF_ACK) && dir == 1) { /* SYN/ACK */
		f->synack = true;
		f->d[1].isn_seen = true;
		if (f->role == CAP_ROLE_INITIAL) {
			if (cap) {
				f->mpc_synack = true;
				if (cap->u.cap.nkeys >= 1)
					ret = conn_set_key(m, f->conn, 1, cap->u.cap.key_snd);
			} else if (!s->opts_cut) {
				conn_fallback(m, f->conn, CAP_FB_SYNACK_NO_MPC, si, ts);
			}
		} else if (f->role == CAP_ROLE_JOIN && f->join == CAP_JOIN_SYN) {
			if (join && join->u.join.phase == MPJOIN_SYNACK) {
				f->join = CAP_JOIN_SYNACK;
				f->addr_id[1] = join->u.join.addr_id;
				f->backup = f->backup || join->u.join.backup;
			} else if (!s->opts_cut) {
				f->join = CAP_JOIN_REFUSED_NOJOIN;
			}
		}
	}
	return ret;
}

/* The other options of an MPTCP subflow's segment. */
static int mptcp_opts(struct cap_model *m, size_t si, int dir, const struct cap_seg *s, double ts)
{
	struct cap_sub *f = &m->subs[si];
	struct cap_conn *c = &m->conns[f->conn];
	uint8_t side = (uint8_t)(f->side ^ dir); /* the sending host */
	bool mapped = false;
	int ret = 0;

	for (int i = 0; i < s->nopt && !ret; i++) {
		const struct mpopt *o = &s->opt[i];

		switch (o->subtype) {
		case MPOPT_CAPABLE:
			if (o->u.cap.nkeys == 2) {
				ret = conn_set_key(m, f->conn, side, o->u.cap.key_snd);
				if (!ret)
					ret = conn_set_key(m, f->conn, !side, o->u.cap.key_rcv);
				f = &m->subs[si];
				c = &m->conns[f->conn];
			}
			/* v1: the first data carries its data-level length here. */
			if (!ret && o->u.cap.has_dlen && o->u.cap.dlen && c->has_key[side]) {
				ret = map_account(m, f, dir, c->idsn[side] + 1, true, 1,
						  o->u.cap.dlen);
				mapped = true;
			}
			break;
		case MPOPT_DSS:
			if (o->u.dss.has_map && o->u.dss.dlen == 0) {
				conn_fallback(m, f->conn, CAP_FB_INFINITE, si, ts);
			} else if (o->u.dss.has_map) {
				/* A DATA_FIN takes one data sequence number: not data. A
				 * DATA_FIN alone (subflow sequence 0, length 1) goes out on
				 * every subflow, so it is no reinjection either. */
				uint16_t dlen = (uint16_t)(o->u.dss.dlen - (o->u.dss.fin ? 1 : 0));

				if (dlen && !(o->u.dss.fin && o->u.dss.ssn == 0))
					ret = map_account(m, f, dir, o->u.dss.dsn, o->u.dss.dsn64,
							  o->u.dss.ssn, dlen);
				mapped = true;
			}
			break;
		case MPOPT_JOIN:
			if (o->u.join.phase == MPJOIN_ACK && dir == 0 &&
			    (f->join == CAP_JOIN_SYNACK || f->join == CAP_JOIN_SYN))
				f->join = CAP_JOIN_JOINED;
			break;
		case MPOPT_ADD_ADDR:
		case MPOPT_REMOVE_ADDR:
			add_event(c, o, side, ts - m->t0);
			break;
		case MPOPT_PRIO:
			f->backup = o->u.prio.backup;
			f->prio_changes++;
			break;
		case MPOPT_FAIL:
			c->mp_fail = true;
			c->fail_dsn = o->u.fail.dsn;
			conn_fallback(m, f->conn, CAP_FB_MP_FAIL, si, ts);
			break;
		case MPOPT_FASTCLOSE:
			c->fastclose = true;
			break;
		case MPOPT_TCPRST:
			f->has_rst_reason = true;
			f->rst_reason = o->u.rst.reason;
			break;
		}
	}
	if (!ret && s->payload && !mapped && !s->opts_cut && !(s->flags & TCPF_SYN) &&
	    (f->role == CAP_ROLE_INITIAL || f->role == CAP_ROLE_JOIN)) {
		f->nodss[dir]++;
		/* Linux copies the DSS to every segment of a mapping: three without one
		 * and none mapped so far is a subflow that runs as plain TCP. */
		if (f->nodss[dir] >= 3 && !f->d[dir].has_map && f->role == CAP_ROLE_INITIAL)
			conn_fallback(m, f->conn, CAP_FB_NO_DSS, si, ts);
	}
	return ret;
}

int cap_model_add(struct cap_model *m, const struct cap_seg *s, double ts, const char *ifname)
{
	uint32_t h = tuple_hash(s);
	struct cap_sub *f;
	int dir = 0, ret = 0;
	long si;

	m->segs++;
	if (s->opts_cut)
		m->opts_cut++;
	m->bad_opts += s->nopt_bad;
	if (!m->has_t0) {
		m->t0 = ts;
		m->has_t0 = true;
	}
	if (ts > m->tend)
		m->tend = ts;
	si = sub_find(m, s, h, &dir);
	if (si < 0) {
		si = sub_new(m, s, h, ts, ifname);
		if (si < 0)
			return (int)si;
		dir = sub_dir(&m->subs[si], s);
	}
	f = &m->subs[si];
	if (ts > f->last)
		f->last = ts;
	seq_account(&f->d[dir], s);
	if (s->flags & TCPF_SYN) {
		ret = handshake(m, (size_t)si, dir, s, ts);
		if (ret)
			return ret;
		f = &m->subs[si];
	} else if (!f->syn && f->role == CAP_ROLE_TCP && s->nopt && f->conn < 0) {
		/* MPTCP options on a subflow whose handshake was before the capture. */
		long ci = conn_new(m);

		if (ci < 0)
			return (int)ci;
		f = &m->subs[si];
		f->role = CAP_ROLE_MIDSTREAM;
		conn_link(m, ci, (size_t)si);
	}
	if (!(s->flags & TCPF_SYN) && dir == 0 && f->synack && !f->acked) {
		/* The client's first ACK after the SYN/ACK: v1's third ACK. */
		f->acked = true;
		if (f->role == CAP_ROLE_INITIAL && f->mpc_synack) {
			if (find_opt(s, MPOPT_CAPABLE))
				f->mpc_ack = true;
			else if (!s->opts_cut && !find_opt(s, MPOPT_DSS))
				conn_fallback(m, f->conn, CAP_FB_ACK_NO_MPC, (size_t)si, ts);
		}
	}
	if (s->flags & TCPF_RST) {
		f->rst = true;
		f->rst_dir = (uint8_t)dir;
		if (f->join == CAP_JOIN_SYN || f->join == CAP_JOIN_SYNACK)
			f->join = CAP_JOIN_REFUSED_RST;
	}
	if (s->flags & TCPF_FIN)
		f->fin[dir] = true;
	if (f->conn >= 0)
		ret = mptcp_opts(m, (size_t)si, dir, s, ts);
	if (f->conn >= 0 && m->conns[f->conn].has_version && m->conns[f->conn].version == 0)
		m->v0_opts++;
	return ret;
}

int cap_model_frame(struct cap_model *m, int dlt, const uint8_t *data, size_t caplen,
		    size_t wirelen, double ts, const char *ifname)
{
	char name[CAP_IFNAMSIZ] = "";
	struct cap_seg s;
	int ifindex = 0, ret;

	m->frames++;
	ret = cap_seg_decode(dlt, data, caplen, wirelen, &s, &ifindex);
	if (ret == -ENOENT) {
		m->not_tcp++;
		return 0;
	}
	if (ret) {
		m->bad++;
		return 0;
	}
	if (!ifname && ifindex > 0)
		snprintf(name, sizeof(name), "if%d", ifindex);
	return cap_model_add(m, &s, ts, ifname ? ifname : name);
}

int cap_model_init(struct cap_model *m)
{
	memset(m, 0, sizeof(*m));
	if (map_grow(&m->by_tuple) || map_grow(&m->by_token)) {
		cap_model_free(m);
		return -ENOMEM;
	}
	return 0;
}

void cap_model_set_start(struct cap_model *m, double t0)
{
	m->t0 = t0;
	m->has_t0 = true;
	if (m->tend < t0)
		m->tend = t0;
}

void cap_model_free(struct cap_model *m)
{
	for (size_t i = 0; i < m->nconns; i++) {
		for (int d = 0; d < 2; d++)
			free(m->conns[i].cov[d].iv);
		free(m->conns[i].ev);
	}
	free(m->conns);
	free(m->subs);
	map_free(&m->by_tuple);
	map_free(&m->by_token);
	memset(m, 0, sizeof(*m));
}
