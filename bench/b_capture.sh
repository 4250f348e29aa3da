#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# capture read over a real MPTCP pcap vs tshark -r on the same file: a lab of
# 2 x 1gbit after setup, SECS s of a transfer recorded by tcpdump (snaplen 128)
# at the sender, which sends MTU-sized frames (gso_max_segs 1: as many frames
# as the wire carries), then frames per second of each reader (best of 3).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
SECS=${SECS:-6}
lab="bcap$$"
tmp=$(mktemp -d)
trap '"$MPTCPCTL" lab down "$lab" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
"$MPTCPCTL" lab up name "$lab" rate 1gbit >/dev/null
"$MPTCPCTL" -n "$lab-srv" setup role server eno1 eno2 >/dev/null
"$MPTCPCTL" -n "$lab-cli" setup role client eno1 eno2 >/dev/null
for l in eno1 eno2; do ip -n "$lab-cli" link set dev $l gso_max_segs 1; done
peer="$here/../tests/integration/mptcp_peer.py"
ip netns exec "$lab-srv" python3 "$peer" server 10.0.0.2 7100 >/dev/null &
for _ in $(seq 100); do
	ip netns exec "$lab-srv" ss -Htln 'sport = :7100' | grep -q . && break
	sleep 0.05
done
ip netns exec "$lab-cli" tcpdump -i any -s 128 -w "$tmp/x.pcap" 2>"$tmp/td.err" &
td=$!
for _ in $(seq 100); do grep -q "listening on" "$tmp/td.err" && break; sleep 0.05; done
ip netns exec "$lab-cli" python3 "$peer" client 10.0.0.2 7100 "$SECS" >/dev/null
sleep 0.3
kill -INT $td
wait $td 2>/dev/null || true
frames=$(tshark -r "$tmp/x.pcap" -q -z io,stat,0 2>/dev/null | awk '/<>/ {print $6; exit}')
best() { # command...: best of 3 wall-clock runs, in ms
	local b=999999999 t0 t1 ms
	for _ in 1 2 3; do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		ms=$(((t1 - t0) / 1000000))
		[ $ms -lt $b ] && b=$ms
	done
	echo "$b"
}
ours=$(best "$MPTCPCTL" capture read "$tmp/x.pcap")
ours_j=$(best "$MPTCPCTL" -j capture read "$tmp/x.pcap")
ts_plain=$(best tshark -r "$tmp/x.pcap" -q)
ts_conv=$(best tshark -r "$tmp/x.pcap" -o mptcp.analyze_mptcp:TRUE -q -z conv,tcp)
size=$(stat -c %s "$tmp/x.pcap")
python3 - "$frames" "$size" "$ours" "$ours_j" "$ts_plain" "$ts_conv" <<'PY'
import sys
n, size, ours, oj, tp, tc = map(int, sys.argv[1:])
rate = lambda ms: n / (ms / 1000) / 1e6
print(f"| capture read, {n} frames ({size / 1e6:.0f} MB pcap of 2 x 1gbit MPTCP), frames/s | tshark -r -q (dissect only) | {rate(tp):.2f} Mpkt/s ({tp} ms) | {rate(ours):.2f} Mpkt/s ({ours} ms; -j {oj} ms) | {tp / ours:.1f} (goal: >= 1 Mpkt/s) |")
print(f"| capture read, same file, with MPTCP analysis | tshark -r -o mptcp.analyze_mptcp:TRUE -z conv,tcp | {rate(tc):.2f} Mpkt/s ({tc} ms) | {rate(ours):.2f} Mpkt/s | {tc / ours:.1f} |")
PY
