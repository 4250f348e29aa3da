#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpctl daemon in the lab: addresses come and go, links go down and up
# during verified transfers (with the daemon, and the same without it as the
# baseline), kill -9 and restart, SIGHUP with a changed config, bad input.
# Witnesses: ip (endpoints, rules, routes), the server's link counters, the
# transfer's own byte check.
. "$(dirname "$0")/lib.sh"
FAILOVER=${FAILOVER:-$(dirname "$MPTCPCTL")/tests/failover}
[ -x "$FAILOVER" ] || fail "no failover helper at $FAILOVER"
# 5gbit keeps both CPUs of a 2-core machine busy, so its timing is the
# scheduler's: it is measured by bench/b_daemon.sh (make bench), not asserted here.
RATES=${DAEMON_TEST_RATES:-"1gbit 3gbit"}

expect_rc 0 "$MPTCPCTL" lab up name "$LAB" rate 1gbit
C="$LAB-cli" S="$LAB-srv"
tmp=$(mktemp -d)
EXTRA_CLEANUP+=("rm -rf $tmp")
expect_rc 0 "$MPTCPCTL" -n "$S" setup role server eno1 eno2

snap() {
	{
		ip -n "$C" rule; ip -n "$C" -6 rule
		ip -n "$C" route show table all; ip -n "$C" -6 route show table all
		ip -n "$C" mptcp endpoint show; ip -n "$C" mptcp limits show
	} | grep -v -e 'fe80::' -e 'ff00::' -e '^local ' -e 'multicast' | sort || true
}
ms() { echo $(($(date +%s%N) / 1000000)); }
# wait_for MS DESCRIPTION CMD...: polls CMD until it succeeds; fails after MS; prints the ms taken.
wait_for() {
	local limit=$1 what=$2 t0
	shift 2
	t0=$(ms)
	while ! "$@" >/dev/null 2>&1; do
		[ $(($(ms) - t0)) -le "$limit" ] || fail "$what: not within $limit ms"
		sleep 0.01
	done
	WAITED=$(($(ms) - t0))
}
has_ep() { ip -n "$C" mptcp endpoint show | grep -q "^$1 id $2 .*dev $3"; }
no_ep() { ! ip -n "$C" mptcp endpoint show | grep -q "^$1 "; }
has_rule() { ip -n "$C" rule | grep -q "from $1 lookup"; }
no_rule() { ! ip -n "$C" rule | grep -q "from $1 lookup"; }
has_route() { ip -n "$C" route show table all | grep -q "src $1 "; }
no_route() { ! ip -n "$C" route show table all | grep -q "src $1 "; }
ep_line() { ip -n "$C" mptcp endpoint show | grep -q "^$1 *$"; }
ep_id() { ip -n "$C" mptcp endpoint show | awk -v a="$1" '$1 == a { print $3 }'; }

printf '[setup]\nrole = client\n[eno1]\n[eno2]\n' >"$tmp/d.conf"
before=$(snap)

# ---- usage and bad input: clear errors, nothing changed
expect_rc 0 "$MPTCPCTL" daemon --help
grep -q "policy = use|backup|ignore" <<<"$OUT" || fail "daemon --help: $OUT"
printf '[setup]\nrole = client\n[eno1]\npolicy = sometimes\n' >"$tmp/bad.conf"
expect_rc 2 ip netns exec "$C" "$MPTCPCTL" daemon config "$tmp/bad.conf"
grep -q "bad.conf: line 4: policy 'sometimes' in \[eno1\]: use, backup or ignore" <<<"$OUT" ||
	fail "bad config: $OUT"
expect_rc 2 ip netns exec "$C" "$MPTCPCTL" daemon role sever eno1
expect_rc 1 ip netns exec "$C" "$MPTCPCTL" daemon config "$tmp/nosuch.conf"
expect_rc 1 ip netns exec "$C" "$MPTCPCTL" daemon reload
grep -q "no daemon manages this network namespace" <<<"$OUT" || fail "reload without daemon: $OUT"
mkdir -p "$tmp/bin" && cp "$(command -v sleep)" "$tmp/bin/mptcpd"
ip netns exec "$C" "$tmp/bin/mptcpd" 30 &
RIVAL=$!
EXTRA_CLEANUP+=("kill $RIVAL")
for _ in $(seq 1 100); do grep -q mptcpd "/proc/$RIVAL/comm" 2>/dev/null && break; sleep 0.02; done
expect_rc 1 ip netns exec "$C" "$MPTCPCTL" daemon config "$tmp/d.conf"
grep -q "mptcpd manages MPTCP in this network namespace.*--force" <<<"$OUT" || fail "rival: $OUT"
kill "$RIVAL"
wait "$RIVAL" 2>/dev/null || true
[ "$(snap)" = "$before" ] || fail "bad input changed the kernel"
ok "bad config (names the line), bad role, missing file, reload without a daemon, a running mptcpd: refused, nothing changed"

