#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Random egress loss through nf_tables, end to end, in two throw-away network
# namespaces joined by a veth pair. Nothing is done in the caller's namespace.
#
# usage: nft_loss.sh [PATH/TO/nft_loss_tool]   (or NFT_LOSS_TOOL=PATH)
# Exit 0 pass, 1 fail, 77 skip (not root, or a needed tool is missing).
set -euo pipefail

skip() {
	echo "SKIP: $*"
	exit 77
}
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

[[ $(id -u) -eq 0 ]] || skip "needs root (network namespaces and nf_tables)"
for c in ip nft ping awk; do
	command -v "$c" >/dev/null || skip "$c is not installed"
done
TOOL=${1:-${NFT_LOSS_TOOL:-}}
[[ -n $TOOL && -x $TOOL ]] || fail "nft_loss_tool not found: pass its path as \$1 or NFT_LOSS_TOOL"

NSA="mcnft$$a"
NSB="mcnft$$b"
A=10.99.0.1
B=10.99.0.2

cleanup() {
	ip netns del "$NSA" 2>/dev/null || true
	ip netns del "$NSB" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
trap 'echo "FAIL: line $LINENO: $BASH_COMMAND" >&2' ERR

# The veth is created inside NSA with its peer straight in NSB: it never
# exists in the caller's namespace.
ip netns add "$NSA"
ip netns add "$NSB"
ip -n "$NSA" link add va type veth peer name vb netns "$NSB"
ip -n "$NSA" addr add "$A/24" dev va
ip -n "$NSB" addr add "$B/24" dev vb
for ns in "$NSA" "$NSB"; do
	ip -n "$ns" link set lo up
done
ip -n "$NSA" link set va up
ip -n "$NSB" link set vb up

# Prints the packet loss (a number, in %) of 200 fast pings from NSA to B.
ping_loss() {
	local out
	out=$(ip netns exec "$NSA" ping -c 200 -i 0.002 -W 1 -q "$B" 2>&1 || true)
	echo "$out" | sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p'
}

ruleset() {
	ip netns exec "$1" nft list ruleset
}

# Neighbour resolution and a path that works before any rule exists.
ip netns exec "$NSA" ping -c 3 -i 0.2 -W 2 -q "$B" >/dev/null || fail "no connectivity over the veth"

echo "setting 30% loss on $NSA/va"
"$TOOL" "$NSA" va 30
# Setting it again replaces the table instead of adding a second rule.
"$TOOL" "$NSA" va 30
rules=$(ruleset "$NSA")
echo "$rules"
grep -q 'type filter hook postrouting priority filter; policy accept;' <<<"$rules" ||
	fail "no postrouting base chain in $NSA"
grep -q 'oifname "va" numgen random mod 10000 < 3000 drop' <<<"$rules" ||
	fail "the loss rule is not in $NSA"
[[ $(grep -c 'numgen random' <<<"$rules") -eq 1 ]] || fail "setting twice left more than one rule"
[[ -z $(ruleset "$NSB") ]] || fail "$NSB got a ruleset"

loss=$(ping_loss)
echo "loss with the rule: ${loss:-?}%"
[[ -n $loss ]] || fail "cannot read ping's packet loss"
awk -v l="$loss" 'BEGIN { exit !(l >= 15 && l <= 45) }' || fail "loss $loss% is not within 15..45%"

echo "clearing"
"$TOOL" "$NSA" clear
if ruleset "$NSA" | grep -q mptcpctl_lab; then
	fail "table mptcpctl_lab still in $NSA"
fi
loss=$(ping_loss)
echo "loss after clear: ${loss:-?}%"
[[ $loss == 0 ]] || fail "loss $loss% after clear, expected 0%"

# Clearing what is not there is fine; all-zero percentages remove the table.
"$TOOL" "$NSA" clear || fail "clear without a table failed"
"$TOOL" "$NSA" va 10
"$TOOL" "$NSA" va 0
if ruleset "$NSA" | grep -q mptcpctl_lab; then
	fail "table mptcpctl_lab still in $NSA after setting 0%"
fi

echo "PASS"
