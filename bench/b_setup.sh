#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpctl setup (one netlink socket, every change applied and checked in one process)
# vs the same changes as an ip(8) script (its --dry-run lines, one ip/sysctl process
# each, via sh in the namespace) and as ip -batch. 4 lab links, IPv4 + IPv6: 8 paths.
# Best of RUNS (default 10) wall-clock runs each; the state is restored (and checked
# to be the starting one) between runs, untimed. Only the lab's namespaces are touched.
set -euo pipefail
MPTCPCTL=$(realpath "$MPTCPCTL")
RUNS=${RUNS:-10}
name="bs$$"
NS="$name-cli"
tmp=$(mktemp -d)
cleanup() {
	"$MPTCPCTL" -n "$NS" setup undo >/dev/null 2>&1 || true # its record, if interrupted
	"$MPTCPCTL" lab down "$name" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap "exit 1" INT TERM HUP
"$MPTCPCTL" lab up name "$name" paths 4 >/dev/null
IFACES=(eno1 eno2 eno3 eno4)

# Everything setup changes, as text: compared before and after every run.
snapshot() {
	{
		ip -n "$NS" -4 rule show
		ip -n "$NS" -6 rule show
		ip -n "$NS" -4 route show table all
		ip -n "$NS" -6 route show table all
		ip -n "$NS" mptcp endpoint show
		ip -n "$NS" mptcp limits show
		ip netns exec "$NS" sysctl net.mptcp.enabled
		for i in "${IFACES[@]}"; do ip netns exec "$NS" sysctl "net.ipv4.conf.$i.rp_filter"; done
	} 2>&1
}
# The lab's links have just come up: wait until IPv6 is done with them (link-local
# addresses and their local routes appear after DAD), so the state holds still.
for _ in $(seq 50); do
	a=$(snapshot)
	sleep 0.2
	[ -z "$(ip -n "$NS" -6 addr show tentative)" ] && [ "$(snapshot)" = "$a" ] && break
done
base=$(snapshot)
check_base() {
	if [ "$(snapshot)" != "$base" ]; then
		echo "b_setup: the state was not restored after: $1" >&2
		diff <(echo "$base") <(snapshot) >&2 || true
		exit 1
	fi
}

# The plan, as the commands the dry run prints.
"$MPTCPCTL" -n "$NS" setup role client "${IFACES[@]}" --dry-run >"$tmp/plan"
grep -Eq '^(ip|sysctl) ' "$tmp/plan" || { echo "b_setup: empty plan" >&2; exit 1; }
grep -Ev '^(ip|sysctl) ' "$tmp/plan" | grep -q . &&
	{ echo "b_setup: unexpected dry-run line:" >&2; grep -Ev '^(ip|sysctl) ' "$tmp/plan" >&2; exit 1; }
nsteps=$(grep -Ec '^(ip|sysctl) ' "$tmp/plan")
npaths=$(grep -c '^ip mptcp endpoint add ' "$tmp/plan")
# 1. a shell script, one process per command
{ echo "set -e"; grep -E '^(ip|sysctl) ' "$tmp/plan"; } >"$tmp/script.sh"
# 2. ip -batch: a batch line has no options, so the family of a rule cannot be given
#    per line ("-6 rule ..." is 'Object "-6" is unknown', and "rule add from V6ADDR"
#    without it is taken as IPv4): the -6 lines go to a second, `ip -6 -batch`.
sed -n 's/^ip -6 //p' "$tmp/plan" >"$tmp/batch6"
grep '^ip ' "$tmp/plan" | grep -v '^ip -6 ' | sed 's/^ip //' >"$tmp/batch"
sed -n 's/^sysctl -w //p' "$tmp/plan" >"$tmp/sysctls"
# The inverse, to restore the state after the ip runs (limits and sysctls to their old values).
# ip prints "add_addr_accepted A subflows S".
read -r _ acc0 _ sf0 < <(ip -n "$NS" mptcp limits show)
{
	tac "$tmp/plan" | sed -n \
		-e 's/^ip -6 route add /-6 route del /p' -e 's/^ip route add /route del /p' \
		-e 's/^ip -6 rule add /-6 rule del /p' -e 's/^ip rule add /rule del /p' \
		-e 's/^ip mptcp endpoint add .* id \([0-9]*\) .*/mptcp endpoint delete id \1/p'
	grep -q '^ip mptcp limits set ' "$tmp/plan" &&
		echo "mptcp limits set subflow $sf0 add_addr_accepted $acc0"
} >"$tmp/undo"
olds=()
while read -r kv; do
	k=${kv%%=*}
	olds+=("$k=$(ip netns exec "$NS" sysctl -n "$k")")
done <"$tmp/sysctls"

run_sysctls() {
	[ -s "$tmp/sysctls" ] || return 0
	# shellcheck disable=SC2046
	ip netns exec "$NS" sysctl -q -w $(cat "$tmp/sysctls") >/dev/null
}
restore_ip() {
	# The inverse lines one ip each ("-6 ..." as ip's option); untimed.
	local w
	while read -ra w; do
		ip -n "$NS" "${w[@]}"
	done <"$tmp/undo"
	if [ ${#olds[@]} -gt 0 ]; then ip netns exec "$NS" sysctl -q -w "${olds[@]}" >/dev/null; fi
}

do_ours() { "$MPTCPCTL" -n "$NS" setup role client "${IFACES[@]}" >/dev/null; }
undo_ours() { "$MPTCPCTL" -n "$NS" setup undo >/dev/null; }
do_script() { ip netns exec "$NS" sh "$tmp/script.sh" >/dev/null; }
do_batch() {
	run_sysctls
	if [ -s "$tmp/batch6" ]; then ip -n "$NS" -6 -batch "$tmp/batch6"; fi
	ip -n "$NS" -batch "$tmp/batch"
}

best() { # run undo: best of RUNS wall-clock runs of run, in microseconds
	local b=999999999 t0 t1 us
	for _ in $(seq "$RUNS"); do
		t0=$(date +%s%N)
		"$1"
		t1=$(date +%s%N)
		"$2"
		check_base "$1"
		us=$(((t1 - t0) / 1000))
		[ $us -lt $b ] && b=$us
	done
	echo "$b"
}
# One untimed round of each first: everything is loaded and cached alike.
do_ours; undo_ours; check_base do_ours
do_script; restore_ip; check_base do_script
do_batch; restore_ip; check_base do_batch
ours_us=$(best do_ours undo_ours)
script_us=$(best do_script restore_ip)
batch_us=$(best do_batch restore_ip)
python3 - "$ours_us" "$script_us" "$batch_us" "$npaths" "$nsteps" "$RUNS" <<'PY'
import sys
o, s, b = (int(x) for x in sys.argv[1:4])
paths, steps, runs = sys.argv[4:7]
what = f"setup role client, 4 links x IPv4+IPv6 = {paths} paths ({steps} changes; best of {runs}, lower is better)"
print(f"| {what} | ip script (one ip/sysctl per line, sh) | {s/1000:.1f} ms | {o/1000:.1f} ms | {o/s:.2f} |")
print(f"| {what} | ip -batch (+ ip -6 -batch) | {b/1000:.1f} ms | {o/1000:.1f} ms | {o/b:.2f} |")
PY
