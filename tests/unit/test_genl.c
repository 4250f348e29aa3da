// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * src/nl/genl.h: CTRL_CMD_GETFAMILY requests and CTRL_CMD_NEWFAMILY replies,
 * against the bytes genl(8) and ip-mptcp(8) exchange with the kernel.
 *
 * Golden bytes: steps 23 and 24 of the capture session below.
 */
/*
 * The capture session (shared by test_nl.c, test_genl.c, test_rt_build.c and
 * test_rt_parse.c): kernel 6.18.44 x86_64, iproute2 6.1.0 (ip, tc, genl),
 * strace 6.1. In a scratch network namespace created for it and deleted
 * afterwards (the root namespace was never touched), each COMMAND below ran,
 * in this order, as
 *
 *   ip netns exec mcutNNNN strace -f -e trace=sendmsg,recvmsg,sendto,recvfrom \
 *       -e write=all -e read=all -xx -s 65536 COMMAND
 *
 *    1 ip link add name a type veth peer name b   (ifindex: lo 1, b 2, a 3)
 *    2 ip link add name a type veth peer name b   (again: -EEXIST)
 *    3 ip route add 10.0.0.0/24 via 10.9.9.9      (-ENETUNREACH)
 *    4 python3 nlreq.py 3                          (-ERANGE, see test_nl.c)
 *    5 ip link set dev a up
 *    6 ip link set dev a down
 *    7 ip link set dev a up
 *    8 ip link set dev b up
 *    9 ip addr add 10.0.0.1/24 dev a
 *   10 ip addr add fd00:0:0:1::1/64 dev a nodad
 *   11 ip route add 10.0.0.0/24 dev a table 100 scope link proto static
 *   12 ip route add default via 10.0.0.254 proto static
 *   13 ip rule add from 10.0.0.1 lookup 100 priority 1000
 *   14 tc qdisc replace dev a root handle 1: tbf rate 1gbit burst 131072 limit 1048576
 *   15 tc qdisc replace dev b root handle 1: tbf rate 10gbit burst 1250000 limit 25000000
 *   16 tc qdisc replace dev b root handle 1: tbf rate 100gbit burst 12500000 limit 250000000
 *   17 ip link show
 *   18 ip addr show
 *   19 ip route show table 100
 *   20 ip route show
 *   21 ip rule show
 *   22 tc qdisc show
 *   23 genl ctrl get name mptcp_pm
 *   24 ip mptcp endpoint show
 *
 * and a golden array is, byte for byte, the hex dump strace printed for one
 * sendmsg()/recvmsg()/recvfrom() of one COMMAND ("N bytes in buffer 0"),
 * unless its comment says it is a slice of one. (Not `ip link add a ...`:
 * ip reads a lone "a" there as "address".)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nl/genl.h"

// clang-format off
/*
 * COMMAND (step 23): genl ctrl get name mptcp_pm -- the sendmsg(): CTRL_CMD_GETFAMILY
 * (cmd 3, version 0), NLM_F_REQUEST | NLM_F_ACK, CTRL_ATTR_FAMILY_NAME "mptcp_pm".
 */
static const uint8_t golden_getfamily[36] __attribute__((aligned(4))) = {
	/* GENL_ID_CTRL: len 36, flags 0x0005, seq 1795505058, pid 0 */
	0x24, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x00, 0xa2, 0x3b, 0x05, 0x6b,
	0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x02, 0x00,
	0x6d, 0x70, 0x74, 0x63, 0x70, 0x5f, 0x70, 0x6d, 0x00, 0x00, 0x00, 0x00,
};

/*
 * COMMAND (step 24): ip mptcp endpoint show -- its first sendmsg(), the family lookup:
 * the same bytes but for the flags (NLM_F_REQUEST only).
 */
static const uint8_t golden_getfamily_ipmptcp[36] __attribute__((aligned(4))) = {
	/* GENL_ID_CTRL: len 36, flags 0x0001, seq 1795505058, pid 0 */
	0x24, 0x00, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00, 0xa2, 0x3b, 0x05, 0x6b,
	0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x02, 0x00,
	0x6d, 0x70, 0x74, 0x63, 0x70, 0x5f, 0x70, 0x6d, 0x00, 0x00, 0x00, 0x00,
};

