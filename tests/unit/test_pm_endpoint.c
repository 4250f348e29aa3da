// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * src/pm/endpoint.c against what iproute2 sends and what the kernel answers:
 * pm_endpoint_build / pm_limits_build compared with the requests of
 * `ip mptcp endpoint add|delete` and `ip mptcp limits set`, and
 * pm_endpoint_parse / pm_limits_parse on the kernel's real GET_ADDR dump and
 * GET_LIMITS reply, then on malformed variants of them.
 *
 * The capture session: kernel 6.18.44 x86_64, iproute2 6.1.0, strace 6.1. In
 * a scratch network namespace created for it (`ip netns add mcpe$$`, deleted
 * by an EXIT trap; the root namespace was never touched), with
 *
 *   ip -n NS link add name a type veth peer name b   (ifindex: lo 1, b 2, a 3)
 *   ip -n NS link set dev a up; ip -n NS link set dev b up
 *   ip -n NS addr add 10.0.0.1/24 dev a
 *   ip -n NS addr add fd00::1/64 dev a nodad
 *
 * each COMMAND below ran, in this order, as
 *
 *   ip netns exec NS strace -f -e trace=sendmsg,recvmsg,sendto,recvfrom \
 *       -e write=all -e read=all -xx -s 4096 COMMAND
 *
 *    1 genl ctrl get name mptcp_pm          (the family: id 0x1c, version 1)
 *    2 ip mptcp endpoint add 10.0.0.1 id 3 dev a signal backup
 *    3 ip mptcp endpoint add fd00::1 id 4 dev a subflow fullmesh
 *    4 ip mptcp endpoint show
 *    5 ip mptcp limits set subflow 2 add_addr_accepted 2
 *    6 ip mptcp limits set subflow 5 add_addr_accepted 3
 *    7 ip mptcp limits show
 *    8 ip mptcp endpoint delete id 3
 *    9 ip mptcp endpoint delete id 4
 *   10 ip mptcp endpoint show               (empty: only NLMSG_DONE)
 *
 * and a golden array is, byte for byte, the hex dump strace printed for one
 * sendmsg()/sendto()/recvmsg() of one COMMAND ("N bytes in buffer 0").
 * (iproute2 6.1 refuses `delete id 3 10.0.0.1`: "invalid for non-zero id
 * address", so a delete by id carries the id alone.)
 *
 * Normalisation common to all comparisons:
 * - the sequence number and port id are zeroed in the golden copy (the
 *   builders leave both 0; nl_talk()/nl_dump() number requests as they send
 *   them, and the kernel fills the port in its replies);
 * - the generic netlink family id is dynamic (0x1c on the capture host): the
 *   tests use FAM, another id, and patch it into the golden copy's
 *   nlmsg_type at run time, so no test depends on the capture host's id;
 * - NLM_F_ACK is added to our requests where nl_talk() adds it (it always
 *   asks for an ACK, so an error is never silent). iproute2 asks for it on
 *   the changes too, but not on `limits show`: see test_getlimits_request.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pm/pm.h"

#define FAM 0x2a /* our stand-in for the dynamic family id */
#define CAPTURED_FAM 0x1c

// clang-format off
/* step 2: ip mptcp endpoint add 10.0.0.1 id 3 dev a signal backup (its sendmsg of 64 bytes) */
static const uint8_t golden_add4[64] __attribute__((aligned(4))) = {
	0x40, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x05, 0x00, 0x0c, 0x44, 0x05, 0x6b,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x2c, 0x00, 0x01, 0x80,
	0x05, 0x00, 0x02, 0x00, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00, 0x06, 0x00,
	0x05, 0x00, 0x00, 0x00, 0x08, 0x00, 0x07, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x06, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x08, 0x00, 0x03, 0x00,
	0x0a, 0x00, 0x00, 0x01,
};

/* step 3: ip mptcp endpoint add fd00::1 id 4 dev a subflow fullmesh (its sendmsg of 76 bytes) */
static const uint8_t golden_add6[76] __attribute__((aligned(4))) = {
	0x4c, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x05, 0x00, 0x0c, 0x44, 0x05, 0x6b,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x38, 0x00, 0x01, 0x80,
	0x05, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x08, 0x00, 0x06, 0x00,
	0x0a, 0x00, 0x00, 0x00, 0x08, 0x00, 0x07, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x06, 0x00, 0x01, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x14, 0x00, 0x04, 0x00,
	0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01,
};

/* step 4: ip mptcp endpoint show (its sendto of 20 bytes) */
static const uint8_t golden_dump_req[20] __attribute__((aligned(4))) = {
	0x14, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x03, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x03, 0x01, 0x00, 0x00,
};

/* step 4: ip mptcp endpoint show (its recvmsg of 156 bytes) */
static const uint8_t golden_dump[156] __attribute__((aligned(4))) = {
	0x48, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xad, 0x47, 0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0x34, 0x00, 0x01, 0x80,
	0x06, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x06, 0x00, 0x05, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x02, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x06, 0x00, 0x05, 0x00, 0x00, 0x00, 0x08, 0x00, 0x07, 0x00,
	0x03, 0x00, 0x00, 0x00, 0x08, 0x00, 0x03, 0x00, 0x0a, 0x00, 0x00, 0x01,
	0x54, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xad, 0x47, 0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0x40, 0x00, 0x01, 0x80,
	0x06, 0x00, 0x01, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x06, 0x00, 0x05, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x06, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x08, 0x00, 0x07, 0x00,
	0x03, 0x00, 0x00, 0x00, 0x14, 0x00, 0x04, 0x00, 0xfd, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
};

/* step 5: ip mptcp limits set subflow 2 add_addr_accepted 2 (its sendmsg of 36 bytes) */
static const uint8_t golden_limits22[36] __attribute__((aligned(4))) = {
	0x24, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x05, 0x00, 0x0d, 0x44, 0x05, 0x6b,
	0x00, 0x00, 0x00, 0x00, 0x05, 0x01, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x08, 0x00, 0x03, 0x00, 0x02, 0x00, 0x00, 0x00,
};

/* step 6: ip mptcp limits set subflow 5 add_addr_accepted 3 (its sendmsg of 36 bytes) */
static const uint8_t golden_limits53[36] __attribute__((aligned(4))) = {
	0x24, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x05, 0x00, 0x0d, 0x44, 0x05, 0x6b,
	0x00, 0x00, 0x00, 0x00, 0x05, 0x01, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00,
	0x03, 0x00, 0x00, 0x00, 0x08, 0x00, 0x03, 0x00, 0x05, 0x00, 0x00, 0x00,
};

/* step 7: ip mptcp limits show (its sendmsg of 20 bytes) */
static const uint8_t golden_getlimits_req[20] __attribute__((aligned(4))) = {
	0x14, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x0d, 0x44, 0x05, 0x6b,
	0x00, 0x00, 0x00, 0x00, 0x06, 0x01, 0x00, 0x00,
};

/* step 7: ip mptcp limits show (its recvmsg of 36 bytes) */
static const uint8_t golden_limits_reply[36] __attribute__((aligned(4))) = {
	0x24, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x0d, 0x44, 0x05, 0x6b,
	0xb9, 0x47, 0x00, 0x00, 0x06, 0x01, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00,
	0x03, 0x00, 0x00, 0x00, 0x08, 0x00, 0x03, 0x00, 0x05, 0x00, 0x00, 0x00,
};

/* step 8: ip mptcp endpoint delete id 3 (its sendmsg of 32 bytes) */
static const uint8_t golden_del3[32] __attribute__((aligned(4))) = {
	0x20, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x05, 0x00, 0x0d, 0x44, 0x05, 0x6b,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x01, 0x00, 0x00, 0x0c, 0x00, 0x01, 0x80,
	0x05, 0x00, 0x02, 0x00, 0x03, 0x00, 0x00, 0x00,
};

// clang-format on

static uint32_t buf[NL_REQ_BUF / 4];
static uint8_t want[512] __attribute__((aligned(4)));

/* Every message of a golden datagram, normalised: seq and pid 0, type FAM. */
static const struct nlmsghdr *golden(const uint8_t *g, size_t len)
{
	const struct nlmsghdr *nlh;
	int left = (int)len;

	assert_true(len <= sizeof(want));
	memcpy(want, g, len);
	for (nlh = (const struct nlmsghdr *)want; mnl_nlmsg_ok(nlh, left);
	     nlh = mnl_nlmsg_next(nlh, &left)) {
		struct nlmsghdr *m = (struct nlmsghdr *)nlh;

		m->nlmsg_seq = 0;
		m->nlmsg_pid = 0;
		if (m->nlmsg_type == CAPTURED_FAM)
			m->nlmsg_type = FAM;
	}
	assert_int_equal(left, 0);
	return (const struct nlmsghdr *)want;
}

/* Our request as nl_talk() sends it (seq aside): with NLM_F_ACK. */
static struct nlmsghdr *ours(struct nlmsghdr *nlh)
{
	assert_ptr_equal(nlh, buf);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST);
	nlh->nlmsg_flags |= NLM_F_ACK;
	return nlh;
}

