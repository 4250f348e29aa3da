// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * src/pm/events.c: pm_event_parse() on golden bytes of real MPTCP
 * path-manager events, and on malformed ones.
 *
 * How the golden bytes were captured (kernel 6.18.44, strace 6.1, iproute2
 * 6.1.0, x86_64), in the same run as tests/unit/test_diag.c (see there for
 * the namespaces: A the client, B the server with a "signal" endpoint
 * 10.0.2.2 id 1 on its second link; the root namespace was never touched):
 * before the transfer, one monitor per namespace,
 *
 *   ip netns exec $A strace -ff -o mon -e trace=recvmsg,recvfrom -e read=all \
 *       -xx -s 65536 mptcpctl monitor timeout 12
 *   ip netns exec $B strace -ff -o monb ...   (the same)
 *
 * then A's MPTCP listener on 6000 and clients to 10.0.1.2:5001 (MPTCP, B
 * announces 10.0.2.2 and A joins it) and 5003 (MPTCP to a plain TCP server:
 * fallback); after 2.5 s the server withdrew its address,
 *
 *   ip -n $B mptcp endpoint delete id 1
 *
 * (REMOVE_ADDR: A's join subflow closes) and 3 s later the clients closed.
 * Every event came in a datagram of its own; each array is the hex dump
 * strace printed for it ("N bytes in buffer 0"), datagram N of the monitor's
 * recvmsg() calls counted from 0 (0 and 1 are the CTRL_CMD_GETFAMILY reply
 * and its ACK). The monitors printed:
 *
 *   A: listener_created 0.0.0.0:6000
 *      created          token c456ff0c 10.0.1.1:34680 -> 10.0.1.2:5001  ids 0/0
 *      established      token c456ff0c 10.0.1.1:34680 -> 10.0.1.2:5001  ids 0/0
 *      announced        token c456ff0c -> 10.0.2.2:5001  ids 0/1
 *      sub_established  token c456ff0c 10.0.2.1:44113 -> 10.0.2.2:5001  ids 1/1
 *      removed          token c456ff0c  ids 0/1
 *      sub_closed       token c456ff0c 10.0.2.1:44113 -> 10.0.2.2:5001  ids 1/1
 *      closed           token c456ff0c
 *      closed           token 549dd739    (the fallback: no created event)
 *   B: created          token 81b3682e 10.0.1.2:5001 -> 10.0.1.1:34680  ids 0/0  server-side
 *      sub_closed       token 81b3682e 10.0.2.2:5001 -> 10.0.2.1:44113  ids 1/1
 *
 * Generic netlink family ids are given out at boot: "mptcp_pm" had 28 (0x1c)
 * then, which is every golden nlmsg_type.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/genetlink.h>

#include "pm/pm.h"

// clang-format off
/*
 * listener_created: datagram 2 of the client (A) monitor.
 */
static const uint8_t golden_cli_listener_created[44] __attribute__((aligned(4))) = {
	0x2c, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x0f, 0x01, 0x00, 0x00, 0x06, 0x00, 0x02, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x06, 0x00, 0x09, 0x00, 0x17, 0x70, 0x00, 0x00,
	0x08, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/*
 * created: datagram 3 of the client (A) monitor.
 */
static const uint8_t golden_cli_created[84] __attribute__((aligned(4))) = {
	0x54, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x08, 0x00, 0x01, 0x00,
	0x0c, 0xff, 0x56, 0xc4, 0x06, 0x00, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x05, 0x00, 0x0a, 0x00, 0x01, 0x01, 0x08, 0x00, 0x07, 0x00,
	0x0a, 0x00, 0x01, 0x02, 0x06, 0x00, 0x09, 0x00, 0x87, 0x78, 0x00, 0x00,
	0x06, 0x00, 0x0a, 0x00, 0x13, 0x89, 0x00, 0x00, 0x05, 0x00, 0x03, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/*
 * established: datagram 4 of the client (A) monitor.
 */
static const uint8_t golden_cli_established[84] __attribute__((aligned(4))) = {
	0x54, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x01, 0x00, 0x00, 0x08, 0x00, 0x01, 0x00,
	0x0c, 0xff, 0x56, 0xc4, 0x06, 0x00, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x05, 0x00, 0x0a, 0x00, 0x01, 0x01, 0x08, 0x00, 0x07, 0x00,
	0x0a, 0x00, 0x01, 0x02, 0x06, 0x00, 0x09, 0x00, 0x87, 0x78, 0x00, 0x00,
	0x06, 0x00, 0x0a, 0x00, 0x13, 0x89, 0x00, 0x00, 0x05, 0x00, 0x03, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/*
 * announced: datagram 5 of the client (A) monitor.
 */
static const uint8_t golden_cli_announced[52] __attribute__((aligned(4))) = {
	0x34, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x06, 0x01, 0x00, 0x00, 0x08, 0x00, 0x01, 0x00,
	0x0c, 0xff, 0x56, 0xc4, 0x05, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x06, 0x00, 0x0a, 0x00, 0x13, 0x89, 0x00, 0x00, 0x08, 0x00, 0x07, 0x00,
	0x0a, 0x00, 0x02, 0x02,
};

/*
 * sub_established: datagram 6 of the client (A) monitor.
 */
static const uint8_t golden_cli_sub_established[92] __attribute__((aligned(4))) = {
	0x5c, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x0a, 0x01, 0x00, 0x00, 0x08, 0x00, 0x01, 0x00,
	0x0c, 0xff, 0x56, 0xc4, 0x06, 0x00, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x05, 0x00, 0x0a, 0x00, 0x02, 0x01, 0x08, 0x00, 0x07, 0x00,
	0x0a, 0x00, 0x02, 0x02, 0x06, 0x00, 0x09, 0x00, 0xac, 0x51, 0x00, 0x00,
	0x06, 0x00, 0x0a, 0x00, 0x13, 0x89, 0x00, 0x00, 0x05, 0x00, 0x03, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x05, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/*
 * removed: datagram 7 of the client (A) monitor.
 */
static const uint8_t golden_cli_removed[36] __attribute__((aligned(4))) = {
	0x24, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x07, 0x01, 0x00, 0x00, 0x08, 0x00, 0x01, 0x00,
	0x0c, 0xff, 0x56, 0xc4, 0x05, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00,
};

/*
 * sub_closed: datagram 8 of the client (A) monitor.
 */
static const uint8_t golden_cli_sub_closed[92] __attribute__((aligned(4))) = {
	0x5c, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x0b, 0x01, 0x00, 0x00, 0x08, 0x00, 0x01, 0x00,
	0x0c, 0xff, 0x56, 0xc4, 0x06, 0x00, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x05, 0x00, 0x0a, 0x00, 0x02, 0x01, 0x08, 0x00, 0x07, 0x00,
	0x0a, 0x00, 0x02, 0x02, 0x06, 0x00, 0x09, 0x00, 0xac, 0x51, 0x00, 0x00,
	0x06, 0x00, 0x0a, 0x00, 0x13, 0x89, 0x00, 0x00, 0x05, 0x00, 0x03, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x05, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/*
 * closed: datagram 9 of the client (A) monitor.
 */
static const uint8_t golden_cli_closed[28] __attribute__((aligned(4))) = {
	0x1c, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0x08, 0x00, 0x01, 0x00,
	0x0c, 0xff, 0x56, 0xc4,
};

/*
 * closed: datagram 10 of the client (A) monitor.
 */
static const uint8_t golden_cli_closed_fallback[28] __attribute__((aligned(4))) = {
	0x1c, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0x08, 0x00, 0x01, 0x00,
	0x39, 0xd7, 0x9d, 0x54,
};

/*
 * created: datagram 3 of the server (B) monitor.
 */
static const uint8_t golden_srv_created[100] __attribute__((aligned(4))) = {
	0x64, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x08, 0x00, 0x01, 0x00,
	0x2e, 0x68, 0xb3, 0x81, 0x05, 0x00, 0x12, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x06, 0x00, 0x0d, 0x00, 0x02, 0x00, 0x00, 0x00, 0x06, 0x00, 0x02, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x08, 0x00, 0x05, 0x00, 0x0a, 0x00, 0x01, 0x02,
	0x08, 0x00, 0x07, 0x00, 0x0a, 0x00, 0x01, 0x01, 0x06, 0x00, 0x09, 0x00,
	0x13, 0x89, 0x00, 0x00, 0x06, 0x00, 0x0a, 0x00, 0x87, 0x78, 0x00, 0x00,
	0x05, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x04, 0x00,
	0x00, 0x00, 0x00, 0x00,
};

/*
 * sub_closed: datagram 6 of the server (B) monitor.
 */
static const uint8_t golden_srv_sub_closed[92] __attribute__((aligned(4))) = {
	0x5c, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x0b, 0x01, 0x00, 0x00, 0x08, 0x00, 0x01, 0x00,
	0x2e, 0x68, 0xb3, 0x81, 0x06, 0x00, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x05, 0x00, 0x0a, 0x00, 0x02, 0x02, 0x08, 0x00, 0x07, 0x00,
	0x0a, 0x00, 0x02, 0x01, 0x06, 0x00, 0x09, 0x00, 0x13, 0x89, 0x00, 0x00,
	0x06, 0x00, 0x0a, 0x00, 0xac, 0x51, 0x00, 0x00, 0x05, 0x00, 0x03, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x05, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00,
};

// clang-format on

#define PM_FAMILY 28

static int parse(const uint8_t *b, struct pm_event *ev)
{
	return pm_event_parse((const struct nlmsghdr *)b, PM_FAMILY, ev);
}

static void assert_v4(const struct mc_prefix *p, const char *addr)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, addr, &a), 1);
	assert_int_equal(p->family, AF_INET);
	assert_int_equal(p->plen, 32);
	assert_memory_equal(p->a.raw, &a, 4);
}

#define CONN_HAS                                                                    \
	(PM_HAS_TOKEN | PM_HAS_SADDR | PM_HAS_DADDR | PM_HAS_SPORT | PM_HAS_DPORT | \
	 PM_HAS_LOC_ID | PM_HAS_REM_ID)

static void check_cli_conn(const struct pm_event *ev, uint8_t type)
{
	assert_int_equal(ev->type, type);
	assert_int_equal(ev->has, CONN_HAS);
	assert_int_equal(ev->token, 0xc456ff0c);
	assert_int_equal(ev->family, AF_INET);
	assert_v4(&ev->saddr, "10.0.1.1");
	assert_v4(&ev->daddr, "10.0.1.2");
	assert_int_equal(ev->sport, 34680);
	assert_int_equal(ev->dport, 5001);
	assert_int_equal(ev->loc_id, 0);
	assert_int_equal(ev->rem_id, 0);
	assert_false(ev->server_side);
	assert_int_equal(ev->flags, 0);
	assert_int_equal(ev->error, 0);
}

static void test_listener_created(void **state)
{
	struct pm_event ev;

	assert_int_equal(parse(golden_cli_listener_created, &ev), 0);
	assert_int_equal(ev.type, PM_EV_LISTENER_CREATED);
	assert_string_equal(pm_event_name(ev.type), "listener_created");
	assert_int_equal(ev.has, PM_HAS_SADDR | PM_HAS_SPORT);
	assert_int_equal(ev.family, AF_INET);
	assert_v4(&ev.saddr, "0.0.0.0");
	assert_int_equal(ev.sport, 6000);
	assert_int_equal(ev.token, 0);
}

static void test_created_established(void **state)
{
	struct pm_event ev;

	assert_int_equal(parse(golden_cli_created, &ev), 0);
	check_cli_conn(&ev, PM_EV_CREATED);
	assert_string_equal(pm_event_name(ev.type), "created");
	assert_int_equal(parse(golden_cli_established, &ev), 0);
	check_cli_conn(&ev, PM_EV_ESTABLISHED);
	assert_string_equal(pm_event_name(ev.type), "established");
}

static void test_created_server_side(void **state)
{
	struct pm_event ev;

	assert_int_equal(parse(golden_srv_created, &ev), 0);
	assert_int_equal(ev.type, PM_EV_CREATED);
	assert_int_equal(ev.has, CONN_HAS | PM_HAS_FLAGS);
	assert_int_equal(ev.token, 0x81b3682e);
	assert_int_equal(ev.family, AF_INET);
	assert_v4(&ev.saddr, "10.0.1.2");
	assert_v4(&ev.daddr, "10.0.1.1");
	assert_int_equal(ev.sport, 5001);
	assert_int_equal(ev.dport, 34680);
	assert_true(ev.server_side); /* MPTCP_ATTR_SERVER_SIDE, u8 1 */
	assert_int_equal(ev.flags, 2); /* MPTCP_PM_EV_FLAG_SERVER_SIDE, a u16 */
	assert_int_equal(ev.loc_id, 0);
	assert_int_equal(ev.rem_id, 0);
}

static void test_announced(void **state)
{
	struct pm_event ev;

	assert_int_equal(parse(golden_cli_announced, &ev), 0);
	assert_int_equal(ev.type, PM_EV_ANNOUNCED);
	assert_string_equal(pm_event_name(ev.type), "announced");
	/* The peer's address and id: no local side, no family attribute. */
	assert_int_equal(ev.has, PM_HAS_TOKEN | PM_HAS_REM_ID | PM_HAS_DPORT | PM_HAS_DADDR);
	assert_int_equal(ev.token, 0xc456ff0c);
	assert_int_equal(ev.rem_id, 1);
	assert_int_equal(ev.dport, 5001);
	assert_v4(&ev.daddr, "10.0.2.2");
	assert_int_equal(ev.sport, 0);
	assert_int_equal(ev.saddr.family, 0);
}

static void check_join(const struct pm_event *ev, uint8_t type)
{
	assert_int_equal(ev->type, type);
	assert_int_equal(ev->has, CONN_HAS | PM_HAS_BACKUP);
	assert_int_equal(ev->token, 0xc456ff0c);
	assert_int_equal(ev->family, AF_INET);
	assert_v4(&ev->saddr, "10.0.2.1");
	assert_v4(&ev->daddr, "10.0.2.2");
	assert_int_equal(ev->sport, 44113);
	assert_int_equal(ev->dport, 5001);
	assert_int_equal(ev->loc_id, 1);
	assert_int_equal(ev->rem_id, 1);
	assert_int_equal(ev->backup, 0);
	assert_int_equal(ev->error, 0);
	assert_false(ev->has & PM_HAS_ERROR); /* a clean close: no MPTCP_ATTR_ERROR */
}

static void test_sub_established_closed(void **state)
{
	struct pm_event ev;

	assert_int_equal(parse(golden_cli_sub_established, &ev), 0);
	check_join(&ev, PM_EV_SUB_ESTABLISHED);
	assert_string_equal(pm_event_name(ev.type), "sub_established");
	assert_int_equal(parse(golden_cli_sub_closed, &ev), 0);
	check_join(&ev, PM_EV_SUB_CLOSED);
	assert_string_equal(pm_event_name(ev.type), "sub_closed");
	/* The server's view of the same subflow. */
	assert_int_equal(parse(golden_srv_sub_closed, &ev), 0);
	assert_int_equal(ev.type, PM_EV_SUB_CLOSED);
	assert_int_equal(ev.token, 0x81b3682e);
	assert_v4(&ev.saddr, "10.0.2.2");
	assert_v4(&ev.daddr, "10.0.2.1");
	assert_int_equal(ev.sport, 5001);
	assert_int_equal(ev.dport, 44113);
	assert_int_equal(ev.loc_id, 1);
	assert_int_equal(ev.rem_id, 1);
	assert_false(ev.server_side); /* only created/established carry it */
}

static void test_removed(void **state)
{
	struct pm_event ev;

	assert_int_equal(parse(golden_cli_removed, &ev), 0);
	assert_int_equal(ev.type, PM_EV_REMOVED);
	assert_string_equal(pm_event_name(ev.type), "removed");
	assert_int_equal(ev.has, PM_HAS_TOKEN | PM_HAS_REM_ID);
	assert_int_equal(ev.token, 0xc456ff0c);
	assert_int_equal(ev.rem_id, 1); /* B's endpoint id 1 */
	assert_int_equal(ev.family, 0);
}

static void test_closed(void **state)
{
	struct pm_event ev;

	assert_int_equal(parse(golden_cli_closed, &ev), 0);
	assert_int_equal(ev.type, PM_EV_CLOSED);
	assert_string_equal(pm_event_name(ev.type), "closed");
	assert_int_equal(ev.has, PM_HAS_TOKEN);
	assert_int_equal(ev.token, 0xc456ff0c);
	assert_int_equal(parse(golden_cli_closed_fallback, &ev), 0);
	assert_int_equal(ev.type, PM_EV_CLOSED);
	assert_int_equal(ev.has, PM_HAS_TOKEN);
	assert_int_equal(ev.token, 0x549dd739);
}

static void test_names(void **state)
{
	assert_string_equal(pm_event_name(PM_EV_SUB_PRIORITY), "sub_priority");
	assert_string_equal(pm_event_name(PM_EV_LISTENER_CLOSED), "listener_closed");
	assert_string_equal(pm_event_name(0), "unknown");
	assert_string_equal(pm_event_name(4), "unknown");
	assert_string_equal(pm_event_name(255), "unknown");
}

/* ---- malformed ---- */

static const uint8_t *const goldens[] = {
	golden_cli_listener_created, golden_cli_created,	 golden_cli_established,
	golden_cli_announced,	     golden_cli_sub_established, golden_cli_removed,
	golden_cli_sub_closed,	     golden_cli_closed,		 golden_cli_closed_fallback,
	golden_srv_created,	     golden_srv_sub_closed,
};

static void test_truncated(void **state)
{
	for (size_t g = 0; g < sizeof(goldens) / sizeof(goldens[0]); g++) {
		uint32_t full = ((const struct nlmsghdr *)goldens[g])->nlmsg_len;

		for (uint32_t len = MNL_NLMSG_HDRLEN; len <= full; len++) {
			struct nlmsghdr *nlh = malloc(len);
			struct pm_event ev;
			int ret;

			assert_non_null(nlh);
			memcpy(nlh, goldens[g], len);
			nlh->nlmsg_len = len;
			ret = pm_event_parse(nlh, PM_FAMILY, &ev);
			if (ret != 0 && ret != -EBADMSG)
				fail_msg("golden %zu cut at %u: %d", g, len, ret);
			if (len < MNL_NLMSG_HDRLEN + GENL_HDRLEN)
				assert_int_equal(ret, -EBADMSG);
			if (len == full)
				assert_int_equal(ret, 0);
			free(nlh);
		}
	}
}

static void test_wrong_family(void **state)
{
	uint8_t buf[sizeof(golden_cli_created)] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct pm_event ev;

	memcpy(buf, golden_cli_created, sizeof(buf));
	assert_int_equal(pm_event_parse(nlh, PM_FAMILY + 1, &ev), -ENOENT);
	assert_int_equal(pm_event_parse(nlh, GENL_ID_CTRL, &ev), -ENOENT);
	assert_int_equal(ev.token, 0); /* cleared even then */
	nlh->nlmsg_type = NLMSG_ERROR;
	assert_int_equal(pm_event_parse(nlh, PM_FAMILY, &ev), -ENOENT);
	nlh->nlmsg_type = NLMSG_DONE;
	assert_int_equal(pm_event_parse(nlh, PM_FAMILY, &ev), -ENOENT);
}

/* An event of the captured family with one attribute of len bytes. */
static const struct nlmsghdr *one_attr(void *buf, uint16_t type, const void *data, size_t len)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = PM_FAMILY;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = PM_EV_SUB_ESTABLISHED;
	g->version = 1;
	mnl_attr_put(nlh, type, len, data);
	return nlh;
}

static int parse_one(uint16_t type, const void *data, size_t len, struct pm_event *ev)
{
	uint8_t buf[256] __attribute__((aligned(4)));

	return pm_event_parse(one_attr(buf, type, data, len), PM_FAMILY, ev);
}

static void test_addr_len(void **state)
{
	const uint8_t a16[32] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }; /* 16 and
											  spare */
	struct pm_event ev;

	assert_int_equal(parse_one(PM_ATTR_SADDR4, a16, 16, &ev), -EBADMSG);
	assert_int_equal(parse_one(PM_ATTR_SADDR4, a16, 3, &ev), -EBADMSG);
	assert_int_equal(parse_one(PM_ATTR_SADDR4, a16, 0, &ev), -EBADMSG);
	assert_int_equal(parse_one(PM_ATTR_DADDR4, a16, 5, &ev), -EBADMSG);
	assert_int_equal(parse_one(PM_ATTR_SADDR6, a16, 4, &ev), -EBADMSG);
	assert_int_equal(parse_one(PM_ATTR_DADDR6, a16, 15, &ev), -EBADMSG);
	assert_int_equal(parse_one(PM_ATTR_DADDR6, a16, 17, &ev), -EBADMSG);
	/* The right sizes. */
	assert_int_equal(parse_one(PM_ATTR_SADDR6, a16, 16, &ev), 0);
	assert_int_equal(ev.has, PM_HAS_SADDR);
	assert_int_equal(ev.saddr.family, AF_INET6);
	assert_int_equal(ev.saddr.plen, 128);
	assert_memory_equal(ev.saddr.a.raw, a16, 16);
	assert_int_equal(ev.family, AF_INET6); /* from the address when no family attr */
	assert_int_equal(parse_one(PM_ATTR_DADDR6, a16, 16, &ev), 0);
	assert_int_equal(ev.daddr.family, AF_INET6);
}

static void test_port_len(void **state)
{
	const uint8_t p[4] = { 0x13, 0x89, 0, 0 };
	struct pm_event ev;

	assert_int_equal(parse_one(PM_ATTR_SPORT, p, 4, &ev), -EBADMSG);
	assert_int_equal(parse_one(PM_ATTR_DPORT, p, 4, &ev), -EBADMSG);
	assert_int_equal(parse_one(PM_ATTR_SPORT, p, 1, &ev), -EBADMSG);
	assert_int_equal(parse_one(PM_ATTR_DPORT, p, 0, &ev), -EBADMSG);
	assert_int_equal(parse_one(PM_ATTR_DPORT, p, 2, &ev), 0);
	assert_int_equal(ev.dport, 5001); /* network order on the wire */
	assert_int_equal(ev.has, PM_HAS_DPORT);
}

static void test_int_len(void **state)
{
	const uint16_t ints[] = { PM_ATTR_TOKEN,       PM_ATTR_FAMILY,	PM_ATTR_LOC_ID,
				  PM_ATTR_REM_ID,      PM_ATTR_BACKUP,	PM_ATTR_ERROR,
				  PM_ATTR_IF_IDX,      PM_ATTR_TIMEOUT, PM_ATTR_RESET_REASON,
				  PM_ATTR_RESET_FLAGS, PM_ATTR_FLAGS,	PM_ATTR_SERVER_SIDE };
	const uint8_t v[8] = { 7, 0, 0, 0, 0, 0, 0, 0 };
	struct pm_event ev;

	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		assert_int_equal(parse_one(ints[i], v, 3, &ev), -EBADMSG);
		assert_int_equal(parse_one(ints[i], v, 8, &ev), -EBADMSG);
		assert_int_equal(parse_one(ints[i], v, 0, &ev), -EBADMSG);
		/* 1, 2 and 4 bytes: kernels have changed some widths. */
		assert_int_equal(parse_one(ints[i], v, 1, &ev), 0);
		assert_int_equal(parse_one(ints[i], v, 2, &ev), 0);
		assert_int_equal(parse_one(ints[i], v, 4, &ev), 0);
	}
	assert_int_equal(parse_one(PM_ATTR_TOKEN, "\x0c\xff\x56\xc4", 4, &ev), 0);
	assert_int_equal(ev.token, 0xc456ff0c);
	assert_int_equal(parse_one(PM_ATTR_ERROR, "\x68\0\0\0", 4, &ev), 0);
	assert_int_equal(ev.has, PM_HAS_ERROR);
	assert_int_equal(ev.error, 104); /* ECONNRESET */
	assert_int_equal(parse_one(PM_ATTR_IF_IDX, "\xff\xff\xff\xff", 4, &ev), 0);
	assert_int_equal(ev.if_idx, -1);
	assert_int_equal(parse_one(PM_ATTR_RESET_REASON, "\x01\0\0\0", 4, &ev), 0);
	assert_int_equal(ev.has, PM_HAS_RESET);
	assert_int_equal(ev.reset_reason, 1);
	assert_int_equal(parse_one(PM_ATTR_LOC_ID, "\x01\x01", 2, &ev), 0);
	assert_int_equal(ev.loc_id, 1); /* wider than an id: truncated to u8 */
}

