#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mptcpctl enable/disable against fixture units under --root: the drop-in's exact
# content (the unit's LD_PRELOAD and GODEBUG kept), the unit file unchanged,
# idempotence, and disable leaving no trace.
. "$(dirname "$0")/lib.sh"

ROOT=$(mktemp -d)
EXTRA_CLEANUP+=("rm -rf '$ROOT'")
mkdir -p "$ROOT/etc/systemd/system" "$ROOT/lib/systemd/system/vendor.service.d"
cat >"$ROOT/lib/systemd/system/vendor.service" <<'UNIT'
[Unit]
Description=a vendor service
[Service]
Environment=LANG=C.UTF-8 "GREETING=hello world"
Environment=LD_PRELOAD=/usr/lib/libfoo.so
ExecStart=/usr/bin/vendord --flag
UNIT
cat >"$ROOT/lib/systemd/system/vendor.service.d/10-debug.conf" <<'UNIT'
[Service]
Environment=GODEBUG=http2debug=1
UNIT
printf '[Service]\nExecStart=/bin/true\n' >"$ROOT/etc/systemd/system/plain.service"
snapshot() { (cd "$ROOT" && find . -printf '%p %m %s\n' | sort && find . -type f -exec sha256sum {} + | sort); }
BEFORE=$(snapshot)
UNIT_SUM=$(sha256sum "$ROOT/lib/systemd/system/vendor.service")

PRELOAD=$("$MPTCPCTL" enable --help | sed -n 's/^Preload library: //p')
[ -n "$PRELOAD" ] || fail "enable --help does not name the preload library"
DROPIN="$ROOT/etc/systemd/system/vendor.service.d/50-mptcpctl.conf"

expect_rc 0 "$MPTCPCTL" enable --root "$ROOT" vendor
WANT="# Written by mptcpctl enable: the service's TCP sockets become Multipath TCP.
# 'mptcpctl disable' removes this file; the unit's own file is not changed.
[Service]
Environment=\"LD_PRELOAD=/usr/lib/libfoo.so $PRELOAD\"
Environment=\"GODEBUG=http2debug=1,multipathtcp=1\""
[ "$(cat "$DROPIN")" = "$WANT" ] || fail "drop-in content: $(cat "$DROPIN")"
[ "$(sha256sum "$ROOT/lib/systemd/system/vendor.service")" = "$UNIT_SUM" ] || fail "unit file changed"
grep -q '^Environment=LANG=C.UTF-8 "GREETING=hello world"$' "$ROOT/lib/systemd/system/vendor.service" ||
	fail "unit's Environment= lines changed"
ok "enable: drop-in with the unit's LD_PRELOAD and GODEBUG kept; vendor unit untouched"

MTIME=$(stat -c %Y.%N "$DROPIN")
sleep 0.01
expect_rc 0 "$MPTCPCTL" enable --root "$ROOT" vendor.service
grep -q "already enabled" <<<"$OUT" || fail "second enable: $OUT"
[ "$(stat -c %Y.%N "$DROPIN")" = "$MTIME" ] || fail "second enable rewrote the drop-in"
[ "$(cat "$DROPIN")" = "$WANT" ] || fail "second enable changed the drop-in"
ok "enable is idempotent (second run changes nothing)"

expect_rc 0 "$MPTCPCTL" enable --root "$ROOT" plain
grep -q '^Environment="LD_PRELOAD='"$PRELOAD"'"$' "$ROOT/etc/systemd/system/plain.service.d/50-mptcpctl.conf" ||
	fail "plain: $(cat "$ROOT/etc/systemd/system/plain.service.d/50-mptcpctl.conf")"
grep -q '^Environment="GODEBUG=multipathtcp=1"$' "$ROOT/etc/systemd/system/plain.service.d/50-mptcpctl.conf" ||
	fail "plain: no GODEBUG"
ok "enable of a unit without Environment= (in /etc)"

expect_rc 0 "$MPTCPCTL" disable --root "$ROOT" vendor
expect_rc 0 "$MPTCPCTL" disable --root "$ROOT" plain.service
[ "$(snapshot)" = "$BEFORE" ] || fail "disable left a trace: $(diff <(echo "$BEFORE") <(snapshot))"
expect_rc 0 "$MPTCPCTL" disable --root "$ROOT" vendor
grep -q "not enabled" <<<"$OUT" || fail "second disable: $OUT"
[ "$(snapshot)" = "$BEFORE" ] || fail "second disable changed something"
ok "disable removes exactly the drop-in (and its empty directory); idempotent"

# Someone else's drop-in in the same directory stays.
mkdir -p "$ROOT/etc/systemd/system/vendor.service.d"
printf '[Service]\nNice=5\n' >"$ROOT/etc/systemd/system/vendor.service.d/20-admin.conf"
expect_rc 0 "$MPTCPCTL" enable --root "$ROOT" vendor
expect_rc 0 "$MPTCPCTL" disable --root "$ROOT" vendor
[ -f "$ROOT/etc/systemd/system/vendor.service.d/20-admin.conf" ] || fail "disable removed another drop-in"
rm -r "$ROOT/etc/systemd/system/vendor.service.d"
ok "disable keeps other drop-ins"

expect_rc 1 "$MPTCPCTL" enable --root "$ROOT" nosuch
grep -q "unit nosuch.service not found" <<<"$OUT" || fail "$OUT"
expect_rc 1 "$MPTCPCTL" disable --root "$ROOT" nosuch
expect_rc 2 "$MPTCPCTL" enable --root "$ROOT"
expect_rc 2 "$MPTCPCTL" enable --root "$ROOT" ../etc/passwd
expect_rc 2 "$MPTCPCTL" enable --root "$ROOT" foo.socket
expect_rc 2 "$MPTCPCTL" enable --root
expect_rc 2 "$MPTCPCTL" enable --bogus vendor
expect_rc 0 "$MPTCPCTL" disable --help
[ "$(snapshot)" = "$BEFORE" ] || fail "bad input changed the tree"
ok "bad input: unknown unit 1, usage errors 2, nothing written"