static void prefix(const char *s, struct mc_prefix *p)
{
	assert_int_equal(mc_prefix_parse(s, p), 0);
}

static struct pm_endpoint endpoint(const char *addr, uint8_t id, uint32_t flags, int ifindex)
{
	struct pm_endpoint ep;

	memset(&ep, 0, sizeof(ep));
	prefix(addr, &ep.addr);
	ep.id = id;
	ep.flags = flags;
	ep.ifindex = ifindex;
	return ep;
}

/* ---- requests ---- */

static void test_limits_set(void **state)
{
	struct pm_limits l = { .subflows = 2, .add_addr_accepted = 2 };

	(void)state;
	/* Byte for byte: the same attributes in the same order (RCV_ADD_ADDRS, SUBFLOWS). */
	golden(golden_limits22, sizeof(golden_limits22));
	assert_memory_equal(ours(pm_limits_build(buf, FAM, &l)), want, sizeof(golden_limits22));
	assert_int_equal(((struct nlmsghdr *)buf)->nlmsg_len, sizeof(golden_limits22));
	/* Unequal values tell the two attributes apart. */
	l.subflows = 5;
	l.add_addr_accepted = 3;
	golden(golden_limits53, sizeof(golden_limits53));
	assert_memory_equal(ours(pm_limits_build(buf, FAM, &l)), want, sizeof(golden_limits53));
}

