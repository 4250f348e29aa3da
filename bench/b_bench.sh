#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpctl bench against iperf3 3.12 under mptcpize, in the same labs, same run:
#  1. the seed scenario, 2 paths shaped to 10 Gbit/s: MPTCP goodput, ours / iperf3,
#     and ours as a share of twice the single-path TCP goodput;
#  2. unshaped veth: Gbit/s per busy CPU-second (all CPUs, from /proc/stat, so the
#     softirq work of both ends counts), ours / iperf3;
#  3. 2 x 1 Gbit/s and 1 Gbit/s + 200 Mbit/s: MPTCP as a share of the sum of the
#     single-path TCP goodputs (bench's own `baseline`).
# Each figure is the median of RUNS runs (default 3) of SECS seconds (default 5).
# PARTS (default "seed unshaped baseline") picks the parts to run.
# Only the lab's namespaces are configured (ip is a witness tool here, as in the tests).
set -euo pipefail
runs=${RUNS:-3}
secs=${SECS:-5}
M=$MPTCPCTL
name="bb$$"
trap '"$M" lab down "$name" >/dev/null 2>&1 || true; pkill -f "iperf3 -s -1 -p 5399" 2>/dev/null || true' EXIT

lab() { # rates config: setup (both hosts, as a user would) | announce
	"$M" lab down "$name" >/dev/null 2>&1 || true
	if [ "$1" = unshaped ]; then
		"$M" lab up name "$name" >/dev/null
	else
		"$M" lab up name "$name" rate "$1" >/dev/null
	fi
	"$M" -n "$name-srv" setup role server eno1 eno2 >/dev/null
	if [ "$2" = setup ]; then
		# The client's subflow endpoints: the kernel also joins 192.168.0.1 ->
		# 10.0.0.2, a third subflow that shares eno2 with 192.168.0.1 -> 192.168.0.2.
		"$M" -n "$name-cli" setup role client eno1 eno2 >/dev/null
	else
		# announce: the server announces, the client accepts: one subflow per link.
		ip -n "$name-cli" mptcp limits set subflows 2 add_addr_accepted 2
	fi
}
wait_port() {
	for _ in $(seq 200); do
		ip netns exec "$name-srv" ss -Htln "sport = :$1" | grep -q . && return 0
		sleep 0.02
	done
	return 1
}
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }
gbps() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]/1e9)' "$1"; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# One test; prints "Gbit/s busy-cpu-seconds". $1: ours|iperf3, $2: tcp|mptcp, $3: server address
one() {
	local tool=$1 proto=$2 host=$3 out b0 b1
	out=$(mktemp)
	if [ "$tool" = ours ]; then
		ip netns exec "$name-srv" "$M" bench server once port 5399 >/dev/null 2>&1 &
	elif [ "$proto" = mptcp ]; then
		ip netns exec "$name-srv" mptcpize run iperf3 -s -1 -p 5399 >/dev/null 2>&1 &
	else
		ip netns exec "$name-srv" iperf3 -s -1 -p 5399 >/dev/null 2>&1 &
	fi
	wait_port 5399
	b0=$(busy)
	if [ "$tool" = ours ]; then
		ip netns exec "$name-cli" "$M" bench client "$host" port 5399 time "$secs" \
			$([ "$proto" = tcp ] && echo tcp) -J >"$out"
	elif [ "$proto" = mptcp ]; then
		ip netns exec "$name-cli" mptcpize run iperf3 -c "$host" -p 5399 -t "$secs" -J >"$out"
	else
		ip netns exec "$name-cli" iperf3 -c "$host" -p 5399 -t "$secs" -J >"$out"
	fi
	b1=$(busy)
	wait
	echo "$(gbps "$out") $(((b1 - b0)))"
	rm -f "$out"
}

row() { printf '| %s | %s | %s | %s | %s |\n' "$@"; }
parts=" ${PARTS:-seed unshaped baseline} "
part() { [[ $parts == *" $1 "* ]]; }

