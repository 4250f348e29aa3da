// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * src/pm/counters.c: counters_parse() on a real /proc/net/netstat, and on
 * broken ones; counter_meaning().
 *
 * netstat_real is, byte for byte, /proc/net/netstat of the client namespace
 * of the capture run described in tests/unit/test_diag.c (kernel 6.18.44),
 * read right after the transfers (read only):
 *
 *   ip netns exec $A cat /proc/net/netstat
 *
 * Its MPTcpExt lines name 76 counters; the non-zero ones tell the story of
 * that run: two MP_CAPABLE SYNs sent (the two MPTCP clients), one SYN-ACK
 * with MP_CAPABLE (the MPTCP server) and one without (the plain TCP server:
 * MPCapableFallbackSYNACK), one ADD_ADDR received and joined (MPJoinSynTx,
 * MPJoinSynAckRx), one REMOVE_ADDR (RmAddr).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pm/counters.h"

// clang-format off
static const char netstat_real[] =
	"TcpExt: SyncookiesSent SyncookiesRecv SyncookiesFailed EmbryonicRsts PruneCalled"
	" RcvPruned OfoPruned OutOfWindowIcmps LockDroppedIcmps ArpFilter TW TWRecycled"
	" TWKilled PAWSActive PAWSEstab BeyondWindow TSEcrRejected PAWSOldAck"
	" PAWSTimewait DelayedACKs DelayedACKLocked DelayedACKLost ListenOverflows"
	" ListenDrops TCPHPHits TCPPureAcks TCPHPAcks TCPRenoRecovery TCPSackRecovery"
	" TCPSACKReneging TCPSACKReorder TCPRenoReorder TCPTSReorder TCPFullUndo"
	" TCPPartialUndo TCPDSACKUndo TCPLossUndo TCPLostRetransmit TCPRenoFailures"
	" TCPSackFailures TCPLossFailures TCPFastRetrans TCPSlowStartRetrans TCPTimeouts"
	" TCPLossProbes TCPLossProbeRecovery TCPRenoRecoveryFail TCPSackRecoveryFail"
	" TCPRcvCollapsed TCPBacklogCoalesce TCPDSACKOldSent TCPDSACKOfoSent TCPDSACKRecv"
	" TCPDSACKOfoRecv TCPAbortOnData TCPAbortOnClose TCPAbortOnMemory"
	" TCPAbortOnTimeout TCPAbortOnLinger TCPAbortFailed TCPMemoryPressures"
	" TCPMemoryPressuresChrono TCPSACKDiscard TCPDSACKIgnoredOld"
	" TCPDSACKIgnoredNoUndo TCPSpuriousRTOs TCPMD5NotFound TCPMD5Unexpected"
	" TCPMD5Failure TCPSackShifted TCPSackMerged TCPSackShiftFallback TCPBacklogDrop"
	" PFMemallocDrop TCPMinTTLDrop TCPDeferAcceptDrop IPReversePathFilter"
	" TCPTimeWaitOverflow TCPReqQFullDoCookies TCPReqQFullDrop TCPRetransFail"
	" TCPRcvCoalesce TCPOFOQueue TCPOFODrop TCPOFOMerge TCPChallengeACK"
	" TCPSYNChallenge TCPFastOpenActive TCPFastOpenActiveFail TCPFastOpenPassive"
	" TCPFastOpenPassiveFail TCPFastOpenListenOverflow TCPFastOpenCookieReqd"
	" TCPFastOpenBlackhole TCPSpuriousRtxHostQueues BusyPollRxPackets TCPAutoCorking"
	" TCPFromZeroWindowAdv TCPToZeroWindowAdv TCPWantZeroWindowAdv TCPSynRetrans"
	" TCPOrigDataSent TCPHystartTrainDetect TCPHystartTrainCwnd TCPHystartDelayDetect"
	" TCPHystartDelayCwnd TCPACKSkippedSynRecv TCPACKSkippedPAWS TCPACKSkippedSeq"
	" TCPACKSkippedFinWait2 TCPACKSkippedTimeWait TCPACKSkippedChallenge TCPWinProbe"
	" TCPKeepAlive TCPMTUPFail TCPMTUPSuccess TCPDelivered TCPDeliveredCE"
	" TCPAckCompressed TCPZeroWindowDrop TCPRcvQDrop TCPWqueueTooBig"
	" TCPFastOpenPassiveAltKey TcpTimeoutRehash TcpDuplicateDataRehash"
	" TCPDSACKRecvSegs TCPDSACKIgnoredDubious TCPMigrateReqSuccess"
	" TCPMigrateReqFailure TCPPLBRehash TCPAORequired TCPAOBad TCPAOKeyNotFound"
	" TCPAOGood TCPAODroppedIcmps\n"
	"TcpExt: 0 0 0 0 0 0 0 0 0 0 3 0 0 0 0 0 0 0 0 0 0 0 0 0 0 298 3 0 0 0 0 0 0 0 0"
	" 0 0 0 0 0 0 0 0 0 0 0 0 0 0 20 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0"
	" 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 153 0 0 0 8864 0 0 0 0 0 0 0 0 0"
	" 0 0 0 0 0 8868 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
	"IpExt: InNoRoutes InTruncatedPkts InMcastPkts OutMcastPkts InBcastPkts"
	" OutBcastPkts InOctets OutOctets InMcastOctets OutMcastOctets InBcastOctets"
	" OutBcastOctets InCsumErrors InNoECTPkts InECT1Pkts InECT0Pkts InCEPkts"
	" ReasmOverlaps\n"
	"IpExt: 0 0 0 0 0 0 18772 12607380 0 0 0 0 0 329 0 0 0 0\n"
	"MPTcpExt: MPCapableSYNRX MPCapableSYNTX MPCapableSYNACKRX MPCapableACKRX"
	" MPCapableFallbackACK MPCapableFallbackSYNACK MPCapableSYNTXDrop"
	" MPCapableSYNTXDisabled MPCapableEndpAttempt MPFallbackTokenInit MPTCPRetrans"
	" MPJoinNoTokenFound MPJoinSynRx MPJoinSynBackupRx MPJoinSynAckRx"
	" MPJoinSynAckBackupRx MPJoinSynAckHMacFailure MPJoinAckRx MPJoinAckHMacFailure"
	" MPJoinRejected MPJoinSynTx MPJoinSynTxCreatSkErr MPJoinSynTxBindErr"
	" MPJoinSynTxConnectErr DSSNotMatching DSSCorruptionFallback DSSCorruptionReset"
	" InfiniteMapTx InfiniteMapRx DSSNoMatchTCP DataCsumErr OFOQueueTail OFOQueue"
	" OFOMerge NoDSSInWindow DuplicateData AddAddr AddAddrTx AddAddrTxDrop EchoAdd"
	" EchoAddTx EchoAddTxDrop PortAdd AddAddrDrop MPJoinPortSynRx MPJoinPortSynAckRx"
	" MPJoinPortAckRx MismatchPortSynRx MismatchPortAckRx RmAddr RmAddrDrop RmAddrTx"
	" RmAddrTxDrop RmSubflow MPPrioTx MPPrioRx MPFailTx MPFailRx MPFastcloseTx"
	" MPFastcloseRx MPRstTx MPRstRx SubflowStale SubflowRecover SndWndShared"
	" RcvWndShared RcvWndConflictUpdate RcvWndConflict MPCurrEstab Blackhole"
	" MPCapableDataFallback MD5SigFallback DssFallback SimultConnectFallback"
	" FallbackFailed WinProbe\n"
	"MPTcpExt: 0 2 1 0 0 1 0 0 0 0 0 0 0 0 1 0 0 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0"
	" 0 1 0 0 0 1 0 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 14 0 0 0 0 0 0 0 0 0"
	" 0 0\n";
