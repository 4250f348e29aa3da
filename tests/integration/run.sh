#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpctl run with real programs in a lab, the kernel as witness (ss -M, MPTcpExt
# counters): iperf3 3.12 as server and client, curl against python3 -m http.server,
# a static C client and a raw-syscall client through seccomp next to a plain one that
# stays TCP, fallback when the client host has net.mptcp.enabled=0 (where mptcpize
# fails: the witness that the check can fail), exit statuses, signals, arguments,
# descendants, bad input.
. "$(dirname "$0")/lib.sh"
for t in iperf3 curl ss mptcpize; do
	command -v $t >/dev/null || skip "$t (a witness) is not installed"
done
[ -x "${SOCKPROBE:-}" ] && [ -x "${SOCKPROBE_STATIC:-}" ] || skip "no sockprobe helpers"
PY=/usr/bin/python3
[ -x $PY ] || PY=$(command -v python3)
TMP=$(mktemp -d)
EXTRA_CLEANUP+=("rm -rf '$TMP'")

expect_rc 0 "$MPTCPCTL" lab up name "$LAB" paths 2
CLI=("$MPTCPCTL" lab exec "$LAB" cli --)
SRV=("$MPTCPCTL" lab exec "$LAB" srv --)
RUN=("$MPTCPCTL" run)

# One MPTcpExt counter of a namespace (/proc/net is the reader's namespace's).
mib() {
	ip netns exec "$1" cat /proc/net/netstat | awk -v k="$2" '
		$1 == "MPTcpExt:" && !h { for (i = 2; i <= NF; i++) n[i] = $i; h = 1; next }
		$1 == "MPTcpExt:" { for (i = 2; i <= NF; i++) if (n[i] == k) print $i }'
}
# Polls until an MPTCP listener on port $2 exists in netns $1 (ss -M: the kernel's view).
wait_mptcp_listen() {
	for _ in $(seq 1 250); do
		ip netns exec "$1" ss -HMln | grep -q ":$2\b" && return 0
		sleep 0.02
	done
	fail "no MPTCP listener on port $2 in $1: $(ip netns exec "$1" ss -Hltn)"
}
wait_file() {
	for _ in $(seq 1 250); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.02
	done
	fail "$1: no '$2': $(cat "$1" 2>/dev/null)"
}

# --- iperf3 as server and as client ---
"${SRV[@]}" "${RUN[@]}" iperf3 -s -1 -p 5201 >"$TMP/iperf-s" 2>&1 &
EXTRA_CLEANUP+=("kill $!")
wait_mptcp_listen "$LAB-srv" 5201
syn0=$(mib "$LAB-srv" MPCapableSYNRX)
"${CLI[@]}" "${RUN[@]}" iperf3 -c 10.0.0.2 -p 5201 -t 2 -J >"$TMP/iperf-c" 2>&1 &
ipid=$!
seen=
for _ in $(seq 1 150); do
	if ip netns exec "$LAB-cli" ss -HMni | grep -q "10.0.0.2:5201"; then
		seen=$(ip netns exec "$LAB-cli" ss -HMni | grep -A1 "10.0.0.2:5201" | head -2)
		break
	fi
	sleep 0.02
done
wait $ipid || fail "iperf3 client under run failed: $(cat "$TMP/iperf-c")"
[ -n "$seen" ] || fail "ss -Mni never showed an MPTCP socket to 10.0.0.2:5201"
echo "# ss -Mni during iperf3: $(tr -s ' \n' ' ' <<<"$seen" | cut -c1-160)"
bps=$($PY -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))' <"$TMP/iperf-c")
syn1=$(mib "$LAB-srv" MPCapableSYNRX)
echo "# iperf3 over MPTCP: $bps bit/s, server MPCapableSYNRX $syn0 -> $syn1"
[ "$bps" -gt 0 ] || fail "iperf3 moved nothing"
[ $((syn1 - syn0)) -ge 2 ] || fail "server saw $((syn1 - syn0)) MP_CAPABLE SYNs, expected >= 2 (control + data)"
ok "iperf3 3.12 server and client under run: MPTCP (ss -Mni; MPCapableSYNRX +$((syn1 - syn0)))"

