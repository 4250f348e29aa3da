#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpctl status in the lab, case by case, each checked against ss (the witness).
. "$(dirname "$0")/lib.sh"
PEER="$(dirname "$0")/mptcp_peer.py"
command -v python3 >/dev/null || skip "python3 is not installed"

expect_rc 0 "$MPTCPCTL" lab up name "$LAB" rate 200mbit
C="$LAB-cli" S="$LAB-srv"
st() { "$MPTCPCTL" -n "$1" "${@:2}"; }
js() { st "$1" -j status "${@:2}"; }

# Starts a server in S and a client in C that sends for $3 s at $4 bytes/s; waits until connected.
start_pair() { # port dst secs rate [tcp|srvtcp]
	local port=$1 dst=$2 secs=$3 rate=$4 tcp="" stcp=""
	case "${5:-}" in tcp) tcp=tcp stcp=tcp ;; srvtcp) stcp=tcp ;; esac
	ip netns exec "$S" python3 "$PEER" server 0.0.0.0 "$port" $stcp >/dev/null &
	EXTRA_CLEANUP+=("kill $!")
	wait_listen "$S" "$port"
	ip netns exec "$C" python3 "$PEER" client "$dst" "$port" "$secs" $tcp rate "$rate" &
	CLIENT=$!
	EXTRA_CLEANUP+=("kill $CLIENT")
	for _ in $(seq 1 200); do
		ip netns exec "$C" ss -Htn state established "dport = :$port" | grep -q . && return 0
		sleep 0.02
	done
	fail "no connection to port $port"
}

# ---- plain TCP: never shown as MPTCP
start_pair 7001 10.0.0.2 3 2000000 tcp
out=$(st "$C" status port 7001)
grep -q "no MPTCP connections" <<<"$out" || fail "plain TCP shown as MPTCP: $out"
ip netns exec "$C" ss -tni "dport = :7001" | grep -q tcp-ulp-mptcp && fail "witness: ss says it is a subflow"
ip netns exec "$C" ss -HMn "dport = :7001" | grep -q . && fail "witness: ss -M lists it"
expect_rc 1 st "$C" status port 7001 --expect-subflows 1
grep -q "no matching MPTCP connection" <<<"$OUT" || fail "expect on plain TCP: $OUT"
ok "plain TCP: no MPTCP rows (ss agrees), --expect-subflows 1 -> 1"
kill "$CLIENT" 2>/dev/null; wait "$CLIENT" 2>/dev/null || true

# ---- MPTCP, no endpoints: one subflow
start_pair 7002 10.0.0.2 4 2000000
d=$(js "$C" port 7002)
python3 - "$d" <<'PY' || fail "1 subflow: $d"
import json, sys
c = json.loads(sys.argv[1])["connections"]
assert len(c) == 1 and c[0]["kind"] == "mptcp" and not c[0]["fallback"], c
assert c[0]["subflows_established"] == 1 and len(c[0]["subflows"]) == 1, c
s = c[0]["subflows"][0]
assert s["interface"] == "eno1" and s["local"] == "10.0.0.1" and s["remote"] == "10.0.0.2", s
assert c[0]["comm"].startswith("python"), c
PY
ip netns exec "$C" ss -HMn "dport = :7002" | grep -q ESTAB || fail "witness: ss -M lists no MPTCP socket"
n=$(ip netns exec "$C" ss -Htni "dport = :7002" | grep -c tcp-ulp-mptcp)
[ "$n" -eq 1 ] || fail "witness: ss shows $n subflows"
expect_rc 0 st "$C" status port 7002 --expect-subflows 1
expect_rc 1 st "$C" status port 7002 --expect-subflows 2
grep -q "has 1 established subflow, expected at least 2" <<<"$OUT" || fail "reason: $OUT"
ok "MPTCP without endpoints: 1 subflow on eno1 (ss agrees); expect 1 -> 0, 2 -> 1: $OUT"
kill "$CLIENT" 2>/dev/null; wait "$CLIENT" 2>/dev/null || true

# ---- two paths: a signal endpoint on the server, limits on both
ip -n "$S" mptcp endpoint add 192.168.0.2 dev eno2 signal
for h in "$C" "$S"; do ip -n "$h" mptcp limits set subflows 2 add_addr_accepted 2; done
start_pair 7003 10.0.0.2 6 4000000
for _ in $(seq 1 100); do
	[ "$(ip netns exec "$C" ss -Htni "dport = :7003" | grep -c tcp-ulp-mptcp)" -ge 2 ] && break
	sleep 0.05
