// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzzes the bench decoders (src/bench): the low two bits of the first byte
 * pick what the rest is fed to, each time as an exactly sized heap copy (no
 * NUL after it: the decoders take a length):
 *
 *   0  bench_params_decode(); what it accepts is in range, and encodes and
 *      decodes back to the same parameters
 *   1  bench_results_decode(); the same for results
 *   2  bench_json_check(); what it passes and cJSON parses nests no deeper
 *      than BENCH_JSON_DEPTH
 *   3  bench_full_info_decode(): byte 1 is the header's length, bytes 2-3 the
 *      subflow_info array's (little endian), each cut to what is left; the
 *      header, that array and then the rest (the tcp_info array) follow
 *
 * Every failure must be a -errno the API names with e->code set to it and a
 * message.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bench/bench.h"
#include "uapi/mptcp_uapi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint64_t sink;

static void *copy(const uint8_t *data, size_t len)
{
	void *b = malloc(len ? len : 1);

	if (b && len)
		memcpy(b, data, len);
	return b;
}

static void check_err(int ret, const struct mc_err *e)
{
	if (ret != -EBADMSG && ret != -EMSGSIZE && ret != -EPROTONOSUPPORT)
		abort();
	if (e->code != ret || !e->what[0] || strnlen(e->what, sizeof(e->what)) == sizeof(e->what))
		abort();
}