# --- curl against python3 -m http.server ---
mkdir -p "$TMP/www" && echo "hello over mptcp" >"$TMP/www/index.html"
"${SRV[@]}" "${RUN[@]}" $PY -m http.server 8080 --bind 10.0.0.2 --directory "$TMP/www" >/dev/null 2>&1 &
EXTRA_CLEANUP+=("kill $!")
wait_mptcp_listen "$LAB-srv" 8080
syn0=$(mib "$LAB-srv" MPCapableSYNRX)
ack0=$(mib "$LAB-cli" MPCapableSYNACKRX)
expect_rc 0 "${CLI[@]}" "${RUN[@]}" curl -sS http://10.0.0.2:8080/index.html
[ "$OUT" = "hello over mptcp" ] || fail "curl: $OUT"
syn1=$(mib "$LAB-srv" MPCapableSYNRX)
ack1=$(mib "$LAB-cli" MPCapableSYNACKRX)
[ $((syn1 - syn0)) -eq 1 ] && [ $((ack1 - ack0)) -eq 1 ] ||
	fail "curl: MPCapableSYNRX +$((syn1 - syn0)), MPCapableSYNACKRX +$((ack1 - ack0)), expected +1 each"
ok "curl against python3 -m http.server, both under run: one MP_CAPABLE handshake each way"

# --- static and raw-syscall clients through seccomp, a plain one next to them ---
"${CLI[@]}" "${RUN[@]}" -v "$SOCKPROBE_STATIC" connect 10.0.0.2 8080 1500 >"$TMP/static" 2>"$TMP/static.err" &
p1=$!
"${CLI[@]}" "${RUN[@]}" backend seccomp "$SOCKPROBE" --raw connect 10.0.0.2 8080 1500 >"$TMP/raw" 2>&1 &
p2=$!
"${CLI[@]}" "$SOCKPROBE" connect 10.0.0.2 8080 1500 >"$TMP/plain" 2>&1 &
p3=$!
for f in static raw plain; do wait_file "$TMP/$f" "lport="; done
port() { sed -n 's/.*lport=\([0-9]*\).*/\1/p' "$TMP/$1"; }
M=$(ip netns exec "$LAB-cli" ss -HMn)
T=$(ip netns exec "$LAB-cli" ss -Htni dst 10.0.0.2:8080)
wait $p1 && wait $p2 && wait $p3 || fail "a client failed: $(cat "$TMP"/static* "$TMP/raw" "$TMP/plain")"
for f in static raw; do
	grep -q ":$(port $f)\b" <<<"$M" || fail "$f client ($(port $f)) is not in ss -Mn: $M"
	grep -A1 ":$(port $f)\b" <<<"$T" | grep -q "tcp-ulp-mptcp" || fail "$f: subflow not MPTCP: $T"
	grep -q "bytes=[1-9]" "$TMP/$f" || fail "$f: $(cat "$TMP/$f")"
done
grep -q ":$(port plain)\b" <<<"$M" && fail "the plain client is MPTCP: $M"
grep -A1 ":$(port plain)\b" <<<"$T" | grep -q "tcp-ulp-mptcp" && fail "plain client: $T"
grep -q "proto=6 " "$TMP/plain" || fail "plain: $(cat "$TMP/plain")"
grep -q "backend seccomp .*(statically linked)" "$TMP/static.err" || fail "auto: $(cat "$TMP/static.err")"
ok "static client (auto -> seccomp) and raw syscall(SYS_socket) client are MPTCP (ss -M); a plain one at the same time stays TCP"

# --- fallback: the client host refuses MPTCP ---
ip netns exec "$LAB-cli" sysctl -qw net.mptcp.enabled=0
syn0=$(mib "$LAB-srv" MPCapableSYNRX)
expect_rc 0 "${CLI[@]}" "${RUN[@]}" -v curl -sS http://10.0.0.2:8080/index.html
grep -q "^hello over mptcp$" <<<"$OUT" || fail "curl with fallback: $OUT"
grep -Eq "^mptcpctl\[[0-9]+\]: socket [0-9]+ fell back to TCP: Protocol not available" <<<"$OUT" ||
	fail "no fallback message: $OUT"
