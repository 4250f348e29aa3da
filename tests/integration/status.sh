#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpctl status in the lab, case by case, each checked against ss (the witness).
. "$(dirname "$0")/lib.sh"
PEER="$(dirname "$0")/mptcp_peer.py"
command -v python3 >/dev/null || skip "python3 is not installed"

expect_rc 0 "$MPTCPCTL" lab up name "$LAB" rate 200mbit
C="$LAB-cli" S="$LAB-srv"
st() { "$MPTCPCTL" -n "$1" "${@:2}"; }
js() { st "$1" -j status "${@:2}"; }

# Starts a server in S and a client in C that sends for $3 s at $4 bytes/s; waits until connected.
start_pair() { # port dst secs rate [tcp|srvtcp]
	local port=$1 dst=$2 secs=$3 rate=$4 tcp="" stcp=""
	case "${5:-}" in tcp) tcp=tcp stcp=tcp ;; srvtcp) stcp=tcp ;; esac
	ip netns exec "$S" python3 "$PEER" server 0.0.0.0 "$port" $stcp >/dev/null &
	EXTRA_CLEANUP+=("kill $!")
	wait_listen "$S" "$port"
	ip netns exec "$C" python3 "$PEER" client "$dst" "$port" "$secs" $tcp rate "$rate" &
	CLIENT=$!
	EXTRA_CLEANUP+=("kill $CLIENT")
	for _ in $(seq 1 200); do
		ip netns exec "$C" ss -Htn state established "dport = :$port" | grep -q . && return 0
		sleep 0.02
	done
	fail "no connection to port $port"
}

# ---- plain TCP: never shown as MPTCP
start_pair 7001 10.0.0.2 3 2000000 tcp
out=$(st "$C" status port 7001)
grep -q "no MPTCP connections" <<<"$out" || fail "plain TCP shown as MPTCP: $out"
ip netns exec "$C" ss -tni "dport = :7001" | grep -q tcp-ulp-mptcp && fail "witness: ss says it is a subflow"
ip netns exec "$C" ss -HMn "dport = :7001" | grep -q . && fail "witness: ss -M lists it"
expect_rc 1 st "$C" status port 7001 --expect-subflows 1
grep -q "no matching MPTCP connection" <<<"$OUT" || fail "expect on plain TCP: $OUT"
ok "plain TCP: no MPTCP rows (ss agrees), --expect-subflows 1 -> 1"
kill "$CLIENT" 2>/dev/null; wait "$CLIENT" 2>/dev/null || true

# ---- MPTCP, no endpoints: one subflow
start_pair 7002 10.0.0.2 4 2000000
d=$(js "$C" -p port 7002)
python3 - "$d" <<'PY' || fail "1 subflow: $d"
import json, sys
c = json.loads(sys.argv[1])["connections"]
assert len(c) == 1 and c[0]["kind"] == "mptcp" and not c[0]["fallback"], c
assert c[0]["subflows_established"] == 1 and len(c[0]["subflows"]) == 1, c
s = c[0]["subflows"][0]
assert s["interface"] == "eno1" and s["local"] == "10.0.0.1" and s["remote"] == "10.0.0.2", s
assert c[0]["comm"].startswith("python"), c
PY
ip netns exec "$C" ss -HMn "dport = :7002" | grep -q ESTAB || fail "witness: ss -M lists no MPTCP socket"
n=$(ip netns exec "$C" ss -Htni "dport = :7002" | grep -c tcp-ulp-mptcp)
[ "$n" -eq 1 ] || fail "witness: ss shows $n subflows"
expect_rc 0 st "$C" status port 7002 --expect-subflows 1
expect_rc 1 st "$C" status port 7002 --expect-subflows 2
grep -q "has 1 established subflow, expected at least 2" <<<"$OUT" || fail "reason: $OUT"
ok "MPTCP without endpoints: 1 subflow on eno1 (ss agrees); expect 1 -> 0, 2 -> 1: $OUT"
kill "$CLIENT" 2>/dev/null; wait "$CLIENT" 2>/dev/null || true