static void check_str(const char *s, size_t size)
{
	size_t l = strnlen(s, size);

	if (l == size)
		abort();
	for (size_t i = 0; i < l; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
}

static void check_params(const struct bench_params *p)
{
	if (p->time_s > BENCH_MAX_TIME || p->parallel < 1 || p->parallel > BENCH_MAX_STREAMS ||
	    p->len < 1 || p->len > BENCH_MAX_LEN || p->omit > 600 || p->mss > 9 * 1024 ||
	    p->window > 512U << 20 || p->bytes > UINT64_C(1) << 52 ||
	    p->blocks > UINT64_C(1) << 52 || p->bandwidth > UINT64_C(1) << 52 ||
	    (p->zerocopy != 0 && p->zerocopy != 1) || (!p->time_s && !p->bytes && !p->blocks) ||
	    (p->verify && !p->ours))
		abort();
	check_str(p->congestion, sizeof(p->congestion));
	check_str(p->client_version, sizeof(p->client_version));
}

/*
 * cJSON 1.7.15 prints a double with 15 digits when that reads back within
 * about one ulp (compare_double), so an encoded value may come back a unit in
 * the last place off: integers under 10^15 are exact, others and doubles close.
 */
static bool near(double a, double b)
{
	if (a == b)
		return true;
	return fabs(a - b) <= 4 * DBL_EPSILON * fmax(fabs(a), fabs(b));
}

static bool near_u64(uint64_t a, uint64_t b)
{
	if (a < 1000000000000000ULL && b < 1000000000000000ULL)
		return a == b;
	return near((double)a, (double)b);
}

static void params(const uint8_t *data, size_t size)
{
	struct bench_params p, q;
	struct mc_err e = { 0 };
	char *buf = copy(data, size), *json = NULL;
	int ret;

	if (!buf)
		return;
	ret = bench_params_decode(buf, size, &p, &e);
	free(buf);
	if (ret) {
		check_err(ret, &e);
		return;
	}
	check_params(&p);
	if (bench_params_encode(&p, &json))
		return; /* -ENOMEM */
	memset(&e, 0, sizeof(e));
	ret = bench_params_decode(json, strlen(json), &q, &e);
	free(json);
	if (ret)
		abort();
	if (q.time_s != p.time_s || !near_u64(q.bytes, p.bytes) || !near_u64(q.blocks, p.blocks) ||
	    q.parallel != p.parallel || q.reverse != p.reverse || q.bidir != p.bidir ||
	    q.window != p.window || q.len != p.len || q.omit != p.omit || q.mss != p.mss ||
	    q.nodelay != p.nodelay || !near_u64(q.bandwidth, p.bandwidth) ||
	    q.zerocopy != p.zerocopy || q.get_server_output != p.get_server_output ||
	    strcmp(q.congestion, p.congestion) || strcmp(q.client_version, p.client_version) ||
	    !q.ours || q.verify != p.verify)
		abort();
	sink += q.time_s;
}

static void check_results(const struct bench_results *r)
{
	if (r->nstreams < 0 || r->nstreams > 2 * BENCH_MAX_STREAMS)
		abort();
	if (!isfinite(r->cpu_total) || !isfinite(r->cpu_user) || !isfinite(r->cpu_system))
		abort();
	if (r->sender_has_retransmits < -1 || r->sender_has_retransmits > 1)
		abort();
	if (r->peer_mptcp < -1 || r->peer_mptcp > 1)
		abort();
	check_str(r->congestion, sizeof(r->congestion));
	for (int i = 0; i < r->nstreams; i++) {
		const struct bench_stream_result *s = &r->streams[i];

		if (s->id < 1 || s->id > 4 * BENCH_MAX_STREAMS || s->bytes > UINT64_C(1) << 53 ||
		    s->retransmits < -1 || s->retransmits > 4000000000LL ||
		    !isfinite(s->start_time) || !isfinite(s->end_time))
			abort();
	}
	if (!r->has_verify && (r->verified_bytes || r->bad_bytes))
		abort();
	if (!r->ours && (r->has_verify || r->peer_mptcp != -1))
		abort();
}

static void results(const uint8_t *data, size_t size)
{
	struct bench_results *r = malloc(sizeof(*r)), *q = malloc(sizeof(*q));
	struct mc_err e = { 0 };
	char *buf = copy(data, size), *json = NULL;
	int ret;

	if (!r || !q || !buf)
		goto out;
	ret = bench_results_decode(buf, size, r, &e);
	if (ret) {
		check_err(ret, &e);
		goto out;
	}
	check_results(r);
	if (bench_results_encode(r, &json))
		goto out;
	memset(&e, 0, sizeof(e));
	ret = bench_results_decode(json, strlen(json), q, &e);
	if (ret)
		abort();
	if (!near(q->cpu_total, r->cpu_total) || !near(q->cpu_user, r->cpu_user) ||
	    !near(q->cpu_system, r->cpu_system) ||
	    q->sender_has_retransmits != r->sender_has_retransmits ||
	    strcmp(q->congestion, r->congestion) || q->nstreams != r->nstreams ||
	    q->has_verify != r->has_verify || !near_u64(q->verified_bytes, r->verified_bytes) ||
	    !near_u64(q->bad_bytes, r->bad_bytes) || q->peer_mptcp != r->peer_mptcp || !q->ours)
		abort();
	for (int i = 0; i < r->nstreams; i++) {
		const struct bench_stream_result *a = &r->streams[i], *b = &q->streams[i];

		if (a->id != b->id || !near_u64(a->bytes, b->bytes) ||
		    a->retransmits != b->retransmits || !near(a->start_time, b->start_time) ||
		    !near(a->end_time, b->end_time))
			abort();
	}
	sink += (uint64_t)q->nstreams;
out:
	free(json);
	free(buf);
	free(r);
	free(q);
}

static int depth(const cJSON *j)
{
	int d = 0;

	if (!cJSON_IsObject(j) && !cJSON_IsArray(j))
		return 0;
	for (const cJSON *c = j->child; c; c = c->next) {
		int k = depth(c);

		if (k > d)
			d = k;
	}
	return d + 1;
}

static void json_check(const uint8_t *data, size_t size)
{
	struct mc_err e = { 0 };
	char *buf = copy(data, size);
	cJSON *j;
	int ret;

	if (!buf)
		return;
	ret = bench_json_check(buf, size, &e);
	if (ret) {
		check_err(ret, &e);
		if ((ret == -EMSGSIZE) != (size == 0 || size > BENCH_JSON_MAX))
			abort();
	} else {
		if (memchr(buf, '\0', size))
			abort();
		j = cJSON_ParseWithLength(buf, size);
		if (j && depth(j) > BENCH_JSON_DEPTH)
			abort();
		cJSON_Delete(j);
	}
	free(buf);
}

static bool family_ok(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET || ss->ss_family == AF_INET6;
}

static void full_info(const uint8_t *data, size_t size)
{
	struct bench_conn_info *ci;
	struct mc_mptcp_full_info h;
	size_t hl, sl, tl;
	void *hb, *sb, *tb;
	uint32_t want;
	struct mc_err e = { 0 };
	int ret;

	if (size < 3)
		return;
	hl = data[0];
	sl = (size_t)data[1] | (size_t)data[2] << 8;
	data += 3;
	size -= 3;
	if (hl > size)
		hl = size;
	if (sl > size - hl)
		sl = size - hl;
	tl = size - hl - sl;
	ci = malloc(sizeof(*ci));
	hb = copy(data, hl);
	sb = copy(data + hl, sl);
	tb = copy(data + hl + sl, tl);
	if (!ci || !hb || !sb || !tb)
		goto out;
	ret = bench_full_info_decode(hb, hl, sb, sl, tb, tl, ci, &e);
	if (ret) {
		if (ret != -EBADMSG)
			abort();
		check_err(ret, &e);
		goto out;
	}
	memset(&h, 0, sizeof(h));
	memcpy(&h, hb, hl < sizeof(h) ? hl : sizeof(h));
	if (ci->protocol != IPPROTO_MPTCP || ci->source != MC_MPTCP_FULL_INFO || ci->nsf < 0 ||
	    ci->nsf > BENCH_MAX_SF || (uint32_t)ci->nsf > h.num_subflows ||
	    (uint32_t)ci->nsf > h.size_arrays_user || (size_t)ci->nsf * h.size_sfinfo_user > sl ||
	    (size_t)ci->nsf * h.size_tcpinfo_user > tl)
		abort();
	/* Every subflow the kernel filled in, up to our limit. */
	want = h.num_subflows < h.size_arrays_user ? h.num_subflows : h.size_arrays_user;
	if ((uint32_t)ci->nsf != (want < BENCH_MAX_SF ? want : BENCH_MAX_SF))
		abort();
	for (int i = 0; i < ci->nsf; i++) {
		const struct bench_sf *sf = &ci->sf[i];

		if (!family_ok(&sf->local) || sf->remote.ss_family != sf->local.ss_family)
			abort();
		sink += sf->id + sf->state + sf->bytes_sent + sf->bytes_acked + sf->bytes_received +
			sf->rtt_us + sf->snd_cwnd + sf->snd_mss + sf->total_retrans + sf->pmtu +
			sf->snd_wnd + sf->rttvar_us;
	}
	sink += ci->fallback + ci->mptcp_retransmits;
out:
	free(ci);
	free(hb);
	free(sb);
	free(tb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] & 3) {
	case 0:
		params(data + 1, size - 1);
		break;
	case 1:
		results(data + 1, size - 1);
		break;
	case 2:
		json_check(data + 1, size - 1);
		break;
	default:
		full_info(data + 1, size - 1);
		break;
	}
	return 0;
}
