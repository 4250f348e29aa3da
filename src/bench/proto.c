// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * iperf3's control protocol: the parameters and results objects, the cookie
 * and the length prefix. Pure (no I/O); everything read comes from a peer
 * and is checked: size, nesting, types, ranges.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "bench.h"

static const char cookie_chars[] = "abcdefghijklmnopqrstuvwxyz234567";

const char *bench_state_name(int state)
{
	switch (state) {
	case BS_TEST_START:
		return "TEST_START";
	case BS_TEST_RUNNING:
		return "TEST_RUNNING";
	case BS_TEST_END:
		return "TEST_END";
	case BS_PARAM_EXCHANGE:
		return "PARAM_EXCHANGE";
	case BS_CREATE_STREAMS:
		return "CREATE_STREAMS";
	case BS_SERVER_TERMINATE:
		return "SERVER_TERMINATE";
	case BS_CLIENT_TERMINATE:
		return "CLIENT_TERMINATE";
	case BS_EXCHANGE_RESULTS:
		return "EXCHANGE_RESULTS";
	case BS_DISPLAY_RESULTS:
		return "DISPLAY_RESULTS";
	case BS_IPERF_START:
		return "IPERF_START";
	case BS_IPERF_DONE:
		return "IPERF_DONE";
	case BS_ACCESS_DENIED:
		return "ACCESS_DENIED";
	case BS_SERVER_ERROR:
		return "SERVER_ERROR";
	}
	return NULL;
}

void bench_cookie_make(char cookie[BENCH_COOKIE_SIZE])
{
	unsigned char rnd[BENCH_COOKIE_SIZE];
	size_t got = 0;

	while (got < sizeof(rnd)) {
		ssize_t n = getrandom(rnd + got, sizeof(rnd) - got, 0);

		if (n <= 0) { /* no entropy source: still unique enough per run */
			for (; got < sizeof(rnd); got++)
				rnd[got] = (unsigned char)(rand() ^ (got * 131));
			break;
		}
		got += (size_t)n;
	}
	for (int i = 0; i < BENCH_COOKIE_SIZE - 1; i++)
		cookie[i] = cookie_chars[rnd[i] % 32];
	cookie[BENCH_COOKIE_SIZE - 1] = '\0';
}

bool bench_cookie_valid(const char cookie[BENCH_COOKIE_SIZE])
{
	for (int i = 0; i < BENCH_COOKIE_SIZE - 1; i++)
		if (!cookie[i] || !strchr(cookie_chars, cookie[i]))
			return false;
	return cookie[BENCH_COOKIE_SIZE - 1] == '\0';
}

int bench_frame_len(const uint8_t hdr[4], uint32_t *len, struct mc_err *e)
{
	uint32_t n = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 |
		     hdr[3];

	if (n == 0)
		return mc_err_set(e, -EBADMSG, "control message: empty JSON (length 0)");
	if (n > BENCH_JSON_MAX)
		return mc_err_set(e, -EMSGSIZE,
				  "control message: length %u over the limit of %u bytes", n,
				  BENCH_JSON_MAX);
	*len = n;
	return 0;
}

int bench_json_check(const char *buf, size_t len, struct mc_err *e)
{
	int depth = 0;
	bool in_str = false;

	if (len == 0 || len > BENCH_JSON_MAX)
		return mc_err_set(e, -EMSGSIZE, "control message: JSON of %zu bytes", len);
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (c == '\0')
			return mc_err_set(e, -EBADMSG, "control message: NUL byte at %zu", i);
		if (in_str) {
			if (c == '\\') {
				i++;
				if (i < len && buf[i] == '\0')
					return mc_err_set(e, -EBADMSG,
							  "control message: NUL byte at %zu", i);
			} else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"') {
			in_str = true;
		} else if (c == '{' || c == '[') {
			if (++depth > BENCH_JSON_DEPTH)
				return mc_err_set(e, -EBADMSG,
						  "control message: JSON nested deeper than %d",
						  BENCH_JSON_DEPTH);
		} else if (c == '}' || c == ']') {
			if (--depth < 0)
				return mc_err_set(e, -EBADMSG,
						  "control message: unbalanced '%c' at %zu", c, i);
		}
	}
	if (in_str || depth != 0)
		return mc_err_set(e, -EBADMSG, "control message: truncated JSON");
	return 0;
}