# 1. The seed scenario, with both configurations.
for conf in announce setup; do
	part seed || break
	lab 10gbit "$conf"
	t_ours=() t_ip=() m_ours=() m_ip=()
	for _ in $(seq "$runs"); do
		t_ours+=("$(one ours tcp 10.0.0.2 | cut -d' ' -f1)")
		t_ip+=("$(one iperf3 tcp 10.0.0.2 | cut -d' ' -f1)")
		m_ours+=("$(one ours mptcp 10.0.0.2 | cut -d' ' -f1)")
		m_ip+=("$(one iperf3 mptcp 10.0.0.2 | cut -d' ' -f1)")
	done
	to=$(median "${t_ours[@]}") ti=$(median "${t_ip[@]}") mo=$(median "${m_ours[@]}") mi=$(median "${m_ip[@]}")
	row "2 x 10gbit (the seed, $conf), MPTCP goodput (median of $runs)" "mptcpize run iperf3 3.12" \
		"$(printf '%.2f Gbit/s' "$mi")" "$(printf '%.2f Gbit/s' "$mo")" "$(python3 -c "print(f'{$mo/$mi:.3f}')")"
	row "2 x 10gbit ($conf), MPTCP vs twice single-path TCP" "2 x iperf3 TCP over path 1" \
		"$(printf '%.2f Gbit/s' "$(python3 -c "print(2*$ti)")")" "$(printf '%.2f Gbit/s' "$mo")" \
		"$(python3 -c "print(f'{$mo/(2*$ti):.3f}')")"
done
part seed && row "single-path TCP over a 10gbit path" "iperf3 3.12" "$(printf '%.2f Gbit/s' "$ti")" \
	"$(printf '%.2f Gbit/s' "$to")" "$(python3 -c "print(f'{$to/$ti:.3f}')")"

# 2. Unshaped: goodput per busy CPU-second.
if part unshaped; then
lab unshaped announce
e_ours=() e_ip=() g_ours=() g_ip=()
for _ in $(seq "$runs"); do
	read -r g c < <(one ours mptcp 10.0.0.2)
	g_ours+=("$(printf '%.1f' "$g")")
	e_ours+=("$(python3 -c "print($g*$secs/max($c/100,0.01))")")
	read -r g c < <(one iperf3 mptcp 10.0.0.2)
	g_ip+=("$(printf '%.1f' "$g")")
	e_ip+=("$(python3 -c "print($g*$secs/max($c/100,0.01))")")
done
eo=$(median "${e_ours[@]}") ei=$(median "${e_ip[@]}")
row "unshaped veth, MPTCP: Gbit/s per busy CPU-second (goodputs ${g_ours[*]} vs ${g_ip[*]} Gbit/s)" \
	"mptcpize run iperf3 3.12" "$(printf '%.2f' "$ei")" "$(printf '%.2f' "$eo")" \
	"$(python3 -c "print(f'{$eo/$ei:.3f}')")"
fi

# 3. MPTCP as a share of the sum of the single paths (bench baseline).
for rates in 1gbit 1gbit,200mbit; do
	part baseline || break
	lab "$rates" setup
	shares=()
	for _ in $(seq "$runs"); do
		ip netns exec "$name-srv" "$M" bench server port 5399 >/dev/null 2>&1 &
		spid=$!
		wait_port 5399
		shares+=("$(ip netns exec "$name-cli" "$M" bench client 10.0.0.2 port 5399 time "$secs" omit 1 baseline -J |
			python3 -c 'import json,sys; print(json.load(sys.stdin)["baseline"]["gain_vs_sum"])')")
		kill "$spid" 2>/dev/null || true
		wait "$spid" 2>/dev/null || true
	done
	s=$(median "${shares[@]}")
	row "MPTCP over $rates (setup) vs the sum of each path alone (median of $runs)" \
		"sum of single-path TCP (bench baseline)" "1.000" "$(printf '%.3f' "$s")" \
		"$(printf '%.3f' "$s")"
done