/*
 * COMMAND (step 23): genl ctrl get name mptcp_pm -- the recvmsg(): CTRL_CMD_NEWFAMILY
 * for mptcp_pm: id 0x1c, version 1, hdrsize 0, maxattr 0, 11 ops, and the
 * multicast groups "mptcp_pm_cmds" (8) and "mptcp_pm_events" (9).
 */
static const uint8_t golden_newfamily[360] __attribute__((aligned(4))) = {
	/* GENL_ID_CTRL: len 360, flags 0x0000, seq 1795505058, pid 13316 */
	0x68, 0x01, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0xa2, 0x3b, 0x05, 0x6b,
	0x04, 0x34, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x0d, 0x00, 0x02, 0x00,
	0x6d, 0x70, 0x74, 0x63, 0x70, 0x5f, 0x70, 0x6d, 0x00, 0x00, 0x00, 0x00,
	0x06, 0x00, 0x01, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x08, 0x00, 0x03, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe0, 0x00, 0x06, 0x00,
	0x14, 0x00, 0x01, 0x00, 0x08, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x02, 0x00, 0x1a, 0x00, 0x00, 0x00, 0x14, 0x00, 0x02, 0x00,
	0x08, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00,
	0x1a, 0x00, 0x00, 0x00, 0x14, 0x00, 0x03, 0x00, 0x08, 0x00, 0x01, 0x00,
	0x03, 0x00, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00, 0x0e, 0x00, 0x00, 0x00,
	0x14, 0x00, 0x04, 0x00, 0x08, 0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x02, 0x00, 0x1a, 0x00, 0x00, 0x00, 0x14, 0x00, 0x05, 0x00,
	0x08, 0x00, 0x01, 0x00, 0x05, 0x00, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00,
	0x1a, 0x00, 0x00, 0x00, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x01, 0x00,
	0x06, 0x00, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00, 0x0a, 0x00, 0x00, 0x00,
	0x14, 0x00, 0x07, 0x00, 0x08, 0x00, 0x01, 0x00, 0x07, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x02, 0x00, 0x1a, 0x00, 0x00, 0x00, 0x14, 0x00, 0x08, 0x00,
	0x08, 0x00, 0x01, 0x00, 0x08, 0x00, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00,
	0x1a, 0x00, 0x00, 0x00, 0x14, 0x00, 0x09, 0x00, 0x08, 0x00, 0x01, 0x00,
	0x09, 0x00, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00, 0x1a, 0x00, 0x00, 0x00,
	0x14, 0x00, 0x0a, 0x00, 0x08, 0x00, 0x01, 0x00, 0x0a, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x02, 0x00, 0x1a, 0x00, 0x00, 0x00, 0x14, 0x00, 0x0b, 0x00,
	0x08, 0x00, 0x01, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00,
	0x1a, 0x00, 0x00, 0x00, 0x44, 0x00, 0x07, 0x00, 0x20, 0x00, 0x01, 0x00,
	0x08, 0x00, 0x02, 0x00, 0x08, 0x00, 0x00, 0x00, 0x12, 0x00, 0x01, 0x00,
	0x6d, 0x70, 0x74, 0x63, 0x70, 0x5f, 0x70, 0x6d, 0x5f, 0x63, 0x6d, 0x64,
	0x73, 0x00, 0x00, 0x00, 0x20, 0x00, 0x02, 0x00, 0x08, 0x00, 0x02, 0x00,
	0x09, 0x00, 0x00, 0x00, 0x14, 0x00, 0x01, 0x00, 0x6d, 0x70, 0x74, 0x63,
	0x70, 0x5f, 0x70, 0x6d, 0x5f, 0x65, 0x76, 0x65, 0x6e, 0x74, 0x73, 0x00,
};
// clang-format on

/* Offsets in golden_newfamily (attributes start after the 4-byte genlmsghdr). */
#define OFF_MCAST_GROUPS 292 /* len 68: two nests of 32 */
#define OFF_GROUP2 (OFF_MCAST_GROUPS + 4 + 32)

