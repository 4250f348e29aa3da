#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpctl setup in the lab: the seed scenario, dry-run == apply, exact undo,
# atomic failure at every step, bad input. Witnesses: ip, ss, the link counters.
. "$(dirname "$0")/lib.sh"
PEER="$(dirname "$0")/mptcp_peer.py"

expect_rc 0 "$MPTCPCTL" lab up name "$LAB" rate 500mbit
C="$LAB-cli" S="$LAB-srv"
# The four outputs that setup changes; link-local routes come and go with links.
snap() {
	{
		ip -n "$1" rule; ip -n "$1" -6 rule
		ip -n "$1" route show table all; ip -n "$1" -6 route show table all
		ip -n "$1" mptcp endpoint show; ip -n "$1" mptcp limits show
	} | grep -v -e 'fe80::' -e 'ff00::' -e '^local ' || true
}
tx_bytes() { ip -n "$1" -s -j link show dev "$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["tx"]["bytes"])'; }

# Unrelated objects that undo must leave alone.
ip -n "$C" addr add 10.99.99.1/32 dev lo
ip -n "$C" mptcp endpoint add 10.99.99.1 id 50 signal
ip -n "$C" rule add from 10.99.99.1 lookup 50 pref 500
ip -n "$C" route add 10.99.0.0/16 dev lo table 50
ip -n "$C" mptcp limits set subflows 1 add_addr_accepted 0
before_c=$(snap "$C") before_s=$(snap "$S")

# ---- bad input: a clear error and nothing changed
check_bad() { # rc regex args...
	local rc=$1 re=$2
	shift 2
	expect_rc "$rc" "$MPTCPCTL" -n "$C" setup "$@"
	grep -Eq "$re" <<<"$OUT" || fail "setup $*: unclear error: $OUT"
	[ "$(snap "$C")" = "$before_c" ] || fail "setup $* changed the kernel"
	ok "setup $* -> $rc: $(head -1 <<<"$OUT")"
}
ip -n "$C" link add noaddr0 type veth peer name noaddr1
ip -n "$C" link set noaddr0 up
check_bad 1 "interface nosuch0 does not exist" role client nosuch0
check_bad 1 "noaddr0 has no global address" role client eno1 noaddr0
check_bad 2 "role 'sever'" role sever eno1
check_bad 2 "unknown flag 'fullmsh'" role client eno1,fullmsh
check_bad 1 "routing table 50 is in use" role client eno1 table-base 50
check_bad 1 "rule priority 500 is in use" role client eno1 rule-pref 500
check_bad 2 "table-base 'x'" role client eno1 table-base x
check_bad 2 "which interfaces" role client
if ! "$MPTCPCTL" -n "$C" setup role client eno1,laminar --dry-run >/dev/null 2>&1; then
	check_bad 1 "no 'laminar' endpoints" role client eno1,laminar
fi
if command -v setpriv >/dev/null; then
	expect_rc 1 ip netns exec "$C" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$MPTCPCTL" setup role client eno1
	grep -q "needs CAP_NET_ADMIN" <<<"$OUT" || fail "unprivileged: $OUT"
	expect_rc 0 ip netns exec "$C" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$MPTCPCTL" setup role client eno1 --dry-run
	[ "$(snap "$C")" = "$before_c" ] || fail "unprivileged setup changed the kernel"
	ok "without CAP_NET_ADMIN: a clear error before anything; --dry-run works"
fi

# ---- setup file: errors name the line; auto; a rival manager is refused
tmp=$(mktemp -d)
EXTRA_CLEANUP+=("rm -rf $tmp")
printf '[setup]\nrole = client\n# the two paths\n[eno1]\n[eno2]\nflgs = backup\n' >"$tmp/bad.conf"
check_bad 2 "bad.conf: line 6: unknown key 'flgs' in \\[eno2\\]" file "$tmp/bad.conf"
printf '[setup]\nrole = client\n[eno1]\n[eno2]\nflags = backup\n' >"$tmp/good.conf"
file_plan=$("$MPTCPCTL" -n "$C" setup file "$tmp/good.conf" --dry-run)
words_plan=$("$MPTCPCTL" -n "$C" setup role client eno1 eno2,backup --dry-run)
[ "$file_plan" = "$words_plan" ] || fail "file and words give different plans: $file_plan / $words_plan"
grep -q "ip mptcp endpoint add 192.168.0.1 id [0-9]* dev eno2 subflow backup" <<<"$file_plan" || fail "file plan: $file_plan"
auto_plan=$("$MPTCPCTL" -n "$C" setup auto role client exclude noaddr0 --dry-run)
[ "$auto_plan" = "$("$MPTCPCTL" -n "$C" setup role client eno1 eno2 --dry-run)" ] || fail "auto: $auto_plan"
ok "setup file (errors name the line) and setup auto plan what the words plan"
mkdir -p "$tmp/bin" && cp "$(command -v sleep)" "$tmp/bin/mptcpd"
ip netns exec "$C" "$tmp/bin/mptcpd" 30 &
RIVAL=$!
EXTRA_CLEANUP+=("kill $RIVAL")
for _ in $(seq 1 100); do grep -q mptcpd "/proc/$RIVAL/comm" 2>/dev/null && break; sleep 0.02; done
check_bad 1 "mptcpd manages MPTCP in this namespace.*--force" role client eno1
kill "$RIVAL"; wait "$RIVAL" 2>/dev/null || true
ok "a running mptcpd in the namespace is refused without --force"

# ---- two runs at once: the second is refused by the lock, the first completes
if command -v strace >/dev/null; then
	# strace slows every netlink send of the first run by 0.2 s while it holds the lock
	# (LeakSanitizer cannot run under ptrace: off for that one run in ASan builds).
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -o /dev/null -e trace=sendto -e inject=sendto:delay_enter=200000 \
		"$MPTCPCTL" -n "$C" setup role client eno1 >"$tmp/first.out" 2>&1 &
	FIRST=$!
	sleep 0.5
	expect_rc 1 "$MPTCPCTL" -n "$C" setup role client eno1 eno2
	grep -q "another mptcpctl setup is running" <<<"$OUT" || fail "no lock: $OUT"
	wait "$FIRST" || fail "the first run failed: $(cat "$tmp/first.out")"
	expect_rc 0 "$MPTCPCTL" -n "$C" setup undo
	[ "$(snap "$C")" = "$before_c" ] || fail "the locked runs left changes"
	ok "a second setup while one runs is refused by the lock; the first completes"
fi

# ---- more paths than the kernel accepts endpoints: refused before applying
expect_rc 0 "$MPTCPCTL" lab up name "${LAB}w" paths 5
EXTRA_CLEANUP+=("$MPTCPCTL lab down ${LAB}w")
wb=$(snap "${LAB}w-cli")
expect_rc 1 "$MPTCPCTL" -n "${LAB}w-cli" setup role client eno1 eno2 eno3 eno4 eno5
grep -q "10 paths need 10 endpoints but the kernel accepts at most 8" <<<"$OUT" || fail "limit: $OUT"
[ "$(snap "${LAB}w-cli")" = "$wb" ] || fail "the refused setup changed the kernel"
expect_rc 0 "$MPTCPCTL" lab down "${LAB}w"
ok "10 paths: refused before anything is applied, naming the limit of 8"

# ---- fault injection: step k fails -> everything as before, the error names the step
n=$("$MPTCPCTL" -n "$C" setup role client eno1 eno2 --dry-run | wc -l)
[ "$n" -ge 10 ] || fail "dry-run has only $n steps"
for k in $(seq 1 "$n"); do
	expect_rc 1 env MPTCPCTL_FAIL_STEP="$k" "$MPTCPCTL" -n "$C" setup role client eno1 eno2
	grep -q "step $k of $n (.*): injected failure.*nothing was changed" <<<"$OUT" || fail "step $k: $OUT"
	[ "$(snap "$C")" = "$before_c" ] || fail "failure at step $k left changes: $(diff <(echo "$before_c") <(snap "$C"))"
done
ok "a failure at each of the $n steps rolls back to exactly the state before"
# A conflicting object that the kernel has: an endpoint for our address with other flags.
ip -n "$C" mptcp endpoint add 10.0.0.1 id 60 signal dev eno1
expect_rc 1 "$MPTCPCTL" -n "$C" setup role client eno1 eno2
grep -q "endpoint 10.0.0.1 (id 60) exists with other flags" <<<"$OUT" || fail "conflict: $OUT"
ip -n "$C" mptcp endpoint delete id 60
[ "$(snap "$C")" = "$before_c" ] || fail "the conflict changed the kernel"
ok "a conflicting endpoint is named, nothing changed"

# ---- dry-run lines through a shell == apply (the server side, on a fresh lab host)
dry=$("$MPTCPCTL" -n "$S" setup role server eno1 eno2 --dry-run)
ip netns exec "$S" sh -e -c "$dry" || fail "the dry-run lines do not run: $dry"
via_shell=$(snap "$S")
# undo what the shell did, by running its inverse the hard way: flush and restore
ip netns exec "$S" sh -c "$(sed -e 's/ add / del /' -e 's/^ip mptcp endpoint del .* id \([0-9]*\) .*/ip mptcp endpoint delete id \1/' -e '/limits set/d' -e '/^sysctl/d' <<<"$dry")"
ip -n "$S" mptcp limits set subflows 2 add_addr_accepted 0
[ "$(snap "$S")" = "$before_s" ] || fail "could not restore the server by hand: $(diff <(echo "$before_s") <(snap "$S"))"
expect_rc 0 "$MPTCPCTL" -n "$S" setup role server eno1 eno2
[ "$(snap "$S")" = "$via_shell" ] || fail "apply != dry-run via shell: $(diff <(echo "$via_shell") <(snap "$S"))"
ok "the --dry-run lines run by sh give the same kernel state as applying"

# ---- the seed scenario: client and server, 2 subflows over both links
expect_rc 0 "$MPTCPCTL" -n "$C" setup role client eno1 eno2
expect_rc 0 "$MPTCPCTL" -n "$C" setup role client eno1 eno2
grep -q "nothing to do" <<<"$OUT" || fail "second setup: $OUT"
ok "setup twice: the second does nothing and says so"
tx1=$(tx_bytes "$C" eno1) tx2=$(tx_bytes "$C" eno2)
ip netns exec "$S" python3 "$PEER" server 0.0.0.0 7300 >/dev/null &
EXTRA_CLEANUP+=("kill $!")
wait_listen "$S" 7300
ip netns exec "$C" python3 "$PEER" client 10.0.0.2 7300 3 &
CLIENT=$!
EXTRA_CLEANUP+=("kill $CLIENT")
sleep 1.5
pairs=$(ip netns exec "$C" ss -Htn state established "dport = :7300" | awk '{print $3 "-" $4}' | sort)
grep -q "^10.0.0.1:[0-9]*-10.0.0.2:7300$" <<<"$pairs" || fail "no subflow on path 1: $pairs"
grep -q "^192.168.0.1:[0-9]*-192.168.0.2:7300$" <<<"$pairs" || fail "no subflow on path 2: $pairs"
expect_rc 0 "$MPTCPCTL" -n "$C" status port 7300 --expect-subflows 2
wait "$CLIENT"
d1=$(($(tx_bytes "$C" eno1) - tx1)) d2=$(($(tx_bytes "$C" eno2) - tx2))
[ $d1 -gt 10000000 ] && [ $d2 -gt 10000000 ] || fail "link counters: eno1 +$d1, eno2 +$d2 bytes"
ok "seed scenario: subflows 10.0.0.1->10.0.0.2 and 192.168.0.1->192.168.0.2 (ss); eno1 +$((d1 / 1000000)) MB, eno2 +$((d2 / 1000000)) MB"

# ---- show, then undo: exactly back, unrelated objects kept
expect_rc 0 "$MPTCPCTL" -n "$C" setup show
grep -q "^ok .*ip mptcp endpoint add 192.168.0.1 id [0-9]* dev eno2 subflow" <<<"$OUT" || fail "show: $OUT"
ip -n "$C" rule del pref 1002 2>/dev/null || ip -n "$C" rule del from 192.168.0.1
expect_rc 1 "$MPTCPCTL" -n "$C" setup show
grep -q "^MISSING .*ip rule add from 192.168.0.1" <<<"$OUT" || fail "show after a deletion: $OUT"
ok "setup show: ok per object, MISSING (exit 1) after someone deleted a rule"
# Someone also deletes one of the server's endpoints by hand: undo skips it (the
# path manager answers EINVAL "address not found" for it).
ip -n "$S" mptcp endpoint delete id "$(ip -n "$S" mptcp endpoint show | awk '$1 == "10.0.0.2" { print $3 }')"
for h in "$C" "$S"; do
	expect_rc 0 "$MPTCPCTL" -n "$h" setup undo
	grep -q "1 already gone" <<<"$OUT" || fail "undo in $h after a deletion by hand: $OUT"
done
[ "$(snap "$C")" = "$before_c" ] || fail "undo (client): $(diff <(echo "$before_c") <(snap "$C"))"
[ "$(snap "$S")" = "$before_s" ] || fail "undo (server): $(diff <(echo "$before_s") <(snap "$S"))"
expect_rc 0 "$MPTCPCTL" -n "$C" setup undo
grep -q "nothing to undo" <<<"$OUT" || fail "second undo: $OUT"
ok "undo: rules, routes, endpoints (implicit ones too) and limits exactly as before; unrelated ones kept"
