#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab demo: the seed story's table (MPTCP >= 1.8x TCP, the cut survived with every
# byte verified), and nothing left behind, also when interrupted.
. "$(dirname "$0")/lib.sh"

t0=$(date +%s)
plots=$(mktemp -d)
EXTRA_CLEANUP+=("rm -rf $plots")
# The demo's own verdict for step 5 is >= 1.8x TCP. On a busy machine (ASan, a
# noisy VM) it once came out 1.78x with everything else right: such a run gets
# one more try; any other failure fails at once.
rc=0
OUT=$("$MPTCPCTL" -j lab demo name "$LAB" time 2 --plot "$plots/out" 2>&1) || rc=$?
if [ "$rc" -eq 1 ] && python3 -c '
import json, sys
bad = [x["step"] for x in json.loads(sys.argv[1])["steps"] if not x["ok"]]
sys.exit(bad != ["MPTCP over both paths"])' "$OUT" 2>/dev/null; then
	echo "# first run: only the gain step missed 1.8x: $OUT; again"
	rm -rf "$plots/out"
	expect_rc 0 "$MPTCPCTL" -j lab demo name "$LAB" time 2 --plot "$plots/out"
elif [ "$rc" -ne 0 ]; then
	fail "lab demo exited $rc: $OUT"
fi
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
python3 - "$plots/out" <<'PY' || fail "--plot: $(ls "$plots/out")"
import json, os, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
svgs = sorted(f for f in os.listdir(d) if f.endswith(".svg"))
assert svgs == ["step-2.svg", "step-3.svg", "step-5.svg", "step-6.svg"], svgs
for f in svgs:
    root = ET.parse(os.path.join(d, f)).getroot()
    assert root.tag.endswith("svg") and len(root.findall("{http://www.w3.org/2000/svg}polygon")) == 2, f
assert "path 1 cut" in open(os.path.join(d, "step-6.svg")).read()
assert json.load(open(os.path.join(d, "results.json")))["steps"]
PY
ok "--plot DIR: an SVG per transfer (two stacked paths, the cut marked) and results.json"

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