# ---- two paths: a signal endpoint on the server, limits on both
ip -n "$S" mptcp endpoint add 192.168.0.2 dev eno2 signal
for h in "$C" "$S"; do ip -n "$h" mptcp limits set subflows 2 add_addr_accepted 2; done
start_pair 7003 10.0.0.2 6 4000000
for _ in $(seq 1 100); do
	[ "$(ip netns exec "$C" ss -Htni "dport = :7003" | grep -c tcp-ulp-mptcp)" -ge 2 ] && break
	sleep 0.05
done
sleep 1 # let both subflows carry data before comparing shares
d=$(js "$C" port 7003)
w=$(ip netns exec "$C" ss -Htni "dport = :7003")
python3 - "$d" "$w" <<'PY' || fail "2 subflows: $d / witness: $w"
import json, re, sys
c = json.loads(sys.argv[1])["connections"]
assert len(c) == 1 and c[0]["subflows_established"] == 2, c
sf = {s["interface"]: s for s in c[0]["subflows"]}
assert set(sf) == {"eno1", "eno2"}, sf
assert sf["eno2"]["local"] == "192.168.0.1" and sf["eno2"]["mp_join"], sf
# per-subflow bytes agree with ss (taken just after; the client sends 4 MB/s)
acked = {m.group(1): int(m.group(2)) for m in re.finditer(r"(\S+):\d+\s+\S+:7003.*?bytes_acked:(\d+)", sys.argv[2], re.S)}
for name, s in sf.items():
    w = acked[s["local"]]
    assert abs(w - s["bytes_acked"]) <= 2_000_000 + 0.1 * w, (name, w, s["bytes_acked"])
tot = sum(s["bytes_acked"] for s in sf.values())
assert abs(sum(s["share"] for s in sf.values()) - 1) < 0.01
PY
expect_rc 0 st "$C" status port 7003 --expect-subflows 2
expect_rc 1 st "$C" status port 7003 --expect-subflows 3
ok "two paths: 2 subflows on eno1+eno2, bytes per subflow agree with ss; expect 2 -> 0, 3 -> 1"
kill "$CLIENT" 2>/dev/null; wait "$CLIENT" 2>/dev/null || true
ip -n "$S" mptcp endpoint flush

# ---- fallback: the server host has MPTCP disabled (its listener is plain TCP)
ip netns exec "$S" sysctl -qw net.mptcp.enabled=0
start_pair 7004 10.0.0.2 4 2000000 srvtcp
d=$(js "$C" port 7004)
python3 - "$d" <<'PY' || fail "fallback: $d"
import json, sys
c = json.loads(sys.argv[1])["connections"]
assert len(c) == 1 and c[0]["kind"] == "tcp-fallback" and c[0]["fallback"] and not c[0]["mptcp"], c
assert "MP_CAPABLE" in c[0]["fallback_reason"], c
PY
ip netns exec "$C" ss -HMni "dport = :7004" | grep -q fallback || fail "witness: ss -M does not say fallback"
expect_rc 1 st "$C" status port 7004 --expect-subflows 1
grep -q "fell back to TCP: the peer did not answer MP_CAPABLE" <<<"$OUT" || fail "reason: $OUT"
out=$(st "$C" status port 7004)
grep -q "^tcp-fallback" <<<"$out" && grep -q "why: the peer did not answer MP_CAPABLE" <<<"$out" || fail "text: $out"
ok "fallback (server without MPTCP): tcp-fallback with the reason (ss -M says fallback); expect -> 1"
kill "$CLIENT" 2>/dev/null; wait "$CLIENT" 2>/dev/null || true
ip netns exec "$S" sysctl -qw net.mptcp.enabled=1