static cJSON *parse_obj(const char *buf, size_t len, const char *what, struct mc_err *e)
{
	cJSON *j;

	if (bench_json_check(buf, len, e))
		return NULL;
	j = cJSON_ParseWithLength(buf, len);
	if (!j) {
		mc_err_set(e, -EBADMSG, "%s: not valid JSON", what);
		return NULL;
	}
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		mc_err_set(e, -EBADMSG, "%s: JSON is not an object", what);
		return NULL;
	}
	return j;
}

/* An optional non-negative integer member no larger than max. */
static int get_uint(const cJSON *o, const char *key, uint64_t max, uint64_t *out, bool *present,
		    const char *what, struct mc_err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	double d;

	if (present)
		*present = v != NULL;
	if (!v)
		return 0;
	if (cJSON_IsBool(v)) { /* iperf3 sends flags as true or as 1 */
		*out = cJSON_IsTrue(v);
		return 0;
	}
	if (!cJSON_IsNumber(v))
		return mc_err_set(e, -EBADMSG, "%s: \"%s\" is not a number", what, key);
	d = v->valuedouble;
	if (!isfinite(d) || d < 0 || d != floor(d) || d > (double)max)
		return mc_err_set(e, -EBADMSG, "%s: \"%s\" = %g is out of range (0..%llu)", what,
				  key, d, (unsigned long long)max);
	*out = (uint64_t)d;
	return 0;
}

static int get_str(const cJSON *o, const char *key, char *buf, size_t len, const char *what,
		   struct mc_err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v)
		return 0;
	if (!cJSON_IsString(v) || !v->valuestring)
		return mc_err_set(e, -EBADMSG, "%s: \"%s\" is not a string", what, key);
	if (strlen(v->valuestring) >= len)
		return mc_err_set(e, -EBADMSG, "%s: \"%s\" is longer than %zu bytes", what, key,
				  len - 1);
	for (const char *c = v->valuestring; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return mc_err_set(e, -EBADMSG, "%s: \"%s\" holds a control character", what,
					  key);
	strcpy(buf, v->valuestring);
	return 0;
}

void bench_params_default(struct bench_params *p)
{
	memset(p, 0, sizeof(*p));
	p->time_s = 10;
	p->parallel = 1;
	p->len = 128 * 1024;
	snprintf(p->client_version, sizeof(p->client_version), "mptcpctl %s", MPTCPCTL_VERSION);
}

int bench_params_encode(const struct bench_params *p, char **json)
{
	cJSON *j = cJSON_CreateObject(), *m;
	bool ok = j != NULL;

	ok = ok && cJSON_AddTrueToObject(j, "tcp");
	ok = ok && cJSON_AddNumberToObject(j, "omit", p->omit);
	ok = ok && cJSON_AddNumberToObject(j, "time", p->time_s);
	ok = ok && cJSON_AddNumberToObject(j, "num", (double)p->bytes);
	ok = ok && cJSON_AddNumberToObject(j, "blockcount", (double)p->blocks);
	if (ok && p->mss)
		ok = cJSON_AddNumberToObject(j, "MSS", p->mss);
	if (ok && p->nodelay)
		ok = cJSON_AddTrueToObject(j, "nodelay");
	ok = ok && cJSON_AddNumberToObject(j, "parallel", p->parallel);
	if (ok && p->reverse)
		ok = cJSON_AddTrueToObject(j, "reverse");
	if (ok && p->bidir)
		ok = cJSON_AddTrueToObject(j, "bidirectional");
	if (ok && p->window)
		ok = cJSON_AddNumberToObject(j, "window", p->window);
	ok = ok && cJSON_AddNumberToObject(j, "len", p->len);
	if (ok && p->bandwidth)
		ok = cJSON_AddNumberToObject(j, "bandwidth", (double)p->bandwidth);
	ok = ok && cJSON_AddNumberToObject(j, "pacing_timer", 1000);
	if (ok && p->congestion[0])
		ok = cJSON_AddStringToObject(j, "congestion", p->congestion);
	if (ok && p->get_server_output)
		ok = cJSON_AddNumberToObject(j, "get_server_output", 1);
	if (ok && p->zerocopy)
		ok = cJSON_AddNumberToObject(j, "zerocopy", p->zerocopy);
	ok = ok && cJSON_AddStringToObject(j, "client_version", p->client_version);
	if (ok) {
		m = cJSON_AddObjectToObject(j, "mptcpctl");
		ok = m && cJSON_AddStringToObject(m, "version", MPTCPCTL_VERSION) &&
		     cJSON_AddBoolToObject(m, "verify", p->verify);
	}
	*json = ok ? cJSON_PrintUnformatted(j) : NULL;
	cJSON_Delete(j);
	return *json ? 0 : -ENOMEM;
}

