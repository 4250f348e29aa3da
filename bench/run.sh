#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmarks: each prints the anchor (today's tools) and ours from the same run,
# with the ratio, as one markdown table. Not run in CI (timing is not a test).
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root (network namespaces)" >&2; exit 1; }
echo "| benchmark | anchor | anchor value | ours | ratio (ours/anchor) |"
echo "|---|---|---|---|---|"
for b in "$here"/b_*.sh; do
	[ -e "$b" ] || continue
	MPTCPCTL="$build/mptcpctl" bash "$b"
done