[ "$(mib "$LAB-srv" MPCapableSYNRX)" = "$syn0" ] || fail "fallback connection was MPTCP?"
expect_rc 0 "${CLI[@]}" "${RUN[@]}" -v -- "$SOCKPROBE_STATIC" connect 10.0.0.2 8080 0
grep -q "proto=6 " <<<"$OUT" && grep -q "fell back to TCP" <<<"$OUT" || fail "seccomp fallback: $OUT"
rc=0
"${CLI[@]}" mptcpize run curl -sS http://10.0.0.2:8080/index.html >"$TMP/mptcpize" 2>&1 || rc=$?
[ $rc -ne 0 ] || fail "witness: mptcpize run curl succeeded with net.mptcp.enabled=0"
echo "# mptcpize run curl: exit $rc: $(head -c 120 "$TMP/mptcpize")"
ip netns exec "$LAB-cli" sysctl -qw net.mptcp.enabled=1
ok "net.mptcp.enabled=0 on the client: run falls back to TCP and says so; mptcpize run fails (exit $rc)"

# --- exit status, signals, arguments ---
for b in preload seccomp; do
	expect_rc 7 "${RUN[@]}" backend $b sh -c 'exit 7'
	expect_rc 137 "${RUN[@]}" backend $b sh -c 'kill -9 $$'
	expect_rc 0 "${RUN[@]}" backend $b -- printf '%s|' "a b" "c'd" '$x' '"q"' ''
	[ "$OUT" = "a b|c'd|\$x|\"q\"||" ] || fail "$b: arguments mangled: $OUT"
done
"${RUN[@]}" backend seccomp sleep 30 &
sup=$!
for _ in $(seq 1 250); do
	[ -s "/proc/$sup/task/$sup/children" ] && break
	sleep 0.02
done
kill -TERM $sup
rc=0
wait $sup || rc=$?
[ $rc -eq 143 ] || fail "SIGTERM to the supervisor: exit $rc, expected 143 (forwarded to the child)"
ok "exit status, 128+signal, SIGTERM forwarded, arguments with spaces and quotes (both backends)"

# A descendant still running after PROG exits keeps being served.
expect_rc 0 "${RUN[@]}" backend seccomp -- sh -c "(sleep 0.3; exec '$SOCKPROBE' table mptcp) >'$TMP/bg' 2>&1 &"
wait_file "$TMP/bg" "seqpacket 0 (invalid)"
grep -q FAIL "$TMP/bg" && fail "background descendant: $(cat "$TMP/bg")"
ok "seccomp: a background descendant is still converted after PROG exits"

# --- bad input ---
expect_rc 2 "${RUN[@]}"
grep -q "no program given" <<<"$OUT" || fail "$OUT"
expect_rc 2 "${RUN[@]}" -v --
expect_rc 1 "${RUN[@]}" /nonexistent/prog
grep -q "program /nonexistent/prog: No such file" <<<"$OUT" || fail "$OUT"
expect_rc 1 "${RUN[@]}" no-such-program-here
grep -q "not found in PATH" <<<"$OUT" || fail "$OUT"
expect_rc 1 "${RUN[@]}" /etc
expect_rc 2 "${RUN[@]}" backend ebpf true
grep -q "unknown backend 'ebpf'" <<<"$OUT" || fail "$OUT"
expect_rc 2 "${RUN[@]}" backend
expect_rc 2 "${RUN[@]}" --bogus true
expect_rc 1 "${RUN[@]}" backend bpf true
grep -q "backend bpf: " <<<"$OUT" || fail "$OUT"
echo "# backend bpf: $OUT"
expect_rc 0 "${RUN[@]}" --help
expect_rc 0 "$MPTCPCTL" help run
ok "bad input: no PROG 2, PROG not found 1, unknown backend 2, bpf refused 1"
