#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs every test suite of a build directory and ends with one line:
#   N passed, N failed, N skipped
# Before it, a "not passed: NAME (RESULT, SECONDS s)" line per test that did
# not pass; the same names with the last 25 lines of their output (stdout and
# stderr, which meson keeps apart) go to $build/meson-logs/failures.txt.
# Exit status: 0 when nothing failed.
set -uo pipefail
build=${1:-build}
shift || true
meson test -C "$build" --print-errorlogs --num-processes 2 "$@"
rc=$?
# meson names the log after a --wrapper (testlog-valgrind.json): take the newest.
log=$(ls -t "$build"/meson-logs/testlog*.json 2>/dev/null | head -n 1)
if [ -z "$log" ] || [ ! -s "$log" ]; then
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
python3 - "$log" "$rc" "$build/meson-logs/failures.txt" <<'PY'
import json, sys
bad = []
counts = {"OK": 0, "FAIL": 0, "SKIP": 0, "EXPECTEDFAIL": 0, "UNEXPECTEDPASS": 0, "TIMEOUT": 0, "ERROR": 0}
for line in open(sys.argv[1]):
    line = line.strip()
    if line:
        t = json.loads(line)
        r = t["result"]
        counts[r] = counts.get(r, 0) + 1
        if r not in ("OK", "SKIP", "EXPECTEDFAIL"):
            bad.append(t)
with open(sys.argv[3], "w") as f:
    for t in bad:
        head = "%s (%s, %.1f s)" % (t["name"], t["result"], t.get("duration", 0))
        print("not passed: " + head)
        out = (t.get("stdout") or "").rstrip("\n").split("\n")
        err = (t.get("stderr") or "").rstrip("\n").split("\n")
        f.write("--- %s\n" % head)
        if any(out):
            f.write("\n".join(x for x in out[-25:] if x) + "\n")
        if any(err):
            f.write("stderr:\n" + "\n".join(x for x in err[-25:] if x) + "\n")
passed = counts["OK"] + counts["EXPECTEDFAIL"]
failed = counts["FAIL"] + counts["TIMEOUT"] + counts["ERROR"] + counts["UNEXPECTEDPASS"]
if passed + failed == 0 and int(sys.argv[2]) != 0:
    failed = 1
print(f"{passed} passed, {failed} failed, {counts['SKIP']} skipped")
sys.exit(1 if failed else 0)
PY
