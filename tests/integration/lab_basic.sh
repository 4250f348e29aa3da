#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab up/show/exec/list/down against the witnesses ip(8), tc(8), sysctl and iperf3.
. "$(dirname "$0")/lib.sh"
command -v iperf3 >/dev/null || skip "iperf3 (the witness) is not installed"

RATE1=400mbit RATE2=200mbit
expect_rc 0 "$MPTCPCTL" lab up name "$LAB" paths 3 rate "$RATE1,$RATE2,$RATE2"
ok "lab up name $LAB paths 3"

# Namespaces, as ip(8) sees them.
ip netns list | grep -qx "$LAB-cli.*" || ip netns list | grep -q "^$LAB-cli" || fail "no $LAB-cli"
ip netns list | grep -q "^$LAB-srv" || fail "no $LAB-srv"
ok "two namespaces"

declare -A V4=([1]=10.0.0 [2]=192.168.0 [3]=10.0.2)
for h in cli srv; do
	[ "$h" = cli ] && host=1 || host=2
	n=$(ip -n "$LAB-$h" -o link show | grep -c ': eno[0-9]')
	[ "$n" -eq 3 ] || fail "$LAB-$h has $n eno links, expected 3"
	for k in 1 2 3; do
		ip -n "$LAB-$h" -o link show dev "eno$k" | grep -q 'state UP' || fail "$LAB-$h eno$k not UP"
		ip -n "$LAB-$h" -o -4 addr show dev "eno$k" | grep -q "inet ${V4[$k]}.$host/24" ||
			fail "$LAB-$h eno$k lacks ${V4[$k]}.$host/24"
		ip -n "$LAB-$h" -o -6 addr show dev "eno$k" | grep -q "inet6 fd00:0:0:$k::$host/64" ||
			fail "$LAB-$h eno$k lacks fd00:0:0:$k::$host/64"
		q=$(tc -n "$LAB-$h" qdisc show dev "eno$k")
		[ $k -eq 1 ] && want=400Mbit || want=200Mbit
		grep -q "qdisc tbf 1: root .*rate $want" <<<"$q" || fail "$LAB-$h eno$k qdisc: $q"
	done
	[ "$(ip netns exec "$LAB-$h" sysctl -n net.mptcp.enabled)" = 1 ] || fail "mptcp not enabled in $LAB-$h"
	ip -n "$LAB-$h" -o link show dev lo | grep -q 'UP' || fail "lo down in $LAB-$h"
done
ok "links, addresses (v4+v6), tbf shaping both ways, net.mptcp.enabled=1 (ip, tc, sysctl)"

# The peer of each client link is the same-named server link.
for k in 1 2 3; do
	ip netns exec "$LAB-cli" ping -c1 -W2 "${V4[$k]}.2" >/dev/null || fail "no IPv4 over path $k"
	ip netns exec "$LAB-cli" ping -6 -c1 -W2 "fd00:0:0:$k::2" >/dev/null || fail "no IPv6 over path $k"
done
ok "IPv4 and IPv6 reachability over every path"

# lab show agrees with the witnesses.
js=$("$MPTCPCTL" -j lab show "$LAB")
python3 - "$js" <<'PY' || fail "lab show -j disagrees: $js"
import json, sys
d = json.loads(sys.argv[1])
assert d["state"] == "up" and d["paths"] == 3
r = {l["path"]: l for l in d["links"]}
assert r[1]["rate_bps"] == 400_000_000 and r[2]["rate_bps"] == 200_000_000
for l in d["links"]:
    for h in ("client", "server"):
        k = l[h]["kernel"]
        assert k["up"] and k["tbf_rate_bps"] == l["rate_bps"], l
        assert l[h]["ipv4"] in k["addresses"] and l[h]["ipv6"] in k["addresses"], l
PY
ok "lab show -j matches what the kernel has"
"$MPTCPCTL" lab list | grep -q "^lab $LAB:" || fail "lab list does not show $LAB"
ok "lab list"

# TCP over each path reaches >= 80 % (closeness is bench/b_lab_tcp.sh's to measure; 89 % was seen on a busy VM) of its rate (iperf3 is the witness).
for k in 1 2; do
	[ $k -eq 1 ] && rate=400000000 || rate=200000000
	bps=$(iperf_bps "${V4[$k]}.2" 2 $((5300 + k)))
	pct=$((bps * 100 / rate))
	echo "# path $k: $bps bit/s = $pct % of $rate"
	[ "$pct" -ge 80 ] || fail "path $k: TCP reached $pct % of its rate"
	[ "$pct" -le 105 ] || fail "path $k: TCP reached $pct % of its rate: shaping is not applied"
done
ok "TCP over each path reaches >= 80 % of the shaped rate (iperf3)"

# Our own transfer (the demo's) agrees: its TCP step over a 300mbit path.
EXTRA_CLEANUP+=("$MPTCPCTL lab down ${LAB}d")
out=$("$MPTCPCTL" -j lab demo name "${LAB}d" rate 300mbit time 1)
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); t=[s for s in d["steps"] if s["step"] == "TCP over path 1"][0]; assert t["ok"] and 0.24 <= t["gbps"] <= 0.315, t' "$out" ||
	fail "lab demo: $out"
ok "lab demo -j: TCP at $(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(round([s for s in d["steps"] if s["step"] == "TCP over path 1"][0]["gbps"]/0.3*100,1))' "$out") % of 300mbit"

# exec passes the exit status, a signal death and arguments through.
expect_rc 7 "$MPTCPCTL" lab exec "$LAB" srv -- sh -c 'exit 7'
expect_rc 137 "$MPTCPCTL" lab exec "$LAB" cli -- sh -c 'kill -9 $$'
expect_rc 0 "$MPTCPCTL" lab exec "$LAB" cli -- printf '%s|' "a b" "c'd" '$x'
[ "$OUT" = "a b|c'd|\$x|" ] || fail "arguments mangled: $OUT"
expect_rc 0 "$MPTCPCTL" lab exec "$LAB" srv -- ip -o link show dev eno2
expect_rc 127 "$MPTCPCTL" lab exec "$LAB" srv -- /nonexistent/prog
ok "lab exec: exit status, 128+signal, arguments, 127 for a missing program"

# /sys inside exec shows the namespace's links (as ip netns exec does).
expect_rc 0 "$MPTCPCTL" lab exec "$LAB" cli -- ls /sys/class/net
grep -q eno3 <<<"$OUT" || fail "/sys in lab exec is not the namespace's: $OUT"
ok "lab exec remounts /sys"

expect_rc 0 "$MPTCPCTL" lab down "$LAB"
ip netns list | grep -q "^$LAB-" && fail "namespaces left after lab down"
expect_rc 0 "$MPTCPCTL" lab down "$LAB"
ok "lab down removes everything, and is idempotent"

# After a crash halfway: a state file saying "creating" and one namespace.
expect_rc 0 "$MPTCPCTL" lab up name "$LAB" paths 1
sed -i 's/^state up/state creating/' "/run/mptcpctl/lab/$LAB.state"
ip netns del "$LAB-srv"
expect_rc 0 "$MPTCPCTL" lab down "$LAB"
ip netns list | grep -q "^$LAB-" && fail "lab down after a crash left namespaces"
[ -e "/run/mptcpctl/lab/$LAB.state" ] && fail "state file left"
ok "lab down cleans up a half-built lab"
