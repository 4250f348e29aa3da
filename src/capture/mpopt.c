// SPDX-License-Identifier: GPL-2.0-or-later
/* The MPTCP option (TCP option kind 30), RFC 8684 §3 and RFC 6824 §3. */
#include <errno.h>
#include <string.h>

#include "mpopt.h"

static uint64_t get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* MP_CAPABLE: 4 (v1 SYN), 12 (one key), 20 (both), 22/24 (+ data length, + checksum). */
static int dec_capable(const uint8_t *o, size_t len, struct mpopt *m)
{
	m->u.cap.version = o[2] & 0x0f;
	m->u.cap.flags = o[3];
	switch (len) {
	case 4:
		return 0;
	case 12:
		m->u.cap.nkeys = 1;
		m->u.cap.key_snd = get_be(o + 4, 8);
		return 0;
	case 20:
	case 22:
	case 24:
		m->u.cap.nkeys = 2;
		m->u.cap.key_snd = get_be(o + 4, 8);
		m->u.cap.key_rcv = get_be(o + 12, 8);
		if (len >= 22) {
			m->u.cap.has_dlen = true;
			m->u.cap.dlen = (uint16_t)get_be(o + 20, 2);
		}
		return 0;
	}
	return -EBADMSG;
}

static int dec_join(const uint8_t *o, size_t len, struct mpopt *m)
{
	switch (len) {
	case 12:
		m->u.join.phase = MPJOIN_SYN;
		m->u.join.token = (uint32_t)get_be(o + 4, 4);
		m->u.join.nonce = (uint32_t)get_be(o + 8, 4);
		break;
	case 16:
		m->u.join.phase = MPJOIN_SYNACK;
		m->u.join.nonce = (uint32_t)get_be(o + 12, 4);
		break;
	case 24:
		m->u.join.phase = MPJOIN_ACK;
		return 0;
	default:
		return -EBADMSG;
	}
	m->u.join.backup = o[2] & 0x01;
	m->u.join.addr_id = o[3];
	return 0;
}

static int dec_dss(const uint8_t *o, size_t len, struct mpopt *m)
{
	uint8_t f = o[3];
	size_t want = 4, off = 4;

	m->u.dss.has_ack = f & 0x01;
	m->u.dss.ack64 = f & 0x02;
	m->u.dss.has_map = f & 0x04;
	m->u.dss.dsn64 = f & 0x08;
	m->u.dss.fin = f & 0x10;
	if (m->u.dss.has_ack)
		want += m->u.dss.ack64 ? 8 : 4;
	if (m->u.dss.has_map)
		want += (m->u.dss.dsn64 ? 8 : 4) + 4 + 2;
	if (m->u.dss.has_map && len == want + 2)
		m->u.dss.has_csum = true;
	else if (len != want)
		return -EBADMSG;
	if (m->u.dss.has_ack) {
		int n = m->u.dss.ack64 ? 8 : 4;

		m->u.dss.data_ack = get_be(o + off, n);
		off += (size_t)n;
	}
	if (m->u.dss.has_map) {
		int n = m->u.dss.dsn64 ? 8 : 4;

		m->u.dss.dsn = get_be(o + off, n);
		off += (size_t)n;
		m->u.dss.ssn = (uint32_t)get_be(o + off, 4);
		m->u.dss.dlen = (uint16_t)get_be(o + off + 4, 2);
	}
	return 0;
}

/*
 * ADD_ADDR: the length alone says which parts are there (v1: E flag, address,
 * port, HMAC; v0: an IP version nibble, address, port), and the two
 * versions' layouts agree on where the address and port are.
 */