int bench_params_decode(const char *buf, size_t len, struct bench_params *p, struct mc_err *e)
{
	static const char what[] = "test parameters";
	cJSON *j = parse_obj(buf, len, what, e);
	const cJSON *m;
	uint64_t v;
	bool has;
	int ret = 0;

	if (!j)
		return e && e->code ? e->code : -EBADMSG;
	memset(p, 0, sizeof(*p));
	p->parallel = 1;
	p->len = 128 * 1024;
	if (cJSON_GetObjectItemCaseSensitive(j, "udp") ||
	    cJSON_GetObjectItemCaseSensitive(j, "sctp")) {
		ret = mc_err_set(e, -EPROTONOSUPPORT,
				 "%s: only TCP/MPTCP tests are served (the client asked for %s)",
				 what, cJSON_GetObjectItemCaseSensitive(j, "udp") ? "UDP" : "SCTP");
		goto out;
	}
#define U(key, max, field)                                      \
	do {                                                    \
		ret = get_uint(j, key, max, &v, &has, what, e); \
		if (ret)                                        \
			goto out;                               \
		if (has)                                        \
			p->field = (__typeof__(p->field))v;     \
	} while (0)
	U("time", BENCH_MAX_TIME, time_s);
	U("num", UINT64_C(1) << 52, bytes);
	U("blockcount", UINT64_C(1) << 52, blocks);
	U("parallel", BENCH_MAX_STREAMS, parallel);
	U("reverse", 1, reverse);
	U("bidirectional", 1, bidir);
	U("window", 512U << 20, window);
	U("len", BENCH_MAX_LEN, len);
	U("omit", 600, omit);
	U("MSS", 9 * 1024, mss);
	U("nodelay", 1, nodelay);
	U("bandwidth", UINT64_C(1) << 52, bandwidth);
	U("zerocopy", 1, zerocopy);
	U("get_server_output", 1, get_server_output);
#undef U
	ret = get_str(j, "congestion", p->congestion, sizeof(p->congestion), what, e);
	if (!ret)
		ret = get_str(j, "client_version", p->client_version, sizeof(p->client_version),
			      what, e);
	if (ret)
		goto out;
	if (p->parallel == 0) {
		ret = mc_err_set(e, -EBADMSG, "%s: \"parallel\" is 0", what);
		goto out;
	}
	if (p->len == 0) {
		ret = mc_err_set(e, -EBADMSG, "%s: \"len\" is 0", what);
		goto out;
	}
	if (p->time_s == 0 && p->bytes == 0 && p->blocks == 0) {
		ret = mc_err_set(e, -EBADMSG, "%s: no end (time, num and blockcount are all 0)",
				 what);
		goto out;
	}
	m = cJSON_GetObjectItemCaseSensitive(j, "mptcpctl");
	if (m) {
		const cJSON *vf;

		if (!cJSON_IsObject(m)) {
			ret = mc_err_set(e, -EBADMSG, "%s: \"mptcpctl\" is not an object", what);
			goto out;
		}
		p->ours = true;
		vf = cJSON_GetObjectItemCaseSensitive(m, "verify");
		if (vf && !cJSON_IsBool(vf)) {
			ret = mc_err_set(e, -EBADMSG, "%s: \"mptcpctl.verify\" is not a boolean",
					 what);
			goto out;
		}
		p->verify = vf && cJSON_IsTrue(vf);
	}
out:
	cJSON_Delete(j);
	return ret;
}