/*
 * A request with its nested attributes sorted by type, into out: the form in
 * which ours and iproute2's are compared when only the order differs.
 * Returns the number of attributes inside nests.
 */
static int canonical(const struct nlmsghdr *nlh, uint8_t *out)
{
	size_t hdr = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr)), off = hdr;
	const struct nlattr *a;
	int nested = 0;

	memcpy(out, nlh, hdr);
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		const struct nlattr *kids[16], *k;
		int n = 0;

		if (!(a->nla_type & NLA_F_NESTED)) {
			memcpy(out + off, a, MNL_ALIGN(a->nla_len));
			off += MNL_ALIGN(a->nla_len);
			continue;
		}
		memcpy(out + off, a, sizeof(*a));
		off += sizeof(*a);
		mnl_attr_for_each_nested(k, a) {
			assert_true(n < 16);
			kids[n++] = k;
		}
		/* insertion sort by type (stable) */
		for (int i = 1; i < n; i++)
			for (int j = i;
			     j > 0 && mnl_attr_get_type(kids[j - 1]) > mnl_attr_get_type(kids[j]);
			     j--) {
				const struct nlattr *t = kids[j];

				kids[j] = kids[j - 1];
				kids[j - 1] = t;
			}
		for (int i = 0; i < n; i++) {
			memcpy(out + off, kids[i], MNL_ALIGN(kids[i]->nla_len));
			off += MNL_ALIGN(kids[i]->nla_len);
		}
		nested += n;
	}
	assert_int_equal(off, nlh->nlmsg_len);
	return nested;
}

