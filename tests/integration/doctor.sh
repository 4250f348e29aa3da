#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpctl doctor and tune: each check's broken state, built in a lab host, gives
# the right id and verdict; a healthy set-up lab is all ok; --fix and undo; the
# peer probe; tune with sysctl as witness.
. "$(dirname "$0")/lib.sh"

expect_rc 0 "$MPTCPCTL" lab up name "$LAB" rate 1gbit
C="$LAB-cli" S="$LAB-srv"
# Two uplinks, as on a real multi-homed host: a default route on each.
ip -n "$C" route add default via 10.0.0.2 dev eno1 metric 100
ip -n "$C" route add default via 192.168.0.2 dev eno2 metric 200
ip -n "$S" route add default via 10.0.0.1 dev eno1 metric 100
ip -n "$S" route add default via 192.168.0.1 dev eno2 metric 200

doc() { "$MPTCPCTL" -n "$1" -j doctor "${@:2}"; }
# verdict NS ID STATUS [doctor args]: the check ID has STATUS (and a fix when not ok)
verdict() {
	local ns=$1 id=$2 want=$3 out
	shift 3
	out=$(doc "$ns" "$@" || true)
	python3 - "$out" "$id" "$want" <<'PY' || fail "$id: expected $want: $out"
import json, sys
d = json.loads(sys.argv[1]); id, want = sys.argv[2], sys.argv[3]
got = [c for c in d["checks"] if c["id"] == id]
assert got, "no such check"
assert any(c["status"] == want for c in got), got
if want != "ok":
    assert all(c.get("fix") for c in got if c["status"] == want), got
PY
}

# ---- the healthy, set-up lab: all ok
expect_rc 0 "$MPTCPCTL" -n "$S" setup role server eno1 eno2
expect_rc 0 "$MPTCPCTL" -n "$C" setup role client eno1 eno2
for h in "$C" "$S"; do
	expect_rc 0 "$MPTCPCTL" -n "$h" -j doctor
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["warn"] == 0 and d["fail"] == 0, [c for c in d["checks"] if c["status"] != "ok"]' "$OUT" ||
		fail "healthy $h is not all ok: $OUT"
done
ok "a healthy, set-up lab: every check ok on both hosts (exit 0)"
healthy_c=$(ip -n "$C" mptcp endpoint; ip -n "$C" mptcp limits; ip netns exec "$C" sysctl -n net.mptcp.enabled net.ipv4.conf.eno2.rp_filter)

# ---- each check's broken state (undone after each)
ip netns exec "$C" sysctl -qw net.mptcp.enabled=0
verdict "$C" mptcp.enabled fail
expect_rc 1 "$MPTCPCTL" -n "$C" doctor
grep -q "fix: sysctl -w net.mptcp.enabled=1" <<<"$OUT" || fail "text: $OUT"
ip netns exec "$C" sysctl -qw net.mptcp.enabled=1
ok "mptcp.enabled: fail with the sysctl that fixes it, exit 1"

ip netns exec "$C" sysctl -qw net.mptcp.pm_type=1
verdict "$C" mptcp.path_manager warn
ip netns exec "$C" sysctl -qw net.mptcp.pm_type=0
ok "mptcp.path_manager: userspace PM without mptcpd -> warn"

ip -n "$C" mptcp limits set subflows 0 add_addr_accepted 0
verdict "$C" limits.subflows fail
verdict "$C" limits.add_addr_accepted warn
ip -n "$C" mptcp limits set subflows 1 add_addr_accepted 4
verdict "$C" limits.subflows warn
ip -n "$C" mptcp limits set subflows 4 add_addr_accepted 4
ok "limits: subflows 0 -> fail, below the endpoints -> warn, add_addr_accepted 0 on a client -> warn"