// clang-format on

/* Parses text through an exactly sized heap copy: no NUL after it, overreads show. */
static int parse_n(const char *text, size_t len, struct mc_counters *c)
{
	char *copy = malloc(len ? len : 1);
	int ret;

	assert_non_null(copy);
	memcpy(copy, text, len);
	ret = counters_parse(copy, len, c);
	free(copy);
	return ret;
}

static int parse(const char *text, struct mc_counters *c)
{
	return parse_n(text, strlen(text), c);
}

static void test_real(void **state)
{
	struct mc_counters *c = malloc(sizeof(*c));

	assert_non_null(c);
	assert_int_equal(parse(netstat_real, c), 0);
	assert_int_equal(c->n, 76);
	assert_string_equal(c->c[0].name, "MPCapableSYNRX");
	assert_int_equal(c->c[0].value, 0);
	assert_string_equal(c->c[1].name, "MPCapableSYNTX");
	assert_int_equal(c->c[1].value, 2);
	assert_string_equal(c->c[2].name, "MPCapableSYNACKRX");
	assert_int_equal(c->c[2].value, 1);
	assert_string_equal(c->c[5].name, "MPCapableFallbackSYNACK");
	assert_int_equal(c->c[5].value, 1);
	assert_string_equal(c->c[75].name, "WinProbe");
	assert_int_equal(counters_get(c, "MPCapableSYNTX"), 2);
	assert_int_equal(counters_get(c, "MPCapableSYNACKRX"), 1);
	assert_int_equal(counters_get(c, "MPCapableFallbackSYNACK"), 1);
	assert_int_equal(counters_get(c, "MPJoinSynTx"), 1);
	assert_int_equal(counters_get(c, "MPJoinSynAckRx"), 1);
	assert_int_equal(counters_get(c, "AddAddr"), 1);
	assert_int_equal(counters_get(c, "EchoAddTx"), 1);
	assert_int_equal(counters_get(c, "RmAddr"), 1);
	assert_int_equal(counters_get(c, "SndWndShared"), 14);
	assert_int_equal(counters_get(c, "MPJoinSynRx"), 0);
	assert_int_equal(counters_get(c, "NoSuchCounter"), 0);
	/* TcpExt's names never leak in: every name is an MPTcpExt one. */
	assert_int_equal(counters_get(c, "SyncookiesSent"), 0);
	for (size_t i = 0; i < c->n; i++) {
		size_t l = strnlen(c->c[i].name, sizeof(c->c[i].name));

		assert_true(l > 0 && l < sizeof(c->c[i].name));
		assert_null(strchr(c->c[i].name, ' '));
	}
	free(c);
}

