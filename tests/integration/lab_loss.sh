#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab up loss PCT: random loss on each direction of a path, by nftables inside the hosts.
. "$(dirname "$0")/lib.sh"
command -v nft >/dev/null || skip "nft (the witness) is not installed"

expect_rc 0 "$MPTCPCTL" lab up name "$LAB" paths 2 loss 20,0
ok "lab up loss 20,0"
for h in cli srv; do
	rules=$(ip netns exec "$LAB-$h" nft list ruleset)
	grep -q 'oifname "eno1" numgen random mod 10000 < 2000 drop' <<<"$rules" ||
		fail "$LAB-$h: no loss rule: $rules"
	grep -q eno2 <<<"$rules" && fail "$LAB-$h: a rule for the lossless path: $rules"
done
ok "nft list ruleset shows the loss rule on eno1 in both hosts"

# 20 % each way: a ping round trip is lost with p = 1 - 0.8^2 = 36 %.
loss=$(ip netns exec "$LAB-cli" ping -c 300 -i 0.002 -W 1 -q 10.0.0.2 | grep -o '[0-9.]*% packet loss' | cut -d% -f1)
echo "# path 1 round-trip loss: $loss %"
python3 -c "import sys; l=float(sys.argv[1]); sys.exit(0 if 22 <= l <= 50 else 1)" "$loss" ||
	fail "path 1 loss $loss %, expected about 36 %"
loss2=$(ip netns exec "$LAB-cli" ping -c 100 -i 0.002 -W 1 -q 192.168.0.2 | grep -o '[0-9.]*% packet loss' | cut -d% -f1)
[ "$loss2" = 0 ] || fail "path 2 lost $loss2 %"
ok "ping: path 1 loses $loss % of round trips, path 2 none"
"$MPTCPCTL" -j lab show "$LAB" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["links"][0]["loss_pct"] == 20 and d["links"][1]["loss_pct"] == 0' ||
	fail "lab show does not report the loss"
ok "lab show reports the loss"
expect_rc 0 "$MPTCPCTL" lab down "$LAB"
