#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpctl capture in a lab, for: plain TCP, MPTCP with 1 subflow, MPTCP with
# 2 paths, fallback because the peer has MPTCP off, fallback because nftables
# strips the option, and a subflow dead after its link went down. Each time
# the live report (our libpcap capture on eno1 and eno2) and the report of
# tcpdump's file (capture read) are checked against tshark's decoding of that
# file and against status taken during the same transfer (capture_check.py).
. "$(dirname "$0")/lib.sh"
for t in tshark tcpdump python3; do
	command -v $t >/dev/null || skip "$t (a witness) is not installed"
done
HERE=$(cd "$(dirname "$0")" && pwd)
PEER="$HERE/mptcp_peer.py"
CHECK="$HERE/capture_check.py"
FAILOVER=${FAILOVER:-$(dirname "$MPTCPCTL")/tests/failover}
TMP=$(mktemp -d)
EXTRA_CLEANUP+=("rm -rf $TMP")
CLI=$LAB-cli SRV=$LAB-srv

expect_rc 0 "$MPTCPCTL" lab up name "$LAB" rate 200mbit
ok "lab up (2 paths of 200mbit)"

# Usage errors and bad input: clear words, exit 2 or 1, no crash.
expect_rc 2 "$MPTCPCTL" capture
expect_rc 2 "$MPTCPCTL" capture eno1 duration soon
expect_rc 2 "$MPTCPCTL" capture read
expect_rc 1 "$MPTCPCTL" -n "$CLI" capture nosuch0 duration 1
grep -q "nosuch0" <<<"$OUT" || fail "no interface named in: $OUT"
expect_rc 2 "$MPTCPCTL" -n "$CLI" capture eno1 filter "port port" duration 1
expect_rc 1 "$MPTCPCTL" capture read "$TMP/none.pcap"
printf 'not a capture file at all' >"$TMP/junk.pcap"
expect_rc 1 "$MPTCPCTL" capture read "$TMP/junk.pcap"
grep -q "junk.pcap" <<<"$OUT" || fail "the file is not named in: $OUT"
ok "usage errors exit 2, a missing interface or file 1, each named"

# Waits until file $1 holds the line pattern $2 (a capture says it listens).
wait_line() {
	local i
	for i in $(seq 1 300); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.02
	done
	fail "no '$2' in $1: $(cat "$1" 2>/dev/null)"
}

# Starts tcpdump (-i any) and our live capture in the client for $2 seconds.
captures_start() { # case secs
	ip netns exec "$CLI" tcpdump -i any -s 200 -U --immediate-mode -w "$TMP/$1.pcap" 2>"$TMP/$1.td.err" &
	TD=$!
	EXTRA_CLEANUP+=("kill $TD")
	"$MPTCPCTL" -n "$CLI" capture eno1 eno2 duration "$2" -j >"$TMP/$1.live.json" 2>"$TMP/$1.live.err" &
	CAP=$!
	wait_line "$TMP/$1.td.err" "listening on"
	wait_line "$TMP/$1.live.err" "capturing on eno1 eno2"
}

captures_end() { # case
	wait $CAP || fail "$1: capture exited $?: $(cat "$TMP/$1.live.err")"
	# tcpdump writes what it has read; it stops reading at SIGINT, so wait
	# until its file has not grown for 0.6 s (the closing segments are in).
	local s0=-1 s1 i same=0
	for i in $(seq 1 100); do
		s1=$(stat -c %s "$TMP/$1.pcap")
		[ "$s1" = "$s0" ] && same=$((same + 1)) || same=0
		[ $same -ge 3 ] && break
		s0=$s1
		sleep 0.2
	done
	kill -INT $TD
	wait $TD || true
	"$MPTCPCTL" -j capture read "$TMP/$1.pcap" >"$TMP/$1.off.json" ||
		fail "$1: capture read: $(cat "$TMP/$1.off.json")"
	tshark -r "$TMP/$1.pcap" -o mptcp.analyze_mptcp:TRUE -T fields -E separator=/t \
		-e sll.ifindex -e tcp.stream -e mptcp.stream -e ip.src -e ipv6.src -e tcp.srcport \
		-e ip.dst -e ipv6.dst -e tcp.dstport -e tcp.len -e tcp.flags.syn -e tcp.flags.ack \
		-e tcp.options.mptcp.subtype -e mptcp.expected_token -e frame.time_relative \
		>"$TMP/$1.tshark" 2>/dev/null || fail "$1: tshark could not read the file"
	ip -n "$CLI" -o link show | awk -F': ' '{print $1, $2}' >"$TMP/ifindex"
}

status_at() { # case n: status -j of the client, to 10.0.0.2
	"$MPTCPCTL" -n "$CLI" -j status dst 10.0.0.2 >"$TMP/$1.status$2.json"
}

