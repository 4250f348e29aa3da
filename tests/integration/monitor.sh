#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpctl monitor: the path manager's events in order, for a transfer whose second path is cut.
. "$(dirname "$0")/lib.sh"
PEER="$(dirname "$0")/mptcp_peer.py"

expect_rc 0 "$MPTCPCTL" lab up name "$LAB" rate 200mbit
C="$LAB-cli" S="$LAB-srv"
ip -n "$S" mptcp endpoint add 192.168.0.2 dev eno2 signal id 5
for h in "$C" "$S"; do ip -n "$h" mptcp limits set subflows 2 add_addr_accepted 2; done

tmp=$(mktemp -d)
EXTRA_CLEANUP+=("rm -rf $tmp")
"$MPTCPCTL" -n "$C" -j monitor timeout 20 count 7 >"$tmp/ev.json" 2>"$tmp/ev.err" &
MON=$!
EXTRA_CLEANUP+=("kill $MON")
"$MPTCPCTL" -n "$C" monitor --counters interval 0.2 timeout 20 count 7 >"$tmp/ev.txt" 2>&1 &
MON2=$!
EXTRA_CLEANUP+=("kill $MON2")
# The subscription is in place once monitor printed its banner (text) / opened its socket.
for _ in $(seq 1 100); do grep -q monitoring "$tmp/ev.txt" && break; sleep 0.02; done
sleep 0.2

ip netns exec "$S" python3 "$PEER" server 0.0.0.0 7100 >/dev/null &
EXTRA_CLEANUP+=("kill $!")
wait_listen "$S" 7100
ip netns exec "$C" python3 "$PEER" client 10.0.0.2 7100 3 rate 2000000 &
CLIENT=$!
EXTRA_CLEANUP+=("kill $CLIENT")
for _ in $(seq 1 100); do
	[ "$(ip netns exec "$C" ss -Htni "dport = :7100" | grep -c tcp-ulp-mptcp)" -ge 2 ] && break
	sleep 0.05
done
# Cut path 2: the link goes down, and the server withdraws its address (as a
# path daemon does; a link cut alone leaves the subflow ESTABLISHED on this kernel).
ip -n "$C" link set eno2 down
ip -n "$S" mptcp endpoint delete id 5
wait "$CLIENT" || fail "the transfer failed after the cut"
wait "$MON" || fail "monitor -j exited $?: $(cat "$tmp/ev.err")"
wait "$MON2" || fail "monitor exited $?"

python3 - "$tmp/ev.json" <<'PY' || fail "events: $(cat "$tmp/ev.json")"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
names = [e["event"] for e in ev]
want = ["created", "established", "sub_established", "sub_closed", "closed"]
pos = [names.index(w) for w in want]
assert pos == sorted(pos), names
tok = {e["token"] for e in ev if "token" in e}
assert len(tok) == 1, ev
sub = ev[names.index("sub_established")]
assert sub["saddr"] == "192.168.0.1" and sub["daddr"] == "192.168.0.2", sub
closed = ev[names.index("sub_closed")]
assert closed["saddr"] == "192.168.0.1", closed
assert all(e["time"] > 1e9 for e in ev)
PY
ok "monitor -j: created -> established -> sub_established (192.168.0.1) -> sub_closed -> closed, one token"
grep -q "sub_established  token [0-9a-f]* 192.168.0.1:[0-9]* -> 192.168.0.2:7100" "$tmp/ev.txt" || fail "text: $(cat "$tmp/ev.txt")"
grep -q "counter  MPJoinSynTx *+1  MP_JOIN SYNs sent" "$tmp/ev.txt" || fail "counters: $(cat "$tmp/ev.txt")"
grep -q "counter  RmAddr *+1  REMOVE_ADDR received" "$tmp/ev.txt" || fail "counters: $(cat "$tmp/ev.txt")"
ok "monitor text, --counters explains MPJoinSynTx and RmAddr"

expect_rc 2 "$MPTCPCTL" monitor count 0
expect_rc 2 "$MPTCPCTL" monitor timeout forever
expect_rc 2 "$MPTCPCTL" monitor frob
expect_rc 0 "$MPTCPCTL" monitor --help
expect_rc 0 timeout 5 "$MPTCPCTL" -n "$C" monitor timeout 0.2
ok "monitor bad input -> 2; timeout ends it with 0"