/* The types of the attributes inside the (only) nest, in order. */
static int nest_types(const struct nlmsghdr *nlh, uint16_t *types)
{
	const struct nlattr *a, *k;
	int n = 0, nests = 0;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		assert_int_equal(mnl_attr_get_type(a), PM_A_ADDR);
		/* Both set NLA_F_NESTED (libmnl's mnl_attr_nest_start and iproute2's
		 * addattr_nest); the kernel's strict validation would accept either. */
		assert_true(a->nla_type & NLA_F_NESTED);
		nests++;
		mnl_attr_for_each_nested(k, a)
			types[n++] = mnl_attr_get_type(k);
	}
	assert_int_equal(nests, 1);
	return n;
}

/*
 * endpoint add: the same header, the same attributes with the same bytes,
 * in another order inside the PM_A_ADDR nest:
 *   iproute2: ID, FLAGS, IF_IDX, FAMILY, ADDR4|ADDR6
 *   ours:     FAMILY, ID, ADDR4|ADDR6, FLAGS, IF_IDX
 * The kernel parses the nest into a table by type (nla_parse_nested), so the
 * order carries no meaning.
 */
static void check_add(const uint8_t *g, size_t glen, const struct pm_endpoint *ep)
{
	static const uint16_t ip_order4[] = { PM_AA_ID, PM_AA_FLAGS, PM_AA_IF_IDX, PM_AA_FAMILY,
					      PM_AA_ADDR4 };
	static const uint16_t our_order4[] = { PM_AA_FAMILY, PM_AA_ID, PM_AA_ADDR4, PM_AA_FLAGS,
					       PM_AA_IF_IDX };
	uint8_t cg[512], co[512];
	uint16_t types[16];
	const struct nlmsghdr *gm = golden(g, glen);
	struct nlmsghdr *o = ours(pm_endpoint_build(buf, FAM, PM_CMD_ADD_ADDR, ep));
	bool v6 = ep->addr.family == AF_INET6;

	assert_int_equal(o->nlmsg_len, glen);
	assert_memory_equal(o, gm, MNL_NLMSG_HDRLEN + sizeof(struct genlmsghdr));
	assert_int_equal(nest_types(gm, types), 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(types[i],
				 ip_order4[i] == PM_AA_ADDR4 && v6 ? PM_AA_ADDR6 : ip_order4[i]);
	assert_int_equal(nest_types(o, types), 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(types[i],
				 our_order4[i] == PM_AA_ADDR4 && v6 ? PM_AA_ADDR6 : our_order4[i]);
	assert_int_equal(canonical(gm, cg), 5);
	assert_int_equal(canonical(o, co), 5);
	assert_memory_equal(co, cg, glen);
}

static void test_endpoint_add_v4(void **state)
{
	struct pm_endpoint ep =
		endpoint("10.0.0.1", 3, MC_PM_FLAG_SIGNAL | MC_PM_FLAG_BACKUP, 3 /* a */);

	(void)state;
	check_add(golden_add4, sizeof(golden_add4), &ep);
}

static void test_endpoint_add_v6(void **state)
{
	struct pm_endpoint ep =
		endpoint("fd00::1", 4, MC_PM_FLAG_SUBFLOW | MC_PM_FLAG_FULLMESH, 3 /* a */);

	(void)state;
	check_add(golden_add6, sizeof(golden_add6), &ep);
}

/*
 * endpoint delete: iproute2 sends the id alone; we send the id with the
 * family and the address (the record keeps them, and pm_endpoint_build does
 * not tell delete from add there). The kernel
 * (mptcp_pm_nl_del_addr_doit -> mptcp_pm_parse_entry(require_family false))
 * needs the address only once FAMILY is present, and then deletes by the
 * non-zero id: the same endpoint goes. So ours is iproute2's, byte for byte,
 * plus FAMILY (u16 AF_INET) and ADDR4 (10.0.0.1) in the nest; no FLAGS, no
 * IF_IDX, no PORT on delete even though ep carries them.
 */
static void test_endpoint_delete(void **state)
{
	struct pm_endpoint ep = endpoint("10.0.0.1", 3, MC_PM_FLAG_SIGNAL | MC_PM_FLAG_BACKUP, 3);
	const struct nlmsghdr *gm;
	struct nlmsghdr *o;
	const struct nlattr *nest, *a;
	uint16_t types[16];
	int seen = 0;

	(void)state;
	ep.port = 10000;
	gm = golden(golden_del3, sizeof(golden_del3));
	o = ours(pm_endpoint_build(buf, FAM, PM_CMD_DEL_ADDR, &ep));
	assert_int_equal(o->nlmsg_len, sizeof(golden_del3) + 8 + 8);
	/* header and genl header: equal but for the length */
	assert_int_equal(o->nlmsg_type, gm->nlmsg_type);
	assert_int_equal(o->nlmsg_flags, gm->nlmsg_flags);
	assert_memory_equal((uint8_t *)o + 16, (const uint8_t *)gm + 16, 4);
	assert_int_equal(nest_types(gm, types), 1);
	assert_int_equal(types[0], PM_AA_ID);
	assert_int_equal(nest_types(o, types), 3);
	assert_int_equal(types[0], PM_AA_FAMILY);
	assert_int_equal(types[1], PM_AA_ID);
	assert_int_equal(types[2], PM_AA_ADDR4);
	nest = (const struct nlattr *)((const uint8_t *)o + 20);
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case PM_AA_ID:
			/* iproute2's one attribute, byte for byte */
			assert_memory_equal(a, (const uint8_t *)gm + 24, 8);
			seen |= 1;
			break;
		case PM_AA_FAMILY:
			assert_int_equal(a->nla_len, 6);
			assert_int_equal(mnl_attr_get_u16(a), AF_INET);
			seen |= 2;
			break;
		case PM_AA_ADDR4:
			assert_int_equal(a->nla_len, 8);
			assert_memory_equal(mnl_attr_get_payload(a), "\x0a\x00\x00\x01", 4);
			seen |= 4;
			break;
		}
	}
	assert_int_equal(seen, 7);
}