# ---- start under a NOTIFY_SOCKET: READY=1 once the paths are there
python3 - "$tmp/notify.sock" "$tmp/notify.log" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[2], "a").close()
while True:
    m = s.recv(4096).decode()
    with open(sys.argv[2], "a") as f:
        f.write(m.replace("\n", " ") + "\n")
PY
EXTRA_CLEANUP+=("kill $!")
wait_for 2000 "notify listener" test -S "$tmp/notify.sock"
start_daemon() {
	NOTIFY_SOCKET="$tmp/notify.sock" ip netns exec "$C" "$MPTCPCTL" daemon config "$tmp/d.conf" -v \
		>>"$tmp/daemon.log" 2>&1 &
	DPID=$!
	EXTRA_CLEANUP+=("kill -9 $DPID")
}
start_daemon
wait_for 3000 "READY=1" grep -q "READY=1" "$tmp/notify.log"
has_ep 10.0.0.1 1 eno1 && has_ep 192.168.0.1 3 eno2 || fail "after READY: $(ip -n "$C" mptcp endpoint)"
has_rule 10.0.0.1 && has_route 10.0.0.1 && has_rule 192.168.0.1 || fail "rules: $(ip -n "$C" rule)"
expect_rc 0 ip netns exec "$C" "$MPTCPCTL" status
grep -q "paths managed by mptcpctl daemon (pid $DPID, config $tmp/d.conf)" <<<"$OUT" || fail "status: $OUT"
js=$(ip netns exec "$C" "$MPTCPCTL" -j status)
python3 -c 'import json,sys; d=json.loads(sys.argv[1])["daemon"]; assert d["pid"] == int(sys.argv[2]), d' "$js" "$DPID" ||
	fail "status -j: $js"
expect_rc 0 "$MPTCPCTL" -n "$S" status
grep -q "paths managed by" <<<"$OUT" && fail "the server has no daemon: $OUT"
expect_rc 1 ip netns exec "$C" "$MPTCPCTL" daemon config "$tmp/d.conf"
grep -q "a daemon already manages this network namespace (pid $DPID)" <<<"$OUT" || fail "second daemon: $OUT"
ok "started: READY=1 to NOTIFY_SOCKET, endpoints ids 1 (eno1) and 3 (eno2), status names the daemon; a second one is refused"

# ---- addresses come and go: the path follows within 1 s
ip -n "$C" addr add 10.0.0.11/24 dev eno1
wait_for 1000 "endpoint of a new address" has_ep 10.0.0.11 '[0-9]*' eno1
t_ep=$WAITED
wait_for 1000 "rule of a new address" has_rule 10.0.0.11
wait_for 1000 "route of a new address" has_route 10.0.0.11
ok "address 10.0.0.11 added: endpoint (${t_ep} ms), rule and route appear"
ip -n "$C" addr del 10.0.0.11/24 dev eno1
wait_for 1000 "endpoint of a removed address" no_ep 10.0.0.11
t_ep=$WAITED
wait_for 1000 "rule of a removed address" no_rule 10.0.0.11
wait_for 1000 "route of a removed address" no_route 10.0.0.11
ok "address 10.0.0.11 removed: endpoint (${t_ep} ms), rule and route gone"

# ---- link down and up on an idle path: withdrawn, then routes and the same id back
ip -n "$C" link set eno2 down
wait_for 1000 "withdrawal on link down" no_ep 192.168.0.1
ip -n "$C" link set eno2 up
wait_for 1000 "endpoint back on link up" has_ep 192.168.0.1 3 eno2
wait_for 1000 "route back on link up" has_route 192.168.0.1
ok "eno2 down: endpoint withdrawn; up: its route back and endpoint id 3 again"

