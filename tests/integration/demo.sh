#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab demo: the seed story's table (MPTCP >= 1.8x TCP, the cut survived with every
# byte verified), and nothing left behind, also when interrupted.
. "$(dirname "$0")/lib.sh"

t0=$(date +%s)
expect_rc 0 "$MPTCPCTL" -j lab demo name "$LAB" time 2
python3 - "$OUT" <<'PY' || fail "demo: $OUT"
import json, sys
d = json.loads(sys.argv[1])
s = {x["step"]: x for x in d["steps"]}
assert all(x["ok"] for x in d["steps"]), [x for x in d["steps"] if not x["ok"]]
assert s["MPTCP, no extra paths"]["subflows"] == 1
both = s["MPTCP over both paths"]
assert both["gbps"] / s["TCP over path 1"]["gbps"] >= 1.8 and both["subflows"] >= 2, both
assert 0.3 <= both["share_eno1"] <= 0.7, both
assert "every byte verified" in s["path 1 cut mid-transfer"]["verdict"]
assert "endpoint.none" in s["doctor on both hosts"]["verdict"]
PY
[ $(($(date +%s) - t0)) -lt 180 ] || fail "the demo took more than 3 minutes"
ip netns list | grep -q "^$LAB-" && fail "namespaces left behind"
ok "lab demo: every step ok, MPTCP >= 1.8x TCP over 2 subflows, the cut survived (verified), nothing left"

# Interrupted while the transfers run: still undone and removed, exit 128+SIGINT.
"$MPTCPCTL" lab demo name "$LAB" time 3 >/dev/null 2>&1 &
DEMO=$!
for _ in $(seq 1 250); do ip netns list | grep -q "^$LAB-cli" && break; sleep 0.02; done
sleep 2
kill -INT "$DEMO"
rc=0
wait "$DEMO" || rc=$?
[ "$rc" -eq 130 ] || fail "interrupted demo exited $rc, expected 130"
ip netns list | grep -q "^$LAB-" && fail "an interrupted demo left namespaces behind"
[ -e "/run/mptcpctl/lab/$LAB.state" ] && fail "an interrupted demo left its state file"
ok "Ctrl-C during the demo: exit 130, nothing left behind"
