// SPDX-License-Identifier: GPL-2.0-or-later
#include "counters.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *find_line(const char *text, size_t len, const char *prefix, size_t from,
			     size_t *line_len)
{
	size_t plen = strlen(prefix);

	for (size_t pos = from; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (text + pos)) : len - pos;

		if (l >= plen && !memcmp(text + pos, prefix, plen)) {
			*line_len = l;
			return text + pos;
		}
		pos += l + 1;
	}
	return NULL;
}

int counters_parse(const char *text, size_t len, struct mc_counters *out)
{
	const char *hdr, *val, *hp, *vp, *hend, *vend;
	size_t hl, vl;

	memset(out, 0, sizeof(*out));
	hdr = find_line(text, len, "MPTcpExt:", 0, &hl);
	if (!hdr)
		return -ENOENT;
	val = find_line(text, len, "MPTcpExt:", (size_t)(hdr - text) + hl + 1, &vl);
	if (!val)
		return -EBADMSG;
	hp = hdr + 9, hend = hdr + hl;
	vp = val + 9, vend = val + vl;
	for (;;) {
		const char *hs, *vs;
		size_t n;
		uint64_t v = 0;

		while (hp < hend && *hp == ' ')
			hp++;
		while (vp < vend && *vp == ' ')
			vp++;
		if (hp == hend || vp == vend)
			return hp == hend && vp == vend ? 0 : -EBADMSG;
		hs = hp;
		while (hp < hend && *hp != ' ')
			hp++;
		vs = vp;
		while (vp < vend && *vp >= '0' && *vp <= '9') {
			uint64_t d = (uint64_t)(*vp - '0');

			if (v > (UINT64_MAX - d) / 10)
				return -EBADMSG;
			v = v * 10 + d;
			vp++;
		}
		if (vp == vs || (vp < vend && *vp != ' '))
			return -EBADMSG;
		n = (size_t)(hp - hs);
		if (out->n == MC_COUNTERS_MAX || n >= sizeof(out->c[0].name))
			return -E2BIG;
		memcpy(out->c[out->n].name, hs, n);
		out->c[out->n].name[n] = '\0';
		out->c[out->n].value = v;
		out->n++;
	}
}

int counters_read(struct mc_counters *out, struct mc_err *e)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap);
	int fd, ret;

	if (!buf)
		return mc_err_set(e, -ENOMEM, "reading /proc/net/netstat");
	fd = open("/proc/net/netstat", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = mc_err_set(e, -errno, "opening /proc/net/netstat");
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, buf + len, cap - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == cap)
			break;
	}
	close(fd);
	ret = counters_parse(buf, len, out);
	if (ret == -ENOENT)
		mc_err_set(e, ret, "/proc/net/netstat has no MPTcpExt counters: no MPTCP here");
	else if (ret)
		mc_err_set(e, ret, "parsing /proc/net/netstat");
out:
	free(buf);
	return ret;
}

uint64_t counters_get(const struct mc_counters *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->c[i].name, name))
			return c->c[i].value;
	return 0;
}