# ---- fallback: a middlebox (nftables on the server's input) strips the MPTCP option
ip netns exec "$S" nft -f - <<'NFT'
table inet mbox {
	chain in { type filter hook prerouting priority -300; policy accept;
		tcp dport 7006 reset tcp option mptcp
	}
}
NFT
EXTRA_CLEANUP+=("ip netns exec $S nft delete table inet mbox")
start_pair 7006 10.0.0.2 3 2000000
d=$(js "$C" port 7006)
python3 - "$d" <<'PY' || fail "option stripped: $d"
import json, sys
c = json.loads(sys.argv[1])["connections"]
assert len(c) == 1 and c[0]["kind"] == "tcp-fallback", c
assert "middlebox removed the option" in c[0]["fallback_reason"], c
PY
# The server's kernel accepted a plain TCP connection: no MPTCP socket there at all.
st "$S" status port 7006 | grep -q "no MPTCP connections" || fail "server side: $(st "$S" status port 7006)"
ip netns exec "$C" ss -HMni "dport = :7006" | grep -q fallback || fail "witness: ss -M does not say fallback"
expect_rc 1 st "$C" status port 7006 --expect-subflows 1
ok "fallback (option stripped by nftables): client tcp-fallback naming the middlebox (ss agrees), server plain TCP"
kill "$CLIENT" 2>/dev/null; wait "$CLIENT" 2>/dev/null || true
ip netns exec "$S" nft delete table inet mbox

# ---- a subflow gone after its link is cut mid-transfer; tshark sees the join on eno2
ip -n "$S" mptcp endpoint add 192.168.0.2 dev eno2 signal id 5
tmp=$(mktemp -d)
EXTRA_CLEANUP+=("rm -rf $tmp")
have_tshark=0
if command -v tshark >/dev/null && command -v tcpdump >/dev/null; then
	have_tshark=1
	ip netns exec "$S" tcpdump -Z root --immediate-mode -i eno2 -U -s 200 -w "$tmp/eno2.pcap" tcp port 7007 2>"$tmp/tcpdump.err" &
	TCPDUMP=$!
	EXTRA_CLEANUP+=("kill $TCPDUMP")
	for _ in $(seq 1 250); do grep -q "listening on" "$tmp/tcpdump.err" && break; sleep 0.02; done
fi
start_pair 7007 10.0.0.2 8 3000000
for _ in $(seq 1 100); do
	[ "$(ip netns exec "$C" ss -Htni "dport = :7007" | grep -c tcp-ulp-mptcp)" -ge 2 ] && break
	sleep 0.05
done
expect_rc 0 st "$C" status port 7007 --expect-subflows 2
if [ $have_tshark = 1 ]; then
	kill -INT "$TCPDUMP"; wait "$TCPDUMP" 2>/dev/null || true
	joins=$(tshark -r "$tmp/eno2.pcap" -Y 'tcp.options.mptcp.subtype == 1 && tcp.flags.syn == 1 && tcp.flags.ack == 0' -T fields -e ip.src 2>/dev/null | sort -u)
	[ "$joins" = 192.168.0.1 ] || fail "witness tshark: MP_JOIN SYNs on eno2 from '$joins'"
	d=$(js "$C" port 7007)
	python3 -c 'import json,sys; c=json.loads(sys.argv[1])["connections"][0]; assert any(s["interface"]=="eno2" and s["mp_join"] for s in c["subflows"]), c' "$d" ||
		fail "status does not show the joined subflow on eno2: $d"
	ok "tshark decodes the MP_JOIN on eno2 that status reports"
fi
ip -n "$C" link set eno2 down
ip -n "$S" mptcp endpoint delete id 5
estab_subflows() { ip netns exec "$C" ss -Htni state established "dport = :7007" | grep -c tcp-ulp-mptcp; }
for _ in $(seq 1 100); do
	[ "$(estab_subflows)" -le 1 ] && break
	sleep 0.05
done
d=$(js "$C" port 7007)
python3 - "$d" <<'PY' || fail "after the cut: $d"
import json, sys
c = json.loads(sys.argv[1])["connections"]
assert len(c) == 1 and c[0]["kind"] == "mptcp" and c[0]["subflows_established"] == 1, c
# the eno2 subflow is gone or closing (FIN-WAIT-1: its FIN cannot cross the cut link)
assert [s["interface"] for s in c[0]["subflows"] if s["state"] == "ESTAB"] == ["eno1"], c
PY
[ "$(estab_subflows)" -eq 1 ] || fail "witness: ss still shows 2 established subflows"
expect_rc 1 st "$C" status port 7007 --expect-subflows 2
ok "link eno2 cut (and its address withdrawn): 1 subflow left on eno1 (ss agrees); expect 2 -> 1"
kill "$CLIENT" 2>/dev/null; wait "$CLIENT" 2>/dev/null || true
ip -n "$C" link set eno2 up