int bench_results_encode(const struct bench_results *r, char **json)
{
	cJSON *j = cJSON_CreateObject(), *arr, *s, *m;
	bool ok = j != NULL;

	ok = ok && cJSON_AddNumberToObject(j, "cpu_util_total", r->cpu_total);
	ok = ok && cJSON_AddNumberToObject(j, "cpu_util_user", r->cpu_user);
	ok = ok && cJSON_AddNumberToObject(j, "cpu_util_system", r->cpu_system);
	ok = ok && cJSON_AddNumberToObject(j, "sender_has_retransmits", r->sender_has_retransmits);
	if (ok && r->congestion[0])
		ok = cJSON_AddStringToObject(j, "congestion_used", r->congestion);
	arr = ok ? cJSON_AddArrayToObject(j, "streams") : NULL;
	ok = arr != NULL;
	for (int i = 0; ok && i < r->nstreams; i++) {
		const struct bench_stream_result *sr = &r->streams[i];

		s = cJSON_CreateObject();
		ok = s && cJSON_AddItemToArray(arr, s);
		ok = ok && cJSON_AddNumberToObject(s, "id", sr->id);
		ok = ok && cJSON_AddNumberToObject(s, "bytes", (double)sr->bytes);
		ok = ok && cJSON_AddNumberToObject(s, "retransmits", (double)sr->retransmits);
		ok = ok && cJSON_AddNumberToObject(s, "jitter", 0);
		ok = ok && cJSON_AddNumberToObject(s, "errors", 0);
		ok = ok && cJSON_AddNumberToObject(s, "packets", 0);
		ok = ok && cJSON_AddNumberToObject(s, "start_time", sr->start_time);
		ok = ok && cJSON_AddNumberToObject(s, "end_time", sr->end_time);
	}
	if (ok) {
		m = cJSON_AddObjectToObject(j, "mptcpctl");
		ok = m && cJSON_AddStringToObject(m, "version", MPTCPCTL_VERSION);
		if (ok && r->peer_mptcp >= 0)
			ok = cJSON_AddBoolToObject(m, "mptcp", r->peer_mptcp > 0);
		if (ok && r->rx_lowat >= 0)
			ok = cJSON_AddNumberToObject(m, "receive_lowat", (double)r->rx_lowat);
		if (ok && r->has_verify) {
			ok = cJSON_AddNumberToObject(m, "verified_bytes",
						     (double)r->verified_bytes) &&
			     cJSON_AddNumberToObject(m, "bad_bytes", (double)r->bad_bytes);
		}
	}
	*json = ok ? cJSON_PrintUnformatted(j) : NULL;
	cJSON_Delete(j);
	return *json ? 0 : -ENOMEM;
}

static int get_double(const cJSON *o, const char *key, bool required, double *out, const char *what,
		      struct mc_err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v) {
		if (required)
			return mc_err_set(e, -EBADMSG, "%s: \"%s\" is missing", what, key);
		return 0;
	}
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return mc_err_set(e, -EBADMSG, "%s: \"%s\" is not a number", what, key);
	*out = v->valuedouble;
	return 0;
}