static void test_malformed_frame(void **state)
{
	uint8_t buf[sizeof(golden_cli_created)] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nlattr *a;
	struct pm_event ev;

	/* An attribute whose length runs past the message. */
	memcpy(buf, golden_cli_created, sizeof(buf));
	a = (struct nlattr *)(buf + MNL_NLMSG_HDRLEN + GENL_HDRLEN);
	a->nla_len = 200;
	assert_int_equal(pm_event_parse(nlh, PM_FAMILY, &ev), -EBADMSG);
	/* An attribute shorter than its own header. */
	a->nla_len = 2;
	assert_int_equal(pm_event_parse(nlh, PM_FAMILY, &ev), -EBADMSG);
	/* Unknown attributes (a newer kernel) are skipped. */
	memcpy(buf, golden_cli_created, sizeof(buf));
	a->nla_type = PM_ATTR_MAX + 5;
	assert_int_equal(pm_event_parse(nlh, PM_FAMILY, &ev), 0);
	assert_false(ev.has & PM_HAS_TOKEN);
	assert_int_equal(ev.sport, 34680);
	/* A genl header only: an event with nothing in it. */
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + GENL_HDRLEN;
	assert_int_equal(pm_event_parse(nlh, PM_FAMILY, &ev), 0);
	assert_int_equal(ev.type, PM_EV_CREATED);
	assert_int_equal(ev.has, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listener_created),
		cmocka_unit_test(test_created_established),
		cmocka_unit_test(test_created_server_side),
		cmocka_unit_test(test_announced),
		cmocka_unit_test(test_sub_established_closed),
		cmocka_unit_test(test_removed),
		cmocka_unit_test(test_closed),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_wrong_family),
		cmocka_unit_test(test_addr_len),
		cmocka_unit_test(test_port_len),
		cmocka_unit_test(test_int_len),
		cmocka_unit_test(test_malformed_frame),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