# ---- a backup subflow carries nothing
ip -n "$C" mptcp endpoint add 192.168.0.1 dev eno2 subflow backup
start_pair 7008 10.0.0.2 4 3000000
for _ in $(seq 1 100); do
	[ "$(ip netns exec "$C" ss -Htni "dport = :7008" | grep -c tcp-ulp-mptcp)" -ge 2 ] && break
	sleep 0.05
done
sleep 1
d=$(js "$C" port 7008)
python3 - "$d" <<'PY' || fail "backup: $d"
import json, sys
c = json.loads(sys.argv[1])["connections"][0]
sf = {s["interface"]: s for s in c["subflows"]}
assert set(sf) == {"eno1", "eno2"} and sf["eno2"]["backup"] and not sf["eno1"]["backup"], sf
assert sf["eno2"]["bytes_acked"] < 10000 and sf["eno1"]["bytes_acked"] > 1000000, sf
assert sf["eno2"]["share"] < 0.01, sf
PY
ip netns exec "$C" ss -Htni "dport = :7008" | grep -q "192.168.0.1.*" || fail "witness: no subflow on eno2"
expect_rc 0 st "$C" status port 7008 --expect-subflows 2
ok "backup subflow on eno2: flagged backup, carries < 10 kB while eno1 carries the data; expect 2 -> 0"

# ---- --watch: rates per subflow, one JSON object per line
w=$(st "$C" -j status port 7008 --watch 0.3 count 3)
python3 - "$w" <<'PY' || fail "watch: $w"
import json, sys
lines = [json.loads(l) for l in sys.argv[1].splitlines()]
assert len(lines) == 3 and all("time" in l for l in lines), lines
sf = {s["interface"]: s for s in lines[-1]["connections"][0]["subflows"]}
# the client sends 3 MB/s = 24 Mbit/s on eno1
assert 12e6 < sf["eno1"]["tx_bps"] < 36e6 and sf["eno2"]["tx_bps"] < 1e6, sf
PY
t=$(st "$C" status port 7008 --watch 0.2 count 2)
[ "$(grep -c '^mptcpctl status, every 0.2s' <<<"$t")" -eq 2 ] && grep -q "tx [0-9.]* Mbit/s" <<<"$t" || fail "watch text: $t"
ok "--watch: per-subflow rates (eno1 ~24 Mbit/s, backup ~0), JSON lines and text"