/* The dump request: genl_msg_start() as pm_endpoint_dump() calls it, with the flags
 * nl_dump() sets (NLM_F_DUMP, no ACK): iproute2's, byte for byte. */
static void test_getaddr_dump_request(void **state)
{
	struct nlmsghdr *o = genl_msg_start(buf, FAM, PM_CMD_GET_ADDR, 1, 0);

	(void)state;
	o->nlmsg_flags = (uint16_t)((o->nlmsg_flags & ~NLM_F_ACK) | NLM_F_DUMP);
	golden(golden_dump_req, sizeof(golden_dump_req));
	assert_int_equal(o->nlmsg_len, sizeof(golden_dump_req));
	assert_memory_equal(o, want, sizeof(golden_dump_req));
}

/* GET_LIMITS: iproute2 does not ask for an ACK on this "get"; nl_talk() does
 * (the kernel then sends the reply and an ACK, and nl_talk() reads up to the
 * ACK). Otherwise the same bytes. */
static void test_getlimits_request(void **state)
{
	struct nlmsghdr *o = ours(genl_msg_start(buf, FAM, PM_CMD_GET_LIMITS, 1, 0));

	(void)state;
	golden(golden_getlimits_req, sizeof(golden_getlimits_req));
	assert_int_equal(((struct nlmsghdr *)want)->nlmsg_flags, NLM_F_REQUEST);
	((struct nlmsghdr *)want)->nlmsg_flags |= NLM_F_ACK;
	assert_memory_equal(o, want, sizeof(golden_getlimits_req));
}

/* ---- replies ---- */

static const struct nlmsghdr *dump_msg(int index)
{
	const struct nlmsghdr *nlh = golden(golden_dump, sizeof(golden_dump));
	int left = sizeof(golden_dump);

	while (index--)
		nlh = mnl_nlmsg_next(nlh, &left);
	assert_true(mnl_nlmsg_ok(nlh, left));
	return nlh;
}

