#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The man pages and the --help texts agree: every page renders with man -l
# (no groff warnings, no scdoc markup left over); every subcommand's own
# --help exits 0 in an empty network namespace (so it acts on nothing) and
# every option word of its Usage lines is in the subcommand's page.
# Witnesses: man(1), groff.
. "$(dirname "$0")/lib.sh"
mandir=${BUILD_DIR:-$(dirname "$MPTCPCTL")}
command -v man >/dev/null || skip "no man(1)"
[ -f "$mandir/mptcpctl.8" ] || skip "no man pages in $mandir (scdoc missing at build time)"

render() { MANWIDTH=100 man --warnings -l "$1" 2>"$tmp_err" | col -b; }
tmp_err=$(mktemp)
EXTRA_CLEANUP+=("rm -f $tmp_err")
for page in "$mandir"/mptcpctl*.8; do
	text=$(render "$page")
	[ -s "$tmp_err" ] && fail "man -l $(basename "$page"): $(cat "$tmp_err")"
	[ "$(wc -l <<<"$text")" -gt 20 ] || fail "$(basename "$page") renders to almost nothing"
	# scdoc markup that did not render: _WORD_ or *word* left in the text
	left=$(grep -nE '(^|[^A-Za-z0-9])_[A-Za-z][A-Za-z0-9]*_|\*[a-z-]+\*' <<<"$text" | head -3 || true)
	[ -z "$left" ] || fail "$(basename "$page"): markup left in the rendered text: $left"
done
ok "every man page renders with man -l: no warnings, no markup left over"

# subcommand words -> page
page_of() {
	case $1 in
	lab*) echo mptcpctl-lab.8 ;;
	run* | enable* | disable*) echo mptcpctl-run.8 ;;
	status* | monitor*) echo mptcpctl-status.8 ;;
	setup*) echo mptcpctl-setup.8 ;;
	doctor* | tune*) echo mptcpctl-doctor.8 ;;
	daemon*) echo mptcpctl-daemon.8 ;;
	bench*) echo mptcpctl-bench.8 ;;
	capture*) echo mptcpctl-capture.8 ;;
	esac
}
subs=("lab up" "lab down" "lab list" "lab show" "lab exec" "lab demo" "run" "enable" "disable"
	"status" "monitor" "setup" "setup show" "setup undo" "doctor" "doctor undo" "tune" "tune undo"
	"daemon" "daemon status" "daemon show" "daemon undo" "bench" "bench server" "bench client"
	"capture" "capture read")
n=0
for sub in "${subs[@]}"; do
	# shellcheck disable=SC2086 # the words of the subcommand
	out=$(unshare -n timeout 10 "$MPTCPCTL" $sub --help 2>&1) || fail "'$sub --help' exited $?: $out"
	grep -q "^Usage: mptcpctl" <<<"$out" || fail "'$sub --help' prints no usage: $out"
	page=$(page_of "$sub")
	text=$(render "$mandir/$page")
	# The Usage block: from "Usage:" to the first empty line. Its option words are
	# lowercase words (also --long ones) that are not placeholders (UPPERCASE).
	words=$(sed -n '/^Usage:/,/^$/p' <<<"$out" | tr ' []|,{}=.' '\n' |
		grep -E '^(--?)?[a-z][a-z0-9-]+$' | grep -vx -e mptcpctl -e usage | sort -u)
	for w in $words; do
		grep -qwF -e "$w" <<<"$text" || fail "'$sub --help' names '$w', $page does not"
	done
	n=$((n + 1))
done
ok "$n subcommands: --help exits 0 and prints a usage; every option word in it is in the man page"