/* Every prefix of the file: never a crash, and only the documented errors. */
static void test_real_prefixes(void **state)
{
	struct mc_counters *c = malloc(sizeof(*c));
	const char *hdr = strstr(netstat_real, "MPTcpExt:");
	const char *val = strstr(hdr + 1, "MPTcpExt:");
	size_t len = strlen(netstat_real);
	size_t vend = (size_t)(strchr(val, '\n') - netstat_real);

	assert_non_null(c);
	for (size_t l = 0; l <= len; l++) {
		int ret = parse_n(netstat_real, l, c);

		if ((size_t)(hdr - netstat_real) + 9 > l)
			assert_int_equal(ret, -ENOENT); /* no "MPTcpExt:" yet */
		else if (l >= vend)
			assert_int_equal(ret, 0);
		else if (ret != -EBADMSG && ret != 0)
			fail_msg("cut at %zu: %d", l, ret);
	}
	free(c);
}

static void test_no_mptcp(void **state)
{
	struct mc_counters c;
	char *t = strdup(netstat_real);

	assert_non_null(t);
	*strstr(t, "MPTcpExt:") = '\0'; /* a kernel without MPTCP */
	assert_int_equal(parse(t, &c), -ENOENT);
	assert_int_equal(c.n, 0);
	free(t);
	assert_int_equal(parse("", &c), -ENOENT);
	assert_int_equal(parse("\n\n", &c), -ENOENT);
	assert_int_equal(parse("MPTcpExt MPCapableSYNRX\nMPTcpExt 1\n", &c), -ENOENT);
	assert_int_equal(parse(" MPTcpExt: MPCapableSYNRX\n MPTcpExt: 1\n", &c), -ENOENT);
	assert_int_equal(parse("TcpExt: MPTcpExt:\nTcpExt: 1\n", &c), -ENOENT);
}

static void test_header_only(void **state)
{
	struct mc_counters c;
	char *t = strdup(netstat_real);

	assert_non_null(t);
	strstr(strstr(t, "MPTcpExt:") + 1, "MPTcpExt:")[0] = '\0';
	assert_int_equal(parse(t, &c), -EBADMSG);
	free(t);
	assert_int_equal(parse("MPTcpExt: MPCapableSYNRX", &c), -EBADMSG);
	assert_int_equal(parse("MPTcpExt: MPCapableSYNRX\n", &c), -EBADMSG);
	assert_int_equal(parse("MPTcpExt: MPCapableSYNRX\nTcpExt: 1\n", &c), -EBADMSG);
}

static void test_count_mismatch(void **state)
{
	struct mc_counters c;

	assert_int_equal(parse("MPTcpExt: A B C\nMPTcpExt: 1 2\n", &c), -EBADMSG);
	assert_int_equal(parse("MPTcpExt: A B\nMPTcpExt: 1 2 3\n", &c), -EBADMSG);
	assert_int_equal(parse("MPTcpExt: A\nMPTcpExt:\n", &c), -EBADMSG);
	assert_int_equal(parse("MPTcpExt:\nMPTcpExt: 1\n", &c), -EBADMSG);
	/* Nothing on either line: zero counters. */
	assert_int_equal(parse("MPTcpExt:\nMPTcpExt:\n", &c), 0);
	assert_int_equal(c.n, 0);
	/* Runs of spaces and no final newline are fine. */
	assert_int_equal(parse("MPTcpExt:  A   B \nMPTcpExt:   7  8  ", &c), 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.c[1].name, "B");
	assert_int_equal(c.c[1].value, 8);
}