static void test_endpoint_parse_dump(void **state)
{
	const struct nlmsghdr *nlh = golden(golden_dump, sizeof(golden_dump));
	struct pm_endpoint ep[2], want_ep[2];
	int left = sizeof(golden_dump), n = 0;

	(void)state;
	want_ep[0] = endpoint("10.0.0.1", 3, MC_PM_FLAG_SIGNAL | MC_PM_FLAG_BACKUP, 3);
	want_ep[1] = endpoint("fd00::1", 4, MC_PM_FLAG_SUBFLOW | MC_PM_FLAG_FULLMESH, 3);
	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		assert_true(n < 2);
		assert_int_equal(nlh->nlmsg_flags, NLM_F_MULTI);
		assert_int_equal(pm_endpoint_parse(nlh, FAM, &ep[n]), 0);
		n++;
	}
	assert_int_equal(n, 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(ep[i].id, want_ep[i].id);
		assert_true(mc_prefix_equal(&ep[i].addr, &want_ep[i].addr));
		assert_int_equal(ep[i].addr.plen, i ? 128 : 32);
		assert_int_equal(ep[i].flags, want_ep[i].flags);
		assert_int_equal(ep[i].ifindex, 3);
		assert_int_equal(ep[i].port, 0); /* the kernel sends PORT 0 */
	}
	/* Another family's message (or the NLMSG_DONE the dump ends with): not ours. */
	assert_int_equal(pm_endpoint_parse(dump_msg(0), FAM + 1, &ep[0]), -ENOENT);
	assert_int_equal(pm_endpoint_parse(dump_msg(1), CAPTURED_FAM ^ FAM, &ep[0]), -ENOENT);
	{
		static const uint8_t done[20] __attribute__((aligned(4))) = {
			0x14, 0x00, 0x00, 0x00, 0x03, 0x00, 0x02, 0x00, 0x00, 0x00,
			0x00, 0x00, 0xad, 0x47, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		}; /* step 4's last recvmsg */

		assert_int_equal(pm_endpoint_parse((const struct nlmsghdr *)done, FAM, &ep[0]),
				 -ENOENT);
	}
}

static uint8_t bad[512] __attribute__((aligned(4)));

/* A copy of dump message index, to break. */
static struct nlmsghdr *bad_copy(int index)
{
	const struct nlmsghdr *m = dump_msg(index);

	memset(bad, 0, sizeof(bad));
	memcpy(bad, m, m->nlmsg_len);
	return (struct nlmsghdr *)bad;
}

/* The nested attribute of type t in a copy. */
static struct nlattr *bad_attr(struct nlmsghdr *nlh, uint16_t t)
{
	struct nlattr *nest = (struct nlattr *)((uint8_t *)nlh + 20), *a;

	mnl_attr_for_each_nested(a, nest)
		if (mnl_attr_get_type(a) == t)
			return a;
	fail_msg("no attribute %u", t);
	return NULL;
}

static void expect_bad(const struct nlmsghdr *nlh)
{
	struct pm_endpoint ep;

	assert_int_equal(pm_endpoint_parse(nlh, FAM, &ep), -EBADMSG);
}