ip -n "$C" mptcp endpoint add 10.0.0.99 id 90 subflow
verdict "$C" endpoint.address fail
ip -n "$C" mptcp endpoint delete id 90
ip -n "$C" addr add 192.168.0.11/24 dev eno2
ip -n "$C" mptcp endpoint add 192.168.0.11 id 91 dev eno1 signal
verdict "$C" endpoint.dev fail
out=$(doc "$C" || true)
grep -q 'ip mptcp endpoint add 192.168.0.11 dev eno2 signal' <<<"$out" || fail "the seed's mistake: fix not given: $out"
ip -n "$C" mptcp endpoint delete id 91
ip -n "$C" addr del 192.168.0.11/24 dev eno2
ok "endpoint.address (on no interface) and endpoint.dev (the seed's 'dev eno1' for an eno2 address) fail with the fix"

ip -n "$C" mptcp endpoint add 192.168.0.1 id 92 dev eno2 fullmesh 2>/dev/null ||
	{ ip -n "$C" addr add 192.168.0.12/24 dev eno2; ip -n "$C" mptcp endpoint add 192.168.0.12 id 92 dev eno2 fullmesh; }
verdict "$C" endpoint.fullmesh warn
ip -n "$C" mptcp endpoint delete id 92
ip -n "$C" addr del 192.168.0.12/24 dev eno2 2>/dev/null || true
ok "endpoint.fullmesh without subflow -> warn"

ip -n "$C" link set eno2 down
verdict "$C" endpoint.link warn
ip -n "$C" link set eno2 up
# link down removes the interface's routes from every table: setup's and the default
ip -n "$C" route add default via 192.168.0.2 dev eno2 metric 200 2>/dev/null || true
expect_rc 0 "$MPTCPCTL" -n "$C" setup undo
expect_rc 0 "$MPTCPCTL" -n "$C" setup role client eno1 eno2
ok "endpoint.link: interface down -> warn"

ip -n "$C" route del default via 192.168.0.2 dev eno2
tbl=$(ip -n "$C" rule | awk '/from 192.168.0.1 lookup/ {print $5}')
ip -n "$C" route del default table "$tbl" 2>/dev/null || true
ip -n "$C" rule del from 192.168.0.1
verdict "$C" routing.source fail
ip -n "$C" route add default via 192.168.0.2 dev eno2 metric 200
expect_rc 0 "$MPTCPCTL" -n "$C" setup undo
expect_rc 0 "$MPTCPCTL" -n "$C" setup role client eno1 eno2
verdict "$C" routing.source ok
ok "routing.source: without the per-source rule, traffic from 192.168.0.1 leaves by eno1 -> fail; after setup ok"

ip netns exec "$C" sysctl -qw net.ipv4.conf.eno2.rp_filter=1
verdict "$C" routing.rp_filter warn
ip netns exec "$C" sysctl -qw net.ipv4.conf.eno2.rp_filter=0
ok "routing.rp_filter: strict -> warn"

tmp=$(mktemp -d)
EXTRA_CLEANUP+=("rm -rf $tmp")
mkdir -p "$tmp/bin" && cp "$(command -v sleep)" "$tmp/bin/mptcpd"
ip netns exec "$C" "$tmp/bin/mptcpd" 30 &
RIVAL=$!
EXTRA_CLEANUP+=("kill $RIVAL")
for _ in $(seq 1 100); do grep -q mptcpd "/proc/$RIVAL/comm" 2>/dev/null && break; sleep 0.02; done
verdict "$C" manager.rival warn
kill "$RIVAL"; wait "$RIVAL" 2>/dev/null || true
ok "manager.rival: a running mptcpd -> warn"

old_rmem=$(ip netns exec "$C" sysctl -n net.ipv4.tcp_rmem)
ip netns exec "$C" sysctl -qw net.ipv4.tcp_rmem="4096 16384 65536"
verdict "$C" tcp.buffers warn rate 1gbit rtt 10ms
ip netns exec "$C" sysctl -qw net.ipv4.tcp_rmem="$old_rmem"
verdict "$C" tcp.buffers ok rate 1gbit rtt 10ms
ok "tcp.buffers: tcp_rmem max 64 KiB below 2 x BDP(1gbit, 10ms) -> warn"