# ---- mptcpctl bench ... verify as the transfer (path 1, the first subflow's,
# down at ~1.2 s and up at ~2.2 s of 4 s), before the rate loop: the lab is at 1gbit.
# Bytes that arrive with the right count but the wrong content are the kernel's
# (README, Troubleshooting: bench/w_failover.sh shows it without any of our code,
# with iproute2 alone, a few runs in a hundred under load): such a run gets one
# more try; a second one, or bytes missing, fails.
bench_across_cut() { # port
	ip netns exec "$S" timeout 30 "$MPTCPCTL" bench server once port "$1" -J >"$tmp/bv.srv" 2>&1 &
	BSRV=$!
	EXTRA_CLEANUP+=("kill $BSRV")
	wait_listen "$S" "$1"
	ip netns exec "$C" timeout 30 "$MPTCPCTL" bench client 10.0.0.2 port "$1" verify time 4 interval 0.2 -J \
		>"$tmp/bv.cli" 2>"$tmp/bv.err" &
	BCLI=$!
	sleep 1.2
	ip -n "$C" link set eno1 down
	sleep 1
	ip -n "$C" link set eno1 up
	wait $BCLI || fail "bench verify across eno1 down/up with the daemon: exit $?: $(cat "$tmp/bv.err" "$tmp/bv.cli")"
	wait $BSRV || fail "bench server: $(cat "$tmp/bv.srv")"
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
v = d["end"]["verify"]
assert v["checked_bytes"] == d["end"]["sum_sent"]["bytes"], ("bytes missing", v)
sys.exit(3 if v["bad_bytes"] else 0)' "$tmp/bv.cli"
}
rc=0
bench_across_cut 5301 || rc=$?
case $rc in
0) ;;
3)
	echo "# bench verify, first run: wrong bytes (right count): $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["end"]["verify"])' "$tmp/bv.cli"); again"
	bench_across_cut 5302 || fail "bench verify with the daemon, twice wrong or missing bytes: $(cat "$tmp/bv.cli")"
	;;
*) fail "bench verify with the daemon: $(cat "$tmp/bv.cli")" ;;
esac
python3 - "$tmp/bv.cli" <<'PY' || fail "bench verify with the daemon: $(cat "$tmp/bv.cli")"
import json, sys
d = json.load(open(sys.argv[1]))
v = d["end"]["verify"]
assert v["ok"] is True and v["bad_bytes"] == 0 and v["checked_bytes"] == d["end"]["sum_sent"]["bytes"], v
iv = [dict(x, start=x["sum"]["start"], end=x["sum"]["end"]) for x in d["intervals"]]
def on(i, name):
    return sum(f["bytes"] for s in i["streams"] for f in s["subflows"] if f["interface"] == name)
total = lambda i: sum(s["bytes"] for s in i["streams"])
# down at ~1.2 s: some interval in 1.4-2.2 s carries >= 40 % of the rate before the cut
pre = max(total(i) / (i["end"] - i["start"]) for i in iv if i["end"] <= 1.2)
assert any(total(i) / (i["end"] - i["start"]) >= 0.4 * pre for i in iv if 1.4 <= i["start"] and i["end"] <= 2.2), "no recovery"
# up at ~2.2 s: eno1 carries traffic again in the last second, about half
last = [i for i in iv if i["start"] >= 3.0]
share = sum(on(i, "eno1") for i in last) / max(1, sum(on(i, "eno1") + on(i, "eno2") for i in last))
assert 0.3 <= share <= 0.7, ("eno1 share in the last second", share)
print("# bench verify with the daemon: %d B checked, 0 bad, eno1 back at %.2f of the last second" % (v["checked_bytes"], share))
PY
ok "bench verify across eno1 down/up with the daemon: 0 bytes bad, rate >= 40 % while down, eno1 back to about half"