static uint32_t buf[NL_REQ_BUF / 4];

static void zero_seq_pid(uint8_t *b)
{
	memset(b + 8, 0, 8);
}

/*
 * Our request equals genl(8)'s after normalisation: its sequence number
 * zeroed (nl_talk() numbers requests when it sends them, and adds
 * NLM_F_ACK), and the genlmsghdr version byte set to 1: genl(8) sends 0,
 * we send 1 like libmnl's and libnl's family lookups; the kernel's
 * controller ignores the version (ctrl_getfamily does not read it).
 */
static void test_getfamily_build(void **state)
{
	uint8_t want[sizeof(golden_getfamily)];
	struct nlmsghdr *nlh;

	(void)state;
	memcpy(want, golden_getfamily, sizeof(want));
	zero_seq_pid(want);
	assert_int_equal(want[17], 0);
	want[17] = 1; /* genlmsghdr.version */
	nlh = genl_getfamily_build(buf, "mptcp_pm");
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST);
	nlh->nlmsg_flags |= NLM_F_ACK; /* what nl_talk() adds */
	assert_int_equal(nlh->nlmsg_len, sizeof(want));
	assert_memory_equal(nlh, want, sizeof(want));

	/* ip mptcp asks without NLM_F_ACK: the builder's own flags. */
	memcpy(want, golden_getfamily_ipmptcp, sizeof(want));
	zero_seq_pid(want);
	want[17] = 1;
	nlh = genl_getfamily_build(buf, "mptcp_pm");
	assert_memory_equal(nlh, want, sizeof(want));
}

static void test_getfamily_build_other_names(void **state)
{
	struct nlmsghdr *nlh;
	const struct nlattr *a;

	(void)state;
	nlh = genl_getfamily_build(buf, "nlctrl");
	assert_int_equal(nlh->nlmsg_type, GENL_ID_CTRL);
	assert_int_equal(nlh->nlmsg_len, 16 + 4 + 12); /* "nlctrl\0" + 1 pad byte */
	a = (const struct nlattr *)((const uint8_t *)buf + 20);
	assert_int_equal(a->nla_type, CTRL_ATTR_FAMILY_NAME);
	assert_int_equal(a->nla_len, 4 + 7);
	assert_string_equal((const char *)(a + 1), "nlctrl");
	assert_int_equal(((const uint8_t *)buf)[31], 0); /* padding is zero */
	/* Longest name the kernel knows (GENL_NAMSIZ - 1). */
	nlh = genl_getfamily_build(buf, "abcdefghijklmno");
	assert_int_equal(nlh->nlmsg_len, 16 + 4 + 20);
}

static void test_family_parse(void **state)
{
	struct genl_family f;
	uint32_t id = 0;

	(void)state;
	memset(&f, 0x5a, sizeof(f));
	assert_int_equal(genl_family_parse((const struct nlmsghdr *)golden_newfamily, &f), 0);
	assert_string_equal(f.name, "mptcp_pm");
	assert_int_equal(f.id, 0x1c);
	assert_int_equal(f.version, 1);
	assert_int_equal(f.ngroups, 2);
	assert_string_equal(f.groups[0].name, "mptcp_pm_cmds");
	assert_int_equal(f.groups[0].id, 8);
	assert_string_equal(f.groups[1].name, "mptcp_pm_events");
	assert_int_equal(f.groups[1].id, 9);

	assert_int_equal(genl_family_group(&f, "mptcp_pm_events", &id), 0);
	assert_int_equal(id, 9);
	assert_int_equal(genl_family_group(&f, "mptcp_pm_cmds", &id), 0);
	assert_int_equal(id, 8);
	id = 77;
	assert_int_equal(genl_family_group(&f, "mptcp_pm", &id), -ENOENT);
	assert_int_equal(genl_family_group(&f, "mptcp_pm_events2", &id), -ENOENT);
	assert_int_equal(genl_family_group(&f, "", &id), -ENOENT);
	assert_int_equal(id, 77);
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return genl_family_parse(nlh, data);
}

