#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Lab shaping: our transfer vs iperf3 over one 1 Gbit/s path of the same lab.
set -euo pipefail
name="bl$$"
trap '"$MPTCPCTL" lab down "$name" >/dev/null 2>&1 || true' EXIT
"$MPTCPCTL" lab up name "$name" paths 1 rate 1gbit >/dev/null
ip netns exec "$name-srv" iperf3 -s -1 -p 5399 >/dev/null 2>&1 &
for _ in $(seq 100); do ip netns exec "$name-srv" ss -Htln 'sport = :5399' | grep -q . && break; sleep 0.02; done
anchor=$(ip netns exec "$name-cli" iperf3 -c 10.0.0.2 -p 5399 -t 3 -J |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"])')
"$MPTCPCTL" lab down "$name" >/dev/null
ours=$("$MPTCPCTL" -j lab demo name "$name" rate 1gbit time 3 |
	python3 -c 'import json,sys; print([s for s in json.load(sys.stdin)["steps"] if s["step"] == "TCP over path 1"][0]["gbps"] * 1e9)')
python3 -c 'import sys; a,o=float(sys.argv[1]),float(sys.argv[2]); print(f"| TCP over a 1gbit lab path | iperf3 3.12 | {a/1e6:.1f} Mbit/s | {o/1e6:.1f} Mbit/s | {o/a:.3f} |")' "$anchor" "$ours"