# ---- failover during verified transfers, per rate and path
summary=()
run_failover() { # label path rate -> JSON in $J
	J=$("$FAILOVER" "$LAB" path "$2" rate "$3" time 3s cut 1.2s up 2s) || fail "failover $*: $J"
	summary+=("$1 path $2 $3: $(python3 - "$J" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
print("%.0f MB, %d bad, pre %.2f Gbit/s, recovery %s ms, rejoined %s, split %.2f" % (
    d["bytes"] / 1e6, d["bad_bytes"], d["pre_bps"] / 1e9, d["recovery_ms"], d["rejoined"],
    d["split_last_s"]))
PY
)")
}
# bytes_of JSON: "ok" (transfer ok, every byte right), "wrong" (some arrived with
# the wrong content, none missing: the kernel's, see bench_across_cut) or "missing".
bytes_of() {
	python3 -c 'import json,sys; d=json.loads(sys.argv[1])
print("ok" if d["ok"] and d["bad_bytes"] == 0 else "wrong" if d["ok"] and d["bad_bytes"] == d["wrong_bytes"] else "missing")' "$1"
}
failover_ok() { # JSON: the daemon's promises for one cut and restore
	python3 - "$1" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
assert d["ok"] and d["protocol"] == 262, "not MPTCP"
assert d["bad_bytes"] == 0, "bytes lost"
assert d["recovery_ms"] is not None and d["recovery_ms"] <= 300, "no recovery to 40 % within 0.3 s"
assert d["rejoined"], "no subflow on the path after it came back"
assert 0.3 <= d["split_last_s"] <= 0.7, "the split did not go back to about even"
PY
}
# Each case gets a second run when the first misses a timing promise: in 9 runs of
# this test (54 cases) two cases missed one, a rejoin about 1 s late (the join's SYN
# retransmitted, it seems) and a recovery of 307 ms (3 ticks), kernel timing after a
# link comes back. Bytes missing fail at once; bytes with the right count but the
# wrong content (the kernel's, see bench_across_cut above) also get a second run.
for rate in $RATES; do
	for path in 1 2; do
		run_failover daemon "$path" "$rate"
		if ! failover_ok "$J" 2>"$tmp/why"; then
			[ "$(bytes_of "$J")" != missing ] || fail "with the daemon, path $path at $rate: bytes missing: $J"
			echo "# path $path at $rate, first run: $(tail -1 "$tmp/why"): $J; again"
			unset 'summary[-1]'
			run_failover daemon "$path" "$rate"
			failover_ok "$J" || fail "with the daemon, path $path at $rate, twice: $J"
		fi
		ok "daemon, $rate, path $path cut and restored: ${summary[-1]#*: }"
	done
done
grep -q "sub_established .* 10.0.0.1 -> " "$tmp/daemon.log" || fail "no subflow re-joined from 10.0.0.1: $(tail "$tmp/daemon.log")"

# ---- kill -9 and restart: the same objects, nothing duplicated, the same ids
with_daemon=$(snap)
kill -9 "$DPID"
wait "$DPID" 2>/dev/null || true
: >"$tmp/daemon.log"
start_daemon
ready_twice() { [ "$(grep -c 'READY=1' "$tmp/notify.log")" -ge 2 ]; }
wait_for 3000 "restart READY=1" ready_twice
[ "$(snap)" = "$with_daemon" ] || fail "after kill -9 and restart: $(diff <(echo "$with_daemon") <(snap))"
grep -q "adopted from the record" "$tmp/daemon.log" || fail "restart log: $(cat "$tmp/daemon.log")"
grep -q "ip mptcp endpoint add\|ip rule add\|ip route add" "$tmp/daemon.log" && fail "restart re-added: $(cat "$tmp/daemon.log")"
ok "kill -9 and restart: the record adopted, no object added twice or left stale"

# ---- SIGHUP with a changed config: only the difference
id1=$(ep_id 10.0.0.1)
printf '[setup]\nrole = client\n[eno1]\n[eno2]\npolicy = backup\n' >"$tmp/d.conf"
: >"$tmp/daemon.log"
kill -HUP "$DPID"
wait_for 1000 "eno2 as backup" ep_line "192.168.0.1 id 3 subflow backup dev eno2"
[ "$(ep_id 10.0.0.1)" = "$id1" ] || fail "eno1's endpoint changed id"
grep "ip " "$tmp/daemon.log" | grep -qv "192.168.0.1\|fd00:0:0:2::1\|eno2" && fail "SIGHUP touched more than eno2: $(grep 'ip ' "$tmp/daemon.log")"
grep -q "RELOADING=1" "$tmp/notify.log" || fail "no RELOADING=1"
ok "SIGHUP, eno2 now 'policy = backup': only eno2's endpoints replaced (same ids), RELOADING=1 sent"
printf '[setup]\nrole = client\n[eno1]\n[eno2]\npolicy = ignore\n' >"$tmp/d.conf"
expect_rc 0 ip netns exec "$C" "$MPTCPCTL" daemon reload
wait_for 1000 "eno2 ignored: endpoint" no_ep 192.168.0.1
wait_for 1000 "eno2 ignored: rule" no_rule 192.168.0.1
has_ep 10.0.0.1 "$id1" eno1 || fail "eno1 lost its endpoint"
printf '[setup]\nrole = client\n[eno1]\n[eno2\n' >"$tmp/d.conf"
cur=$(snap)
expect_rc 0 ip netns exec "$C" "$MPTCPCTL" daemon reload
wait_for 1000 "reload error logged" grep -q "reload: keeping the running config" "$tmp/daemon.log"
[ "$(snap)" = "$cur" ] || fail "a bad config on reload changed the kernel"
kill -0 "$DPID" || fail "the daemon died on a bad config"
ok "daemon reload with 'policy = ignore': eno2's endpoint and rule removed; a broken config: logged, nothing changed"