int bench_results_decode(const char *buf, size_t len, struct bench_results *r, struct mc_err *e)
{
	static const char what[] = "test results";
	cJSON *j = parse_obj(buf, len, what, e);
	const cJSON *arr, *s, *m;
	double d = 0;
	int ret;

	if (!j)
		return e && e->code ? e->code : -EBADMSG;
	memset(r, 0, sizeof(*r));
	r->peer_mptcp = -1;
	r->rx_lowat = -1;
	ret = get_double(j, "cpu_util_total", true, &r->cpu_total, what, e);
	if (!ret)
		ret = get_double(j, "cpu_util_user", true, &r->cpu_user, what, e);
	if (!ret)
		ret = get_double(j, "cpu_util_system", true, &r->cpu_system, what, e);
	if (!ret)
		ret = get_double(j, "sender_has_retransmits", true, &d, what, e);
	if (ret)
		goto out;
	/* iperf3 writes its -1 as an unsigned 64-bit number: anything but 0 and 1 is "no". */
	r->sender_has_retransmits = d == 1 ? 1 : d == 0 ? 0 : -1;
	ret = get_str(j, "congestion_used", r->congestion, sizeof(r->congestion), what, e);
	if (ret)
		goto out;
	arr = cJSON_GetObjectItemCaseSensitive(j, "streams");
	if (!cJSON_IsArray(arr)) {
		ret = mc_err_set(e, -EBADMSG, "%s: \"streams\" is missing or not an array", what);
		goto out;
	}
	cJSON_ArrayForEach(s, arr)
	{
		struct bench_stream_result *sr;
		double id = 0, bytes = 0, re = -1;

		if (r->nstreams >= 2 * BENCH_MAX_STREAMS) {
			ret = mc_err_set(e, -EBADMSG, "%s: more than %d streams", what,
					 2 * BENCH_MAX_STREAMS);
			goto out;
		}
		sr = &r->streams[r->nstreams];
		if (!cJSON_IsObject(s)) {
			ret = mc_err_set(e, -EBADMSG, "%s: a stream is not an object", what);
			goto out;
		}
		ret = get_double(s, "id", true, &id, what, e);
		if (!ret)
			ret = get_double(s, "bytes", true, &bytes, what, e);
		if (!ret)
			ret = get_double(s, "retransmits", true, &re, what, e);
		if (!ret)
			ret = get_double(s, "start_time", false, &sr->start_time, what, e);
		if (!ret)
			ret = get_double(s, "end_time", false, &sr->end_time, what, e);
		if (ret)
			goto out;
		if (re < 0 || re > 4e9) /* -1, or iperf3's -1 as an unsigned 64-bit number */
			re = -1;
		if (id < 1 || id > 4 * BENCH_MAX_STREAMS || id != floor(id) || bytes < 0 ||
		    bytes > 9.007199254740992e15) {
			ret = mc_err_set(e, -EBADMSG,
					 "%s: stream %g: id, bytes or retransmits out of range",
					 what, id);
			goto out;
		}
		sr->id = (int)id;
		sr->bytes = (uint64_t)bytes;
		sr->retransmits = (int64_t)re;
		r->nstreams++;
	}
	m = cJSON_GetObjectItemCaseSensitive(j, "mptcpctl");
	if (cJSON_IsObject(m)) {
		const cJSON *mp = cJSON_GetObjectItemCaseSensitive(m, "mptcp");
		double vb = -1, bb = -1, lw = -1;

		r->ours = true;
		if (cJSON_IsBool(mp))
			r->peer_mptcp = cJSON_IsTrue(mp);
		ret = get_double(m, "receive_lowat", false, &lw, what, e);
		if (ret)
			goto out;
		if (lw >= 0 && lw <= INT32_MAX)
			r->rx_lowat = (int64_t)lw;
		ret = get_double(m, "verified_bytes", false, &vb, what, e);
		if (!ret)
			ret = get_double(m, "bad_bytes", false, &bb, what, e);
		if (ret)
			goto out;
		if (vb >= 0 && bb >= 0 && vb <= 9.007199254740992e15 &&
		    bb <= 9.007199254740992e15) {
			r->has_verify = true;
			r->verified_bytes = (uint64_t)vb;
			r->bad_bytes = (uint64_t)bb;
		}
	}
out:
	cJSON_Delete(j);
	return ret;
}