static const struct {
	const char *name, *meaning;
} meanings[] = {
	{ "MPCapableSYNRX", "MP_CAPABLE SYNs received (MPTCP connections asked of this host)" },
	{ "MPCapableSYNTX", "MP_CAPABLE SYNs sent (MPTCP connections this host started)" },
	{ "MPCapableSYNACKRX", "MP_CAPABLE SYN-ACKs received: the peer speaks MPTCP" },
	{ "MPCapableACKRX", "MP_CAPABLE third ACKs received" },
	{ "MPCapableFallbackACK", "fallback to TCP: the peer's third ACK had no MP_CAPABLE" },
	{ "MPCapableFallbackSYNACK",
	  "fallback to TCP: the SYN-ACK had no MP_CAPABLE (the peer has no MPTCP, or a middlebox "
	  "stripped it)" },
	{ "MPCapableSYNTXDrop", "MP_CAPABLE SYNs dropped (blackhole detection at work)" },
	{ "MPCapableSYNTXDisabled",
	  "SYNs sent without MP_CAPABLE: MPTCP was disabled after a blackhole was detected" },
	{ "MPFallbackTokenInit", "fallback to TCP: no token could be allocated" },
	{ "MPTCPRetrans",
	  "data retransmitted at the MPTCP level (re-injected on another subflow)" },
	{ "MPJoinNoTokenFound", "MP_JOIN refused: unknown token" },
	{ "MPJoinSynRx", "MP_JOIN SYNs received (the peer opens extra subflows)" },
	{ "MPJoinSynAckRx", "MP_JOIN SYN-ACKs received (our extra subflows accepted)" },
	{ "MPJoinSynAckHMacFailure", "MP_JOIN refused: bad HMAC in the SYN-ACK" },
	{ "MPJoinAckHMacFailure", "MP_JOIN refused: bad HMAC in the third ACK" },
	{ "MPJoinRejected", "MP_JOIN rejected by the path manager (limits reached?)" },
	{ "MPJoinSynTx", "MP_JOIN SYNs sent (extra subflows we opened)" },
	{ "MPJoinSynTxCreatSkErr", "MP_JOIN not sent: subflow socket creation failed" },
	{ "MPJoinSynTxBindErr", "MP_JOIN not sent: binding the local address failed" },
	{ "MPJoinSynTxConnectErr",
	  "MP_JOIN not sent: connect failed (no route from that address?)" },
	{ "DSSNotMatching",
	  "data mappings that did not match: a middlebox may be changing the stream" },
	{ "InfiniteMapTx",
	  "infinite mappings sent: a connection fell back to TCP after the handshake" },
	{ "InfiniteMapRx", "infinite mappings received: the peer fell back to TCP mid-connection" },
	{ "DSSCorruptionFallback", "fallback to TCP after data corruption was detected" },
	{ "DSSCorruptionReset", "subflows reset after data corruption was detected" },
	{ "AddAddr", "ADD_ADDR announcements received" },
	{ "AddAddrTx", "ADD_ADDR announcements sent" },
	{ "AddAddrDrop", "ADD_ADDR announcements dropped (add_addr_accepted limit?)" },
	{ "AddAddrTxDrop", "ADD_ADDR announcements that could not be sent" },
	{ "RmAddr", "REMOVE_ADDR received: the peer withdrew an address" },
	{ "RmAddrTx", "REMOVE_ADDR sent" },
	{ "RmSubflow", "subflows removed after a REMOVE_ADDR" },
	{ "MPPrioTx", "MP_PRIO sent (a subflow's backup flag changed)" },
	{ "MPPrioRx", "MP_PRIO received" },
	{ "MPFailTx", "MP_FAIL sent (checksum failure)" },
	{ "MPFailRx", "MP_FAIL received" },
	{ "MPFastcloseTx", "MP_FASTCLOSE sent" },
	{ "MPFastcloseRx", "MP_FASTCLOSE received" },
	{ "MPRstTx", "MP_RST sent" },
	{ "MPRstRx", "MP_RST received" },
	{ "Blackhole", "an MPTCP blackhole was detected: MP_CAPABLE SYNs were being dropped" },
	{ "DuplicateData", "data received twice (re-injection after a subflow stalled)" },
	{ "SubflowStale", "subflows marked stale (no progress; traffic moves to the others)" },
	{ "SubflowRecover", "stale subflows that recovered" },
	{ "MPCurrEstab", "MPTCP connections currently established (a gauge, not a counter)" },
	{ "RcvPruned", "data dropped at the MPTCP level for lack of receive memory" },
};

const char *counter_meaning(const char *name)
{
	for (size_t i = 0; i < sizeof(meanings) / sizeof(meanings[0]); i++)
		if (!strcmp(meanings[i].name, name))
			return meanings[i].meaning;
	return NULL;
}