/* As genl_family_resolve() sees it: through the reply walker. */
static void test_family_via_reply_parse(void **state)
{
	struct nl_reply_state st = { 0 };
	struct genl_family f = { 0 };
	struct nlmsghdr h;
	struct mc_err e = { 0 };

	(void)state;
	memcpy(&h, golden_newfamily, sizeof(h));
	st.seq = h.nlmsg_seq;
	st.portid = h.nlmsg_pid;
	/* 1: the ACK that follows (genl(8) exits before reading it) is still due. */
	assert_int_equal(nl_reply_parse(golden_newfamily, sizeof(golden_newfamily), &st, family_cb,
					&f, &e),
			 1);
	assert_int_equal(st.cb_err, 0);
	assert_int_equal(f.id, 0x1c);
	assert_int_equal(f.ngroups, 2);
}

/* --- malformed replies, hand-made with libmnl --- */

static struct nlmsghdr *fam_start(void)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_NEWFAMILY;
	g->version = 2;
	return nlh;
}

static int parse_buf(struct genl_family *f)
{
	return genl_family_parse((const struct nlmsghdr *)buf, f);
}

static void test_family_minimal(void **state)
{
	struct nlmsghdr *nlh = fam_start();
	struct genl_family f;

	(void)state;
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x25);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "abcdefghijklmno");
	assert_int_equal(parse_buf(&f), 0);
	assert_int_equal(f.id, 0x25);
	assert_string_equal(f.name, "abcdefghijklmno");
	assert_int_equal(f.version, 0);
	assert_int_equal(f.ngroups, 0);
}

static void test_family_malformed(void **state)
{
	static const char unterminated[4] = { 'a', 'b', 'c', 'd' };
	struct nlmsghdr *nlh;
	struct genl_family f;

	(void)state;
	nlh = fam_start(); /* no id */
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "x");
	assert_int_equal(parse_buf(&f), -EBADMSG);

	nlh = fam_start(); /* no name */
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x25);
	assert_int_equal(parse_buf(&f), -EBADMSG);

	nlh = fam_start(); /* id of the wrong size */
	mnl_attr_put_u32(nlh, CTRL_ATTR_FAMILY_ID, 0x25);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "x");
	assert_int_equal(parse_buf(&f), -EBADMSG);

	nlh = fam_start(); /* name without its NUL */
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x25);
	mnl_attr_put(nlh, CTRL_ATTR_FAMILY_NAME, sizeof(unterminated), unterminated);
	assert_int_equal(parse_buf(&f), -EBADMSG);

	nlh = fam_start(); /* name longer than GENL_NAMSIZ - 1 */
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x25);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "abcdefghijklmnop");
	assert_int_equal(parse_buf(&f), -EBADMSG);

	nlh = fam_start(); /* version of the wrong size */
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x25);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "x");
	mnl_attr_put_u8(nlh, CTRL_ATTR_VERSION, 1);
	assert_int_equal(parse_buf(&f), -EBADMSG);

	/* Not from the controller, or shorter than its genlmsghdr. */
	memcpy(buf, golden_newfamily, sizeof(golden_newfamily));
	((struct nlmsghdr *)buf)->nlmsg_type = GENL_ID_CTRL + 1;
	assert_int_equal(parse_buf(&f), -EBADMSG);
	memcpy(buf, golden_newfamily, sizeof(golden_newfamily));
	((struct nlmsghdr *)buf)->nlmsg_len = 18;
	assert_int_equal(parse_buf(&f), -EBADMSG);
	/* Cut inside the first attribute (the name). */
	((struct nlmsghdr *)buf)->nlmsg_len = 30;
	assert_int_equal(parse_buf(&f), -EBADMSG);
	/* The name's NUL overwritten: "mptcp_pm" runs into the padding. */
	memcpy(buf, golden_newfamily, sizeof(golden_newfamily));
	memset((uint8_t *)buf + 24 + 8, 'x', 1);
	assert_int_equal(parse_buf(&f), -EBADMSG);
}

