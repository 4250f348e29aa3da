#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpctl run: connection rate of a loopback MPTCP connect/accept loop (bench/connrate)
# with native MPTCP sockets vs converted by the preload and by seccomp, inside a lab
# namespace; start-up time of `mptcpctl run true` vs `mptcpize run true`.
set -euo pipefail
MPTCPCTL=$(realpath "$MPTCPCTL")
CONNRATE=$(dirname "$MPTCPCTL")/connrate
[ -x "$CONNRATE" ] || { echo "b_run: no $CONNRATE" >&2; exit 1; }
name="br$$"
trap '"$MPTCPCTL" lab down "$name" >/dev/null 2>&1 || true' EXIT
"$MPTCPCTL" lab up name "$name" paths 1 >/dev/null
NS=(ip netns exec "$name-srv")
SECS=${SECS:-2} ROUNDS=${ROUNDS:-3} N=${N:-200}

rate() { "${NS[@]}" "$@" | awk '$1 == "conn/s" { if ($4 != 262) exit 1; print $2 }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
native=() pre=() sec=()
for _ in $(seq "$ROUNDS"); do
	native+=("$(rate "$CONNRATE" 262 "$SECS")")
	pre+=("$(rate "$MPTCPCTL" run backend preload -- "$CONNRATE" 0 "$SECS")")
	sec+=("$(rate "$MPTCPCTL" run backend seccomp -- "$CONNRATE" 0 "$SECS")")
done
n=$(printf '%s\n' "${native[@]}" | median)
p=$(printf '%s\n' "${pre[@]}" | median)
s=$(printf '%s\n' "${sec[@]}" | median)
row() { python3 -c 'import sys; b,a,av,o,unit=sys.argv[1:6]; av,o=float(av),float(o); print(f"| {b} | {a} | {av:.0f} {unit} | {o:.0f} {unit} | {o/av:.3f} |")' "$@"; }
row "loopback MPTCP connect/accept, via preload" "native MPTCP sockets" "$n" "$p" conn/s
row "loopback MPTCP connect/accept, via seccomp" "native MPTCP sockets" "$n" "$s" conn/s
# Each connection has one converted socket(): the difference is one notification round trip.
python3 -c 'import sys; n,s=map(float,sys.argv[1:3]); print(f"| seccomp: cost per converted socket() | - | - | {(1/s-1/n)*1e6:.1f} us | - |")' "$n" "$s"

# Start-up: N runs of `true` each (hyperfine when installed would do the same).
ms_per_run() {
	local t0 t1
	t0=$(date +%s%N)
	for _ in $(seq "$N"); do "$@" >/dev/null 2>&1; done
	t1=$(date +%s%N)
	python3 -c 'import sys; print((int(sys.argv[2]) - int(sys.argv[1])) / 1e6 / int(sys.argv[3]))' "$t0" "$t1" "$N"
}
a=$(ms_per_run mptcpize run true)
o=$(ms_per_run "$MPTCPCTL" run true)
o2=$(ms_per_run "$MPTCPCTL" run backend seccomp true)
row "start-up: run true (auto: preload)" "mptcpize run true" "$(python3 -c "print($a*1000)")" "$(python3 -c "print($o*1000)")" us
row "start-up: run backend seccomp true" "mptcpize run true" "$(python3 -c "print($a*1000)")" "$(python3 -c "print($o2*1000)")" us
