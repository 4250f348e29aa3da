#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpctl run, table-driven: for each (family, type|flags, protocol) the socket's
# SO_PROTOCOL is 262 where it should be converted and the original elsewhere (UDP,
# AF_UNIX, raw, SCTP, explicit protocols), flags kept, under the preload and the
# seccomp backend, for a dynamic, a static and a raw-syscall program; then with
# net.mptcp.enabled=0 (fallback to TCP). The same table without run is the witness
# that the check can fail.
. "$(dirname "$0")/lib.sh"
[ -x "${SOCKPROBE:-}" ] || skip "no sockprobe helper (SOCKPROBE)"
[ -x "${SOCKPROBE_STATIC:-}" ] || skip "no statically linked sockprobe (static glibc missing?)"

expect_rc 0 "$MPTCPCTL" lab up name "$LAB" paths 1
X() { "$MPTCPCTL" lab exec "$LAB" cli -- "$@"; }

expect_rc 0 X "$SOCKPROBE" table tcp
expect_rc 1 X "$SOCKPROBE" table mptcp
grep -q "FAIL inet stream 0 .*SO_PROTOCOL 6, expected 262" <<<"$OUT" || fail "witness: $OUT"
ok "without run: TCP stays TCP (and the table notices when it is not MPTCP)"

expect_rc 0 X "$MPTCPCTL" run backend preload -- "$SOCKPROBE" table mptcp
grep -q "ok   inet6 stream|nonblock|cloexec tcp .*SO_PROTOCOL 262" <<<"$OUT" || fail "$OUT"
grep -q "ok   unix seqpacket 0 .*SO_PROTOCOL 0" <<<"$OUT" || fail "$OUT"
expect_rc 0 X "$MPTCPCTL" run -- "$SOCKPROBE" table mptcp
ok "preload: TCP -> 262 with flags kept; UDP, unix, raw, SCTP, explicit protocols untouched"

expect_rc 0 X "$MPTCPCTL" run backend seccomp -- "$SOCKPROBE" table mptcp
expect_rc 0 X "$MPTCPCTL" run backend seccomp -- "$SOCKPROBE" --raw table mptcp
ok "seccomp: the same table, through libc and through syscall(SYS_socket)"

expect_rc 1 X "$MPTCPCTL" run backend preload -- "$SOCKPROBE" --raw table mptcp
grep -q "FAIL inet stream 0 .*SO_PROTOCOL 6, expected 262" <<<"$OUT" || fail "$OUT"
ok "preload does not reach raw system calls (documented limit)"

expect_rc 0 X "$MPTCPCTL" run -v -- "$SOCKPROBE_STATIC" table mptcp
grep -q "run: backend seccomp for .*sockprobe-static (statically linked)" <<<"$OUT" || fail "$OUT"
grep -Eq "^mptcpctl\[[0-9]+\]: socket [0-9]+ -> MPTCP" <<<"$OUT" || fail "no -v log: $OUT"
expect_rc 0 X "$MPTCPCTL" run -v -- "$SOCKPROBE_STATIC" --raw table mptcp
expect_rc 1 X "$MPTCPCTL" run backend preload -- "$SOCKPROBE_STATIC" table mptcp
ok "static binary: auto picks seccomp and converts (the preload cannot)"

# Fallback: the client host refuses MPTCP; both backends create TCP and say so.
ip netns exec "$LAB-cli" sysctl -qw net.mptcp.enabled=0
expect_rc 0 X "$SOCKPROBE" table nomptcp
for b in preload seccomp; do
	expect_rc 0 X "$MPTCPCTL" run -v backend $b -- "$SOCKPROBE" table nomptcp
	grep -Eq "^mptcpctl\[[0-9]+\]: socket [0-9]+ fell back to TCP: Protocol not available" <<<"$OUT" ||
		fail "$b: no fallback message: $OUT"
	n=$(grep -c "fell back" <<<"$OUT")
	[ "$n" -eq 1 ] || fail "$b: tried MPTCP again after the first refusal ($n fallbacks)"
	grep -Eq "socket [0-9]+ -> TCP \(MPTCP unavailable\)" <<<"$OUT" || fail "$b: $OUT"
done
ok "net.mptcp.enabled=0: TCP sockets, one 'fell back' line, then no more tries (both backends)"