static int dec_add_addr(const uint8_t *o, size_t len, struct mpopt *m)
{
	static const struct {
		uint8_t len, family;
		bool port, hmac;
	} shapes[] = {
		{ 8, 4, false, false }, { 10, 4, true, false },	 { 16, 4, false, true },
		{ 18, 4, true, true },	{ 20, 6, false, false }, { 22, 6, true, false },
		{ 28, 6, false, true }, { 30, 6, true, true },
	};
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		size_t alen;

		if (shapes[i].len != len)
			continue;
		alen = shapes[i].family == 4 ? 4 : 16;
		m->u.add.family = shapes[i].family;
		m->u.add.has_port = shapes[i].port;
		m->u.add.has_hmac = shapes[i].hmac;
		/* v1: E is the low bit; v0 puts 4 or 6 there (never an echo). */
		m->u.add.echo = (o[2] & 0x0f) == 1;
		m->u.add.id = o[3];
		memcpy(m->u.add.addr, o + 4, alen);
		if (shapes[i].port)
			m->u.add.port = (uint16_t)get_be(o + 4 + alen, 2);
		return 0;
	}
	return -EBADMSG;
}

int mpopt_decode(const uint8_t *o, size_t len, struct mpopt *m)
{
	memset(m, 0, sizeof(*m));
	if (len < 3)
		return -EBADMSG;
	m->len = (uint8_t)len;
	m->subtype = o[2] >> 4;
	/* Every subtype but REMOVE_ADDR with one id and MP_PRIO v1 has 4 bytes or more. */
	if (len < 4 && m->subtype != MPOPT_PRIO)
		return -EBADMSG;
	switch (m->subtype) {
	case MPOPT_CAPABLE:
		return dec_capable(o, len, m);
	case MPOPT_JOIN:
		return dec_join(o, len, m);
	case MPOPT_DSS:
		return dec_dss(o, len, m);
	case MPOPT_ADD_ADDR:
		return dec_add_addr(o, len, m);
	case MPOPT_REMOVE_ADDR:
		m->u.rm.n = (uint8_t)(len - 3);
		if (m->u.rm.n > MPOPT_RM_MAX)
			return -EBADMSG;
		memcpy(m->u.rm.ids, o + 3, m->u.rm.n);
		return 0;
	case MPOPT_PRIO:
		if (len > 4)
			return -EBADMSG;
		m->u.prio.backup = o[2] & 0x01;
		m->u.prio.has_id = len == 4; /* v0 names the address */
		m->u.prio.id = len == 4 ? o[3] : 0;
		return 0;
	case MPOPT_FAIL:
		if (len != 12)
			return -EBADMSG;
		m->u.fail.dsn = get_be(o + 4, 8);
		return 0;
	case MPOPT_FASTCLOSE:
		if (len != 12)
			return -EBADMSG;
		m->u.fclose.key = get_be(o + 4, 8);
		return 0;
	case MPOPT_TCPRST:
		if (len != 4)
			return -EBADMSG;
		m->u.rst.flags = o[2] & 0x0f;
		m->u.rst.transient = o[2] & 0x01;
		m->u.rst.reason = o[3];
		return 0;
	}
	return -EPROTONOSUPPORT;
}

const char *mpopt_subtype_name(uint8_t subtype)
{
	static const char *const names[] = {
		"MP_CAPABLE", "MP_JOIN", "DSS",		 "ADD_ADDR",  "REMOVE_ADDR",
		"MP_PRIO",    "MP_FAIL", "MP_FASTCLOSE", "MP_TCPRST",
	};
	if (subtype < sizeof(names) / sizeof(names[0]))
		return names[subtype];
	return subtype == MPOPT_EXPERIMENTAL ? "MP_EXPERIMENTAL" : "MP_UNKNOWN";
}

const char *mpopt_rst_reason_name(uint8_t reason)
{
	static const char *const names[] = {
		"unspecified error",	     "MPTCP-specific error",
		"lack of resources",	     "administratively prohibited",
		"too much outstanding data", "unacceptable performance",
		"middlebox interference",
	};
	if (reason < sizeof(names) / sizeof(names[0]))
		return names[reason];
	return "unknown reason";
}
