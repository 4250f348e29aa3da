// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * src/bench: the iperf3 control protocol (proto.c) on the golden text of a
 * real iperf3 and on malformed text, and the MPTCP_FULL_INFO decoder
 * (sfinfo.c) on golden bytes of the real kernel and on crafted answers.
 *
 * How the golden text was captured (iperf3 3.12 with its cJSON 1.7.15,
 * strace 6.1, kernel 6.18.44, x86_64), in a throw-away namespace with only lo
 * up (the root namespace was never touched):
 *
 *   ip netns exec $NS iperf3 -s -1 &
 *   ip netns exec $NS strace -e trace=write -s 700 -xx iperf3 -c 127.0.0.1 -t 1
 *
 * each JSON is the bytes of one write() to the control socket (the wire
 * form: unformatted, after a 4-byte big-endian length, e.g. 00 00 00 7b before
 * the 123 bytes of the parameters); the server's send_results the same way
 * from a strace of the server. Three more clients against the same server:
 * "-n 1M -R -P 2 -w 256K -l 64K -N -M 1400 -C cubic --get-server-output -Z
 * -b 2G", "-t 1 --bidir -O 1" and "-u -t 1 -b 1M". With -d, iperf3 prints the
 * same objects formatted ("send_parameters:", "send_results", "get_results");
 * its get_results print re-formats the peer's 18446744073709551615 (iperf3's
 * -1 as an unsigned 64-bit number) as 1.8446744073709552e+19.
 *
 * How the MPTCP_FULL_INFO bytes were captured: a throw-away program in a
 * throw-away namespace (lo up, 127.0.0.2/8 added to lo, net.mptcp.enabled=1,
 * "ip mptcp limits set subflow 2 add_addr_accepted 2", "ip mptcp endpoint add
 * 127.0.0.2 dev lo subflow"): an MPTCP listener on 127.0.0.1:5601, an MPTCP
 * client to it (the path manager added the join subflow from 127.0.0.2), 56 MiB
 * from the client to the server (the last 16 MiB with a 4 KiB SO_RCVBUF on the
 * server, so that the scheduler used both subflows), then getsockopt(SOL_MPTCP,
 * MPTCP_FULL_INFO) asking for sizeof(struct tcp_info) (232 with Debian 12's
 * 6.1 headers; the kernel's is 280) and sizeof(struct mptcp_subflow_info)
 * (264), on the client socket and on the server's accepted one with arrays of
 * 8, and on the client socket with an array of 1. The header is what the kernel
 * wrote back (optlen 136), with the two user pointers zeroed; the arrays are
 * num_subflows (at most size_arrays_user) elements of the sizes written back.
 * The program printed, from the same buffers:
 *
 *   cli: tcpinfo kernel/user 280/232, sfinfo 264/264, num 2, arrays 8, flags 0x2
 *     sf id 1 127.0.0.1:43486 -> 127.0.0.1:5601 state 1 rtt 38685 cwnd 12
 *        mss 62976 acked 58667185 received 0 sent 58667184 retrans 0
 *     sf id 2 127.0.0.2:53521 -> 127.0.0.1:5601 state 1 rtt 10 cwnd 10
 *        mss 62976 acked 53073 received 0 sent 53072 retrans 0
 *   srv: (the same sizes)
 *     sf id 1 127.0.0.1:5601 -> 127.0.0.1:43486 rtt 28 cwnd 10 mss 32768
 *        acked 0 received 58667184
 *     sf id 2 127.0.0.1:5601 -> 127.0.0.2:53521 rtt 1000 cwnd 10 mss 32768
 *        acked 0 received 53072
 *
 * An MPTCP socket that fell back to TCP answers MPTCP_FULL_INFO with
 * EOPNOTSUPP on this kernel (tried: MPTCP client to a plain TCP listener), so
 * the fallback flag is tested on crafted bytes only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "bench/bench.h"
#include "uapi/mptcp_uapi.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* TCP_ESTABLISHED (include/net/tcp_states.h; <netinet/tcp.h> clashes with <linux/tcp.h>) */
#define SF_ESTABLISHED 1

/* ---- golden iperf3 3.12 text ---- */

/* The client's parameters, "iperf3 -c 127.0.0.1 -t 1" (123 bytes). */
static const char iperf3_params[] =
	"{\"tcp\":true,\"omit\":0,\"time\":1,\"num\":0,\"blockcount\":0,\"parallel\":1,"
	"\"len\":131072,\"pacing_timer\":1000,\"client_version\":\"3.12\"}";

/* The same object as "iperf3 -d" printed it (send_parameters:). */
static const char iperf3_params_printed[] = "{\n"
					    "\t\"tcp\":\ttrue,\n"
					    "\t\"omit\":\t0,\n"
					    "\t\"time\":\t1,\n"
					    "\t\"num\":\t0,\n"
					    "\t\"blockcount\":\t0,\n"
					    "\t\"parallel\":\t1,\n"
					    "\t\"len\":\t131072,\n"
					    "\t\"pacing_timer\":\t1000,\n"
					    "\t\"client_version\":\t\"3.12\"\n"
					    "}";

/* "-n 1M -R -P 2 -w 256K -l 64K -N -M 1400 -C cubic --get-server-output -Z -b 2G" (264). */
static const char iperf3_params_many[] =
	"{\"tcp\":true,\"omit\":0,\"time\":0,\"num\":1048576,\"blockcount\":0,\"MSS\":1400,"
	"\"nodelay\":true,\"parallel\":2,\"reverse\":true,\"window\":262144,\"len\":65536,"
	"\"bandwidth\":2000000000,\"pacing_timer\":1000,\"congestion\":\"cubic\","
	"\"get_server_output\":1,\"zerocopy\":1,\"client_version\":\"3.12\"}";

/* "-t 1 --bidir -O 1" (144). */
static const char iperf3_params_bidir[] =
	"{\"tcp\":true,\"omit\":1,\"time\":1,\"num\":0,\"blockcount\":0,\"parallel\":1,"
	"\"bidirectional\":true,\"len\":131072,\"pacing_timer\":1000,\"client_version\":\"3.12\"}";

/* "-u -t 1 -b 1M" (142). */
static const char iperf3_params_udp[] =
	"{\"udp\":true,\"omit\":0,\"time\":1,\"num\":0,\"blockcount\":0,\"parallel\":1,"
	"\"len\":32768,\"bandwidth\":1000000,\"pacing_timer\":1000,\"client_version\":\"3.12\"}";

/* "-t 1": the client's (the sender's) send_results (287). */
static const char iperf3_results_sender[] =
	"{\"cpu_util_total\":33.456549960974215,\"cpu_util_user\":0.78320377833351917,"
	"\"cpu_util_system\":32.67573551665366,\"sender_has_retransmits\":1,"
	"\"congestion_used\":\"bbr\",\"streams\":[{\"id\":1,\"bytes\":1516503040,"
	"\"retransmits\":131,\"jitter\":0,\"errors\":0,\"packets\":0,\"start_time\":0,"
	"\"end_time\":1.000672}]}";

/* "-t 1": the server's (the receiver's) send_results (324). */
static const char iperf3_results_receiver[] =
	"{\"cpu_util_total\":37.849278326220116,\"cpu_util_user\":0.86686731467852718,"
	"\"cpu_util_system\":36.983709165566566,\"sender_has_retransmits\":18446744073709551615,"
	"\"congestion_used\":\"bbr\",\"streams\":[{\"id\":1,\"bytes\":1512177664,"
	"\"retransmits\":18446744073709551615,\"jitter\":0,\"errors\":0,\"packets\":0,"
	"\"start_time\":0,\"end_time\":1.001381}]}";

/* "--bidir": the client's send_results, one stream each way (416). */
static const char iperf3_results_bidir[] =
	"{\"cpu_util_total\":53.8461576867983,\"cpu_util_user\":0.85562260936686318,"
	"\"cpu_util_system\":52.990585005809166,\"sender_has_retransmits\":1,"
	"\"congestion_used\":\"bbr\",\"streams\":[{\"id\":1,\"bytes\":1844183040,"
	"\"retransmits\":32,\"jitter\":0,\"errors\":0,\"packets\":0,\"start_time\":0,"
	"\"end_time\":1.000352},{\"id\":3,\"bytes\":246415360,"
	"\"retransmits\":18446744073709551615,\"jitter\":0,\"errors\":0,\"packets\":0,"
	"\"start_time\":0,\"end_time\":1.000369}]}";

/* "-R -P 2 ...": the (receiving) client's send_results (432). */
static const char iperf3_results_reverse[] =
	"{\"cpu_util_total\":12.927655024946544,\"cpu_util_user\":0,"
	"\"cpu_util_system\":12.785103349964361,\"sender_has_retransmits\":18446744073709551615,"
	"\"congestion_used\":\"cubic\",\"streams\":[{\"id\":1,\"bytes\":589824,"
	"\"retransmits\":18446744073709551615,\"jitter\":0,\"errors\":0,\"packets\":0,"
	"\"start_time\":0,\"end_time\":0.002261},{\"id\":3,\"bytes\":524288,"
	"\"retransmits\":18446744073709551615,\"jitter\":0,\"errors\":0,\"packets\":0,"
	"\"start_time\":0,\"end_time\":0.002277}]}";

/* The client's "iperf3 -d" print of the server's results (get_results), re-formatted. */
static const char iperf3_results_printed[] =
	"{\n"
	"\t\"cpu_util_total\":\t33.061908789356558,\n"
	"\t\"cpu_util_user\":\t1.2814437586350995,\n"
	"\t\"cpu_util_system\":\t31.780465030721462,\n"
	"\t\"sender_has_retransmits\":\t1.8446744073709552e+19,\n"
	"\t\"congestion_used\":\t\"bbr\",\n"
	"\t\"streams\":\t[{\n"
	"\t\t\t\"id\":\t1,\n"
	"\t\t\t\"bytes\":\t3233480651,\n"
	"\t\t\t\"retransmits\":\t1.8446744073709552e+19,\n"
	"\t\t\t\"jitter\":\t0,\n"
	"\t\t\t\"errors\":\t0,\n"
	"\t\t\t\"packets\":\t0,\n"
	"\t\t\t\"start_time\":\t0,\n"
	"\t\t\t\"end_time\":\t1.000271\n"
	"\t\t}]\n"
	"}";

/* The cookie of the "-t 1" run, as the client wrote it on both connections. */
static const char iperf3_cookie[BENCH_COOKIE_SIZE] = "ar5tx6e66ugork3gcrizflf4brct2gbsykn5";

/* ---- golden MPTCP_FULL_INFO bytes ---- */

// clang-format off
/* cli: struct mptcp_full_info as written back (optlen 136; user pointers zeroed). */
static const uint8_t golden_fi_cli_hdr[136] __attribute__((aligned(8))) = {
	0x18, 0x01, 0x00, 0x00, 0xe8, 0x00, 0x00, 0x00, 0x08, 0x01, 0x00, 0x00,
	0x08, 0x01, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x02, 0x00, 0x02, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x02, 0x47, 0xfb, 0xa3, 0x00, 0xe7, 0xa1, 0x56,
	0xe0, 0xe2, 0xb6, 0x3e, 0x00, 0xe7, 0xa1, 0x56, 0xe0, 0xe2, 0xb6, 0x3e,
	0xe7, 0x7d, 0xa2, 0x7e, 0x83, 0x42, 0xb8, 0x7a, 0x01, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x80, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x03, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x08, 0x94, 0x01, 0x00,
	0x64, 0x00, 0x00, 0x00,
};

/* cli: the struct mptcp_subflow_info array. */
static const uint8_t golden_fi_cli_sfi[528] __attribute__((aligned(8))) = {
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0xa9, 0xde,
	0x7f, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x15, 0xe1, 0x7f, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0xd1, 0x11,
	0x7f, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x15, 0xe1, 0x7f, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* cli: the struct tcp_info array (232-byte elements). */
static const uint8_t golden_fi_cli_ti[464] __attribute__((aligned(8))) = {
	0x01, 0x00, 0x00, 0x00, 0x00, 0x07, 0xaa, 0x00, 0x80, 0xa9, 0x03, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0xf6, 0x00, 0x00, 0x18, 0x02, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x08, 0x94, 0x01, 0x00, 0x64, 0x00, 0x00, 0x00,
	0xff, 0xff, 0x00, 0x00, 0xd7, 0xff, 0x00, 0x00, 0x1d, 0x97, 0x00, 0x00,
	0xa2, 0x05, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00,
	0xcb, 0xff, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xd7, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x74, 0x90, 0x5c, 0x04,
	0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xb1, 0x30, 0x7f, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x1c, 0x0e, 0x00, 0x00, 0x9a, 0x0b, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x1a, 0x0e, 0x00, 0x00, 0xea, 0x49, 0x86, 0x03, 0x00, 0x00, 0x00, 0x00,
	0x20, 0x9e, 0x22, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x60, 0x9a, 0x1f, 0x04, 0x00, 0x00, 0x00, 0x00,
	0x1b, 0x0e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xb0, 0x30, 0x7f, 0x03,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x1c, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x07, 0xaa, 0x00,
	0xe0, 0x1c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf6, 0x00, 0x00,
	0x18, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x6c, 0x92, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0xdc, 0x92, 0x01, 0x00,
	0x6c, 0x92, 0x01, 0x00, 0xff, 0xff, 0x00, 0x00, 0xd7, 0xff, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x00, 0xcb, 0xff, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0xd7, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xfb, 0xe5, 0x20, 0x04, 0x02, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0x51, 0xcf, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x74, 0x02, 0x00, 0x00,
	0x74, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x72, 0x02, 0x00, 0x00, 0x00, 0x20, 0xce, 0x38,
	0x01, 0x00, 0x00, 0x00, 0x40, 0x1f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x73, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x50, 0xcf, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00,
};

/* srv: struct mptcp_full_info as written back (optlen 136; user pointers zeroed). */
static const uint8_t golden_fi_srv_hdr[136] __attribute__((aligned(8))) = {
	0x18, 0x01, 0x00, 0x00, 0xe8, 0x00, 0x00, 0x00, 0x08, 0x01, 0x00, 0x00,
	0x08, 0x01, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x02, 0x00, 0x02, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x25, 0x44, 0x10, 0xf3, 0xe7, 0x7d, 0xa2, 0x7e,
	0x83, 0x42, 0xb8, 0x7a, 0xe7, 0x7d, 0xa2, 0x7e, 0x83, 0x42, 0xb8, 0x7a,
	0x00, 0xe7, 0xa1, 0x56, 0xe0, 0xe2, 0xb6, 0x3e, 0x01, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x03,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x08, 0x94, 0x01, 0x00, 0x64, 0x00, 0x00, 0x00,
	0x64, 0x00, 0x00, 0x00,
};

/* srv: the struct mptcp_subflow_info array. */
static const uint8_t golden_fi_srv_sfi[528] __attribute__((aligned(8))) = {
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x15, 0xe1,
	0x7f, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0xa9, 0xde, 0x7f, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x15, 0xe1,
	0x7f, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0xd1, 0x11, 0x7f, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* srv: the struct tcp_info array (232-byte elements). */
static const uint8_t golden_fi_srv_ti[464] __attribute__((aligned(8))) = {
	0x01, 0x00, 0x00, 0x00, 0x00, 0x07, 0xaa, 0x01, 0xe0, 0x1c, 0x03, 0x00,
	0x80, 0x32, 0x02, 0x00, 0x00, 0x80, 0x00, 0x00, 0x18, 0x1c, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x94, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00,
	0xff, 0xff, 0x00, 0x00, 0x2c, 0xeb, 0x01, 0x00, 0x1c, 0x00, 0x00, 0x00,
	0x0e, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x7f, 0x0a, 0x00, 0x00, 0x00,
	0xcb, 0xff, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x42, 0x00, 0x00, 0x00,
	0xcb, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2b, 0x90, 0x7a, 0xc9,
	0x07, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xb0, 0x30, 0x7f, 0x03,
	0x00, 0x00, 0x00, 0x00, 0x99, 0x0b, 0x00, 0x00, 0x1c, 0x0e, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x1a, 0x0e, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x07, 0xaa, 0x01,
	0xe0, 0x1c, 0x03, 0x00, 0x40, 0x9c, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00,
	0x00, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xdc, 0x92, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x6c, 0x92, 0x01, 0x00,
	0x6c, 0x92, 0x01, 0x00, 0xff, 0xff, 0x00, 0x00, 0x20, 0x19, 0x00, 0x00,
	0xe8, 0x03, 0x00, 0x00, 0xf4, 0x01, 0x00, 0x00, 0xff, 0xff, 0xff, 0x7f,
	0x0a, 0x00, 0x00, 0x00, 0xcb, 0xff, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x20, 0x19, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x82, 0x3e, 0xd1, 0x37, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x50, 0xcf, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x73, 0x02, 0x00, 0x00,
	0x74, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe8, 0x03, 0x00, 0x00,
	0x72, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
};

/* room1: struct mptcp_full_info as written back (optlen 136; user pointers zeroed). */
static const uint8_t golden_fi_room1_hdr[136] __attribute__((aligned(8))) = {
	0x18, 0x01, 0x00, 0x00, 0xe8, 0x00, 0x00, 0x00, 0x08, 0x01, 0x00, 0x00,
	0x08, 0x01, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x02, 0x00, 0x02, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x02, 0x47, 0xfb, 0xa3, 0x00, 0xe7, 0xa1, 0x56,
	0xe0, 0xe2, 0xb6, 0x3e, 0x00, 0xe7, 0xa1, 0x56, 0xe0, 0xe2, 0xb6, 0x3e,
	0xe7, 0x7d, 0xa2, 0x7e, 0x83, 0x42, 0xb8, 0x7a, 0x01, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x80, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x03, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x08, 0x94, 0x01, 0x00,
	0x64, 0x00, 0x00, 0x00,
};

/* room1: the struct mptcp_subflow_info array. */
static const uint8_t golden_fi_room1_sfi[264] __attribute__((aligned(8))) = {
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0xa9, 0xde,
	0x7f, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x15, 0xe1, 0x7f, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* room1: the struct tcp_info array (232-byte elements). */
static const uint8_t golden_fi_room1_ti[232] __attribute__((aligned(8))) = {
	0x01, 0x00, 0x00, 0x00, 0x00, 0x07, 0xaa, 0x00, 0x80, 0xa9, 0x03, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0xf6, 0x00, 0x00, 0x18, 0x02, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x08, 0x94, 0x01, 0x00, 0x64, 0x00, 0x00, 0x00,
	0xff, 0xff, 0x00, 0x00, 0xd7, 0xff, 0x00, 0x00, 0x1d, 0x97, 0x00, 0x00,
	0xa2, 0x05, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00,
	0xcb, 0xff, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xd7, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x74, 0x90, 0x5c, 0x04,
	0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xb1, 0x30, 0x7f, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x1c, 0x0e, 0x00, 0x00, 0x9a, 0x0b, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x1a, 0x0e, 0x00, 0x00, 0xea, 0x49, 0x86, 0x03, 0x00, 0x00, 0x00, 0x00,
	0x20, 0x9e, 0x22, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x60, 0x9a, 0x1f, 0x04, 0x00, 0x00, 0x00, 0x00,
	0x1b, 0x0e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xb0, 0x30, 0x7f, 0x03,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x1c, 0x00, 0x00,
};

// clang-format on

/* ---- helpers ---- */

#define assert_dbl(a, b)                                                    \
	do {                                                                \
		double a_ = (a), b_ = (b);                                  \
		if (a_ != b_)                                               \
			fail_msg("%s = %.17g, expected %.17g", #a, a_, b_); \
	} while (0)

static void assert_err(int ret, const struct mc_err *e, int code, const char *words)
{
	if (ret != code)
		fail_msg("returned %d (%s), expected %d; message \"%s\"", ret, strerror(-ret), code,
			 e->what);
	assert_int_equal(e->code, code);
	if (!strstr(e->what, words))
		fail_msg("message \"%s\" does not say \"%s\"", e->what, words);
}

static int params_decode(const char *json, struct bench_params *p, struct mc_err *e)
{
	mc_err_clear(e);
	return bench_params_decode(json, strlen(json), p, e);
}

static int results_decode(const char *json, struct bench_results *r, struct mc_err *e)
{
	mc_err_clear(e);
	return bench_results_decode(json, strlen(json), r, e);
}

/* A heap copy of exactly len bytes (no NUL after it): reads past len are ASan's to catch. */
static char *exact(const char *s, size_t len)
{
	char *b = malloc(len ? len : 1);

	assert_non_null(b);
	memcpy(b, s, len);
	return b;
}

static void assert_params_equal(const struct bench_params *a, const struct bench_params *b)
{
	assert_int_equal(a->time_s, b->time_s);
	assert_int_equal(a->bytes, b->bytes);
	assert_int_equal(a->blocks, b->blocks);
	assert_int_equal(a->parallel, b->parallel);
	assert_int_equal(a->reverse, b->reverse);
	assert_int_equal(a->bidir, b->bidir);
	assert_int_equal(a->window, b->window);
	assert_int_equal(a->len, b->len);
	assert_int_equal(a->omit, b->omit);
	assert_int_equal(a->mss, b->mss);
	assert_int_equal(a->nodelay, b->nodelay);
	assert_int_equal(a->bandwidth, b->bandwidth);
	assert_int_equal(a->zerocopy, b->zerocopy);
	assert_int_equal(a->get_server_output, b->get_server_output);
	assert_string_equal(a->congestion, b->congestion);
	assert_string_equal(a->client_version, b->client_version);
	assert_int_equal(a->ours, b->ours);
	assert_int_equal(a->verify, b->verify);
}

static void assert_results_equal(const struct bench_results *a, const struct bench_results *b)
{
	assert_dbl(a->cpu_total, b->cpu_total);
	assert_dbl(a->cpu_user, b->cpu_user);
	assert_dbl(a->cpu_system, b->cpu_system);
	assert_int_equal(a->sender_has_retransmits, b->sender_has_retransmits);
	assert_string_equal(a->congestion, b->congestion);
	assert_int_equal(a->nstreams, b->nstreams);
	for (int i = 0; i < a->nstreams; i++) {
		assert_int_equal(a->streams[i].id, b->streams[i].id);
		assert_int_equal(a->streams[i].bytes, b->streams[i].bytes);
		assert_int_equal(a->streams[i].retransmits, b->streams[i].retransmits);
		assert_dbl(a->streams[i].start_time, b->streams[i].start_time);
		assert_dbl(a->streams[i].end_time, b->streams[i].end_time);
	}
	assert_int_equal(a->has_verify, b->has_verify);
	assert_int_equal(a->verified_bytes, b->verified_bytes);
	assert_int_equal(a->bad_bytes, b->bad_bytes);
	assert_int_equal(a->peer_mptcp, b->peer_mptcp);
	assert_int_equal(a->ours, b->ours);
	assert_int_equal(a->rx_lowat, b->rx_lowat);
}

/* ---- parameters ---- */

static void test_params_iperf3(void **state)
{
	struct bench_params p;
	struct mc_err e;
	char *buf;

	assert_int_equal(sizeof(iperf3_params) - 1, 123); /* the length prefix said 0x7b */
	/* Exactly the bytes read, no NUL after them (the API takes a length). */
	buf = exact(iperf3_params, sizeof(iperf3_params) - 1);
	mc_err_clear(&e);
	assert_int_equal(bench_params_decode(buf, sizeof(iperf3_params) - 1, &p, &e), 0);
	free(buf);
	assert_int_equal(e.code, 0);
	assert_int_equal(p.time_s, 1);
	assert_int_equal(p.bytes, 0);
	assert_int_equal(p.blocks, 0);
	assert_int_equal(p.parallel, 1);
	assert_int_equal(p.len, 131072);
	assert_int_equal(p.omit, 0);
	assert_false(p.reverse);
	assert_false(p.bidir);
	assert_int_equal(p.window, 0);
	assert_int_equal(p.mss, 0);
	assert_false(p.nodelay);
	assert_int_equal(p.bandwidth, 0);
	assert_int_equal(p.zerocopy, 0);
	assert_false(p.get_server_output);
	assert_string_equal(p.congestion, "");
	assert_string_equal(p.client_version, "3.12");
	assert_false(p.ours); /* no "mptcpctl" object: a plain iperf3 */
	assert_false(p.verify);
}

static void test_params_iperf3_printed(void **state)
{
	struct bench_params wire, printed;
	struct mc_err e;

	assert_int_equal(params_decode(iperf3_params, &wire, &e), 0);
	assert_int_equal(params_decode(iperf3_params_printed, &printed, &e), 0);
	assert_params_equal(&printed, &wire);
}

static void test_params_iperf3_options(void **state)
{
	struct bench_params p;
	struct mc_err e;

	assert_int_equal(sizeof(iperf3_params_many) - 1, 264);
	assert_int_equal(params_decode(iperf3_params_many, &p, &e), 0);
	assert_int_equal(p.time_s, 0);
	assert_int_equal(p.bytes, 1048576);
	assert_int_equal(p.blocks, 0);
	assert_int_equal(p.mss, 1400);
	assert_true(p.nodelay);
	assert_int_equal(p.parallel, 2);
	assert_true(p.reverse);
	assert_false(p.bidir);
	assert_int_equal(p.window, 262144);
	assert_int_equal(p.len, 65536);
	assert_int_equal(p.bandwidth, 2000000000);
	assert_string_equal(p.congestion, "cubic");
	assert_true(p.get_server_output);
	assert_int_equal(p.zerocopy, 1);
	assert_string_equal(p.client_version, "3.12");
	assert_false(p.ours);

	assert_int_equal(sizeof(iperf3_params_bidir) - 1, 144);
	assert_int_equal(params_decode(iperf3_params_bidir, &p, &e), 0);
	assert_int_equal(p.time_s, 1);
	assert_int_equal(p.omit, 1);
	assert_true(p.bidir);
	assert_false(p.reverse);
	assert_int_equal(p.parallel, 1);
	assert_int_equal(p.len, 131072);

	assert_int_equal(sizeof(iperf3_params_udp) - 1, 142);
	assert_err(params_decode(iperf3_params_udp, &p, &e), &e, -EPROTONOSUPPORT, "UDP");
}

/* Our defaults on the wire: iperf3's keys in iperf3's order, then our object. */
static void test_params_encode_default(void **state)
{
	static const char want[] =
		"{\"tcp\":true,\"omit\":0,\"time\":10,\"num\":0,\"blockcount\":0,\"parallel\":1,"
		"\"len\":131072,\"pacing_timer\":1000,\"client_version\":\"mptcpctl " MPTCPCTL_VERSION
		"\",\"mptcpctl\":{\"version\":\"" MPTCPCTL_VERSION "\",\"verify\":false}}";
	struct bench_params p, q;
	struct mc_err e;
	char *json = NULL;

	bench_params_default(&p);
	assert_int_equal(p.time_s, 10);
	assert_int_equal(p.parallel, 1);
	assert_int_equal(p.len, 128 * 1024);
	assert_string_equal(p.client_version, "mptcpctl " MPTCPCTL_VERSION);
	assert_int_equal(bench_params_encode(&p, &json), 0);
	assert_non_null(json);
	assert_string_equal(json, want);
	assert_int_equal(params_decode(json, &q, &e), 0);
	free(json);
	p.ours = true; /* the "mptcpctl" object says so */
	assert_params_equal(&q, &p);
}

static void test_params_roundtrip(void **state)
{
	struct bench_params p, q;
	struct mc_err e;
	char *json = NULL;

	bench_params_default(&p);
	p.time_s = 0;
	p.bytes = 5000000000ULL;
	p.blocks = 7;
	p.parallel = BENCH_MAX_STREAMS;
	p.reverse = true;
	p.bidir = true;
	p.window = 4 << 20;
	p.len = BENCH_MAX_LEN;
	p.omit = 2;
	p.mss = 1400;
	p.nodelay = true;
	p.bandwidth = 1000000000;
	p.zerocopy = 1;
	p.get_server_output = true;
	strcpy(p.congestion, "cubic");
	strcpy(p.client_version, "mptcpctl \"quoted\" \\ test");
	p.verify = true;
	assert_int_equal(bench_params_encode(&p, &json), 0);
	assert_non_null(strstr(json, "\"mptcpctl\":{\"version\":\"" MPTCPCTL_VERSION
				     "\",\"verify\":true}"));
	assert_int_equal(params_decode(json, &q, &e), 0);
	free(json);
	p.ours = true;
	assert_params_equal(&q, &p);

	/* Limits are inclusive. */
	assert_int_equal(params_decode("{\"time\":86400,\"parallel\":128,\"len\":1048576}", &q, &e),
			 0);
	assert_int_equal(q.time_s, BENCH_MAX_TIME);
	assert_int_equal(q.parallel, 128);
	assert_int_equal(q.len, 1048576);
	/* An end by bytes or blocks alone; integral doubles are integers. */
	assert_int_equal(params_decode("{\"time\":0,\"num\":1}", &q, &e), 0);
	assert_int_equal(q.bytes, 1);
	assert_int_equal(params_decode("{\"time\":0,\"blockcount\":4503599627370496}", &q, &e), 0);
	assert_int_equal(q.blocks, 1ULL << 52);
	assert_int_equal(params_decode("{\"time\":1,\"parallel\":2.0,\"len\":1e3}", &q, &e), 0);
	assert_int_equal(q.parallel, 2);
	assert_int_equal(q.len, 1000);
	/* Absent keys: iperf3's defaults (one stream of 128 KiB blocks). */
	assert_int_equal(params_decode("{\"time\":5}", &q, &e), 0);
	assert_int_equal(q.parallel, 1);
	assert_int_equal(q.len, 131072);
	/* The extension without verify, and unknown keys: ignored. */
	assert_int_equal(params_decode("{\"time\":5,\"mptcpctl\":{},\"gso\":1,\"x\":[{}]}", &q, &e),
			 0);
	assert_true(q.ours);
	assert_false(q.verify);
}

struct bad {
	const char *json;
	int code;
	const char *words;
};

static const struct bad bad_params[] = {
	{ "{\"udp\":true,\"time\":1}", -EPROTONOSUPPORT, "UDP" },
	{ "{\"sctp\":true,\"time\":1}", -EPROTONOSUPPORT, "SCTP" },
	{ "{\"time\":1,\"parallel\":0}", -EBADMSG, "\"parallel\" is 0" },
	{ "{\"time\":1,\"parallel\":129}", -EBADMSG,
	  "\"parallel\" = 129 is out of range (0..128)" },
	{ "{\"time\":1,\"parallel\":4294967297}", -EBADMSG, "\"parallel\"" },
	{ "{\"time\":1,\"len\":0}", -EBADMSG, "\"len\" is 0" },
	{ "{\"time\":1,\"len\":1048577}", -EBADMSG, "\"len\" = " },
	{ "{\"time\":1,\"len\":1048577}", -EBADMSG, "out of range (0..1048576)" },
	{ "{\"time\":86401}", -EBADMSG, "\"time\" = 86401 is out of range (0..86400)" },
	{ "{\"time\":-1}", -EBADMSG, "\"time\" = -1 is out of range" },
	{ "{\"time\":1.5}", -EBADMSG, "\"time\" = 1.5 is out of range" },
	{ "{\"time\":1e999}", -EBADMSG, "\"time\" = inf" },
	{ "{\"time\":-1e999}", -EBADMSG, "\"time\" = -inf" },
	{ "{\"time\":NaN}", -EBADMSG, "not valid JSON" },
	{ "{\"time\":Infinity}", -EBADMSG, "not valid JSON" },
	{ "{\"time\":0x10}", -EBADMSG, "not valid JSON" },
	{ "{\"time\":\"10\"}", -EBADMSG, "\"time\" is not a number" },
	{ "{\"time\":null}", -EBADMSG, "\"time\" is not a number" },
	{ "{\"time\":[10]}", -EBADMSG, "\"time\" is not a number" },
	{ "{\"time\":1,\"num\":-5}", -EBADMSG, "\"num\" = -5" },
	{ "{\"time\":1,\"num\":4503599627370497}", -EBADMSG, "\"num\"" },
	{ "{\"time\":1,\"blockcount\":0.25}", -EBADMSG, "\"blockcount\" = 0.25" },
	{ "{\"time\":1,\"bandwidth\":-1}", -EBADMSG, "\"bandwidth\" = -1" },
	{ "{\"time\":1,\"window\":536870913}", -EBADMSG, "\"window\"" },
	{ "{\"time\":1,\"omit\":601}", -EBADMSG, "\"omit\" = 601" },
	{ "{\"time\":1,\"MSS\":9217}", -EBADMSG, "\"MSS\" = 9217" },
	{ "{\"time\":1,\"reverse\":2}", -EBADMSG, "\"reverse\" = 2" },
	{ "{\"time\":1,\"bidirectional\":-1}", -EBADMSG, "\"bidirectional\" = -1" },
	{ "{\"time\":1,\"nodelay\":\"yes\"}", -EBADMSG, "\"nodelay\" is not a number" },
	{ "{\"time\":1,\"zerocopy\":3}", -EBADMSG, "\"zerocopy\" = 3" },
	{ "{\"time\":1,\"get_server_output\":0.5}", -EBADMSG, "\"get_server_output\" = 0.5" },
	{ "{\"time\":0,\"num\":0,\"blockcount\":0}", -EBADMSG, "no end" },
	{ "{\"tcp\":true}", -EBADMSG, "no end" },
	{ "{\"time\":-0}", -EBADMSG, "no end" },
	{ "{\"time\":1,\"congestion\":\"0123456789abcdef\"}", -EBADMSG,
	  "\"congestion\" is longer than 15 bytes" },
	{ "{\"time\":1,\"client_version\":\"0123456789abcdef0123456789abcdef\"}", -EBADMSG,
	  "\"client_version\" is longer than 31 bytes" },
	{ "{\"time\":1,\"congestion\":\"cu\\nbic\"}", -EBADMSG,
	  "\"congestion\" holds a control character" },
	{ "{\"time\":1,\"congestion\":\"cu\tbic\"}", -EBADMSG,
	  "\"congestion\" holds a control character" },
	{ "{\"time\":1,\"congestion\":\"del\\u007f\"}", -EBADMSG,
	  "\"congestion\" holds a control character" },
	{ "{\"time\":1,\"client_version\":\"3.12\\u001b[2J\"}", -EBADMSG,
	  "\"client_version\" holds a control character" },
	{ "{\"time\":1,\"congestion\":5}", -EBADMSG, "\"congestion\" is not a string" },
	{ "{\"time\":1,\"client_version\":null}", -EBADMSG, "\"client_version\" is not a string" },
	{ "{\"time\":1,\"mptcpctl\":true}", -EBADMSG, "\"mptcpctl\" is not an object" },
	{ "{\"time\":1,\"mptcpctl\":[]}", -EBADMSG, "\"mptcpctl\" is not an object" },
	{ "{\"time\":1,\"mptcpctl\":{\"verify\":1}}", -EBADMSG,
	  "\"mptcpctl.verify\" is not a boolean" },
	{ "[{\"time\":1}]", -EBADMSG, "test parameters: JSON is not an object" },
	{ "\"time\"", -EBADMSG, "JSON is not an object" },
	{ "42", -EBADMSG, "JSON is not an object" },
	{ "null", -EBADMSG, "JSON is not an object" },
	{ "{\"time\":1", -EBADMSG, "truncated JSON" },
	{ "{\"time\":1,\"congestion\":\"cub", -EBADMSG, "truncated JSON" },
	{ "{\"time\":1,\"congestion\":\"cub\\", -EBADMSG, "truncated JSON" },
	{ "{\"time\":1}}", -EBADMSG, "unbalanced '}' at 10" },
	{ "]", -EBADMSG, "unbalanced ']' at 0" },
	{ "{\"time\":1,}", -EBADMSG, "test parameters: not valid JSON" },
	{ "{\"time\" 1}", -EBADMSG, "not valid JSON" },
	{ "{]", -EBADMSG, "not valid JSON" },
	{ "{\"time\":1,\"congestion\":\"\\x41\"}", -EBADMSG, "not valid JSON" },
	{ "   ", -EBADMSG, "not valid JSON" },
};

/* Each bad input through a decoder: its errno, in e too, and a message naming the field. */
static void check_rejects(const struct bad *bads, size_t n,
			  int (*decode)(const char *buf, size_t len, struct mc_err *e))
{
	for (size_t i = 0; i < n; i++) {
		const struct bad *b = &bads[i];
		struct mc_err e;
		size_t len = strlen(b->json);
		char *buf = exact(b->json, len);
		int ret;

		mc_err_clear(&e);
		ret = decode(buf, len, &e);
		free(buf);
		if (ret != b->code || e.code != b->code || !strstr(e.what, b->words))
			fail_msg("%s: returned %d (e.code %d) \"%s\", expected %d and \"%s\"",
				 b->json, ret, e.code, e.what, b->code, b->words);
	}
}

static int decode_params(const char *buf, size_t len, struct mc_err *e)
{
	struct bench_params p;

	return bench_params_decode(buf, len, &p, e);
}

static int decode_results(const char *buf, size_t len, struct mc_err *e)
{
	struct bench_results r;

	return bench_results_decode(buf, len, &r, e);
}

static void test_params_reject(void **state)
{
	check_rejects(bad_params, ARRAY_SIZE(bad_params), decode_params);
}

/* Nesting, NUL bytes and sizes, through the decoders (bench_json_check runs first). */
static void test_params_reject_framing(void **state)
{
	static const char nul[] = "{\"time\":1,\"congestion\":\"cu\0bic\"}";
	char deep[64], *big;
	struct bench_params p;
	struct bench_results r;
	struct mc_err e;
	int n;

	/* 16 levels in all: accepted (the extra keys are ignored). */
	n = snprintf(deep, sizeof(deep), "{\"time\":1,\"x\":%.15s1%.15s}", "[[[[[[[[[[[[[[[",
		     "]]]]]]]]]]]]]]]");
	assert_int_equal(n, 46);
	assert_int_equal(params_decode(deep, &p, &e), 0);
	assert_int_equal(p.time_s, 1);
	/* 17: refused before cJSON sees it. */
	n = snprintf(deep, sizeof(deep), "{\"time\":1,\"x\":%.16s1%.16s}", "[[[[[[[[[[[[[[[[",
		     "]]]]]]]]]]]]]]]]");
	assert_int_equal(n, 48);
	assert_err(params_decode(deep, &p, &e), &e, -EBADMSG, "nested deeper than 16");
	assert_err(results_decode(deep, &r, &e), &e, -EBADMSG, "nested deeper than 16");

	mc_err_clear(&e);
	assert_err(bench_params_decode(nul, sizeof(nul) - 1, &p, &e), &e, -EBADMSG,
		   "NUL byte at 26");
	mc_err_clear(&e);
	assert_err(bench_results_decode(nul, sizeof(nul) - 1, &r, &e), &e, -EBADMSG,
		   "NUL byte at 26");
	/* A NUL terminator counted in the length is a NUL inside. */
	mc_err_clear(&e);
	assert_err(bench_params_decode(iperf3_params, sizeof(iperf3_params), &p, &e), &e, -EBADMSG,
		   "NUL byte at 123");
	mc_err_clear(&e);
	assert_err(bench_params_decode(iperf3_params, 0, &p, &e), &e, -EMSGSIZE, "JSON of 0 bytes");
	/* Over the limit: refused by size, whatever the text. */
	big = malloc(BENCH_JSON_MAX + 1);
	assert_non_null(big);
	memset(big, ' ', BENCH_JSON_MAX + 1);
	memcpy(big, iperf3_params, sizeof(iperf3_params) - 1);
	mc_err_clear(&e);
	assert_err(bench_params_decode(big, BENCH_JSON_MAX + 1, &p, &e), &e, -EMSGSIZE,
		   "JSON of 262145 bytes");
	mc_err_clear(&e);
	assert_err(bench_results_decode(big, BENCH_JSON_MAX + 1, &r, &e), &e, -EMSGSIZE,
		   "JSON of 262145 bytes");
	/* At the limit: parsed (trailing white space). */
	mc_err_clear(&e);
	assert_int_equal(bench_params_decode(big, BENCH_JSON_MAX, &p, &e), 0);
	assert_int_equal(p.len, 131072);
	free(big);
}

/* ---- results ---- */

static void test_results_iperf3(void **state)
{
	struct bench_results r;
	struct mc_err e;
	char *buf;

	assert_int_equal(sizeof(iperf3_results_sender) - 1, 287);
	buf = exact(iperf3_results_sender, sizeof(iperf3_results_sender) - 1);
	mc_err_clear(&e);
	assert_int_equal(bench_results_decode(buf, sizeof(iperf3_results_sender) - 1, &r, &e), 0);
	free(buf);
	assert_dbl(r.cpu_total, 33.456549960974215);
	assert_dbl(r.cpu_user, 0.78320377833351917);
	assert_dbl(r.cpu_system, 32.67573551665366);
	assert_int_equal(r.sender_has_retransmits, 1);
	assert_string_equal(r.congestion, "bbr");
	assert_int_equal(r.nstreams, 1);
	assert_int_equal(r.streams[0].id, 1);
	assert_int_equal(r.streams[0].bytes, 1516503040);
	assert_int_equal(r.streams[0].retransmits, 131);
	assert_dbl(r.streams[0].start_time, 0);
	assert_dbl(r.streams[0].end_time, 1.000672);
	assert_false(r.has_verify);
	assert_int_equal(r.peer_mptcp, -1);
	assert_false(r.ours); /* no "mptcpctl" object: a plain iperf3 */

	/* The receiver's -1s, written as 18446744073709551615. */
	assert_int_equal(sizeof(iperf3_results_receiver) - 1, 324);
	assert_int_equal(results_decode(iperf3_results_receiver, &r, &e), 0);
	assert_dbl(r.cpu_total, 37.849278326220116);
	assert_dbl(r.cpu_user, 0.86686731467852718);
	assert_dbl(r.cpu_system, 36.983709165566566);
	assert_int_equal(r.sender_has_retransmits, -1);
	assert_string_equal(r.congestion, "bbr");
	assert_int_equal(r.nstreams, 1);
	assert_int_equal(r.streams[0].id, 1);
	assert_int_equal(r.streams[0].bytes, 1512177664);
	assert_int_equal(r.streams[0].retransmits, -1);
	assert_dbl(r.streams[0].end_time, 1.001381);
	assert_false(r.has_verify);
	assert_int_equal(r.peer_mptcp, -1);

	/* The same, as iperf3 -d re-prints them. */
	assert_int_equal(results_decode(iperf3_results_printed, &r, &e), 0);
	assert_dbl(r.cpu_total, 33.061908789356558);
	assert_int_equal(r.sender_has_retransmits, -1);
	assert_int_equal(r.nstreams, 1);
	assert_int_equal(r.streams[0].bytes, 3233480651);
	assert_int_equal(r.streams[0].retransmits, -1);
	assert_dbl(r.streams[0].end_time, 1.000271);
}

static void test_results_iperf3_two_streams(void **state)
{
	struct bench_results r;
	struct mc_err e;

	/* --bidir: the client sent on stream 1 and received on stream 3. */
	assert_int_equal(sizeof(iperf3_results_bidir) - 1, 416);
	assert_int_equal(results_decode(iperf3_results_bidir, &r, &e), 0);
	assert_dbl(r.cpu_total, 53.8461576867983);
	assert_int_equal(r.sender_has_retransmits, 1);
	assert_int_equal(r.nstreams, 2);
	assert_int_equal(r.streams[0].id, 1);
	assert_int_equal(r.streams[0].bytes, 1844183040);
	assert_int_equal(r.streams[0].retransmits, 32);
	assert_dbl(r.streams[0].end_time, 1.000352);
	assert_int_equal(r.streams[1].id, 3);
	assert_int_equal(r.streams[1].bytes, 246415360);
	assert_int_equal(r.streams[1].retransmits, -1);
	assert_dbl(r.streams[1].end_time, 1.000369);

	/* -R -P 2: the client received on streams 1 and 3. */
	assert_int_equal(sizeof(iperf3_results_reverse) - 1, 432);
	assert_int_equal(results_decode(iperf3_results_reverse, &r, &e), 0);
	assert_dbl(r.cpu_user, 0);
	assert_dbl(r.cpu_system, 12.785103349964361);
	assert_int_equal(r.sender_has_retransmits, -1);
	assert_string_equal(r.congestion, "cubic");
	assert_int_equal(r.nstreams, 2);
	assert_int_equal(r.streams[0].id, 1);
	assert_int_equal(r.streams[0].bytes, 589824);
	assert_int_equal(r.streams[0].retransmits, -1);
	assert_dbl(r.streams[0].end_time, 0.002261);
	assert_int_equal(r.streams[1].id, 3);
	assert_int_equal(r.streams[1].bytes, 524288);
	assert_int_equal(r.streams[1].retransmits, -1);
	assert_dbl(r.streams[1].end_time, 0.002277);
}

static void fill_results(struct bench_results *r)
{
	memset(r, 0, sizeof(*r));
	r->cpu_total = 12.5;
	r->cpu_user = 0.1;
	r->cpu_system = 12.4;
	r->sender_has_retransmits = 1;
	strcpy(r->congestion, "cubic");
	r->nstreams = 3;
	r->streams[0] = (struct bench_stream_result){ 1, 1000000, 0, 0, 10.000123 };
	r->streams[1] = (struct bench_stream_result){ 3, 4503599627370496ULL, -1, 0.5, 10 };
	r->streams[2] = (struct bench_stream_result){ 512, 0, 4000000000LL, 1e-6, 1.0 / 3 };
	r->has_verify = true;
	r->verified_bytes = 123456789012ULL;
	r->bad_bytes = 7;
	r->peer_mptcp = 1;
	r->rx_lowat = 262144;
	r->ours = true; /* what decoding our own encoding says */
}

static void test_results_roundtrip(void **state)
{
	struct bench_results r, q;
	struct mc_err e;
	char *json = NULL;

	fill_results(&r);
	assert_int_equal(bench_results_encode(&r, &json), 0);
	/* What iperf3 reads, and our extension. */
	assert_non_null(strstr(json,
			       "{\"cpu_util_total\":12.5,\"cpu_util_user\":0.1,"
			       "\"cpu_util_system\":12.4,\"sender_has_retransmits\":1,"
			       "\"congestion_used\":\"cubic\",\"streams\":[{\"id\":1,"
			       "\"bytes\":1000000,\"retransmits\":0,\"jitter\":0,\"errors\":0,"
			       "\"packets\":0,\"start_time\":0,\"end_time\":10.000123},"));
	assert_non_null(strstr(json, ",\"mptcpctl\":{\"version\":\"" MPTCPCTL_VERSION
				     "\",\"mptcp\":true,\"receive_lowat\":262144,"
				     "\"verified_bytes\":123456789012,\"bad_bytes\":7}}"));
	assert_int_equal(results_decode(json, &q, &e), 0);
	free(json);
	assert_results_equal(&q, &r);

	/* Fallen back, nothing verified, not receiving: no verify or lowat keys, "mptcp":false. */
	r.peer_mptcp = 0;
	r.rx_lowat = -1;
	r.has_verify = false;
	r.verified_bytes = 0;
	r.bad_bytes = 0;
	r.sender_has_retransmits = -1;
	r.congestion[0] = '\0';
	assert_int_equal(bench_results_encode(&r, &json), 0);
	assert_null(strstr(json, "verified_bytes"));
	assert_null(strstr(json, "receive_lowat"));
	assert_null(strstr(json, "congestion_used"));
	assert_non_null(strstr(json, "\"mptcp\":false"));
	assert_int_equal(results_decode(json, &q, &e), 0);
	free(json);
	assert_results_equal(&q, &r);

	/* Unknown: no "mptcp" key; no streams at all. */
	r.peer_mptcp = -1;
	r.nstreams = 0;
	assert_int_equal(bench_results_encode(&r, &json), 0);
	assert_null(strstr(json, "\"mptcp\":"));
	assert_non_null(strstr(json, "\"streams\":[]"));
	assert_int_equal(results_decode(json, &q, &e), 0);
	free(json);
	assert_results_equal(&q, &r);
}

static void test_results_max_streams(void **state)
{
	static const char one[] = "{\"id\":1,\"bytes\":0,\"retransmits\":0},";
	struct bench_results *r = calloc(1, sizeof(*r)), *q = calloc(1, sizeof(*q));
	struct mc_err e;
	char *json = NULL, *more;
	size_t len;

	assert_non_null(r);
	assert_non_null(q);
	r->nstreams = 2 * BENCH_MAX_STREAMS;
	r->peer_mptcp = -1;
	r->ours = true;
	for (int i = 0; i < r->nstreams; i++)
		r->streams[i] = (struct bench_stream_result){ i + 1, (uint64_t)i << 20, i, 0, 1 };
	assert_int_equal(bench_results_encode(r, &json), 0);
	assert_int_equal(results_decode(json, q, &e), 0);
	assert_results_equal(q, r);

	/* One more stream object than there is room for. */
	len = strlen(json);
	more = malloc(len + 64);
	assert_non_null(more);
	memcpy(more, json, len + 1);
	free(json);
	json = strstr(more, "\"streams\":[");
	assert_non_null(json);
	json += strlen("\"streams\":[");
	memmove(json + sizeof(one) - 1, json, strlen(json) + 1);
	memcpy(json, one, sizeof(one) - 1);
	assert_err(results_decode(more, q, &e), &e, -EBADMSG, "more than 256 streams");
	free(more);
	free(r);
	free(q);
}

#define RES_HEAD                                                               \
	"{\"cpu_util_total\":1,\"cpu_util_user\":0.5,\"cpu_util_system\":0.5," \
	"\"sender_has_retransmits\":1,"

static const struct bad bad_results[] = {
	{ "{\"cpu_util_user\":1,\"cpu_util_system\":1,\"sender_has_retransmits\":1,"
	  "\"streams\":[]}",
	  -EBADMSG, "test results: \"cpu_util_total\" is missing" },
	{ "{\"cpu_util_total\":1,\"cpu_util_user\":\"1\",\"cpu_util_system\":1,"
	  "\"sender_has_retransmits\":1,\"streams\":[]}",
	  -EBADMSG, "\"cpu_util_user\" is not a number" },
	{ "{\"cpu_util_total\":1,\"cpu_util_user\":1,\"cpu_util_system\":1e999,"
	  "\"sender_has_retransmits\":1,\"streams\":[]}",
	  -EBADMSG, "\"cpu_util_system\" is not a number" },
	{ "{\"cpu_util_total\":1,\"cpu_util_user\":1,\"cpu_util_system\":1,\"streams\":[]}",
	  -EBADMSG, "\"sender_has_retransmits\" is missing" },
	{ RES_HEAD "\"congestion_used\":\"0123456789abcdef\",\"streams\":[]}", -EBADMSG,
	  "\"congestion_used\" is longer than 15 bytes" },
	{ RES_HEAD "\"congestion_used\":\"bb\\rr\",\"streams\":[]}", -EBADMSG,
	  "\"congestion_used\" holds a control character" },
	{ RES_HEAD "\"congestion_used\":true,\"streams\":[]}", -EBADMSG,
	  "\"congestion_used\" is not a string" },
	{ RES_HEAD "\"x\":1}", -EBADMSG, "\"streams\" is missing or not an array" },
	{ RES_HEAD "\"streams\":{}}", -EBADMSG, "\"streams\" is missing or not an array" },
	{ RES_HEAD "\"streams\":[1]}", -EBADMSG, "a stream is not an object" },
	{ RES_HEAD "\"streams\":[{\"bytes\":1,\"retransmits\":0}]}", -EBADMSG,
	  "\"id\" is missing" },
	{ RES_HEAD "\"streams\":[{\"id\":1,\"retransmits\":0}]}", -EBADMSG,
	  "\"bytes\" is missing" },
	{ RES_HEAD "\"streams\":[{\"id\":1,\"bytes\":1}]}", -EBADMSG,
	  "\"retransmits\" is missing" },
	{ RES_HEAD "\"streams\":[{\"id\":1,\"bytes\":1,\"retransmits\":\"0\"}]}", -EBADMSG,
	  "\"retransmits\" is not a number" },
	{ RES_HEAD "\"streams\":[{\"id\":1,\"bytes\":1,\"retransmits\":0,\"start_time\":null}]}",
	  -EBADMSG, "\"start_time\" is not a number" },
	{ RES_HEAD "\"streams\":[{\"id\":1,\"bytes\":1,\"retransmits\":0,\"end_time\":\"1\"}]}",
	  -EBADMSG, "\"end_time\" is not a number" },
	{ RES_HEAD "\"streams\":[{\"id\":0,\"bytes\":1,\"retransmits\":0}]}", -EBADMSG,
	  "stream 0: id, bytes or retransmits out of range" },
	{ RES_HEAD "\"streams\":[{\"id\":513,\"bytes\":1,\"retransmits\":0}]}", -EBADMSG,
	  "stream 513: id, bytes or retransmits out of range" },
	{ RES_HEAD "\"streams\":[{\"id\":1.5,\"bytes\":1,\"retransmits\":0}]}", -EBADMSG,
	  "stream 1.5: id" },
	{ RES_HEAD "\"streams\":[{\"id\":-1,\"bytes\":1,\"retransmits\":0}]}", -EBADMSG,
	  "stream -1: id" },
	{ RES_HEAD "\"streams\":[{\"id\":3,\"bytes\":-1,\"retransmits\":0}]}", -EBADMSG,
	  "stream 3: id, bytes or retransmits out of range" },
	{ RES_HEAD "\"streams\":[{\"id\":3,\"bytes\":9007199254740994,\"retransmits\":0}]}",
	  -EBADMSG, "stream 3: id, bytes" },
	{ RES_HEAD "\"streams\":[],\"mptcpctl\":{\"verified_bytes\":\"1\",\"bad_bytes\":0}}",
	  -EBADMSG, "\"verified_bytes\" is not a number" },
	{ RES_HEAD "\"streams\":[],\"mptcpctl\":{\"verified_bytes\":1,\"bad_bytes\":[]}}", -EBADMSG,
	  "\"bad_bytes\" is not a number" },
	{ "[]", -EBADMSG, "test results: JSON is not an object" },
	{ "1.5", -EBADMSG, "JSON is not an object" },
	{ RES_HEAD "\"streams\":[", -EBADMSG, "truncated JSON" },
	{ RES_HEAD "\"streams\":[]", -EBADMSG, "truncated JSON" },
	{ RES_HEAD "\"streams\":[}]", -EBADMSG, "test results: not valid JSON" },
};

static void test_results_reject(void **state)
{
	check_rejects(bad_results, ARRAY_SIZE(bad_results), decode_results);
}

/* Values iperf3 peers send that are not errors. */
static void test_results_lenient(void **state)
{
	struct bench_results r;
	struct mc_err e;

	/* retransmits over 4e9 is iperf3's -1 in any spelling; 4e9 itself is a count. */
	assert_int_equal(results_decode(RES_HEAD
					"\"streams\":[{\"id\":1,\"bytes\":1,"
					"\"retransmits\":4000000001},{\"id\":3,\"bytes\":1,"
					"\"retransmits\":4000000000},{\"id\":4,\"bytes\":2,"
					"\"retransmits\":-1}]}",
					&r, &e),
			 0);
	assert_int_equal(r.nstreams, 3);
	assert_int_equal(r.streams[0].retransmits, -1);
	assert_int_equal(r.streams[1].retransmits, 4000000000LL);
	assert_int_equal(r.streams[2].retransmits, -1);
	assert_int_equal(r.streams[2].id, 4);
	assert_int_equal(r.streams[2].bytes, 2);
	/* sender_has_retransmits: 1 and 0 as such, anything else unknown. */
	assert_int_equal(results_decode("{\"cpu_util_total\":0,\"cpu_util_user\":0,"
					"\"cpu_util_system\":0,\"sender_has_retransmits\":0,"
					"\"streams\":[]}",
					&r, &e),
			 0);
	assert_int_equal(r.sender_has_retransmits, 0);
	assert_int_equal(r.nstreams, 0);
	assert_int_equal(results_decode("{\"cpu_util_total\":0,\"cpu_util_user\":0,"
					"\"cpu_util_system\":0,\"sender_has_retransmits\":-1,"
					"\"streams\":[]}",
					&r, &e),
			 0);
	assert_int_equal(r.sender_has_retransmits, -1);
	/* Verify counts: both needed and in range, else no verify. */
	assert_int_equal(results_decode(RES_HEAD
					"\"streams\":[],\"mptcpctl\":{\"verified_bytes\":5}}",
					&r, &e),
			 0);
	assert_false(r.has_verify);
	assert_int_equal(results_decode(RES_HEAD
					"\"streams\":[],\"mptcpctl\":{\"verified_bytes\":-5,"
					"\"bad_bytes\":0}}",
					&r, &e),
			 0);
	assert_false(r.has_verify);
	assert_int_equal(results_decode(RES_HEAD
					"\"streams\":[],\"mptcpctl\":{\"verified_bytes\":5,"
					"\"bad_bytes\":0,\"mptcp\":false}}",
					&r, &e),
			 0);
	assert_true(r.has_verify);
	assert_int_equal(r.verified_bytes, 5);
	assert_int_equal(r.bad_bytes, 0);
	assert_int_equal(r.peer_mptcp, 0);
	assert_true(r.ours);
	/* A non-object extension or a non-boolean "mptcp": ignored. */
	assert_int_equal(results_decode(RES_HEAD "\"streams\":[],\"mptcpctl\":[1]}", &r, &e), 0);
	assert_int_equal(r.peer_mptcp, -1);
	assert_false(r.ours);
	assert_int_equal(
		results_decode(RES_HEAD "\"streams\":[],\"mptcpctl\":{\"mptcp\":1}}", &r, &e), 0);
	assert_int_equal(r.peer_mptcp, -1);
	assert_true(r.ours);
}

/* ---- framing, cookie, states ---- */

static void test_json_check(void **state)
{
	char buf[80];
	struct mc_err e;

	/* 16 levels: fine; 17: refused, whether objects or arrays. */
	memset(buf, '[', 16);
	memset(buf + 16, ']', 16);
	mc_err_clear(&e);
	assert_int_equal(bench_json_check(buf, 32, &e), 0);
	assert_int_equal(e.code, 0);
	memset(buf, '[', 17);
	memset(buf + 17, ']', 17);
	mc_err_clear(&e);
	assert_err(bench_json_check(buf, 34, &e), &e, -EBADMSG, "nested deeper than 16");
	snprintf(buf, sizeof(buf), "%s",
		 "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{");
	mc_err_clear(&e);
	assert_err(bench_json_check(buf, strlen(buf), &e), &e, -EBADMSG, "truncated JSON");
	/* Brackets and escaped quotes inside strings do not count. */
	snprintf(buf, sizeof(buf), "%s", "{\"a\":\"[[[[[[[[[[[[[[[[[[[[{{{{\\\"\",\"b\":\"\\\\\"}");
	mc_err_clear(&e);
	assert_int_equal(bench_json_check(buf, strlen(buf), &e), 0);
	snprintf(buf, sizeof(buf), "%s", "{\"a\":\"\\\\\\\"}");
	mc_err_clear(&e);
	assert_err(bench_json_check(buf, strlen(buf), &e), &e, -EBADMSG, "truncated JSON");
	/* Unbalanced, NUL, sizes. */
	mc_err_clear(&e);
	assert_err(bench_json_check("{}]", 3, &e), &e, -EBADMSG, "unbalanced ']' at 2");
	mc_err_clear(&e);
	assert_err(bench_json_check("{\"a\":\0}", 7, &e), &e, -EBADMSG, "NUL byte at 5");
	mc_err_clear(&e);
	assert_err(bench_json_check("{\"a\":\"\0\"}", 9, &e), &e, -EBADMSG, "NUL byte at 6");
	mc_err_clear(&e);
	assert_err(bench_json_check("{}", 0, &e), &e, -EMSGSIZE, "JSON of 0 bytes");
	mc_err_clear(&e);
	assert_int_equal(
		bench_json_check(iperf3_results_bidir, sizeof(iperf3_results_bidir) - 1, &e), 0);
	assert_int_equal(
		bench_json_check(iperf3_params_printed, sizeof(iperf3_params_printed) - 1, &e), 0);
}

static void test_frame_len(void **state)
{
	static const uint8_t zero[4] = { 0, 0, 0, 0 }, golden[4] = { 0x00, 0x00, 0x00, 0x7b },
			     max[4] = { 0x00, 0x04, 0x00, 0x00 },
			     over[4] = { 0x00, 0x04, 0x00, 0x01 },
			     all[4] = { 0xff, 0xff, 0xff, 0xff },
			     neg[4] = { 0x80, 0x00, 0x00, 0x00 };
	struct mc_err e;
	uint32_t len;

	assert_int_equal(BENCH_JSON_MAX, 0x40000);
	len = 0xdead;
	mc_err_clear(&e);
	assert_err(bench_frame_len(zero, &len, &e), &e, -EBADMSG, "empty JSON (length 0)");
	assert_int_equal(len, 0xdead);
	mc_err_clear(&e);
	assert_int_equal(bench_frame_len(golden, &len, &e), 0);
	assert_int_equal(len, 123); /* iperf3's parameters above */
	assert_int_equal(bench_frame_len(max, &len, &e), 0);
	assert_int_equal(len, BENCH_JSON_MAX);
	len = 0xdead;
	assert_err(bench_frame_len(over, &len, &e), &e, -EMSGSIZE,
		   "length 262145 over the limit of 262144 bytes");
	assert_int_equal(len, 0xdead);
	assert_err(bench_frame_len(all, &len, &e), &e, -EMSGSIZE, "length 4294967295 over");
	assert_int_equal(len, 0xdead);
	assert_err(bench_frame_len(neg, &len, &e), &e, -EMSGSIZE, "length 2147483648 over");
	assert_int_equal(len, 0xdead);
}

static bool in_alphabet(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7');
}

static void test_cookie(void **state)
{
	char c[BENCH_COOKIE_SIZE], first[BENCH_COOKIE_SIZE], bad[BENCH_COOKIE_SIZE];
	static const char not_base32[] = "ABCXYZ01890=+/ _.-\x7f\xc3\x80";
	int same = 0;

	assert_int_equal(BENCH_COOKIE_SIZE, 37);
	assert_true(bench_cookie_valid(iperf3_cookie));
	bench_cookie_make(first);
	for (int n = 0; n < 64; n++) {
		memset(c, 'X', sizeof(c));
		bench_cookie_make(c);
		for (int i = 0; i < BENCH_COOKIE_SIZE - 1; i++)
			if (!in_alphabet(c[i]))
				fail_msg("cookie %.36s: byte %d is 0x%02x", c, i,
					 (unsigned char)c[i]);
		assert_int_equal(c[BENCH_COOKIE_SIZE - 1], '\0');
		assert_int_equal(strlen(c), 36);
		assert_true(bench_cookie_valid(c));
		same += !memcmp(c, first, sizeof(c));
	}
	assert_int_equal(same, 0); /* 180 random bits each */

	for (size_t k = 0; k < sizeof(not_base32) - 1; k++) {
		for (int i = 0; i < BENCH_COOKIE_SIZE - 1; i += 7) {
			memcpy(bad, iperf3_cookie, sizeof(bad));
			bad[i] = not_base32[k];
			if (bench_cookie_valid(bad))
				fail_msg("0x%02x at %d taken", (unsigned char)not_base32[k], i);
		}
	}
	memcpy(bad, iperf3_cookie, sizeof(bad));
	bad[35] = '\0'; /* 35 characters */
	assert_false(bench_cookie_valid(bad));
	memcpy(bad, iperf3_cookie, sizeof(bad));
	bad[36] = 'a'; /* no terminating NUL */
	assert_false(bench_cookie_valid(bad));
	memset(bad, 0, sizeof(bad));
	assert_false(bench_cookie_valid(bad));
	memset(bad, 'a', sizeof(bad) - 1);
	bad[36] = '\0';
	assert_true(bench_cookie_valid(bad));
	memset(bad, '7', sizeof(bad) - 1);
	assert_true(bench_cookie_valid(bad));
}

static void test_state_name(void **state)
{
	static const struct {
		int state;
		const char *name;
	} names[] = {
		{ 1, "TEST_START" },	    { 2, "TEST_RUNNING" },	{ 4, "TEST_END" },
		{ 9, "PARAM_EXCHANGE" },    { 10, "CREATE_STREAMS" },	{ 11, "SERVER_TERMINATE" },
		{ 12, "CLIENT_TERMINATE" }, { 13, "EXCHANGE_RESULTS" }, { 14, "DISPLAY_RESULTS" },
		{ 15, "IPERF_START" },	    { 16, "IPERF_DONE" },	{ -1, "ACCESS_DENIED" },
		{ -2, "SERVER_ERROR" },
	};
	static const int none[] = { 0, 3, 5, 6, 7, 8, 17, -3, 127, -128, 255, 0x109 };

	assert_int_equal(BS_PARAM_EXCHANGE, 9);
	assert_int_equal(BS_ACCESS_DENIED, -1);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		const char *n = bench_state_name(names[i].state);

		if (!n || strcmp(n, names[i].name))
			fail_msg("state %d: %s, expected %s", names[i].state, n ? n : "NULL",
				 names[i].name);
	}
	for (size_t i = 0; i < ARRAY_SIZE(none); i++)
		if (bench_state_name(none[i]))
			fail_msg("state %d: %s", none[i], bench_state_name(none[i]));
	/* On the wire a state is a signed byte: 0xff is ACCESS_DENIED. */
	assert_string_equal(bench_state_name((int8_t)0xff), "ACCESS_DENIED");
}

/* ---- MPTCP_FULL_INFO: the kernel's answers ---- */

static void assert_sa(const struct sockaddr_storage *ss, int family, const char *addr,
		      uint16_t port)
{
	uint8_t want[16];

	assert_int_equal(ss->ss_family, family);
	assert_int_equal(inet_pton(family, addr, want), 1);
	if (family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		assert_memory_equal(&sin->sin_addr, want, 4);
		assert_int_equal(ntohs(sin->sin_port), port);
	} else {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		assert_memory_equal(&sin6->sin6_addr, want, 16);
		assert_int_equal(ntohs(sin6->sin6_port), port);
	}
}

static void test_full_info_kernel_client(void **state)
{
	struct bench_conn_info ci;
	struct mc_err e;

	mc_err_clear(&e);
	assert_int_equal(bench_full_info_decode(golden_fi_cli_hdr, sizeof(golden_fi_cli_hdr),
						golden_fi_cli_sfi, sizeof(golden_fi_cli_sfi),
						golden_fi_cli_ti, sizeof(golden_fi_cli_ti), &ci,
						&e),
			 0);
	assert_int_equal(e.code, 0);
	assert_int_equal(ci.protocol, IPPROTO_MPTCP);
	assert_int_equal(ci.source, 4);
	assert_false(ci.fallback); /* flags 0x2: remote key received */
	assert_int_equal(ci.mptcp_retransmits, 0);
	assert_int_equal(ci.nsf, 2);

	assert_int_equal(ci.sf[0].id, 1);
	assert_sa(&ci.sf[0].local, AF_INET, "127.0.0.1", 43486);
	assert_sa(&ci.sf[0].remote, AF_INET, "127.0.0.1", 5601);
	assert_int_equal(ci.sf[0].state, SF_ESTABLISHED);
	assert_int_equal(ci.sf[0].bytes_sent, 58667184);
	assert_int_equal(ci.sf[0].bytes_acked, 58667185); /* the SYN counts */
	assert_int_equal(ci.sf[0].bytes_received, 0);
	assert_int_equal(ci.sf[0].rtt_us, 38685);
	assert_int_equal(ci.sf[0].rttvar_us, 1442);
	assert_int_equal(ci.sf[0].snd_cwnd, 12);
	assert_int_equal(ci.sf[0].snd_mss, 62976);
	assert_int_equal(ci.sf[0].total_retrans, 0);
	assert_int_equal(ci.sf[0].pmtu, 65535);
	assert_int_equal(ci.sf[0].snd_wnd, 7168);
	assert_false(ci.sf[0].backup);

	assert_int_equal(ci.sf[1].id, 2);
	assert_sa(&ci.sf[1].local, AF_INET, "127.0.0.2", 53521);
	assert_sa(&ci.sf[1].remote, AF_INET, "127.0.0.1", 5601);
	assert_int_equal(ci.sf[1].state, SF_ESTABLISHED);
	assert_int_equal(ci.sf[1].bytes_sent, 53072);
	assert_int_equal(ci.sf[1].bytes_acked, 53073);
	assert_int_equal(ci.sf[1].bytes_received, 0);
	assert_int_equal(ci.sf[1].rtt_us, 10);
	assert_int_equal(ci.sf[1].rttvar_us, 1);
	assert_int_equal(ci.sf[1].snd_cwnd, 10);
	assert_int_equal(ci.sf[1].snd_mss, 62976);
	assert_int_equal(ci.sf[1].snd_wnd, 8192);
	/* Both subflows carried data: 56 MiB in all. */
	assert_int_equal(ci.sf[0].bytes_sent + ci.sf[1].bytes_sent, 56 << 20);
}

static void test_full_info_kernel_server(void **state)
{
	struct bench_conn_info ci;
	struct mc_err e;

	mc_err_clear(&e);
	assert_int_equal(bench_full_info_decode(golden_fi_srv_hdr, sizeof(golden_fi_srv_hdr),
						golden_fi_srv_sfi, sizeof(golden_fi_srv_sfi),
						golden_fi_srv_ti, sizeof(golden_fi_srv_ti), &ci,
						&e),
			 0);
	assert_false(ci.fallback);
	assert_int_equal(ci.nsf, 2);
	assert_int_equal(ci.sf[0].id, 1);
	assert_sa(&ci.sf[0].local, AF_INET, "127.0.0.1", 5601);
	assert_sa(&ci.sf[0].remote, AF_INET, "127.0.0.1", 43486);
	assert_int_equal(ci.sf[0].bytes_received, 58667184);
	assert_int_equal(ci.sf[0].bytes_acked, 0);
	assert_int_equal(ci.sf[0].bytes_sent, 0);
	assert_int_equal(ci.sf[0].rtt_us, 28);
	assert_int_equal(ci.sf[0].snd_cwnd, 10);
	assert_int_equal(ci.sf[0].snd_mss, 32768);
	assert_int_equal(ci.sf[1].id, 2);
	assert_sa(&ci.sf[1].local, AF_INET, "127.0.0.1", 5601);
	assert_sa(&ci.sf[1].remote, AF_INET, "127.0.0.2", 53521);
	assert_int_equal(ci.sf[1].bytes_received, 53072);
	assert_int_equal(ci.sf[1].rtt_us, 1000); /* never measured: the initial 1 s / 1000 */
	assert_int_equal(ci.sf[1].rttvar_us, 500);
}

/* num_subflows 2 with room for 1: the first only. */
static void test_full_info_kernel_room(void **state)
{
	struct bench_conn_info ci;
	struct mc_err e;

	mc_err_clear(&e);
	assert_int_equal(bench_full_info_decode(golden_fi_room1_hdr, sizeof(golden_fi_room1_hdr),
						golden_fi_room1_sfi, sizeof(golden_fi_room1_sfi),
						golden_fi_room1_ti, sizeof(golden_fi_room1_ti), &ci,
						&e),
			 0);
	assert_int_equal(ci.nsf, 1);
	assert_int_equal(ci.sf[0].id, 1);
	assert_sa(&ci.sf[0].local, AF_INET, "127.0.0.1", 43486);
	assert_int_equal(ci.sf[0].bytes_acked, 58667185);

	/* The 2-subflow answer with arrays one element short. */
	mc_err_clear(&e);
	assert_err(bench_full_info_decode(golden_fi_cli_hdr, sizeof(golden_fi_cli_hdr),
					  golden_fi_cli_sfi, sizeof(golden_fi_cli_sfi),
					  golden_fi_cli_ti, sizeof(golden_fi_cli_ti) / 2, &ci, &e),
		   &e, -EBADMSG, "2 subflows do not fit the arrays given");
	mc_err_clear(&e);
	assert_err(bench_full_info_decode(golden_fi_cli_hdr, sizeof(golden_fi_cli_hdr),
					  golden_fi_cli_sfi, sizeof(golden_fi_cli_sfi) - 1,
					  golden_fi_cli_ti, sizeof(golden_fi_cli_ti), &ci, &e),
		   &e, -EBADMSG, "2 subflows do not fit");
	/* A header cut before mptcp_info (optlen 40): the subflows are still read. */
	mc_err_clear(&e);
	assert_int_equal(bench_full_info_decode(golden_fi_cli_hdr, 40, golden_fi_cli_sfi,
						sizeof(golden_fi_cli_sfi), golden_fi_cli_ti,
						sizeof(golden_fi_cli_ti), &ci, &e),
			 0);
	assert_int_equal(ci.nsf, 2);
	assert_int_equal(ci.sf[1].bytes_acked, 53073);
	mc_err_clear(&e);
	assert_err(bench_full_info_decode(golden_fi_cli_hdr, 39, golden_fi_cli_sfi,
					  sizeof(golden_fi_cli_sfi), golden_fi_cli_ti,
					  sizeof(golden_fi_cli_ti), &ci, &e),
		   &e, -EBADMSG, "39 bytes, short header");
}

/* ---- MPTCP_FULL_INFO: crafted answers ---- */

#define ROOM (BENCH_MAX_SF + 4)

struct fi {
	struct mc_mptcp_full_info h;
	struct mc_mptcp_subflow_info sfi[ROOM];
	struct tcp_info ti[ROOM];
};

static void set_v4(struct sockaddr_storage *ss, const char *addr, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	assert_int_equal(inet_pton(AF_INET, addr, &sin->sin_addr), 1);
}

static void set_v6(struct sockaddr_storage *ss, const char *addr, uint16_t port)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	assert_int_equal(inet_pton(AF_INET6, addr, &sin6->sin6_addr), 1);
}

/* n subflows as a 6.18 kernel would write them for a caller with arrays of ROOM. */
static struct fi *fi_new(uint32_t n)
{
	struct fi *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->h.size_tcpinfo_kernel = 280;
	f->h.size_tcpinfo_user = sizeof(struct tcp_info);
	f->h.size_sfinfo_kernel = sizeof(struct mc_mptcp_subflow_info);
	f->h.size_sfinfo_user = sizeof(struct mc_mptcp_subflow_info);
	f->h.num_subflows = n;
	f->h.size_arrays_user = ROOM;
	f->h.mptcp_info.subflows = n ? (uint8_t)(n - 1) : 0;
	f->h.mptcp_info.flags = MC_MPTCP_INFO_FLAG_REMOTE_KEY_RECEIVED;
	for (uint32_t i = 0; i < n && i < ROOM; i++) {
		char a[32];

		f->sfi[i].id = 100 + i;
		snprintf(a, sizeof(a), "10.0.%u.1", i);
		set_v4(&f->sfi[i].addrs.local, a, (uint16_t)(40000 + i));
		snprintf(a, sizeof(a), "10.0.%u.2", i);
		set_v4(&f->sfi[i].addrs.remote, a, 5201);
		f->ti[i].tcpi_state = SF_ESTABLISHED;
		f->ti[i].tcpi_rtt = 1000 * (i + 1);
		f->ti[i].tcpi_rttvar = 10 * (i + 1);
		f->ti[i].tcpi_snd_cwnd = 10 + i;
		f->ti[i].tcpi_snd_mss = 1448;
		f->ti[i].tcpi_pmtu = 1500;
		f->ti[i].tcpi_total_retrans = i;
		f->ti[i].tcpi_bytes_sent = 3000000ULL * (i + 1);
		f->ti[i].tcpi_bytes_acked = 3000000ULL * (i + 1) + 1;
		f->ti[i].tcpi_bytes_received = 777ULL * (i + 1);
		f->ti[i].tcpi_snd_wnd = 65536 + i;
	}
	return f;
}

static int fi_decode(const struct fi *f, struct bench_conn_info *ci, struct mc_err *e)
{
	mc_err_clear(e);
	return bench_full_info_decode(&f->h, sizeof(f->h), f->sfi, sizeof(f->sfi), f->ti,
				      sizeof(f->ti), ci, e);
}

static void test_full_info_crafted(void **state)
{
	struct bench_conn_info ci;
	struct fi *f = fi_new(2);
	struct mc_err e;

	/* One IPv6 subflow, a backup-less IPv4 one. */
	memset(&f->sfi[1].addrs, 0, sizeof(f->sfi[1].addrs));
	set_v6(&f->sfi[1].addrs.local, "fd00:0:0:2::1", 40001);
	set_v6(&f->sfi[1].addrs.remote, "fd00:0:0:2::2", 5201);
	f->h.mptcp_info.retransmits = 42;
	assert_int_equal(fi_decode(f, &ci, &e), 0);
	assert_int_equal(ci.protocol, IPPROTO_MPTCP);
	assert_int_equal(ci.source, MC_MPTCP_FULL_INFO);
	assert_false(ci.fallback);
	assert_int_equal(ci.mptcp_retransmits, 42);
	assert_int_equal(ci.nsf, 2);
	assert_int_equal(ci.sf[0].id, 100);
	assert_sa(&ci.sf[0].local, AF_INET, "10.0.0.1", 40000);
	assert_sa(&ci.sf[0].remote, AF_INET, "10.0.0.2", 5201);
	assert_int_equal(ci.sf[0].rtt_us, 1000);
	assert_int_equal(ci.sf[0].rttvar_us, 10);
	assert_int_equal(ci.sf[0].snd_cwnd, 10);
	assert_int_equal(ci.sf[0].snd_mss, 1448);
	assert_int_equal(ci.sf[0].pmtu, 1500);
	assert_int_equal(ci.sf[0].total_retrans, 0);
	assert_int_equal(ci.sf[0].bytes_sent, 3000000);
	assert_int_equal(ci.sf[0].bytes_acked, 3000001);
	assert_int_equal(ci.sf[0].bytes_received, 777);
	assert_int_equal(ci.sf[0].snd_wnd, 65536);
	assert_int_equal(ci.sf[1].id, 101);
	assert_sa(&ci.sf[1].local, AF_INET6, "fd00:0:0:2::1", 40001);
	assert_sa(&ci.sf[1].remote, AF_INET6, "fd00:0:0:2::2", 5201);
	assert_int_equal(ci.sf[1].rtt_us, 2000);
	assert_int_equal(ci.sf[1].snd_cwnd, 11);
	assert_int_equal(ci.sf[1].total_retrans, 1);
	assert_int_equal(ci.sf[1].bytes_acked, 6000001);
	assert_int_equal(ci.sf[1].bytes_received, 1554);
	assert_int_equal(ci.sf[1].snd_wnd, 65537);

	/* The fallback flag. */
	f->h.mptcp_info.flags |= MC_MPTCP_INFO_FLAG_FALLBACK;
	assert_int_equal(fi_decode(f, &ci, &e), 0);
	assert_true(ci.fallback);
	assert_int_equal(ci.nsf, 2);
	/* ... only read when the header holds mptcp_info up to retransmits. */
	mc_err_clear(&e);
	assert_int_equal(
		bench_full_info_decode(&f->h,
				       offsetof(struct mc_mptcp_full_info, mptcp_info) +
					       offsetof(struct mc_mptcp_info, bytes_retrans) - 1,
				       f->sfi, sizeof(f->sfi), f->ti, sizeof(f->ti), &ci, &e),
		0);
	assert_false(ci.fallback);
	assert_int_equal(ci.mptcp_retransmits, 0);
	assert_int_equal(ci.nsf, 2);

	/* No subflows (and no arrays): fine. */
	f->h.num_subflows = 0;
	mc_err_clear(&e);
	assert_int_equal(bench_full_info_decode(&f->h, sizeof(f->h), NULL, 0, NULL, 0, &ci, &e), 0);
	assert_int_equal(ci.nsf, 0);
	free(f);
}

static void test_full_info_counts(void **state)
{
	struct bench_conn_info ci;
	struct fi *f = fi_new(5);
	struct mc_err e;

	/* More subflows than room: what the kernel filled. */
	f->h.size_arrays_user = 2;
	assert_int_equal(fi_decode(f, &ci, &e), 0);
	assert_int_equal(ci.nsf, 2);
	assert_int_equal(ci.sf[1].id, 101);
	/* Arrays sized for the room only are enough. */
	mc_err_clear(&e);
	assert_int_equal(bench_full_info_decode(&f->h, sizeof(f->h), f->sfi, 2 * sizeof(f->sfi[0]),
						f->ti, 2 * sizeof(f->ti[0]), &ci, &e),
			 0);
	assert_int_equal(ci.nsf, 2);
	/* One byte short of n elements, in either array. */
	f->h.size_arrays_user = ROOM;
	mc_err_clear(&e);
	assert_err(bench_full_info_decode(&f->h, sizeof(f->h), f->sfi, 5 * sizeof(f->sfi[0]) - 1,
					  f->ti, sizeof(f->ti), &ci, &e),
		   &e, -EBADMSG, "5 subflows do not fit the arrays given");
	mc_err_clear(&e);
	assert_err(bench_full_info_decode(&f->h, sizeof(f->h), f->sfi, sizeof(f->sfi), f->ti,
					  5 * sizeof(f->ti[0]) - 1, &ci, &e),
		   &e, -EBADMSG, "5 subflows do not fit the arrays given");
	mc_err_clear(&e);
	assert_int_equal(bench_full_info_decode(&f->h, sizeof(f->h), f->sfi, 5 * sizeof(f->sfi[0]),
						f->ti, 5 * sizeof(f->ti[0]), &ci, &e),
			 0);
	assert_int_equal(ci.nsf, 5);
	assert_int_equal(ci.sf[4].id, 104);
	assert_int_equal(ci.sf[4].rtt_us, 5000);
	free(f);

	/* More than BENCH_MAX_SF filled: the first BENCH_MAX_SF. */
	f = fi_new(ROOM);
	assert_int_equal(fi_decode(f, &ci, &e), 0);
	assert_int_equal(ci.nsf, BENCH_MAX_SF);
	assert_int_equal(ci.sf[BENCH_MAX_SF - 1].id, 100 + BENCH_MAX_SF - 1);
	assert_int_equal(ci.sf[BENCH_MAX_SF - 1].snd_cwnd, 10 + BENCH_MAX_SF - 1);
	free(f);
}

static void test_full_info_sizes(void **state)
{
	static const uint32_t bad_sfi[] = { 0, 4, 35, sizeof(struct mc_mptcp_subflow_info) + 1,
					    0xffffffff };
	const uint32_t ti_min = offsetof(struct tcp_info, tcpi_bytes_received) + 8;
	const uint32_t bad_ti[] = { 0, ti_min - 1, sizeof(struct tcp_info) + 1, 0xffffffff };
	struct bench_conn_info ci;
	struct fi *f = fi_new(2);
	struct mc_err e;
	char words[64];

	for (size_t i = 0; i < ARRAY_SIZE(bad_sfi); i++) {
		f->h.size_sfinfo_user = bad_sfi[i];
		snprintf(words, sizeof(words), "subflow info size %u", bad_sfi[i]);
		assert_err(fi_decode(f, &ci, &e), &e, -EBADMSG, words);
	}
	f->h.size_sfinfo_user = sizeof(struct mc_mptcp_subflow_info);
	for (size_t i = 0; i < ARRAY_SIZE(bad_ti); i++) {
		f->h.size_tcpinfo_user = bad_ti[i];
		snprintf(words, sizeof(words), "tcp_info size %u", bad_ti[i]);
		assert_err(fi_decode(f, &ci, &e), &e, -EBADMSG, words);
	}
	free(f);
}

/* A caller (or kernel) with a smaller tcp_info: elements packed at that stride. */
static void test_full_info_short_tcp_info(void **state)
{
	const size_t ti_min = offsetof(struct tcp_info, tcpi_bytes_received) + 8;
	struct bench_conn_info ci;
	struct fi *f = fi_new(3);
	uint8_t *packed = calloc(3, ti_min);
	struct mc_err e;

	assert_int_equal(ti_min, 136); /* struct tcp_info up to Linux 4.19 */
	assert_non_null(packed);
	for (int i = 0; i < 3; i++)
		memcpy(packed + i * ti_min, &f->ti[i], ti_min);
	f->h.size_tcpinfo_user = (uint32_t)ti_min;
	mc_err_clear(&e);
	assert_int_equal(bench_full_info_decode(&f->h, sizeof(f->h), f->sfi, sizeof(f->sfi), packed,
						3 * ti_min, &ci, &e),
			 0);
	assert_int_equal(ci.nsf, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(ci.sf[i].rtt_us, 1000 * (i + 1));
		assert_int_equal(ci.sf[i].snd_cwnd, 10 + i);
		assert_int_equal(ci.sf[i].bytes_acked, 3000000ULL * (i + 1) + 1);
		assert_int_equal(ci.sf[i].bytes_received, 777ULL * (i + 1));
		assert_int_equal(ci.sf[i].bytes_sent, 0); /* beyond the size: not read */
		assert_int_equal(ci.sf[i].snd_wnd, 0);
	}
	mc_err_clear(&e);
	assert_err(bench_full_info_decode(&f->h, sizeof(f->h), f->sfi, sizeof(f->sfi), packed,
					  3 * ti_min - 1, &ci, &e),
		   &e, -EBADMSG, "3 subflows do not fit");
	free(packed);
	free(f);
}

static void test_full_info_family(void **state)
{
	struct bench_conn_info ci;
	struct fi *f = fi_new(3);
	struct mc_err e;

	f->sfi[1].addrs.local.ss_family = AF_UNIX;
	assert_err(fi_decode(f, &ci, &e), &e, -EBADMSG, "subflow 101: address family 1");
	f->sfi[1].addrs.local.ss_family = 0;
	assert_err(fi_decode(f, &ci, &e), &e, -EBADMSG, "subflow 101: address family 0");
	/* Local IPv4, remote IPv6: no such subflow. */
	f->sfi[1].addrs.local.ss_family = AF_INET;
	set_v6(&f->sfi[2].addrs.remote, "fd00::2", 5201);
	assert_err(fi_decode(f, &ci, &e), &e, -EBADMSG, "subflow 102: address family");
	f->sfi[2].addrs.remote.ss_family = 0;
	assert_err(fi_decode(f, &ci, &e), &e, -EBADMSG, "subflow 102: address family");
	f->sfi[2].addrs.remote.ss_family = AF_INET;
	assert_int_equal(fi_decode(f, &ci, &e), 0);
	assert_int_equal(ci.nsf, 3);
	/* The golden answer with its second subflow's remote family bent. */
	{
		uint8_t sfi[sizeof(golden_fi_cli_sfi)] __attribute__((aligned(8)));

		memcpy(sfi, golden_fi_cli_sfi, sizeof(sfi));
		sfi[264 + offsetof(struct mc_mptcp_subflow_info, addrs.remote)] = AF_INET6;
		mc_err_clear(&e);
		assert_err(bench_full_info_decode(golden_fi_cli_hdr, sizeof(golden_fi_cli_hdr), sfi,
						  sizeof(sfi), golden_fi_cli_ti,
						  sizeof(golden_fi_cli_ti), &ci, &e),
			   &e, -EBADMSG, "subflow 2: address family 2");
	}
	free(f);
}

/* ---- receive batching (rxtune.c), fed a simulated receiver ---- */

/*
 * Runs the tuner against a receiver that gets rate[0] bytes/s reading at
 * once and rate[1] with a batch, in 1 ms steps for ms milliseconds; returns
 * the batch in use at the end.
 */
static uint32_t rx_sim(struct rxtune *r, const double rate[2], int ms, int *switches)
{
	uint64_t now = 1000000000ULL, bytes = 0;
	uint32_t lw = 0;

	rxtune_init(r, now);
	*switches = 0;
	for (int i = 0; i < ms; i++) {
		uint32_t n;

		now += 1000000;
		bytes += (uint64_t)(rate[lw ? 1 : 0] / 1000);
		n = rxtune_step(r, now, bytes);
		*switches += n != lw;
		lw = n;
	}
	return lw;
}

static void test_rxtune_choices(void **state)
{
	const double g = 1e9 / 8; /* bytes/s of 1 Gbit/s */
	struct rxtune r;
	int sw;

	(void)state;
	/* Unshaped veth: the batch is faster. Half a ms at 21 Gbit/s is over the 256 KiB cap. */
	assert_int_equal(rx_sim(&r, (double[]){ 20.8 * g, 22.7 * g }, 2000, &sw), 256 << 10);
	assert_int_equal(r.decisions, 1);
	assert_true(fabs(r.rate[0] - 20.8 * g) < 0.01 * g);
	assert_true(fabs(r.rate[1] - 22.7 * g) < 0.01 * g);
	/* Shaped, sender-bound: the batch is slower, reading at once is kept. */
	assert_int_equal(rx_sim(&r, (double[]){ 18.3 * g, 16.2 * g }, 2000, &sw), 0);
	assert_int_equal(sw, 2); /* on for the probe, off after it */
	/* Within 1 %: the batch, which costs less CPU. */
	assert_int_equal(rx_sim(&r, (double[]){ 10 * g, 9.95 * g }, 2000, &sw), 256 << 10);
	/* 2 Gbit/s: half a ms is 125 kB, under the cap. */
	assert_int_equal(rx_sim(&r, (double[]){ 2 * g, 2 * g }, 2000, &sw), 125000);
	/* Under about 1 Gbit/s the batch would be under 64 KiB: never tried. */
	assert_int_equal(rx_sim(&r, (double[]){ 0.5 * g, 5 * g }, 2000, &sw), 0);
	assert_int_equal(sw, 0);
	assert_int_equal(r.decisions, 1);
	/* Nothing before the warm-up and both probes are over (0.3 + 2 x 0.25 s). */
	assert_int_equal(rx_sim(&r, (double[]){ 20 * g, 22 * g }, 700, &sw), 256 << 10);
	assert_int_equal(r.phase, RXT_PROBE_BATCH);
	assert_int_equal(r.decisions, 0);
	/* Every 10 s it is decided again: 25 s, three decisions. */
	assert_int_equal(rx_sim(&r, (double[]){ 18.3 * g, 16.2 * g }, 25000, &sw), 0);
	assert_int_equal(r.decisions, 3);
	assert_int_equal(sw, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params_iperf3),
		cmocka_unit_test(test_params_iperf3_printed),
		cmocka_unit_test(test_params_iperf3_options),
		cmocka_unit_test(test_params_encode_default),
		cmocka_unit_test(test_params_roundtrip),
		cmocka_unit_test(test_params_reject),
		cmocka_unit_test(test_params_reject_framing),
		cmocka_unit_test(test_results_iperf3),
		cmocka_unit_test(test_results_iperf3_two_streams),
		cmocka_unit_test(test_results_roundtrip),
		cmocka_unit_test(test_results_max_streams),
		cmocka_unit_test(test_results_reject),
		cmocka_unit_test(test_results_lenient),
		cmocka_unit_test(test_json_check),
		cmocka_unit_test(test_frame_len),
		cmocka_unit_test(test_cookie),
		cmocka_unit_test(test_state_name),
		cmocka_unit_test(test_full_info_kernel_client),
		cmocka_unit_test(test_full_info_kernel_server),
		cmocka_unit_test(test_full_info_kernel_room),
		cmocka_unit_test(test_full_info_crafted),
		cmocka_unit_test(test_full_info_counts),
		cmocka_unit_test(test_full_info_sizes),
		cmocka_unit_test(test_full_info_short_tcp_info),
		cmocka_unit_test(test_full_info_family),
		cmocka_unit_test(test_rxtune_choices),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