check() { # case
	python3 "$CHECK" "$1" "$TMP" || fail "$1: the reports disagree (above)"
}

# One transfer of 2 s with the python peer; $2: 'tcp' for plain TCP at both
# ends, 'tcpsrv' for an MPTCP client and a TCP server; status at 1 s.
transfer() { # case port mode
	local cmode= smode=
	[ "${3:-}" = tcp ] && cmode=tcp smode=tcp
	[ "${3:-}" = tcpsrv ] && smode=tcp
	ip netns exec "$SRV" python3 "$PEER" server 10.0.0.2 "$2" $smode >"$TMP/$1.srv" &
	local srv=$!
	EXTRA_CLEANUP+=("kill $srv")
	wait_listen "$SRV" "$2"
	captures_start "$1" 3.5
	ip netns exec "$CLI" python3 "$PEER" client 10.0.0.2 "$2" 2 $cmode &
	local cli=$!
	sleep 1
	status_at "$1" 1
	wait $cli || fail "$1: the client failed"
	wait $srv || fail "$1: the server failed"
	captures_end "$1"
	check "$1"
}

transfer tcp 6001 tcp
ok "plain TCP: listed as tcp by capture (live and file), as tshark decodes it, absent from status"
"$MPTCPCTL" -n "$CLI" -j capture any duration 3.5 >"$TMP/any.json" 2>"$TMP/any.err" &
ANY=$!
wait_line "$TMP/any.err" "capturing on any"
transfer mptcp1 6002
wait $ANY || fail "capture any exited $?"
python3 - "$TMP/any.json" <<'PY' || fail "capture any: $(cat "$TMP/any.json")"
import json, sys
c = [c for c in json.load(open(sys.argv[1]))["connections"] if c["kind"] == "mptcp"]
assert len(c) == 1 and [s["interface"] for s in c[0]["subflows"]] == ["eno1"], c
PY
ok "MPTCP, no endpoints: one subflow, no fallback, tokens as tshark computes them, as status shows; 'any' names eno1"

ip netns exec "$SRV" sysctl -qw net.mptcp.enabled=0
transfer off 6003 tcpsrv
ip netns exec "$SRV" sysctl -qw net.mptcp.enabled=1
ok "peer with MPTCP off: fallback (SYN/ACK without MP_CAPABLE), as tshark and status show"

ip netns exec "$SRV" nft -f - <<'NFT'
table inet mcstrip {
	chain pre {
		type filter hook prerouting priority raw; policy accept;
		tcp dport 6004 tcp option mptcp exists reset tcp option mptcp
	}
}
NFT
EXTRA_CLEANUP+=("ip netns exec $SRV nft delete table inet mcstrip")
transfer strip 6004
ip netns exec "$SRV" nft delete table inet mcstrip
ok "nftables strips MP_CAPABLE on the way: fallback, as tshark and status show"

expect_rc 0 "$MPTCPCTL" -n "$SRV" setup role server eno1 eno2
expect_rc 0 "$MPTCPCTL" -n "$CLI" setup role client eno1 eno2
EXTRA_CLEANUP+=("$MPTCPCTL -n $CLI setup undo" "$MPTCPCTL -n $SRV setup undo")
transfer mptcp2 6005
ok "MPTCP after setup: subflows over eno1 and eno2, as many established as status counts, shares as status shows"

# Path 1 goes down at the server 1 s into a verified transfer and stays down
# past the end of the capture; status at 2.6 and 3.2 s, when the kernel has
# moved the data to path 2 (its stale-subflow detection takes about 1 s).
[ -x "$FAILOVER" ] || fail "no failover helper at $FAILOVER"
captures_start linkdown 3.8
"$FAILOVER" "$LAB" path 1 time 5s cut 1s up 4.4s side srv >"$TMP/linkdown.failover" &
FO=$!
sleep 2.6
status_at linkdown 1
sleep 0.6
status_at linkdown 2
wait $FO || fail "linkdown: the transfer failed: $(cat "$TMP/linkdown.failover")"
captures_end linkdown
check linkdown
ok "a subflow dead after link down: silent in capture, not growing in status; every byte verified"

# A file cut short: the report of what came before, and a clear error.
sz=$(stat -c %s "$TMP/mptcp2.pcap")
head -c $((sz - 37)) "$TMP/mptcp2.pcap" >"$TMP/cut.pcap"
expect_rc 1 "$MPTCPCTL" capture read "$TMP/cut.pcap"
grep -q "^mptcp " <<<"$OUT" && grep -q "cut short" <<<"$OUT" || fail "cut file: $OUT"
ok "a truncated pcap: the report so far, 'cut short', exit 1"
