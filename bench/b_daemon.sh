#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Failover: path 1 (the first subflow's) cut 1.2 s into a 3 s verified transfer
# and restored at 2 s, per rate, with the daemon and without it (setup alone,
# the anchor). Rows: median time from the cut to >= 40 % of the pre-cut
# goodput (over the runs that got there before the link came back), and the
# runs that did not (stalled) out of B_DAEMON_RUNS (default 10); bytes lost or
# delivered wrong (the helper checks every byte); runs whose path 1 had no
# subflow again by the end.
set -euo pipefail
MPTCPCTL=${MPTCPCTL:-build/mptcpctl}
FAILOVER=${FAILOVER:-$(dirname "$MPTCPCTL")/tests/failover}
RUNS=${B_DAEMON_RUNS:-10}
RATES=${B_DAEMON_RATES:-"1gbit 3gbit 5gbit"}
name="bd$$"
dpid=""
tmp=$(mktemp -d)
cleanup() {
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	"$MPTCPCTL" -n "$name-cli" daemon undo >/dev/null 2>&1 || true
	"$MPTCPCTL" -n "$name-cli" setup undo >/dev/null 2>&1 || true
	"$MPTCPCTL" lab down "$name" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
[ -x "$FAILOVER" ] || { echo "b_daemon: no $FAILOVER (ninja -C build)" >&2; exit 1; }
"$MPTCPCTL" lab up name "$name" rate 1gbit >/dev/null
"$MPTCPCTL" -n "$name-srv" setup role server eno1 eno2 >/dev/null

runs() { # mode rate -> JSON lines in $tmp/mode-rate
	for _ in $(seq "$RUNS"); do
		"$FAILOVER" "$name" path 1 rate "$2" time 3s cut 1.2s up 2s >>"$tmp/$1-$2" || true
	done
}
# the anchor: setup alone
"$MPTCPCTL" -n "$name-cli" setup role client eno1 eno2 >/dev/null
for r in $RATES; do runs base "$r"; done
"$MPTCPCTL" -n "$name-cli" setup undo >/dev/null
# ours: the daemon
ip netns exec "$name-cli" "$MPTCPCTL" daemon role client eno1 eno2 2>"$tmp/daemon.log" &
dpid=$!
for _ in $(seq 200); do ip -n "$name-cli" mptcp endpoint show | grep -q "^192.168.0.1 " && break; sleep 0.02; done
for r in $RATES; do runs daemon "$r"; done

for r in $RATES; do
	python3 - "$tmp/base-$r" "$tmp/daemon-$r" "$r" "$RUNS" <<'PY'
import json, statistics, sys
def load(p):
    try:
        return [json.loads(l) for l in open(p) if l.startswith("{")]
    except FileNotFoundError:
        return []
base, ours, rate, n = load(sys.argv[1]), load(sys.argv[2]), sys.argv[3], int(sys.argv[4])
def rec(v):
    x = [d["recovery_ms"] for d in v if d.get("ok") and d["recovery_ms"] is not None]
    return statistics.median(x) if x else None
def stalled(v):  # no recovery before the link came back, or the transfer failed
    return sum(1 for d in v if not d.get("ok") or d["recovery_ms"] is None) + (n - len(v))
def lost(v):
    return sum(d.get("bad_bytes", 0) for d in v if d.get("ok"))
def not_rejoined(v):
    return sum(1 for d in v if d.get("ok") and not d.get("rejoined"))
rb, ro = rec(base), rec(ours)
fmt = lambda x: "-" if x is None else f"{x:.0f} ms"
ratio = f"{ro / rb:.2f}" if rb and ro else "-"
print(f"| failover recovery to 40 %, path 1 cut, {rate} (median) | setup, no daemon | {fmt(rb)} | {fmt(ro)} (daemon) | {ratio} |")
sb, so = stalled(base), stalled(ours)
print(f"| failover stalled runs, {rate} | setup, no daemon | {sb}/{n} | {so}/{n} (daemon) | {so / sb if sb else 0:.2f} |")
print(f"| failover bytes lost or wrong, {rate} | setup, no daemon | {lost(base)} | {lost(ours)} (daemon) | - |")
print(f"| failover path not rejoined, {rate} | setup, no daemon | {not_rejoined(base)}/{n} | {not_rejoined(ours)}/{n} (daemon) | - |")
PY
done