static void test_endpoint_parse_malformed(void **state)
{
	struct nlmsghdr *nlh;
	struct nlattr *a;
	struct pm_endpoint ep;

	(void)state;
	/* Truncated: cut inside the nest, right after the genl header, inside it. */
	for (uint32_t cut = 4; cut <= 52; cut += 4) {
		nlh = bad_copy(0);
		nlh->nlmsg_len -= cut;
		expect_bad(nlh);
	}
	nlh = bad_copy(0);
	nlh->nlmsg_len = 19; /* shorter than the genl header */
	expect_bad(nlh);
	nlh = bad_copy(1);
	nlh->nlmsg_len -= 1; /* the last byte of the IPv6 address */
	expect_bad(nlh);
	/* Trailing bytes that are no attribute. */
	nlh = bad_copy(0);
	nlh->nlmsg_len += 2;
	expect_bad(nlh);
	/* The nest's own length says more than there is. */
	nlh = bad_copy(0);
	((struct nlattr *)((uint8_t *)nlh + 20))->nla_len += 8;
	expect_bad(nlh);
	/* No PM_A_ADDR at all (renamed to an unknown top-level type). */
	nlh = bad_copy(0);
	((struct nlattr *)((uint8_t *)nlh + 20))->nla_type = NLA_F_NESTED | 0x7f;
	expect_bad(nlh);

	/* An address of the wrong length: ADDR4 of 2 bytes, ADDR6 of 12. */
	nlh = bad_copy(0);
	bad_attr(nlh, PM_AA_ADDR4)->nla_len = 6;
	expect_bad(nlh);
	nlh = bad_copy(1);
	bad_attr(nlh, PM_AA_ADDR6)->nla_len = 16;
	expect_bad(nlh);
	/* The family says IPv6, the address is IPv4 (no ADDR6), and the other way. */
	nlh = bad_copy(0);
	a = bad_attr(nlh, PM_AA_FAMILY);
	*(uint16_t *)mnl_attr_get_payload(a) = AF_INET6;
	expect_bad(nlh);
	nlh = bad_copy(1);
	a = bad_attr(nlh, PM_AA_FAMILY);
	*(uint16_t *)mnl_attr_get_payload(a) = AF_INET;
	expect_bad(nlh);
	/* Missing family (renamed to the unused type 0), an unknown family, a u8 family. */
	nlh = bad_copy(0);
	bad_attr(nlh, PM_AA_FAMILY)->nla_type = PM_AA_UNSPEC;
	expect_bad(nlh);
	nlh = bad_copy(0);
	*(uint16_t *)mnl_attr_get_payload(bad_attr(nlh, PM_AA_FAMILY)) = AF_PACKET;
	expect_bad(nlh);
	nlh = bad_copy(0);
	bad_attr(nlh, PM_AA_FAMILY)->nla_len = 5;
	expect_bad(nlh);
	/* Attributes of the wrong size: FLAGS and IF_IDX as u16, ID as u16, PORT as u8. */
	nlh = bad_copy(0);
	bad_attr(nlh, PM_AA_FLAGS)->nla_len = 6;
	expect_bad(nlh);
	nlh = bad_copy(0);
	bad_attr(nlh, PM_AA_IF_IDX)->nla_len = 6;
	expect_bad(nlh);
	nlh = bad_copy(0);
	bad_attr(nlh, PM_AA_ID)->nla_len = 6;
	expect_bad(nlh);
	nlh = bad_copy(0);
	bad_attr(nlh, PM_AA_PORT)->nla_len = 5;
	expect_bad(nlh);
	/* The checks above come after the family id: a stranger's message is -ENOENT. */
	nlh = bad_copy(0);
	nlh->nlmsg_len = 19;
	assert_int_equal(pm_endpoint_parse(nlh, FAM + 1, &ep), -ENOENT);
	/* Still whole after all that: the copy itself parses. */
	assert_int_equal(pm_endpoint_parse(bad_copy(1), FAM, &ep), 0);
	assert_int_equal(ep.id, 4);
}