done
sleep 1 # let both subflows carry data before comparing shares
d=$(js "$C" port 7003)
w=$(ip netns exec "$C" ss -Htni "dport = :7003")
python3 - "$d" "$w" <<'PY' || fail "2 subflows: $d / witness: $w"
import json, re, sys
c = json.loads(sys.argv[1])["connections"]
assert len(c) == 1 and c[0]["subflows_established"] == 2, c
sf = {s["interface"]: s for s in c[0]["subflows"]}
assert set(sf) == {"eno1", "eno2"}, sf
assert sf["eno2"]["local"] == "192.168.0.1" and sf["eno2"]["mp_join"], sf
# per-subflow bytes agree with ss (taken just after; the client sends 4 MB/s)
acked = {m.group(1): int(m.group(2)) for m in re.finditer(r"(\S+):\d+\s+\S+:7003.*?bytes_acked:(\d+)", sys.argv[2], re.S)}
for name, s in sf.items():
    w = acked[s["local"]]
    assert abs(w - s["bytes_acked"]) <= 2_000_000 + 0.1 * w, (name, w, s["bytes_acked"])
tot = sum(s["bytes_acked"] for s in sf.values())
assert abs(sum(s["share"] for s in sf.values()) - 1) < 0.01
PY
expect_rc 0 st "$C" status port 7003 --expect-subflows 2
expect_rc 1 st "$C" status port 7003 --expect-subflows 3
ok "two paths: 2 subflows on eno1+eno2, bytes per subflow agree with ss; expect 2 -> 0, 3 -> 1"
kill "$CLIENT" 2>/dev/null; wait "$CLIENT" 2>/dev/null || true
ip -n "$S" mptcp endpoint flush

# ---- fallback: the server host has MPTCP disabled (its listener is plain TCP)
ip netns exec "$S" sysctl -qw net.mptcp.enabled=0
start_pair 7004 10.0.0.2 4 2000000 srvtcp
d=$(js "$C" port 7004)
python3 - "$d" <<'PY' || fail "fallback: $d"
import json, sys
c = json.loads(sys.argv[1])["connections"]
assert len(c) == 1 and c[0]["kind"] == "tcp-fallback" and c[0]["fallback"] and not c[0]["mptcp"], c
assert "MP_CAPABLE" in c[0]["fallback_reason"], c
PY
ip netns exec "$C" ss -HMni "dport = :7004" | grep -q fallback || fail "witness: ss -M does not say fallback"
expect_rc 1 st "$C" status port 7004 --expect-subflows 1
grep -q "fell back to TCP: the peer did not answer MP_CAPABLE" <<<"$OUT" || fail "reason: $OUT"
out=$(st "$C" status port 7004)
grep -q "^tcp-fallback" <<<"$out" && grep -q "why: the peer did not answer MP_CAPABLE" <<<"$out" || fail "text: $out"
ok "fallback (server without MPTCP): tcp-fallback with the reason (ss -M says fallback); expect -> 1"
kill "$CLIENT" 2>/dev/null; wait "$CLIENT" 2>/dev/null || true
ip netns exec "$S" sysctl -qw net.mptcp.enabled=1

# ---- listeners only with -l; bad input
ip netns exec "$S" python3 "$PEER" server 0.0.0.0 7005 >/dev/null &
EXTRA_CLEANUP+=("kill $!")
wait_listen "$S" 7005
st "$S" status | grep -q "^listen" && fail "listener shown without -l"
st "$S" status -l port 7005 | grep -q "^listen .*0.0.0.0:7005  LISTEN" || fail "listener not shown with -l"
ok "listeners only with -l"
expect_rc 2 "$MPTCPCTL" status port 70000
expect_rc 2 "$MPTCPCTL" status dst nonsense
expect_rc 2 "$MPTCPCTL" status --expect-subflows
expect_rc 2 "$MPTCPCTL" status frob
expect_rc 0 "$MPTCPCTL" status --help
expect_rc 1 "$MPTCPCTL" -n "nosuchns$$" status
ok "bad input -> exit 2; unknown netns -> exit 1"