static void test_non_digits(void **state)
{
	const char *bad[] = { "x", "-1", "+1", "1.5", "0x10", "1a", "\t1", "1\t", "1\r", "½" };
	struct mc_counters c;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char t[128];

		snprintf(t, sizeof(t), "MPTcpExt: A B\nMPTcpExt: 1 %s\n", bad[i]);
		if (parse(t, &c) != -EBADMSG)
			fail_msg("value \"%s\" accepted", bad[i]);
	}
}

static void test_overflow(void **state)
{
	struct mc_counters c;

	assert_int_equal(parse("MPTcpExt: A\nMPTcpExt: 99999999999999999999\n", &c), -EBADMSG);
	assert_int_equal(parse("MPTcpExt: A\nMPTcpExt: 18446744073709551616\n", &c), -EBADMSG);
	assert_int_equal(parse("MPTcpExt: A\nMPTcpExt: 123456789012345678901234567890\n", &c),
			 -EBADMSG);
	assert_int_equal(parse("MPTcpExt: A\nMPTcpExt: 18446744073709551609\n", &c), 0);
	assert_true(c.c[0].value == 18446744073709551609ULL);
	assert_int_equal(parse("MPTcpExt: A\nMPTcpExt: 00000000000000000000000000042\n", &c), 0);
	assert_int_equal(c.c[0].value, 42);
}

/* n names "C0 C1 ..." and n values: the header and value lines. */
static char *make(size_t n, size_t name_len)
{
	size_t cap = 64 + n * (name_len + 16);
	char *t = malloc(cap), *p = t;

	if (!t)
		abort();
	p += snprintf(p, cap - (size_t)(p - t), "MPTcpExt:");
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(p, cap - (size_t)(p - t), " C%zu", i);

		p += w;
		for (size_t k = (size_t)w - 1; k < name_len; k++)
			*p++ = 'x';
	}
	p += snprintf(p, cap - (size_t)(p - t), "\nMPTcpExt:");
	for (size_t i = 0; i < n; i++)
		p += snprintf(p, cap - (size_t)(p - t), " %zu", i);
	snprintf(p, cap - (size_t)(p - t), "\n");
	return t;
}

static void test_too_many(void **state)
{
	struct mc_counters *c = malloc(sizeof(*c));
	char *t;

	assert_non_null(c);
	t = make(MC_COUNTERS_MAX, 0);
	assert_int_equal(parse(t, c), 0);
	assert_int_equal(c->n, MC_COUNTERS_MAX);
	assert_string_equal(c->c[MC_COUNTERS_MAX - 1].name, "C159");
	assert_int_equal(c->c[MC_COUNTERS_MAX - 1].value, MC_COUNTERS_MAX - 1);
	free(t);
	t = make(MC_COUNTERS_MAX + 1, 0);
	assert_int_equal(parse(t, c), -E2BIG);
	free(t);
	/* A name that does not fit (47 characters do). */
	t = make(1, 47);
	assert_int_equal(parse(t, c), 0);
	assert_int_equal(strlen(c->c[0].name), 47);
	free(t);
	t = make(1, 48);
	assert_int_equal(parse(t, c), -E2BIG);
	free(t);
	free(c);
}

static void test_meaning(void **state)
{
	const char *m = counter_meaning("MPCapableFallbackSYNACK");

	assert_non_null(m);
	assert_non_null(strstr(m, "fallback"));
	assert_non_null(counter_meaning("MPCapableSYNRX"));
	assert_non_null(counter_meaning("RmAddr"));
	assert_null(counter_meaning("SndWndShared")); /* real, but not one that explains paths */
	assert_null(counter_meaning("NoSuchCounter"));
	assert_null(counter_meaning(""));
	assert_null(counter_meaning("mpcapablesynrx")); /* names are case-sensitive */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real),	       cmocka_unit_test(test_real_prefixes),
		cmocka_unit_test(test_no_mptcp),       cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_count_mismatch), cmocka_unit_test(test_non_digits),
		cmocka_unit_test(test_overflow),       cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_meaning),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