# ---- unprivileged: what the kernel shows, and what it hides
if command -v setpriv >/dev/null; then
	# Kernel 6.18 shows subflow details to every user; older kernels only to
	# CAP_NET_ADMIN, which the "hides subflow details" note covers (unit-tested).
	out=$(ip netns exec "$C" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$MPTCPCTL" status -p port 7008)
	grep -q "^mptcp .*10.0.0.1:.* -> 10.0.0.2:7008" <<<"$out" || fail "unprivileged: $out"
	[ "$(grep -c '^  subflow' <<<"$out")" -eq 2 ] || fail "unprivileged: subflows: $out"
	grep -q "python" <<<"$out" && fail "unprivileged: saw root's process: $out"
	grep -q "other users' processes are hidden" <<<"$out" || fail "unprivileged: no note: $out"
	ok "unprivileged: the connection and both subflows; root's process hidden, and said so"
fi
kill "$CLIENT" 2>/dev/null; wait "$CLIENT" 2>/dev/null || true
ip -n "$C" mptcp endpoint flush

# ---- many connections: the TCP table is dumped in two halves at once (strict: no
# fallback to one dump); every subflow is listed once, as ss lists them, and the
# output equals that of one whole dump.
MANY=$(mktemp -d)
EXTRA_CLEANUP+=("rm -rf $MANY")
cat >"$MANY/many.py" <<'PY'
import socket, sys
# Ports in stripes of both parities (see diag_half_ephemeral): the kernel would hand
# out neighbouring ports to one client, a few hundred of them in one stripe.
n = int(sys.argv[1])
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
ls.bind(("127.0.0.1", 7800)); ls.listen(n)
held = []
for i in range(n):
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
    c.bind(("127.0.0.1", (40000 if i % 2 else 50000) + i))
    c.connect(ls.getsockname()); held += [c, ls.accept()[0]]
print("ready", flush=True)
sys.stdin.read()
PY
mkfifo "$MANY/many.in"
ip netns exec "$S" python3 "$MANY/many.py" 400 <"$MANY/many.in" >"$MANY/many.out" &
EXTRA_CLEANUP+=("kill $!")
exec 7>"$MANY/many.in"
for _ in $(seq 1 200); do grep -q ready "$MANY/many.out" 2>/dev/null && break; sleep 0.05; done
grep -q ready "$MANY/many.out" || fail "many: the generator did not start"
MPTCPCTL_DIAG_HALVES=strict js "$S" dst 127.0.0.1 >"$MANY/halves.json" || fail "many: strict halves: $(cat "$MANY/halves.json")"
MPTCPCTL_DIAG_HALVES=off js "$S" dst 127.0.0.1 >"$MANY/whole.json" || fail "many: whole dump failed"
ip netns exec "$S" ss -Htn state established "src 127.0.0.1" >"$MANY/ss.txt"
python3 - "$MANY/halves.json" "$MANY/whole.json" "$MANY/ss.txt" <<'PY' || fail "many: halves disagree"
import json, sys
def subflows(path):
    out = []
    for c in json.load(open(path))["connections"]:
        assert c["kind"] == "mptcp" and len(c["subflows"]) == 1, c
        s = c["subflows"][0]
        out.append((s["local"], s["local_port"], s["remote"], s["remote_port"]))
    return out
h, w = subflows(sys.argv[1]), subflows(sys.argv[2])
assert len(h) == 800 and len(set(h)) == 800, len(h)
assert sorted(h) == sorted(w), "halves and whole differ"
ss = set()
for line in open(sys.argv[3]):
    f = line.split()
    l, r = f[-2], f[-1]
    ss.add((l.rsplit(":", 1)[0], int(l.rsplit(":", 1)[1]), r.rsplit(":", 1)[0], int(r.rsplit(":", 1)[1])))
assert ss == set(h), (len(ss), len(set(h)))
# both halves had work: half 1 has the sockets whose ports' stripes (16 of 1764 ports
# from 32768, Linux's default range) add up to an odd number
stripe = lambda p: min(max(p - 32768, 0) // 1764, 15)
odd = sum((stripe(lp) + stripe(rp)) & 1 for _, lp, _, rp in h)
assert odd == 400, odd
PY
exec 7>&-
ok "800 loopback MPTCP sockets: the two dump halves list each subflow once, as ss and one whole dump do"

# ---- listeners only with -l; bad input
ip netns exec "$S" python3 "$PEER" server 0.0.0.0 7005 >/dev/null &
EXTRA_CLEANUP+=("kill $!")
wait_listen "$S" 7005
st "$S" status | grep -q "^listen" && fail "listener shown without -l"
st "$S" status -l port 7005 | grep -q "^listen .*0.0.0.0:7005  LISTEN" || fail "listener not shown with -l"
ok "listeners only with -l"
expect_rc 2 "$MPTCPCTL" status port 70000
expect_rc 2 "$MPTCPCTL" status dst nonsense
expect_rc 2 "$MPTCPCTL" status --expect-subflows
expect_rc 2 "$MPTCPCTL" status frob
expect_rc 0 "$MPTCPCTL" status --help
expect_rc 1 "$MPTCPCTL" -n "nosuchns$$" status
ok "bad input -> exit 2; unknown netns -> exit 1"