# A server with an MPTCP listener but no signal endpoint.
expect_rc 0 "$MPTCPCTL" -n "$S" setup undo
ip netns exec "$S" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262); s.bind(("0.0.0.0", 7400)); s.listen(); time.sleep(30)' &
LIS=$!
EXTRA_CLEANUP+=("kill $LIS")
wait_listen "$S" 7400
verdict "$S" endpoint.signal warn
kill "$LIS"; wait "$LIS" 2>/dev/null || true
expect_rc 0 "$MPTCPCTL" -n "$S" setup role server eno1 eno2
ok "endpoint.signal: an MPTCP listener without a signal endpoint -> warn"

# ---- --fix, then all ok; undo returns the state
ip netns exec "$C" sysctl -qw net.mptcp.enabled=0 net.ipv4.conf.eno2.rp_filter=1
ip -n "$C" mptcp limits set subflows 0 add_addr_accepted 0
broken=$(ip -n "$C" mptcp limits; ip netns exec "$C" sysctl -n net.mptcp.enabled net.ipv4.conf.eno2.rp_filter)
expect_rc 1 "$MPTCPCTL" -n "$C" doctor
expect_rc 0 "$MPTCPCTL" -n "$C" doctor --fix
grep -q "^fixed" <<<"$OUT" && grep -q "sysctl -w net.mptcp.enabled=1" <<<"$OUT" || fail "--fix: $OUT"
expect_rc 0 "$MPTCPCTL" -n "$C" -j doctor rate 1gbit
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["fail"] == 0, d' "$OUT" || fail "after --fix: $OUT"
expect_rc 0 "$MPTCPCTL" -n "$C" doctor undo
after=$(ip -n "$C" mptcp limits; ip netns exec "$C" sysctl -n net.mptcp.enabled net.ipv4.conf.eno2.rp_filter)
[ "$after" = "$broken" ] || { echo "$OUT"; echo "broken: $broken"; echo "after: $after"; }
[ "$after" = "$broken" ] ||
	fail "doctor undo did not restore the state"
ip netns exec "$C" sysctl -qw net.mptcp.enabled=1 net.ipv4.conf.eno2.rp_filter=0
ip -n "$C" mptcp limits set subflows 4 add_addr_accepted 4
ok "doctor --fix (enabled, limits, rp_filter) then doctor: no fail; doctor undo restores the state"

# ---- peer probe: 2+ subflows; fallback when a path strips the MPTCP option
ip netns exec "$S" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262); s.bind(("0.0.0.0", 7402)); s.listen(16)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)' &
EXTRA_CLEANUP+=("kill $!")
wait_listen "$S" 7402
doc "$C" peer 10.0.0.2 port 7402 >"$tmp/peer.json" || true
python3 - "$tmp/peer.json" <<'PY' || fail "peer probe: $(cat "$tmp/peer.json")"
import json, sys
d = json.load(open(sys.argv[1]))
hs = [c for c in d["checks"] if c["id"] == "peer.handshake"]
sf = [c for c in d["checks"] if c["id"] == "peer.subflows"]
assert hs and all(c["status"] == "ok" for c in hs), hs
assert any(c["status"] == "ok" and "joins accepted" in c["message"] for c in sf), sf
PY
ip netns exec "$S" nft -f - <<'NFT'
table inet strip {
	chain in {
		type filter hook prerouting priority -300; policy accept;
		iifname "eno1" tcp dport 7402 reset tcp option mptcp
	}
}
NFT
doc "$C" peer 10.0.0.2 port 7402 >"$tmp/peer2.json" || true
python3 - "$tmp/peer2.json" <<'PY' || fail "peer probe with a stripping path: $(cat "$tmp/peer2.json")"
import json, sys
d = json.load(open(sys.argv[1]))
hs = {c["message"].split(":")[0]: c for c in d["checks"] if c["id"] == "peer.handshake"}
assert hs["from 10.0.0.1"]["status"] == "fail" and "fell back" in hs["from 10.0.0.1"]["message"], hs
assert hs["from 192.168.0.1"]["status"] == "ok", hs
PY
ip netns exec "$S" nft delete table inet strip
ok "doctor peer: MPTCP kept with joins; the path whose option is stripped reports the fallback"