static void put_group(struct nlmsghdr *nlh, int idx, const char *name, uint32_t id)
{
	struct nlattr *g = mnl_attr_nest_start(nlh, (uint16_t)idx);

	if (name)
		mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, name);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, id);
	mnl_attr_nest_end(nlh, g);
}

static void test_family_groups_malformed(void **state)
{
	struct nlmsghdr *nlh;
	struct nlattr *groups, *g;
	struct genl_family f;
	char name[16];

	(void)state;
	/* A group without a name is skipped; one with a 16-bit id is refused. */
	nlh = fam_start();
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x25);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "x");
	groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	put_group(nlh, 1, NULL, 3);
	put_group(nlh, 2, "ok", 4);
	mnl_attr_nest_end(nlh, groups);
	assert_int_equal(parse_buf(&f), 0);
	assert_int_equal(f.ngroups, 1);
	assert_string_equal(f.groups[0].name, "ok");
	assert_int_equal(f.groups[0].id, 4);

	nlh = fam_start();
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x25);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "x");
	groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	g = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "g");
	mnl_attr_put_u16(nlh, CTRL_ATTR_MCAST_GRP_ID, 4);
	mnl_attr_nest_end(nlh, g);
	mnl_attr_nest_end(nlh, groups);
	assert_int_equal(parse_buf(&f), -EBADMSG);

	/* A group name of 16 characters does not fit. */
	nlh = fam_start();
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x25);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "x");
	groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	put_group(nlh, 1, "abcdefghijklmnop", 4);
	mnl_attr_nest_end(nlh, groups);
	assert_int_equal(parse_buf(&f), -EBADMSG);

	/* More groups than GENL_MAX_GROUPS: the first ones are kept. */
	nlh = fam_start();
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x25);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "x");
	groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	for (int i = 0; i < GENL_MAX_GROUPS + 4; i++) {
		snprintf(name, sizeof(name), "g%d", i);
		put_group(nlh, i + 1, name, 100 + (uint32_t)i);
	}
	mnl_attr_nest_end(nlh, groups);
	assert_int_equal(parse_buf(&f), 0);
	assert_int_equal(f.ngroups, GENL_MAX_GROUPS);
	assert_string_equal(f.groups[GENL_MAX_GROUPS - 1].name, "g15");
	assert_int_equal(f.groups[GENL_MAX_GROUPS - 1].id, 115);
}

/*
 * KNOWN BUG (reported, src/ left alone): a reply cut short, or with an
 * attribute whose length overruns its container, is accepted with the
 * attributes from there on silently missing. nl_attr_parse() relies on
 * mnl_attr_parse(), and parse_groups() on mnl_attr_for_each_nested(); both
 * stop quietly at the first attribute that does not fit (libmnl 1.0.4). Here
 * the family comes back "valid" without its multicast groups, and
 * genl_family_group() then says -ENOENT for a group the kernel has. Proposed
 * fix: after walking, require the cursor to have reached the end of the
 * payload (see the report); this test fails until then.
 */
static void test_family_truncated_silently(void **state)
{
	struct genl_family f;
	struct nlattr *a;

	(void)state;
	memcpy(buf, golden_newfamily, sizeof(golden_newfamily));
	((struct nlmsghdr *)buf)->nlmsg_len = OFF_GROUP2 + 8; /* inside the second group */
	assert_int_equal(parse_buf(&f), -EBADMSG);

	memcpy(buf, golden_newfamily, sizeof(golden_newfamily));
	a = (struct nlattr *)((uint8_t *)buf + OFF_GROUP2);
	a->nla_len = 200; /* the second group overruns CTRL_ATTR_MCAST_GROUPS */
	assert_int_equal(parse_buf(&f), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_getfamily_build),
		cmocka_unit_test(test_getfamily_build_other_names),
		cmocka_unit_test(test_family_parse),
		cmocka_unit_test(test_family_via_reply_parse),
		cmocka_unit_test(test_family_minimal),
		cmocka_unit_test(test_family_malformed),
		cmocka_unit_test(test_family_groups_malformed),
		cmocka_unit_test(test_family_truncated_silently),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