# ---- stop: the record stays for a restart; daemon undo removes exactly what it applied
printf '[setup]\nrole = client\n[eno1]\n[eno2]\n' >"$tmp/d.conf"
kill -HUP "$DPID"
wait_for 1000 "eno2 back" has_ep 192.168.0.1 3 eno2
expect_rc 1 ip netns exec "$C" "$MPTCPCTL" daemon undo
grep -q "still runs" <<<"$OUT" || fail "undo while running: $OUT"
kill -TERM "$DPID"
wait "$DPID" || fail "daemon exit status $? on SIGTERM"
grep -q "STOPPING=1" "$tmp/notify.log" || fail "no STOPPING=1"
expect_rc 1 ip netns exec "$C" "$MPTCPCTL" daemon status
expect_rc 0 ip netns exec "$C" "$MPTCPCTL" daemon show
grep -q "^ok .*ip mptcp endpoint add 10.0.0.1 id $id1 dev eno1 subflow" <<<"$OUT" || fail "daemon show: $OUT"
expect_rc 0 ip netns exec "$C" "$MPTCPCTL" daemon undo
# IPv6 addresses do not survive a link going down (keep_addr_on_down 0): compare the rest.
v4_before=$(grep -v fd00: <<<"$before") v4_now=$(snap | grep -v fd00:)
[ "$v4_now" = "$v4_before" ] || fail "undo left: $(diff <(echo "$v4_before") <(echo "$v4_now"))"
ok "SIGTERM: STOPPING=1, exit 0; 'daemon undo' removed what the daemon applied"

# ---- the unit's privileges: CAP_NET_ADMIN alone (as uid 0) is enough; --cleanup undoes on stop
if command -v setpriv >/dev/null; then
	ip netns exec "$C" setpriv --bounding-set=-all,+net_admin --inh-caps=-all,+net_admin \
		--ambient-caps=-all,+net_admin --no-new-privs \
		"$MPTCPCTL" daemon role client eno1 eno2 --cleanup >"$tmp/capd.log" 2>&1 &
	CPID=$!
	EXTRA_CLEANUP+=("kill -9 $CPID")
	wait_for 2000 "daemon with CAP_NET_ADMIN only" has_ep 10.0.0.1 1 eno1
	kill -TERM "$CPID"
	wait "$CPID" || fail "capability-bounded daemon exited $?: $(cat "$tmp/capd.log")"
	no_ep 10.0.0.1 && no_rule 10.0.0.1 || fail "--cleanup left: $(ip -n "$C" mptcp endpoint)"
	ok "with CAP_NET_ADMIN as its only capability it manages the paths; --cleanup removes them on SIGTERM"
fi

# ---- the baseline: the same cut with setup alone (reported, not asserted)
expect_rc 0 "$MPTCPCTL" -n "$C" setup role client eno1 eno2
for rate in $RATES; do
	run_failover "no daemon" 1 "$rate"
	case $(bytes_of "$J") in
	ok) ;;
	wrong)
		echo "# baseline at $rate, first run: wrong bytes (right count): $J; again"
		run_failover "no daemon" 1 "$rate"
		[ "$(bytes_of "$J")" = ok ] || fail "baseline, twice: $J"
		;;
	*) fail "baseline lost bytes: $J" ;;
	esac
done
expect_rc 0 "$MPTCPCTL" -n "$C" setup undo
ok "baseline without the daemon measured (every byte still verified)"
for l in "${summary[@]}"; do echo "# $l"; done