static void test_limits_parse(void **state)
{
	const struct nlmsghdr *g = golden(golden_limits_reply, sizeof(golden_limits_reply));
	struct nlmsghdr *nlh = (struct nlmsghdr *)bad;
	struct pm_limits l;

	(void)state;
	assert_int_equal(pm_limits_parse(g, FAM, &l), 0);
	assert_int_equal(l.subflows, 5);
	assert_int_equal(l.add_addr_accepted, 3);
	assert_int_equal(pm_limits_parse(g, FAM + 1, &l), -ENOENT);
	assert_int_equal(l.subflows, 0); /* cleared on every path */

	/* Truncated: one attribute left, half of one, no attribute, no genl header. */
	for (uint32_t len = 36 - 2; len >= 16; len -= 2) {
		memcpy(bad, g, sizeof(golden_limits_reply));
		nlh->nlmsg_len = len;
		assert_int_equal(pm_limits_parse(nlh, FAM, &l), -EBADMSG);
	}
	/* An attribute of the wrong size. */
	memcpy(bad, g, sizeof(golden_limits_reply));
	((struct nlattr *)(bad + 28))->nla_len = 6;
	assert_int_equal(pm_limits_parse(nlh, FAM, &l), -EBADMSG);
	/* SUBFLOWS missing (renamed). */
	memcpy(bad, g, sizeof(golden_limits_reply));
	((struct nlattr *)(bad + 28))->nla_type = 0x7f;
	assert_int_equal(pm_limits_parse(nlh, FAM, &l), -EBADMSG);
	/* The attributes in the other order are fine. */
	memcpy(bad, want, 20);
	memcpy(bad + 20, want + 28, 8);
	memcpy(bad + 28, want + 20, 8);
	assert_int_equal(pm_limits_parse(nlh, FAM, &l), 0);
	assert_int_equal(l.subflows, 5);
	assert_int_equal(l.add_addr_accepted, 3);
}

/* Our builders' output reads back through our decoders. */
static void test_build_parse_roundtrip(void **state)
{
	struct pm_endpoint in = endpoint("2001:db8::7", 9, MC_PM_FLAG_SIGNAL | MC_PM_FLAG_LAMINAR,
					 12345),
			   out;
	struct pm_limits l = { .subflows = 8, .add_addr_accepted = 7 }, lo;
	struct nlmsghdr *nlh;

	(void)state;
	in.port = 10000;
	assert_int_equal(
		pm_endpoint_parse(pm_endpoint_build(buf, FAM, PM_CMD_ADD_ADDR, &in), FAM, &out), 0);
	assert_int_equal(out.id, 9);
	assert_true(mc_prefix_equal(&out.addr, &in.addr));
	assert_int_equal(out.port, 10000);
	assert_int_equal(out.flags, in.flags);
	assert_int_equal(out.ifindex, 12345);
	/* id 0 (the kernel chooses), no flags, no device: those attributes are left out. */
	in = endpoint("10.0.0.9", 0, 0, 0);
	nlh = pm_endpoint_build(buf, FAM, PM_CMD_ADD_ADDR, &in);
	assert_int_equal(nlh->nlmsg_len, 20 + 4 + 8 + 8);
	assert_int_equal(pm_endpoint_parse(nlh, FAM, &out), 0);
	assert_int_equal(out.id, 0);
	assert_int_equal(out.flags, 0);
	assert_int_equal(out.ifindex, 0);
	/* A limits request is not a GET_LIMITS reply, but has the same attributes. */
	assert_int_equal(pm_limits_parse(pm_limits_build(buf, FAM, &l), FAM, &lo), 0);
	assert_int_equal(lo.subflows, 8);
	assert_int_equal(lo.add_addr_accepted, 7);
}

static void test_flags_str(void **state)
{
	char s[64];

	(void)state;
	assert_string_equal(pm_flags_str(MC_PM_FLAG_SIGNAL | MC_PM_FLAG_BACKUP, s, sizeof(s)),
			    "signal,backup");
	assert_string_equal(pm_flags_str(0x3f, s, sizeof(s)),
			    "signal,subflow,backup,fullmesh,implicit,laminar");
	assert_string_equal(pm_flags_str(0, s, sizeof(s)), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limits_set),
		cmocka_unit_test(test_endpoint_add_v4),
		cmocka_unit_test(test_endpoint_add_v6),
		cmocka_unit_test(test_endpoint_delete),
		cmocka_unit_test(test_getaddr_dump_request),
		cmocka_unit_test(test_getlimits_request),
		cmocka_unit_test(test_endpoint_parse_dump),
		cmocka_unit_test(test_endpoint_parse_malformed),
		cmocka_unit_test(test_limits_parse),
		cmocka_unit_test(test_build_parse_roundtrip),
		cmocka_unit_test(test_flags_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