# ---- tune: dry-run lines, apply, undo (sysctl is the witness)
orig_rmem=$(ip netns exec "$C" sysctl -n net.ipv4.tcp_rmem)
EXTRA_CLEANUP+=("ip netns exec $C sysctl -qw net.ipv4.tcp_rmem='$orig_rmem'")
ip netns exec "$C" sysctl -qw net.ipv4.tcp_rmem="4096 131072 6291456"
before=$(ip netns exec "$C" sysctl -n net.ipv4.tcp_rmem net.ipv4.tcp_wmem)
expect_rc 0 "$MPTCPCTL" -n "$C" tune rate 20gbit rtt 2ms --dry-run
grep -q "^sysctl -w net.ipv4.tcp_rmem='4096 131072 10000000'$" <<<"$OUT" || fail "tune dry-run: $OUT"
grep -q "^sysctl -w net.ipv4.tcp_wmem=" <<<"$OUT" || fail "tune dry-run: $OUT"
[ "$(ip netns exec "$C" sysctl -n net.ipv4.tcp_rmem net.ipv4.tcp_wmem)" = "$before" ] || fail "dry-run changed sysctls"
# the printed lines are shell: run them, check, and put the values back
ip netns exec "$C" sh -e -c "$(grep "^sysctl" <<<"$OUT")" >/dev/null || fail "the dry-run lines do not run: $OUT"
[ "$(ip netns exec "$C" sysctl -n net.ipv4.tcp_rmem | awk '{print $3}')" = 10000000 ] || fail "dry-run lines did not set tcp_rmem"
ip netns exec "$C" sysctl -qw net.ipv4.tcp_rmem="$(sed -n 1p <<<"$before")" net.ipv4.tcp_wmem="$(sed -n 2p <<<"$before")"
expect_rc 0 "$MPTCPCTL" -n "$C" tune rate 20gbit rtt 2ms
[ "$(ip netns exec "$C" sysctl -n net.ipv4.tcp_rmem | awk '{print $3}')" = 10000000 ] || fail "tune did not apply"
verdict "$C" tcp.buffers ok rate 20gbit rtt 2ms
expect_rc 0 "$MPTCPCTL" -n "$C" tune undo
[ "$(ip netns exec "$C" sysctl -n net.ipv4.tcp_rmem net.ipv4.tcp_wmem)" = "$before" ] || fail "tune undo: $(ip netns exec "$C" sysctl -n net.ipv4.tcp_rmem)"
ok "tune: dry-run prints the sysctl lines; apply raises tcp_rmem to 2 x BDP (10 MB); undo restores (sysctl)"

# ---- blackhole: MP_CAPABLE SYNs dropped on the way make the kernel retry without MPTCP
ip netns exec "$S" nft -f - <<'NFT'
table inet bh {
	chain in {
		type filter hook prerouting priority -300; policy accept;
		tcp dport 7401 tcp option mptcp exists drop
	}
}
NFT
ip netns exec "$S" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262); s.bind(("0.0.0.0", 7401)); s.listen()
c, _ = s.accept(); time.sleep(1)' &
EXTRA_CLEANUP+=("kill $!")
ip netns exec "$C" python3 -c '
import socket
c = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262); c.settimeout(15); c.connect(("10.0.0.2", 7401))' ||
	fail "no connection through the blackhole"
verdict "$C" mptcp.blackhole warn
ip netns exec "$S" nft delete table inet bh
# The detection now sends SYNs without MP_CAPABLE for blackhole_timeout: writing
# the sysctl resets it (the kernel's handler clears the state).
ip netns exec "$C" sysctl -qw net.mptcp.blackhole_timeout=3600
ok "mptcp.blackhole: MPTCP SYNs dropped -> the kernel's blackhole detection -> warn"

expect_rc 2 "$MPTCPCTL" doctor frob
expect_rc 2 "$MPTCPCTL" doctor peer nonsense
expect_rc 2 "$MPTCPCTL" tune rate fast
expect_rc 0 "$MPTCPCTL" doctor --help
ok "bad input -> 2"
