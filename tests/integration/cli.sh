#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The CLI skeleton: help, version, usage errors and exit codes.
. "$(dirname "$0")/lib.sh"

expect_rc 0 "$MPTCPCTL" --help
grep -q "^Usage: mptcpctl" <<<"$OUT" || fail "--help: $OUT"
grep -q "  lab " <<<"$OUT" || fail "--help lists no lab"
expect_rc 0 "$MPTCPCTL" --version
grep -Eq '^mptcpctl [0-9]+\.[0-9]+' <<<"$OUT" || fail "--version: $OUT"
expect_rc 0 "$MPTCPCTL" version
ok "--help, --version"

for sub in lab "lab up" "lab down" "lab list" "lab show" "lab exec" "lab demo"; do
	# shellcheck disable=SC2086
	expect_rc 0 "$MPTCPCTL" $sub --help
	grep -q "^Usage: mptcpctl lab" <<<"$OUT" || fail "$sub --help: $OUT"
done
for sub in setup status monitor doctor tune run enable disable; do
	expect_rc 0 "$MPTCPCTL" "$sub" --help
	grep -q "^ *\(Usage: \)\?mptcpctl $sub" <<<"$OUT" || fail "$sub --help: $OUT"
	expect_rc 0 "$MPTCPCTL" help "$sub"
done
expect_rc 0 "$MPTCPCTL" help lab
grep -q "^Usage: mptcpctl lab" <<<"$OUT" || fail "help lab: $OUT"
ok "--help on every subcommand, help SUBCOMMAND"

expect_rc 2 "$MPTCPCTL" frobnicate
grep -q "unknown command 'frobnicate'" <<<"$OUT" && grep -q "Try 'mptcpctl --help'" <<<"$OUT" ||
	fail "unknown command: $OUT"
expect_rc 2 "$MPTCPCTL"
expect_rc 2 "$MPTCPCTL" --frob
expect_rc 2 "$MPTCPCTL" help frobnicate
ok "unknown command/option -> exit 2 with a hint"

expect_rc 0 "$MPTCPCTL" -j lab list
python3 -c 'import json,sys; assert isinstance(json.loads(sys.argv[1]), list)' "$OUT" || fail "lab list -j: $OUT"
ok "-j gives JSON"

# bash completion completes subcommands and their words.
comp() { # words... : prints COMPREPLY for the last word
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _mptcpctl; printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$SRC_DIR/contrib/mptcpctl.bash-completion" "$@"
}
SRC_DIR=${SRC_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
[ "$(comp mptcpctl se | sort | tr '\n' ' ')" = "setup " ] || fail "completion of 'se': $(comp mptcpctl se)"
comp mptcpctl lab "" | grep -qx demo || fail "completion of lab subcommands"
comp mptcpctl setup role "" | grep -qx server || fail "completion of role"
comp mptcpctl status --exp | grep -qx -- --expect-subflows || fail "completion of status options"
[ "$(comp mptcpctl lab demo --p)" = "--plot" ] || fail "completion of lab demo --p: $(comp mptcpctl lab demo --p)"
comp mptcpctl lab up "" | grep -qx -e --plot -e time && fail "lab up offers demo's words: $(comp mptcpctl lab up "")"
ok "bash completion completes subcommands, roles and options"

# capture: the interfaces of the namespace (-n's), its words, files after read.
comp mptcpctl cap | grep -qx capture || fail "completion of 'cap': $(comp mptcpctl cap)"
comp mptcpctl capture "" | grep -qx lo || fail "completion of capture interfaces: $(comp mptcpctl capture "")"
ip netns add "$LAB-cli"
ip -n "$LAB-cli" link add mcq0 type veth peer name mcq1
comp mptcpctl -n "$LAB-cli" capture "" | grep -qx mcq0 || fail "completion of capture interfaces in $LAB-cli"
comp mptcpctl capture mcq0 "" | grep -qx mcq0 && fail "capture offers interfaces of another namespace"
[ "$(comp mptcpctl capture eno1 du)" = "duration" ] || fail "completion of capture eno1 du: $(comp mptcpctl capture eno1 du)"
[ "$(comp mptcpctl capture eno1 sn)" = "snaplen" ] || fail "completion of capture eno1 sn: $(comp mptcpctl capture eno1 sn)"
comp mptcpctl capture eno1 "" | grep -qx read && fail "capture offers read after an interface"
comp_dir=$(mktemp -d)
EXTRA_CLEANUP+=("rm -rf $comp_dir")
touch "$comp_dir/x.pcap"
[ "$(comp mptcpctl capture read "$comp_dir/x")" = "$comp_dir/x.pcap" ] || fail "completion of the file after read"
[ "$(comp mptcpctl capture read x.pcap --p)" = "--progress" ] || fail "completion of capture read --p"
comp mptcpctl capture read x.pcap "" | grep -qx duration && fail "capture read offers duration"
ip netns del "$LAB-cli"
ok "bash completion of capture: interfaces of the namespace, its words, files after read"
