#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad input to lab: a clear error, the right exit code, and nothing left behind.
. "$(dirname "$0")/lib.sh"

nothing_left() {
	ip netns list | grep -q "^$LAB-" && fail "$1: namespaces left behind"
	[ -e "/run/mptcpctl/lab/$LAB.state" ] && fail "$1: state file left behind"
	return 0
}

check_usage() { # expected-message-regex args...
	local re=$1
	shift
	expect_rc 2 "$MPTCPCTL" lab up name "$LAB" "$@"
	grep -Eq "$re" <<<"$OUT" || fail "lab up $*: unclear error: $OUT"
	nothing_left "lab up $*"
	ok "lab up $* -> exit 2: $(head -1 <<<"$OUT")"
}

check_usage "rate 'fast'.*expected a rate" rate fast
check_usage "rate '0'" rate 0
check_usage "rate.*3 values for 2 paths" rate 1gbit,1gbit,1gbit
check_usage "paths '0'.*1 to 8" paths 0
check_usage "paths '100'.*1 to 8" paths 100
check_usage "paths 'two'" paths two
check_usage "loss '150'.*percentage" loss 150
check_usage "loss 'x'" loss x
check_usage "delay 'soon'.*duration" delay soon
check_usage "needs a value" rate
check_usage "unknown argument 'colour'" colour blue

expect_rc 2 "$MPTCPCTL" lab up name "bad/name"
grep -q "invalid lab name" <<<"$OUT" || fail "bad name: $OUT"
expect_rc 2 "$MPTCPCTL" lab up name "$(printf 'x%.0s' {1..30})"
ok "invalid and overlong names -> exit 2"

# delay needs netem; this kernel may not have it: a clear error naming the module.
if ip netns add "$LAB-probe" 2>/dev/null; then
	EXTRA_CLEANUP+=("ip netns del $LAB-probe")
	ip -n "$LAB-probe" link set lo up
	if tc -n "$LAB-probe" qdisc add dev lo root netem delay 1ms 2>/dev/null; then
		have_netem=1
	else
		have_netem=0
	fi
	ip netns del "$LAB-probe"
fi
if [ "$have_netem" = 0 ]; then
	expect_rc 1 "$MPTCPCTL" lab up name "$LAB" delay 10ms
	grep -q "netem" <<<"$OUT" && grep -q "sch_netem" <<<"$OUT" || fail "delay without netem: $OUT"
	nothing_left "delay without netem"
	ok "delay without netem -> exit 1, names sch_netem, nothing left: $OUT"
else
	expect_rc 0 "$MPTCPCTL" lab up name "$LAB" delay 5ms paths 1
	tc -n "$LAB-cli" qdisc show dev eno1 | grep -q "netem.*delay 5ms" || fail "no netem delay"
	expect_rc 0 "$MPTCPCTL" lab down "$LAB"
	ok "delay with netem"
fi

# A namespace that exists and is not ours: refused, and left alone.
ip netns add "$LAB-srv"
EXTRA_CLEANUP+=("ip netns del $LAB-srv")
expect_rc 1 "$MPTCPCTL" lab up name "$LAB"
grep -q "exists and is not a mptcpctl lab" <<<"$OUT" || fail "foreign namespace: $OUT"
ip netns list | grep -q "^$LAB-srv" || fail "the foreign namespace was removed"
ip netns list | grep -q "^$LAB-cli" && fail "$LAB-cli was created"
expect_rc 1 "$MPTCPCTL" lab down "$LAB"
grep -q "not a mptcpctl lab" <<<"$OUT" || fail "lab down on a foreign namespace: $OUT"
ip netns list | grep -q "^$LAB-srv" || fail "lab down removed a foreign namespace"
ip netns del "$LAB-srv"
ok "a foreign namespace of the same name is refused and left alone"

# A lab that is up already.
expect_rc 0 "$MPTCPCTL" lab up name "$LAB" paths 1
expect_rc 1 "$MPTCPCTL" lab up name "$LAB" paths 1
grep -q "already exists" <<<"$OUT" || fail "second lab up: $OUT"
expect_rc 0 "$MPTCPCTL" lab down "$LAB"
ok "a name in use -> exit 1"

# Not root.
if command -v setpriv >/dev/null; then
	expect_rc 1 setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$MPTCPCTL" lab up name "$LAB"
	grep -q "needs root" <<<"$OUT" || fail "not root: $OUT"
	nothing_left "not root"
	ok "not root -> exit 1: $OUT"
fi

# Other subcommands' bad input.
expect_rc 1 "$MPTCPCTL" lab show "nosuchlab$$"
grep -q "no lab named" <<<"$OUT" || fail "show unknown lab: $OUT"
expect_rc 2 "$MPTCPCTL" lab exec "$LAB"
expect_rc 2 "$MPTCPCTL" lab frobnicate
grep -q "unknown subcommand 'frobnicate'" <<<"$OUT" || fail "unknown subcommand: $OUT"
expect_rc 2 "$MPTCPCTL" lab
ok "lab show/exec/unknown subcommand errors"
