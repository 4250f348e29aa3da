#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An independent check of the bytes across a path cut, with none of mptcpctl's
# transfer code: bench/witness.py sends a random 64 MiB block over and over on
# a plain MPTCP socket for 3 s; both ends print the byte count and SHA-256 of
# what they sent / received. Path 1 goes down 1.2 s after the start and comes
# back 1 s later. Usage (root):
#   bash bench/w_failover.sh [RUNS] [RATE] [MODE]
# MODE: link   only the link goes down and up (client paths from setup)
#       ip     also what a path manager does, with iproute2 alone: endpoint
#              delete id 1 and id 0 10.0.0.1 on down; route and endpoint back on up
#       daemon mptcpctl daemon manages the client's paths
# Prints a line per run and "runs N, differ K". Not run by CI: it is
# probabilistic (a few runs in a hundred at 5gbit here) and CPU-bound.
set -uo pipefail
MPTCPCTL=${MPTCPCTL:-build/mptcpctl}
RUNS=${1:-20} RATE=${2:-5gbit} MODE=${3:-ip}
W=$(dirname "$0")/witness.py
N="wf$$" DP="" tmp=$(mktemp -d)
cleanup() {
	[ -n "$DP" ] && kill "$DP" 2>/dev/null
	"$MPTCPCTL" lab down "$N" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
case $MODE in link | ip | daemon) ;; *) echo "w_failover: MODE is link, ip or daemon" >&2; exit 2 ;; esac
"$MPTCPCTL" lab up name "$N" rate "$RATE" >/dev/null || exit 1
"$MPTCPCTL" -n "$N-srv" setup role server eno1 eno2 >/dev/null || exit 1
if [ "$MODE" = daemon ]; then
	ip netns exec "$N-cli" "$MPTCPCTL" daemon role client eno1 eno2 2>"$tmp/daemon.log" &
	DP=$!
	for _ in $(seq 200); do ip -n "$N-cli" mptcp endpoint show | grep -q "^192.168.0.1 " && break; sleep 0.02; done
else
	"$MPTCPCTL" -n "$N-cli" setup role client eno1 eno2 >/dev/null || exit 1
fi
bad=0
for i in $(seq "$RUNS"); do
	ip netns exec "$N-srv" python3 "$W" server 0.0.0.0 6000 >"$tmp/srv" 2>&1 &
	sp=$!
	for _ in $(seq 100); do ip netns exec "$N-srv" ss -ltn | grep -q ':6000 ' && break; sleep 0.02; done
	ip netns exec "$N-cli" python3 "$W" client 10.0.0.2 6000 3 >"$tmp/cli" 2>&1 &
	cp=$!
	sleep 1.2
	ip -n "$N-cli" link set eno1 down
	if [ "$MODE" = ip ]; then
		ip -n "$N-cli" mptcp endpoint delete id 1
		ip -n "$N-cli" mptcp endpoint delete id 0 10.0.0.1
	fi
	sleep 1
	ip -n "$N-cli" link set eno1 up
	if [ "$MODE" = ip ]; then
		ip -n "$N-cli" route add 10.0.0.0/24 dev eno1 scope link src 10.0.0.1 table 100 proto static 2>/dev/null
		ip -n "$N-cli" mptcp endpoint add 10.0.0.1 id 1 dev eno1 subflow
	fi
	wait "$cp"
	wait "$sp"
	s=$(awk '{print $2, $3}' "$tmp/cli") r=$(awk '{print $2, $3}' "$tmp/srv")
	if [ -n "$s" ] && [ "$s" = "$r" ]; then
		echo "run $i: same: $s"
	else
		echo "run $i: DIFFER: sent [$s] received [$r]"
		bad=$((bad + 1))
	fi
done
echo "runs $RUNS, differ $bad ($MODE, $RATE)"
