#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs every test suite of a build directory and ends with one line:
#   N passed, N failed, N skipped
# Exit status: 0 when nothing failed.
set -uo pipefail
build=${1:-build}
shift || true
meson test -C "$build" --print-errorlogs --num-processes 2 "$@"
rc=$?
log="$build/meson-logs/testlog.json"
if [ ! -s "$log" ]; then
	echo "0 passed, 1 failed"
	exit 1
fi
python3 - "$log" "$rc" <<'PY'
import json, sys
counts = {"OK": 0, "FAIL": 0, "SKIP": 0, "EXPECTEDFAIL": 0, "UNEXPECTEDPASS": 0, "TIMEOUT": 0, "ERROR": 0}
for line in open(sys.argv[1]):
    line = line.strip()
    if line:
        r = json.loads(line)["result"]
        counts[r] = counts.get(r, 0) + 1
passed = counts["OK"] + counts["EXPECTEDFAIL"]
failed = counts["FAIL"] + counts["TIMEOUT"] + counts["ERROR"] + counts["UNEXPECTEDPASS"]
if passed + failed == 0 and int(sys.argv[2]) != 0:
    failed = 1
print(f"{passed} passed, {failed} failed, {counts['SKIP']} skipped")
sys.exit(1 if failed else 0)
PY
